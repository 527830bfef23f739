# On a terminal, progress is one line that updates in place; stdout still
# gets the answer.  Driven inside tmux.
. "$SRCDIR/tests/integration/lib.sh"

if ! command -v tmux >/dev/null; then
	skip "tmux is not installed"
	done_testing
	exit
fi
sock="$TMP/tmux.sock"
tmux -S "$sock" new-session -d -x 120 -y 12 \
	"'$CANOPY' run --strategy beam --n 16 --difficulty 9 --seed 3 --sim-latency 150 --trace '$TMP/p.jsonl' >'$TMP/answer'; echo EXIT=\$? >'$TMP/status'; sleep 30"
sleep 1.2
tmux -S "$sock" capture-pane -p >"$TMP/screen1"
sleep 1.2
tmux -S "$sock" capture-pane -p >"$TMP/screen2"
is "$(grep -c '^canopy: beam · level' "$TMP/screen1")" 1 "one progress line while it runs"
grep -Eq '^canopy: beam · level [0-9]+ · [0-9]+ nodes · [0-9]+ tokens · [0-9]+ requests · [0-9.]+ s' "$TMP/screen1"
ok $? "it shows the level, nodes, tokens, requests and time"
l1=$(grep '^canopy: beam' "$TMP/screen1")
l2=$(grep '^canopy: beam' "$TMP/screen2")
test -n "$l2" && test "$l1" != "$l2"
ok $? "the line updates in place ($l2)"
is "$(grep -c '^canopy: beam · level' "$TMP/screen2")" 1 "still one line"
for _ in $(seq 1 100); do
	[ -s "$TMP/status" ] && break
	sleep 0.2
done
is "$(cat "$TMP/status")" "EXIT=0" "the run ends with status 0"
tmux -S "$sock" capture-pane -p >"$TMP/screen3"
contains "$TMP/screen3" "canopy: answer " "the summary follows the progress line"
test -s "$TMP/answer"
ok $? "the answer went to stdout, not the terminal"
tmux -S "$sock" kill-server 2>/dev/null
done_testing
