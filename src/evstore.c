/* evstore: events packed once, unpacked without parsing (see evstore.h).
 *
 * A record: the type (1 byte), a bit mask of the fields it holds (4
 * bytes), seq and t, then each field of the mask in the order below.
 * Whole numbers are LEB128 varints (zig-zag when they may be negative),
 * real numbers 8 bytes, strings a varint length, the bytes and a NUL
 * (so they are C strings in place), arrays aligned for their element.
 * Fields at their "absent" values (event_init's) are not written, so a
 * score is some thirty bytes and a node its text and a dozen more. */
#include "evstore.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define CHUNK (1u << 20)

enum {
	F_ID = 1u << 0,
	F_PARENT = 1u << 1,
	F_KIND = 1u << 2,
	F_ACTION = 1u << 3,
	F_ROUND = 1u << 4,
	F_TEXT = 1u << 5,
	F_ANSWER = 1u << 6,
	F_REASON = 1u << 7,
	F_PARAM = 1u << 8,
	F_LABEL = 1u << 9,
	F_PRM = 1u << 10,
	F_ORM = 1u << 11,
	F_VALUE = 1u << 12,
	F_UCT = 1u << 13,
	F_PRIOR = 1u << 14,
	F_Q = 1u << 15,
	F_VISITS = 1u << 16,
	F_TOKENS = 1u << 17,
	F_N = 1u << 18,
	F_BY_USER = 1u << 19,
	F_CORRECT = 1u << 20,
	F_USAGE = 1u << 21,
	F_IDS = 1u << 22,
	F_CLUSTERS = 1u << 23,
	F_VALS = 1u << 24,
};

void evstore_init(struct evstore *s)
{
	memset(s, 0, sizeof *s);
}

void evstore_free(struct evstore *s)
{
	for (size_t i = 0; i < s->nchunks; i++)
		free(s->chunks[i]);
	free(s->chunks);
	free(s->at);
	memset(s, 0, sizeof *s);
}

size_t evstore_count(const struct evstore *s)
{
	return s->n;
}

/* ---- packing: measure first, then write into one place ---- */

struct packer {
	char *p;    /* where to write; past cap only the size is counted */
	size_t n;   /* bytes so far */
	size_t cap;
};

static void put(struct packer *k, const void *v, size_t len)
{
	if (len && k->n + len <= k->cap) /* v may be NULL when len is 0 */
		memcpy(k->p + k->n, v, len);
	k->n += len;
}

static void put_u8(struct packer *k, uint8_t v)
{
	put(k, &v, 1);
}

static void put_varint(struct packer *k, uint64_t v)
{
	do {
		uint8_t b = (uint8_t)(v & 0x7f);
		v >>= 7;
		put_u8(k, (uint8_t)(b | (v ? 0x80 : 0)));
	} while (v);
}

static void put_signed(struct packer *k, int64_t v)
{
	put_varint(k, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

static void put_f64(struct packer *k, double v)
{
	put(k, &v, sizeof v);
}

static void put_str(struct packer *k, const char *s, size_t len)
{
	put_varint(k, len);
	put(k, s, len);
	put_u8(k, 0);
}

static void align(struct packer *k, size_t a)
{
	while (k->n % a)
		put_u8(k, 0);
}

static uint32_t mask_of(const struct event *ev)
{
	uint32_t m = 0;
	m |= ev->id != NODE_NONE ? F_ID : 0;
	m |= ev->parent != NODE_NONE ? F_PARENT : 0;
	m |= ev->kind != 0 ? F_KIND : 0;
	m |= ev->action != 0 ? F_ACTION : 0;
	m |= ev->round != -1 ? F_ROUND : 0;
	m |= ev->text ? F_TEXT : 0;
	m |= ev->answer ? F_ANSWER : 0;
	m |= ev->reason ? F_REASON : 0;
	m |= ev->param ? F_PARAM : 0;
	m |= ev->label ? F_LABEL : 0;
	m |= !isnan(ev->prm) ? F_PRM : 0;
	m |= !isnan(ev->orm) ? F_ORM : 0;
	m |= !isnan(ev->value) ? F_VALUE : 0;
	m |= !isnan(ev->uct) ? F_UCT : 0;
	m |= !isnan(ev->prior) ? F_PRIOR : 0;
	m |= !isnan(ev->q) ? F_Q : 0;
	m |= ev->visits ? F_VISITS : 0;
	m |= ev->tokens ? F_TOKENS : 0;
	m |= ev->n != -1 ? F_N : 0;
	m |= ev->by_user ? F_BY_USER : 0;
	m |= ev->correct != -1 ? F_CORRECT : 0;
	const struct usage *u = &ev->usage;
	m |= u->gen_tokens || u->prompt_tokens || u->requests || u->scorer_calls || u->scorer_tokens || u->estimated
		     ? F_USAGE
		     : 0;
	m |= ev->nids ? F_IDS : 0;
	m |= ev->nclusters ? F_CLUSTERS : 0;
	m |= ev->nvals ? F_VALS : 0;
	return m;
}

static void pack(struct packer *k, const struct event *ev)
{
	uint32_t m = mask_of(ev);
	put_u8(k, (uint8_t)ev->type);
	put(k, &m, sizeof m);
	put_varint(k, ev->seq);
	put_f64(k, ev->t);
	if (m & F_ID)
		put_signed(k, ev->id);
	if (m & F_PARENT)
		put_signed(k, ev->parent);
	if (m & F_KIND)
		put_varint(k, (uint64_t)ev->kind);
	if (m & F_ACTION)
		put_signed(k, ev->action);
	if (m & F_ROUND)
		put_signed(k, ev->round);
	if (m & F_TEXT)
		put_str(k, ev->text, ev->text_len);
	if (m & F_ANSWER)
		put_str(k, ev->answer, strlen(ev->answer));
	if (m & F_REASON)
		put_str(k, ev->reason, strlen(ev->reason));
	if (m & F_PARAM)
		put_str(k, ev->param, strlen(ev->param));
	if (m & F_LABEL)
		put_str(k, ev->label, strlen(ev->label));
	const double *reals[] = {&ev->prm, &ev->orm, &ev->value, &ev->uct, &ev->prior, &ev->q};
	for (int i = 0; i < 6; i++)
		if (m & (F_PRM << i))
			put_f64(k, *reals[i]);
	if (m & F_VISITS)
		put_varint(k, ev->visits);
	if (m & F_TOKENS)
		put_varint(k, ev->tokens);
	if (m & F_N)
		put_signed(k, ev->n);
	if (m & F_CORRECT)
		put_u8(k, (uint8_t)ev->correct);
	if (m & F_USAGE) {
		const struct usage *u = &ev->usage;
		put_varint(k, u->gen_tokens);
		put_varint(k, u->prompt_tokens);
		put_varint(k, u->requests);
		put_varint(k, u->scorer_calls);
		put_varint(k, u->scorer_tokens);
		put_u8(k, (uint8_t)u->estimated);
	}
	if (m & F_IDS) {
		put_varint(k, ev->nids);
		align(k, sizeof(int32_t));
		put(k, ev->ids, ev->nids * sizeof *ev->ids);
	}
	if (m & F_CLUSTERS) {
		put_varint(k, ev->nclusters);
		for (size_t i = 0; i < ev->nclusters; i++) {
			const struct vote_cluster *c = &ev->clusters[i];
			put_str(k, c->answer, strlen(c->answer));
			put_varint(k, c->count);
			put_f64(k, c->weight);
			put_varint(k, c->nnodes);
			align(k, sizeof(int32_t));
			put(k, c->nodes, c->nnodes * sizeof *c->nodes);
		}
	}
	if (m & F_VALS) {
		put_varint(k, ev->nvals);
		for (size_t i = 0; i < ev->nvals; i++)
			put_str(k, ev->keys[i], strlen(ev->keys[i]));
		for (size_t i = 0; i < ev->nvals; i++)
			put_f64(k, ev->vals[i]);
	}
}

static void new_chunk(struct evstore *s, size_t need)
{
	s->chunks = xrealloc(s->chunks, (s->nchunks + 1) * sizeof *s->chunks);
	s->chunks[s->nchunks++] = xmalloc(need > CHUNK ? need : CHUNK);
	s->last_used = 0;
	s->chunk_size = need > CHUNK ? need : CHUNK;
}

void evstore_add(struct evstore *s, const struct event *ev)
{
	if (!s->nchunks)
		new_chunk(s, CHUNK);
	/* records start 8-aligned, so the arrays' alignment inside holds */
	s->last_used = (s->last_used + 7) & ~(size_t)7;
	if (s->last_used > s->chunk_size)
		s->last_used = s->chunk_size;
	char *at = s->chunks[s->nchunks - 1] + s->last_used;
	struct packer k = {at, 0, s->chunk_size - s->last_used};
	pack(&k, ev);
	if (k.n > k.cap) {
		/* it did not fit: a record never spans chunks, and a big one
		 * gets a chunk of its own */
		new_chunk(s, k.n);
		at = s->chunks[s->nchunks - 1];
		k = (struct packer){at, 0, s->chunk_size};
		pack(&k, ev);
	}
	s->last_used += k.n;
	s->bytes += k.n;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->at = xrealloc(s->at, s->cap * sizeof *s->at);
	}
	s->at[s->n++] = at;
}

/* ---- unpacking ---- */

struct reader {
	const char *base, *p;
};

static uint64_t get_varint(struct reader *r)
{
	uint64_t v = 0;
	for (int shift = 0;; shift += 7) {
		uint8_t b = (uint8_t)*r->p++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
}

static int64_t get_signed(struct reader *r)
{
	uint64_t v = get_varint(r);
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static double get_f64(struct reader *r)
{
	double v;
	memcpy(&v, r->p, sizeof v);
	r->p += sizeof v;
	return v;
}

static const char *get_str(struct reader *r, size_t *len)
{
	size_t l = (size_t)get_varint(r);
	const char *s = r->p;
	r->p += l + 1;
	if (len)
		*len = l;
	return s;
}

static void get_align(struct reader *r, size_t a)
{
	while ((size_t)(r->p - r->base) % a)
		r->p++;
}

double evstore_time(const struct evstore *s, size_t i)
{
	/* the type, the mask, seq, then t: see the record's layout above */
	struct reader r = {s->at[i], s->at[i] + 1 + sizeof(uint32_t)};
	get_varint(&r);
	return get_f64(&r);
}

void evstore_get(const struct evstore *s, size_t i, struct event *ev, struct event_scratch *sc)
{
	struct reader r = {s->at[i], s->at[i]};
	enum ev_type type = (enum ev_type)(uint8_t)*r.p++;
	uint32_t m;
	memcpy(&m, r.p, sizeof m);
	r.p += sizeof m;
	event_init(ev, type);
	ev->seq = get_varint(&r);
	ev->t = get_f64(&r);
	if (m & F_ID)
		ev->id = (int32_t)get_signed(&r);
	if (m & F_PARENT)
		ev->parent = (int32_t)get_signed(&r);
	if (m & F_KIND)
		ev->kind = (enum node_kind)get_varint(&r);
	if (m & F_ACTION)
		ev->action = (int)get_signed(&r);
	if (m & F_ROUND)
		ev->round = (int)get_signed(&r);
	if (m & F_TEXT)
		ev->text = get_str(&r, &ev->text_len);
	if (m & F_ANSWER)
		ev->answer = get_str(&r, NULL);
	if (m & F_REASON)
		ev->reason = get_str(&r, NULL);
	if (m & F_PARAM)
		ev->param = get_str(&r, NULL);
	if (m & F_LABEL)
		ev->label = get_str(&r, NULL);
	double *reals[] = {&ev->prm, &ev->orm, &ev->value, &ev->uct, &ev->prior, &ev->q};
	for (int k = 0; k < 6; k++)
		if (m & (F_PRM << k))
			*reals[k] = get_f64(&r);
	if (m & F_VISITS)
		ev->visits = (uint32_t)get_varint(&r);
	if (m & F_TOKENS)
		ev->tokens = (uint32_t)get_varint(&r);
	if (m & F_N)
		ev->n = get_signed(&r);
	ev->by_user = (m & F_BY_USER) != 0;
	if (m & F_CORRECT)
		ev->correct = (int)(uint8_t)*r.p++;
	if (m & F_USAGE) {
		struct usage *u = &ev->usage;
		u->gen_tokens = get_varint(&r);
		u->prompt_tokens = get_varint(&r);
		u->requests = get_varint(&r);
		u->scorer_calls = get_varint(&r);
		u->scorer_tokens = get_varint(&r);
		u->estimated = (uint8_t)*r.p++;
	}
	if (m & F_IDS) {
		ev->nids = (size_t)get_varint(&r);
		get_align(&r, sizeof(int32_t));
		ev->ids = (const int32_t *)(const void *)r.p;
		r.p += ev->nids * sizeof(int32_t);
	}
	if (m & F_CLUSTERS) {
		size_t n = (size_t)get_varint(&r);
		struct vote_cluster *cl = event_scratch_clusters(sc, n);
		for (size_t k = 0; k < n; k++) {
			struct vote_cluster *c = &cl[k];
			c->answer = get_str(&r, NULL);
			c->count = (uint32_t)get_varint(&r);
			c->weight = get_f64(&r);
			c->nnodes = (size_t)get_varint(&r);
			get_align(&r, sizeof(int32_t));
			c->nodes = (const int32_t *)(const void *)r.p;
			r.p += c->nnodes * sizeof(int32_t);
		}
		ev->clusters = cl;
		ev->nclusters = n;
	}
	if (m & F_VALS) {
		size_t n = (size_t)get_varint(&r);
		event_scratch_values(sc, n);
		/* keys stay owned by the scratch (event_scratch_free frees
		 * them): copies of the few names a verdict has */
		for (size_t k = 0; k < n; k++)
			sc->keys[k] = xstrdup(get_str(&r, NULL));
		for (size_t k = 0; k < n; k++)
			sc->vals[k] = get_f64(&r);
		ev->keys = (const char *const *)sc->keys;
		ev->vals = sc->vals;
		ev->nvals = n;
	}
}
