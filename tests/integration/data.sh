# Data sets: canopy grade on hand-written files and on the real sets in
# ../shared/data (those parts skip cleanly when it is not there).
. "$SRCDIR/tests/integration/lib.sh"

cat >"$TMP/set.jsonl" <<'DATA'
{"question": "Tom has 3 apples and buys 4. How many?", "answer": "3 + 4 = 7\n#### 7"}
{"question": "Ann has 1200 pens and sells 200. How many?", "answer": "1200 - 200 = 1000\n#### 1,000"}
{"question": "Half of 5?", "answer": "5 / 2 = 2.5\n#### 2.5"}
DATA
printf '{"output": "I think \\\\boxed{7}"}\n{"prediction": "The answer is 1000 pens."}\n{"answer": "5/2"}\n' >"$TMP/p1.jsonl"
"$CANOPY" grade --dataset "$TMP/set.jsonl" --predictions "$TMP/p1.jsonl" >"$TMP/g1.out" 2>&1
is "$?" 0 "canopy grade exits 0"
contains "$TMP/g1.out" "3 of 3 correct, accuracy 1.000" "boxed, 'The answer is' with a unit, and a fraction all grade right"
printf '7\n999\n' >"$TMP/p2.txt"
"$CANOPY" grade --dataset "$TMP/set.jsonl" --predictions "$TMP/p2.txt" -v --csv "$TMP/g2.csv" >"$TMP/g2.out" 2>&1
contains "$TMP/g2.out" "1 of 3 correct, accuracy 0.333 [0.061, 0.792] (2 answered)" \
	"plain lines by position; a missing answer is wrong; the interval is Wilson's"
contains "$TMP/g2.out" "2: 999, gold 1,000" "-v lists what was wrong"
is "$(sed -n 3p "$TMP/g2.csv")" '"2","1,000","999",0' "--csv has a row a problem"
printf '{"id": "9", "output": "7"}\n' >"$TMP/p3.jsonl"
"$CANOPY" grade --dataset "$TMP/set.jsonl" --predictions "$TMP/p3.jsonl" >/dev/null 2>"$TMP/g3.err"
is "$?" 1 "an id the set does not have is an error"
contains "$TMP/g3.err" "p3.jsonl:1: no problem \"9\" in $TMP/set.jsonl" "named with FILE:LINE"
printf '{"question": "q"}\n' >"$TMP/bad.jsonl"
"$CANOPY" grade --dataset "$TMP/bad.jsonl" --predictions "$TMP/p2.txt" >/dev/null 2>"$TMP/g4.err"
is "$?" 1 "a malformed data set is an error"
contains "$TMP/g4.err" "bad.jsonl:1: not a data set canopy knows" "with its line"
"$CANOPY" grade --dataset "$TMP/set.jsonl" >/dev/null 2>&1
is "$?" 2 "grade without --predictions is bad usage"

D=${SHARED_DATA:-$SRCDIR/../shared/data}
if [ -f "$D/math500_test.jsonl" ]; then
	# every gold answer boxed, with ids, a third of them replaced by 42
	python3 -c '
import json, sys
for i, l in enumerate(open(sys.argv[1])):
    o = json.loads(l)
    a = o["answer"] if i % 3 else "42"
    print(json.dumps({"unique_id": o["unique_id"], "output": "so \\boxed{%s}" % a}))
' "$D/math500_test.jsonl" >"$TMP/m.jsonl"
	"$CANOPY" grade --dataset "$D/math500_test.jsonl" --predictions "$TMP/m.jsonl" >"$TMP/m.out" 2>&1
	contains "$TMP/m.out" "333 of 500 correct" "MATH-500: 333 boxed gold answers of 500 grade right, the 167 others wrong"
	sed -n 's/.*#### *//p' "$D/gsm8k_test.jsonl" | sed 's/".*//' >"$TMP/gsm.txt"
	"$CANOPY" grade --dataset "$D/gsm8k_test.jsonl" --predictions "$TMP/gsm.txt" >"$TMP/gsm.out" 2>&1
	contains "$TMP/gsm.out" "1319 of 1319 correct, accuracy 1.000" "GSM8K: its own gold answers, one a line, all grade right"
else
	skip "../shared/data is not here"
	skip "../shared/data is not here"
fi
done_testing
