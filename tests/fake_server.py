#!/usr/bin/env python3
"""A fake OpenAI-compatible model server for canopy's tests.

Listens on 127.0.0.1 only, on a free port written to --port-file, and stops
by itself after --lifetime seconds.  Every request is logged (one JSON line:
path, headers seen, body) to --log.  The model name chooses a behaviour:

  ok                  answers normally (the default)
  fault:429           429 with Retry-After: 1 once, then answers
  fault:429ms         429 with retry-after-ms: 200 once, then answers
  fault:500           500 twice, then answers
  fault:404           404 {"error": {"message": "model 'x' not found"}}
  fault:401           401 {"error": {"message": "invalid api key"}}
  fault:bad-json      200 with a body that is not JSON
  fault:empty         200 with choices: []
  fault:slow          waits 2 s before the first byte
  fault:reset         closes the connection mid-response (mid-stream: a TCP reset)
  fault:huge          a 3 MiB answer
  fault:bad-utf8      invalid UTF-8 inside the text
  fault:flat-error    200 {"object": "error", "message": ...} (old vLLM)
  fault:no-logprobs   a scoring request (logprobs asked) gets none back
  fault:no-ncmpl      llama.cpp's /completion ignores n_cmpl (an older build)
  fault:other-tokens  a scoring request's top tokens hold neither + nor -
  fault:absurd        token counts of 1e300 and -1e300, choice indexes of 1e20
  fault:escapes       a solution holding terminal escapes (a window title, clear screen)
  fault:many-choices  5000 choices whatever n was asked
  fault:n-500         n > 1 refused as llama.cpp's /v1 refuses it: HTTP 500
                      "Only one completion choice is allowed"
  fault:n-500-flaky   the same, and every third single-sample call gets a body
                      that is not JSON (one call of a split request fails)
  fault:tag2-other    neither + nor - after an even number of step tags (one
                      step's score of a path fails, its siblings' do not)
  fault:escape-error  400 whose message holds terminal escapes
  fault:down          503 "the server is unavailable" to every generation, always
  fault:kv-full       llama.cpp's KV cache holds 2 requests at once: more get HTTP
                      500 "Input prompt is too big compared to KV size"
  fault:null-logprob  one top token's log-probability is null (a NaN llama.cpp
                      could not write as JSON)
  fault:no-verdict    a judge that does not follow the format (no verdict line)
A request for one token's logprobs after a " ки" step tag (a logprob PRM)
gets P(+) = 0.9 after an odd number of tags and 0.7 after an even one.
--llamacpp answers as llama-server (b4748) does, as met on the real one:
  * /v1 refuses n > 1 with HTTP 500 "Only one completion choice is allowed";
    /v1/completions logprobs come as logprobs.content[i].top_logprobs;
  * every route but /health and /models wants --api-key when one is set (401);
  * its HTTP library answers in two writes without TCP_NODELAY: on a reused
    connection the second waits for the client's delayed ACK (40 ms here);
  * --http-threads connections at once, each kept (and its thread held) until
    5 s idle: more wait for a thread;
  * /props says --slots and n_ctx (--n-ctx); a prompt longer than n_ctx tokens
    (4 bytes a token here) is cut, and the reply says "truncated": true;
  * a request pinned (id_slot) to a slot it does not have waits for ever;
  * /apply-template applies its chat template (ChatML) to {messages}.
Streams (stream: true) also take:
  fault:split         SSE written one byte at a time
  fault:crlf          SSE with CRLF line ends and comment pings
  fault:truncated     SSE that stops without [DONE]
  fault:error-stream  an error object in the middle of a 200 stream
  fault:trickle       a byte every 10 ms
  fault:stall         the first event, then nothing for 10 s
"""
import argparse, json, math, os, socket, struct, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

COUNTS = {}
LOCK = threading.Lock()
THREADS = None  # --http-threads: a connection holds one while it lives
KV_FULL = {"code": 500, "type": "server_error",
           "message": "Input prompt is too big compared to KV size. Please try increasing KV size."}
PUBLIC = ("/health", "/models", "/v1/models", "/")
ACTIVE = [0]  # POSTs being answered now
RUNNING = [0]  # of those, the ones on a slot (--slots)
SLOTS = []
ARGS = None
START = [time.time()]

STEPS = ["Step 1: 6 \u00d7 7 = 42.", "Step 2: 42 + 0 = 42. The answer is 42."]


def count(key):
    with LOCK:
        COUNTS[key] = COUNTS.get(key, 0) + 1
        return COUNTS[key]


def reply_text(body, i):
    """The same small solution whatever was asked, so runs finish."""
    msgs = body.get("messages")
    # the system prompt too: instructions may be there
    prompt = "\n\n".join(m["content"] for m in msgs) if msgs else body.get("prompt", "")
    if body.get("model") == "fault:no-verdict" and ("Correctness of the step" in prompt or "[[correct]]" in prompt):
        return "I think this looks fine overall, nothing to add."
    if "Correctness of the step" in prompt and "critique" in prompt.lower():
        return ("Step 1: 6 \u00d7 7 = 42.\nCorrectness of the step: Correct\nExplanation: right.\n\n"
                "Correctness of the final answer: Correct")
    if "[[correct]]" in prompt:
        return "It checks out. [[correct]]"
    if "next step" in prompt:
        # one step further than the solution so far, the answer at DEPTH
        k = prompt.count("\nStep ") + (1 if prompt.startswith("Step ") else 0) + 1
        if k >= ARGS.depth:
            return "Step %d: 42 + 0 = 42. The answer is 42." % k
        return "Step %d: 6 \u00d7 7 = 42." % k
    return "\n".join(STEPS)


def tag_scores(prompt, model):
    """The top tokens after a step tag, as (token, logprob) pairs."""
    if model == "fault:other-tokens" or (model == "fault:tag2-other" and prompt.count("\u043a\u0438") % 2 == 0):
        return [("The", math.log(0.6)), ("A", math.log(0.3))]
    p = 0.9 if prompt.count("\u043a\u0438") % 2 == 1 else 0.7
    # "+" and "-" share 80% of the mass; a newline has the rest
    rows = [("+", math.log(0.8 * p)), ("-", math.log(0.8 * (1 - p))), ("\n", math.log(0.2))]
    if model == "fault:null-logprob":
        rows.append(("?", None))
    return rows


def scoring(prompt):
    """A logprob PRM's request: the text ends at a step tag."""
    return prompt.rstrip().endswith("\u043a\u0438")


def token_lps(text, i):
    """Each token of sample i: log-probability -0.2 (i + 1), so priors differ."""
    return [(w, -0.2 * (i + 1)) for w in text.split()]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # headers and body go out in two writes; with Nagle on, the second
    # waits for the client's delayed ACK (40 ms and more a request)
    disable_nagle_algorithm = True

    def log_message(self, *a):
        pass

    def setup(self):
        # llama-server: a thread a connection, kept until 5 s idle
        self.timeout = 5 if ARGS.llamacpp else None
        self.held = False
        self.served = 0
        if THREADS:
            THREADS.acquire()
            self.held = True
        super().setup()

    def finish(self):
        try:
            super().finish()
        finally:
            if self.held:
                THREADS.release()

    def end_headers(self):
        self.uncount()
        super().end_headers()
        if ARGS.llamacpp and self.served:
            # the body's write waits for the ACK of the headers' write,
            # which a client delays on a kept-alive connection
            time.sleep(0.04)
        self.served += 1

    def refused_key(self):
        """llama-server --api-key: every route but the public ones wants it."""
        if not ARGS.api_key or self.path in PUBLIC:
            return False
        if self.headers.get("Authorization") == "Bearer " + ARGS.api_key:
            return False
        self.send_json(401, {"error": {"code": 401, "message": "Invalid API Key", "type": "authentication_error"}})
        return True

    def loading(self):
        return ARGS.loading or time.time() < START[0] + ARGS.loading_for

    def send_json(self, code, obj, extra=None):
        data = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def log_request_body(self, body, active=0, running=0):
        """active: POSTs at the server (waiting for a slot or not);
        running: slots busy, this one's included"""
        if ARGS.log:
            with LOCK, open(ARGS.log, "a") as f:
                auth = self.headers.get("Authorization")
                f.write(json.dumps({"path": self.path, "auth": auth, "active": active, "running": running,
                                    "body": body}) + "\n")

    def do_GET(self):
        if self.refused_key():
            return
        if self.path == "/health":
            if self.loading():
                self.send_json(503, {"error": {"code": 503, "message": "Loading model", "type": "unavailable_error"}})
            else:
                self.send_json(200, {"status": "ok"})
        elif self.path == "/props" and ARGS.slots:
            self.send_json(200, {"total_slots": ARGS.slots, "model_alias": "fake",
                                 "default_generation_settings": {"id": 0, "n_ctx": ARGS.n_ctx}})
        elif self.path.endswith("/models"):
            self.send_json(200, {"data": [{"id": "ok"}]})
        else:
            self.send_json(404, {"error": {"message": "no route " + self.path}})

    def do_POST(self):
        with LOCK:
            ACTIVE[0] += 1
            active = ACTIVE[0]
        self.counted = True
        try:
            self.post(active)
        finally:
            self.uncount()

    def uncount(self):
        # done before the body goes out: a client that has the whole reply
        # may send its next request before this thread runs again
        if getattr(self, "counted", False):
            self.counted = False
            with LOCK:
                ACTIVE[0] -= 1

    def post(self, active):
        n = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(n)
        if self.refused_key():
            return
        if self.loading():
            return self.send_json(503, {"error": {"code": 503, "message": "Loading model", "type": "unavailable_error"}})
        try:
            body = json.loads(raw)
        except ValueError:
            self.send_json(400, {"error": {"message": "request body is not JSON"}})
            return
        model = body.get("model", "ok")
        slot = body.get("id_slot", -1)
        if ARGS.slots and isinstance(slot, int) and slot >= ARGS.slots:
            # llama-server defers a task for a slot it does not have, for ever
            self.log_request_body(body, active)
            time.sleep(ARGS.lifetime)
            return
        held = self.take_slot(body)
        try:
            self.log_request_body(body, active, RUNNING[0])
            if model == "fault:kv-full" and active > 2:
                return self.send_json(500, {"error": KV_FULL})
            if ARGS.latency_ms:
                # a modelled server: a fixed cost a request plus a cost a token
                time.sleep((ARGS.latency_ms + ARGS.per_token_ms * 12) / 1000.0)
            self.route(body, model)
        finally:
            self.give_slot(held)

    def take_slot(self, body):
        """llama-server: a task runs on a slot, the one id_slot names (it
        waits for that one) or any free one; the others wait their turn."""
        if not ARGS.slots or self.path not in ("/completion", "/v1/completions", "/v1/chat/completions"):
            return None
        want = body.get("id_slot", -1)
        if isinstance(want, int) and 0 <= want < ARGS.slots:
            SLOTS[want].acquire()
            got = want
        else:
            got = None
            while got is None:
                for i, lock in enumerate(SLOTS):
                    if lock.acquire(blocking=False):
                        got = i
                        break
                else:
                    time.sleep(0.001)
        with LOCK:
            RUNNING[0] += 1
        return got

    def give_slot(self, held):
        if held is not None:
            with LOCK:
                RUNNING[0] -= 1
            SLOTS[held].release()

    def route(self, body, model):
        if self.path in ("/v1/chat/completions", "/v1/completions"):
            self.completion(body, model, chat=self.path.endswith("chat/completions"))
        elif self.path == "/pooling":
            self.pooling(body)
        elif self.path == "/apply-template" and ARGS.llamacpp:
            # the tiny model's template: ChatML
            text = "".join("<|im_start|>%s\n%s<|im_end|>\n" % (m["role"], m["content"]) for m in body["messages"])
            self.send_json(200, {"prompt": text + "<|im_start|>assistant\n"})
        elif self.path in ("/completion", "/api/generate"):
            self.native(body, model, ollama=self.path == "/api/generate")
        else:
            self.send_json(404, {"error": {"message": "no route " + self.path}})

    def native(self, body, model, ollama):
        """llama.cpp's /completion or Ollama's /api/generate."""
        fault = model[6:] if model.startswith("fault:") else ""
        if ollama and fault == "404":
            return self.send_json(404, {"error": "model '%s' not found, try pulling it first" % model})
        wants = body.get("n_probs") or body.get("logprobs")
        if wants and scoring(body.get("prompt", "")) and fault != "no-logprobs":
            top = tag_scores(body.get("prompt", ""), model)
            if ollama:
                rows = [{"token": t, "logprob": lp} for t, lp in top]
                return self.send_json(200, {"model": model, "response": top[0][0], "done": True,
                                            "logprobs": [{"token": top[0][0], "logprob": top[0][1],
                                                          "top_logprobs": rows}]})
            # llama.cpp spells tokens with their leading space
            rows = [{"id": i, "token": " " + t, "logprob": lp, "bytes": list((" " + t).encode())}
                    for i, (t, lp) in enumerate(top)]
            return self.send_json(200, dict({"content": top[0][0], "stop": True, "tokens_predicted": 1,
                                             "tokens_evaluated": 40,
                                             "completion_probabilities": [dict(rows[0], top_logprobs=rows)]},
                                            **self.cut(body.get("prompt", ""))))
        text = reply_text(body, 0)
        key, end = ("response", "done") if ollama else ("content", "stop")
        usage = ({"eval_count": 12, "prompt_eval_count": 50} if ollama
                 else {"tokens_predicted": 12, "tokens_evaluated": 50})
        if fault == "absurd":
            # numbers no integer holds: canopy must clamp, not cast
            usage = ({"eval_count": 1e300, "prompt_eval_count": -1e300} if ollama
                     else {"tokens_predicted": 1e300, "tokens_evaluated": -1e300})
        def with_lps(obj, i):
            # the generated tokens' log-probabilities, when asked for
            if not wants or fault == "no-logprobs":
                return obj
            rows = [{"token": w, "logprob": lp} for w, lp in token_lps(text, i)]
            return dict(obj, **({"logprobs": rows} if ollama else {"completion_probabilities": rows}))
        if not body.get("stream"):
            obj = {key: text, end: True}
            obj.update(usage)
            if not ollama:
                obj.update(self.cut(body.get("prompt", "")))
            n = int(body.get("n_cmpl", 1) or 1)
            if not ollama and n > 1 and fault != "no-ncmpl":
                # llama.cpp's n_cmpl: an array, one completion an index
                return self.send_json(200, [with_lps(dict(obj, index=1e20 if fault == "absurd" else i), i)
                                            for i in range(n)])
            return self.send_json(200, with_lps(obj, 0))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson" if ollama else "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        half = len(text) // 2
        chunks = [{key: text[:half], end: False}, {key: text[half:], end: False}]
        if wants and fault != "no-logprobs":
            for ch in chunks:
                rows = [{"token": w, "logprob": lp} for w, lp in token_lps(ch[key], 0)]
                ch["logprobs" if ollama else "completion_probabilities"] = rows
        if fault == "error-stream" and not ollama:
            out = "data: " + json.dumps(chunks[0]) + "\n\n" + "error: " + json.dumps({"message": "slot crashed"}) + "\n\n"
        else:
            last = {key: "", end: True}
            last.update(usage)
            if fault != "truncated":
                chunks.append(last)
            if ollama:
                out = "".join(json.dumps(c) + "\n" for c in chunks)
            else:
                out = "".join("data: " + json.dumps(c) + "\n\n" for c in chunks)
        data = out.encode()
        try:
            if fault == "split":
                for b in data:
                    self.wfile.write(bytes([b]))
                    self.wfile.flush()
            else:
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True

    def cut(self, prompt):
        """llama.cpp cuts a prompt longer than a slot's context, and says so."""
        if ARGS.slots and ARGS.n_ctx and len(prompt.encode()) / 4 > ARGS.n_ctx:
            return {"truncated": True, "tokens_evaluated": ARGS.n_ctx - 4}
        return {"truncated": False} if ARGS.llamacpp else {}

    def pooling(self, body):
        text = body.get("input", "")
        steps = text.count("<extra_0>")
        rows = [[0.1, 0.9] if i % 2 == 0 else [0.3, 0.7] for i in range(steps)]
        self.send_json(200, {"data": [{"index": 0, "data": rows}]})

    def completion(self, body, model, chat):
        fault = model[6:] if model.startswith("fault:") else ""
        k = count(model)
        if fault == "429" and k == 1:
            return self.send_json(429, {"error": {"message": "slow down"}}, {"Retry-After": "1"})
        if fault == "429ms" and k == 1:
            return self.send_json(429, {"error": {"message": "slow down"}}, {"retry-after-ms": "200"})
        if fault == "500" and k <= 2:
            return self.send_json(500, {"error": {"message": "overloaded"}})
        if fault == "404":
            return self.send_json(404, {"error": {"message": "model '%s' not found" % model, "type": "NotFoundError"}})
        if fault == "down":
            return self.send_json(503, {"error": {"message": "the server is unavailable"}})
        if fault == "401":
            return self.send_json(401, {"error": {"message": "invalid api key"}})
        if fault == "flat-error":
            return self.send_json(200, {"object": "error", "message": "The model does not exist."})
        if (ARGS.llamacpp or fault in ("n-500", "n-500-flaky")) and int(body.get("n", 1) or 1) > 1:
            return self.send_json(500, {"error": {"code": 500, "type": "server_error",
                                                  "message": "Only one completion choice is allowed"}})
        if fault == "escape-error":
            return self.send_json(400, {"error": {"message": "bad \x1b]0;pwned\x07 request\x1b[2J"}})
        if fault == "slow":
            time.sleep(2)
        if not chat and body.get("logprobs") and scoring(body.get("prompt", "")) and fault != "no-logprobs":
            pairs = tag_scores(body.get("prompt", ""), model)
            lps = {"tokens": ["+"], "token_logprobs": [-0.1], "top_logprobs": [dict(pairs)]}
            if ARGS.llamacpp:
                # llama.cpp's /v1: each generated token with its top_logprobs
                rows = [{"id": i, "token": t, "bytes": list(t.encode()), "logprob": lp}
                        for i, (t, lp) in enumerate(pairs)]
                lps = {"content": [dict(rows[0], top_logprobs=rows)]}
            return self.send_json(200, {"choices": [{"index": 0, "text": "+", "finish_reason": "length",
                                                     "logprobs": lps}],
                                        "usage": {"prompt_tokens": 40, "completion_tokens": 1, "total_tokens": 41}})
        n = int(body.get("n", 1) or 1)
        texts = [reply_text(body, i) for i in range(n)]
        if fault == "many-choices":
            texts = texts[:1] * 5000
        if fault == "escapes":
            texts = ["Step 1: 6 \u00d7 7 = 42.\x1b]0;pwned\x07\x1b[2J The answer is 42\x1b[31m."] * len(texts)
        if fault == "huge":
            texts = ["Step 1: " + "x" * (3 << 20) + " The answer is 1."]
        if fault == "bad-utf8":
            texts = [t + " \udcff" for t in texts]
        usage = {"prompt_tokens": 50, "completion_tokens": 12 * n, "total_tokens": 50 + 12 * n}
        if fault == "absurd":
            usage = {"prompt_tokens": 1e300, "completion_tokens": -1e300, "total_tokens": 1e300}
        if body.get("stream"):
            return self.stream(texts, chat, fault, model, body.get("logprobs"))
        if fault == "bad-json" or (fault == "n-500-flaky" and k % 3 == 0):
            data = b'{"choices": [{"message": {"content": "Step 1'
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            return self.wfile.write(data)
        if fault == "reset":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b'{"choices": [')
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault == "empty":
            return self.send_json(200, {"choices": [], "usage": usage})
        if chat:
            choices = [{"index": 1e20 if fault == "absurd" else i,
                        "message": {"role": "assistant", "content": t}, "finish_reason": "stop"}
                       for i, t in enumerate(texts)]
        else:
            choices = [{"index": i, "text": t, "finish_reason": "stop"} for i, t in enumerate(texts)]
        if body.get("logprobs") and fault != "no-logprobs":
            for i, (ch, t) in enumerate(zip(choices, texts)):
                lps = token_lps(t, i)
                ch["logprobs"] = ({"content": [{"token": w, "logprob": lp} for w, lp in lps]} if chat else
                                  {"tokens": [w for w, _ in lps], "token_logprobs": [lp for _, lp in lps]})
        data = json.dumps({"id": "x", "object": "chat.completion", "choices": choices, "usage": usage},
                          ensure_ascii=False).encode("utf-8", "surrogateescape")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def stream(self, texts, chat, fault, model, lps=False):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        eol = "\r\n" if fault == "crlf" else "\n"
        out = []
        for i, t in enumerate(texts):
            half = len(t) // 2
            for part in (t[:half], t[half:]):
                if chat:
                    ch = {"index": i, "delta": {"content": part}}
                else:
                    ch = {"index": i, "text": part}
                if lps and fault != "no-logprobs":
                    rows = token_lps(part, i)
                    ch["logprobs"] = ({"content": [{"token": w, "logprob": lp} for w, lp in rows]} if chat else
                                      {"tokens": [w for w, _ in rows], "token_logprobs": [lp for _, lp in rows]})
                out.append("data: " + json.dumps({"choices": [ch]}) + eol + eol)
                if fault == "crlf":
                    out.append(": ping" + eol + eol)
            if fault == "error-stream" and i == 0:
                out.append("data: " + json.dumps({"error": {"message": "the model crashed"}}) + eol + eol)
        out.append("data: " + json.dumps({"choices": [], "usage": {"prompt_tokens": 50, "completion_tokens": 12}}) + eol + eol)
        if fault != "truncated":
            out.append("data: [DONE]" + eol + eol)
        data = "".join(out).encode()
        try:
            if fault in ("split", "trickle"):
                for b in data:
                    self.wfile.write(bytes([b]))
                    self.wfile.flush()
                    if fault == "trickle":
                        time.sleep(0.01)
            elif fault == "reset":
                # half the stream, then a TCP reset
                self.wfile.write(data[:len(data) // 2])
                self.wfile.flush()
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
                return
            elif fault == "stall":
                first = out[0].encode()
                self.wfile.write(first)
                self.wfile.flush()
                time.sleep(10)
                self.wfile.write(data[len(first):])
            else:
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # many requests at once is the point

    def handle_error(self, request, client_address):
        pass  # canopy cancelling a request is not news


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log")
    ap.add_argument("--lifetime", type=float, default=300)
    ap.add_argument("--loading", action="store_true", help="/health answers 503")
    ap.add_argument("--loading-for", type=float, default=0, help="/health answers 503 for this many seconds")
    ap.add_argument("--latency-ms", type=float, default=0, help="added to every POST")
    ap.add_argument("--per-token-ms", type=float, default=0, help="times 12 tokens, added too")
    ap.add_argument("--depth", type=int, default=2, help="the step that states the answer")
    ap.add_argument("--slots", type=int, default=0, help="GET /props says this many (0: no /props)")
    ap.add_argument("--n-ctx", type=int, default=4096, help="each slot's context, in tokens (with --slots)")
    ap.add_argument("--llamacpp", action="store_true", help="answer as llama-server does (see above)")
    ap.add_argument("--http-threads", type=int, default=0, help="connections served at once (0: any)")
    ap.add_argument("--api-key", help="every route but /health and /models wants it")
    ap.add_argument("--port", type=int, default=0, help="listen here (a restart on the same port)")
    ARGS = ap.parse_args()
    global THREADS, SLOTS
    SLOTS = [threading.Lock() for _ in range(ARGS.slots)]
    if ARGS.http_threads:
        THREADS = threading.Semaphore(ARGS.http_threads)
    srv = Server(("127.0.0.1", ARGS.port), Handler)
    with open(ARGS.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(ARGS.port_file + ".tmp", ARGS.port_file)
    # never outlive the test that started it
    threading.Timer(ARGS.lifetime, lambda: os._exit(0)).start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
