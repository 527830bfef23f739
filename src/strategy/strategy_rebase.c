/* rebase: reward-balanced search (Wu et al. 2024, "Inference Scaling
 * Laws"; the authors' thu-wyz/inference_scaling rebase.py, whose rules
 * these are).  A width budget W is shared at every
 * depth: each finished node uses one unit for good; the other frontier
 * nodes, sorted by their last step's PRM score r (highest first), get
 *   n_i = ceil(W_rem * exp(r_i/tau) / sum_{j>=i} exp(r_j/tau))
 * children each, W_rem -= n_i.  The answer is a vote over the finished
 * nodes weighted by their aggregated PRM scores.  One unit = one depth. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idlist.h"
#include "search.h"
#include "testing.h"
#include "util.h"

struct rebase {
	struct search *s;
	struct idlist frontier, finished, fresh;
	struct scoremap agg; /* aggregated PRM score by node id */
	int depth;
};

static const struct param_default rebase_params[] = {
	/* rebase.py stops after 25 depths; its hype-parameters/rebase.yaml
	 * gives width 16, softmax temperature 0.2, sampling temperature 1.0 */
	{P_WIDTH, 16}, {P_TAU, 0.2}, {P_DEPTH, 25}, {P_TEMPERATURE, 1.0}, {P_TOP_P, 1.0},
	{P_MAX_TOKENS, 512}, {P_AGG, AGG_LAST}, {P_COUNT, 0},
};

/* The allocation rule for a frontier already sorted by r, highest first.
 * Shifting every r by the largest keeps the ratios and avoids overflow.
 * Returns the width left over. */
int rebase_allocate(const double *r, size_t n, int w_rem, double tau, int *out)
{
	if (n == 0)
		return w_rem;
	double top = r[0];
	double *e = xcalloc(n, sizeof *e);
	for (size_t i = 0; i < n; i++)
		e[i] = exp((r[i] - top) / tau);
	for (size_t i = 0; i < n; i++) {
		double tail = 0;
		for (size_t j = i; j < n; j++)
			tail += e[j];
		double x = w_rem > 0 ? (double)w_rem * e[i] / tail : 0;
		/* a hair of slack so 2.0000000001 is 2, not 3 */
		int k = (int)ceil(x - 1e-9);
		if (k > w_rem)
			k = w_rem;
		if (k < 0)
			k = 0;
		out[i] = k;
		w_rem -= k;
	}
	free(e);
	return w_rem;
}

static void *rebase_start(struct search *s)
{
	struct rebase *rb = xcalloc(1, sizeof *rb);
	rb->s = s;
	idlist_push(&rb->frontier, 0);
	return rb;
}

static void child_done(void *ctx, struct request *r)
{
	struct rebase *rb = ctx;
	if (r->status != REQ_OK)
		return;
	for (size_t i = 0; i < r->ntexts; i++) {
		int32_t id = search_add_node(rb->s, r->node, NODE_STEP, r->texts[i],
					     strlen(r->texts[i]), r->tokens[i]);
		if (id != NODE_NONE)
			idlist_push(&rb->fresh, id);
	}
}

static void score_done(void *ctx, struct request *r)
{
	struct rebase *rb = ctx;
	if (r->status != REQ_OK || !r->nscores)
		return;
	search_score(rb->s, r->node, r->scores[r->nscores - 1], NAN);
	enum agg_kind k = (enum agg_kind)params_get(search_params(rb->s), P_AGG);
	scoremap_set(&rb->agg, r->node, agg_scores(k, r->scores, r->nscores));
}

static int is_live(const struct rebase *rb, int32_t id)
{
	return !(tree_node(search_tree(rb->s), id)->flags & NF_PRUNED);
}

/* Grows the given nodes by counts and sorts the new ones into finished
 * and frontier. */
static void grow(struct rebase *rb, const int32_t *nodes, const int *counts, size_t n)
{
	const struct tree *t = search_tree(rb->s);
	int maxdepth = (int)params_get(search_params(rb->s), P_DEPTH);
	rb->fresh.n = 0;
	/* each new step scored as soon as it is written */
	search_ask_then(rb->s, REQ_STEP, nodes, counts, NULL, NULL, n, child_done, rb, &rb->fresh, REQ_PRM,
			score_done);
	for (size_t i = 0; i < rb->fresh.n; i++) {
		const struct node *nd = tree_node(t, rb->fresh.v[i]);
		if ((nd->flags & NF_TERMINAL) || (int)nd->depth >= maxdepth)
			idlist_push(&rb->finished, rb->fresh.v[i]);
		else
			idlist_push(&rb->frontier, rb->fresh.v[i]);
	}
}

static int rebase_step(void *st, struct search *s)
{
	struct rebase *rb = st;
	const struct tree *t = search_tree(s);
	int w = (int)params_get(search_params(s), P_WIDTH);
	double tau = params_get(search_params(s), P_TAU);
	size_t done = 0;
	for (size_t i = 0; i < rb->finished.n; i++)
		done += is_live(rb, rb->finished.v[i]);
	int w_rem = w - (int)done;
	/* the live frontier, by last-step score, highest first */
	struct idlist f = {0};
	for (size_t i = 0; i < rb->frontier.n; i++)
		if (is_live(rb, rb->frontier.v[i]))
			idlist_push(&f, rb->frontier.v[i]);
	rb->frontier.n = 0;
	if (f.n == 0 || w_rem <= 0) {
		idlist_free(&f);
		return 0;
	}
	/* highest r first, and among equal r the later node first: REBASE's
	 * rebase.py sorts ascending (a stable sort) and then reverses */
	for (size_t i = 1; i < f.n; i++) {
		int32_t x = f.v[i];
		double rx = tree_node(t, x)->prm;
		size_t j = i;
		while (j > 0) {
			double ry = tree_node(t, f.v[j - 1])->prm;
			if (!(rx >= ry || (isnan(ry) && !isnan(rx))))
				break;
			f.v[j] = f.v[j - 1];
			j--;
		}
		f.v[j] = x;
	}
	search_unit(s, "depth");
	double *r = xcalloc(f.n, sizeof *r);
	int *alloc = xcalloc(f.n, sizeof *alloc);
	for (size_t i = 0; i < f.n; i++) {
		double p = tree_node(t, f.v[i])->prm;
		r[i] = isnan(p) ? 0 : p; /* the root has no score */
	}
	rebase_allocate(r, f.n, w_rem, tau, alloc);
	int32_t *grow_nodes = xcalloc(f.n, sizeof *grow_nodes);
	int *grow_counts = xcalloc(f.n, sizeof *grow_counts);
	size_t ng = 0;
	for (size_t i = 0; i < f.n; i++) {
		struct event ev;
		event_init(&ev, EV_ALLOC);
		ev.id = f.v[i];
		ev.n = alloc[i];
		ev.value = f.v[i] == 0 ? NAN : r[i];
		search_emit(s, &ev);
		if (alloc[i] > 0) {
			grow_nodes[ng] = f.v[i];
			grow_counts[ng++] = alloc[i];
		} else {
			search_prune(s, f.v[i], 0); /* no width left for it */
		}
	}
	grow(rb, grow_nodes, grow_counts, ng);
	rb->depth++;
	free(r);
	free(alloc);
	free(grow_nodes);
	free(grow_counts);
	idlist_free(&f);
	return rb->frontier.n > 0 && rb->depth < (int)params_get(search_params(s), P_DEPTH);
}

static int rebase_command(void *st, struct search *s, const struct command *c, char *err, size_t errlen)
{
	struct rebase *rb = st;
	if (c->kind == CMD_FOCUS) {
		snprintf(err, errlen, "focus is for MCTS; use expand to give a node more children");
		return -1;
	}
	if (c->kind != CMD_EXPAND)
		return 0;
	const struct node *nd = tree_node(search_tree(s), c->node);
	if (nd->flags & (NF_TERMINAL | NF_PRUNED)) {
		snprintf(err, errlen, "node %d is %s", c->node, nd->flags & NF_PRUNED ? "pruned" : "finished");
		return -1;
	}
	int k = c->k > 0 ? c->k : 1;
	grow(rb, &c->node, &k, 1);
	return 0;
}

static void rebase_finish(void *st, struct search *s)
{
	struct rebase *rb = st;
	const struct tree *t = search_tree(s);
	struct idlist live = {0};
	for (size_t i = 0; i < rb->finished.n; i++)
		if (is_live(rb, rb->finished.v[i]) && tree_node(t, rb->finished.v[i])->answer)
			idlist_push(&live, rb->finished.v[i]);
	if (!live.n) {
		search_final(s, NULL, NODE_NONE, "no node finished within the width and budget");
		idlist_free(&live);
		return;
	}
	double *w = xcalloc(live.n, sizeof *w);
	for (size_t i = 0; i < live.n; i++) {
		double a = scoremap_get(&rb->agg, live.v[i]);
		w[i] = isnan(a) ? 0 : a;
	}
	struct vote_cluster *c;
	size_t nc = vote_clusters(t, live.v, w, live.n, &c);
	size_t k = vote_winner(c, nc, 1);
	double total = 0;
	for (size_t i = 0; i < nc; i++)
		total += c[i].weight;
	int32_t rep = c[k].nodes[0];
	double best = -1;
	for (size_t i = 0; i < live.n; i++)
		for (size_t j = 0; j < c[k].nnodes; j++)
			if (c[k].nodes[j] == live.v[i] && w[i] > best) {
				best = w[i];
				rep = live.v[i];
			}
	char reason[160];
	snprintf(reason, sizeof reason, "weighted vote over %zu finished: %.3f of %.3f", live.n,
		 c[k].weight, total);
	search_vote(s, c[k].answer, c, nc);
	search_final(s, c[k].answer, rep, reason);
	vote_free(c, nc);
	free(w);
	idlist_free(&live);
}

static void rebase_free(void *st)
{
	struct rebase *rb = st;
	idlist_free(&rb->frontier);
	idlist_free(&rb->finished);
	idlist_free(&rb->fresh);
	scoremap_free(&rb->agg);
	free(rb);
}

const struct strategy_ops strategy_rebase = {
	.name = "rebase", .title = "REBASE: reward-balanced width allocation", .unit = "depth",
	.params = rebase_params, .scale = P_WIDTH, .start = rebase_start, .step = rebase_step,
	.command = rebase_command, .finish = rebase_finish, .free = rebase_free,
};
