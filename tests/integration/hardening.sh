# Hardening: inputs that crashed canopy, each now a clear one-line error
# (or a clean result) and never a signal; the release binary under the
# test's own eyes (ASan and UBSan builds run this file too in CI).
. "$SRCDIR/tests/integration/lib.sh"

# survives STATUS DESCRIPTION: not killed by a signal (status < 128)
survives() {
	if [ "$1" -lt 128 ]; then ok 0 "$2"; else ok 1 "$2 (killed: status $1)"; fi
}

# ---- canopy import --from search-and-learn: a row with an empty score list
cat >"$TMP/sal.jsonl" <<'EOF'
{"problem": "What is 1 + 2?", "answer": "3", "completions": ["Step 1: 1 + 2 = 3.\n\nStep 2: So it is 3. The answer is $\\boxed{3}$."], "scores": [[]], "pred": "3", "completion_tokens": [1e30]}
EOF
"$CANOPY" import --from search-and-learn "$TMP/sal.jsonl" -o "$TMP/sal.trace" >"$TMP/out" 2>&1
rc=$?
survives $rc "search-and-learn: an empty score list does not crash the importer"
is "$rc" 0 "and the row imports"
"$CANOPY" check "$TMP/sal.trace" >"$TMP/out" 2>&1
contains "$TMP/out" "3 nodes" "its steps are kept (unscored), and a token count of 1e30 is taken as the most a node holds"

# ---- --resume reads the header's numbers as the command line would
"$CANOPY" run --strategy beam --n 4 --width 2 --seed 3 --trace "$TMP/b.jsonl" -q >/dev/null 2>&1
head -1 "$TMP/b.jsonl" >"$TMP/h"
sed -n '2,12p' "$TMP/b.jsonl" >"$TMP/body" # a run cut short
for bad in '"width":0' '"n":-3' '"lookahead":1000000000' '"n":1e12' '"depth":"40"'; do
	key=${bad%%:*}
	sed "s/$key:[^,}]*/$bad/" "$TMP/h" >"$TMP/r.jsonl"
	cat "$TMP/body" >>"$TMP/r.jsonl"
	cp "$TMP/b.jsonl.replies" "$TMP/r.jsonl.replies"
	"$CANOPY" run --resume "$TMP/r.jsonl" -q >"$TMP/out" 2>&1
	rc=$?
	survives $rc "--resume with $bad in the header does not crash"
	is "$rc" 2 "it is refused as any trace that cannot be resumed (exit 2)"
	contains "$TMP/out" "r.jsonl:1: header:" "naming the file and the line ($bad)"
	f=$(printf '%s' "$key" | tr -d '"')
	contains "$TMP/out" "strategy.$f" "and the field"
done

# ---- a replies journal whose PRM reply holds fewer scores than steps
"$CANOPY" run --strategy beam --n 4 --width 2 --lookahead 2 --seed 3 --trace "$TMP/la.jsonl" -q >/dev/null 2>&1
head -5 "$TMP/la.jsonl" >"$TMP/lr.jsonl" # cut before the first scores
# the first PRM reply loses two of its three scores
awk '!done && /"kind":"prm"/ { sub(/"scores":\[[^],]*,[^]]*\]/, "\"scores\":[0.5]"); done = 1 } { print }' \
	"$TMP/la.jsonl.replies" >"$TMP/lr.jsonl.replies"
grep -q '"scores":\[0.5\]' "$TMP/lr.jsonl.replies"
ok $? "(the test damaged a PRM reply)"
"$CANOPY" run --resume "$TMP/lr.jsonl" -q >"$TMP/out" 2>&1
rc=$?
survives $rc "beam --lookahead resumed from a PRM reply with too few scores does not read past them"
is "$rc" 1 "the resume fails"
contains "$TMP/out" "lr.jsonl.replies: reply" "naming the replies journal and the reply"
contains "$TMP/out" "holds 1 step scores for a request of 3 steps" "and what is wrong with it"

done_testing
