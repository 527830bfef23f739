#include "backend_openai.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <curl/curl.h>

#include "answer.h"
#include "prompt.h"
#include "sim.h"
#include "slots.h"
#include "sse.h"
#include "util.h"

struct oa_backend;

/* One HTTP exchange; a request with n samples is one call, or n calls
 * when the server refuses n. */
struct oa_call {
	struct oa_backend *be;
	struct request *r;
	struct http_req h;
	char *body;
	char url[600];
	const char *headers[3];
	int base; /* which server */
	int first_sample, nsamples;
	int upto; /* a logprob score: the steps it covers (1..nsteps) */
	int queued; /* waiting in canopy for a free slot */
	int ncmpl;  /* llama.cpp: nsamples in one call (n_cmpl) */
	uint64_t seq;
	int slot; /* llama.cpp's id_slot, -1: the server's choice */
	struct strbuf *texts; /* stream: text so far, by choice */
	double *lp_sum;       /* stream: token log-probabilities so far, by choice */
	int *lp_n;
	struct sse sse;
	uint32_t prompt_tokens, gen_tokens;
	int have_usage;
	char stream_error[1024];
	int ended;              /* llama.cpp "stop": true, Ollama "done": true */
	struct strbuf ndjson;   /* Ollama: a line not yet complete */
	struct oa_call *next;
};

/* Scores of prefixes already asked: beam search and REBASE score each
 * path again one step longer, and the steps before are the same text. */
struct lp_cache {
	uint64_t *keys; /* 0: empty */
	double *vals;
	size_t cap, n;
};

static uint64_t prefix_key(const struct request *r, size_t upto)
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

static void cache_put(struct lp_cache *c, uint64_t k, double v)
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
					cache_put(&big, c->keys[i], c->vals[i]);
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

struct oa_backend {
	struct backend base;
	struct openai_cfg c;
	char *url, *model, *key, *auth;
	char *bases[16]; /* the servers, and how many requests each has out */
	int load[16];
	int cap[16];           /* its slots; 0: no limit known */
	struct slots slots[16];
	uint64_t seq;
	int nbases;
	int pooling; /* a vLLM PRM */
	int logprob; /* a Math-Shepherd-style scorer read through logprobs */
	struct lp_cache cache;
	struct request **ready; /* answered from the cache, to report */
	size_t nready, cap_ready;
	int no_n;    /* the server refused n > 1 */
	int no_ncmpl; /* llama.cpp: this build ignores or refuses n_cmpl */
	struct http_pool *pool;
	int own_pool; /* else shared by every server of the run (servers.c) */
	struct oa_call *calls;
};

int api_key_load(const char *file, char **key, char *err, size_t errlen)
{
	*key = NULL;
	if (file) {
		struct stat st;
		if (stat(file, &st)) {
			snprintf(err, errlen, "%s: %s", file, strerror(errno));
			return -1;
		}
		if (st.st_mode & 077) {
			snprintf(err, errlen, "%s: refused: an API key file must be readable by its owner only (chmod 600 %s)",
				 file, file);
			return -1;
		}
		FILE *f = fopen(file, "r");
		if (!f) {
			snprintf(err, errlen, "%s: %s", file, strerror(errno));
			return -1;
		}
		char buf[512] = "";
		if (!fgets(buf, sizeof buf, f))
			buf[0] = '\0';
		fclose(f);
		buf[strcspn(buf, "\r\n")] = '\0';
		if (!buf[0]) {
			snprintf(err, errlen, "%s: the file holds no key", file);
			return -1;
		}
		*key = xstrdup(buf);
		return 0;
	}
	const char *e = getenv("CANOPY_API_KEY");
	if (!e || !*e)
		e = getenv("OPENAI_API_KEY");
	if (e && *e)
		*key = xstrdup(e);
	return 0;
}

/* ---- building ---- */

static char *make_body(struct oa_backend *be, const struct request *r, int n, int sample_offset, int slot)
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
	} else if (be->c.dialect == DIALECT_LLAMACPP || be->c.dialect == DIALECT_OLLAMA) {
		struct strbuf p;
		sb_init(&p);
		sb_printf(&p, "%s\n\n%s\n\n", sys.s, user.s);
		int judging = r->kind == REQ_PRM || r->kind == REQ_ORM;
		cJSON_AddStringToObject(b, "prompt", p.s);
		sb_free(&p);
		cJSON *opt = b;
		if (be->c.dialect == DIALECT_OLLAMA) {
			cJSON_AddBoolToObject(b, "stream", be->c.stream);
			if (r->logprobs)
				cJSON_AddTrueToObject(b, "logprobs");
			opt = cJSON_AddObjectToObject(b, "options");
			cJSON_AddNumberToObject(opt, "num_predict", r->max_tokens);
		} else {
			cJSON_AddNumberToObject(b, "n_predict", r->max_tokens);
			/* requests that share a prefix reuse the server's KV cache */
			cJSON_AddTrueToObject(b, "cache_prompt");
			if (slot >= 0)
				cJSON_AddNumberToObject(b, "id_slot", slot);
			if (n > 1)
				/* several samples of one prompt, sharing its
				 * evaluation, on builds that have it */
				cJSON_AddNumberToObject(b, "n_cmpl", n);
			if (r->logprobs)
				cJSON_AddNumberToObject(b, "n_probs", 1);
			cJSON_AddBoolToObject(b, "stream", be->c.stream);
		}
		cJSON_AddNumberToObject(opt, "temperature", judging ? 0 : r->temperature);
		cJSON_AddNumberToObject(opt, "top_p", r->top_p);
		cJSON_AddNumberToObject(opt, "seed", (double)(hash_u64(r->seed, (uint64_t)sample_offset) >> 33));
		if (stop && !judging) {
			cJSON *st = cJSON_AddArrayToObject(opt, "stop");
			for (; *stop; stop++)
				cJSON_AddItemToArray(st, cJSON_CreateString(*stop));
		}
		(void)n;
		char *out = cJSON_PrintUnformatted(b);
		cJSON_Delete(b);
		sb_free(&sys);
		sb_free(&user);
		return out;
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
		/* scoring by a judge is greedy; generation samples */
		int judging = r->kind == REQ_PRM || r->kind == REQ_ORM;
		cJSON_AddNumberToObject(b, "n", n);
		cJSON_AddNumberToObject(b, "temperature", judging ? 0 : r->temperature);
		cJSON_AddNumberToObject(b, "top_p", r->top_p);
		cJSON_AddNumberToObject(b, "max_tokens", r->max_tokens);
		cJSON_AddNumberToObject(b, "seed", (double)(hash_u64(r->seed, (uint64_t)sample_offset) >> 12));
		if (stop && !judging) {
			cJSON *s = cJSON_AddArrayToObject(b, "stop");
			for (; *stop; stop++)
				cJSON_AddItemToArray(s, cJSON_CreateString(*stop));
		}
		if (r->logprobs) {
			/* how likely each generated token was (PUCT's priors) */
			if (be->c.chat)
				cJSON_AddTrueToObject(b, "logprobs");
			else
				cJSON_AddNumberToObject(b, "logprobs", 1);
		}
		if (be->c.stream) {
			cJSON_AddTrueToObject(b, "stream");
			cJSON *so = cJSON_AddObjectToObject(b, "stream_options");
			cJSON_AddTrueToObject(so, "include_usage");
		}
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
	switch (be->c.dialect) {
	case DIALECT_LLAMACPP:
		cJSON_AddNumberToObject(b, "n_predict", 1);
		cJSON_AddNumberToObject(b, "n_probs", 10);
		/* older servers report probabilities after sampling: at
		 * temperature 1 those are the model's own */
		cJSON_AddNumberToObject(b, "temperature", 1);
		cJSON_AddTrueToObject(b, "cache_prompt");
		if (slot >= 0)
			cJSON_AddNumberToObject(b, "id_slot", slot);
		cJSON_AddFalseToObject(b, "stream");
		break;
	case DIALECT_OLLAMA: {
		cJSON_AddTrueToObject(b, "raw");
		cJSON_AddFalseToObject(b, "stream");
		cJSON_AddTrueToObject(b, "logprobs");
		cJSON_AddNumberToObject(b, "top_logprobs", 10);
		cJSON *opt = cJSON_AddObjectToObject(b, "options");
		cJSON_AddNumberToObject(opt, "num_predict", 1);
		cJSON_AddNumberToObject(opt, "temperature", 0);
		break;
	}
	default:
		cJSON_AddNumberToObject(b, "max_tokens", 1);
		cJSON_AddNumberToObject(b, "temperature", 0);
		cJSON_AddNumberToObject(b, "logprobs", 5); /* OpenAI's limit on completions */
		break;
	}
	char *out = cJSON_PrintUnformatted(b);
	cJSON_Delete(b);
	sb_free(&text);
	return out;
}

/* The mean of the numbers at key in each element of arr (or of arr's
 * numbers when key is NULL), into *sum and *n. */
static void lp_add(const cJSON *arr, const char *key, double *sum, int *n)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, arr) {
		const cJSON *v = key ? cJSON_GetObjectItemCaseSensitive(e, key) : e;
		if (cJSON_IsNumber(v) && isfinite(v->valuedouble)) {
			*sum += v->valuedouble;
			(*n)++;
		}
	}
}

/* A generated text's token log-probabilities, wherever the dialect puts
 * them: a chat choice's logprobs.content[].logprob, a completion choice's
 * logprobs.token_logprobs[], llama.cpp's completion_probabilities[].logprob,
 * Ollama's logprobs[].logprob. */
static void lp_of(const cJSON *obj, double *sum, int *n)
{
	const cJSON *lp = cJSON_GetObjectItemCaseSensitive(obj, "logprobs");
	if (cJSON_IsObject(lp)) {
		lp_add(cJSON_GetObjectItemCaseSensitive(lp, "content"), "logprob", sum, n);
		lp_add(cJSON_GetObjectItemCaseSensitive(lp, "token_logprobs"), NULL, sum, n);
	} else if (cJSON_IsArray(lp)) {
		lp_add(lp, "logprob", sum, n);
	}
	lp_add(cJSON_GetObjectItemCaseSensitive(obj, "completion_probabilities"), "logprob", sum, n);
}

/* ---- streaming ---- */

/* One streamed object of llama.cpp's or Ollama's: text, the end, usage. */
static int native_chunk(struct oa_call *c, cJSON *j)
{
	int ollama = c->be->c.dialect == DIALECT_OLLAMA;
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
	if (e) {
		const cJSON *m = cJSON_IsObject(e) ? cJSON_GetObjectItemCaseSensitive(e, "message") : e;
		snprintf(c->stream_error, sizeof c->stream_error, "%s: the server reported an error mid-stream: %.200s",
			 c->url, cJSON_IsString(m) ? m->valuestring : "(no message)");
		return 1;
	}
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, ollama ? "response" : "content");
	if (cJSON_IsString(t))
		sb_adds(&c->texts[0], t->valuestring);
	lp_of(j, &c->lp_sum[0], &c->lp_n[0]);
	const cJSON *end = cJSON_GetObjectItemCaseSensitive(j, ollama ? "done" : "stop");
	if (cJSON_IsTrue(end)) {
		c->ended = 1;
		const cJSON *gt = cJSON_GetObjectItemCaseSensitive(j, ollama ? "eval_count" : "tokens_predicted");
		const cJSON *pt = cJSON_GetObjectItemCaseSensitive(j, ollama ? "prompt_eval_count" : "tokens_evaluated");
		if (cJSON_IsNumber(gt) && cJSON_IsNumber(pt)) {
			c->gen_tokens = (uint32_t)gt->valuedouble;
			c->prompt_tokens = (uint32_t)pt->valuedouble;
			c->have_usage = 1;
		}
	}
	return 0;
}

static int on_ndjson(struct oa_call *c, const char *p, size_t n)
{
	/* Ollama streams one JSON object a line */
	sb_add(&c->ndjson, p, n);
	char *start = c->ndjson.s;
	char *nl;
	while ((nl = memchr(start, '\n', (size_t)(c->ndjson.s + c->ndjson.len - start)))) {
		size_t l = (size_t)(nl - start);
		if (l) {
			cJSON *j = cJSON_ParseWithLength(start, l);
			if (!j) {
				snprintf(c->stream_error, sizeof c->stream_error, "%s: a streamed line is not JSON", c->url);
				return 1;
			}
			int stop = native_chunk(c, j);
			cJSON_Delete(j);
			if (stop)
				return 1;
		}
		start = nl + 1;
	}
	size_t rest = (size_t)(c->ndjson.s + c->ndjson.len - start);
	memmove(c->ndjson.s, start, rest);
	c->ndjson.len = rest;
	c->ndjson.s[rest] = '\0';
	return 0;
}

static int on_sse(void *ctx, const char *event, const char *data, size_t len)
{
	struct oa_call *c = ctx;
	cJSON *j = cJSON_ParseWithLength(data, len);
	if (j && !strcmp(event, "error")) {
		/* llama.cpp's "error: {...}" line */
		cJSON *wrap = cJSON_CreateObject();
		cJSON_AddItemToObject(wrap, "error", j);
		native_chunk(c, wrap);
		cJSON_Delete(wrap);
		return 1;
	}
	if (j && c->be->c.dialect == DIALECT_LLAMACPP) {
		int stop = native_chunk(c, j);
		cJSON_Delete(j);
		return stop;
	}
	if (!j) {
		snprintf(c->stream_error, sizeof c->stream_error, "%s: a stream event is not JSON", c->url);
		return 1;
	}
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
	if (e) {
		const cJSON *m = cJSON_IsObject(e) ? cJSON_GetObjectItemCaseSensitive(e, "message") : e;
		snprintf(c->stream_error, sizeof c->stream_error, "%s: the server reported an error mid-stream: %.200s",
			 c->url, cJSON_IsString(m) ? m->valuestring : "(no message)");
		cJSON_Delete(j);
		return 1;
	}
	const cJSON *ch;
	cJSON_ArrayForEach(ch, cJSON_GetObjectItemCaseSensitive(j, "choices")) {
		const cJSON *idx = cJSON_GetObjectItemCaseSensitive(ch, "index");
		int i = cJSON_IsNumber(idx) ? (int)idx->valuedouble : 0;
		if (i < 0 || i >= c->nsamples)
			continue;
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(ch, "delta");
		const cJSON *t = d ? cJSON_GetObjectItemCaseSensitive(d, "content")
				   : cJSON_GetObjectItemCaseSensitive(ch, "text");
		if (cJSON_IsString(t))
			sb_adds(&c->texts[i], t->valuestring);
		lp_of(ch, &c->lp_sum[i], &c->lp_n[i]);
	}
	const cJSON *u = cJSON_GetObjectItemCaseSensitive(j, "usage");
	if (cJSON_IsObject(u)) {
		const cJSON *pt = cJSON_GetObjectItemCaseSensitive(u, "prompt_tokens");
		const cJSON *ct = cJSON_GetObjectItemCaseSensitive(u, "completion_tokens");
		if (cJSON_IsNumber(pt) && cJSON_IsNumber(ct)) {
			c->prompt_tokens = (uint32_t)pt->valuedouble;
			c->gen_tokens = (uint32_t)ct->valuedouble;
			c->have_usage = 1;
		}
	}
	cJSON_Delete(j);
	return 0;
}

static int on_stream_data(void *ctx, const char *p, size_t n)
{
	struct oa_call *c = ctx;
	if (c->be->c.dialect == DIALECT_OLLAMA)
		return on_ndjson(c, p, n);
	return sse_feed(&c->sse, p, n) ? 1 : 0;
}

static void on_stream_reset(void *ctx)
{
	struct oa_call *c = ctx;
	sse_free(&c->sse);
	sse_init(&c->sse, on_sse, c);
	for (int i = 0; i < c->nsamples; i++) {
		sb_reset(&c->texts[i]);
		c->lp_sum[i] = 0;
		c->lp_n[i] = 0;
	}
	c->stream_error[0] = '\0';
	c->have_usage = 0;
	c->ended = 0;
	sb_reset(&c->ndjson);
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

/* Sends a waiting call: to the least loaded server with room (ties to the
 * first), to the slot that holds most of its prompt. */
static int call_start(struct oa_backend *be, struct oa_call *c)
{
	int pick = -1;
	for (int i = 0; i < be->nbases; i++) {
		/* load counts samples: an n_cmpl call takes as many slots */
		if (be->cap[i] > 0 && be->load[i] > 0 && be->load[i] + c->nsamples > be->cap[i])
			continue;
		if (pick < 0 || be->load[i] < be->load[pick])
			pick = i;
	}
	if (pick < 0)
		return -1; /* every server is busy: it waits here */
	c->queued = 0;
	c->base = pick;
	be->load[pick] += c->nsamples;
	c->slot = -1;
	if (be->slots[pick].n > 0 && c->nsamples == 1) {
		uint64_t chain[64];
		size_t len = prefix_chain(c, chain, 64);
		c->slot = slots_pick(&be->slots[pick], chain, len);
	}
	struct request *r = c->r;
	const char *route = be->pooling				  ? "/pooling"
			    : be->c.dialect == DIALECT_LLAMACPP ? "/completion"
			    : be->c.dialect == DIALECT_OLLAMA	  ? "/api/generate"
			    : be->c.chat && !be->logprob	  ? "/v1/chat/completions"
								  : "/v1/completions";
	snprintf(c->url, sizeof c->url, "%s%s", be->bases[pick], route);
	c->body = be->logprob ? logprob_body(be, r, c->upto, c->slot)
			      : make_body(be, r, c->nsamples, (int)r->sample_offset + c->first_sample, c->slot);
	c->headers[0] = be->auth;
	c->h.url = c->url;
	c->h.body = c->body;
	c->h.headers = c->headers;
	if (be->c.stream && !be->pooling && !be->logprob) {
		sse_init(&c->sse, on_sse, c);
		c->h.on_data = on_stream_data;
		c->h.on_reset = on_stream_reset;
		c->h.ctx = c;
	}
	http_start(be->pool, &c->h);
	return 0;
}

/* Starts waiting calls, oldest first, while a server has room. */
static void pump(struct oa_backend *be)
{
	for (;;) {
		struct oa_call *oldest = NULL;
		for (struct oa_call *c = be->calls; c; c = c->next)
			if (c->queued && (!oldest || c->seq < oldest->seq))
				oldest = c;
		if (!oldest || call_start(be, oldest))
			return;
	}
}

static struct oa_call *call_new(struct oa_backend *be, struct request *r, int first, int n)
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

static void call_free(struct oa_call *c)
{
	struct oa_backend *be = c->be;
	if (!c->queued) {
		be->load[c->base] -= c->nsamples;
		slots_release(&be->slots[c->base], c->slot);
		http_req_clear(&c->h);
		if (be->c.stream && !be->pooling && !be->logprob)
			sse_free(&c->sse);
	}
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

static void fail(struct request *r, int fatal, const char *fmt, const char *a, const char *b)
{
	char msg[1600];
	snprintf(msg, sizeof msg, fmt, a, b);
	free(r->error);
	r->error = xstrdup(msg);
	r->status = REQ_FAILED;
	r->fatal = fatal;
}

/* The server's own message from an error body, whatever its shape. */
static void server_message(const char *body, size_t len, char *out, size_t outlen)
{
	out[0] = '\0';
	cJSON *j = cJSON_ParseWithLength(body, len);
	const cJSON *e = j ? cJSON_GetObjectItemCaseSensitive(j, "error") : NULL;
	const cJSON *m = NULL;
	if (cJSON_IsObject(e))
		m = cJSON_GetObjectItemCaseSensitive(e, "message");
	else if (cJSON_IsString(e))
		m = e; /* Ollama */
	else if (j)
		m = cJSON_GetObjectItemCaseSensitive(j, "message"); /* old vLLM */
	if (cJSON_IsString(m))
		snprintf(out, outlen, "%.300s", m->valuestring);
	else if (len)
		snprintf(out, outlen, "%.*s", (int)(len < 200 ? len : 200), body);
	cJSON_Delete(j);
}

static void add_text_lp(struct request *r, const char *t, uint32_t tokens, double lp_sum, int lp_n)
{
	r->texts = xrealloc(r->texts, (r->ntexts + 1) * sizeof *r->texts);
	r->tokens = xrealloc(r->tokens, (r->ntexts + 1) * sizeof *r->tokens);
	if (r->logprobs) {
		/* unknown (NAN) when the server gave none */
		r->lps = xrealloc(r->lps, (r->ntexts + 1) * sizeof *r->lps);
		r->lps[r->ntexts] = lp_n ? lp_sum / lp_n : NAN;
	}
	/* some servers keep a trailing stop string or whitespace */
	size_t n = strlen(t);
	while (n && (t[n - 1] == ' ' || t[n - 1] == '\n' || t[n - 1] == '\r'))
		n--;
	while (n && (*t == ' ' || *t == '\n')) {
		t++;
		n--;
	}
	r->texts[r->ntexts] = xstrndup(t, n);
	r->tokens[r->ntexts] = tokens;
	r->ntexts++;
}

/* Turns judged text into scores for PRM and ORM requests. */
static void judge_scores(struct request *r, const char *text)
{
	if (r->kind == REQ_ORM) {
		const char *c = strstr(text, "[[correct]]"), *w = strstr(text, "[[wrong]]");
		r->nscores = 1;
		r->scores = xmalloc(sizeof *r->scores);
		r->scores[0] = c && !w ? 0.9 : w ? 0.1 : 0.5;
		return;
	}
	/* one score a step from "Correctness of the step:" blocks; a step
	 * the critique skipped gets 0.5 */
	r->nscores = r->nsteps;
	r->scores = xcalloc(r->nsteps ? r->nsteps : 1, sizeof *r->scores);
	for (size_t i = 0; i < r->nsteps; i++)
		r->scores[i] = 0.5;
	size_t k = 0;
	for (const char *p = text; (p = strstr(p, "Correctness of the step:")) && k < r->nsteps; p++, k++) {
		const char *v = p + 24;
		while (*v == ' ')
			v++;
		r->scores[k] = !strncmp(v, "Correct", 7) ? 0.9 : !strncmp(v, "Wrong", 5) ? 0.1 : 0.5;
	}
}

/* A token as the model spelled it, without the marks some tokenizers put
 * for a leading space (" ", "Ġ", "▁"), so that "+" matches " +". */
static int token_is(const char *tok, const char *want)
{
	for (;;) {
		if (*tok == ' ' || *tok == '\n' || *tok == '\t')
			tok++;
		else if (!strncmp(tok, "\xC4\xA0", 2) || !strncmp(tok, "\xC4\x8A", 2))
			tok += 2;
		else if (!strncmp(tok, "\xE2\x96\x81", 3))
			tok += 3;
		else
			break;
	}
	while (*want == ' ')
		want++;
	size_t n = strlen(tok);
	while (n && (tok[n - 1] == ' ' || tok[n - 1] == '\n'))
		n--;
	return n == strlen(want) && !strncmp(tok, want, n);
}

static void add_prob(const struct prompt_list *good, const struct prompt_list *bad, const char *tok, double p,
		     double *pg, double *pb)
{
	if (!tok || !isfinite(p))
		return;
	for (size_t i = 0; i < good->n; i++)
		if (token_is(tok, good->v[i])) {
			*pg += p;
			return;
		}
	for (size_t i = 0; i < bad->n; i++)
		if (token_is(tok, bad->v[i])) {
			*pb += p;
			return;
		}
}

/* The top tokens of the first generated token, whatever the server's
 * shape: OpenAI completions ({token: logprob}), llama.cpp (top_logprobs,
 * top_probs, or the old probs), Ollama (logprobs[0].top_logprobs).
 * Returns how many tokens were seen; adds the good and bad mass. */
static int top_tokens(const cJSON *j, const struct prompt_tmpl *t, double *pg, double *pb)
{
	int seen = 0;
	const cJSON *ch = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "choices"), 0);
	const cJSON *lp = cJSON_GetObjectItemCaseSensitive(ch, "logprobs");
	const cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(lp, "top_logprobs"), 0);
	const cJSON *e;
	if (cJSON_IsObject(first)) {
		cJSON_ArrayForEach(e, first) {
			if (cJSON_IsNumber(e)) {
				add_prob(&t->good, &t->bad, e->string, exp(e->valuedouble), pg, pb);
				seen++;
			}
		}
		return seen;
	}
	const cJSON *cp = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "completion_probabilities"), 0);
	if (!cp)
		cp = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "logprobs"), 0); /* Ollama */
	if (!cp)
		return 0;
	static const struct {
		const char *list, *tok, *val;
		int is_log;
	} shapes[] = {{"top_logprobs", "token", "logprob", 1}, {"top_probs", "token", "prob", 0},
		      {"probs", "tok_str", "prob", 0}};
	for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
		const cJSON *list = cJSON_GetObjectItemCaseSensitive(cp, shapes[k].list);
		if (!cJSON_IsArray(list))
			continue;
		cJSON_ArrayForEach(e, list) {
			const cJSON *tk = cJSON_GetObjectItemCaseSensitive(e, shapes[k].tok);
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, shapes[k].val);
			if (!cJSON_IsString(tk) || !cJSON_IsNumber(v))
				continue;
			add_prob(&t->good, &t->bad, tk->valuestring,
				 shapes[k].is_log ? exp(v->valuedouble) : v->valuedouble, pg, pb);
			seen++;
		}
		return seen;
	}
	return 0;
}

static int parse_logprob(struct oa_call *c, const cJSON *j)
{
	struct request *r = c->r;
	const struct prompt_tmpl *t = prompts_get(PROMPT_PRM_LOGPROB);
	double pg = 0, pb = 0;
	int seen = top_tokens(j, t, &pg, &pb);
	if (!seen) {
		/* a server that never gives logprobs will not start to */
		fail(r, 1, "%s: the reply has no token log-probabilities (does this server return logprobs?)%s", c->url,
		     "");
		return -1;
	}
	if (pg + pb <= 0) {
		char what[200];
		snprintf(what, sizeof what, "neither '%.40s' nor '%.40s' is among the top tokens after the step tag",
			 t->good.v[0], t->bad.v[0]);
		fail(r, 0, "%s: %s (is this a Math-Shepherd-style reward model? see 'canopy prompts prm-logprob')",
		     c->url, what);
		return -1;
	}
	double score = pg / (pg + pb);
	size_t slot = r->kind == REQ_ORM ? 0 : (size_t)c->upto - 1;
	if (slot < r->nscores)
		r->scores[slot] = score;
	cache_put(&c->be->cache, prefix_key(r, (size_t)c->upto), score);
	return 0;
}

static struct oa_call *call_new(struct oa_backend *be, struct request *r, int first, int n);

/* llama.cpp's reply to n_cmpl: an array of completions (by "index").  A
 * build without n_cmpl answers one object: that is the first sample, the
 * rest are asked one a call, and so is every later request. */
static int parse_ncmpl(struct oa_call *c, const cJSON *j)
{
	struct request *r = c->r;
	struct oa_backend *be = c->be;
	const cJSON *one[1] = {j};
	const cJSON **items = one;
	int n = 1;
	if (cJSON_IsArray(j)) {
		n = cJSON_GetArraySize(j);
		items = xcalloc((size_t)(n ? n : 1), sizeof *items);
		const cJSON *e;
		int k = 0;
		cJSON_ArrayForEach(e, j) {
			const cJSON *ix = cJSON_GetObjectItemCaseSensitive(e, "index");
			int at = cJSON_IsNumber(ix) ? (int)ix->valuedouble : k;
			if (at < 0 || at >= n || items[at])
				at = k;
			items[at] = e;
			k++;
		}
	}
	int got = 0;
	for (int i = 0; i < n && got < c->nsamples; i++) {
		const cJSON *t = items[i] ? cJSON_GetObjectItemCaseSensitive(items[i], "content") : NULL;
		if (!cJSON_IsString(t))
			continue;
		const cJSON *gt = cJSON_GetObjectItemCaseSensitive(items[i], "tokens_predicted");
		const cJSON *pt = cJSON_GetObjectItemCaseSensitive(items[i], "tokens_evaluated");
		int have = cJSON_IsNumber(gt) && cJSON_IsNumber(pt);
		double ls = 0;
		int ln = 0;
		lp_of(items[i], &ls, &ln);
		add_text_lp(r, t->valuestring, have ? (uint32_t)gt->valuedouble : sim_tokens(t->valuestring), ls, ln);
		if (have)
			r->prompt_tokens += (uint32_t)pt->valuedouble;
		else
			r->estimated = 1;
		got++;
	}
	if (items != one)
		free(items);
	if (got < c->nsamples) {
		/* fewer than asked (or none): ask the rest one at a time */
		be->no_ncmpl = 1;
		for (int i = got; i < c->nsamples; i++)
			call_new(be, r, c->first_sample + i, 1);
	}
	return 0;
}

static int parse_reply(struct oa_call *c)
{
	struct request *r = c->r;
	struct oa_backend *be = c->be;
	if (be->c.stream && !be->pooling) {
		if (c->stream_error[0]) {
			fail(r, 0, "%s%s", c->stream_error, "");
			return -1;
		}
		int native = be->c.dialect != DIALECT_OPENAI;
		int complete_stream = native ? c->ended : !sse_finish(&c->sse);
		if (native)
			sse_finish(&c->sse);
		if (!complete_stream) {
			fail(r, 0, native ? "%s: the stream ended before the server said it was done (truncated)%s"
					  : "%s: the stream ended without [DONE] (truncated)%s",
			     c->url, "");
			return -1;
		}
		for (int i = 0; i < c->nsamples; i++) {
			const char *t = c->texts[i].s ? c->texts[i].s : "";
			add_text_lp(r, t, c->have_usage ? c->gen_tokens / (uint32_t)c->nsamples : sim_tokens(t),
				    c->lp_sum ? c->lp_sum[i] : 0, c->lp_n ? c->lp_n[i] : 0);
		}
		if (c->have_usage)
			r->prompt_tokens += c->prompt_tokens;
		else
			r->estimated = 1;
		return 0;
	}
	const char *body = c->h.response.s ? c->h.response.s : "";
	cJSON *j = cJSON_ParseWithLength(body, c->h.response.len);
	if (!j) {
		fail(r, 0, "%s: the reply is not JSON (%s)", c->url,
		     c->h.response.len ? "garbled or cut short" : "empty");
		return -1;
	}
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
	const cJSON *obj = cJSON_GetObjectItemCaseSensitive(j, "object");
	if (e || (cJSON_IsString(obj) && !strcmp(obj->valuestring, "error"))) {
		char msg[400];
		server_message(body, c->h.response.len, msg, sizeof msg);
		fail(r, 1, "%s: the server says: %s", c->url, msg);
		cJSON_Delete(j);
		return -1;
	}
	if (be->logprob) {
		int rc = parse_logprob(c, j);
		cJSON_Delete(j);
		return rc;
	}
	if (be->pooling) {
		/* data[0].data: [p_wrong, p_right] a step */
		const cJSON *d = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "data"), 0);
		const cJSON *rows = cJSON_GetObjectItemCaseSensitive(d, "data");
		int nr = cJSON_GetArraySize(rows);
		if (!cJSON_IsArray(rows) || (size_t)nr < r->nsteps) {
			fail(r, 0, "%s: the reward model returned %s scores", c->url,
			     cJSON_IsArray(rows) ? "too few" : "no");
			cJSON_Delete(j);
			return -1;
		}
		r->nscores = r->nsteps;
		r->scores = xcalloc(r->nsteps ? r->nsteps : 1, sizeof *r->scores);
		for (size_t i = 0; i < r->nsteps; i++) {
			const cJSON *row = cJSON_GetArrayItem(rows, (int)i);
			const cJSON *pr = cJSON_GetArrayItem(row, 1);
			r->scores[i] = cJSON_IsNumber(pr) ? pr->valuedouble : NAN;
		}
		if (r->kind == REQ_ORM && r->nscores) {
			/* an outcome score: the last step's, the whole solution read */
			r->scores[0] = r->scores[r->nscores - 1];
			r->nscores = 1;
		}
		cJSON_Delete(j);
		return 0;
	}
	if (c->ncmpl) {
		int rc = parse_ncmpl(c, j);
		cJSON_Delete(j);
		return rc;
	}
	if (be->c.dialect != DIALECT_OPENAI) {
		int ollama = be->c.dialect == DIALECT_OLLAMA;
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, ollama ? "response" : "content");
		if (!cJSON_IsString(t)) {
			fail(r, 0, "%s: the reply has no %s", c->url, ollama ? "response" : "content");
			cJSON_Delete(j);
			return -1;
		}
		const cJSON *gt = cJSON_GetObjectItemCaseSensitive(j, ollama ? "eval_count" : "tokens_predicted");
		const cJSON *pt = cJSON_GetObjectItemCaseSensitive(j, ollama ? "prompt_eval_count" : "tokens_evaluated");
		int have = cJSON_IsNumber(gt) && cJSON_IsNumber(pt);
		double ls = 0;
		int ln = 0;
		lp_of(j, &ls, &ln);
		add_text_lp(r, t->valuestring, have ? (uint32_t)gt->valuedouble : sim_tokens(t->valuestring), ls, ln);
		if (have)
			r->prompt_tokens += (uint32_t)pt->valuedouble;
		else
			r->estimated = 1;
		cJSON_Delete(j);
		return 0;
	}
	const cJSON *choices = cJSON_GetObjectItemCaseSensitive(j, "choices");
	int nc = cJSON_GetArraySize(choices);
	if (!cJSON_IsArray(choices) || nc == 0) {
		fail(r, 0, "%s: the reply has no choices%s", c->url, "");
		cJSON_Delete(j);
		return -1;
	}
	const cJSON *u = cJSON_GetObjectItemCaseSensitive(j, "usage");
	const cJSON *pt = cJSON_GetObjectItemCaseSensitive(u, "prompt_tokens");
	const cJSON *ct = cJSON_GetObjectItemCaseSensitive(u, "completion_tokens");
	int have_usage = cJSON_IsNumber(pt) && cJSON_IsNumber(ct);
	const cJSON *ch;
	cJSON_ArrayForEach(ch, choices) {
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(ch, "message");
		const cJSON *t = m ? cJSON_GetObjectItemCaseSensitive(m, "content")
				   : cJSON_GetObjectItemCaseSensitive(ch, "text");
		const char *text = cJSON_IsString(t) ? t->valuestring : "";
		double ls = 0;
		int ln = 0;
		lp_of(ch, &ls, &ln);
		add_text_lp(r, text, have_usage ? (uint32_t)(ct->valuedouble / nc) : sim_tokens(text), ls, ln);
	}
	if (have_usage)
		r->prompt_tokens += (uint32_t)pt->valuedouble;
	else
		r->estimated = 1;
	cJSON_Delete(j);
	return 0;
}

/* ---- the vtable ---- */

struct job {
	struct request *r;
	int pending;
	int failed;
};

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
			fail(r, 1, "%s: a logprob scorer only scores (asked for a %s)", be->url, req_kind_name(r->kind));
			k = 0;
		}
		r->nscores = k;
		r->scores = xcalloc(k ? k : 1, sizeof *r->scores);
		for (size_t i = 0; i < k; i++) {
			size_t upto = orm ? r->nsteps : i + 1;
			r->scores[i] = NAN;
			if (!cache_get(&be->cache, prefix_key(r, upto), &r->scores[i])) {
				call_new(be, r, (int)upto, 1);
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
	int ncmpl = be->c.dialect == DIALECT_LLAMACPP && !be->c.stream && !be->no_ncmpl && n > 1;
	if (ncmpl) {
		call_new(be, r, 0, n)->ncmpl = 1;
		r->due = 1;
	} else if (be->no_n && n > 1) {
		for (int i = 0; i < n; i++)
			call_new(be, r, i, 1);
		r->due = n; /* calls outstanding */
	} else {
		call_new(be, r, 0, n);
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

static void complete(struct oa_backend *be, struct request *r)
{
	if (r->status == REQ_PENDING)
		r->status = REQ_OK;
	for (size_t i = 0; i < r->ntexts; i++)
		r->gen_tokens += r->tokens[i];
	if (r->status == REQ_OK && (r->kind == REQ_PRM || r->kind == REQ_ORM) && !be->pooling && !be->logprob) {
		const char *t = r->ntexts ? r->texts[0] : "";
		judge_scores(r, t);
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
				fail(r, 0, "%s%s", c->stream_error, "");
			} else if (c->h.error[0] && c->h.status == 0) {
				/* no answer at all: the server is down or unreachable */
				char n[32];
				snprintf(n, sizeof n, "%d attempt%s", c->h.attempts, c->h.attempts == 1 ? "" : "s");
				fail(r, 1, "%s (%s)", c->h.error, n);
			} else if (c->h.status < 200 || c->h.status >= 300) {
				char msg[400];
				server_message(c->h.response.s ? c->h.response.s : "", c->h.response.len, msg, sizeof msg);
				if (c->ncmpl && c->h.status == 400) {
					/* a build that refuses n_cmpl: one call a sample */
					be->no_ncmpl = 1;
					for (int i = 0; i < c->nsamples; i++)
						call_new(be, r, c->first_sample + i, 1);
					call_free(c);
					continue;
				}
				int refused_n = c->h.status == 400 && c->nsamples > 1 && strstr(msg, "n") &&
						(strstr(msg, " n ") || strstr(msg, "'n'") || strstr(msg, "\"n\"") ||
						 strstr(msg, "choice"));
				if (refused_n) {
					/* the server takes one sample a request: ask n times */
					be->no_n = 1;
					for (int i = 0; i < c->nsamples; i++)
						call_new(be, r, c->first_sample + i, 1);
					call_free(c);
					continue;
				}
				char head[700];
				snprintf(head, sizeof head, "%s: HTTP %ld", c->url, c->h.status);
				/* 4xx will not get better by asking again */
				fail(r, c->h.status < 500, msg[0] ? "%s: %s" : "%s%s", head, msg);
			} else if (c->h.error[0]) {
				fail(r, 0, "%s%s", c->h.error, "");
			} else {
				parse_reply(c);
			}
		}
		call_free(c);
		if (!calls_of(be, r)) {
			complete(be, r);
			finished++;
		}
	}
	pump(be); /* the room those calls left */
	return finished;
}

static void oa_cancel(struct backend *b, struct request *r)
{
	struct oa_backend *be = (struct oa_backend *)b;
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
		slots_free(&be->slots[i]);
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
	for (int i = 0; i < be->nbases; i++)
		free(be->bases[i]);
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
		snprintf(err, errlen, "--url needs an http:// or https:// address, not '%s'", c->url ? c->url : "");
		return NULL;
	}
	if (!c->model && c->dialect != DIALECT_LLAMACPP) {
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
			: c->dialect == DIALECT_LLAMACPP ? "llamacpp"
			: c->dialect == DIALECT_OLLAMA ? "ollama" : "openai";
	/* native routes take one sample a request: ask n times at once */
	be->no_n = c->dialect != DIALECT_OPENAI;
	be->c = *c;
	be->pooling = mode == OA_POOLING;
	be->logprob = mode == OA_LOGPROB;
	if (mode != OA_GENERATE)
		be->c.stream = 0; /* a score is one short reply */
	be->url = xstrdup(c->url);
	size_t l = strlen(be->url);
	while (l && be->url[l - 1] == '/')
		be->url[--l] = '\0';
	/* a base given with /v1 is fine too */
	if (l >= 3 && !strcmp(be->url + l - 3, "/v1"))
		be->url[l - 3] = '\0';
	be->model = xstrdup(c->model ? c->model : "default");
	int nb = c->nurls > 0 ? c->nurls : 1;
	for (int i = 0; i < nb && i < 16; i++) {
		char *b = xstrdup(c->nurls > 0 ? c->urls[i] : c->url);
		size_t bl = strlen(b);
		while (bl && b[bl - 1] == '/')
			b[--bl] = '\0';
		if (bl >= 3 && !strcmp(b + bl - 3, "/v1"))
			b[bl - 3] = '\0';
		/* a llama.cpp server takes as many requests as it has slots */
		be->cap[be->nbases] = c->slots[i] > 0 ? c->slots[i] : 0;
		slots_init(&be->slots[be->nbases], be->cap[be->nbases]);
		be->bases[be->nbases++] = b;
	}
	be->base.url = be->url;
	be->base.model = be->model;
	if (c->api_key) {
		be->key = xstrdup(c->api_key);
		struct strbuf a;
		sb_init(&a);
		sb_printf(&a, "Authorization: Bearer %s", be->key);
		be->auth = sb_steal(&a);
	}
	be->own_pool = !c->pool;
	be->pool = c->pool ? c->pool : http_pool_new(&c->http);
	return &be->base;
}

struct backend *backend_openai_new(const struct openai_cfg *c, char *err, size_t errlen)
{
	return make(c, OA_GENERATE, err, errlen);
}

static size_t keep_body(char *p, size_t s, size_t n, void *u)
{
	struct strbuf *b = u;
	if (b->len < 65536)
		sb_add(b, p, s * n);
	return s * n;
}

/* One GET at start-up, before the worker runs: a plain blocking call. */
static int get_once(const char *url, const char *path, const struct http_opts *o, long *status,
		    struct strbuf *body, char *full, size_t fulllen, char *err, size_t errlen)
{
	size_t l = strlen(url);
	snprintf(full, fulllen, "%.*s%s", (int)(l && url[l - 1] == '/' ? l - 1 : l), url, path);
	CURL *e = curl_easy_init();
	char eb[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(e, CURLOPT_URL, full);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, keep_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, eb);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)(o->connect_timeout * 1000));
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 10000L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, o->insecure ? 0L : 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, o->insecure ? 0L : 2L);
	CURLcode rc = curl_easy_perform(e);
	*status = 0;
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, status);
	curl_easy_cleanup(e);
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s: %s", full, eb[0] ? eb : curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}

int llamacpp_health(const char *url, const struct http_opts *o, char *err, size_t errlen)
{
	char full[600];
	long status;
	struct strbuf body;
	sb_init(&body);
	int rc = get_once(url, "/health", o, &status, &body, full, sizeof full, err, errlen);
	sb_free(&body);
	if (rc)
		return -1;
	if (status == 503) {
		snprintf(err, errlen, "%s: the server is still loading its model (HTTP 503); try again when it is ready", full);
		return -1;
	}
	if (status != 200) {
		snprintf(err, errlen, "%s: HTTP %ld (is this a llama.cpp server?)", full, status);
		return -1;
	}
	return 0;
}

int llamacpp_slots(const char *url, const struct http_opts *o)
{
	char full[600], err[300];
	long status;
	struct strbuf body;
	sb_init(&body);
	int slots = 0;
	if (!get_once(url, "/props", o, &status, &body, full, sizeof full, err, sizeof err) && status == 200) {
		cJSON *j = cJSON_ParseWithLength(body.s ? body.s : "", body.len);
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "total_slots");
		if (cJSON_IsNumber(t) && t->valuedouble >= 1 && t->valuedouble <= 4096)
			slots = (int)t->valuedouble;
		cJSON_Delete(j);
	}
	sb_free(&body);
	return slots;
}

struct backend *backend_vllm_prm_new(const struct openai_cfg *c, char *err, size_t errlen)
{
	return make(c, OA_POOLING, err, errlen);
}

struct backend *backend_logprob_prm_new(const struct openai_cfg *c, char *err, size_t errlen)
{
	return make(c, OA_LOGPROB, err, errlen);
}
