/* Strategies that sample whole solutions and then choose among them
 * (ALGORITHMS.md sections 1 and 2):
 *   sc      self-consistency: the largest group of equal answers wins,
 *           ties to the group that appeared first (Wang et al. 2022);
 *   bon     best-of-N: the solution with the highest ORM score;
 *   wbon    weighted best-of-N: S(a) = sum of agg(PRM step scores) over
 *           the solutions answering a; argmax S (Snell et al. 2024);
 *   filter  filter-vote: the model reviews each answer, those judged
 *           wrong are dropped, the rest vote; if none survive, all vote.
 * Units: "sample" (N solutions, concurrently), then "score" or "review"
 * (bon, wbon, filter), then "vote". */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idlist.h"
#include "search.h"
#include "testing.h"
#include "util.h"

enum vote_kind { VK_SC, VK_BON, VK_WBON, VK_FILTER };

enum { PH_SAMPLE, PH_SCORE, PH_VOTE, PH_DONE };

struct vote_state {
	enum vote_kind kind;
	int phase;
	struct idlist leaves; /* the last node of each solution */
	double *weight;       /* by leaf index: ORM, agg PRM, or 1 */
	signed char *judged;  /* filter, by leaf index: 1 correct, 0 wrong, -1 not yet */
	size_t scored;        /* leaves [0, scored) have their weight */
	struct search *s;
};

/* [[correct]] or [[wrong]], whichever comes last; -1 when neither. */
int vote_judge_parse(const char *text)
{
	const char *c = NULL, *w = NULL;
	for (const char *p = text; (p = strstr(p, "[[correct]]")); p++)
		c = p;
	for (const char *p = text; (p = strstr(p, "[[wrong]]")); p++)
		w = p;
	if (!c && !w)
		return -1;
	return c && (!w || c > w);
}

static void *vote_start(struct search *s, enum vote_kind kind)
{
	struct vote_state *v = xcalloc(1, sizeof *v);
	v->s = s;
	v->kind = kind;
	return v;
}

static void *sc_start(struct search *s) { return vote_start(s, VK_SC); }
static void *bon_start(struct search *s) { return vote_start(s, VK_BON); }
static void *wbon_start(struct search *s) { return vote_start(s, VK_WBON); }
static void *filter_start(struct search *s) { return vote_start(s, VK_FILTER); }

static void add_leaf(struct vote_state *v, int32_t id)
{
	idlist_push(&v->leaves, id);
	v->weight = xrealloc(v->weight, v->leaves.cap * sizeof *v->weight);
	v->judged = xrealloc(v->judged, v->leaves.cap * sizeof *v->judged);
	v->weight[v->leaves.n - 1] = v->kind == VK_SC ? 1.0 : NAN;
	v->judged[v->leaves.n - 1] = -1;
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

static size_t leaf_index(const struct vote_state *v, int32_t id)
{
	for (size_t i = 0; i < v->leaves.n; i++)
		if (v->leaves.v[i] == id)
			return i;
	return v->leaves.n;
}

static void orm_done(void *ctx, struct request *r)
{
	struct vote_state *v = ctx;
	if (r->status != REQ_OK || !r->nscores)
		return;
	search_score(v->s, r->node, NAN, r->scores[0]);
	v->weight[leaf_index(v, r->node)] = tree_node(search_tree(v->s), r->node)->orm;
}

static void prm_done(void *ctx, struct request *r)
{
	struct vote_state *v = ctx;
	if (r->status != REQ_OK || !r->nscores)
		return;
	/* every step of the solution gets its score; the solution's weight
	 * is their aggregate */
	const struct tree *t = search_tree(v->s);
	int32_t id = r->node;
	double *sc = xcalloc(r->nscores, sizeof *sc);
	for (size_t i = r->nscores; i-- > 0 && id > 0; id = tree_node(t, id)->parent) {
		if (isnan(tree_node(t, id)->prm))
			search_score(v->s, id, r->scores[i], NAN);
		sc[i] = tree_node(t, id)->prm; /* as journaled */
	}
	enum agg_kind k = (enum agg_kind)params_get(search_params(v->s), P_AGG);
	v->weight[leaf_index(v, r->node)] = agg_scores(k, sc, r->nscores);
	free(sc);
}

static void judge_done(void *ctx, struct request *r)
{
	struct vote_state *v = ctx;
	if (r->status != REQ_OK || !r->ntexts)
		return;
	struct search *s = v->s;
	const char *text = r->texts[0];
	int32_t review = search_add_node(s, r->node, NODE_REVIEW, text, strlen(text), r->tokens[0]);
	int verdict = vote_judge_parse(text);
	/* an unreadable review does not throw an answer away */
	v->judged[leaf_index(v, r->node)] = (signed char)(verdict != 0);
	struct event ev;
	event_verdict(&ev, r->node, "review", verdict < 0 ? "unreadable" : verdict ? "correct" : "wrong", NULL,
		      NULL, 0);
	search_emit(s, &ev);
	(void)review;
}

/* Scores (bon, wbon) or reviews (filter) every leaf that has none yet. */
static void score_leaves(struct vote_state *v, struct search *s)
{
	size_t n = v->leaves.n - v->scored;
	if (v->kind == VK_SC || n == 0) {
		v->scored = v->leaves.n;
		return;
	}
	enum req_kind kind = v->kind == VK_BON ? REQ_ORM : v->kind == VK_WBON ? REQ_PRM : REQ_JUDGE;
	struct request *reqs = xcalloc(n, sizeof *reqs);
	struct request **ptrs = xcalloc(n, sizeof *ptrs);
	for (size_t i = 0; i < n; i++) {
		search_request(s, &reqs[i], kind, v->leaves.v[v->scored + i]);
		ptrs[i] = &reqs[i];
	}
	search_batch(s, ptrs, n, kind == REQ_ORM ? orm_done : kind == REQ_PRM ? prm_done : judge_done, v);
	for (size_t i = 0; i < n; i++)
		search_request_free(&reqs[i]);
	free(reqs);
	free(ptrs);
	v->scored = v->leaves.n;
}

static void vote(struct vote_state *v, struct search *s)
{
	const struct tree *t = search_tree(s);
	size_t n = 0, all = 0;
	int32_t *live = xcalloc(v->leaves.n ? v->leaves.n : 1, sizeof *live);
	double *w = xcalloc(v->leaves.n ? v->leaves.n : 1, sizeof *w);
	/* filter: only the answers judged correct vote, unless none were */
	int filtering = 0;
	if (v->kind == VK_FILTER)
		for (size_t i = 0; i < v->leaves.n; i++)
			if (!(tree_node(t, v->leaves.v[i])->flags & NF_PRUNED) && v->judged[i] == 1)
				filtering = 1;
	for (size_t i = 0; i < v->leaves.n; i++) {
		if (tree_node(t, v->leaves.v[i])->flags & NF_PRUNED)
			continue;
		all++;
		if (filtering && v->judged[i] != 1)
			continue;
		live[n] = v->leaves.v[i];
		w[n++] = isnan(v->weight[i]) ? 0 : v->weight[i];
	}
	struct vote_cluster *c;
	size_t *assign = xcalloc(n ? n : 1, sizeof *assign);
	size_t nc = vote_clusters_assign(t, live, w, n, &c, assign);
	char reason[200];
	if (nc == 0) {
		search_vote(s, NULL, c, 0);
		search_final(s, NULL, NODE_NONE, "no sampled solution stated an answer");
	} else if (v->kind == VK_BON) {
		size_t best = 0;
		for (size_t i = 1; i < n; i++)
			if (w[i] > w[best])
				best = i;
		snprintf(reason, sizeof reason, "best of %zu by ORM: %.3f", n, w[best]);
		const char *ans = tree_node(t, live[best])->answer;
		search_vote(s, ans, c, nc);
		search_final(s, ans, live[best], reason);
	} else {
		int weighted = v->kind == VK_WBON;
		size_t k = vote_winner(c, nc, weighted);
		double total = 0;
		for (size_t i = 0; i < nc; i++)
			total += c[i].weight;
		/* the best-weighted member stands for the cluster */
		int32_t rep = c[k].nodes[0];
		double best = -INFINITY;
		for (size_t i = 0; i < n; i++)
			if (assign[i] == k && w[i] > best) {
				best = w[i];
				rep = live[i];
			}
		if (weighted) {
			static const char *const aggs[] = {"last", "min", "prod", "mean"};
			snprintf(reason, sizeof reason, "weighted vote (%s): %.3f of %.3f",
				 aggs[(int)params_get(search_params(s), P_AGG)], c[k].weight, total);
		} else if (v->kind == VK_FILTER && !filtering) {
			snprintf(reason, sizeof reason,
				 "every answer was judged wrong, so all %zu voted: %u votes", all, c[k].count);
		} else if (v->kind == VK_FILTER) {
			snprintf(reason, sizeof reason, "majority of the %zu of %zu judged correct: %u votes",
				 n, all, c[k].count);
		} else {
			snprintf(reason, sizeof reason, "majority: %u of %zu votes", c[k].count, n);
		}
		search_vote(s, c[k].answer, c, nc);
		search_final(s, c[k].answer, rep, reason);
	}
	vote_free(c, nc);
	free(assign);
	free(live);
	free(w);
	v->phase = PH_DONE;
}

static int vote_step(void *st, struct search *s)
{
	struct vote_state *v = st;
	switch (v->phase) {
	case PH_SAMPLE:
		search_unit(s, "sample");
		sample(v, s, 0, (int)params_get(search_params(s), P_N));
		v->phase = v->kind == VK_SC ? PH_VOTE : PH_SCORE;
		return 1;
	case PH_SCORE:
		search_unit(s, v->kind == VK_FILTER ? "review" : "score");
		score_leaves(v, s);
		v->phase = PH_VOTE;
		return 1;
	case PH_VOTE:
		search_unit(s, "vote");
		score_leaves(v, s); /* leaves a user added since */
		vote(v, s);
		return 0;
	default:
		return 0;
	}
}

static int vote_command(void *st, struct search *s, const struct command *c, char *err, size_t errlen)
{
	struct vote_state *v = st;
	if (c->kind == CMD_EXPAND) {
		/* more samples that continue from the chosen node */
		sample(v, s, c->node, c->k > 0 ? c->k : 1);
		if (v->phase == PH_SAMPLE)
			v->phase = v->kind == VK_SC ? PH_VOTE : PH_SCORE;
	} else if (c->kind == CMD_FOCUS) {
		snprintf(err, errlen, "focus is for MCTS; %s has no selection to steer", search_strategy(s)->name);
		return -1;
	}
	return 0;
}

static void vote_finish(void *st, struct search *s)
{
	struct vote_state *v = st;
	if (v->phase != PH_DONE) {
		/* a budget spent on samples leaves them to be scored: scoring
		 * is not the search's generation */
		score_leaves(v, s);
		vote(v, s);
	}
}

static void vote_free_state(void *st)
{
	struct vote_state *v = st;
	idlist_free(&v->leaves);
	free(v->weight);
	free(v->judged);
	free(v);
}

static const struct param_default sc_params[] = {
	{P_N, 8}, {P_TEMPERATURE, 0.8}, {P_TOP_P, 0.95}, {P_MAX_TOKENS, 1024}, {P_COUNT, 0},
};

static const struct param_default wbon_params[] = {
	{P_N, 8}, {P_TEMPERATURE, 0.8}, {P_TOP_P, 0.95}, {P_MAX_TOKENS, 1024}, {P_AGG, AGG_LAST},
	{P_COUNT, 0},
};

const struct strategy_ops strategy_sc = {
	.name = "sc", .title = "self-consistency (majority vote)", .unit = "phase",
	.params = sc_params, .scale = P_N, .start = sc_start, .step = vote_step, .command = vote_command,
	.finish = vote_finish, .free = vote_free_state,
};

const struct strategy_ops strategy_bon = {
	.name = "bon", .title = "best-of-N by ORM score", .unit = "phase",
	.params = sc_params, .scale = P_N, .start = bon_start, .step = vote_step, .command = vote_command,
	.finish = vote_finish, .free = vote_free_state,
};

const struct strategy_ops strategy_wbon = {
	.name = "wbon", .title = "weighted best-of-N by aggregated PRM score", .unit = "phase",
	.params = wbon_params, .scale = P_N, .start = wbon_start, .step = vote_step, .command = vote_command,
	.finish = vote_finish, .free = vote_free_state,
};

const struct strategy_ops strategy_filter = {
	.name = "filter", .title = "filter-vote: the model reviews each answer, the rest vote",
	.unit = "phase", .params = sc_params, .scale = P_N, .start = filter_start, .step = vote_step,
	.command = vote_command, .finish = vote_finish, .free = vote_free_state,
};
