#include "model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "search.h"
#include "calib.h"
#include "trace.h"
#include "why.h"

static void grow(struct model *m)
{
	size_t n = tree_count(m->tree);
	if (n <= m->cap)
		return;
	size_t cap = m->cap ? m->cap : 1024;
	while (cap < n)
		cap *= 2;
	m->folded = xrealloc(m->folded, cap);
	m->born = xrealloc(m->born, cap * sizeof *m->born);
	memset(m->folded + m->cap, 0, cap - m->cap);
	for (size_t i = m->cap; i < cap; i++)
		m->born[i] = 0;
	m->cap = cap;
}

double model_score(const struct node *n)
{
	if (n->visits)
		return n->value / n->visits;
	if (!isnan(n->prm))
		return n->prm;
	return n->orm;
}

int32_t model_best(const struct model *m)
{
	/* the best-scoring node that states an answer, else the best-scoring
	 * node: a walk of the whole tree, for a key, never for a frame */
	int32_t best = NODE_NONE;
	int best_terminal = 0;
	double best_score = -INFINITY;
	for (size_t i = 1; i < tree_count(m->tree); i++) {
		const struct node *n = tree_node(m->tree, (int32_t)i);
		double sc = model_score(n);
		int terminal = (n->flags & NF_TERMINAL) != 0;
		if (isnan(sc) || (n->flags & NF_PRUNED))
			continue;
		if (best == NODE_NONE || terminal > best_terminal ||
		    (terminal == best_terminal && sc > best_score)) {
			best = (int32_t)i;
			best_terminal = terminal;
			best_score = sc;
		}
	}
	return best;
}

static void header_facts(struct model *m, const struct trace_header *h)
{
	m->problem = xstrdup(h->problem);
	m->gold = h->gold ? xstrdup(h->gold) : NULL;
	m->strategy = xstrdup(h->strategy);
	m->backend = xstrdup(h->backend.kind);
	const char *from = header_imported_from(h);
	m->imported_from = from ? xstrdup(from) : NULL;
	/* the strategy's parameters as "name=value ..." */
	struct strbuf sb;
	sb_init(&sb);
	header_params_string(h, 1, &sb);
	m->params = sb_steal(&sb);
	m->budget_tokens = h->budget_tokens;
	m->budget_requests = h->budget_requests;
}

void model_init_live(struct model *m, struct search *s, struct worker *w, const char *journal,
		     const char *problem, const char *gold, const char *strategy, const char *params,
		     const char *backend)
{
	memset(m, 0, sizeof *m);
	m->live = 1;
	evstore_init(&m->store);
	evindex_init(&m->index);
	m->tree = tree_new();
	m->search = s;
	m->worker = w;
	m->journal = journal;
	m->problem = xstrdup(problem);
	m->gold = gold ? xstrdup(gold) : NULL;
	m->strategy = xstrdup(strategy);
	m->params = xstrdup(params);
	m->backend = xstrdup(backend);
	m->budget_tokens = search_budget_tokens(s);
	m->budget_requests = search_budget_requests(s);
	m->speed = 20;
}

/* Live: one more unit of this kind; its number among them (a replay
 * takes it from its index instead, replay_unit_nth). */
static uint64_t unit_nth(struct model *m, const char *what)
{
	for (size_t i = 0; i < m->nwhats; i++)
		if (!strcmp(m->whats[i].what, what))
			return ++m->whats[i].n;
	if (m->nwhats == sizeof m->whats / sizeof *m->whats)
		return 0;
	snprintf(m->whats[m->nwhats].what, sizeof m->whats[0].what, "%s", what);
	m->whats[m->nwhats].n = 1;
	return m->whats[m->nwhats++].n;
}

static void summarise(struct model *m, const struct event *ev)
{
	switch (ev->type) {
	case EV_VOTE:
		event_hold_set(&m->vote, ev);
		break;
	case EV_FINAL:
		event_hold_set(&m->final, ev);
		break;
	case EV_VERDICT:
		if (ev->reason && !strcmp(ev->reason, "difficulty"))
			event_hold_set(&m->difficulty, ev);
		break;
	case EV_USAGE:
		m->usage = ev->usage;
		break;
	case EV_SET:
		if (m->live)
			model_params_now(m);
		break;
	case EV_UNIT:
		snprintf(m->unit, sizeof m->unit, "%s", ev->reason ? ev->reason : "");
		m->unit_n = unit_nth(m, m->unit);
		break;
	default:
		break;
	}
}

long model_apply_lines(struct model *m, const char *lines, size_t len, char *err, size_t errlen)
{
	long applied = 0;
	double now = util_now();
	const char *p = lines, *end = lines + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct event ev;
		char msg[256];
		if (event_parse(p, l, &ev, &m->sc, msg, sizeof msg) ||
		    event_apply(m->tree, &ev, msg, sizeof msg)) {
			snprintf(err, errlen, "event from the search: %s", msg);
			return -1;
		}
		grow(m);
		evindex_add(&m->index, evstore_count(&m->store), &ev);
		evstore_add(&m->store, &ev);
		if (ev.type == EV_NODE)
			m->born[ev.id] = now;
		summarise(m, &ev);
		m->events = ev.seq;
		m->last_t = ev.t;
		applied++;
		p = nl ? nl + 1 : end;
	}
	return applied;
}

void model_init_replay(struct model *m, struct replay *r)
{
	memset(m, 0, sizeof *m);
	m->replay = r;
	m->tree = replay_tree(r);
	header_facts(m, replay_header(r));
	evstore_init(&m->store);
	evindex_init(&m->index);
	m->speed = 20;
	char err[256];
	model_seek(m, replay_pos(r), err, sizeof err);
}

/* Replay: the summaries of the events up to the cursor. */
static void resummarise(struct model *m)
{
	struct replay *r = m->replay;
	size_t pos = replay_pos(r);
	char err[256];
	struct event ev;
	event_hold_clear(&m->vote);
	event_hold_clear(&m->final);
	event_hold_clear(&m->difficulty);
	memset(&m->usage, 0, sizeof m->usage);
	m->unit[0] = '\0';
	m->unit_n = 0;
	static const enum ev_type types[] = {EV_VOTE, EV_FINAL, EV_USAGE, EV_UNIT, EV_VERDICT};
	for (size_t i = 0; i < 5; i++) {
		size_t at = replay_last(r, types[i], types[i] == EV_VERDICT, pos);
		if (at && !replay_event(r, at, &ev, err, sizeof err))
			summarise(m, &ev);
		if (at && types[i] == EV_UNIT)
			m->unit_n = replay_unit_nth(r, at);
	}
	m->events = pos;
	m->last_t = replay_time(r, pos);
	if (replay_index(r)->nsets)
		model_params_now(m); /* as the set events up to here left them */
}

int model_seek(struct model *m, size_t pos, char *err, size_t errlen)
{
	if (replay_seek(m->replay, pos, err, errlen))
		return -1;
	/* nothing here may walk the tree: a seek costs what the screen
	 * shows, whatever the trace's length (a new node's flash is a live
	 * run's only) */
	grow(m);
	resummarise(m);
	return 0;
}

int model_is_folded(const struct model *m, int32_t id)
{
	return id >= 0 && (size_t)id < m->cap && m->folded[id];
}

void model_set_folded(struct model *m, int32_t id, int folded)
{
	grow(m);
	if (id >= 0 && (size_t)id < m->cap)
		m->folded[id] = (unsigned char)(folded != 0);
}

double model_born(const struct model *m, int32_t id)
{
	return id >= 0 && (size_t)id < m->cap ? m->born[id] : 0;
}

void model_free(struct model *m)
{
	if (m->live)
		tree_free(m->tree);
	free(m->problem);
	free(m->gold);
	free(m->strategy);
	free(m->params);
	free(m->backend);
	free(m->imported_from);
	free(m->folded);
	free(m->born);
	event_hold_clear(&m->vote);
	event_hold_clear(&m->final);
	event_hold_clear(&m->difficulty);
	event_scratch_free(&m->sc);
	event_scratch_free(&m->why_sc);
	free(m->labels);
	evstore_free(&m->store);
	evindex_free(&m->index);
	if (m->has_header)
		header_free(&m->header);
	memset(m, 0, sizeof *m);
}

const struct trace_header *model_header(struct model *m)
{
	if (m->replay)
		return replay_header(m->replay);
	if (!m->has_header && m->journal) {
		/* the journal's first line, written before the search began:
		 * what the strategy and its parameters are */
		char err[256];
		struct trace_reader *rd = trace_reader_open(m->journal, &m->header, err, sizeof err);
		if (rd) {
			m->has_header = 1;
			trace_reader_close(rd);
		}
	}
	return m->has_header ? &m->header : NULL;
}

/* What "now" is: a replay's cursor in its store and index, or live,
 * everything journaled so far. */
static struct why_ctx why_ctx_of(struct model *m)
{
	struct why_ctx c = {.tree = m->tree, .sc = &m->why_sc, .header = model_header(m)};
	if (m->replay) {
		c.store = replay_store(m->replay);
		c.index = replay_index(m->replay);
		c.pos = replay_pos(m->replay);
	} else {
		c.store = &m->store;
		c.index = &m->index;
		c.pos = evstore_count(&m->store);
	}
	return c;
}

void model_params_now(struct model *m)
{
	const struct trace_header *h = model_header(m);
	if (!h)
		return;
	struct why_ctx c = why_ctx_of(m); /* the store, index and cursor of now */
	struct params p = h->params;
	m->params_changed = 0;
	for (size_t i = 0; i < c.index->nsets && c.index->sets[i] < c.pos; i++) {
		struct event ev;
		evstore_get(c.store, c.index->sets[i], &ev, &m->why_sc);
		int id = ev.param ? param_lookup(ev.param) : -1;
		double v;
		char err[128];
		if (id >= 0 && ev.reason && !param_parse((enum param_id)id, ev.reason, &v, err, sizeof err)) {
			p.v[id] = v;
			m->params_changed |= 1u << id;
		}
	}
	struct trace_header tmp = *h;
	tmp.params = p;
	struct strbuf sb;
	sb_init(&sb);
	header_params_string(&tmp, 1, &sb);
	free(m->params);
	m->params = sb_steal(&sb);
}

void model_why(struct model *m, int32_t id, int full, struct strbuf *out)
{
	struct why_ctx c = why_ctx_of(m);
	why_node(&c, id, full, out);
}

const signed char *model_labels(struct model *m)
{
	if (!m->gold)
		return NULL;
	size_t n = tree_count(m->tree);
	if (!m->labels_valid || m->labels_count != n || m->labels_events != m->events) {
		m->labels = xrealloc(m->labels, n ? n : 1);
		calib_labels(m->tree, m->gold, m->labels);
		m->labels_count = n;
		m->labels_events = m->events;
		m->labels_valid = 1;
	}
	return m->labels;
}

int model_verdict(struct model *m, int32_t id, char *buf, size_t len)
{
	struct why_ctx c = why_ctx_of(m);
	return why_verdict_short(&c, id, buf, len);
}

size_t model_rollout(struct model *m, int32_t *path, size_t max, struct why_rollout_info *info)
{
	struct why_ctx c = why_ctx_of(m);
	return why_rollout(&c, path, max, info);
}
