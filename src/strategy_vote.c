/* Voting strategies.  sc: self-consistency (Wang et al. 2022): sample N
 * whole solutions, group equivalent answers, the largest group wins and
 * ties go to the group that appeared first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search.h"
#include "util.h"

struct vote_state {
	int phase; /* 0: sample, 1: vote, 2: done */
	int32_t *leaves;
	size_t nleaves, cap;
	struct search *s;
};

static const struct param_default sc_params[] = {
	{P_N, 8},
	{P_TEMPERATURE, 0.8},
	{P_TOP_P, 0.95},
	{P_MAX_TOKENS, 1024},
	{P_COUNT, 0},
};

static void *sc_start(struct search *s)
{
	struct vote_state *v = xcalloc(1, sizeof *v);
	v->s = s;
	return v;
}

static void add_leaf(struct vote_state *v, int32_t id)
{
	if (v->nleaves == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 16;
		v->leaves = xrealloc(v->leaves, v->cap * sizeof *v->leaves);
	}
	v->leaves[v->nleaves++] = id;
}

static void solution_done(void *ctx, struct request *r)
{
	struct vote_state *v = ctx;
	if (r->status != REQ_OK)
		return;
	for (size_t i = 0; i < r->ntexts; i++) {
		int32_t leaf = search_add_steps(v->s, r->node, r->texts[i], r->tokens[i]);
		if (leaf != r->node && leaf != NODE_NONE)
			add_leaf(v, leaf);
	}
}

/* k independent samples continuing from node. */
static void sample(struct vote_state *v, struct search *s, int32_t node, int k)
{
	struct request *reqs = xcalloc((size_t)k, sizeof *reqs);
	struct request **ptrs = xcalloc((size_t)k, sizeof *ptrs);
	for (int i = 0; i < k; i++) {
		search_request(s, &reqs[i], REQ_SOLUTION, node);
		reqs[i].sample_offset += (uint32_t)i;
		ptrs[i] = &reqs[i];
	}
	search_batch(s, ptrs, (size_t)k, solution_done, v);
	for (int i = 0; i < k; i++)
		search_request_free(&reqs[i]);
	free(reqs);
	free(ptrs);
}

static void vote(struct vote_state *v, struct search *s)
{
	const struct tree *t = search_tree(s);
	int32_t *live = xcalloc(v->nleaves ? v->nleaves : 1, sizeof *live);
	size_t n = 0;
	for (size_t i = 0; i < v->nleaves; i++)
		if (!(tree_node(t, v->leaves[i])->flags & NF_PRUNED))
			live[n++] = v->leaves[i];
	struct vote_cluster *c;
	size_t nc = vote_clusters(t, live, NULL, n, &c);
	if (nc == 0) {
		search_vote(s, NULL, c, 0);
		search_final(s, NULL, NODE_NONE, "no sampled solution stated an answer");
	} else {
		size_t w = vote_winner(c, nc, 0);
		char reason[128];
		snprintf(reason, sizeof reason, "majority: %u of %zu votes", c[w].count, n);
		search_vote(s, c[w].answer, c, nc);
		search_final(s, c[w].answer, c[w].nodes[0], reason);
	}
	vote_free(c, nc);
	free(live);
	v->phase = 2;
}

static int sc_step(void *st, struct search *s)
{
	struct vote_state *v = st;
	if (v->phase == 0) {
		search_unit(s, "sample");
		sample(v, s, 0, (int)params_get(search_params(s), P_N));
		v->phase = 1;
		return 1;
	}
	if (v->phase == 1) {
		search_unit(s, "vote");
		vote(v, s);
	}
	return 0;
}

static int sc_command(void *st, struct search *s, const struct command *c, char *err, size_t errlen)
{
	struct vote_state *v = st;
	(void)err;
	(void)errlen;
	if (c->kind == CMD_EXPAND) {
		/* more samples that continue from the chosen node */
		sample(v, s, c->node, c->k > 0 ? c->k : 1);
		if (v->phase == 0)
			v->phase = 1;
	} else if (c->kind == CMD_FOCUS) {
		snprintf(err, errlen, "focus is for MCTS; sc has no selection to steer");
		return -1;
	}
	return 0;
}

static void sc_finish(void *st, struct search *s)
{
	struct vote_state *v = st;
	if (v->phase != 2)
		vote(v, s);
}

static void sc_free(void *st)
{
	struct vote_state *v = st;
	free(v->leaves);
	free(v);
}

const struct strategy_ops strategy_sc = {
	.name = "sc",
	.title = "self-consistency (majority vote)",
	.unit = "round",
	.params = sc_params,
	.start = sc_start,
	.step = sc_step,
	.command = sc_command,
	.finish = sc_finish,
	.free = sc_free,
};
