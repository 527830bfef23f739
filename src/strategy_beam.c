/* beam: beam search with a PRM (Snell et al. 2024; search-and-learn).
 * N candidates a level, beam width M: sample N first steps, score every
 * prefix with the PRM, keep the best N/M, sample M next steps from each,
 * so N candidates are scored at every level.  Finished candidates are set
 * aside; the answer is the best-scoring finished one (or a weighted vote
 * over them with --final vote). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search.h"
#include "util.h"

struct ids {
	int32_t *v;
	size_t n, cap;
};

static void ids_push(struct ids *a, int32_t id)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 16;
		a->v = xrealloc(a->v, a->cap * sizeof *a->v);
	}
	a->v[a->n++] = id;
}

struct beam {
	struct search *s;
	struct ids active;   /* prefixes to extend next */
	struct ids finished; /* candidates set aside */
	struct ids fresh;    /* made by the current level */
	double *agg;         /* aggregated PRM score by node id */
	size_t agg_cap;
	int level;
	int done;
};

static const struct param_default beam_params[] = {
	{P_N, 16},
	{P_WIDTH, 4},
	{P_DEPTH, 40},
	{P_TEMPERATURE, 0.8},
	{P_TOP_P, 1.0},
	{P_MAX_TOKENS, 512},
	{P_AGG, AGG_LAST},
	{P_FINAL, 0},
	{P_COUNT, 0},
};

static void set_agg(struct beam *b, int32_t id, double v)
{
	if ((size_t)id >= b->agg_cap) {
		size_t cap = b->agg_cap ? b->agg_cap : 64;
		while (cap <= (size_t)id)
			cap *= 2;
		b->agg = xrealloc(b->agg, cap * sizeof *b->agg);
		for (size_t i = b->agg_cap; i < cap; i++)
			b->agg[i] = NAN;
		b->agg_cap = cap;
	}
	b->agg[id] = v;
}

static double get_agg(const struct beam *b, int32_t id)
{
	return (size_t)id < b->agg_cap ? b->agg[id] : NAN;
}

static void *beam_start(struct search *s)
{
	struct beam *b = xcalloc(1, sizeof *b);
	b->s = s;
	ids_push(&b->active, 0);
	return b;
}

static void step_done(void *ctx, struct request *r)
{
	struct beam *b = ctx;
	if (r->status != REQ_OK)
		return;
	for (size_t i = 0; i < r->ntexts; i++) {
		const char *t = r->texts[i];
		int32_t id = search_add_node(b->s, r->node, NODE_STEP, t, strlen(t), r->tokens[i]);
		if (id != NODE_NONE)
			ids_push(&b->fresh, id);
	}
}

static void score_done(void *ctx, struct request *r)
{
	struct beam *b = ctx;
	if (r->status != REQ_OK || r->nscores == 0)
		return;
	enum agg_kind k = (enum agg_kind)params_get(search_params(b->s), P_AGG);
	search_score(b->s, r->node, r->scores[r->nscores - 1], NAN);
	set_agg(b, r->node, agg_scores(k, r->scores, r->nscores));
}

static struct request **make_requests(struct search *s, const int32_t *nodes, size_t n,
				      enum req_kind kind, const int *counts)
{
	struct request **reqs = xcalloc(n ? n : 1, sizeof *reqs);
	for (size_t i = 0; i < n; i++) {
		reqs[i] = xmalloc(sizeof **reqs);
		search_request(s, reqs[i], kind, nodes[i]);
		if (counts)
			reqs[i]->n = counts[i];
	}
	return reqs;
}

static void free_requests(struct request **reqs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		search_request_free(reqs[i]);
		free(reqs[i]);
	}
	free(reqs);
}

/* Samples k next steps from each node and scores them; the new nodes end
 * up in b->fresh. */
static void grow(struct beam *b, const int32_t *nodes, const int *counts, size_t n)
{
	struct search *s = b->s;
	b->fresh.n = 0;
	struct request **gen = make_requests(s, nodes, n, REQ_STEP, counts);
	search_batch(s, gen, n, step_done, b);
	free_requests(gen, n);
	struct request **sc = make_requests(s, b->fresh.v, b->fresh.n, REQ_PRM, NULL);
	search_batch(s, sc, b->fresh.n, score_done, b);
	free_requests(sc, b->fresh.n);
}

static int is_live(const struct beam *b, int32_t id)
{
	return !(tree_node(search_tree(b->s), id)->flags & NF_PRUNED);
}

static int by_score_desc(const void *x, const void *y, void *ctx)
{
	const struct beam *b = ctx;
	int32_t p = *(const int32_t *)x, q = *(const int32_t *)y;
	double a = get_agg(b, p), c = get_agg(b, q);
	if (isnan(a))
		a = -INFINITY;
	if (isnan(c))
		c = -INFINITY;
	if (a != c)
		return a > c ? -1 : 1;
	return p < q ? -1 : p > q; /* earlier node first: deterministic */
}

/* qsort has no context argument in C11; an insertion sort is plenty for
 * the few hundred candidates of one level. */
static void sort_ids(int32_t *v, size_t n, const struct beam *b)
{
	for (size_t i = 1; i < n; i++) {
		int32_t x = v[i];
		size_t j = i;
		while (j > 0 && by_score_desc(&x, &v[j - 1], (void *)b) < 0) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

static int beam_step(void *st, struct search *s)
{
	struct beam *b = st;
	const struct params *p = search_params(s);
	int n = (int)params_get(p, P_N), m = (int)params_get(p, P_WIDTH);
	int depth = (int)params_get(p, P_DEPTH);
	int keep = n / m > 0 ? n / m : 1;
	const struct tree *t = search_tree(s);

	/* the prefixes to extend: the root first, then the kept beams */
	size_t na = 0;
	int32_t *act = xcalloc(b->active.n ? b->active.n : 1, sizeof *act);
	int *counts = xcalloc(b->active.n ? b->active.n : 1, sizeof *counts);
	for (size_t i = 0; i < b->active.n; i++) {
		if (!is_live(b, b->active.v[i]))
			continue;
		act[na] = b->active.v[i];
		counts[na] = act[na] == 0 ? n : m;
		na++;
	}
	if (na == 0) {
		free(act);
		free(counts);
		return 0;
	}
	search_unit(s, "level");
	grow(b, act, counts, na);
	free(act);
	free(counts);
	b->level++;

	/* finished candidates are set aside; the rest compete */
	struct ids open = {0};
	for (size_t i = 0; i < b->fresh.n; i++) {
		int32_t id = b->fresh.v[i];
		const struct node *nd = tree_node(t, id);
		if ((nd->flags & NF_TERMINAL) || (int)nd->depth >= depth)
			ids_push(&b->finished, id);
		else
			ids_push(&open, id);
	}
	sort_ids(open.v, open.n, b);
	size_t kept = open.n < (size_t)keep ? open.n : (size_t)keep;
	b->active.n = 0;
	for (size_t i = 0; i < kept; i++)
		ids_push(&b->active, open.v[i]);
	if (open.n)
		search_keep(s, b->level, open.v, kept);
	for (size_t i = kept; i < open.n; i++)
		search_prune(s, open.v[i], 0);
	free(open.v);

	size_t live_finished = 0;
	for (size_t i = 0; i < b->finished.n; i++)
		live_finished += is_live(b, b->finished.v[i]);
	return b->active.n > 0 && live_finished < (size_t)n && b->level < depth;
}

static int beam_command(void *st, struct search *s, const struct command *c, char *err, size_t errlen)
{
	struct beam *b = st;
	if (c->kind == CMD_FOCUS) {
		snprintf(err, errlen, "focus is for MCTS; use expand to grow a beam by hand");
		return -1;
	}
	if (c->kind != CMD_EXPAND)
		return 0; /* prune and set are read at the next level */
	const struct node *nd = tree_node(search_tree(s), c->node);
	if (nd->flags & (NF_TERMINAL | NF_PRUNED)) {
		snprintf(err, errlen, "node %d is %s", c->node,
			 nd->flags & NF_PRUNED ? "pruned" : "a finished solution");
		return -1;
	}
	int k = c->k > 0 ? c->k : (int)params_get(search_params(s), P_WIDTH);
	grow(b, &c->node, &k, 1);
	/* the user's children join the beam for the next level */
	for (size_t i = 0; i < b->fresh.n; i++) {
		int32_t id = b->fresh.v[i];
		if (tree_node(search_tree(s), id)->flags & NF_TERMINAL)
			ids_push(&b->finished, id);
		else
			ids_push(&b->active, id);
	}
	return 0;
}

static void beam_finish(void *st, struct search *s)
{
	struct beam *b = st;
	const struct tree *t = search_tree(s);
	struct ids live = {0};
	for (size_t i = 0; i < b->finished.n; i++)
		if (is_live(b, b->finished.v[i]) && tree_node(t, b->finished.v[i])->answer)
			ids_push(&live, b->finished.v[i]);
	if (live.n == 0) {
		search_final(s, NULL, NODE_NONE, "no candidate finished within the depth and budget");
		free(live.v);
		return;
	}
	double *w = xcalloc(live.n, sizeof *w);
	for (size_t i = 0; i < live.n; i++) {
		double a = get_agg(b, live.v[i]);
		w[i] = isnan(a) ? 0 : a;
	}
	struct vote_cluster *c;
	size_t nc = vote_clusters(t, live.v, w, live.n, &c);
	char reason[160];
	if ((int)params_get(search_params(s), P_FINAL) == 1) {
		size_t k = vote_winner(c, nc, 1);
		double total = 0;
		for (size_t i = 0; i < nc; i++)
			total += c[i].weight;
		snprintf(reason, sizeof reason, "weighted vote: %.3f of %.3f PRM weight",
			 c[k].weight, total);
		search_vote(s, c[k].answer, c, nc);
		/* the best-scoring member represents the cluster */
		sort_ids((int32_t *)c[k].nodes, c[k].nnodes, b);
		search_final(s, c[k].answer, c[k].nodes[0], reason);
	} else {
		static const char *const agg_names[] = {"last", "min", "prod", "mean"};
		sort_ids(live.v, live.n, b);
		int32_t best = live.v[0];
		const char *ans = tree_node(t, best)->answer;
		snprintf(reason, sizeof reason, "best finished candidate: PRM %.3f (%s)",
			 get_agg(b, best), agg_names[(int)params_get(search_params(s), P_AGG)]);
		search_vote(s, ans, c, nc);
		search_final(s, ans, best, reason);
	}
	vote_free(c, nc);
	free(w);
	free(live.v);
}

static void beam_free(void *st)
{
	struct beam *b = st;
	free(b->active.v);
	free(b->finished.v);
	free(b->fresh.v);
	free(b->agg);
	free(b);
}

const struct strategy_ops strategy_beam = {
	.name = "beam",
	.title = "beam search with a PRM",
	.unit = "level",
	.params = beam_params,
	.start = beam_start,
	.step = beam_step,
	.command = beam_command,
	.finish = beam_finish,
	.free = beam_free,
};
