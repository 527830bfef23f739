# canopy against a real llama.cpp llama-server: LLAMA_SERVER names its
# binary (built from llama.cpp as its README says; never part of canopy),
# serving the tiny random-weight model in ../shared/data/models (its text
# is gibberish, which is the point for protocol and robustness).  Skipped
# without LLAMA_SERVER.  tests/integration/llamacpp.sh checks the same
# behaviours against tests/fake_server.py --llamacpp in every CI run.
. "$SRCDIR/tests/integration/lib.sh"

MODEL=${LLAMA_MODEL:-$SHARED_DATA/models/llama-2-tiny-random.gguf}
if [ -z "${LLAMA_SERVER:-}" ] || [ ! -x "$LLAMA_SERVER" ]; then
	skip "LLAMA_SERVER is not set to a llama-server binary"
	done_testing
	exit
fi
if [ ! -f "$MODEL" ]; then
	skip "no model at $MODEL (LLAMA_MODEL)"
	done_testing
	exit
fi
PIDS=""
trap 'kill $PIDS 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
start() { # start NAME ARGS...: a llama-server; its URL in $URL_NAME (not waited for)
	name=$1
	shift
	p=$(free_port)
	"$LLAMA_SERVER" -m "$MODEL" --host 127.0.0.1 --port "$p" "$@" >"$TMP/$name.srv.log" 2>&1 &
	PIDS="$PIDS $!"
	eval "URL_$name=http://127.0.0.1:$p"
}
listening() { # listening URL: waits until the port takes connections (the model may still load)
	for _ in $(seq 1 200); do
		curl -s -o /dev/null "$1/health" && return 0
		sleep 0.05
	done
	return 1
}
ready() { # ready URL: waits until /health says ok
	for _ in $(seq 1 200); do
		curl -sf "$1/health" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}
Q="What is 6*7?"
run() {
	name=$1
	shift
	"$CANOPY" run --problem "$Q" --answer 42 --trace "$TMP/$name.jsonl" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
	echo $? >"$TMP/$name.status"
}
st() { cat "$TMP/$1.status"; }
# A real tiny model writes gibberish: a run ends with an answer (0) or with
# "no answer" said (1), its journal whole; never a crash or a hang.
held() { # held NAME DESCRIPTION
	s=$(st "$1")
	if [ "$s" -le 1 ] && "$CANOPY" check "$TMP/$1.jsonl" >/dev/null 2>&1; then
		ok 0 "$2"
	else
		ok 1 "$2"
		echo "#   status $s"
		tail -3 "$TMP/$1.err" | sed 's/^/#   /'
	fi
}

# started, and asked at once: canopy waits for the model to load
start a -np 4 -c 2048
listening "$URL_a"
run first --backend llamacpp --url "$URL_a" --strategy sc --n 4 --max-tokens 16
held first "a run started as the server loads waits until it is ready, and runs"
ready "$URL_a"
for s in sc bon wbon beam dvts rebase mcts puct rstar critique selfrefine magicore filter; do
	case $s in
	beam | dvts | rebase | mcts | puct | rstar) a="--depth 3" ;;
	*) a="" ;;
	esac
	run "s-$s" --backend llamacpp --url "$URL_a" --strategy $s --max-tokens 16 $a
	held "s-$s" "--strategy $s against llama-server"
done
for s in beam dvts rebase puct; do
	run "lp-$s" --backend llamacpp --url "$URL_a" --strategy $s --max-tokens 16 --depth 3 --prm logprob
	held "lp-$s" "--prm logprob $s: gibberish top tokens leave steps unscored, no crash"
done
run v1 --backend openai --url "$URL_a/v1" --model any --strategy sc --n 4 --max-tokens 16
held v1 "--backend openai on /v1 with n 4: refused, split into calls"
! grep -q "Only one completion choice" "$TMP/v1.jsonl"
ok $? "with no request failing for it"
run v1lp --backend openai --url "$URL_a/v1" --model any --api completions --strategy beam --prm logprob \
	--max-tokens 16 --depth 2
held v1lp "--prm logprob on /v1/completions"
! grep -q "has no token log-probabilities" "$TMP/v1lp.jsonl"
ok $? "whose logprobs canopy reads"
run mi --backend openai --url "$URL_a/v1" --model any --strategy sc --n 8 --max-tokens 16 --max-inflight 1
held mi "--max-inflight 1"

# a llama.cpp server as another role's: the sim actor, scored by it
"$CANOPY" run --strategy beam --n 4 --width 2 --prm logprob --prm-url "$URL_a" --prm-backend llamacpp \
	--trace "$TMP/rolep.jsonl" >"$TMP/rolep.out" 2>"$TMP/rolep.err"
echo $? >"$TMP/rolep.status"
held rolep "--prm-backend llamacpp: the sim actor scored through llama-server's /completion"

# the key
start k -np 2 -c 1024 --api-key sesame
ready "$URL_k"
CANOPY_API_KEY=sesame run key --backend llamacpp --url "$URL_k" --strategy beam --max-tokens 16 --depth 2
held key "a server with --api-key, given the key"
! grep -q "slots are unknown" "$TMP/key.err"
ok $? "its slots are read with the key"

# a small context: prompts cut, said
start c -np 2 -c 256
ready "$URL_c"
run cut --backend llamacpp --url "$URL_c" --strategy beam --max-tokens 64 --depth 2
grep -q 'the server cut the prompt to fit its context' "$TMP/cut.jsonl"
ok $? "a prompt llama-server cut is journaled, never scored silently"

# bench: 8 problems, --max-inflight 4 against 1
t0=$(date +%s.%N)
"$CANOPY" bench --backend llamacpp --url "$URL_a" --problems 8 --strategies sc:n=4 \
	--max-inflight 1 >/dev/null 2>&1
t1=$(date +%s.%N)
"$CANOPY" bench --backend llamacpp --url "$URL_a" --problems 8 --strategies sc:n=4 \
	--max-inflight 4 >/dev/null 2>&1
t2=$(date +%s.%N)
echo "# bench 8 problems sc:n=4: --max-inflight 1 $(echo "$t1 - $t0" | bc) s, 4: $(echo "$t2 - $t1" | bc) s"

done_testing
