# canopy run: the answer on stdout, the journal on disk, determinism.
. "$SRCDIR/tests/integration/lib.sh"

"$CANOPY" run --problem "What is (17+25)*3-8?" --trace "$TMP/a.jsonl" >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "a run exits 0"
is "$(cat "$TMP/out")" "118" "stdout holds the answer alone"
contains "$TMP/err" "journal $TMP/a.jsonl" "stderr names the journal"
contains "$TMP/err" "answer 118 (correct)" "stderr grades the answer"
"$CANOPY" check "$TMP/a.jsonl" >"$TMP/c"
is "$?" 0 "the journal checks"
contains "$TMP/c" "answer 118 (correct)" "with the same answer"
head -1 "$TMP/a.jsonl" | grep -q '"canopy":1' && head -1 "$TMP/a.jsonl" | grep -q '"answer":"118"'
ok $? "the header has the format version and the gold answer"

# default trace location
"$CANOPY" run --strategy beam --seed 3 >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "a run without --trace exits 0"
path=$(sed -n 's/^canopy: journal //p' "$TMP/err")
case "$path" in
"$XDG_STATE_HOME"/canopy/traces/*-beam-s3.jsonl) ok 0 "the default journal is under \$XDG_STATE_HOME/canopy/traces" ;;
*) ok 1 "the default journal is under \$XDG_STATE_HOME/canopy/traces (got '$path')" ;;
esac
test -s "$path"
ok $? "and it is written"
"$CANOPY" run --strategy beam --seed 3 2>"$TMP/err2" >/dev/null
path2=$(sed -n 's/^canopy: journal //p' "$TMP/err2")
test "$path" != "$path2" && test -s "$path2"
ok $? "a second run in the same second gets its own file"

# determinism: same options and seed, same events apart from t
strip() { sed 's/"t":[0-9.]*,//' "$1" | tail -n +2; }
for st in sc beam; do
	"$CANOPY" run -q --strategy $st --seed 7 --trace "$TMP/d1.jsonl" >/dev/null
	"$CANOPY" run -q --strategy $st --seed 7 --trace "$TMP/d2.jsonl" >/dev/null
	strip "$TMP/d1.jsonl" >"$TMP/s1"
	strip "$TMP/d2.jsonl" >"$TMP/s2"
	cmp -s "$TMP/s1" "$TMP/s2"
	ok $? "$st: a seeded run repeats its events exactly"
	"$CANOPY" run -q --strategy $st --seed 8 --trace "$TMP/d3.jsonl" >/dev/null
	strip "$TMP/d3.jsonl" >"$TMP/s3"
	! cmp -s "$TMP/s1" "$TMP/s3"
	ok $? "$st: another seed gives another search"
done
# latency does not change what is found, only when
"$CANOPY" run -q --strategy beam --seed 7 --sim-latency 5,0.1 --trace "$TMP/d4.jsonl" >/dev/null
strip "$TMP/d4.jsonl" >"$TMP/s4"
"$CANOPY" run -q --strategy beam --seed 7 --trace "$TMP/d1.jsonl" >/dev/null
strip "$TMP/d1.jsonl" >"$TMP/s1"
cmp -s "$TMP/s1" "$TMP/s4"
ok $? "simulated latency does not change the events"

# --show prints the search as it grows
"$CANOPY" run --show --strategy beam --seed 2 --trace "$TMP/s.jsonl" >"$TMP/out" 2>"$TMP/err"
contains "$TMP/err" "problem: " "--show prints the problem"
contains "$TMP/err" "── level 1 ──" "--show marks each level"
contains "$TMP/err" "#1 ← #0  Step 1:" "--show prints each new step under its parent"
contains "$TMP/err" " PRM " "--show prints PRM scores"
contains "$TMP/err" "kept:" "--show prints the survivors"
contains "$TMP/err" "final answer: " "--show prints the final answer"
is "$(wc -l <"$TMP/out" | tr -d ' ')" 1 "stdout still holds only the answer"
"$CANOPY" run -q --seed 2 --trace "$TMP/q.jsonl" >"$TMP/out" 2>"$TMP/err"
is "$(wc -c <"$TMP/err" | tr -d ' ')" 0 "--quiet prints nothing on stderr"

# a problem from a file, and parameters that change the search
printf 'What is 6 * 7 + 1?\n' >"$TMP/p.txt"
is "$("$CANOPY" run -q --problem-file "$TMP/p.txt" --trace "$TMP/f.jsonl")" 43 "--problem-file"
is "$(printf 'What is 2+2?' | "$CANOPY" run -q --problem-file - --trace "$TMP/f.jsonl")" 4 "--problem-file - reads stdin"
"$CANOPY" run -q --n 3 --trace "$TMP/n3.jsonl" >/dev/null
is "$(grep -c '"ev":"node","id":[0-9]*,"parent":0,' "$TMP/n3.jsonl")" 3 "--n 3 samples three solutions"
"$CANOPY" run -q --strategy beam --n 8 --width 2 --seed 4 --trace "$TMP/b.jsonl" >/dev/null
is "$(grep '"ev":"keep"' "$TMP/b.jsonl" | head -1 | sed 's/.*"ids":\[\([^]]*\)\].*/\1/' | tr ',' '\n' | wc -l | tr -d ' ')" 4 "beam --n 8 --width 2 keeps 4 prefixes a level"
grep -q '"strategy":{"name":"beam","n":8,"width":2' "$TMP/b.jsonl"
ok $? "the header records the parameters"

# the budget
"$CANOPY" run -q --strategy beam --seed 9 --difficulty 9 --trace "$TMP/full.jsonl" >/dev/null
"$CANOPY" run -q --strategy beam --seed 9 --difficulty 9 --budget 200 --trace "$TMP/cut.jsonl" >/dev/null
full=$(grep '"ev":"usage"' "$TMP/full.jsonl" | tail -1 | sed 's/.*"gen_tokens":\([0-9]*\).*/\1/')
cut=$(grep '"ev":"usage"' "$TMP/cut.jsonl" | tail -1 | sed 's/.*"gen_tokens":\([0-9]*\).*/\1/')
test "$cut" -lt "$full" && test "$cut" -ge 200
ok $? "--budget 200 stops early ($cut of $full tokens)"
"$CANOPY" run -q --strategy beam --seed 9 --budget 10req --trace "$TMP/r.jsonl" >/dev/null
is "$(grep '"ev":"usage"' "$TMP/r.jsonl" | tail -1 | sed 's/.*"requests":\([0-9]*\).*/\1/')" 10 "--budget 10req stops at ten requests"
tail -2 "$TMP/r.jsonl" | grep -q '"ev":"final"'
ok $? "a budgeted run still ends with its final event"

# PUCT: priors from the sim's log-probabilities
"$CANOPY" run -q --strategy puct --seed 3 --difficulty 6 --trace "$TMP/puct.jsonl" >"$TMP/puct.out" 2>&1
is "$?" 0 "--strategy puct runs on the sim"
priors=$(python3 -c '
import json, sys
parent, sums = {}, {}
for l in list(open(sys.argv[1]))[1:]:
    e = json.loads(l)
    if e["ev"] == "node":
        parent[e["id"]] = e.get("parent")
    if e["ev"] == "score" and "prior" in e:
        p = parent[e["id"]]
        sums[p] = sums.get(p, 0) + e["prior"]
print(len(sums), all(abs(v - 1) < 1e-4 for v in sums.values()))
' "$TMP/puct.jsonl" 2>/dev/null)
test "${priors% *}" -ge 2 && test "${priors#* }" = True
ok $? "every expanded node's children get priors that sum to 1 ($priors)"
grep -q '"ev":"stats","id":[0-9]*,"visits":0,"value":0,"uct":' "$TMP/puct.jsonl"
ok $? "unvisited children are scored by PUCT too (no first-unvisited rule)"

# an unwritable journal is a failed run, said clearly
"$CANOPY" run -q --trace /nonexistent/dir/t.jsonl >"$TMP/out" 2>"$TMP/err"
is "$?" 1 "an unwritable trace exits 1"
contains "$TMP/err" "/nonexistent/dir/t.jsonl: No such file or directory" "and names the file"

# MCTS stops when the tree is fully expanded: more rollouts would repeat
# (ours, --mcts-rule terminal: each rollout takes a new child first, so
# the 4 leaves take 4; llm-reasoners' rule, the default, below)
"$CANOPY" run --strategy mcts --mcts-rule terminal --width 2 --depth 2 --rollouts 500 --trace "$TMP/closed.jsonl" >/dev/null 2>&1
is "$(grep -c '"ev":"unit".*rollout' "$TMP/closed.jsonl")" 4 "a width-2 depth-2 tree is done after 4 of 500 rollouts"
grep -q '"what":"stop","label":"the tree is fully expanded: more rollouts would repeat these","values":{"rollouts":4,"of":500}' \
	"$TMP/closed.jsonl"
ok $? "and the journal says why it stopped"
grep -q '"ev":"final".*fully expanded' "$TMP/closed.jsonl"
ok $? "as the final answer's reason does"
"$CANOPY" run --strategy mcts --width 2 --depth 2 --rollouts 500 --trace "$TMP/closed2.jsonl" >/dev/null 2>&1
n=$(grep -c '"ev":"unit".*rollout' "$TMP/closed2.jsonl")
test "$n" -lt 500 && grep -q '"what":"stop","label":"the tree is fully expanded' "$TMP/closed2.jsonl"
ok $? "llm-reasoners' rule stops too once every child is visited ($n rollouts)"
# selfrefine answers with the last refinement, as Self-Refine returns it
"$CANOPY" run --strategy selfrefine --seed 12 --difficulty 8 --trace "$TMP/sr.jsonl" >/dev/null 2>&1
last=$(grep '"kind":"refinement"' "$TMP/sr.jsonl" | tail -1 | sed 's/.*"id":\([0-9]*\),.*/\1/')
grep -q "\"ev\":\"final\",\"answer\":\"[^\"]*\",\"node\":$last,.*the last refinement (Self-Refine returns it)" "$TMP/sr.jsonl"
ok $? "selfrefine's answer is its last refinement (#$last), not a vote over every version"
done_testing
