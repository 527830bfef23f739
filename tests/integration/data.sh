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

# ---- canopy bench on a data set, against a model server ----
python3 "$SRCDIR/tests/fake_server.py" --port-file "$TMP/port" --log "$TMP/server.log" --lifetime 120 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 1 50); do [ -s "$TMP/port" ] && break; sleep 0.1; done
URL="http://127.0.0.1:$(cat "$TMP/port")"
# the fake server answers 42 to everything: three of these four are right
cat >"$TMP/four.jsonl" <<'DATA'
{"problem": "What is six times seven?", "answer": "42", "unique_id": "test/a/1.json"}
{"problem": "What is 40 plus 2?", "answer": "42", "unique_id": "test/a/2.json"}
{"problem": "What is 3 plus 4?", "answer": "7", "unique_id": "test/a/3.json"}
{"problem": "What is 84 halved?", "answer": "\\frac{84}{2}", "unique_id": "test/a/4.json"}
DATA
bench() { "$CANOPY" bench --dataset "$TMP/four.jsonl" --backend openai --url "$URL" --model ok \
	--strategies sc:n=2 --jobs 2 --out "$TMP/runs" "$@"; }
bench --csv "$TMP/b.csv" >"$TMP/b.out" 2>"$TMP/b.err"
is "$?" 0 "bench --dataset against a server exits 0"
grep -q "^sc:n=2 *0.750 " "$TMP/b.out"
ok $? "three of four right, graded against the set's own gold answers (one a fraction)"
contains "$TMP/b.out" "(4 problems of $TMP/four.jsonl, budget none)" "the summary names the set"
is "$(ls "$TMP/runs" | grep -c 'jsonl$')" 4 "--out holds a trace a run"
test -f "$TMP/runs/test_a_3.json.sc.n-2.jsonl" && test -f "$TMP/runs/test_a_3.json.sc.n-2.jsonl.replies"
ok $? "named by problem id and strategy, with its replies"
head -1 "$TMP/runs/test_a_3.json.sc.n-2.jsonl" | grep -q '"problem":{"text":"What is 3 plus 4?","answer":"7"}'
ok $? "each trace's header has the set's problem and gold answer"
"$CANOPY" check -q "$TMP"/runs/*.jsonl
ok $? "and every trace checks"
is "$(grep -c '^"test/a/' "$TMP/b.csv")" 4 "--csv has a row a run, by problem id"
grep -q '^"test/a/3.json",.*,"sc:n=2",,"42","7",0,' "$TMP/b.csv"
ok $? "with the answer, the gold and the grade"
bench >/dev/null 2>"$TMP/b2.err"
is "$?" 2 "the same --out again, without --resume, is refused"
contains "$TMP/b2.err" "holds runs of an earlier bench" "saying why"
: >"$TMP/server.log"
bench --resume >"$TMP/b3.out" 2>&1
is "$?:$(grep -c . "$TMP/server.log")" "0:0" "--resume with every run finished asks the server nothing"
contains "$TMP/b3.out" "(4 runs were already finished in $TMP/runs)" "and says so"
grep -q "^sc:n=2 *0.750 " "$TMP/b3.out"
ok $? "with the same results"
rm "$TMP/runs/test_a_2.json.sc.n-2.jsonl" "$TMP/runs/test_a_2.json.sc.n-2.jsonl.replies"
head -4 "$TMP/runs/test_a_4.json.sc.n-2.jsonl" >"$TMP/cut" && mv "$TMP/cut" "$TMP/runs/test_a_4.json.sc.n-2.jsonl"
: >"$TMP/server.log"
bench --resume >"$TMP/b4.out" 2>&1
is "$?" 0 "--resume with one run gone and one cut short"
is "$(grep -c '"path"' "$TMP/server.log")" 2 "asks only for the lost run's two samples; the cut run comes back from its replies"
grep -q "^sc:n=2 *0.750 " "$TMP/b4.out"
ok $? "and the results are the same"
"$CANOPY" bench --dataset "$TMP/four.jsonl" --strategies sc >/dev/null 2>"$TMP/b5.err"
is "$?" 2 "the sim on a data set is bad usage"
contains "$TMP/b5.err" "four.jsonl:1: the sim reads only its own problems" "naming the first problem it cannot read"
"$CANOPY" bench --dataset "$TMP/four.jsonl" --backend openai --url "$URL" --model ok --strategies sc:n=1 \
	--offset 1 --limit 2 >"$TMP/b6.out" 2>&1
contains "$TMP/b6.out" "(2 problems of" "--offset 1 --limit 2 runs two problems"
grep -q "^sc:n=1 *0.500 " "$TMP/b6.out"
ok $? "the second and third (one right)"
kill $SERVER 2>/dev/null

# a run's requests (a beam level's samples, its step scores) go out
# together; under a budget one at a time, so that it stops within one
python3 "$SRCDIR/tests/fake_server.py" --port-file "$TMP/port2" --log "$TMP/slow.log" --lifetime 60 \
	--latency-ms 150 &
SERVER=$!
for _ in $(seq 1 50); do [ -s "$TMP/port2" ] && break; sleep 0.1; done
most() { python3 -c 'import json, sys; print(max(json.loads(l)["active"] for l in open(sys.argv[1])))' "$1"; }
slow() { "$CANOPY" bench --dataset "$TMP/four.jsonl" --limit 1 --backend openai \
	--url "http://127.0.0.1:$(cat "$TMP/port2")" --model ok --strategies beam:n=4:width=2:depth=2 "$@"; }
slow >"$TMP/s1.out" 2>&1
n=$(most "$TMP/slow.log")
test "$n" -ge 2
ok $? "bench sends a run's requests together ($n at once)"
: >"$TMP/slow.log"
slow --budget 100000 >"$TMP/s2.out" 2>&1
is "$(most "$TMP/slow.log")" 1 "and one at a time under --budget"
: >"$TMP/slow.log"
slow --max-inflight 2 >"$TMP/s3.out" 2>&1
is "$(most "$TMP/slow.log")" 2 "--max-inflight 2 holds a run to 2 requests at once, as in canopy run"
kill $SERVER 2>/dev/null

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
