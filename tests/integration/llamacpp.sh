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

# ---- connections: a new one a call, never more than the server's threads ----
serve lc --llamacpp --slots 4 --http-threads 6 --depth 3
timed() { # timed NAME ARGS...: run, and the seconds it took in $TMP/NAME.secs
	t0=$(date +%s.%N)
	run "$@"
	python3 -c "import sys; print('%.2f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$t0" "$(date +%s.%N)" \
		>"$TMP/$1.secs"
}
timed lcbeam --backend llamacpp --url "$URL_lc" --strategy beam --n 8 --width 2 --prm none
is "$(st lcbeam):$(cat "$TMP/lcbeam.out")" "0:42" "beam search against the modelled llama-server"
requests=$(grep -c '"/completion"' "$TMP/lc.log")
secs=$(cat "$TMP/lcbeam.secs")
python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < 0.04 * int(sys.argv[2]) else 1)" "$secs" "$requests"
ok $? "no 40 ms stall a request on reused connections ($requests requests in $secs s)"
: >"$TMP/lc.log"
"$CANOPY" bench --backend llamacpp --url "$URL_lc" --problems 4 --strategies sc:n=4 --jobs 4 --max-inflight 4 \
	>"$TMP/lcbench.out" 2>"$TMP/lcbench.err"
is "$?" 0 "bench --jobs 4 --max-inflight 4 against a server with 6 HTTP threads"
most=$(python3 -c '
import json, sys
print(max([json.loads(l)["active"] for l in open(sys.argv[1])] or [0]))' "$TMP/lc.log")
test "$most" -le 4
ok $? "the 4 workers share the server's 4 slots: at most 4 requests at once (saw $most)"
slots=$(python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
rows = [r["body"] for r in rows if r["path"] == "/completion"]
print(sorted(set(r.get("id_slot", -1) for r in rows if "n_cmpl" not in r)))' "$TMP/lc.log")
is "$slots" "[0, 1, 2, 3]" "and every pinned call is to a slot the server has"
: >"$TMP/lc.log"
run mi1 --backend openai --url "$URL_lc/v1" --model ok --strategy sc --n 4 --max-inflight 1
is "$(st mi1):$(cat "$TMP/mi1.out")" "0:42" "--max-inflight 1 with n refused (split into 4 calls)"
most=$(python3 -c '
import json, sys
print(max([json.loads(l)["active"] for l in open(sys.argv[1])] or [0]))' "$TMP/lc.log")
is "$most" 1 "means one call at the server at a time"

# ---- the key goes with every request, the probes' too ----
serve key --llamacpp --slots 2 --api-key sesame
CANOPY_API_KEY=sesame run key --backend llamacpp --url "$URL_key" --strategy beam --n 4 --width 2 --prm logprob
is "$(st key)" 0 "a server started with --api-key"
! grep -q "slots are unknown" "$TMP/key.err"
ok $? "tells its slots: /props was asked with the key"
grep '"/completion"' "$TMP/key.log" | grep -q '"id_slot"'
ok $? "so calls are pinned to slots"
run nokey --backend llamacpp --url "$URL_key" --strategy sc --n 2
is "$(st nokey)" 1 "without the key the run fails"
contains "$TMP/nokey.err" "/props: HTTP 401" "saying before it starts that /props refused it"
serve noprops
run noslots --backend llamacpp --url "$URL_noprops" --strategy sc --n 2
contains "$TMP/noslots.err" "the server's slots are unknown, so requests are neither capped at them nor pinned" \
	"a llama.cpp server that does not say its slots: the user is told"

# ---- the model loads: canopy waits ----
serve load --llamacpp --loading-for 1.5
run loadw --backend llamacpp --url "$URL_load" --strategy sc --n 2
is "$(st loadw):$(cat "$TMP/loadw.out")" "0:42" "started while the model loads, the run waits and finishes"
contains "$TMP/loadw.err" "waiting for the model to load" "saying it waits"

# ---- prompts the server cut ----
serve ctx --llamacpp --slots 2 --n-ctx 60 --depth 3
run cut --backend llamacpp --url "$URL_ctx" --strategy beam --n 2 --width 1
grep -q '"ev":"error","message":"prm request failed: .*the server cut the prompt to fit its context of 60 tokens a slot: not scored' \
	"$TMP/cut.jsonl"
ok $? "a score of a prompt the server cut is journaled as not scored"
grep -q '"level":"warning"' "$TMP/cut.jsonl"
ok $? "and a generation from a cut prompt as a warning"
contains "$TMP/cut.err" "replies came back with a warning" "the run says so at the end"
"$CANOPY" check "$TMP/cut.jsonl" >/dev/null
ok $? "the journal with warnings checks"
max_predict=$(python3 -c '
import json, sys
print(max(json.loads(l)["body"].get("n_predict", 0) for l in open(sys.argv[1]) if "/completion" in l))' "$TMP/ctx.log")
test "$max_predict" -le 60
ok $? "n_predict is kept within the slot's context ($max_predict of 60)"

# ---- a restart with fewer slots ----
port=$(cat "$TMP/lc.port")
serve r4 --llamacpp --slots 4 --latency-ms 150 --depth 6
rport=$(cat "$TMP/r4.port")
(exec "$CANOPY" run --backend llamacpp --url "$URL_r4" --problem "$Q" --answer 42 --strategy beam --n 8 --width 2 \
	--prm logprob --depth 6 --timeout 20 --retries 6 --trace "$TMP/restart.jsonl" >"$TMP/restart.out" 2>"$TMP/restart.err") &
cpid=$!
sleep 0.6
kill "$(echo $PIDS | awk '{print $NF}')"
sleep 0.3
python3 "$SRCDIR/tests/fake_server.py" --port-file "$TMP/r2.port" --log "$TMP/r2.log" --lifetime 120 --llamacpp \
	--slots 2 --latency-ms 150 --depth 6 --port "$rport" &
PIDS="$PIDS $!"
wait $cpid
is "$?:$(cat "$TMP/restart.out")" "0:42" "a server restarted with fewer slots mid-run: the run finishes"
bad=$(python3 -c '
import json, sys
rows = [json.loads(l)["body"] for l in open(sys.argv[1])]
print(len(rows) > 0, sum(1 for r in rows if r.get("id_slot", -1) >= 2))' "$TMP/r2.log")
is "$bad" "True 0" "and the new server, asked the rest, gets no call pinned to a slot it does not have"

# ---- KV cache full: back off, fewer at once ----
serve kv --llamacpp --slots 4 --latency-ms 60
run kv --backend llamacpp --url "$URL_kv" --model fault:kv-full --strategy sc --n 8 --retries 6
is "$(st kv):$(cat "$TMP/kv.out")" "0:42" "KV-cache-full 500s are retried until the samples come back"
python3 - "$TMP/kv.log" <<'PY'
import json, sys
rows = [json.loads(l)["active"] for l in open(sys.argv[1]) if '"/completion"' in l]
# the fake refuses a request that finds more than 2 at the server: a
# client that sent the refused ones back all at once, as many as before,
# would be refused again and again; one that waits and sends fewer is
# refused a few times at the start (how the limit then rises again is
# test_server_table's)
refused = sum(1 for a in rows if a > 2)
sys.exit(0 if 0 < refused < len(rows) - refused else 1)
PY
ok $? "with fewer calls at once after the error"

# ---- llama.cpp's /v1 logprobs, null log-probabilities, judges without verdicts ----
run v1lp --backend openai --url "$URL_lc/v1" --model ok --strategy beam --n 2 --width 1 --prm logprob
is "$(st v1lp):$(cat "$TMP/v1lp.out")" "0:42" "--prm logprob through llama.cpp's /v1/completions"
grep -q '"ev":"score","id":[0-9]*,"prm":0.9' "$TMP/v1lp.jsonl"
ok $? "reads its logprobs.content[0].top_logprobs"
run nulllp --backend llamacpp --url "$URL_lc" --prm-model fault:null-logprob --strategy beam --n 2 --width 1 \
	--prm logprob --model fault:null-logprob
is "$(st nulllp):$(cat "$TMP/nulllp.out")" "0:42" "a null log-probability among the top tokens does not end the run"
grep -q '"level":"warning".*null log-probability\|null log-probability.*"level":"warning"' "$TMP/nulllp.jsonl"
ok $? "it is skipped with a warning"
run nov --backend openai --url "$URL_lc/v1" --model fault:no-verdict --strategy beam --n 2 --width 1
is "$(st nov)" 0 "a judge that states no verdict"
grep -q "judge's reply states no verdict" "$TMP/nov.jsonl"
ok $? "is journaled as not scored"
! grep -q '"ev":"score","id":[0-9]*,"prm":0.5' "$TMP/nov.jsonl"
ok $? "never as a 0.5"
contains "$TMP/nov.err" "requests failed, the last with: prm request failed" "and counted at the end of the run"

# ---- each role's server its own dialect ----
serve prm --llamacpp --slots 2
"$CANOPY" run --strategy beam --n 4 --width 2 --prm logprob --prm-url "$URL_prm" --prm-backend llamacpp \
	--trace "$TMP/rolep.jsonl" >"$TMP/rolep.out" 2>"$TMP/rolep.err"
is "$?" 0 "the sim actor scored by a llama.cpp server named with --prm-backend llamacpp"
grep '"/completion"' "$TMP/prm.log" | grep -q '"n_probs": 10'
ok $? "asked on llama.cpp's /completion with n_probs"
grep '"/completion"' "$TMP/prm.log" | grep -q '"id_slot"'
ok $? "pinned to its slots, read from its /props"
head -1 "$TMP/rolep.jsonl" | grep -q '"prm":{"kind":"logprob","url":"[^"]*","backend":"llamacpp"}'
ok $? "the header records the role's kind of server"
"$CANOPY" run --resume "$TMP/rolep.jsonl" >/dev/null 2>&1
is "$?" 0 "and a resume of it runs"
run rolebad --backend openai --url "$URL_prm" --model ok --prm logprob --prm-backend llamacpp
is "$(st rolebad)" 2 "--prm-backend without --prm-url"
contains "$TMP/rolebad.err" "--prm-backend needs --prm-url" "is refused, saying why"

# ---- the model's chat template on /completion ----
serve tp --llamacpp --slots 2
run tmpl --backend llamacpp --url "$URL_tp" --strategy beam --n 2 --width 1 --prm logprob
is "$(st tmpl)" 0 "a run on llama.cpp's /completion"
python3 - "$TMP/tp.log" <<'PY'
import json, sys
rows = [json.loads(l)["body"] for l in open(sys.argv[1]) if '"/completion"' in l]
gen = [r["prompt"] for r in rows if r.get("n_probs") != 10]
score = [r["prompt"] for r in rows if r.get("n_probs") == 10]
ok = gen and all(p.startswith("<|im_start|>system\n") and p.endswith("<|im_start|>assistant\n") for p in gen)
ok = ok and score and not any("<|im_start|>" in p for p in score)
sys.exit(0 if ok else 1)
PY
ok $? "asks in the model's chat template from /apply-template; a logprob score stays raw text"
: >"$TMP/tp.log"
run raw --backend llamacpp --url "$URL_tp" --api completions --strategy sc --n 2
! grep '"/completion"' "$TMP/tp.log" | grep -q 'im_start'
ok $? "--api completions sends the raw prompt"
! grep -q "chat template" "$TMP/raw.err"
ok $? "without a warning"
run notmpl --backend llamacpp --url "$URL_noprops" --strategy sc --n 2
contains "$TMP/notmpl.err" "the model's chat template is not known, so prompts go raw" \
	"a server without /apply-template: the prompts go raw, and the user is told"

# ---- the UI says what is retried and what failed, live (last: tmux.sh
# ends the test where there is no tmux) ----
. "$SRCDIR/tests/integration/tmux.sh"
start 120 30 "'$CANOPY' run --ui --backend openai --url '$URL_deep' --model fault:down --retries 3 --strategy sc --n 1 --problem '$Q' --trace '$TMP/uiretry.jsonl'"
shows "1 retrying" "the status bar counts the requests being retried"
shows "retrying 1 request: " "and the message line says what they met"
t1=$(grep -o '[0-9]*\.[0-9]s ·' "$TMP/screen" | head -1)
sleep 1.2
T capture-pane -p -t ui >"$TMP/screen"
t2=$(grep -o '[0-9]*\.[0-9]s ·' "$TMP/screen" | head -1)
test -n "$t1" && test "$t1" != "$t2"
ok $? "the clock goes on while they are retried ($t1 then $t2)"
shows "1 failed" "a request that failed for good is counted"
T send-keys -t ui q
shows "EXIT=1" "and quitting after the failed run exits 1"
T kill-server 2>/dev/null

done_testing
