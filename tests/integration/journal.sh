# The journal is on disk as events happen: a killed run leaves a valid
# trace minus at most a torn last line.
. "$SRCDIR/tests/integration/lib.sh"

"$CANOPY" run -q --strategy beam --difficulty 10 --n 32 --sim-latency 40 --seed 5 \
	--trace "$TMP/k.jsonl" >/dev/null 2>&1 &
pid=$!
# wait until it has written a few levels, then kill it without warning
for _ in $(seq 1 100); do
	[ "$(grep -c '"ev":"unit"' "$TMP/k.jsonl" 2>/dev/null || echo 0)" -ge 2 ] && break
	sleep 0.05
done
kill -9 $pid
wait $pid 2>/dev/null
lines=$(wc -l <"$TMP/k.jsonl" | tr -d ' ')
test "$lines" -gt 10
ok $? "the killed run had journaled $lines lines"
"$CANOPY" check "$TMP/k.jsonl" >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "canopy check accepts the journal of a killed run"
contains "$TMP/out" "unfinished" "and calls it unfinished"

# cut the journal at every byte of its last 300: always valid or torn
size=$(wc -c <"$TMP/k.jsonl" | tr -d ' ')
bad=0
torn=0
start=$((size > 300 ? size - 300 : 1))
for cut in $(seq "$start" 7 "$size"); do
	head -c "$cut" "$TMP/k.jsonl" >"$TMP/cut.jsonl"
	if ! "$CANOPY" check -q "$TMP/cut.jsonl" 2>"$TMP/cerr"; then
		bad=$((bad + 1))
		sed 's/^/#   /' "$TMP/cerr"
	fi
	grep -q "warning: torn last line ignored" "$TMP/cerr" && torn=$((torn + 1))
done
is "$bad" 0 "a journal cut anywhere loads (torn last line dropped)"
test "$torn" -gt 0
ok $? "cuts inside a line are reported as torn ($torn times)"
head -c "$((size - 5))" "$TMP/k.jsonl" >"$TMP/cut.jsonl"
"$CANOPY" check "$TMP/cut.jsonl" >/dev/null 2>"$TMP/cerr"
grep -Eq "^$TMP/cut.jsonl:[0-9]+: warning: torn last line ignored \(the run was interrupted\)$" "$TMP/cerr"
ok $? "the warning names FILE:LINE"
done_testing
