#!/bin/sh
# The terminal UI's speed, driven in tmux (numbers, not pass/fail):
# time to the first frame of a 1,000,000-node trace, the time to redraw
# after a key at 200x60, and the UI's CPU while a live search runs and
# while nothing changes.  Usage: bench_ui.sh [NODES] (default 1000000).
set -u
BUILD=${BUILDDIR:-$(pwd)}
CANOPY=${CANOPY:-$BUILD/canopy}
NODES=${1:-1000000}
command -v tmux >/dev/null || { echo "bench_ui: tmux is not installed; skipped"; exit 0; }
TMP=$(mktemp -d)
trap 'tmux -S "$TMP/s" kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
T() { tmux -S "$TMP/s" -f /dev/null "$@"; }
row() { printf '  %-44s %14s %-10s %s\n' "$1" "$2" "$3" "${4:-}"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

echo "canopy bench: the terminal UI (200x60, in tmux)"
trace=$(KEEP=1 "$BUILD/tests/bench/bench_trace" "$NODES" | sed -n 's/^kept //p')
[ -s "$trace" ] || { echo "bench_ui: could not make the trace"; exit 0; }
export LC_ALL=C.UTF-8
T new-session -d -s ui -x 200 -y 60 "CANOPY_UI_TIMINGS='$TMP/timing' '$CANOPY' '$trace'; sleep 5"
for _ in $(seq 1 600); do
	T capture-pane -p -t ui | grep -q "event [0-9]* of" && break
	sleep 0.1
done
# keys that move, page, fold and jump within the tree: each is one frame
for k in j j j j j NPage NPage NPage End Home l h l b a p j k v t '?' '?' j; do
	T send-keys -t ui "$k"
	sleep 0.05
done
# seeks: to the start and the end, by units and events, and to 40 random
# points (each is timed inside the UI, from the key to the tree ready)
for k in g G g G '{' '}' '[' ']'; do
	T send-keys -t ui "$k"
	sleep 0.05
done
for i in $(seq 1 40); do
	T send-keys -t ui : "seek $(( (i * 7919) % 100 ))%" Enter
	sleep 0.05
done
T send-keys -t ui q
for _ in $(seq 1 100); do
	[ -s "$TMP/timing" ] && break
	sleep 0.1
done
[ -s "$TMP/timing" ] || { echo "bench_ui: the UI left no timings; its screen was:"; T capture-pane -p -t ui | tail -5; }
first=$(sed -n "s/^first_frame_s //p" "$TMP/timing")
row "first frame of a $NODES-node trace" "$first" "s" "(target < 1 s at 1,000,000)"
row "redraw after a key, median" "$(sed -n 's/^frame_ms_median //p' "$TMP/timing")" "ms" "(target < 5 ms)"
row "redraw after a key, 95th percentile" "$(sed -n 's/^frame_ms_p95 //p' "$TMP/timing")" "ms"
row "seek (g G { } [ ] and 40 :seek N%), median" "$(sed -n 's/^seek_ms_median //p' "$TMP/timing")" "ms" "(target < 100 ms)"
row "seek, 95th percentile / max" "$(sed -n 's/^seek_ms_p95 //p' "$TMP/timing") / $(sed -n 's/^seek_ms_max //p' "$TMP/timing")" "ms"
rm -f "$trace"

# CPU: while a live search runs, and once it is done (nothing changes)
T kill-server 2>/dev/null
sleep 0.3
T new-session -d -s live -x 200 -y 60 "XDG_STATE_HOME='$TMP' '$CANOPY' --strategy beam --difficulty 10 --n 32 --sim-latency 100 --trace '$TMP/live.jsonl'; sleep 5"
sleep 0.5
pid=$(pgrep -f "trace $TMP/live.jsonl" | head -1)
hz=$(getconf CLK_TCK)
a=$(cpu_ticks "$pid"); sleep 2; b=$(cpu_ticks "$pid")
row "CPU while a live search runs (UI + engine)" "$(echo "$a $b $hz" | awk '{printf "%.1f", ($2-$1)/$3/2*100}')" "%"
for _ in $(seq 1 100); do
	T capture-pane -p -t live | grep -q "done" && break
	sleep 0.2
done
a=$(cpu_ticks "$pid"); sleep 3; b=$(cpu_ticks "$pid")
row "CPU when nothing changes (search done)" "$(echo "$a $b $hz" | awk '{printf "%.2f", ($2-$1)/$3/3*100}')" "%" "(target: idle)"
T send-keys -t live q
