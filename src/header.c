/* header: the journal's first line, encoded and decoded in one place.
 * The decoder holds every value to the range the command line gives it,
 * because --resume runs the search again from what it reads here. */
#include "header.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialect.h"

void header_backend_init(struct header_backend *b)
{
	memset(b, 0, sizeof *b);
	sim_cfg_default(&b->sim);
	b->index = -1;
}

void header_init(struct trace_header *h)
{
	memset(h, 0, sizeof *h);
	h->version = TRACE_VERSION;
	header_backend_init(&h->backend);
}

static void role_free(struct header_role *r)
{
	free(r->kind);
	free(r->url);
	free(r->model);
	free(r->backend);
	memset(r, 0, sizeof *r);
}

void header_role_set(struct header_role *r, const char *kind, const char *url, const char *model)
{
	role_free(r);
	r->given = 1;
	r->kind = kind ? xstrdup(kind) : NULL;
	r->url = url ? xstrdup(url) : NULL;
	r->model = model ? xstrdup(model) : NULL;
}

void header_backend_free(struct header_backend *b)
{
	free(b->kind);
	free(b->model);
	for (int i = 0; i < b->nurls; i++)
		free(b->urls[i]);
	free(b->api);
	role_free(&b->prm);
	role_free(&b->orm);
	role_free(&b->critic);
	role_free(&b->disc);
	cJSON_Delete(b->prompts);
	free(b->from);
	free(b->file);
	cJSON_Delete(b->extra);
	header_backend_init(b);
}

void header_free(struct trace_header *h)
{
	free(h->problem);
	free(h->gold);
	free(h->strategy);
	cJSON_Delete(h->strategy_extra);
	header_backend_free(&h->backend);
	free(h->canopy_version);
	free(h->created);
	header_init(h);
}

void header_set_param(struct trace_header *h, enum param_id id, double v)
{
	if (!h->params.set[id])
		h->order[h->nparams++] = id;
	h->params.v[id] = v;
	h->params.set[id] = 1;
}

/* ---- encoding ---- */

/* A whole number written exactly: cJSON prints 15 significant digits and
 * takes a near miss as equal, which turned seed 2^53 into ...990. */
static void add_count(cJSON *o, const char *k, uint64_t v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
	cJSON_AddRawToObject(o, k, buf);
}

static void add_str(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
}

static void add_extra(cJSON *o, const cJSON *extra)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, extra)
		cJSON_AddItemToObject(o, it->string, cJSON_Duplicate(it, 1));
}

static void encode_role(cJSON *b, const char *name, const struct header_role *r)
{
	if (!r->given)
		return;
	cJSON *j = cJSON_AddObjectToObject(b, name);
	add_str(j, "kind", r->kind);
	add_str(j, "url", r->url);
	add_str(j, "model", r->model);
	add_str(j, "backend", r->backend);
}

static cJSON *encode_backend(const struct header_backend *b)
{
	cJSON *j = cJSON_CreateObject();
	add_str(j, "kind", b->kind);
	if (b->kind && !strcmp(b->kind, "import")) {
		add_str(j, "from", b->from);
		add_str(j, "file", b->file);
		if (b->index >= 0)
			add_count(j, "index", (uint64_t)b->index);
		add_extra(j, b->extra);
		return j;
	}
	if (b->nurls)
		add_str(j, "url", b->urls[0]);
	if (b->nurls > 1) {
		cJSON *us = cJSON_AddArrayToObject(j, "urls");
		for (int i = 0; i < b->nurls; i++)
			cJSON_AddItemToArray(us, cJSON_CreateString(b->urls[i]));
	}
	add_str(j, "model", b->model);
	if (b->has_sim) {
		/* the sim's latency and error model: a resume simulates the same */
		cJSON_AddNumberToObject(j, "latency_ms", b->latency_ms);
		cJSON_AddNumberToObject(j, "latency_ms_per_token", b->latency_ms_per_token);
		cJSON_AddNumberToObject(j, "error_scale", b->sim.error_scale);
		cJSON_AddNumberToObject(j, "prm_noise", b->sim.prm_noise);
		cJSON_AddNumberToObject(j, "orm_noise", b->sim.orm_noise);
		cJSON_AddNumberToObject(j, "critic_recall", b->sim.critic_recall);
		/* written only when set, so that older traces read the same */
		cJSON_AddNumberToObject(j, "critic_false", b->sim.critic_false);
		cJSON_AddNumberToObject(j, "orm_bias", b->sim.orm_bias);
	}
	if (b->api) {
		cJSON_AddStringToObject(j, "api", b->api);
		cJSON_AddBoolToObject(j, "stream", b->stream);
	}
	encode_role(j, "prm", &b->prm);
	encode_role(j, "orm", &b->orm);
	encode_role(j, "critic", &b->critic);
	encode_role(j, "disc", &b->disc);
	if (b->prompts)
		cJSON_AddItemToObject(j, "prompts", cJSON_Duplicate(b->prompts, 1));
	return j;
}

cJSON *header_encode(const struct trace_header *h)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "canopy", TRACE_VERSION);
	cJSON *p = cJSON_AddObjectToObject(j, "problem");
	cJSON_AddStringToObject(p, "text", h->problem ? h->problem : "");
	if (h->gold)
		cJSON_AddStringToObject(p, "answer", h->gold);
	else
		cJSON_AddNullToObject(p, "answer");
	cJSON *st = cJSON_AddObjectToObject(j, "strategy");
	add_str(st, "name", h->strategy);
	for (int i = 0; i < h->nparams; i++) {
		enum param_id id = h->order[i];
		if (param_choices(id)) {
			struct strbuf sb;
			sb_init(&sb);
			param_format(id, h->params.v[id], &sb);
			cJSON_AddStringToObject(st, param_name(id), sb.s);
			sb_free(&sb);
		} else {
			cJSON_AddNumberToObject(st, param_name(id), h->params.v[id]);
		}
	}
	add_extra(st, h->strategy_extra);
	cJSON_AddItemToObject(j, "backend", encode_backend(&h->backend));
	add_count(j, "seed", h->seed);
	if (h->max_inflight)
		/* with a token budget it decides how many requests go out */
		cJSON_AddNumberToObject(j, "max_inflight", h->max_inflight);
	cJSON *b = cJSON_AddObjectToObject(j, "budget");
	if (h->budget_tokens)
		add_count(b, "tokens", h->budget_tokens);
	if (h->budget_requests)
		add_count(b, "requests", h->budget_requests);
	add_str(j, "version", h->canopy_version);
	add_str(j, "created", h->created);
	return j;
}

/* ---- decoding ---- */

struct dec {
	char *err;
	size_t errlen;
};

static int fail(struct dec *d, const char *fmt, const char *where, const char *key)
{
	char what[160];
	snprintf(what, sizeof what, "%s%s", where, key);
	snprintf(d->err, d->errlen, fmt, what);
	return -1;
}

/* A string field: absent or null leaves *out NULL; a number is taken as
 * its text (a numeric gold answer). */
static int dec_str(struct dec *d, const cJSON *o, const char *key, int required, char **out,
		   const char *where)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	*out = NULL;
	if (!v || cJSON_IsNull(v))
		return required ? fail(d, "header: missing \"%s\"", where, key) : 0;
	if (cJSON_IsNumber(v)) {
		struct strbuf sb;
		sb_init(&sb);
		sb_add_json_number(&sb, v->valuedouble);
		*out = sb_steal(&sb);
		return 0;
	}
	if (!cJSON_IsString(v))
		return fail(d, "header: \"%s\" must be a string", where, key);
	*out = xstrdup(v->valuestring);
	return 0;
}

/* A number in [lo, hi] (whole when whole is set); absent leaves *out. */
static int dec_num(struct dec *d, const cJSON *o, const char *key, double lo, double hi, int whole,
		   double *out, const char *where)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!v || cJSON_IsNull(v))
		return 0;
	/* header_encode writes whole numbers as raw JSON (exactly): a header
	 * decoded straight from its encoding, unprinted, holds those */
	double num = v->valuedouble;
	int is_num = cJSON_IsNumber(v);
	if (cJSON_IsRaw(v) && v->valuestring) {
		char *end;
		num = strtod(v->valuestring, &end);
		is_num = end != v->valuestring && !*end;
	}
	if (!is_num || !isfinite(num) || num < lo || num > hi || (whole && num != floor(num))) {
		char fmt[160];
		snprintf(fmt, sizeof fmt, "header: \"%%s\" must be %s from %g to %g", whole ? "a whole number" : "a number",
			 lo, hi);
		return fail(d, fmt, where, key);
	}
	*out = num;
	return 0;
}

static int dec_role(struct dec *d, const cJSON *b, const char *name, struct header_role *r)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(b, name);
	if (!j)
		return 0;
	if (!cJSON_IsObject(j))
		return fail(d, "header: \"%s\" must be an object", "backend.", name);
	char where[32];
	snprintf(where, sizeof where, "backend.%s.", name);
	r->given = 1;
	if (dec_str(d, j, "kind", 0, &r->kind, where) || dec_str(d, j, "url", 0, &r->url, where) ||
	    dec_str(d, j, "model", 0, &r->model, where) || dec_str(d, j, "backend", 0, &r->backend, where))
		return -1;
	if (r->backend && !dialect_lookup(r->backend))
		return fail(d, "header: \"%sbackend\" names no server kind", where, "");
	return 0;
}

static int dec_backend(struct dec *d, const cJSON *j, struct header_backend *b)
{
	/* an import's own fields; whatever else it holds is its tool's */
	static const char *const known[] = {"kind", "model", "from", "file", "index"};
	const char *w = "backend.";
	if (dec_str(d, j, "kind", 1, &b->kind, w) || dec_str(d, j, "model", 0, &b->model, w))
		return -1;
	if (!strcmp(b->kind, "import")) {
		double index = -1;
		if (dec_str(d, j, "from", 0, &b->from, w) || dec_str(d, j, "file", 0, &b->file, w) ||
		    dec_num(d, j, "index", 0, TRACE_MAX_EXACT, 1, &index, w))
			return -1;
		b->index = (int64_t)index;
		/* whatever else the importer recorded */
		const cJSON *it;
		cJSON_ArrayForEach(it, j) {
			size_t k = 0;
			while (k < sizeof known / sizeof known[0] && strcmp(known[k], it->string))
				k++;
			if (k < sizeof known / sizeof known[0])
				continue;
			if (!b->extra)
				b->extra = cJSON_CreateObject();
			cJSON_AddItemToObject(b->extra, it->string, cJSON_Duplicate(it, 1));
		}
		return 0;
	}
	char *url = NULL;
	if (dec_str(d, j, "url", 0, &url, w))
		return -1;
	const cJSON *us = cJSON_GetObjectItemCaseSensitive(j, "urls");
	if (us && !cJSON_IsArray(us)) {
		free(url);
		return fail(d, "header: \"%s\" must be a list of URLs", w, "urls");
	}
	const cJSON *u;
	cJSON_ArrayForEach(u, us) {
		if (!cJSON_IsString(u) || b->nurls == BACKEND_MAX_URLS) {
			char fmt[64];
			snprintf(fmt, sizeof fmt, "header: \"%%s\" must be a list of at most %d URLs", BACKEND_MAX_URLS);
			free(url);
			return fail(d, fmt, w, "urls");
		}
		b->urls[b->nurls++] = xstrdup(u->valuestring);
	}
	if (url && !b->nurls)
		b->urls[b->nurls++] = url;
	else
		free(url);
	if (dec_str(d, j, "api", 0, &b->api, w))
		return -1;
	const cJSON *stream = cJSON_GetObjectItemCaseSensitive(j, "stream");
	if (stream && !cJSON_IsBool(stream))
		return fail(d, "header: \"%s\" must be true or false", w, "stream");
	b->stream = cJSON_IsTrue(stream);
	/* the --sim-* options' ranges; a latency up to 1e7 ms (2.8 hours) */
	b->has_sim = cJSON_GetObjectItemCaseSensitive(j, "error_scale") != NULL;
	if (dec_num(d, j, "latency_ms", 0, 1e7, 0, &b->latency_ms, w) ||
	    dec_num(d, j, "latency_ms_per_token", 0, 1e7, 0, &b->latency_ms_per_token, w) ||
	    dec_num(d, j, "error_scale", 0, SIM_ERROR_SCALE_MAX, 0, &b->sim.error_scale, w) ||
	    dec_num(d, j, "prm_noise", 0, 3, 0, &b->sim.prm_noise, w) ||
	    dec_num(d, j, "orm_noise", 0, 3, 0, &b->sim.orm_noise, w) ||
	    dec_num(d, j, "critic_recall", 0, 1, 0, &b->sim.critic_recall, w) ||
	    dec_num(d, j, "critic_false", 0, 1, 0, &b->sim.critic_false, w) ||
	    dec_num(d, j, "orm_bias", 0, 3, 0, &b->sim.orm_bias, w))
		return -1;
	if (dec_role(d, j, "prm", &b->prm) || dec_role(d, j, "orm", &b->orm) ||
	    dec_role(d, j, "critic", &b->critic) || dec_role(d, j, "disc", &b->disc))
		return -1;
	const cJSON *pr = cJSON_GetObjectItemCaseSensitive(j, "prompts");
	if (pr && !cJSON_IsObject(pr))
		return fail(d, "header: \"%s\" must be an object", w, "prompts");
	if (pr)
		b->prompts = cJSON_Duplicate(pr, 1);
	return 0;
}

static int dec_strategy(struct dec *d, const cJSON *s, int imported, struct trace_header *h)
{
	if (dec_str(d, s, "name", 1, &h->strategy, "strategy."))
		return -1;
	const cJSON *it;
	cJSON_ArrayForEach(it, s) {
		if (!strcmp(it->string, "name"))
			continue;
		int id = imported ? -1 : param_lookup(it->string);
		if (id < 0) {
			/* not a canopy parameter (an import's own facts): kept */
			if (!h->strategy_extra)
				h->strategy_extra = cJSON_CreateObject();
			cJSON_AddItemToObject(h->strategy_extra, it->string, cJSON_Duplicate(it, 1));
			continue;
		}
		/* as the command line would take it */
		char text[64], why[200];
		double v;
		if (cJSON_IsString(it) && param_choices((enum param_id)id))
			snprintf(text, sizeof text, "%.60s", it->valuestring);
		else if (cJSON_IsNumber(it) && !param_choices((enum param_id)id) && isfinite(it->valuedouble))
			snprintf(text, sizeof text, "%.17g", it->valuedouble);
		else
			return fail(d, "header: \"%s\" has the wrong type", "strategy.", it->string);
		if (param_parse((enum param_id)id, text, &v, why, sizeof why)) {
			snprintf(d->err, d->errlen, "header: strategy.%s", why);
			return -1;
		}
		header_set_param(h, (enum param_id)id, v);
	}
	return 0;
}

int header_decode(const cJSON *json, struct trace_header *h, char *err, size_t errlen)
{
	struct dec d = {err, errlen};
	header_init(h);
	if (!cJSON_IsObject(json)) {
		snprintf(err, errlen, "header: not a JSON object");
		return -1;
	}
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(json, "canopy");
	if (!cJSON_IsNumber(v)) {
		snprintf(err, errlen, "header: missing \"canopy\" format version (not a canopy trace?)");
		return -1;
	}
	if (v->valuedouble != TRACE_VERSION) {
		snprintf(err, errlen, "unknown trace format version %g (this canopy reads version %d)",
			 v->valuedouble, TRACE_VERSION);
		return -1;
	}
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(json, "problem");
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(json, "strategy");
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(json, "backend");
	const cJSON *bud = cJSON_GetObjectItemCaseSensitive(json, "budget");
	double seed = -1, inflight = 0, tokens = 0, requests = 0;
	if (!cJSON_IsObject(p)) {
		snprintf(err, errlen, "header: missing \"problem\" object");
		goto fail;
	}
	if (dec_str(&d, p, "text", 1, &h->problem, "problem.") || dec_str(&d, p, "answer", 0, &h->gold, "problem."))
		goto fail;
	if (!cJSON_IsObject(b)) {
		snprintf(err, errlen, "header: missing \"backend\" object");
		goto fail;
	}
	if (dec_backend(&d, b, &h->backend))
		goto fail;
	if (!cJSON_IsObject(s)) {
		snprintf(err, errlen, "header: missing \"strategy\" object");
		goto fail;
	}
	if (dec_strategy(&d, s, !strcmp(h->backend.kind, "import"), h))
		goto fail;
	if (dec_num(&d, json, "seed", 0, TRACE_MAX_EXACT, 1, &seed, "") || seed < 0) {
		snprintf(err, errlen, "header: missing or bad \"seed\" (a whole number from 0 to 2^53)");
		goto fail;
	}
	h->seed = (uint64_t)seed;
	if (dec_num(&d, json, "max_inflight", 0, 100000, 1, &inflight, ""))
		goto fail;
	h->max_inflight = (int)inflight;
	if (bud && !cJSON_IsObject(bud)) {
		snprintf(err, errlen, "header: \"budget\" must be an object");
		goto fail;
	}
	if (dec_num(&d, bud, "tokens", 0, TRACE_MAX_EXACT, 1, &tokens, "budget.") ||
	    dec_num(&d, bud, "requests", 0, TRACE_MAX_EXACT, 1, &requests, "budget."))
		goto fail;
	h->budget_tokens = (uint64_t)tokens;
	h->budget_requests = (uint64_t)requests;
	if (dec_str(&d, json, "version", 0, &h->canopy_version, "") || dec_str(&d, json, "created", 0, &h->created, ""))
		goto fail;
	return 0;
fail:
	header_free(h);
	return -1;
}

/* ---- for the screens ---- */

void header_params_string(const struct trace_header *h, int brief, struct strbuf *sb)
{
	params_describe(&h->params, h->order, (size_t)h->nparams, brief, sb);
	const cJSON *it;
	cJSON_ArrayForEach(it, h->strategy_extra) {
		if (cJSON_IsNumber(it))
			sb_printf(sb, "%s%s=%g", sb->len ? " " : "", it->string, it->valuedouble);
		else if (cJSON_IsString(it))
			sb_printf(sb, "%s%s=%s", sb->len ? " " : "", it->string, it->valuestring);
	}
}

const char *header_imported_from(const struct trace_header *h)
{
	if (!h->backend.kind || strcmp(h->backend.kind, "import"))
		return NULL;
	return h->backend.from ? h->backend.from : "another tool";
}
