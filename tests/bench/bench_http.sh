#!/bin/sh
# Beam search (N=16, width 4, depth 6) against the fake server with a
# modelled latency (50 ms a request plus 1 ms a token), printed next to the
# critical-path lower bound: every level needs one round of generation and
# one of scoring, each as long as its slowest request.  Numbers, not
# pass/fail.
set -u
BUILD=${BUILDDIR:-$(pwd)}
SRC=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
CANOPY=${CANOPY:-$BUILD/canopy}
command -v python3 >/dev/null || { echo "bench_http: python3 is not installed; skipped"; exit 0; }
TMP=$(mktemp -d)
python3 "$SRC/tests/fake_server.py" --port-file "$TMP/port" --lifetime 120 \
	--latency-ms 50 --per-token-ms 1 --depth 6 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 1 50); do [ -s "$TMP/port" ] && break; sleep 0.1; done
URL="http://127.0.0.1:$(cat "$TMP/port")"
row() { printf '  %-44s %14s %-10s %s\n' "$1" "$2" "$3" "${4:-}"; }
echo "canopy bench: beam N=16 width=4 depth=6 against a server of 50 ms + 1 ms/token"
start=$(date +%s.%N)
"$CANOPY" run -q --backend openai --url "$URL" --model ok --api completions --strategy beam --n 16 \
	--width 4 --depth 6 --problem "What is 6*7?" --trace "$TMP/b.jsonl" >/dev/null 2>"$TMP/err" &
pid=$!
# canopy's own CPU, read just before it exits
while kill -0 $pid 2>/dev/null; do
	ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo "$ticks")
	sleep 0.05
done
wait $pid
end=$(date +%s.%N)
levels=$(grep -c '"ev":"unit"' "$TMP/b.jsonl")
per=$(echo "50 1 12" | awk '{print ($1 + $2 * $3) / 1000}')
wall=$(echo "$start $end" | awk '{printf "%.3f", $2 - $1}')
bound=$(echo "$levels $per" | awk '{printf "%.3f", $1 * 2 * $2}')
hz=$(getconf CLK_TCK)
cpu=$(echo "${ticks:-0} $hz" | awk '{printf "%.3f", $1 / $2}')
# the server's own cost at this concurrency, timed without canopy: 16
# requests at once from curl (the fake server is Python; its overhead is
# part of every round canopy waits for)
body='{"model":"ok","prompt":"x next step","n":1}'
for i in $(seq 1 16); do
	printf 'url = "%s/v1/completions"\ndata = %s\nheader = "Content-Type: application/json"\noutput = /dev/null\n' \
		"$URL" "'$body'"
done >"$TMP/curl.cfg"
c0=$(date +%s.%N)
curl -s -Z --parallel-max 32 -K "$TMP/curl.cfg" >/dev/null 2>&1
c1=$(date +%s.%N)
round=$(echo "$c0 $c1" | awk '{printf "%.3f", $2 - $1}')
row "levels" "$levels" ""
row "wall time" "$wall" "s"
row "critical-path lower bound (2 rounds a level)" "$bound" "s"
row "wall / bound" "$(echo "$wall $bound" | awk '{printf "%.2f", $1 / $2}')" "x" "(target <= 1.10)"
row "16 requests at once from curl (the server's round)" "$round" "s" "(modelled: 0.062 s)"
row "wall / (2 such rounds a level)" "$(echo "$wall $levels $round" | awk '{printf "%.2f", $1 / ($2 * 2 * $3)}')" "x"
row "canopy's own CPU" "$cpu" "s"
row "CPU share of the wall time" "$(echo "$cpu $wall" | awk '{printf "%.1f", 100 * $1 / $2}')" "%" "(target < 2%)"
