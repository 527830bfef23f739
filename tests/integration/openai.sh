# canopy against a real HTTP server on 127.0.0.1: tests/fake_server.py
# answers like an OpenAI-compatible server and misbehaves on demand (the
# model name picks the fault).  Asserts on exit status, messages, the
# journal, and what canopy sent.
. "$SRCDIR/tests/integration/lib.sh"

if ! command -v python3 >/dev/null; then
	skip "python3 is not installed"
	done_testing
	exit
fi
python3 "$SRCDIR/tests/fake_server.py" --port-file "$TMP/port" --log "$TMP/server.log" --lifetime 240 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 1 50); do [ -s "$TMP/port" ] && break; sleep 0.1; done
URL="http://127.0.0.1:$(cat "$TMP/port")"
Q="What is 6*7?"
run() { # run NAME ARGS...: stdout, stderr and status in $TMP/NAME.*
	name=$1
	shift
	"$CANOPY" run --backend openai --url "$URL" --problem "$Q" --answer 42 --retries 2 \
		--trace "$TMP/$name.jsonl" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
	echo $? >"$TMP/$name.status"
}
st() { cat "$TMP/$1.status"; }

# ---- it works ----
run sc --model ok --n 3
is "$(st sc)" 0 "self-consistency against the server exits 0"
is "$(cat "$TMP/sc.out")" 42 "and prints the answer"
"$CANOPY" check "$TMP/sc.jsonl" >/dev/null
ok $? "its journal checks"
head -1 "$TMP/sc.jsonl" | grep -q "\"backend\":{\"kind\":\"openai\",\"url\":\"$URL\",\"model\":\"ok\",\"api\":\"chat\""
ok $? "the header names the backend, URL and model"
grep -q '"path": "/v1/chat/completions"' "$TMP/server.log"
ok $? "the chat route is used by default"
grep -q '"n": 1, "temperature": 0.8' "$TMP/server.log" || grep -q '"temperature": 0.8' "$TMP/server.log"
ok $? "sampling parameters are sent"
grep -q '"seed": ' "$TMP/server.log"
ok $? "a seed is sent"
run comp --model ok --api completions
grep -q '"path": "/v1/completions"' "$TMP/server.log"
ok $? "--api completions uses the completions route"
is "$(st comp)" 0 "and works"
run beam --model ok --strategy beam --n 4 --width 2
is "$(st beam)" 0 "beam search against the server exits 0"
grep -q '"ev":"score","id":1,"prm":0.9' "$TMP/beam.jsonl"
ok $? "steps are scored by the model judging them (--prm judge)"
run vllm --model ok --strategy beam --n 4 --width 2 --prm vllm --prm-model prm-7b
grep -q '"path": "/pooling"' "$TMP/server.log"
ok $? "--prm vllm asks the /pooling route"
grep -q '"ev":"score","id":1,"prm":0.9' "$TMP/vllm.jsonl"
ok $? "and takes p(right) of each step"
grep '/pooling' "$TMP/server.log" | head -1 | grep -q '<extra_0>'
ok $? "with <extra_0> after each step"

# ---- streams ----
for f in ok fault:split fault:crlf; do
	run "stream-$f" --model "$f" --stream --n 2
	is "$(st "stream-$f")" 0 "a stream ($f) is read whole"
	is "$(cat "$TMP/stream-$f.out")" 42 "and its answer is right ($f)"
done
run trunc --model fault:truncated --stream --n 2
is "$(st trunc)" 1 "a stream that stops without [DONE] fails the run when every request does"
grep -q 'the stream ended without \[DONE\] (truncated)' "$TMP/trunc.jsonl"
ok $? "and the journal says truncated"
t0=$(date +%s.%N)
run trickle --model fault:trickle --stream --n 1 --stall-timeout 1
t1=$(date +%s.%N)
is "$(st trickle):$(cat "$TMP/trickle.out")" "0:42" "a stream that trickles a byte every 10 ms is read whole, never taken for a stall"
awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a >= 1.5) }'
ok $? "although it takes longer than the stall timeout"
t0=$(date +%s.%N)
run stall --model fault:stall --stream --n 1 --stall-timeout 1 --retries 0
t1=$(date +%s.%N)
is "$(st stall)" 1 "a stream that goes silent is ended by --stall-timeout"
grep -q 'the server stopped sending (stalled for 1 s)' "$TMP/stall.jsonl"
ok $? "and the journal says it stalled"
awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 6) }'
ok $? "well before the server would have gone on"
run slowplain --model fault:slow --n 1 --stall-timeout 1
is "$(st slowplain)" 0 "a plain reply that thinks longer than the stall timeout is waited for (--timeout rules)"
run sreset --model fault:reset --stream --n 1 --retries 1
is "$(st sreset)" 1 "a stream reset half way fails the run when every request does"
grep -q '"ev":"error","message":"solution request failed: .*\(reset\|Recv failure\)' "$TMP/sreset.jsonl"
ok $? "and the journal says the connection was reset"
! grep -q '"ev":"node","id":1' "$TMP/sreset.jsonl"
ok $? "without a half step taken for a whole one"
run errstream --model fault:error-stream --stream
grep -q 'the server reported an error mid-stream: the model crashed' "$TMP/errstream.jsonl"
ok $? "an error object inside a 200 stream is an error, with the server's message"

# ---- retries ----
t0=$(date +%s.%N)
run r429 --model fault:429
t1=$(date +%s.%N)
is "$(st r429)" 0 "429 with Retry-After is retried"
awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a >= 0.95) }'
ok $? "after the second the server asked for"
run r429ms --model fault:429ms
is "$(st r429ms)" 0 "429 with retry-after-ms is retried"
run r500 --model fault:500
is "$(st r500)" 0 "500 twice, then an answer: retried until it works"

# ---- failures ----
run e404 --model fault:404
is "$(st e404)" 1 "a 404 ends the run with status 1"
grep -q "HTTP 404: model 'fault:404' not found" "$TMP/e404.err"
ok $? "saying the server's own message and the URL"
is "$(grep -c 'canopy run:' "$TMP/e404.err")" 1 "in one line"
run e401 --model fault:401
grep -q "HTTP 401: invalid api key" "$TMP/e401.err"
ok $? "a 401 says the key was refused"
run flat --model fault:flat-error
grep -q "the server says: The model does not exist." "$TMP/flat.err"
ok $? "an old vLLM's flat error object is understood"
run badjson --model fault:bad-json
is "$(st badjson)" 1 "a reply that is not JSON fails the run when every request does"
grep -q 'the reply is not JSON' "$TMP/badjson.jsonl"
ok $? "and the journal says so"
run empty --model fault:empty
grep -q 'the reply has no choices' "$TMP/empty.jsonl"
ok $? "an empty choices list is an error, not an empty step"
run reset --model fault:reset --retries 0
grep -q '"ev":"error"' "$TMP/reset.jsonl"
ok $? "a connection reset mid-reply is an error"
"$CANOPY" run --backend openai --url http://127.0.0.1:1 --model ok --problem "$Q" --retries 1 \
	--trace "$TMP/dead.jsonl" >/dev/null 2>"$TMP/dead.err"
is "$?" 1 "a dead server ends the run with status 1"
grep -q "http://127.0.0.1:1/v1/chat/completions: .*onnect" "$TMP/dead.err"
ok $? "naming the URL and the connection failure"
"$CANOPY" check "$TMP/dead.jsonl" >/dev/null 2>&1
ok $? "the journal is intact"
run slow --model fault:slow --timeout 1 --retries 0
grep -q 'timed out\|Timeout' "$TMP/slow.jsonl"
ok $? "--timeout ends a request that takes too long"

# ---- odd replies ----
run utf8 --model fault:bad-utf8
"$CANOPY" check "$TMP/utf8.jsonl" >/dev/null
ok $? "invalid UTF-8 from the server still makes a valid journal"
grep -q '\\ufffd\|\xef\xbf\xbd' "$TMP/utf8.jsonl" || grep -q "$(printf '\357\277\275')" "$TMP/utf8.jsonl"
ok $? "with the bad bytes replaced"
run huge --model fault:huge --n 1
is "$(st huge)" 0 "a 3 MiB reply is read"
run big --model fault:huge --n 1 --max-reply-bytes 1000000 --retries 0
grep -q 'the reply is larger than --max-reply-bytes (1000000 bytes)' "$TMP/big.jsonl"
ok $? "a reply past --max-reply-bytes fails, saying so"
run bigs --model fault:huge --n 1 --stream --max-reply-bytes 1000000 --retries 0
grep -q 'the reply is larger than --max-reply-bytes' "$TMP/bigs.jsonl"
ok $? "so does a streamed one"
size=$(wc -c <"$TMP/bigs.jsonl")
test "$size" -lt 200000
ok $? "and the trace does not take it in ($size bytes)"
run many --model fault:many-choices --n 2 --retries 0
grep -qE 'the reply holds 5000 choices where [12] w(as|ere) asked for' "$TMP/many.jsonl"
ok $? "a reply of 5000 choices for n=2 fails, saying so"
t0=$(date +%s)
run n500 --model fault:n-500 --strategy beam --n 4 --width 2
t1=$(date +%s)
is "$(st n500):$(cat "$TMP/n500.out")" "0:42" "llama.cpp's /v1 refusing n>1 with HTTP 500: the samples are asked one a call"
test $((t1 - t0)) -le 3
ok $? "at once, not after retrying the 500 ($((t1 - t0)) s)"
is "$(grep '"model": "fault:n-500"' "$TMP/server.log" | grep -c '"n": [2-9]')" 1 "n>1 is asked once, then never again of that server"
run absurd --model fault:absurd
is "$(st absurd)" 0 "token counts of 1e300 and -1e300 and a choice index of 1e20 are survived (clamped, never cast)"
"$CANOPY" check "$TMP/absurd.jsonl" >/dev/null
ok $? "and the journal is valid"

# ---- llama.cpp and Ollama, natively ----
for be in llamacpp ollama; do
	for mode in "" --stream; do
		"$CANOPY" run --backend $be --url "$URL" --model ok --problem "$Q" --answer 42 --n 2 $mode \
			--trace "$TMP/$be.jsonl" >"$TMP/$be.out" 2>"$TMP/$be.err"
		is "$?" 0 "--backend $be ${mode:-(no stream)} exits 0"
		is "$(cat "$TMP/$be.out")" 42 "and answers 42 ($be ${mode})"
	done
done
grep -q '"path": "/completion"' "$TMP/server.log" && grep '"/completion"' "$TMP/server.log" | head -1 | grep -q '"cache_prompt": true'
ok $? "llama.cpp gets /completion with cache_prompt"
grep -q '"path": "/api/generate"' "$TMP/server.log" && grep '/api/generate' "$TMP/server.log" | head -1 | grep -q '"options": {"num_predict"'
ok $? "Ollama gets /api/generate with options"
grep -q '"gen_tokens":24,"prompt_tokens":100' "$TMP/llamacpp.jsonl"
ok $? "token counts come from the server's own fields"
: >"$TMP/server.log"
"$CANOPY" run --backend llamacpp --url "$URL" --model ok --problem "$Q" --answer 42 --strategy beam --n 4 \
	--width 2 --trace "$TMP/ncmpl.jsonl" >"$TMP/ncmpl.out" 2>&1
is "$?:$(grep -c '"n_cmpl": 4' "$TMP/server.log")" "0:1" "llama.cpp: the 4 first steps in one call (n_cmpl)"
is "$(grep '"/completion"' "$TMP/server.log" | grep 'next step' | grep -vc n_cmpl)" 0 \
	"every request for several samples is one call"
test "$(grep -c '"ev":"node","id":[0-9]*,"parent":0,' "$TMP/ncmpl.jsonl")" = 4
ok $? "and all 4 come back as nodes"
: >"$TMP/server.log"
"$CANOPY" run --backend llamacpp --url "$URL/v1/" --model ok --problem "$Q" --answer 42 --n 1 \
	--trace "$TMP/lcv1.jsonl" >"$TMP/lcv1.out" 2>"$TMP/lcv1.err"
is "$?:$(cat "$TMP/lcv1.out")" "0:42" "llama.cpp: a --url given with /v1/ is the same server (its health probe too)"
"$CANOPY" run --backend llamacpp --url "$URL" --model fault:absurd --problem "$Q" --answer 42 --n 4 \
	--trace "$TMP/lca.jsonl" >"$TMP/lca.out" 2>"$TMP/lca.err"
is "$?:$(cat "$TMP/lca.out")" "0:42" "llama.cpp: n_cmpl indexes of 1e20 and token counts of +-1e300 are survived"
"$CANOPY" run --backend llamacpp --url "$URL" --model fault:no-ncmpl --problem "$Q" --answer 42 --strategy beam \
	--n 4 --width 2 --trace "$TMP/noncmpl.jsonl" >"$TMP/noncmpl.out" 2>&1
is "$?:$(tail -1 "$TMP/noncmpl.out" | sed 's/.*answer \([0-9]*\).*/\1/')" "0:42" "a build that ignores n_cmpl still gets every sample"
is "$(grep -c '"n_cmpl"' "$TMP/server.log")" 1 "asked once with n_cmpl, then one call a sample"
"$CANOPY" run --backend llamacpp --url "$URL" --model fault:truncated --stream --problem "$Q" --n 1 \
	--trace "$TMP/lt.jsonl" >/dev/null 2>&1
grep -q 'the stream ended before the server said it was done (truncated)' "$TMP/lt.jsonl"
ok $? "a llama.cpp stream without stop: true is truncated"
"$CANOPY" run --backend llamacpp --url "$URL" --model fault:error-stream --stream --problem "$Q" --n 1 \
	--trace "$TMP/le.jsonl" >/dev/null 2>&1
grep -q 'error mid-stream: slot crashed' "$TMP/le.jsonl"
ok $? "llama.cpp's error: line mid-stream is reported"
"$CANOPY" run --backend ollama --url "$URL" --model fault:404 --problem "$Q" --trace "$TMP/o404.jsonl" >/dev/null 2>"$TMP/o404.err"
grep -q "HTTP 404: model 'fault:404' not found, try pulling it first" "$TMP/o404.err"
ok $? "Ollama's plain-string error is understood"
python3 "$SRCDIR/tests/fake_server.py" --port-file "$TMP/port2" --lifetime 60 --loading &
LOADING=$!
for _ in $(seq 1 50); do [ -s "$TMP/port2" ] && break; sleep 0.1; done
"$CANOPY" run --backend llamacpp --url "http://127.0.0.1:$(cat "$TMP/port2")" --problem "$Q" \
	--timeout 1 --trace "$TMP/load.jsonl" >/dev/null 2>"$TMP/load.err"
is "$?" 1 "a llama.cpp server still loading after --timeout stops the run before it starts"
grep -q '/health: the server was still loading its model (HTTP 503) after 1 s (--timeout)' "$TMP/load.err"
ok $? "and says so"
kill $LOADING 2>/dev/null

# ---- resume: killed while talking to one server, finished on another ----
python3 "$SRCDIR/tests/fake_server.py" --port-file "$TMP/port6" --log "$TMP/server6.log" --lifetime 120 \
	--latency-ms 100 --depth 4 &
SLOW=$!
python3 "$SRCDIR/tests/fake_server.py" --port-file "$TMP/port7" --log "$TMP/server7.log" --lifetime 120 \
	--latency-ms 20 --depth 4 &
OTHER=$!
for _ in $(seq 1 50); do [ -s "$TMP/port6" ] && [ -s "$TMP/port7" ] && break; sleep 0.1; done
URL6="http://127.0.0.1:$(cat "$TMP/port6")"
URL7="http://127.0.0.1:$(cat "$TMP/port7")"
beam6() { "$CANOPY" run --backend openai --url "$URL6" --model ok --problem "$Q" --answer 42 --strategy beam \
	--n 6 --width 2 -q "$@"; }
beam6 --trace "$TMP/whole6.jsonl" >"$TMP/whole6.out" 2>&1
all=$(grep -c . "$TMP/server6.log")
# exec: $! must be canopy itself, not a subshell running it
(exec "$CANOPY" run --backend openai --url "$URL6" --model ok --problem "$Q" --answer 42 --strategy beam \
	--n 6 --width 2 -q --trace "$TMP/k6.jsonl" >/dev/null 2>&1) &
pid=$!
for _ in $(seq 1 100); do
	[ "$(grep -c '"ev":"unit"' "$TMP/k6.jsonl" 2>/dev/null || echo 0)" -ge 2 ] && break
	sleep 0.05
done
kill -9 $pid
wait $pid 2>/dev/null
kept=$(($(grep -c . "$TMP/k6.jsonl.replies") - 1))
test "$kept" -gt 0 && test "$kept" -lt "$all"
ok $? "the run was killed half way ($kept of $all replies journaled)"
"$CANOPY" run --resume "$TMP/k6.jsonl" --url "$URL7" -q >"$TMP/k6.out" 2>"$TMP/k6.err"
is "$?:$(cat "$TMP/k6.out")" "0:42" "--resume with a new --url finishes it"
is "$(grep -c . "$TMP/server7.log")" "$((all - kept))" "asking only what had no journaled reply ($((all - kept)) of $all)"
if cmp -s <(sed -e 1d -e 's/"t":[0-9.]*,//' "$TMP/whole6.jsonl") <(sed -e 1d -e 's/"t":[0-9.]*,//' "$TMP/k6.jsonl"); then
	same=0
else
	same=1
	diff <(sed -e 1d -e 's/"t":[0-9.]*,//' "$TMP/whole6.jsonl") <(sed -e 1d -e 's/"t":[0-9.]*,//' "$TMP/k6.jsonl") |
		head -5 | sed 's/^/#   /'
fi
ok $same "and the journal is the uninterrupted run's, t aside"
grep '/v1/chat/completions' "$TMP/server7.log" | head -1 | grep -q 'Write a step-by-step critique\|Write only the next step'
ok $? "asked in the words the journal's header recorded"
kill $SLOW $OTHER 2>/dev/null

# ---- llama.cpp slots ----
python3 "$SRCDIR/tests/fake_server.py" --port-file "$TMP/port5" --log "$TMP/server5.log" --lifetime 120 \
	--slots 2 --latency-ms 40 --depth 3 &
SLOTS=$!
for _ in $(seq 1 50); do [ -s "$TMP/port5" ] && break; sleep 0.1; done
URL5="http://127.0.0.1:$(cat "$TMP/port5")"
"$CANOPY" run --backend llamacpp --url "$URL5" --problem "$Q" --strategy beam --n 4 --width 2 \
	--trace "$TMP/slots.jsonl" >/dev/null 2>"$TMP/slots.err"
is "$?" 0 "a llama.cpp server with 2 slots runs a beam search of 4 candidates a level"
slotstat=$(python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if "/completion" in l]
one = [r for r in rows if "n_cmpl" not in r["body"]]
many = [r for r in rows if "n_cmpl" in r["body"]]
print(max(r["active"] for r in rows), sorted(set(str(r["body"].get("id_slot")) for r in one)),
      all("id_slot" not in r["body"] for r in many))
' "$TMP/server5.log")
is "$slotstat" "2 ['0', '1'] True" "never more than its 2 slots busy at once, each one-sample call pinned to slot 0 or 1"
kill $SLOTS 2>/dev/null
! grep '"/completion"' "$TMP/server.log" | grep -q id_slot
ok $? "a server that does not say its slots (no /props) gets no id_slot"

# ---- several servers, and profiles ----
python3 "$SRCDIR/tests/fake_server.py" --port-file "$TMP/port3" --log "$TMP/server3.log" --lifetime 120 &
SECOND=$!
for _ in $(seq 1 50); do [ -s "$TMP/port3" ] && break; sleep 0.1; done
URL2="http://127.0.0.1:$(cat "$TMP/port3")"
: >"$TMP/server.log"
"$CANOPY" run --backend openai --url "$URL" --url "$URL2" --model ok --api completions --n 8 --problem "$Q" \
	--trace "$TMP/two.jsonl" >"$TMP/two.out" 2>&1
is "$?" 0 "two --url values work"
a=$(grep -c '/v1/completions' "$TMP/server.log")
b=$(grep -c '/v1/completions' "$TMP/server3.log")
test "$a" -ge 3 && test "$b" -ge 3
ok $? "and the requests are spread over both ($a and $b of 8)"
mkdir -p "$XDG_CONFIG_HOME/canopy"
cat >"$XDG_CONFIG_HOME/canopy/config" <<CFG
# a profile for the tests
[profile fake]
backend = openai
url = $URL
model = ok
api = completions
n = 2

[profile other]
backend = sim
CFG
"$CANOPY" run --profile fake --problem "$Q" --answer 42 --trace "$TMP/prof.jsonl" >"$TMP/prof.out" 2>"$TMP/prof.err"
is "$?" 0 "--profile fake runs against the profile's server"
head -1 "$TMP/prof.jsonl" | grep -q '"api":"completions"'
ok $? "with the profile's options"
"$CANOPY" run --profile fake --n 3 --problem "$Q" --trace "$TMP/prof2.jsonl" >/dev/null 2>&1
head -1 "$TMP/prof2.jsonl" | grep -q '"n":3'
ok $? "options on the command line win over the profile's"
"$CANOPY" run --profile nope --problem "$Q" >/dev/null 2>"$TMP/prof3.err"
is "$?" 2 "an unknown profile is bad usage"
grep -q "no \[profile nope\] in $XDG_CONFIG_HOME/canopy/config" "$TMP/prof3.err"
ok $? "naming the file"
printf '[profile leaky]\napi_key = sk-123\n' >>"$XDG_CONFIG_HOME/canopy/config"
"$CANOPY" run --profile leaky >/dev/null 2>"$TMP/prof4.err"
grep -q 'keys do not belong in the config; use api-key-file' "$TMP/prof4.err"
ok $? "a key written into the config is refused"
! grep -q 'sk-123' "$TMP/prof4.err"
ok $? "without repeating it"
kill $SECOND 2>/dev/null

# ---- scorers and roles ----
: >"$TMP/server.log"
run lp --model ok --strategy beam --n 4 --width 2 --prm logprob
is "$(st lp)" 0 "--prm logprob: beam search scored through token logprobs exits 0"
grep -q '"ev":"score","id":1,"prm":0.9}' "$TMP/lp.jsonl" && grep -q '"ev":"score","id":5,"prm":0.7}' "$TMP/lp.jsonl"
ok $? "each step scores P(+) / (P(+) + P(-)) after its tag (0.9 after one, 0.7 after two)"
grep '/v1/completions' "$TMP/server.log" | grep -q '"prompt": "What is 6\*7? Step 1: 6 \\u00d7 7 = 42. \\u043a\\u0438", "max_tokens": 1, "temperature": 0, "logprobs": 5'
ok $? "asking one token with top logprobs after the text up to the step tag, raw"
all=$(grep '/v1/completions' "$TMP/server.log" | grep -c '\\u043a\\u0438", "max_tokens": 1')
two=$(grep '/v1/completions' "$TMP/server.log" | grep -c '\\u043a\\u0438\\nStep 2')
one=$((all - two))
# level 1's four candidates read the same, and so do level 2's: each is
# asked once, or fewer times when its score came back before the next one
# was sent; once level 2 is scored, level 1's prefix is never asked again
python3 - "$TMP/server.log" <<'PY'
import json, sys
rows = [json.loads(l)["body"].get("prompt", "") for l in open(sys.argv[1]) if "/v1/completions" in l]
rows = [p for p in rows if p.endswith("\u043a\u0438")]
first2 = next((i for i, p in enumerate(rows) if "\nStep 2" in p), len(rows))
sys.exit(0 if first2 < len(rows) and all("\nStep 2" in p for p in rows[first2:]) else 1)
PY
ok $? "a prefix scored at one level is not asked again at the next ($one + $two calls)"
head -1 "$TMP/lp.jsonl" | grep -q '"prm":{"kind":"logprob"}'
ok $? "the header names the logprob scorer (on the actor's server)"
for be in llamacpp ollama; do
	"$CANOPY" run --backend $be --url "$URL" --model ok --problem "$Q" --strategy beam --n 4 --width 2 \
		--prm logprob --trace "$TMP/lp-$be.jsonl" >/dev/null 2>&1
	is "$?" 0 "--prm logprob on $be's native route exits 0"
	grep -q '"ev":"score","id":1,"prm":0.9}' "$TMP/lp-$be.jsonl"
	ok $? "and reads its top tokens ($be)"
done
grep '"/completion"' "$TMP/server.log" | grep -q '"n_predict": 1, "n_probs": 10'
ok $? "llama.cpp is asked for n_probs"
grep '/api/generate' "$TMP/server.log" | grep -q '"raw": true, "stream": false, "logprobs": true'
ok $? "Ollama is asked raw, with logprobs"
run lpnone --model ok --prm-model fault:no-logprobs --strategy beam --n 2 --width 1 --prm logprob
is "$(st lpnone)" 1 "a scorer that returns no logprobs stops the run"
grep -q 'the reply has no token log-probabilities (does this server return logprobs?)' "$TMP/lpnone.err"
ok $? "saying so"
run lpother --model ok --prm-model fault:other-tokens --strategy beam --n 2 --width 1 --prm logprob
is "$(st lpother)" 0 "top tokens without + or - fail those scores, not the run"
grep -q "warning: [0-9]* requests failed, the last with: .*neither '+' nor '-' is among the top tokens" "$TMP/lpother.err"
ok $? "and the run warns that its answer was chosen without them"
: >"$TMP/server.log"
run ormv --model ok --strategy bon --n 2 --orm vllm --orm-model rm-72b
is "$(st ormv)" 0 "--orm vllm: best-of-N with a reward model exits 0"
grep '/pooling' "$TMP/server.log" | grep -q '"model": "rm-72b"'
ok $? "the outcome scorer is asked on /pooling with --orm-model"
grep -q '"ev":"score","id":2,"orm":0.7}' "$TMP/ormv.jsonl"
ok $? "and its score is p(right) at the last step's tag"
run ormj --model ok --strategy bon --n 2 --prm none --orm judge
grep -q '"ev":"score","id":2,"orm":0.9}' "$TMP/ormj.jsonl"
ok $? "--orm judge scores outcomes although --prm none scores no steps"
run ormn --model ok --strategy bon --n 2 --orm none
! grep -q '"ev":"score".*"orm"' "$TMP/ormn.jsonl"
ok $? "--orm none asks for no outcome score"
python3 "$SRCDIR/tests/fake_server.py" --port-file "$TMP/port4" --log "$TMP/server4.log" --lifetime 120 &
CRITIC=$!
for _ in $(seq 1 50); do [ -s "$TMP/port4" ] && break; sleep 0.1; done
URL4="http://127.0.0.1:$(cat "$TMP/port4")"
: >"$TMP/server.log"
run crit --model ok --strategy critique --rounds 1 --critic-url "$URL4" --critic-model critic-7b
is "$(st crit)" 0 "--critic-url: critique-in-the-loop with a separate critic exits 0"
grep -q '"model": "critic-7b".*Correctness of the step' "$TMP/server4.log"
ok $? "the critiques go to the critic's server and model"
! grep -q 'Write a step-by-step critique' "$TMP/server.log"
ok $? "and none to the actor's (which refines with the critique as its feedback)"
grep -q 'Correctness of the step' "$TMP/server.log"
ok $? "MathCritique refines every response, whatever its critique says"
head -1 "$TMP/crit.jsonl" | grep -q "\"critic\":{\"url\":\"$URL4\",\"model\":\"critic-7b\"}"
ok $? "the header names the critic"
: >"$TMP/server4.log"
run disc --model ok --strategy rstar --rollouts 2 --disc-url "$URL4" --disc-model disc-1b
is "$(st disc)" 0 "--disc-url: rStar with a separate discriminator exits 0"
test "$(grep -c '"model": "disc-1b"' "$TMP/server4.log")" -ge 1 && ! grep -q '"model": "ok"' "$TMP/server4.log"
ok $? "the discriminator's completions, and only those, go to its server"
kill $CRITIC 2>/dev/null
"$CANOPY" run --strategy beam --prm judge --problem "$Q" --trace "$TMP/simj.jsonl" >/dev/null 2>"$TMP/simj.err"
is "$?" 2 "the sim actor with --prm judge and no server is bad usage"
grep -q -- '--prm with --backend sim needs --prm-url BASE' "$TMP/simj.err"
ok $? "saying which option is missing"
"$CANOPY" run --strategy beam --n 4 --width 2 --prm logprob --prm-url "$URL" --prm-model ok --problem "$Q" \
	--trace "$TMP/simlp.jsonl" >"$TMP/simlp.out" 2>&1
is "$?" 0 "the sim actor with a real logprob scorer runs"
grep -q '"ev":"score","id":1,"prm":0.9}' "$TMP/simlp.jsonl"
ok $? "and its steps carry the server's scores"

# ---- PUCT priors from the server's log-probabilities ----
: >"$TMP/server.log"
run puct --model ok --strategy puct --width 3 --rollouts 3
is "$(st puct)" 0 "--strategy puct against the server exits 0"
grep '/v1/chat/completions' "$TMP/server.log" | grep 'next step' | head -1 | grep -q '"logprobs": true'
ok $? "asking for the generated tokens' log-probabilities"
# the fake gives sample i a log-probability of -0.2 (i + 1) a token:
# softmax(-0.2, -0.4, -0.6) = 0.401760, 0.328933, 0.269307
is "$(grep '"prior"' "$TMP/puct.jsonl" | head -3 | sed 's/.*"prior":\([0-9.]*\).*/\1/' | tr '\n' ' ')" \
	"0.40176 0.328933 0.269307 " "and the priors are the softmax of their mean log-probabilities"
"$CANOPY" run --backend llamacpp --url "$URL" --problem "$Q" --strategy puct --width 3 --rollouts 3 \
	--trace "$TMP/puctl.jsonl" >/dev/null 2>&1
grep '"/completion"' "$TMP/server.log" | grep 'next step' | head -1 | grep -q '"n_probs": 1'
ok $? "llama.cpp is asked for n_probs"
is "$(grep '"prior"' "$TMP/puctl.jsonl" | head -3 | sed 's/.*"prior":\([0-9.]*\).*/\1/' | tr '\n' ' ')" \
	"0.40176 0.328933 0.269307 " "and its completion_probabilities make the same priors"
run puctn --model fault:no-logprobs --strategy puct --width 3 --rollouts 3
is "$(st puctn)" 0 "a server without log-probabilities still runs PUCT"
grep -q '"ev":"verdict","what":"priors","label":"uniform: the backend gave no log-probabilities"' "$TMP/puctn.jsonl"
ok $? "with uniform priors, and says why"

# ---- prompt templates ----
head -1 "$TMP/sc.jsonl" | grep -q '"prompts":{"step":{"system":"You solve math word problems'
ok $? "the header holds the prompt templates the server was asked with"
"$CANOPY" run --problem "$Q" --trace "$TMP/simp.jsonl" >/dev/null 2>&1
! head -1 "$TMP/simp.jsonl" | grep -q '"prompts"'
ok $? "a sim run, which asks no model, has none"
mkdir -p "$XDG_CONFIG_HOME/canopy/prompts"
printf '# mine\n[user]\nPLEASE SOLVE: {problem}\n' >"$XDG_CONFIG_HOME/canopy/prompts/solution.txt"
: >"$TMP/server.log"
run mine --model ok --n 1
is "$(st mine)" 0 "a run with the user's own solution template works"
grep -q '"content": "PLEASE SOLVE: What is 6\*7?"' "$TMP/server.log"
ok $? "and sends the user's words"
head -1 "$TMP/mine.jsonl" | grep -q '"solution":{"user":"PLEASE SOLVE: {problem}"}'
ok $? "which the header records"
"$CANOPY" prompts >"$TMP/plist.out"
grep -q "^solution *$XDG_CONFIG_HOME/canopy/prompts/solution.txt" "$TMP/plist.out"
ok $? "canopy prompts shows the override's file"
grep -q "^step .*/prompts/step.txt" "$TMP/plist.out"
ok $? "and the shipped file of the others"
"$CANOPY" prompts solution | grep -q 'PLEASE SOLVE'
ok $? "canopy prompts NAME prints the template in use"
rm -r "$XDG_CONFIG_HOME/canopy/prompts"
mkdir -p "$TMP/myprompts"
printf '[user]\nStep {nxt} of {problem}\n' >"$TMP/myprompts/step.txt"
run brokenp --model ok --prompts "$TMP/myprompts"
is "$(st brokenp)" 2 "a broken template is bad usage"
grep -q "$TMP/myprompts/step.txt:2: unknown placeholder {nxt}" "$TMP/brokenp.err"
ok $? "named with FILE:LINE"
is "$(grep -c . "$TMP/brokenp.err")" 1 "in one line"

# ---- secrets ----
CANOPY_API_KEY=sekrit-123 run key --model ok --n 1
grep -q '"auth": "Bearer sekrit-123"' "$TMP/server.log"
ok $? "the key from CANOPY_API_KEY is sent as a bearer token"
! grep -rq 'sekrit-123' "$TMP/key.jsonl" "$TMP/key.err" "$TMP/key.out"
ok $? "and is nowhere in the journal or the output"
printf 'filekey-456\n' >"$TMP/key.txt"
chmod 644 "$TMP/key.txt"
run keyfile --model ok --api-key-file "$TMP/key.txt"
is "$(st keyfile)" 2 "a key file others can read is refused"
grep -q 'must be readable by its owner only (chmod 600' "$TMP/keyfile.err"
ok $? "saying how to fix it"
chmod 600 "$TMP/key.txt"
run keyfile2 --model ok --api-key-file "$TMP/key.txt" --n 1
is "$(st keyfile2)" 0 "a 0600 key file is used"
grep -q '"auth": "Bearer filekey-456"' "$TMP/server.log"
ok $? "its key is sent"
! grep -q 'filekey-456' "$TMP/keyfile2.jsonl" "$TMP/keyfile2.err"
ok $? "and not written anywhere"
run insecure --model ok --insecure --n 1
grep -q 'WARNING: --insecure: TLS certificates are NOT checked' "$TMP/insecure.err"
ok $? "--insecure says so loudly"
"$CANOPY" run --backend openai --model ok >/dev/null 2>"$TMP/nourl.err"
is "$?" 2 "--backend openai without --url is bad usage"
kill $SERVER 2>/dev/null
done_testing
