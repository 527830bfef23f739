#!/bin/bash
# canopy against llama-server, as issue 10's targets ask: printed numbers,
# never pass/fail.  Against the modelled server (tests/fake_server.py
# --llamacpp, always) and the real one (when LLAMA_SERVER names its binary;
# the tiny model in ../shared/data/models):
#   - beam n=16 w=4 depth 6 on 4 slots: wall time / (server busy time / 4)
#     (target <= 1.15); busy time is the fake's modelled latency, or the
#     real server's own "total time" a request from its log;
#   - the real server only: the share of prompt tokens its slots' caches
#     served (1 - prompt tokens evaluated / prompt tokens), default judge
#     PRM (target >= 60%);
#   - bench --max-inflight 4 against 1 on 8 problems, sc:n=4;
#   - a request on a kept-alive connection against one on a new
#     connection (why canopy takes a new one a call to llama.cpp).
set -u
BUILD=${BUILDDIR:-$(pwd)}
SRC=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
CANOPY=${CANOPY:-$BUILD/canopy}
MODEL=${LLAMA_MODEL:-$SRC/../shared/data/models/llama-2-tiny-random.gguf}
TMP=$(mktemp -d)
PIDS=""
trap 'kill $PIDS 2>/dev/null; rm -rf "$TMP"' EXIT
now() { date +%s.%N; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
if ! command -v python3 >/dev/null; then
	echo "bench_llama: no python3; skipped"
	exit 0
fi
Q="What is 6*7?"
# ms a request, 20 in a row: reused connection, then new ones
reuse() { # reuse URL PATH BODY
	python3 - "$@" <<'PY'
import http.client, sys, time, urllib.parse
u = urllib.parse.urlparse(sys.argv[1])
def go(keep):
    c = http.client.HTTPConnection(u.hostname, u.port)
    t = time.time()
    for _ in range(20):
        if not keep:
            c = http.client.HTTPConnection(u.hostname, u.port)
        c.request("POST", sys.argv[2], sys.argv[3], {"Content-Type": "application/json"})
        c.getresponse().read()
        if not keep:
            c.close()
    return (time.time() - t) / 20 * 1000
print("%.1f ms a request on a kept-alive connection, %.1f ms on a new one" % (go(True), go(False)))
PY
}

inflight() { # inflight LABEL NOTE: bench --max-inflight 1 against 4 on $URL
	for m in 1 4; do
		t0=$(now)
		"$CANOPY" bench --backend llamacpp --url "$URL" --problems 8 --strategies sc:n=4 --max-inflight $m \
			>/dev/null 2>&1
		echo "$t0 $(now)" >"$TMP/in$m"
	done
	python3 - "$TMP/in1" "$TMP/in4" "$1" "$2" <<'PY'
import sys
a, b = ([float(x) for x in open(f).read().split()] for f in sys.argv[1:3])
one, four = a[1] - a[0], b[1] - b[0]
print("%s, bench 8 problems sc:n=4: --max-inflight 1 %.2f s, 4 %.2f s: %.1fx faster (target >= 3x%s)"
      % (sys.argv[3], one, four, one / four, sys.argv[4]))
PY
}

# ---- the modelled server: 40 ms a request, 4 slots ----
python3 "$SRC/tests/fake_server.py" --port-file "$TMP/port" --log "$TMP/fake.log" --lifetime 300 --llamacpp \
	--slots 4 --latency-ms 40 --depth 6 &
PIDS="$PIDS $!"
for _ in $(seq 1 50); do [ -s "$TMP/port" ] && break; sleep 0.1; done
URL="http://127.0.0.1:$(cat "$TMP/port")"
t0=$(now)
"$CANOPY" run --backend llamacpp --url "$URL" --problem "$Q" --strategy beam --n 16 --width 4 --depth 6 \
	--trace "$TMP/m.jsonl" >/dev/null 2>&1
t1=$(now)
# a call takes 40 ms of each slot it holds: n_cmpl samples hold one each
python3 - "$TMP/fake.log" "$t0" "$t1" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
rows = [r["body"] for r in rows if r["path"] == "/completion"]
busy = sum(0.040 * max(1, int(r.get("n_cmpl", 1))) for r in rows)
w = float(sys.argv[3]) - float(sys.argv[2])
print("modelled llama-server, beam n=16 w=4 depth 6: %d calls, wall %.2f s, busy/4 %.2f s: ratio %.2f (target <= 1.15)"
      % (len(rows), w, busy / 4, w / (busy / 4)))
PY
echo "modelled llama-server: $(reuse "$URL" /completion '{"prompt":"Hi","n_predict":2}')"
inflight "modelled llama-server" ""

# ---- the real llama-server ----
if [ -z "${LLAMA_SERVER:-}" ] || [ ! -x "$LLAMA_SERVER" ] || [ ! -f "$MODEL" ]; then
	echo "real llama-server: LLAMA_SERVER not set (or no model at $MODEL); skipped"
	exit 0
fi
p=$(free_port)
"$LLAMA_SERVER" -m "$MODEL" --host 127.0.0.1 --port "$p" -np 4 -c 4096 -v >"$TMP/srv.log" 2>&1 &
PIDS="$PIDS $!"
URL="http://127.0.0.1:$p"
for _ in $(seq 1 200); do curl -sf "$URL/health" >/dev/null 2>&1 && break; sleep 0.1; done
echo "real llama-server: $(reuse "$URL" /completion '{"prompt":"Hi","n_predict":2,"temperature":0}')"
: >"$TMP/srv.log"
t0=$(now)
"$CANOPY" run --backend llamacpp --url "$URL" --problem "$Q" --strategy beam --n 16 --width 4 --depth 6 \
	--max-tokens 24 --trace "$TMP/r.jsonl" >/dev/null 2>&1
t1=$(now)
python3 - "$TMP/srv.log" "$t0" "$t1" <<'PY'
import re, sys
log = open(sys.argv[1], errors="replace").read()
busy = sum(float(x) for x in re.findall(r"total time =\s+([0-9.]+) ms", log)) / 1000
evald = sum(int(x) for x in re.findall(r"prompt eval time =\s+[0-9.]+ ms /\s+(\d+) tokens", log))
prompt = sum(int(x) for x in re.findall(r"n_prompt_tokens = (\d+)", log))
wall = float(sys.argv[3]) - float(sys.argv[2])
print("real llama-server, beam n=16 w=4 depth 6: wall %.2f s, busy/4 %.2f s: ratio %.2f (target <= 1.15)"
      % (wall, busy / 4, wall / (busy / 4) if busy else float("nan")))
if prompt:
    print("real llama-server, prompt tokens from the slots' caches: %.0f%% of %d (target >= 60%%)"
          % (100 * (1 - evald / prompt), prompt))
PY
inflight "real llama-server" "; the tiny model is CPU-bound here: 4 requests at once run 1.5x faster than one after another"
