# canopy import: every format, from files written by hand from each
# tool's documented output (tests/data/import/) and PRM800K's samples,
# into traces that check, export and refuse a resume; and the messages
# and exit statuses of bad input.
. "$SRCDIR/tests/integration/lib.sh"

D="$SRCDIR/tests/data/import"

imp() { # imp FORMAT FILE [ARGS...]: imports into $TMP/out.jsonl
	f=$1
	shift
	"$CANOPY" import --from "$f" "$@" -o "$TMP/out.jsonl" >"$TMP/imp.out" 2>&1
}

for spec in "llm-reasoners|reasoners-treelog.json|16 nodes|answer 18" \
	"rstar|rstar|7 nodes|answer 18 (correct)" \
	"search-and-learn|search-and-learn.jsonl|7 nodes|answer 16 (wrong)" \
	"magicore|magicore-refined.json|6 nodes|(correct)" \
	"mathcritique|mathcritique.jsonl|16 nodes|answer 18 (correct)"; do
	IFS='|' read -r fmt file nodes answer <<EOF
$spec
EOF
	imp "$fmt" "$D/$file"
	is "$?" 0 "import --from $fmt exits 0"
	contains "$TMP/imp.out" "replay it with: canopy replay $TMP/out.jsonl" "$fmt: it says how to look at the result"
	"$CANOPY" check "$TMP/out.jsonl" >"$TMP/check.txt" 2>&1
	is "$?" 0 "$fmt: the trace is valid"
	contains "$TMP/check.txt" "$nodes" "$fmt: $nodes"
	contains "$TMP/check.txt" "$answer" "$fmt: $answer"
done

if [ -r "$SHARED_DATA/prm800k-phase1-test-example.json" ] && [ -r "$SHARED_DATA/prm800k-phase2-test-example.json" ]; then
	# the two real samples saved end to end, as users keep them
	cat "$SHARED_DATA/prm800k-phase1-test-example.json" "$SHARED_DATA/prm800k-phase2-test-example.json" \
		>"$TMP/prm-both.json"
	imp prm800k "$TMP/prm-both.json" --index 1
	is "$?" 0 "prm800k: two pretty-printed records end to end, --index 1 reads the second"
	contains "$TMP/imp.out" "final answer 7200 (wrong)" "phase 2: the generated solution's answer (pre_generated_answer)"
	"$CANOPY" export "$TMP/out.jsonl" --format md >"$TMP/p2.md"
	contains "$TMP/p2.md" "| #16 | step | # Answer<br><br>7200 | | 0.001 |" "and the PRM score it was chosen by (pre_generated_verifier_score)"
	python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])][1:]
steps = json.load(open(sys.argv[2]))["question"]["pre_generated_steps"]
kids = {}
for e in ev:
    if e["ev"] == "node" and "parent" in e:
        kids.setdefault(e["parent"], []).append(e)
fin = [e for e in ev if e["ev"] == "final"][0]["node"]
nodes = {e["id"]: e for e in ev if e["ev"] == "node"}
path, at = [], fin
while at:
    path.append(nodes[at]["text"]); at = nodes[at]["parent"]
sys.exit(0 if path[::-1] == steps else 1)
' "$TMP/out.jsonl" "$SHARED_DATA/prm800k-phase2-test-example.json"
	ok $? "the final path is the whole generated solution, its 13 steps, rated or not"
	imp prm800k "$TMP/prm-both.json" --index 2
	contains "$TMP/imp.out" "the file holds 2 records" "and says how many the file holds"
fi
if [ -r "$SHARED_DATA/prm800k-phase1-test-example.json" ]; then
	imp prm800k "$SHARED_DATA/prm800k-phase1-test-example.json"
	is "$?" 0 "import --from prm800k (the real sample) exits 0"
	"$CANOPY" export "$TMP/out.jsonl" --format md >"$TMP/p.md"
	contains "$TMP/p.md" "That means a pencil costs 29 cents." "the Markdown report quotes the labelled path"
	contains "$TMP/p.md" "finish_reason: solution" "and says how the labelling finished"
	contains "$TMP/p.md" "imported from prm800k output, which records no token or request counts" \
		"and claims no spending it does not know"
else
	for _ in 1 2 3 4; do skip "../shared/data's PRM800K samples are not here"; done
fi

imp llm-reasoners "$D/reasoners-treelog.json" --problem "Janet's ducks lay 16 eggs a day." --gold 18
contains "$TMP/imp.out" "final answer 18 (correct)" "--problem and --gold supply what a TreeLog lacks"
"$CANOPY" export "$TMP/out.jsonl" --format json >"$TMP/r.json"
contains "$TMP/r.json" '"q":0.848528' "an edge's Q, without visit counts, is exported as q (its calc_q, max, of the returns)"

"$CANOPY" run --resume "$TMP/out.jsonl" >"$TMP/resume.out" 2>&1
is "$?" 2 "an imported trace cannot be resumed"
contains "$TMP/resume.out" "imported from llm-reasoners, not a search canopy ran" "and the message says why"

# ---- bad input ----
imp search-and-learn "$D/search-and-learn.jsonl" --index 3
is "$?" 1 "an index past the end: exit 1"
contains "$TMP/imp.out" "--index 3: the file holds 3 records (0 to 2)" "and the message says how many there are"
imp prm800k "$D/search-and-learn.jsonl"
contains "$TMP/imp.out" "search-and-learn.jsonl:1: question: missing (an object expected) (it looks like search-and-learn output: try --from search-and-learn)" \
	"the wrong format: the field that is missing, and a hint"
printf '{"problem":"p","completions":["a"]}\n{"problem": "q", "completions": [\n' >"$TMP/torn.jsonl"
rm -f "$TMP/out.jsonl"
imp search-and-learn "$TMP/torn.jsonl" --index 1
is "$?" 1 "a torn JSON line: exit 1"
contains "$TMP/imp.out" "torn.jsonl:2:" "named by file and line"
[ ! -e "$TMP/out.jsonl" ] && ! ls "$TMP"/out.jsonl.import-* >/dev/null 2>&1
ok $? "and no trace (nor a temporary file) is left behind"
printf '[U-0: Q: 0; N: 0; V: None; UCT: 666] User: q\n----[TS-1: Q: x; N: 0] OST: y\n' >"$TMP/q.tree"
imp rstar "$TMP/q.tree"
contains "$TMP/imp.out" "q.tree:2: a node line canopy cannot read" "an rStar line that does not parse is named by line"
imp rstar "$TMP"
contains "$TMP/imp.out" "no \"Question NNNN - Rollout I.tree\" files here (run rStar with --save_tree)" \
	"a directory without dumps says how to make them"
"$CANOPY" import --from nosuch "$D/rstar" -o "$TMP/x.jsonl" >"$TMP/imp.out" 2>&1
is "$?" 2 "an unknown format: exit 2"
contains "$TMP/imp.out" "there are: prm800k llm-reasoners rstar search-and-learn magicore mathcritique openr" "and the formats are listed"
"$CANOPY" import --from rstar "$D/rstar" >"$TMP/imp.out" 2>&1
is "$?" 2 "no -o: exit 2"
"$CANOPY" import --from rstar "$D/rstar" -o "$TMP/no/such/dir/x.jsonl" >"$TMP/imp.out" 2>&1
contains "$TMP/imp.out" "$TMP/no/such/dir/x.jsonl: No such file or directory" "an unwritable output is named as given"

done_testing
