# canopy check: a one-line summary of a good trace, FILE:LINE: for a bad one.
. "$SRCDIR/tests/integration/lib.sh"

"$CANOPY" run -q --strategy beam --seed 4 --trace "$TMP/good.jsonl" >/dev/null
"$CANOPY" check "$TMP/good.jsonl" >"$TMP/out"
is "$?" 0 "a good trace checks"
grep -Eq "^$TMP/good.jsonl: ok · beam · [0-9]+ nodes · depth [0-9]+ · [0-9]+ events · answer [^ ]+ \((correct|wrong)\)$" "$TMP/out"
ok $? "the summary: strategy, nodes, depth, events, answer"
nodes=$(grep -c '"ev":"node"' "$TMP/good.jsonl")
contains "$TMP/out" "· $nodes nodes ·" "the node count is right ($nodes)"

bad() { # bad NAME EXPECTED-ERROR (the trace is in $TMP/NAME.jsonl)
	"$CANOPY" check "$TMP/$1.jsonl" >"$TMP/out" 2>"$TMP/err"
	is "$?" 1 "$1: exits 1"
	is "$(cat "$TMP/err")" "$TMP/$1.jsonl:$2" "$1: one line FILE:LINE: what"
}
cp "$TMP/good.jsonl" "$TMP/gap.jsonl"
sed -i '5d' "$TMP/gap.jsonl"
bad gap "5: seq gap: expected 4, found 5"
head -2 "$TMP/good.jsonl" >"$TMP/noid.jsonl"
echo '{"seq":2,"t":0.1,"ev":"score","id":12,"prm":0.5}' >>"$TMP/noid.jsonl"
bad noid "3: score refers to node 12, which does not exist"
head -2 "$TMP/good.jsonl" >"$TMP/json.jsonl"
echo '{"seq":2,"t":0.1,"ev":"score","id":0,"prm":0.5,}' >>"$TMP/json.jsonl"
echo '{"seq":3,"t":0.1,"ev":"score","id":0,"prm":0.5}' >>"$TMP/json.jsonl"
bad json "3: bad JSON at column 48: expected a key"
sed '1s/"canopy":1/"canopy":7/' "$TMP/good.jsonl" >"$TMP/version.jsonl"
bad version "1: unknown trace format version 7 (this canopy reads version 1)"
head -2 "$TMP/good.jsonl" >"$TMP/field.jsonl"
echo '{"seq":2,"t":0.1,"ev":"answer","id":0}' >>"$TMP/field.jsonl"
echo '{"seq":3,"t":0.1,"ev":"score","id":0,"prm":0.5}' >>"$TMP/field.jsonl"
bad field "3: missing field \"answer\""
printf '\x00\x01\xff binary\n' >"$TMP/binary.jsonl"
bad binary "1: header is not valid JSON"
: >"$TMP/empty.jsonl"
bad empty "1: empty file (no trace header)"

"$CANOPY" check "$TMP/good.jsonl" "$TMP/gap.jsonl" >"$TMP/out" 2>"$TMP/err"
is "$?" 1 "one bad trace among several exits 1"
contains "$TMP/out" "good.jsonl: ok" "the good one is still summarised"
"$CANOPY" check -q "$TMP/good.jsonl" >"$TMP/out"
is "$(wc -c <"$TMP/out" | tr -d ' ')" 0 "-q prints nothing for a good trace"
"$CANOPY" check "$TMP/missing.jsonl" 2>"$TMP/err"
is "$?" 1 "a missing file exits 1"
is "$(cat "$TMP/err")" "$TMP/missing.jsonl: No such file or directory" "and names it"
done_testing
