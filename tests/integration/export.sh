# canopy export: nested JSON, Graphviz DOT, SVG, a Markdown report, CSV.
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
# ---- SVG ----
"$CANOPY" export "$TMP/t.jsonl" --format svg -o "$TMP/own.svg"
is "$?" 0 "export svg exits 0"
final_nodes=$(grep -c '"final":true' "$TMP/t.json" || true)
if command -v python3 >/dev/null; then
	got=$(python3 -c '
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
r = ET.parse(sys.argv[1]).getroot()
boxes = [g for g in r.iter(ns + "g") if g.find(ns + "rect") is not None]
thick = [p for p in r.iter(ns + "path") if p.get("stroke-width") == "3"]
dashed = [g for g in boxes if g.find(ns + "rect").get("stroke-dasharray")]
texts = " ".join(t.text or "" for t in r.iter(ns + "text"))
print(len(boxes), len(thick) > 1, len(dashed) > 0, "PRM 0." in texts, "answer" in texts)
' "$TMP/own.svg")
	is "$got" "$nodes True True True True" \
		"the SVG is well-formed: a box a node ($nodes), the final path thick, pruned dashed, PRM scores and the answer shown"
	"$CANOPY" run -q --strategy beam --n 64 --seed 4 --difficulty 7 --trace "$TMP/big.jsonl" >/dev/null
	"$CANOPY" export "$TMP/big.jsonl" --format svg -o "$TMP/big.svg"
	got=$(python3 -c '
import sys, re, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
r = ET.parse(sys.argv[1]).getroot()
boxes = [g for g in r.iter(ns + "g") if g.find(ns + "rect") is not None]
texts = " ".join(t.text or "" for t in r.iter(ns + "text"))
more = sum(int(m) for m in re.findall(r"\+ (\d+) more node", texts))
print(len(boxes) < 80, more + len(boxes), "showing the path to the answer" in texts)
' "$TMP/big.svg")
	bign=$(grep -c '"ev":"node"' "$TMP/big.jsonl")
	is "$got" "True $bign True" "a tree of $bign nodes is drawn as the path, its best siblings and counts of the rest, which add up"
else
	skip "python3 is not installed"
	skip "python3 is not installed"
fi

# ---- Markdown ----
"$CANOPY" export "$TMP/t.jsonl" --format md -o "$TMP/t.md"
is "$?" 0 "export md exits 0"
answer=$(grep '"ev":"final"' "$TMP/t.jsonl" | sed 's/.*"answer":"\([^"]*\)".*/\1/')
grep -q "^- \*\*Final answer:\*\* $answer (correct) at node #" "$TMP/t.md"
ok $? "the report states the final answer and its grade"
grep -q '^## The path to the answer$' "$TMP/t.md" && grep -q '^| node | kind | text | PRM | ORM | N | Q/N |$' "$TMP/t.md"
ok $? "the path to the answer as a table"
votes=$(grep '"ev":"vote"' "$TMP/t.jsonl" | tail -1 | sed 's/.*"clusters":\[{"answer":"\([^"]*\)","count":\([0-9]*\).*/\1 | \2/')
grep -q "^| $votes | " "$TMP/t.md"
ok $? "the vote table's first row is the journal's ($votes)"
"$CANOPY" run -q --strategy critique --seed 10 --trace "$TMP/crit.jsonl" >/dev/null
"$CANOPY" export "$TMP/crit.jsonl" --format md -o "$TMP/crit.md"
grep -q '^## Rounds of critique and refinement$' "$TMP/crit.md" && grep -q '^\*\*critique #[0-9]*\*\* (on #' "$TMP/crit.md"
ok $? "a critique run's report has its rounds, each critique quoted"

# ---- CSV ----
"$CANOPY" export "$TMP/t.jsonl" --format csv -o "$TMP/t.csv"
is "$?" 0 "export csv exits 0"
is "$(head -1 "$TMP/t.csv")" "id,parent,depth,kind,text,prm,orm,prior,visits,value,answer,tokens,action,round,pruned,terminal,final,q" \
	"the CSV names its columns"
if command -v python3 >/dev/null; then
	got=$(python3 -c '
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
prm = {}
for l in list(open(sys.argv[2]))[1:]:
    e = json.loads(l)
    if e["ev"] == "score" and "prm" in e:
        prm[e["id"]] = e["prm"]
same = all(abs(float(r["prm"]) - prm[int(r["id"])]) < 1e-5 for r in rows if r["prm"])
print(len(rows), same, sum(r["final"] == "1" for r in rows) > 1)
' "$TMP/t.csv" "$TMP/t.jsonl")
	is "$got" "$nodes True True" "a row a node, its PRM as journaled, the final path marked"
else
	skip "python3 is not installed"
fi
"$CANOPY" export "$TMP/t.jsonl" --format png >/dev/null 2>"$TMP/err"
is "$?" 2 "an unknown format is bad usage"
contains "$TMP/err" "unknown format 'png' (json, dot, svg, md, csv or why)" "listing the formats"

echo 'garbage' >"$TMP/bad.jsonl"
"$CANOPY" export "$TMP/bad.jsonl" --format json >"$TMP/out" 2>"$TMP/err"
is "$?" 1 "exporting a bad trace exits 1"
is "$(cat "$TMP/err")" "$TMP/bad.jsonl:1: header is not valid JSON" "with FILE:LINE"
"$CANOPY" export "$TMP/t.jsonl" --format dot -o /nonexistent/x.dot 2>"$TMP/err"
is "$?" 1 "an unwritable output exits 1"
contains "$TMP/err" "/nonexistent/x.dot: No such file or directory" "and names it"
done_testing
