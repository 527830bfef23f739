#!/bin/bash
# Beam search (N=16, width 4, depth 6) against a modelled server (50 ms a
# request plus 1 ms a token), printed next to the critical-path lower
# bound: every level needs one round of generation and one of scoring,
# each as long as its slowest request.  Numbers, not pass/fail; the median
# of three runs.
set -u
BUILD=${BUILDDIR:-$(pwd)}
SRC=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
CANOPY=${CANOPY:-$BUILD/canopy}
TMP=$(mktemp -d)
# the modelled server in C answers each request after exactly its latency
# however many are out; the Python fake server (the tests') adds its own
# cost a request when sixteen come at once, which is not canopy's
if [ -x "$BUILD/tests/bench/bench_server" ]; then
	"$BUILD/tests/bench/bench_server" --port-file "$TMP/port" --lifetime 120 \
		--latency-ms 50 --per-token-ms 1 --depth 6 &
	SERVER=$!
	server="bench_server (C)"
elif command -v python3 >/dev/null; then
	python3 "$SRC/tests/fake_server.py" --port-file "$TMP/port" --lifetime 120 \
		--latency-ms 50 --per-token-ms 1 --depth 6 &
	SERVER=$!
	server="fake_server.py (Python: slower at 16 at once)"
else
	echo "bench_http: neither tests/bench/bench_server nor python3; skipped"
	exit 0
fi
trap 'kill $SERVER 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 1 50); do [ -s "$TMP/port" ] && break; sleep 0.1; done
URL="http://127.0.0.1:$(cat "$TMP/port")"
row() { printf '  %-46s %12s %-3s %s\n' "$1" "$2" "$3" "${4:-}"; }
# timed by bash: wall, and the process's user + system CPU
timed() { # timed OUTFILE COMMAND...: "wall cpu" into OUTFILE
	local out=$1
	shift
	TIMEFORMAT='%R %U %S'
	{ time "$@" >/dev/null 2>&1; } 2>"$TMP/t"
	awk '{printf "%.3f %.4f\n", $1, $2 + $3}' "$TMP/t" >"$out"
}
median() { sort -n | sed -n 2p; }
for i in 1 2 3; do
	timed "$TMP/run$i" "$CANOPY" run -q --backend openai --url "$URL" --model ok --api completions \
		--strategy beam --n 16 --width 4 --depth 6 --problem "What is 6*7?" --trace "$TMP/b$i.jsonl"
	# the same process with nothing to ask: loading libraries, curl and
	# the prompts, writing the header
	timed "$TMP/idle$i" "$CANOPY" run -q --problem "What is 6*7?" --strategy sc --n 1 \
		--trace "$TMP/i$i.jsonl"
done
levels=$(grep -c '"ev":"unit"' "$TMP/b1.jsonl")
requests=$(grep '"ev":"usage"' "$TMP/b1.jsonl" | tail -1 | sed 's/.*"requests":\([0-9]*\).*/\1/')
wall=$(cat "$TMP"/run? | awk '{print $1}' | median)
cpu=$(cat "$TMP"/run? | awk '{print $2}' | median)
start=$(cat "$TMP"/idle? | awk '{print $2}' | median)
per=$(echo "50 1 12" | awk '{print ($1 + $2 * $3) / 1000}')
bound=$(echo "$levels $per" | awk '{printf "%.3f", $1 * 2 * $2}')
echo "canopy bench: beam N=16 width=4 depth=6 against a server of 50 ms + 1 ms/token"
echo "  (server: $server; median of 3 runs)"
row "levels, requests" "$levels, $requests" ""
row "wall time" "$wall" "s"
row "critical-path lower bound (2 rounds a level)" "$bound" "s"
row "wall / bound" "$(echo "$wall $bound" | awk '{printf "%.2f", $1 / $2}')" "x" "(target <= 1.10)"
row "canopy's CPU, whole process" "$cpu" "s" "($(echo "$cpu $wall" | awk '{printf "%.1f", 100 * $1 / $2}')% of the wall time)"
row "of which start-up (a run with nothing to ask)" "$start" "s"
row "CPU for the search itself, share of the wall" "$(echo "$cpu $start $wall" | awk '{v = $1 - $2; if (v < 0) v = 0; printf "%.1f", 100 * v / $3}')" "%" "(target < 2%)"

# canopy bench across problems: 16 generated problems, sc:n=4 and a small
# beam, against the same server; wall time as --jobs grows (each
# run's own requests go out together whatever N is).
echo "canopy bench: 16 problems, sc:n=4 + beam:n=4:width=2:depth=6, same server"
for m in 1 4 8; do
	timed "$TMP/bench$m" "$CANOPY" bench --problems 16 --backend openai --url "$URL" --model ok \
		--api completions --strategies sc:n=4,beam:n=4:width=2:depth=6 --jobs "$m"
	row "--jobs $m: wall" "$(awk '{print $1}' "$TMP/bench$m")" "s"
done
