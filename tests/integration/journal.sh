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
# ---- resume: the killed run goes on where it stopped ----
strip_t() { sed -e '1d' -e 's/"t":[0-9.]*,//' "$1"; } # the events, t aside
test -s "$TMP/k.jsonl.replies"
ok $? "the killed run journaled its replies next to the trace"
cp "$TMP/k.jsonl" "$TMP/r.jsonl"
cp "$TMP/k.jsonl.replies" "$TMP/r.jsonl.replies"
"$CANOPY" run --resume "$TMP/r.jsonl" >"$TMP/r.out" 2>"$TMP/r.err"
is "$?" 0 "canopy run --resume finishes the killed run"
grep -q "resuming $TMP/r.jsonl: re-executing [0-9]* events from [0-9]* recorded replies" "$TMP/r.err"
ok $? "saying how much it re-executes"
"$CANOPY" run -q --strategy beam --difficulty 10 --n 32 --sim-latency 0 --seed 5 \
	--trace "$TMP/whole.jsonl" >"$TMP/whole.out" 2>&1
is "$(cat "$TMP/r.out")" "$(cat "$TMP/whole.out")" "with the answer of an uninterrupted run"
if cmp -s <(strip_t "$TMP/whole.jsonl") <(strip_t "$TMP/r.jsonl"); then same=0; else same=1; fi
ok $same "and its very journal, t aside"
"$CANOPY" check "$TMP/r.jsonl" >/dev/null 2>&1
ok $? "which checks"
"$CANOPY" run --resume "$TMP/r.jsonl" >"$TMP/r2.out" 2>"$TMP/r2.err"
is "$?:$(cat "$TMP/r2.out")" "0:$(cat "$TMP/whole.out")" "resuming a finished run prints its answer"
grep -q "is finished (it chose its answer); nothing to resume" "$TMP/r2.err"
ok $? "and says there is nothing to do"
cp "$TMP/k.jsonl" "$TMP/r3.jsonl"
cp "$TMP/k.jsonl.replies" "$TMP/r3.jsonl.replies"
"$CANOPY" run --resume "$TMP/r3.jsonl" --width 9 >/dev/null 2>"$TMP/r3.err"
is "$?" 2 "an option that would change the search is refused"
grep -q -- "--width cannot be given with --resume: the search goes on as $TMP/r3.jsonl began it" "$TMP/r3.err"
ok $? "naming it"
rm "$TMP/r3.jsonl.replies"
"$CANOPY" run --resume "$TMP/r3.jsonl" >/dev/null 2>"$TMP/r4.err"
is "$?" 2 "a trace without its replies cannot be resumed"
grep -q "r3.jsonl.replies: missing" "$TMP/r4.err"
ok $? "and the message names the missing file"
cmp -s "$TMP/k.jsonl" "$TMP/r3.jsonl"
ok $? "nor is it touched"
"$CANOPY" run -q --strategy beam --difficulty 10 --n 32 --sim-latency 200 --seed 5 \
	--trace "$TMP/live.jsonl" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 100); do [ -s "$TMP/live.jsonl.replies" ] && break; sleep 0.05; done
"$CANOPY" run --resume "$TMP/live.jsonl" >/dev/null 2>"$TMP/r5.err"
is "$?" 2 "a run still going cannot be resumed alongside"
grep -qE "live.jsonl: another canopy \(pid $pid\) is writing this journal \(is the run still going\?\)" "$TMP/r5.err"
ok $? "saying which canopy is writing it (its pid)"
"$CANOPY" run -q --trace "$TMP/live.jsonl" >/dev/null 2>"$TMP/r6.err"
is "$?" 1 "nor can a new run take its journal"
grep -qE "live.jsonl: another canopy \(pid $pid\) is writing this journal" "$TMP/r6.err"
ok $? "which it leaves alone"
kill $pid 2>/dev/null
wait $pid 2>/dev/null
done_testing
