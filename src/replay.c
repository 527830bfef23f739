/* replay: a trace as a cursor.  Loading decodes every line once (the
 * one decoder, through trace_reader) into an event store and applies it,
 * recording how to undo it; seeking then applies stored events or undoes
 * recorded ones, without reading the file or parsing again, and the tree
 * borrows its texts from the store. */
#include "replay.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evindex.h"
#include "evstore.h"
#include "testing.h"
#include "util.h"

/* What applying one event changed, to put it back. */
struct undo {
	uint8_t type;
	int32_t id;
	union {
		struct {
			float prm, orm, prior;
		} score;
		struct {
			uint32_t visits;
			float uct, q;
			double value;
		} stats;
		struct {
			uint32_t first, count; /* in the id pool */
		} ids;
		struct {
			const char *answer;
			uint16_t flags;
		} answer;
		struct {
			int32_t leaf;
		} final;
		struct {
			float uct;
		} select;
		struct {
			int32_t prev_last; /* the parent's last child before it */
			int32_t max_depth; /* the tree's before it */
		} node;
	} u;
};

/* The tree as it was at pos, to start a seek from (see replay_seek). */
struct checkpoint {
	size_t pos;
	struct tree_snap *snap;
};

/* A checkpoint every replay_cp_every events to begin with: a seek then
 * applies or undoes at most half of that.  When the checkpoints hold more
 * memory than 128 MiB or the tree itself, whichever is more, every other
 * one goes and the spacing doubles. */
size_t replay_cp_every = 65536, replay_cp_budget = 0; /* 0: the rule above */
#define CP_BUDGET ((size_t)128 << 20)

struct replay {
	struct trace_header header;
	struct tree *tree;
	char *path;
	size_t count, pos;
	struct evstore store; /* every event, decoded */
	struct evindex index; /* and under each node, the events naming it */
	struct undo *undo;
	int32_t *pool; /* ids a prune marked, or a keep newly kept */
	size_t npool, pool_cap;
	size_t *units; /* positions just before each unit event */
	uint32_t *unit_nth; /* each unit's number among those of its kind ("round" 2) */
	uint8_t *unit_kind; /* and its kind: an index into whats (255: not kept) */
	size_t nunits;
	struct {
		char *what;
		uint32_t n;
	} whats[16]; /* the kinds of unit seen, and how many of each so far */
	size_t nwhats;
	/* 1-based positions of the events a summary needs */
	struct poslist {
		size_t *v;
		size_t n;
	} kinds[5]; /* vote, final, usage, unit, difficulty verdict */
	struct event_scratch sc;
	struct checkpoint *cps; /* by position; the last one at the end */
	size_t ncps, cp_every;
};

static void pool_push(struct replay *r, int32_t id)
{
	if (r->npool == r->pool_cap) {
		r->pool_cap = r->pool_cap ? r->pool_cap * 2 : 256;
		r->pool = xrealloc(r->pool, r->pool_cap * sizeof *r->pool);
	}
	r->pool[r->npool++] = id;
}

/* Applies ev to the tree and fills u so that it can be undone. */
static int apply_recording(struct replay *r, const struct event *ev, struct undo *u, char *err,
			   size_t errlen)
{
	struct tree *t = r->tree;
	memset(u, 0, sizeof *u);
	u->type = (uint8_t)ev->type;
	u->id = ev->id;
	const struct node *n = tree_node(t, ev->id);
	switch (ev->type) {
	case EV_SCORE:
		if (n) {
			u->u.score.prm = n->prm;
			u->u.score.orm = n->orm;
			u->u.score.prior = n->prior;
		}
		break;
	case EV_STATS:
		if (n) {
			u->u.stats.visits = n->visits;
			u->u.stats.value = n->value;
			u->u.stats.uct = n->uct;
			u->u.stats.q = n->q;
		}
		break;
	case EV_ANSWER:
		if (n) {
			u->u.answer.answer = n->answer;
			u->u.answer.flags = n->flags;
		}
		break;
	case EV_FINAL:
		u->u.final.leaf = tree_final_leaf(t);
		break;
	case EV_SELECT:
		if (n)
			u->u.select.uct = n->uct;
		break;
	case EV_NODE: {
		const struct node *p = tree_node(t, ev->parent);
		u->u.node.prev_last = p ? p->last_child : NODE_NONE;
		u->u.node.max_depth = tree_max_depth(t);
		break;
	}
	case EV_PRUNE:
		if (n) {
			/* mark here, collecting what changes; event_apply below
			 * then finds nothing left to mark */
			u->u.ids.first = (uint32_t)r->npool;
			int32_t *marked = NULL;
			size_t nm = 0, cap = 0;
			tree_prune_by(t, ev->id, ev->by_user, &marked, &nm, &cap);
			for (size_t i = 0; i < nm; i++)
				pool_push(r, marked[i]);
			free(marked);
			u->u.ids.count = (uint32_t)nm;
		}
		break;
	case EV_KEEP:
		u->u.ids.first = (uint32_t)r->npool;
		for (size_t i = 0; i < ev->nids; i++) {
			const struct node *k = tree_node(t, ev->ids[i]);
			if (k && !(k->flags & NF_KEPT))
				pool_push(r, ev->ids[i]);
		}
		u->u.ids.count = (uint32_t)(r->npool - u->u.ids.first);
		break;
	default:
		break;
	}
	return event_apply(t, ev, err, errlen);
}

static void undo_one(struct replay *r, const struct undo *u)
{
	struct tree *t = r->tree;
	/* a node event's node is about to go; the others change theirs */
	struct node *n = u->type == EV_NODE ? NULL : tree_node_mut(t, u->id);
	switch ((enum ev_type)u->type) {
	case EV_NODE:
		tree_pop_to(t, u->u.node.prev_last, u->u.node.max_depth);
		break;
	case EV_SCORE:
		n->prm = u->u.score.prm;
		n->orm = u->u.score.orm;
		n->prior = u->u.score.prior;
		break;
	case EV_STATS:
		n->visits = u->u.stats.visits;
		n->value = u->u.stats.value;
		n->uct = u->u.stats.uct;
		n->q = u->u.stats.q;
		break;
	case EV_ANSWER:
		n->answer = u->u.answer.answer;
		n->flags = u->u.answer.flags;
		break;
	case EV_FINAL:
		tree_mark_final(t, u->u.final.leaf);
		break;
	case EV_SELECT:
		n->uct = u->u.select.uct;
		break;
	case EV_PRUNE:
		for (uint32_t i = 0; i < u->u.ids.count; i++)
			tree_node_mut(t, r->pool[u->u.ids.first + i])->flags &= (uint16_t)~(NF_PRUNED | NF_BY_USER);
		break;
	case EV_KEEP:
		for (uint32_t i = 0; i < u->u.ids.count; i++)
			tree_node_mut(t, r->pool[u->u.ids.first + i])->flags &= (uint16_t)~NF_KEPT;
		break;
	default:
		break;
	}
}

static int kind_index(enum ev_type t, const char *what)
{
	switch (t) {
	case EV_VOTE: return 0;
	case EV_FINAL: return 1;
	case EV_USAGE: return 2;
	case EV_UNIT: return 3;
	case EV_VERDICT: return what && !strcmp(what, "difficulty") ? 4 : -1;
	default: return -1;
	}
}

/* The unit's number among the units of its kind: a search numbers its
 * units over all kinds (a sample, then rounds 2, 3), a person counts
 * rounds from 1. */
static uint32_t count_unit(struct replay *r, const char *what, uint8_t *kind)
{
	for (size_t i = 0; i < r->nwhats; i++)
		if (!strcmp(r->whats[i].what, what)) {
			*kind = (uint8_t)i;
			return ++r->whats[i].n;
		}
	*kind = 255;
	if (r->nwhats == sizeof r->whats / sizeof *r->whats)
		return 0; /* more kinds than any strategy has: not numbered */
	r->whats[r->nwhats].what = xstrdup(what);
	r->whats[r->nwhats].n = 1;
	*kind = (uint8_t)r->nwhats;
	return r->whats[r->nwhats++].n;
}

/* The index of the first of the sorted v[0..n) above x (binary search:
 * a trace may have millions of units). */
static size_t first_after(const size_t *v, size_t n, size_t x)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (v[mid] <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t replay_find_unit(const struct replay *r, const char *what, size_t k)
{
	if (!k)
		return 0;
	if (!what)
		return k <= r->nunits ? r->units[k - 1] + 1 : 0;
	for (size_t i = 0; i < r->nunits; i++)
		if (r->unit_kind[i] != 255 && !strcmp(r->whats[r->unit_kind[i]].what, what) && r->unit_nth[i] == k)
			return r->units[i] + 1;
	return 0;
}

uint32_t replay_unit_nth(const struct replay *r, size_t at)
{
	size_t lo = 0, hi = r->nunits;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (r->units[mid] + 1 < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->nunits && r->units[lo] + 1 == at ? r->unit_nth[lo] : 0;
}

size_t replay_last(const struct replay *r, enum ev_type type, int difficulty_only, size_t pos)
{
	int k = kind_index(type, difficulty_only ? "difficulty" : NULL);
	if (k < 0)
		return 0;
	const struct poslist *pl = &r->kinds[k];
	size_t i = first_after(pl->v, pl->n, pos); /* then the last at or before pos */
	return i ? pl->v[i - 1] : 0;
}

static void checkpoint(struct replay *r)
{
	r->cps = xrealloc(r->cps, (r->ncps + 1) * sizeof *r->cps);
	r->cps[r->ncps].pos = r->count;
	r->cps[r->ncps++].snap = tree_snap_take(r->tree);
	size_t budget = replay_cp_budget ? replay_cp_budget
				: tree_memory(r->tree) > CP_BUDGET ? tree_memory(r->tree) : CP_BUDGET;
	while (tree_shared_bytes(r->tree) > budget && r->ncps > 2) {
		/* thin out: keep the start and every other one, and the
		 * newest (the end, when loading is done) */
		size_t k = 0;
		for (size_t i = 0; i < r->ncps; i++) {
			if (i % 2 == 0 || i == r->ncps - 1)
				r->cps[k++] = r->cps[i];
			else
				tree_snap_free(r->tree, r->cps[i].snap);
		}
		r->ncps = k;
		r->cp_every *= 2;
	}
}

struct replay *replay_open(const char *path, char *err, size_t errlen, char *warn, size_t warnlen)
{
	return replay_open_watched(path, NULL, err, errlen, warn, warnlen);
}

struct replay *replay_open_watched(const char *path, struct replay_watch *w, char *err, size_t errlen,
				   char *warn, size_t warnlen)
{
	struct replay *r = xcalloc(1, sizeof *r);
	if (warn && warnlen)
		warn[0] = '\0';
	evstore_init(&r->store);
	evindex_init(&r->index);
	struct trace_reader *rd = trace_reader_open(path, &r->header, err, errlen);
	if (!rd) {
		free(r);
		return NULL;
	}
	r->tree = tree_new();
	tree_borrow_strings(r->tree, 1); /* the store holds the texts */
	r->path = xstrdup(path);
	r->cp_every = replay_cp_every ? replay_cp_every : 1;
	checkpoint(r); /* the empty tree, before the first event */
	size_t cap = 0;
	struct event ev;
	int rc, stopped = 0;
	char msg[384];
	while ((rc = trace_reader_next(rd, &ev, err, errlen)) > 0) {
		if (r->count == cap) {
			cap = cap ? cap * 2 : 1024;
			r->undo = xrealloc(r->undo, cap * sizeof *r->undo);
		}
		/* applied as stored, so that the tree points into the store */
		evstore_add(&r->store, &ev);
		struct event sev;
		evstore_get(&r->store, r->count, &sev, &r->sc);
		if (apply_recording(r, &sev, &r->undo[r->count], msg, sizeof msg)) {
			trace_reader_error(rd, msg, err, errlen);
			rc = -1;
			break;
		}
		evindex_add(&r->index, r->count, &sev);
		if (ev.type == EV_UNIT) {
			r->units = xrealloc(r->units, (r->nunits + 1) * sizeof *r->units);
			r->unit_nth = xrealloc(r->unit_nth, (r->nunits + 1) * sizeof *r->unit_nth);
			r->unit_kind = xrealloc(r->unit_kind, (r->nunits + 1) * sizeof *r->unit_kind);
			r->unit_nth[r->nunits] = count_unit(r, ev.reason ? ev.reason : "", &r->unit_kind[r->nunits]);
			r->units[r->nunits++] = r->count;
		}
		int k = kind_index(ev.type, ev.reason);
		if (k >= 0) {
			struct poslist *pl = &r->kinds[k];
			pl->v = xrealloc(pl->v, (pl->n + 1) * sizeof *pl->v);
			pl->v[pl->n++] = r->count + 1;
		}
		r->count++;
		if (r->count - r->cps[r->ncps - 1].pos >= r->cp_every)
			checkpoint(r);
		if (w && r->count % 4096 == 0) {
			atomic_store(&w->bytes, trace_reader_offset(rd));
			atomic_store(&w->events, (uint64_t)r->count);
			if (atomic_load(&w->stop)) {
				stopped = 1;
				break;
			}
		}
	}
	if (stopped && warn)
		snprintf(warn, warnlen, "%s: loading stopped at line %llu: the replay holds the first %zu events",
			 path, (unsigned long long)trace_reader_line(rd), r->count);
	else if (rc == 0 && warn && trace_reader_warning(rd))
		snprintf(warn, warnlen, "%s", trace_reader_warning(rd));
	trace_reader_close(rd);
	if (rc < 0) {
		replay_free(r);
		return NULL;
	}
	r->pos = r->count;
	if (r->cps[r->ncps - 1].pos != r->count)
		checkpoint(r); /* the end: where G goes */
	return r;
}

void replay_free(struct replay *r)
{
	if (!r)
		return;
	header_free(&r->header);
	for (size_t i = 0; i < r->ncps; i++)
		tree_snap_free(r->tree, r->cps[i].snap);
	free(r->cps);
	tree_free(r->tree);
	evstore_free(&r->store);
	evindex_free(&r->index);
	free(r->path);
	free(r->undo);
	free(r->pool);
	free(r->units);
	free(r->unit_nth);
	free(r->unit_kind);
	for (size_t i = 0; i < r->nwhats; i++)
		free(r->whats[i].what);
	for (int k = 0; k < 5; k++)
		free(r->kinds[k].v);
	event_scratch_free(&r->sc);
	free(r);
}

const struct trace_header *replay_header(const struct replay *r) { return &r->header; }
struct tree *replay_tree(const struct replay *r) { return r->tree; }
size_t replay_count(const struct replay *r) { return r->count; }
size_t replay_pos(const struct replay *r) { return r->pos; }
const struct evstore *replay_store(const struct replay *r) { return &r->store; }
const struct evindex *replay_index(const struct replay *r) { return &r->index; }

double replay_time(const struct replay *r, size_t pos)
{
	return pos >= 1 && pos <= r->count ? evstore_time(&r->store, pos - 1) : 0;
}

int replay_event(struct replay *r, size_t pos, struct event *ev, char *err, size_t errlen)
{
	if (pos < 1 || pos > r->count) {
		snprintf(err, errlen, "no event %zu", pos);
		return -1;
	}
	evstore_get(&r->store, pos - 1, ev, &r->sc);
	return 0;
}

static size_t dist(size_t a, size_t b)
{
	return a > b ? a - b : b - a;
}

/* The checkpoint nearest pos. */
static const struct checkpoint *nearest(const struct replay *r, size_t pos)
{
	size_t lo = 0, hi = r->ncps;
	while (lo < hi) { /* the first at or after pos */
		size_t mid = (lo + hi) / 2;
		if (r->cps[mid].pos < pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == r->ncps)
		return &r->cps[lo - 1];
	if (lo > 0 && dist(r->cps[lo - 1].pos, pos) < dist(r->cps[lo].pos, pos))
		return &r->cps[lo - 1];
	return &r->cps[lo];
}

/* Restoring a checkpoint costs about as much as applying a sixteenth of
 * the spacing's events (a pass over the page list, and copying the pages
 * the seek then writes), so a short step is taken from the cursor. */

int replay_seek(struct replay *r, size_t pos, char *err, size_t errlen)
{
	if (pos > r->count)
		pos = r->count;
	/* from the nearest checkpoint when that is nearer than the cursor:
	 * the undo records hold wherever the tree came from, since the state
	 * before an event is always the same */
	const struct checkpoint *cp = nearest(r, pos);
	if (dist(cp->pos, pos) + r->cp_every / 16 < dist(r->pos, pos)) {
		tree_snap_restore(r->tree, cp->snap);
		r->pos = cp->pos;
	}
	while (r->pos > pos)
		undo_one(r, &r->undo[--r->pos]);
	while (r->pos < pos) {
		struct event ev;
		if (replay_event(r, r->pos + 1, &ev, err, errlen))
			return -1;
		/* the undo record from loading still holds: the state before
		 * this event is the same as then */
		struct undo keep = r->undo[r->pos];
		size_t pool_mark = r->npool;
		char msg[256];
		if (apply_recording(r, &ev, &r->undo[r->pos], msg, sizeof msg)) {
			snprintf(err, errlen, "%s: event %zu: %s", r->path, r->pos + 1, msg);
			return -1;
		}
		r->undo[r->pos] = keep;
		r->npool = pool_mark; /* the ids were recorded at load time */
		r->pos++;
	}
	return 0;
}

/* The index of the first unit starting after pos. */
static size_t unit_after(const struct replay *r, size_t pos)
{
	return first_after(r->units, r->nunits, pos);
}

size_t replay_next_unit(const struct replay *r)
{
	size_t i = unit_after(r, r->pos);
	return i < r->nunits ? r->units[i] : r->count;
}

size_t replay_prev_unit(const struct replay *r)
{
	/* the last unit starting before pos */
	size_t i = unit_after(r, r->pos ? r->pos - 1 : 0);
	if (!r->pos)
		return 0;
	return i > 0 ? r->units[i - 1] : 0;
}
