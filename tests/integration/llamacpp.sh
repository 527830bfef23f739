# What real llama.cpp servers (and the others' documented behaviours) do,
# modelled by tests/fake_server.py, and what a user sees of each.  Every
# behaviour here was first met on a real llama-server (build b4748); see
# tests/integration/llama_real.sh for the same against the real thing.
. "$SRCDIR/tests/integration/lib.sh"

if ! command -v python3 >/dev/null; then
	skip "python3 is not installed"
	done_testing
	exit
fi
PIDS=""
trap 'kill $PIDS 2>/dev/null; rm -rf "$TMP"' EXIT
serve() { # serve NAME ARGS...: a fake server; its URL in $URL_NAME
	name=$1
	shift
	python3 "$SRCDIR/tests/fake_server.py" --port-file "$TMP/$name.port" --log "$TMP/$name.log" \
		--lifetime 240 "$@" &
	PIDS="$PIDS $!"
	for _ in $(seq 1 50); do [ -s "$TMP/$name.port" ] && break; sleep 0.1; done
	eval "URL_$name=http://127.0.0.1:$(cat "$TMP/$name.port")"
}
Q="What is 6*7?"
run() { # run NAME ARGS...: stdout, stderr and status in $TMP/NAME.*
	name=$1
	shift
	"$CANOPY" run --problem "$Q" --answer 42 --retries 2 --trace "$TMP/$name.jsonl" "$@" \
		>"$TMP/$name.out" 2>"$TMP/$name.err"
	echo $? >"$TMP/$name.status"
}
st() { cat "$TMP/$1.status"; }

# ---- a request split into calls fails or completes as a whole ----
serve deep --depth 4 --latency-ms 30
for s in beam dvts rebase puct; do
	a="--n 4"
	case $s in rebase | puct) a="" ;; esac
	run "split-$s" --backend openai --url "$URL_deep" --model ok --prm-model fault:tag2-other --prm logprob \
		--strategy $s $a --width 2 --depth 4
	is "$(st "split-$s"):$(cat "$TMP/split-$s.out")" "0:42" \
		"--prm logprob $s: one step's score failing while its path's other calls are out does not crash"
done
grep -q '"ev":"error","message":"prm request failed: .*neither' "$TMP/split-beam.jsonl"
ok $? "the failed score is journaled as an error on its node"
python3 - "$TMP/split-beam.jsonl" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])][1:]
failed = {e["id"] for e in ev if e["ev"] == "error"}
scored = {e["id"] for e in ev if e["ev"] == "score" and "prm" in e}
sys.exit(0 if failed and not failed & scored else 1)
PY
ok $? "and the node it was for stays unscored"
run splitn --backend openai --url "$URL_deep" --model fault:n-500-flaky --strategy sc --n 8
is "$(st splitn):$(cat "$TMP/splitn.out")" "0:42" "n refused, then one of its split calls failing, does not crash"
contains "$TMP/splitn.err" "requests failed, the last with: solution request failed" \
	"and the run says how many requests failed"

done_testing
