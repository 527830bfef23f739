/* openai_reply: what an OpenAI-compatible, llama.cpp or Ollama server
 * sends back, read whole or as it streams (SSE or NDJSON, by the
 * dialect): texts, token log-probabilities, usage, a judge's verdicts, a
 * logprob PRM's top tokens, llama.cpp's n_cmpl arrays, and errors in any
 * of the shapes servers use. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "openai_int.h"
#include "prompt.h"
#include "sim.h"

/* The mean of the numbers at key in each element of arr (or of arr's
 * numbers when key is NULL), into *sum and *n. */
static void lp_add(const cJSON *arr, const char *key, double *sum, int *n, int *nulls)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, arr) {
		const cJSON *v = key ? cJSON_GetObjectItemCaseSensitive(e, key) : e;
		if (cJSON_IsNull(v))
			(*nulls)++; /* a NaN the server could not write: skipped, and said */
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
static void lp_of(struct oa_call *c, const cJSON *obj, double *sum, int *n)
{
	const cJSON *lp = cJSON_GetObjectItemCaseSensitive(obj, "logprobs");
	int *z = &c->lp_nulls;
	if (cJSON_IsObject(lp)) {
		lp_add(cJSON_GetObjectItemCaseSensitive(lp, "content"), "logprob", sum, n, z);
		lp_add(cJSON_GetObjectItemCaseSensitive(lp, "token_logprobs"), NULL, sum, n, z);
	} else if (cJSON_IsArray(lp)) {
		lp_add(lp, "logprob", sum, n, z);
	}
	lp_add(cJSON_GetObjectItemCaseSensitive(obj, "completion_probabilities"), "logprob", sum, n, z);
}

/* ---- streaming ---- */

/* One streamed object of llama.cpp's or Ollama's: text, the end, usage. */
static int native_chunk(struct oa_call *c, cJSON *j)
{
	const struct dialect *d = c->be->c.dialect;
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
	if (e) {
		const cJSON *m = cJSON_IsObject(e) ? cJSON_GetObjectItemCaseSensitive(e, "message") : e;
		snprintf(c->stream_error, sizeof c->stream_error, "%s: the server reported an error mid-stream: %.200s",
			 c->shown, cJSON_IsString(m) ? m->valuestring : "(no message)");
		return 1;
	}
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, d->text_key);
	if (cJSON_IsString(t))
		sb_adds(&c->texts[0], t->valuestring);
	lp_of(c, j, &c->lp_sum[0], &c->lp_n[0]);
	const cJSON *end = cJSON_GetObjectItemCaseSensitive(j, d->done_key);
	if (cJSON_IsTrue(end)) {
		c->ended = 1;
		c->cut |= cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "truncated"));
		const cJSON *gt = cJSON_GetObjectItemCaseSensitive(j, d->gen_tokens_key);
		const cJSON *pt = cJSON_GetObjectItemCaseSensitive(j, d->prompt_tokens_key);
		if (cJSON_IsNumber(gt) && cJSON_IsNumber(pt)) {
			c->gen_tokens = util_u32(gt->valuedouble);
			c->prompt_tokens = util_u32(pt->valuedouble);
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
				snprintf(c->stream_error, sizeof c->stream_error, "%s: a streamed line is not JSON", c->shown);
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

int oa_on_sse(void *ctx, const char *event, const char *data, size_t len)
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
	if (j && c->be->c.dialect->stream == DS_SSE_NATIVE) {
		int stop = native_chunk(c, j);
		cJSON_Delete(j);
		return stop;
	}
	if (!j) {
		snprintf(c->stream_error, sizeof c->stream_error, "%s: a stream event is not JSON", c->shown);
		return 1;
	}
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
	if (e) {
		const cJSON *m = cJSON_IsObject(e) ? cJSON_GetObjectItemCaseSensitive(e, "message") : e;
		snprintf(c->stream_error, sizeof c->stream_error, "%s: the server reported an error mid-stream: %.200s",
			 c->shown, cJSON_IsString(m) ? m->valuestring : "(no message)");
		cJSON_Delete(j);
		return 1;
	}
	const cJSON *ch;
	cJSON_ArrayForEach(ch, cJSON_GetObjectItemCaseSensitive(j, "choices")) {
		const cJSON *idx = cJSON_GetObjectItemCaseSensitive(ch, "index");
		int i = cJSON_IsNumber(idx) ? (int)util_i32(idx->valuedouble) : 0;
		if (i < 0 || i >= c->nsamples)
			continue;
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(ch, "delta");
		const cJSON *t = d ? cJSON_GetObjectItemCaseSensitive(d, "content")
				   : cJSON_GetObjectItemCaseSensitive(ch, "text");
		if (cJSON_IsString(t))
			sb_adds(&c->texts[i], t->valuestring);
		lp_of(c, ch, &c->lp_sum[i], &c->lp_n[i]);
	}
	const cJSON *u = cJSON_GetObjectItemCaseSensitive(j, "usage");
	if (cJSON_IsObject(u)) {
		const cJSON *pt = cJSON_GetObjectItemCaseSensitive(u, "prompt_tokens");
		const cJSON *ct = cJSON_GetObjectItemCaseSensitive(u, "completion_tokens");
		if (cJSON_IsNumber(pt) && cJSON_IsNumber(ct)) {
			c->prompt_tokens = util_u32(pt->valuedouble);
			c->gen_tokens = util_u32(ct->valuedouble);
			c->have_usage = 1;
		}
	}
	cJSON_Delete(j);
	return 0;
}

int oa_on_stream_data(void *ctx, const char *p, size_t n)
{
	struct oa_call *c = ctx;
	if (c->be->c.dialect->stream == DS_NDJSON)
		return on_ndjson(c, p, n);
	return sse_feed(&c->sse, p, n) ? 1 : 0;
}

void oa_on_stream_reset(void *ctx)
{
	struct oa_call *c = ctx;
	sse_free(&c->sse);
	sse_init(&c->sse, oa_on_sse, c);
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

void oa_fail(struct request *r, int fatal, const char *fmt, ...)
{
	char msg[1600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	free(r->error);
	r->error = xstrdup(msg);
	r->status = REQ_FAILED;
	r->fatal = fatal;
}

/* The server's own message from an error body, whatever its shape. */
void oa_server_message(const char *body, size_t len, char *out, size_t outlen)
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
int oa_judge_scores(struct request *r, const char *text)
{
	if (r->kind == REQ_ORM) {
		const char *c = strstr(text, "[[correct]]"), *w = strstr(text, "[[wrong]]");
		if (!c && !w)
			return -1; /* no verdict: not scored (a 0.5 would look like one) */
		r->nscores = 1;
		r->scores = xmalloc(sizeof *r->scores);
		r->scores[0] = c && !w ? 0.9 : 0.1;
		return 0;
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
	if (!k) {
		free(r->scores);
		r->scores = NULL;
		r->nscores = 0;
		return -1;
	}
	if (k < r->nsteps)
		request_warn(r, "the judge gave verdicts for %zu of %zu steps; the others scored 0.5", k, r->nsteps);
	return 0;
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
static int top_tokens(const cJSON *j, const struct prompt_tmpl *t, double *pg, double *pb, int *nulls)
{
	int seen = 0;
	const cJSON *ch = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "choices"), 0);
	const cJSON *lp = cJSON_GetObjectItemCaseSensitive(ch, "logprobs");
	const cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(lp, "top_logprobs"), 0);
	const cJSON *e;
	if (cJSON_IsObject(first)) {
		cJSON_ArrayForEach(e, first) {
			if (cJSON_IsNull(e))
				(*nulls)++;
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
	if (!cp) /* llama.cpp's /v1/completions: logprobs.content[0].top_logprobs */
		cp = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(lp, "content"), 0);
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
			if (cJSON_IsString(tk) && cJSON_IsNull(v))
				(*nulls)++; /* a NaN the server could not write: skipped */
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
	int nulls = 0;
	int seen = top_tokens(j, t, &pg, &pb, &nulls);
	if (!seen && nulls) {
		oa_fail(r, 0, "%s: every top token came with a null log-probability (%d): not scored", c->shown, nulls);
		return -1;
	}
	if (nulls)
		request_warn(r, "%s: skipped %d top token%s with a null log-probability", c->shown, nulls,
			     nulls == 1 ? "" : "s");
	if (!seen) {
		/* a server that never gives logprobs will not start to */
		oa_fail(r, 1, "%s: the reply has no token log-probabilities (does this server return logprobs?)", c->shown);
		return -1;
	}
	if (pg + pb <= 0) {
		char what[200];
		snprintf(what, sizeof what, "neither '%.40s' nor '%.40s' is among the top tokens after the step tag",
			 t->good.n ? t->good.v[0] : "", t->bad.n ? t->bad.v[0] : "");
		oa_fail(r, 0, "%s: %s (is this a Math-Shepherd-style reward model? see 'canopy prompts prm-logprob')",
		     c->shown, what);
		return -1;
	}
	double score = pg / (pg + pb);
	size_t slot = r->kind == REQ_ORM ? 0 : (size_t)c->upto - 1;
	if (slot < r->nscores)
		r->scores[slot] = score;
	oa_cache_put(&c->be->cache, oa_prefix_key(r, (size_t)c->upto), score);
	return 0;
}

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
			int at = cJSON_IsNumber(ix) ? (int)util_i32(ix->valuedouble) : k;
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
		lp_of(c, items[i], &ls, &ln);
		add_text_lp(r, t->valuestring, have ? util_u32(gt->valuedouble) : sim_tokens(t->valuestring), ls, ln);
		if (have)
			r->prompt_tokens += util_u32(pt->valuedouble);
		else
			r->estimated = 1;
		got++;
	}
	if (items != one)
		free(items);
	if (got < c->nsamples) {
		/* fewer than asked (or none): ask the rest one at a time */
		srv_set_flag(be->srv[c->base], SRV_NO_NCMPL);
		for (int i = got; i < c->nsamples; i++)
			oa_call_new(be, r, c->first_sample + i, 1);
	}
	return 0;
}

int oa_parse_reply(struct oa_call *c)
{
	struct request *r = c->r;
	struct oa_backend *be = c->be;
	if (be->c.stream && !be->pooling) {
		if (c->stream_error[0]) {
			oa_fail(r, 0, "%s", c->stream_error);
			return -1;
		}
		int native = be->c.dialect->native;
		int complete_stream = native ? c->ended : !sse_finish(&c->sse);
		if (native)
			sse_finish(&c->sse);
		if (!complete_stream) {
			oa_fail(r, 0, native ? "%s: the stream ended before the server said it was done (truncated)"
					  : "%s: the stream ended without [DONE] (truncated)",
			     c->shown);
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
		oa_fail(r, 0, "%s: the reply is not JSON (%s)", c->shown,
		     c->h.response.len ? "garbled or cut short" : "empty");
		return -1;
	}
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
	const cJSON *obj = cJSON_GetObjectItemCaseSensitive(j, "object");
	/* llama.cpp says when it cut the prompt to fit a slot's context
	 * (n_cmpl: each completion says it) */
	c->cut |= cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "truncated"));
	if (cJSON_IsArray(j)) {
		const cJSON *it;
		cJSON_ArrayForEach(it, j) c->cut |= cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "truncated"));
	}
	if (e || (cJSON_IsString(obj) && !strcmp(obj->valuestring, "error"))) {
		char msg[400];
		oa_server_message(body, c->h.response.len, msg, sizeof msg);
		oa_fail(r, 1, "%s: the server says: %s", c->shown, msg);
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
			oa_fail(r, 0, "%s: the reward model returned %s scores", c->shown,
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
	if (be->c.dialect->native) {
		const struct dialect *d = be->c.dialect;
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, d->text_key);
		if (!cJSON_IsString(t)) {
			oa_fail(r, 0, "%s: the reply has no %s", c->shown, d->text_key);
			cJSON_Delete(j);
			return -1;
		}
		const cJSON *gt = cJSON_GetObjectItemCaseSensitive(j, d->gen_tokens_key);
		const cJSON *pt = cJSON_GetObjectItemCaseSensitive(j, d->prompt_tokens_key);
		int have = cJSON_IsNumber(gt) && cJSON_IsNumber(pt);
		double ls = 0;
		int ln = 0;
		lp_of(c, j, &ls, &ln);
		add_text_lp(r, t->valuestring, have ? util_u32(gt->valuedouble) : sim_tokens(t->valuestring), ls, ln);
		if (have)
			r->prompt_tokens += util_u32(pt->valuedouble);
		else
			r->estimated = 1;
		cJSON_Delete(j);
		return 0;
	}
	const cJSON *choices = cJSON_GetObjectItemCaseSensitive(j, "choices");
	int nc = cJSON_GetArraySize(choices);
	if (!cJSON_IsArray(choices) || nc == 0) {
		oa_fail(r, 0, "%s: the reply has no choices", c->shown);
		cJSON_Delete(j);
		return -1;
	}
	if (nc > c->nsamples) {
		/* a server that ignores n is not to be believed about the rest */
		char what[96];
		snprintf(what, sizeof what, "%d choices where %d %s asked for", nc, c->nsamples,
			 c->nsamples == 1 ? "was" : "were");
		oa_fail(r, 0, "%s: the reply holds %s", c->shown, what);
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
		lp_of(c, ch, &ls, &ln);
		add_text_lp(r, text, have_usage ? util_u32(ct->valuedouble / nc) : sim_tokens(text), ls, ln);
	}
	if (have_usage)
		r->prompt_tokens += util_u32(pt->valuedouble);
	else
		r->estimated = 1;
	cJSON_Delete(j);
	return 0;
}
