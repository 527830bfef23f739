# canopy export: nested JSON and Graphviz DOT.
. "$SRCDIR/tests/integration/lib.sh"

"$CANOPY" run -q --strategy beam --seed 6 --trace "$TMP/t.jsonl" >/dev/null
nodes=$(grep -c '"ev":"node"' "$TMP/t.jsonl")
"$CANOPY" export "$TMP/t.jsonl" --format json >"$TMP/t.json"
is "$?" 0 "export json exits 0"
if command -v python3 >/dev/null; then
	got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
def walk(n):
    return 1 + sum(walk(c) for c in n["children"])
final = [0]
def fin(n):
    final[0] += 1 if n.get("final") else 0
    for c in n["children"]: fin(c)
fin(d["tree"])
print(walk(d["tree"]), d["tree"]["kind"], d["final"]["answer"] is not None, final[0] > 1)
' "$TMP/t.json")
	is "$got" "$nodes problem True True" "the JSON is valid, nested, holds all $nodes nodes and the final path"
else
	skip "python3 is not installed"
fi
"$CANOPY" export "$TMP/t.jsonl" --format dot -o "$TMP/t.dot"
is "$?" 0 "export dot -o FILE exits 0"
head -1 "$TMP/t.dot" | grep -q '^digraph canopy {$'
ok $? "the DOT file is a digraph"
is "$(grep -c -- ' -> ' "$TMP/t.dot")" "$((nodes - 1))" "one edge per node but the root"
grep -q 'PRM 0\.[0-9][0-9]' "$TMP/t.dot"
ok $? "node labels carry PRM scores"
grep -q '\[penwidth=3\]' "$TMP/t.dot"
ok $? "the final path is drawn thick"
grep -q 'dashed' "$TMP/t.dot"
ok $? "pruned nodes are dashed"
if command -v dot >/dev/null; then
	dot -Tsvg "$TMP/t.dot" >"$TMP/t.svg"
	ok $? "Graphviz renders it"
else
	skip "graphviz is not installed"
fi
echo 'garbage' >"$TMP/bad.jsonl"
"$CANOPY" export "$TMP/bad.jsonl" --format json >"$TMP/out" 2>"$TMP/err"
is "$?" 1 "exporting a bad trace exits 1"
is "$(cat "$TMP/err")" "$TMP/bad.jsonl:1: header is not valid JSON" "with FILE:LINE"
"$CANOPY" export "$TMP/t.jsonl" --format dot -o /nonexistent/x.dot 2>"$TMP/err"
is "$?" 1 "an unwritable output exits 1"
contains "$TMP/err" "/nonexistent/x.dot: No such file or directory" "and names it"
done_testing
