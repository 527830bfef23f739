/* event_json: the journal's form of an event, one JSON object a line:
 * event_format writes it, event_parse reads it back through the one
 * scanner (jscan), checking every field's type and range, so that
 * everything downstream (the tree, the UI, replay, export) holds typed
 * events and never JSON text. */
#include "event.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jscan.h"

/* ---- writing ---- */

/* Rounds to 6 significant digits: more than any scorer means, and it
 * keeps the journal short and exactly reproducible on replay. */
static double round6(double v)
{
	if (!isfinite(v) || v == 0)
		return v;
	char buf[32];
	snprintf(buf, sizeof buf, "%.6g", v);
	return strtod(buf, NULL);
}

static void key(struct strbuf *sb, const char *k)
{
	sb_addc(sb, ',');
	sb_addc(sb, '"');
	sb_adds(sb, k);
	sb_add(sb, "\":", 2);
}

static void put_int(struct strbuf *sb, const char *k, long long v)
{
	key(sb, k);
	sb_printf(sb, "%lld", v);
}

static void put_num(struct strbuf *sb, const char *k, double v)
{
	key(sb, k);
	sb_add_json_number(sb, v);
}

static void put_str(struct strbuf *sb, const char *k, const char *s)
{
	key(sb, k);
	if (s)
		sb_add_json_string(sb, s, strlen(s));
	else
		sb_adds(sb, "null");
}

static void put_by(struct strbuf *sb, int by_user)
{
	put_str(sb, "by", by_user ? "user" : "search");
}

void event_format(struct strbuf *sb, const struct event *ev)
{
	sb_printf(sb, "{\"seq\":%llu,\"t\":%.3f,\"ev\":\"%s\"",
		  (unsigned long long)ev->seq, ev->t, event_type_name(ev->type));
	switch (ev->type) {
	case EV_NODE:
		put_int(sb, "id", ev->id);
		if (ev->parent != NODE_NONE)
			put_int(sb, "parent", ev->parent);
		put_str(sb, "kind", node_kind_name(ev->kind));
		if (ev->action > 0)
			put_int(sb, "action", ev->action);
		if (ev->round >= 0)
			put_int(sb, "round", ev->round);
		put_int(sb, "tokens", ev->tokens);
		key(sb, "text");
		sb_add_json_string(sb, ev->text ? ev->text : "",
				   ev->text ? ev->text_len : 0);
		break;
	case EV_SCORE:
		put_int(sb, "id", ev->id);
		if (!isnan(ev->prm))
			put_num(sb, "prm", ev->prm);
		if (!isnan(ev->orm))
			put_num(sb, "orm", ev->orm);
		if (!isnan(ev->prior))
			put_num(sb, "prior", ev->prior);
		break;
	case EV_STATS:
		put_int(sb, "id", ev->id);
		put_int(sb, "visits", ev->visits);
		put_num(sb, "value", ev->value);
		if (!isnan(ev->uct))
			put_num(sb, "uct", ev->uct);
		if (!isnan(ev->q))
			put_num(sb, "q", ev->q);
		break;
	case EV_PRUNE:
		put_int(sb, "id", ev->id);
		put_by(sb, ev->by_user);
		break;
	case EV_ANSWER:
		put_int(sb, "id", ev->id);
		put_str(sb, "answer", ev->answer);
		break;
	case EV_FINAL:
		put_str(sb, "answer", ev->answer);
		put_int(sb, "node", ev->id);
		if (ev->correct >= 0) {
			key(sb, "correct");
			sb_adds(sb, ev->correct ? "true" : "false");
		}
		if (ev->reason)
			put_str(sb, "reason", ev->reason);
		break;
	case EV_USAGE:
		put_int(sb, "gen_tokens", (long long)ev->usage.gen_tokens);
		put_int(sb, "prompt_tokens", (long long)ev->usage.prompt_tokens);
		put_int(sb, "requests", (long long)ev->usage.requests);
		put_int(sb, "scorer_calls", (long long)ev->usage.scorer_calls);
		if (ev->usage.scorer_tokens)
			put_int(sb, "scorer_tokens", (long long)ev->usage.scorer_tokens);
		if (ev->usage.estimated) {
			key(sb, "estimated");
			sb_adds(sb, "true");
		}
		break;
	case EV_ERROR:
		put_str(sb, "message", ev->text);
		if (ev->id != NODE_NONE)
			put_int(sb, "id", ev->id);
		if (ev->reason)
			put_str(sb, "level", ev->reason); /* "warning": it went through */
		break;
	case EV_UNIT:
		put_int(sb, "n", ev->n);
		put_str(sb, "what", ev->reason);
		break;
	case EV_KEEP:
		put_int(sb, "level", ev->n);
		key(sb, "ids");
		sb_addc(sb, '[');
		for (size_t i = 0; i < ev->nids; i++)
			sb_printf(sb, i ? ",%d" : "%d", ev->ids[i]);
		sb_addc(sb, ']');
		break;
	case EV_VOTE:
		put_str(sb, "chosen", ev->answer);
		key(sb, "clusters");
		sb_addc(sb, '[');
		for (size_t i = 0; i < ev->nclusters; i++) {
			const struct vote_cluster *c = &ev->clusters[i];
			sb_adds(sb, i ? ",{\"answer\":" : "{\"answer\":");
			sb_add_json_string(sb, c->answer, strlen(c->answer));
			put_int(sb, "count", c->count);
			put_num(sb, "weight", round6(c->weight)); /* a sum of float scores */
			key(sb, "nodes");
			sb_addc(sb, '[');
			for (size_t j = 0; j < c->nnodes; j++)
				sb_printf(sb, j ? ",%d" : "%d", c->nodes[j]);
			sb_add(sb, "]}", 2);
		}
		sb_addc(sb, ']');
		break;
	case EV_CMD:
		put_str(sb, "cmd", ev->text);
		put_by(sb, ev->by_user);
		if (ev->id != NODE_NONE)
			put_int(sb, "id", ev->id);
		if (ev->n >= 0)
			put_int(sb, "k", ev->n);
		break;
	case EV_SET:
		put_str(sb, "param", ev->param);
		put_str(sb, "value", ev->reason);
		put_by(sb, ev->by_user);
		break;
	case EV_ALLOC:
		put_int(sb, "id", ev->id);
		put_int(sb, "n", ev->n);
		if (!isnan(ev->value))
			put_num(sb, "r", ev->value);
		break;
	case EV_SELECT:
		put_int(sb, "id", ev->id);
		if (!isnan(ev->uct))
			put_num(sb, "uct", ev->uct);
		break;
	case EV_VERDICT:
		put_str(sb, "what", ev->reason);
		put_str(sb, "label", ev->label);
		if (ev->id != NODE_NONE)
			put_int(sb, "id", ev->id);
		key(sb, "values");
		sb_addc(sb, '{');
		for (size_t i = 0; i < ev->nvals; i++) {
			if (i)
				sb_addc(sb, ',');
			sb_add_json_string(sb, ev->keys[i], strlen(ev->keys[i]));
			sb_addc(sb, ':');
			sb_add_json_number(sb, round6(ev->vals[i]));
		}
		sb_addc(sb, '}');
		break;
	case EV_COUNT:
		break;
	}
	sb_add(sb, "}\n", 2);
}

/* ---- reading ---- */

/* The field helpers are always inlined so that each literal key's length
 * and comparison fold at compile time: loading a journal runs them ten
 * times a line. */
#define DECODER_HELPER static inline __attribute__((always_inline))

struct decoder {
	const struct jobject *o;
	char *err;
	size_t errlen;
};

DECODER_HELPER const struct jfield *want(struct decoder *d, const char *k, enum jtype t,
				 int required)
{
	const struct jfield *f = jobject_get(d->o, k);
	if (!f || (f->type == JT_NULL && !required)) {
		if (required)
			snprintf(d->err, d->errlen, "missing field \"%s\"", k);
		return NULL;
	}
	if (f->type != t) {
		snprintf(d->err, d->errlen, "field \"%s\" has the wrong type", k);
		return NULL;
	}
	return f;
}

/* A field that is absent is fine; one that is present with the wrong type
 * is an error.  Returns -1 on error, 0 absent, 1 present. */
DECODER_HELPER int opt(struct decoder *d, const char *k, enum jtype t, const struct jfield **out)
{
	const struct jfield *f = jobject_get(d->o, k);
	*out = NULL;
	if (!f || f->type == JT_NULL)
		return 0;
	if (f->type != t) {
		snprintf(d->err, d->errlen, "field \"%s\" has the wrong type", k);
		return -1;
	}
	*out = f;
	return 1;
}

DECODER_HELPER int get_int(struct decoder *d, const char *k, int64_t lo, int64_t hi,
		   int required, int64_t *out)
{
	const struct jfield *f;
	int r = required ? ((f = want(d, k, JT_NUMBER, 1)) ? 1 : -1)
			 : opt(d, k, JT_NUMBER, &f);
	if (r <= 0)
		return r;
	if (f->num != floor(f->num) || f->num < (double)lo || f->num > (double)hi) {
		snprintf(d->err, d->errlen, "field \"%s\" is not an integer in range", k);
		return -1;
	}
	*out = util_i64(f->num);
	return 1;
}

DECODER_HELPER int get_num(struct decoder *d, const char *k, int required, double *out)
{
	const struct jfield *f;
	int r = required ? ((f = want(d, k, JT_NUMBER, 1)) ? 1 : -1)
			 : opt(d, k, JT_NUMBER, &f);
	if (r > 0)
		*out = f->num;
	return r;
}

/* A UCT value: null stands for infinity (an unvisited child's), which
 * JSON cannot write; absent is none. */
DECODER_HELPER int get_uct(struct decoder *d, double *out)
{
	const struct jfield *f = jobject_get(d->o, "uct");
	if (f && f->type == JT_NULL) {
		*out = INFINITY;
		return 1;
	}
	return get_num(d, "uct", 0, out);
}

DECODER_HELPER int get_str(struct decoder *d, const char *k, int required,
		   struct strbuf *sb, const char **out)
{
	const struct jfield *f;
	int r = required ? ((f = want(d, k, JT_STRING, 1)) ? 1 : -1)
			 : opt(d, k, JT_STRING, &f);
	if (r <= 0)
		return r;
	sb_reset(sb);
	if (f->escaped)
		jstring_decode(f->raw, f->rawlen, sb);
	else
		sb_add(sb, f->raw + 1, f->rawlen - 2);
	*out = sb->s;
	return 1;
}

void event_round(struct event *ev)
{
	ev->prm = round6(ev->prm);
	ev->prior = round6(ev->prior);
	ev->orm = round6(ev->orm);
	ev->value = round6(ev->value);
	ev->uct = round6(ev->uct);
	ev->q = round6(ev->q);
}

DECODER_HELPER int get_by(struct decoder *d, struct event_scratch *sc, int *by_user)
{
	const char *by = NULL;
	if (get_str(d, "by", 1, &sc->param, &by) < 0)
		return -1;
	if (!strcmp(by, "user"))
		*by_user = 1;
	else if (!strcmp(by, "search"))
		*by_user = 0;
	else {
		snprintf(d->err, d->errlen, "field \"by\" must be \"user\" or \"search\"");
		return -1;
	}
	return 0;
}

static int32_t *scratch_ids(struct event_scratch *sc, size_t n)
{
	if (n > sc->ids_cap) {
		sc->ids_cap = n * 2;
		sc->ids = xrealloc(sc->ids, sc->ids_cap * sizeof *sc->ids);
	}
	return sc->ids;
}

struct vote_cluster *event_scratch_clusters(struct event_scratch *sc, size_t n)
{
	if (n > sc->clusters_cap) {
		sc->clusters_cap = n * 2;
		sc->clusters = xrealloc(sc->clusters, sc->clusters_cap * sizeof *sc->clusters);
	}
	return sc->clusters;
}

void event_scratch_values(struct event_scratch *sc, size_t n)
{
	for (size_t k = 0; k < sc->nvals_cap; k++) {
		free(sc->keys[k]);
		sc->keys[k] = NULL;
	}
	if (n > sc->nvals_cap) {
		sc->keys = xrealloc(sc->keys, n * sizeof *sc->keys);
		sc->vals = xrealloc(sc->vals, n * sizeof *sc->vals);
		memset(sc->keys + sc->nvals_cap, 0, (n - sc->nvals_cap) * sizeof *sc->keys);
		sc->nvals_cap = n;
	}
}

static int parse_id_array(struct decoder *d, const cJSON *arr, const char *what,
			  int32_t *out)
{
	size_t i = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, arr) {
		if (!cJSON_IsNumber(it) || it->valuedouble != floor(it->valuedouble) ||
		    it->valuedouble < 0 || it->valuedouble > INT32_MAX) {
			snprintf(d->err, d->errlen, "%s holds something other than a node id", what);
			return -1;
		}
		out[i++] = util_i32(it->valuedouble);
	}
	return 0;
}

static int parse_keep(struct decoder *d, struct event *ev, struct event_scratch *sc)
{
	const struct jfield *f = want(d, "ids", JT_ARRAY, 1);
	if (!f)
		return -1;
	cJSON *arr = cJSON_ParseWithLength(f->raw, f->rawlen);
	if (!arr) {
		snprintf(d->err, d->errlen, "field \"ids\" is not valid");
		return -1;
	}
	size_t n = (size_t)cJSON_GetArraySize(arr);
	int32_t *ids = scratch_ids(sc, n);
	int r = parse_id_array(d, arr, "\"ids\"", ids);
	cJSON_Delete(arr);
	ev->ids = ids;
	ev->nids = n;
	return r;
}

static int parse_vote(struct decoder *d, struct event *ev, struct event_scratch *sc)
{
	const struct jfield *f = want(d, "clusters", JT_ARRAY, 1);
	if (!f)
		return -1;
	cJSON *arr = cJSON_ParseWithLength(f->raw, f->rawlen);
	if (!arr) {
		snprintf(d->err, d->errlen, "field \"clusters\" is not valid");
		return -1;
	}
	size_t n = (size_t)cJSON_GetArraySize(arr), total = 0, i = 0;
	const cJSON *c;
	cJSON_ArrayForEach(c, arr) {
		const cJSON *nodes = cJSON_GetObjectItemCaseSensitive(c, "nodes");
		if (cJSON_IsArray(nodes))
			total += (size_t)cJSON_GetArraySize(nodes);
	}
	event_scratch_clusters(sc, n);
	int32_t *ids = scratch_ids(sc, total);
	size_t *offs = xcalloc(n ? n : 1, sizeof *offs);
	sb_reset(&sc->cluster_text);
	size_t used = 0;
	int r = 0;
	cJSON_ArrayForEach(c, arr) {
		const cJSON *a = cJSON_GetObjectItemCaseSensitive(c, "answer");
		const cJSON *cnt = cJSON_GetObjectItemCaseSensitive(c, "count");
		const cJSON *w = cJSON_GetObjectItemCaseSensitive(c, "weight");
		const cJSON *nodes = cJSON_GetObjectItemCaseSensitive(c, "nodes");
		if (!cJSON_IsString(a) || !cJSON_IsNumber(cnt) || cnt->valuedouble < 0 ||
		    !cJSON_IsNumber(w) || !cJSON_IsArray(nodes)) {
			snprintf(d->err, d->errlen,
				 "cluster %zu needs \"answer\", \"count\", \"weight\" and \"nodes\"", i + 1);
			r = -1;
			break;
		}
		struct vote_cluster *vc = &sc->clusters[i];
		offs[i] = sc->cluster_text.len;
		sb_add(&sc->cluster_text, a->valuestring, strlen(a->valuestring) + 1);
		vc->count = util_u32(cnt->valuedouble);
		vc->weight = w->valuedouble;
		vc->nodes = ids + used;
		vc->nnodes = (size_t)cJSON_GetArraySize(nodes);
		if ((r = parse_id_array(d, nodes, "\"nodes\"", ids + used)) < 0)
			break;
		used += vc->nnodes;
		i++;
	}
	cJSON_Delete(arr);
	/* the text buffer may have moved while growing: point in afterwards */
	for (size_t k = 0; k < i; k++)
		sc->clusters[k].answer = sc->cluster_text.s + offs[k];
	free(offs);
	ev->clusters = sc->clusters;
	ev->nclusters = n;
	return r;
}

/* "values": {"name": number, ...} */
static int parse_values(struct decoder *d, struct event *ev, struct event_scratch *sc)
{
	const struct jfield *f = want(d, "values", JT_OBJECT, 1);
	if (!f)
		return -1;
	cJSON *o = cJSON_ParseWithLength(f->raw, f->rawlen);
	if (!o) {
		snprintf(d->err, d->errlen, "field \"values\" is not valid");
		return -1;
	}
	size_t n = (size_t)cJSON_GetArraySize(o), i = 0;
	event_scratch_values(sc, n);
	const cJSON *it;
	int r = 0;
	cJSON_ArrayForEach(it, o) {
		if (!cJSON_IsNumber(it)) {
			snprintf(d->err, d->errlen, "value \"%.40s\" is not a number", it->string);
			r = -1;
			break;
		}
		sc->keys[i] = xstrdup(it->string);
		sc->vals[i++] = it->valuedouble;
	}
	cJSON_Delete(o);
	ev->keys = (const char *const *)sc->keys;
	ev->vals = sc->vals;
	ev->nvals = i;
	return r;
}

int event_parse(const char *line, size_t len, struct event *ev,
		struct event_scratch *sc, char *err, size_t errlen)
{
	struct jobject o;
	size_t pos;
	char jerr[96];
	if (jscan_object(line, len, &o, jerr, sizeof jerr, &pos)) {
		snprintf(err, errlen, "bad JSON at column %zu: %s", pos + 1, jerr);
		return -1;
	}
	struct decoder d = {&o, err, errlen};
	const struct jfield *f = want(&d, "ev", JT_STRING, 1);
	if (!f)
		return -1;
	int type = event_type_parse(f->raw + 1, f->rawlen - 2);
	if (type < 0) {
		snprintf(err, errlen, "unknown event type %.*s",
			 (int)(f->rawlen > 40 ? 40 : f->rawlen), f->raw);
		return -1;
	}
	event_init(ev, (enum ev_type)type);
	int64_t v = 0;
	if (get_int(&d, "seq", 1, INT64_MAX, 1, &v) < 0)
		return -1;
	ev->seq = (uint64_t)v;
	if (get_num(&d, "t", 1, &ev->t) < 0)
		return -1;
	int r = 0;
	switch (ev->type) {
	case EV_NODE: {
		const char *kind = NULL;
		if (get_int(&d, "id", 0, INT32_MAX, 1, &v) < 0)
			return -1;
		ev->id = (int32_t)v;
		if ((r = get_int(&d, "parent", 0, INT32_MAX, 0, &v)) < 0)
			return -1;
		if (r)
			ev->parent = (int32_t)v;
		if (get_str(&d, "kind", 1, &sc->reason, &kind) < 0)
			return -1;
		int k = node_kind_parse(kind, sc->reason.len);
		if (k < 0) {
			snprintf(err, errlen, "unknown node kind \"%.40s\"", kind);
			return -1;
		}
		ev->kind = (enum node_kind)k;
		if ((r = get_int(&d, "action", 0, 5, 0, &v)) < 0)
			return -1;
		if (r)
			ev->action = (int)v;
		if ((r = get_int(&d, "round", 0, INT16_MAX, 0, &v)) < 0)
			return -1;
		if (r)
			ev->round = (int)v;
		if ((r = get_int(&d, "tokens", 0, UINT32_MAX, 0, &v)) < 0)
			return -1;
		if (r)
			ev->tokens = (uint32_t)v;
		if (get_str(&d, "text", 1, &sc->text, &ev->text) < 0)
			return -1;
		ev->text_len = sc->text.len;
		return 0;
	}
	default:
		if (!event_type_needs_node(ev->type))
			break;
		if (get_int(&d, "id", 0, INT32_MAX, 1, &v) < 0)
			return -1;
		ev->id = (int32_t)v;
		break;
	}
	switch (ev->type) {
	case EV_SCORE: {
		int a = get_num(&d, "prm", 0, &ev->prm);
		int b = get_num(&d, "orm", 0, &ev->orm);
		int c = get_num(&d, "prior", 0, &ev->prior);
		if (a < 0 || b < 0 || c < 0)
			return -1;
		if (!a && !b && !c) {
			snprintf(err, errlen, "a score event needs \"prm\", \"orm\" or \"prior\"");
			return -1;
		}
		return 0;
	}
	case EV_STATS:
		if (get_int(&d, "visits", 0, UINT32_MAX, 1, &v) < 0)
			return -1;
		ev->visits = (uint32_t)v;
		if (get_num(&d, "value", 1, &ev->value) < 0 ||
		    get_uct(&d, &ev->uct) < 0 || get_num(&d, "q", 0, &ev->q) < 0)
			return -1;
		return 0;
	case EV_PRUNE:
		return get_by(&d, sc, &ev->by_user);
	case EV_ANSWER:
		return get_str(&d, "answer", 1, &sc->answer, &ev->answer) < 0 ? -1 : 0;
	case EV_FINAL: {
		const struct jfield *c;
		if (get_str(&d, "answer", 0, &sc->answer, &ev->answer) < 0)
			return -1;
		if (get_int(&d, "node", -1, INT32_MAX, 1, &v) < 0)
			return -1;
		ev->id = (int32_t)v;
		if (opt(&d, "correct", JT_BOOL, &c) < 0)
			return -1;
		if (c)
			ev->correct = c->boolean;
		return get_str(&d, "reason", 0, &sc->reason, &ev->reason) < 0 ? -1 : 0;
	}
	case EV_USAGE: {
		const char *keys[] = {"gen_tokens", "prompt_tokens", "requests", "scorer_calls", "scorer_tokens"};
		uint64_t *dst[] = {&ev->usage.gen_tokens, &ev->usage.prompt_tokens, &ev->usage.requests,
				   &ev->usage.scorer_calls, &ev->usage.scorer_tokens};
		for (int i = 0; i < 5; i++) {
			v = 0;
			if (get_int(&d, keys[i], 0, INT64_MAX, i < 3, &v) < 0)
				return -1;
			*dst[i] = (uint64_t)v;
		}
		const struct jfield *e;
		if (opt(&d, "estimated", JT_BOOL, &e) < 0)
			return -1;
		ev->usage.estimated = e ? e->boolean : 0;
		return 0;
	}
	case EV_ERROR:
		if (get_str(&d, "message", 1, &sc->text, &ev->text) < 0)
			return -1;
		ev->text_len = sc->text.len;
		if ((r = get_int(&d, "id", 0, INT32_MAX, 0, &v)) < 0)
			return -1;
		if (r)
			ev->id = (int32_t)v;
		if ((r = get_str(&d, "level", 0, &sc->reason, &ev->reason)) < 0)
			return -1;
		if (r && strcmp(ev->reason, "warning")) {
			snprintf(d.err, d.errlen, "field \"level\" must be \"warning\" (an error has none)");
			return -1;
		}
		return 0;
	case EV_UNIT:
		if (get_int(&d, "n", 0, INT64_MAX, 1, &ev->n) < 0)
			return -1;
		return get_str(&d, "what", 1, &sc->reason, &ev->reason) < 0 ? -1 : 0;
	case EV_KEEP:
		if (get_int(&d, "level", 0, INT64_MAX, 1, &ev->n) < 0)
			return -1;
		return parse_keep(&d, ev, sc);
	case EV_VOTE:
		if (get_str(&d, "chosen", 0, &sc->answer, &ev->answer) < 0)
			return -1;
		return parse_vote(&d, ev, sc);
	case EV_CMD:
		if (get_str(&d, "cmd", 1, &sc->text, &ev->text) < 0)
			return -1;
		ev->text_len = sc->text.len;
		if (get_by(&d, sc, &ev->by_user) < 0)
			return -1;
		if ((r = get_int(&d, "id", 0, INT32_MAX, 0, &v)) < 0)
			return -1;
		if (r)
			ev->id = (int32_t)v;
		return get_int(&d, "k", 0, INT64_MAX, 0, &ev->n) < 0 ? -1 : 0;
	case EV_SET:
		if (get_by(&d, sc, &ev->by_user) < 0)
			return -1;
		if (get_str(&d, "param", 1, &sc->param, &ev->param) < 0)
			return -1;
		return get_str(&d, "value", 1, &sc->reason, &ev->reason) < 0 ? -1 : 0;
	case EV_ALLOC:
		if (get_int(&d, "n", 0, INT32_MAX, 1, &ev->n) < 0)
			return -1;
		return get_num(&d, "r", 0, &ev->value) < 0 ? -1 : 0;
	case EV_SELECT:
		return get_uct(&d, &ev->uct) < 0 ? -1 : 0;
	case EV_VERDICT:
		if (get_str(&d, "what", 1, &sc->reason, &ev->reason) < 0 ||
		    get_str(&d, "label", 1, &sc->label, &ev->label) < 0)
			return -1;
		if ((r = get_int(&d, "id", 0, INT32_MAX, 0, &v)) < 0)
			return -1;
		if (r)
			ev->id = (int32_t)v;
		return parse_values(&d, ev, sc);
	default:
		return 0;
	}
}

void event_scratch_free(struct event_scratch *sc)
{
	sb_free(&sc->text);
	sb_free(&sc->answer);
	sb_free(&sc->reason);
	sb_free(&sc->param);
	sb_free(&sc->cluster_text);
	sb_free(&sc->label);
	for (size_t k = 0; k < sc->nvals_cap; k++)
		free(sc->keys[k]);
	free(sc->keys);
	free(sc->vals);
	free(sc->ids);
	free(sc->clusters);
	memset(sc, 0, sizeof *sc);
}

