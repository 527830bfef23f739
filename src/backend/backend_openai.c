/* backend_openai: requests built as the server's dialect wants them,
 * split into calls (n samples, one a step for a logprob PRM), queued in
 * canopy while a llama.cpp server has no free slot and pinned to the slot
 * that holds their prompt, and completed as a whole once every call of
 * theirs has come back.  Replies are read in openai_reply.c. */
#include "openai_int.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "prompt.h"

uint64_t oa_prefix_key(const struct request *r, size_t upto)
{
	uint64_t h = hash_str(0x9e3779b97f4a7c15ull, r->problem ? r->problem : "");
	for (size_t i = 0; i < upto; i++)
		h = hash_str(hash_u64(h, i), r->steps[i]);
	return h ? h : 1;
}

static int cache_get(const struct lp_cache *c, uint64_t k, double *v)
{
	if (!c->cap)
		return 0;
	for (size_t i = k & (c->cap - 1);; i = (i + 1) & (c->cap - 1)) {
		if (!c->keys[i])
			return 0;
		if (c->keys[i] == k) {
			*v = c->vals[i];
			return 1;
		}
	}
}

void oa_cache_put(struct lp_cache *c, uint64_t k, double v)
{
	if (c->n * 2 >= c->cap) {
		if (c->cap >= (1u << 22)) {
			/* bounded: start over rather than grow without end */
			memset(c->keys, 0, c->cap * sizeof *c->keys);
			c->n = 0;
		} else {
			struct lp_cache big = {xcalloc(c->cap ? c->cap * 2 : 1024, sizeof(uint64_t)),
					       xcalloc(c->cap ? c->cap * 2 : 1024, sizeof(double)),
					       c->cap ? c->cap * 2 : 1024, 0};
			for (size_t i = 0; i < c->cap; i++)
				if (c->keys[i])
					oa_cache_put(&big, c->keys[i], c->vals[i]);
			free(c->keys);
			free(c->vals);
			*c = big;
		}
	}
	size_t i = k & (c->cap - 1);
	while (c->keys[i] && c->keys[i] != k)
		i = (i + 1) & (c->cap - 1);
	c->n += !c->keys[i];
	c->keys[i] = k;
	c->vals[i] = v;
}

/* ---- building ---- */

/* What may be generated within a slot's context of n_ctx tokens after
 * the prompt, so that the server has no cause to cut it: the prompt's
 * tokens estimated at 3 bytes each (math and code run shorter than
 * prose's 4), and never below 32, so a prompt too long still gets an
 * answer the server says was cut (journaled, shown). */
static int fit_context(int max_tokens, const char *sys, const char *user, int n_ctx)
{
	if (n_ctx <= 0)
		return max_tokens;
	long est = (long)((strlen(sys ? sys : "") + strlen(user ? user : "")) / 3) + 8;
	long room = (long)n_ctx - est;
	if (room < 32)
		room = 32;
	return max_tokens > 0 && max_tokens < room ? max_tokens : (int)room;
}

static char *make_body(struct oa_backend *be, const struct request *r, int n, int sample_offset, int slot,
		       int n_ctx, int tmpl_base)
{
	struct strbuf sys, user;
	sb_init(&sys);
	sb_init(&user);
	const char *const *stop = prompt_build(r, &sys, &user);
	cJSON *b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "model", be->model);
	if (be->pooling) {
		/* the solution with a step tag after each step */
		struct strbuf in;
		sb_init(&in);
		sb_printf(&in, "%s\n", r->problem);
		for (size_t i = 0; i < r->nsteps; i++)
			sb_printf(&in, "%s <extra_0>", r->steps[i]);
		cJSON_AddStringToObject(b, "input", in.s ? in.s : "");
		cJSON_AddStringToObject(b, "task", "token_classify");
		sb_free(&in);
	} else if (be->c.dialect->native) {
		struct strbuf p;
		sb_init(&p);
		const char *const *t = be->c.chat && tmpl_base >= 0 ? srv_template(be->srv[tmpl_base]) : NULL;
		if (t) /* the model's chat template, as the server gave it */
			sb_printf(&p, "%s%s%s%s%s", t[0], sys.s, t[1], user.s, t[2]);
		else
			sb_printf(&p, "%s\n\n%s\n\n", sys.s, user.s);
		cJSON_AddStringToObject(b, "prompt", p.s);
		sb_free(&p);
	} else if (be->c.chat) {
		cJSON *msgs = cJSON_AddArrayToObject(b, "messages");
		cJSON *m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "role", "system");
		cJSON_AddStringToObject(m, "content", sys.s);
		cJSON_AddItemToArray(msgs, m);
		m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "role", "user");
		cJSON_AddStringToObject(m, "content", user.s);
		cJSON_AddItemToArray(msgs, m);
	} else {
		struct strbuf p;
		sb_init(&p);
		sb_printf(&p, "%s\n\n%s\n\n", sys.s, user.s);
		cJSON_AddStringToObject(b, "prompt", p.s);
		sb_free(&p);
	}
	if (!be->pooling) {
		struct dialect_gen g = {
			.r = r,
			.system = sys.s,
			.user = user.s,
			.stop = stop,
			.chat = be->c.chat,
			.n = n,
			.max_tokens = fit_context(r->max_tokens, sys.s, user.s, n_ctx),
			.sample_offset = sample_offset,
			.slot = slot,
			.stream = be->c.stream,
			.judging = r->kind == REQ_PRM || r->kind == REQ_ORM,
		};
		be->c.dialect->generate(b, &g);
	}
	char *out = cJSON_PrintUnformatted(b);
	cJSON_Delete(b);
	sb_free(&sys);
	sb_free(&user);
	return out;
}

/* A logprob score: the text up to a step tag, one token asked for, and
 * the top tokens' log-probabilities wanted back.  Always a raw completion
 * (a chat template would put words between the tag and the answer). */
static char *logprob_body(struct oa_backend *be, const struct request *r, int upto, int slot)
{
	struct strbuf text;
	sb_init(&text);
	prompt_build_logprob(r, (size_t)upto, &text);
	cJSON *b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "model", be->model);
	cJSON_AddStringToObject(b, "prompt", text.s);
	be->c.dialect->score(b, slot);
	char *out = cJSON_PrintUnformatted(b);
	cJSON_Delete(b);
	sb_free(&text);
	return out;
}

/* ---- calls ---- */

/* What a slot's KV cache would hold of this call's prompt: the template
 * and problem, then each step the prompt shows. */
static size_t prefix_chain(const struct oa_call *c, uint64_t *chain, size_t cap)
{
	const struct request *r = c->r;
	size_t steps = c->be->logprob ? (size_t)c->upto : r->nsteps;
	enum prompt_id id = c->be->logprob ? PROMPT_PRM_LOGPROB : prompt_for(r);
	uint64_t h = hash_str(hash_u64(0x5bd1e995u, (uint64_t)id), r->problem ? r->problem : "");
	size_t n = 0;
	chain[n++] = h;
	for (size_t i = 0; i < steps && n < cap; i++)
		chain[n++] = h = hash_str(h, r->steps[i]);
	return n;
}

/* The call's chain, hashed once: pump asks for it of every waiting call
 * each time it starts one, and the prompt does not change. */
static const uint64_t *call_chain(struct oa_call *c, size_t *len)
{
	if (!c->chain_len)
		c->chain_len = prefix_chain(c, c->chain, sizeof c->chain / sizeof *c->chain);
	*len = c->chain_len;
	return c->chain;
}

static char *call_body(struct oa_backend *be, const struct oa_call *c)
{
	const struct request *r = c->r;
	return be->logprob ? logprob_body(be, r, c->upto, c->slot)
			   : make_body(be, r, c->nsamples, (int)r->sample_offset + c->first_sample, c->slot,
				       srv_props(be->srv[c->base]).n_ctx, c->base);
}

/* What a llama.cpp server says when its KV cache cannot hold what all
 * its slots were given: asking again at once collides again. */
static int kv_full(const char *body)
{
	return body && (strstr(body, "too big compared to KV size") || strstr(body, "KV cache is full"));
}

/* Reads the server's props again: after it could not be reached (it may
 * have been restarted with fewer slots), and before the first call after
 * a quiet spell (it may have been restarted meanwhile).  A call pinned to
 * a slot the server no longer has is sent unpinned: pinned, it would
 * wait for that slot until the timeout. */
static void reprobe(struct oa_backend *be, int base)
{
	struct srv_props p;
	char why[300];
	if (!be->c.dialect->props || be->pooling)
		return;
	if (!server_props(be->c.dialect, be->bases[base], &be->c.http, be->key, 2, &p, why, sizeof why) &&
	    p.status == 200 && p.slots > 0)
		srv_set_props(be->srv[base], &p);
}

static int call_give_up(void *ctx)
{
	struct oa_call *c = ctx;
	/* canopy backs off itself, with fewer calls at once (oa_poll) */
	return c->h.status >= 500 && kv_full(c->h.response.s);
}

/* Just before a call that could not reach its server is sent again (not
 * when it failed: the server may come back in between). */
static void call_before_retry(void *ctx)
{
	struct oa_call *c = ctx;
	struct oa_backend *be = c->be;
	if (!c->h.transport)
		return;
	reprobe(be, c->base);
	if (c->slot >= 0 && !srv_slot_ok(be->srv[c->base], c->slot)) {
		c->slot = -1;
		free(c->body);
		c->h.body = c->body = call_body(be, c);
	}
}

/* Sends a waiting call: to the least loaded server with room (ties to the
 * first), to the slot that holds most of its prompt.  Room is the
 * server's, shared with every other backend sending there (server_table). */
static int call_start(struct oa_backend *be, struct oa_call *c)
{
	if (be->base.max_calls > 0 && be->out >= be->base.max_calls)
		return -1; /* --max-inflight: calls at the servers, not requests */
	size_t len;
	const uint64_t *chain = call_chain(c, &len);
	int order[BACKEND_MAX_URLS], loads[BACKEND_MAX_URLS];
	for (int i = 0; i < be->nbases; i++) {
		loads[i] = srv_load(be->srv[i]);
		int j = i;
		while (j > 0 && loads[order[j - 1]] > loads[i]) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
	int pick = -1, slot = -1;
	for (int k = 0; k < be->nbases && pick < 0; k++) {
		if (srv_quiet(be->srv[order[k]], 2.0))
			reprobe(be, order[k]);
		if (srv_take(be->srv[order[k]], c->nsamples, chain, len, &slot, be->pool))
			pick = order[k];
	}
	if (pick < 0)
		return -1; /* every server is busy: it waits here */
	c->queued = 0;
	c->base = pick;
	c->slot = slot;
	be->out++;
	const char *route = be->pooling	   ? "/pooling"
			    : be->logprob  ? be->c.dialect->route_score
			    : be->c.chat   ? be->c.dialect->route_chat
					   : be->c.dialect->route_text;
	snprintf(c->url, sizeof c->url, "%s%s", be->bases[pick], route);
	snprintf(c->shown, sizeof c->shown, "%s%s", be->shown_bases[pick], route);
	c->h.shown_url = c->shown;
	if (c->nsamples > 1)
		c->h.final_bodies = be->c.dialect->n_refusals;
	c->body = call_body(be, c);
	c->headers[0] = be->auth;
	/* llama.cpp's HTTP library sends a reply in two writes without
	 * TCP_NODELAY: on a kept-alive connection the second waits for our
	 * delayed ACK, 40 ms a request (measured: 50 ms against 2 ms on a new
	 * connection, tests/bench/bench_llama.sh); and it holds a thread per
	 * idle connection for 5 s.  So it gets a new connection a call. */
	c->h.fresh = (srv_props(be->srv[pick]).llama || be->c.dialect == &dialect_llamacpp) &&
		     !strncmp(c->url, "http:", 5);
	c->h.give_up = call_give_up;
	c->h.before_retry = call_before_retry;
	c->h.url = c->url;
	c->h.body = c->body;
	c->h.headers = c->headers;
	c->h.ctx = c;
	if (be->c.stream && !be->pooling && !be->logprob) {
		sse_init(&c->sse, oa_on_sse, c);
		c->h.on_data = oa_on_stream_data;
		c->h.on_reset = oa_on_stream_reset;
	}
	http_start(be->pool, &c->h);
	return 0;
}

/* How well a waiting call would use a free slot now (slots_affinity):
 * the best over the servers; 0 for a call of several samples or servers
 * without slots (then only age decides). */
static long affinity(struct oa_backend *be, struct oa_call *c, int slotted)
{
	if (!slotted || c->nsamples != 1)
		return 0;
	size_t len;
	const uint64_t *chain = call_chain(c, &len);
	long best = LONG_MIN;
	for (int i = 0; i < be->nbases; i++) {
		long a = srv_affinity(be->srv[i], chain, len);
		if (a > best)
			best = a;
	}
	return best == LONG_MIN ? 0 : best;
}

/* Starts waiting calls while a server has room: the one whose prompt a
 * free slot holds most of (and no busy slot holds more of) first, the
 * oldest among equals.  So the samples of one prompt follow each other
 * on the slot that holds it, while other prompts take the other slots,
 * instead of one prompt being evaluated afresh on every slot at once. */
static void pump(struct oa_backend *be)
{
	int slotted = 0;
	for (int i = 0; i < be->nbases; i++)
		slotted |= srv_has_slots(be->srv[i]);
	for (;;) {
		struct oa_call *pick = NULL;
		long best = 0;
		double now = util_now();
		for (struct oa_call *c = be->calls; c; c = c->next) {
			if (!c->queued || c->not_before > now)
				continue;
			long a = affinity(be, c, slotted);
			if (!pick || a > best || (a == best && c->seq < pick->seq)) {
				pick = c;
				best = a;
			}
		}
		if (!pick || call_start(be, pick))
			return;
	}
}

struct oa_call *oa_call_new(struct oa_backend *be, struct request *r, int first, int n)
{
	struct oa_call *c = xcalloc(1, sizeof *c);
	c->be = be;
	c->r = r;
	c->first_sample = first;
	c->nsamples = n;
	c->upto = first; /* a logprob call is asked with first = the steps it covers */
	c->texts = xcalloc((size_t)n, sizeof *c->texts);
	c->lp_sum = xcalloc((size_t)n, sizeof *c->lp_sum);
	c->lp_n = xcalloc((size_t)n, sizeof *c->lp_n);
	c->queued = 1;
	c->seq = ++be->seq;
	c->slot = -1;
	c->next = be->calls;
	be->calls = c;
	return c;
}

/* Gives back what call_start took: the call waits in the queue again. */
static void call_unstart(struct oa_call *c)
{
	struct oa_backend *be = c->be;
	if (c->queued)
		return;
	srv_give(be->srv[c->base], c->nsamples, c->slot);
	be->out--;
	http_req_clear(&c->h);
	memset(&c->h, 0, sizeof c->h);
	if (be->c.stream && !be->pooling && !be->logprob)
		sse_free(&c->sse);
	for (int i = 0; i < c->nsamples; i++)
		sb_reset(&c->texts[i]);
	free(c->body);
	c->body = NULL;
	c->stream_error[0] = '\0';
	c->queued = 1;
	c->slot = -1;
}

static void call_free(struct oa_call *c)
{
	call_unstart(c);
	for (int i = 0; i < c->nsamples; i++)
		sb_free(&c->texts[i]);
	sb_free(&c->ndjson);
	free(c->texts);
	free(c->lp_sum);
	free(c->lp_n);
	free(c->body);
	free(c);
}

static void unlink_call(struct oa_backend *be, struct oa_call *c)
{
	for (struct oa_call **p = &be->calls; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			return;
		}
}

/* ---- the vtable ---- */

struct job {
	struct request *r;
	int pending;
	int failed;
};

/* Whether a server of be was found to refuse what f names. */
static int refused(struct oa_backend *be, enum srv_flag f)
{
	for (int i = 0; i < be->nbases; i++)
		if (srv_flags(be->srv[i]) & (int)f)
			return 1;
	return 0;
}

static int oa_submit(struct backend *b, struct request *r)
{
	struct oa_backend *be = (struct oa_backend *)b;
	request_clear_results(r);
	int n = r->kind == REQ_PRM || r->kind == REQ_ORM ? 1 : (r->n > 0 ? r->n : 1);
	r->gen_tokens = r->prompt_tokens = 0;
	r->estimated = 0;
	r->order = 0;
	b->inflight++;
	if (be->logprob) {
		/* one call a step (the ORM: one for the whole solution), each
		 * prefix asked once for the run */
		int orm = r->kind == REQ_ORM, calls = 0;
		size_t k = orm ? 1 : r->nsteps;
		if (r->kind != REQ_PRM && !orm) {
			oa_fail(r, 1, "%s: a logprob scorer only scores (asked for a %s)", be->url, req_kind_name(r->kind));
			k = 0;
		}
		r->nscores = k;
		r->scores = xcalloc(k ? k : 1, sizeof *r->scores);
		for (size_t i = 0; i < k; i++) {
			size_t upto = orm ? r->nsteps : i + 1;
			r->scores[i] = NAN;
			if (!cache_get(&be->cache, oa_prefix_key(r, upto), &r->scores[i])) {
				oa_call_new(be, r, (int)upto, 1);
				calls++;
			}
		}
		if (!calls) {
			if (be->nready == be->cap_ready) {
				be->cap_ready = be->cap_ready ? be->cap_ready * 2 : 16;
				be->ready = xrealloc(be->ready, be->cap_ready * sizeof *be->ready);
			}
			be->ready[be->nready++] = r;
		}
		r->due = calls;
		pump(be);
		return 0;
	}
	int ncmpl = be->c.dialect->ncmpl && !be->c.stream && !refused(be, SRV_NO_NCMPL) && n > 1;
	if (ncmpl) {
		oa_call_new(be, r, 0, n)->ncmpl = 1;
		r->due = 1;
	} else if ((be->no_n || refused(be, SRV_NO_N)) && n > 1) {
		for (int i = 0; i < n; i++)
			oa_call_new(be, r, i, 1);
		r->due = n; /* calls outstanding */
	} else {
		oa_call_new(be, r, 0, n);
		r->due = 1;
	}
	pump(be);
	return 0;
}

static int calls_of(struct oa_backend *be, struct request *r)
{
	int k = 0;
	for (struct oa_call *c = be->calls; c; c = c->next)
		k += c->r == r;
	return k;
}

/* Stops and forgets every call of r, queued or in flight. */
static int drop_calls(struct oa_backend *be, struct request *r)
{
	int had = 0;
	for (struct oa_call *c = be->calls, *next; c; c = next) {
		next = c->next;
		if (c->r != r)
			continue;
		if (!c->queued)
			http_cancel(be->pool, &c->h);
		unlink_call(be, c);
		call_free(c);
		had = 1;
	}
	return had;
}

static void complete(struct oa_backend *be, struct request *r)
{
	if (r->status == REQ_PENDING)
		r->status = REQ_OK;
	for (size_t i = 0; i < r->ntexts; i++)
		r->gen_tokens += r->tokens[i];
	if (r->status == REQ_OK && (r->kind == REQ_PRM || r->kind == REQ_ORM) && !be->pooling && !be->logprob) {
		const char *t = r->ntexts ? r->texts[0] : "";
		if (oa_judge_scores(r, t))
			oa_fail(r, 0, "%s: the judge's reply states no verdict (%s): not scored", be->url,
				r->kind == REQ_ORM ? "neither [[correct]] nor [[wrong]]"
						   : "no 'Correctness of the step: Correct' or 'Wrong'");
	}
	be->base.inflight--;
}

static int oa_poll(struct backend *b, double timeout)
{
	struct oa_backend *be = (struct oa_backend *)b;
	int finished = 0;
	if (be->nready) {
		/* answered without asking: report them before waiting */
		for (size_t i = 0; i < be->nready; i++)
			complete(be, be->ready[i]);
		finished = (int)be->nready;
		be->nready = 0;
		timeout = 0;
	}
	if (!be->calls)
		return finished;
	http_poll(be->pool, timeout);
	for (struct oa_call *c = be->calls, *next; c; c = next) {
		next = c->next;
		if (!c->h.done)
			continue;
		struct request *r = c->r;
		unlink_call(be, c);
		if (r->status == REQ_PENDING) {
			if (c->stream_error[0]) {
				/* the stream said what went wrong; curl only saw us stop */
				oa_fail(r, 0, "%s", c->stream_error);
			} else if (c->h.error[0] && c->h.status == 0) {
				/* no answer at all: the server is down or unreachable */
				char n[32];
				snprintf(n, sizeof n, "%d attempt%s", c->h.attempts, c->h.attempts == 1 ? "" : "s");
				oa_fail(r, 1, "%s (%s)", c->h.error, n);
			} else if (c->h.status < 200 || c->h.status >= 300) {
				char msg[400];
				oa_server_message(c->h.response.s ? c->h.response.s : "", c->h.response.len, msg, sizeof msg);
				if (c->ncmpl && c->h.status == 400) {
					/* a build that refuses n_cmpl: one call a sample */
					srv_set_flag(be->srv[c->base], SRV_NO_NCMPL);
					for (int i = 0; i < c->nsamples; i++)
						oa_call_new(be, r, c->first_sample + i, 1);
					call_free(c);
					continue;
				}
				int refused_n = c->h.status == 400 && c->nsamples > 1 && strstr(msg, "n") &&
						(strstr(msg, " n ") || strstr(msg, "'n'") || strstr(msg, "\"n\"") ||
						 strstr(msg, "choice"));
				/* the dialect's own words, whatever the status */
				for (const char *const *f = be->c.dialect->n_refusals; !refused_n && c->nsamples > 1 && f && *f;
				     f++)
					refused_n = strstr(msg, *f) != NULL;
				if (refused_n) {
					/* the server takes one sample a request: ask n times */
					srv_set_flag(be->srv[c->base], SRV_NO_N);
					for (int i = 0; i < c->nsamples; i++)
						oa_call_new(be, r, c->first_sample + i, 1);
					call_free(c);
					continue;
				}
				if (kv_full(c->h.response.s) && c->kv_tries < be->c.http.retries) {
					/* fewer at once, and this one back in the queue
					 * after a backoff of its own (full jitter), so the
					 * slots' calls do not all come back together */
					srv_kv_full(be->srv[c->base]);
					double cap = fmin(be->c.http.backoff_base * pow(2, c->kv_tries), 8.0);
					c->not_before = util_now() + cap * (0.25 + 0.75 * rng_uniform(&be->rng));
					c->kv_tries++;
					call_unstart(c);
					snprintf(c->h.error, sizeof c->h.error, "%.200s: HTTP 500: %.200s (fewer calls at once: %d)",
						 c->shown, msg, srv_limit(be->srv[c->base]));
					c->next = be->calls;
					be->calls = c;
					continue;
				}
				char head[700];
				snprintf(head, sizeof head, "%s: HTTP %ld", c->shown, c->h.status);
				/* 4xx will not get better by asking again */
				oa_fail(r, c->h.status < 500, "%s%s%s", head, msg[0] ? ": " : "", msg);
			} else if (c->h.error[0]) {
				oa_fail(r, 0, "%s", c->h.error);
			} else {
				oa_parse_reply(c);
				srv_ok(be->srv[c->base]);
			}
			if (c->cut && r->status == REQ_PENDING) {
				int nctx = srv_props(be->srv[c->base]).n_ctx;
				char ctx[64] = "";
				if (nctx)
					snprintf(ctx, sizeof ctx, " of %d tokens a slot", nctx);
				if (r->kind == REQ_PRM || r->kind == REQ_ORM)
					/* a verdict on the end of a prompt is no verdict */
					oa_fail(r, 0,
						"%s: the server cut the prompt to fit its context%s: not scored (give "
						"llama-server a larger -c, or fewer slots)",
						c->shown, ctx);
				else
					request_warn(r,
						     "%s: the server cut the prompt to fit its context%s; the reply "
						     "answers what was left (give llama-server a larger -c)",
						     c->shown, ctx);
			}
			if (c->lp_nulls)
				request_warn(r, "%s: %d token%s came with a null log-probability (skipped)", c->shown,
					     c->lp_nulls, c->lp_nulls == 1 ? "" : "s");
		}
		call_free(c);
		if (r->status != REQ_PENDING && calls_of(be, r)) {
			/* one call failed: the request fails as a whole, and its
			 * other calls are not waited for.  It is only handed back
			 * once none of them can touch it again. */
			drop_calls(be, r);
			next = be->calls; /* the list changed under us */
		}
		if (!calls_of(be, r)) {
			complete(be, r);
			finished++;
		}
	}
	pump(be); /* the room those calls left */
	int waiting = 0;
	double now = util_now();
	for (struct oa_call *c = be->calls; c; c = c->next)
		if ((!c->queued && c->h.waiting) || (c->queued && c->not_before > now)) {
			waiting++;
			if (c->h.error[0])
				snprintf(b->retry_why, sizeof b->retry_why, "%.230s", c->h.error);
		}
	b->retrying = waiting;
	return finished;
}

static void oa_cancel(struct backend *b, struct request *r)
{
	struct oa_backend *be = (struct oa_backend *)b;
	int had = drop_calls(be, r);
	pump(be);
	for (size_t i = 0; i < be->nready; i++)
		if (be->ready[i] == r) {
			be->ready[i] = be->ready[--be->nready];
			had = 1;
			break;
		}
	if (had)
		b->inflight--;
	request_clear_results(r);
	r->status = REQ_CANCELLED;
}

static void oa_destroy(struct backend *b)
{
	struct oa_backend *be = (struct oa_backend *)b;
	while (be->calls) {
		struct oa_call *c = be->calls;
		if (!c->queued)
			http_cancel(be->pool, &c->h);
		unlink_call(be, c);
		call_free(c);
	}
	for (int i = 0; i < be->nbases; i++)
		srv_put(be->srv[i]);
	if (be->own_pool)
		http_pool_free(be->pool);
	free(be->ready);
	free(be->cache.keys);
	free(be->cache.vals);
	if (be->auth) {
		/* do not leave the key lying in freed memory */
		memset(be->auth, 0, strlen(be->auth));
		free(be->auth);
	}
	if (be->key) {
		memset(be->key, 0, strlen(be->key));
		free(be->key);
	}
	for (int i = 0; i < be->nbases; i++) {
		free(be->bases[i]);
		free(be->shown_bases[i]);
	}
	free(be->url);
	free(be->model);
	free(be);
}

static const struct backend_ops oa_ops = {
	.name = "openai",
	.submit = oa_submit,
	.poll = oa_poll,
	.cancel = oa_cancel,
	.destroy = oa_destroy,
};

enum oa_mode { OA_GENERATE, OA_POOLING, OA_LOGPROB };

static struct backend *make(const struct openai_cfg *c, enum oa_mode mode, char *err, size_t errlen)
{
	if (!c->url || strncmp(c->url, "http", 4)) {
		char shown[600];
		url_redact(c->url, shown, sizeof shown);
		snprintf(err, errlen, "--url needs an http:// or https:// address, not '%s'", shown);
		return NULL;
	}
	const struct dialect *d = c->dialect ? c->dialect : &dialect_openai;
	if (!c->model && d->needs_model) {
		snprintf(err, errlen, "--model is needed with this backend (the server's model name)");
		return NULL;
	}
	/* the words to ask with; a caller that did not load them gets the
	 * user's and the installed ones */
	if (!prompts_loaded() && prompts_load(NULL, err, errlen))
		return NULL;
	struct oa_backend *be = xcalloc(1, sizeof *be);
	be->base.ops = &oa_ops;
	be->base.kind = mode == OA_POOLING ? "vllm-prm"
			: mode == OA_LOGPROB ? "logprob-prm"
			: d->name;
	/* native routes take one sample a request: ask n times at once */
	be->no_n = !d->takes_n;
	be->c = *c;
	be->c.dialect = d;
	be->pooling = mode == OA_POOLING;
	be->logprob = mode == OA_LOGPROB;
	if (mode != OA_GENERATE)
		be->c.stream = 0; /* a score is one short reply */
	/* the backend's url is what traces and messages show: without
	 * credentials; the bases below are what is sent */
	char base[600], shown[600];
	server_base_url(c->url, base, sizeof base);
	url_redact(base, shown, sizeof shown);
	be->url = xstrdup(shown);
	be->model = xstrdup(c->model ? c->model : "default");
	int nb = c->nurls > 0 ? c->nurls : 1;
	for (int i = 0; i < nb && i < BACKEND_MAX_URLS; i++) {
		server_base_url(c->nurls > 0 ? c->urls[i] : c->url, base, sizeof base);
		char *b = xstrdup(base);
		/* a llama.cpp server takes as many requests as it has slots:
		 * what its props said is in its entry (servers.c asked) */
		be->srv[be->nbases] = srv_get(b);
		char sb[600];
		url_redact(b, sb, sizeof sb);
		be->shown_bases[be->nbases] = xstrdup(sb);
		be->bases[be->nbases++] = b;
	}
	be->base.url = be->url;
	be->base.model = be->model;
	if (c->api_key) {
		be->key = xstrdup(c->api_key);
		be->auth = api_key_header(be->key);
	}
	rng_seed(&be->rng, (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)be);
	be->own_pool = !c->pool;
	be->pool = c->pool ? c->pool : http_pool_new(&c->http);
	return &be->base;
}

struct backend *backend_openai_new(const struct openai_cfg *c, char *err, size_t errlen)
{
	return make(c, OA_GENERATE, err, errlen);
}

struct backend *backend_vllm_prm_new(const struct openai_cfg *c, char *err, size_t errlen)
{
	return make(c, OA_POOLING, err, errlen);
}

struct backend *backend_logprob_prm_new(const struct openai_cfg *c, char *err, size_t errlen)
{
	return make(c, OA_LOGPROB, err, errlen);
}
