/* event: the event types, their constructors, applying an event to a
 * tree, and owned copies of events that outlive the line they were read
 * from.  The journal's JSON form is event_json.c's. */
#include "event.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"

static const char *const type_names[] = {
#define X(id, name, doc) name,
	EVENT_TYPES(X)
#undef X
};

static const char *const type_docs[] = {
#define X(id, name, doc) doc,
	EVENT_TYPES(X)
#undef X
};

const char *event_type_name(enum ev_type t)
{
	return (unsigned)t < EV_COUNT ? type_names[t] : "?";
}

const char *event_type_doc(enum ev_type t)
{
	return (unsigned)t < EV_COUNT ? type_docs[t] : "?";
}

int event_type_needs_node(enum ev_type t)
{
	return t == EV_SCORE || t == EV_STATS || t == EV_PRUNE || t == EV_ANSWER || t == EV_ALLOC || t == EV_SELECT;
}

int event_type_parse(const char *s, size_t len)
{
	for (int i = 0; i < EV_COUNT; i++)
		if (len && type_names[i][0] == s[0] && strlen(type_names[i]) == len &&
		    !memcmp(type_names[i], s, len))
			return i;
	return -1;
}

void event_init(struct event *ev, enum ev_type type)
{
	memset(ev, 0, sizeof *ev);
	ev->type = type;
	ev->id = ev->parent = NODE_NONE;
	ev->prm = ev->orm = ev->value = ev->uct = ev->prior = ev->q = NAN;
	ev->round = -1;
	ev->n = -1;
	ev->correct = -1;
}

void event_node(struct event *ev, int32_t id, int32_t parent, enum node_kind kind, const char *text,
		size_t len, uint32_t tokens, int action, int round)
{
	event_init(ev, EV_NODE);
	ev->id = id;
	ev->parent = parent;
	ev->kind = kind;
	ev->text = text;
	ev->text_len = len;
	ev->tokens = tokens;
	ev->action = action;
	ev->round = round;
}

void event_answer(struct event *ev, int32_t id, const char *answer)
{
	event_init(ev, EV_ANSWER);
	ev->id = id;
	ev->answer = answer;
}

void event_score(struct event *ev, int32_t id, double prm, double orm)
{
	event_init(ev, EV_SCORE);
	ev->id = id;
	ev->prm = prm;
	ev->orm = orm;
}

void event_unit(struct event *ev, int64_t n, const char *what)
{
	event_init(ev, EV_UNIT);
	ev->n = n;
	ev->reason = what;
}

void event_keep(struct event *ev, int64_t level, const int32_t *ids, size_t n)
{
	event_init(ev, EV_KEEP);
	ev->n = level;
	ev->ids = ids;
	ev->nids = n;
}

void event_vote(struct event *ev, const char *chosen, const struct vote_cluster *c, size_t n)
{
	event_init(ev, EV_VOTE);
	ev->answer = chosen;
	ev->clusters = c;
	ev->nclusters = n;
}

void event_verdict(struct event *ev, int32_t id, const char *what, const char *label,
		   const char *const *keys, const double *vals, size_t n)
{
	event_init(ev, EV_VERDICT);
	ev->id = id;
	ev->reason = what;
	ev->label = label;
	ev->keys = keys;
	ev->vals = vals;
	ev->nvals = n;
}

void event_final(struct event *ev, const char *answer, int32_t node, const char *reason, const char *gold)
{
	event_init(ev, EV_FINAL);
	ev->answer = answer;
	ev->id = node;
	ev->reason = reason;
	if (gold)
		ev->correct = answer ? answer_equal(answer, gold) : 0;
}

/* ---- applying ---- */

static int no_node(char *err, size_t errlen, const char *what, int32_t id)
{
	snprintf(err, errlen, "%s refers to node %d, which does not exist", what, id);
	return -1;
}

int event_apply(struct tree *t, const struct event *ev, char *err, size_t errlen)
{
	const char *what = event_type_name(ev->type);
	struct node *n = NULL;
	switch (ev->type) {
	case EV_NODE: {
		size_t expect = tree_count(t);
		if ((size_t)ev->id != expect) {
			snprintf(err, errlen, "node id %d out of order (expected %zu)", ev->id, expect);
			return -1;
		}
		if (ev->id == 0 && (ev->parent != NODE_NONE || ev->kind != NODE_PROBLEM)) {
			snprintf(err, errlen, "node 0 must be the problem, without a parent");
			return -1;
		}
		if (ev->id != 0 && ev->parent == NODE_NONE) {
			snprintf(err, errlen, "node %d has no parent", ev->id);
			return -1;
		}
		if (ev->parent != NODE_NONE && !tree_node(t, ev->parent))
			return no_node(err, errlen, "parent", ev->parent);
		int32_t id = tree_add(t, ev->parent, ev->kind, ev->text, ev->text_len);
		n = tree_node_mut(t, id);
		n->tokens = ev->tokens;
		n->action = (uint8_t)ev->action;
		n->round = (int16_t)ev->round;
		return 0;
	}
	case EV_FINAL:
		if (ev->id != NODE_NONE && !tree_node(t, ev->id))
			return no_node(err, errlen, what, ev->id);
		tree_mark_final(t, ev->id);
		return 0;
	case EV_VERDICT:
	case EV_ERROR:
	case EV_CMD:
		if (ev->id != NODE_NONE && !tree_node(t, ev->id))
			return no_node(err, errlen, what, ev->id);
		return 0;
	case EV_KEEP:
		for (size_t i = 0; i < ev->nids; i++)
			if (!tree_node(t, ev->ids[i]))
				return no_node(err, errlen, what, ev->ids[i]);
		for (size_t i = 0; i < ev->nids; i++)
			tree_node_mut(t, ev->ids[i])->flags |= NF_KEPT;
		return 0;
	case EV_VOTE:
		for (size_t i = 0; i < ev->nclusters; i++)
			for (size_t j = 0; j < ev->clusters[i].nnodes; j++)
				if (!tree_node(t, ev->clusters[i].nodes[j]))
					return no_node(err, errlen, what, ev->clusters[i].nodes[j]);
		return 0;
	default:
		if (!event_type_needs_node(ev->type))
			return 0;
		if (!tree_node(t, ev->id))
			return no_node(err, errlen, what, ev->id);
		if (ev->type == EV_SCORE || ev->type == EV_STATS)
			n = tree_node_mut(t, ev->id);
		break;
	}
	switch (ev->type) {
	case EV_SCORE:
		if (!isnan(ev->prm))
			n->prm = (float)ev->prm;
		if (!isnan(ev->orm))
			n->orm = (float)ev->orm;
		if (!isnan(ev->prior))
			n->prior = (float)ev->prior;
		break;
	case EV_STATS:
		n->visits = ev->visits;
		n->value = ev->value;
		n->uct = (float)ev->uct;
		n->q = (float)ev->q;
		break;
	case EV_PRUNE:
		tree_prune_by(t, ev->id, ev->by_user, NULL, NULL, NULL);
		break;
	case EV_ANSWER:
		tree_set_answer(t, ev->id, ev->answer);
		break;
	default:
		break;
	}
	return 0;
}

/* ---- owned copies ---- */

/* Copying an event into one block: a first pass measures (base NULL),
 * a second copies.  Everything is aligned for the widest member. */
struct copier {
	char *base;
	size_t used;
};

static void *take(struct copier *c, const void *src, size_t n)
{
	size_t at = (c->used + 7) & ~(size_t)7;
	c->used = at + n;
	if (!c->base || !src)
		return c->base ? c->base + at : NULL;
	memcpy(c->base + at, src, n);
	return c->base + at;
}

static const char *take_str(struct copier *c, const char *s)
{
	return s ? take(c, s, strlen(s) + 1) : NULL;
}

static void copy_into(struct copier *c, struct event *dst, const struct event *src)
{
	*dst = *src;
	if (src->text) {
		char *t = take(c, src->text, src->text_len + 1);
		if (t)
			t[src->text_len] = '\0';
		dst->text = t;
	}
	dst->answer = take_str(c, src->answer);
	dst->reason = take_str(c, src->reason);
	dst->param = take_str(c, src->param);
	dst->label = take_str(c, src->label);
	dst->ids = src->nids ? take(c, src->ids, src->nids * sizeof *src->ids) : NULL;
	dst->vals = src->nvals ? take(c, src->vals, src->nvals * sizeof *src->vals) : NULL;
	const char **keys = src->nvals ? take(c, NULL, src->nvals * sizeof *keys) : NULL;
	for (size_t i = 0; i < src->nvals; i++) {
		const char *k = take_str(c, src->keys[i]);
		if (keys)
			keys[i] = k;
	}
	dst->keys = keys;
	struct vote_cluster *cl = src->nclusters ? take(c, src->clusters, src->nclusters * sizeof *cl) : NULL;
	for (size_t i = 0; i < src->nclusters; i++) {
		const char *a = take_str(c, src->clusters[i].answer);
		const int32_t *nodes = src->clusters[i].nnodes
			? take(c, src->clusters[i].nodes, src->clusters[i].nnodes * sizeof(int32_t)) : NULL;
		if (cl) {
			cl[i].answer = a;
			cl[i].nodes = nodes;
		}
	}
	dst->clusters = cl;
}

void event_hold_set(struct event_hold *h, const struct event *ev)
{
	struct copier c = {NULL, 0};
	struct event scratch;
	copy_into(&c, &scratch, ev);
	void *mem = xmalloc(c.used ? c.used : 1);
	c.base = mem;
	c.used = 0;
	struct event copy;
	copy_into(&c, &copy, ev);
	/* ev may point into the old copy: free it only now */
	free(h->mem);
	h->mem = mem;
	h->ev = copy;
	h->held = 1;
}

void event_hold_clear(struct event_hold *h)
{
	free(h->mem);
	memset(h, 0, sizeof *h);
}

double event_value(const struct event *ev, const char *key)
{
	for (size_t i = 0; i < ev->nvals; i++)
		if (ev->keys[i] && !strcmp(ev->keys[i], key))
			return ev->vals[i];
	return NAN;
}
