/* Beam searches with a PRM (Snell et al. 2024; search-and-learn's
 * sal/search/beam_search.py and diverse_verifier_tree_search.py, the
 * rules followed here).
 *   beam  N candidates a level, width M: sample N first steps, score every
 *         prefix, keep the best N/M unfinished ones and sample N next steps
 *         among them (M each, more each when finished candidates left
 *         fewer prefixes, as search-and-learn duplicates its beams back to
 *         N).  Finished candidates (a final answer, or the depth limit) are
 *         set aside; the search runs until none is left to extend or the
 *         depth is reached.  --lookahead k rolls each candidate k steps
 *         forward at T=0 and the PRM scores the rolled-out text
 *         (search-and-learn forgets to; we do not).
 *   dvts  diverse verifier tree search: N/M independent subtrees, each
 *         samples M next steps and takes its best one, finished or not; a
 *         subtree stops when that one is finished, and its last M children
 *         are its output.
 * The answer is a vote over the finished candidates weighted by their
 * last-step PRM scores (search-and-learn's score()); --final best (ours)
 * takes the best-scoring one.  One unit = one level. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idlist.h"
#include "search.h"
#include "util.h"

struct beam {
	struct search *s;
	int dvts;
	struct idlist active;   /* prefixes to extend next (dvts: one a subtree) */
	struct idlist finished; /* candidates set aside */
	struct idlist fresh;    /* made by the current level */
	struct idlist fresh_group; /* dvts: the subtree of each fresh node */
	struct scoremap agg;    /* aggregated PRM score by node id */
	int level;
};

static const struct param_default beam_params[] = {
	{P_N, 16}, {P_WIDTH, 4}, {P_DEPTH, 40}, {P_LOOKAHEAD, 0}, {P_TEMPERATURE, 0.8},
	{P_TOP_P, 1.0}, {P_MAX_TOKENS, 512}, {P_AGG, AGG_LAST}, {P_FINAL, 1}, {P_COUNT, 0},
};

static const struct param_default dvts_params[] = {
	{P_N, 16}, {P_WIDTH, 4}, {P_DEPTH, 40}, {P_TEMPERATURE, 0.8}, {P_TOP_P, 1.0},
	{P_MAX_TOKENS, 512}, {P_AGG, AGG_LAST}, {P_FINAL, 1}, {P_COUNT, 0},
};

static void set_agg(struct beam *b, int32_t id, double v)
{
	scoremap_set(&b->agg, id, v);
}

static double get_agg(const struct beam *b, int32_t id)
{
	return scoremap_get(&b->agg, id);
}

static void *start(struct search *s, int dvts)
{
	struct beam *b = xcalloc(1, sizeof *b);
	b->s = s;
	b->dvts = dvts;
	return b;
}

static void *beam_start(struct search *s) { return start(s, 0); }
static void *dvts_start(struct search *s) { return start(s, 1); }

static void step_done(void *ctx, struct request *r)
{
	struct beam *b = ctx;
	if (r->status != REQ_OK)
		return;
	for (size_t i = 0; i < r->ntexts; i++) {
		const char *t = r->texts[i];
		int32_t id = search_add_node(b->s, r->node, NODE_STEP, t, strlen(t), r->tokens[i]);
		if (id != NODE_NONE) {
			idlist_push(&b->fresh, id);
			idlist_push(&b->fresh_group, r->tag);
		}
	}
}

/* ---- lookahead: rollouts that are scored but not kept ---- */

struct look {
	int32_t node;
	const char **steps; /* the path, then the rollout */
	size_t nsteps, cap;
	char **owned;       /* rollout texts */
	size_t nowned;
	int done;
	struct beam *b;
};

static void look_done(void *ctx, struct request *r)
{
	struct look *lk = (struct look *)ctx + r->tag;
	if (r->status != REQ_OK || !r->ntexts) {
		lk->done = 1;
		return;
	}
	char *t = xstrdup(r->texts[0]);
	lk->owned = xrealloc(lk->owned, (lk->nowned + 1) * sizeof *lk->owned);
	lk->owned[lk->nowned++] = t;
	if (lk->nsteps == lk->cap) {
		lk->cap = lk->cap * 2 + 4;
		lk->steps = xrealloc(lk->steps, lk->cap * sizeof *lk->steps);
	}
	lk->steps[lk->nsteps++] = t;
	lk->done = strstr(t, "answer is") || strstr(t, "\\boxed") || strstr(t, "####");
}

static void look_score_done(void *ctx, struct request *r)
{
	struct look *lk = (struct look *)ctx + r->tag;
	struct beam *b = lk->b;
	if (r->status != REQ_OK || r->nscores == 0)
		return;
	const struct node *n = tree_node(search_tree(b->s), lk->node);
	size_t own = n->depth; /* the candidate's own step is steps[depth-1] */
	if (own == 0 || own > r->nscores)
		return; /* a scorer that scored fewer steps than it was shown */
	search_score(b->s, lk->node, r->scores[own - 1], NAN);
	enum agg_kind k = (enum agg_kind)params_get(search_params(b->s), P_AGG);
	double a = agg_scores(k, r->scores, r->nscores);
	set_agg(b, lk->node, a);
	char label[48];
	snprintf(label, sizeof label, "rolled out %zu steps", lk->nowned);
	static const char *const keys[] = {"score"};
	struct event ev;
	event_verdict(&ev, lk->node, "lookahead", label, keys, &a, 1);
	search_emit(b->s, &ev);
}

static void score_with_lookahead(struct beam *b, const int32_t *nodes, size_t n, int k)
{
	struct search *s = b->s;
	const struct tree *t = search_tree(s);
	struct look *lk = xcalloc(n ? n : 1, sizeof *lk);
	for (size_t i = 0; i < n; i++) {
		const struct node *nd = tree_node(t, nodes[i]);
		lk[i].b = b;
		lk[i].node = nodes[i];
		lk[i].cap = nd->depth + (size_t)k + 1;
		lk[i].steps = xcalloc(lk[i].cap, sizeof *lk[i].steps);
		lk[i].nsteps = nd->depth;
		int32_t id = nodes[i];
		for (size_t d = nd->depth; d > 0; d--, id = tree_node(t, id)->parent)
			lk[i].steps[d - 1] = tree_node(t, id)->text;
		lk[i].done = (nd->flags & NF_TERMINAL) != 0;
	}
	struct request *reqs = xcalloc(n ? n : 1, sizeof *reqs);
	struct request **ptrs = xcalloc(n ? n : 1, sizeof *ptrs);
	for (int j = 0; j < k; j++) {
		size_t m = 0;
		for (size_t i = 0; i < n; i++) {
			if (lk[i].done)
				continue;
			/* greedy: the rollout is the model's most likely path */
			search_request(s, &reqs[m], REQ_STEP, lk[i].node);
			free((void *)reqs[m].steps);
			reqs[m].steps = lk[i].steps;
			reqs[m].nsteps = lk[i].nsteps;
			reqs[m].temperature = 0;
			reqs[m].tag = (int)i;
			ptrs[m] = &reqs[m];
			m++;
		}
		search_batch(s, ptrs, m, look_done, lk);
		for (size_t i = 0; i < m; i++) {
			reqs[i].steps = NULL; /* borrowed from lk */
			search_request_free(&reqs[i]);
		}
	}
	for (size_t i = 0; i < n; i++) {
		search_request(s, &reqs[i], REQ_PRM, lk[i].node);
		free((void *)reqs[i].steps);
		reqs[i].steps = lk[i].steps;
		reqs[i].nsteps = lk[i].nsteps;
		reqs[i].tag = (int)i;
		ptrs[i] = &reqs[i];
	}
	search_batch(s, ptrs, n, look_score_done, lk);
	for (size_t i = 0; i < n; i++) {
		reqs[i].steps = NULL;
		search_request_free(&reqs[i]);
		for (size_t j = 0; j < lk[i].nowned; j++)
			free(lk[i].owned[j]);
		free(lk[i].owned);
		free(lk[i].steps);
	}
	free(reqs);
	free(ptrs);
	free(lk);
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

/* Samples counts[i] next steps from nodes[i] and scores them; the new
 * nodes end up in b->fresh, their tags in b->fresh_group. */
static void grow(struct beam *b, const int32_t *nodes, const int *counts, const int *tags,
		 const uint32_t *offsets, size_t n)
{
	struct search *s = b->s;
	b->fresh.n = b->fresh_group.n = 0;
	int k = (int)params_get(search_params(s), P_LOOKAHEAD);
	if (k > 0 && !b->dvts) {
		search_ask(s, REQ_STEP, nodes, counts, tags, offsets, n, step_done, b);
		score_with_lookahead(b, b->fresh.v, b->fresh.n, k);
	} else {
		/* each new step scored as soon as it is written */
		search_ask_then(s, REQ_STEP, nodes, counts, tags, offsets, n, step_done, b, &b->fresh, REQ_PRM,
				score_done);
	}
}

static int is_live(const struct beam *b, int32_t id)
{
	return !(tree_node(search_tree(b->s), id)->flags & NF_PRUNED);
}

static int better(const struct beam *b, int32_t p, int32_t q)
{
	double a = get_agg(b, p), c = get_agg(b, q);
	if (isnan(a))
		a = -INFINITY;
	if (isnan(c))
		c = -INFINITY;
	if (a != c)
		return a > c;
	return p < q; /* the earlier node first: deterministic */
}

struct ranked {
	double score;
	int32_t id;
};

static int ranked_cmp(const void *x, const void *y)
{
	const struct ranked *a = x, *b = y;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id); /* the earlier node first */
}

/* Best first by aggregated score (unscored last), ties to the earlier
 * node, so a seeded run sorts the same way everywhere. */
static void sort_ids(int32_t *v, size_t n, const struct beam *b)
{
	struct ranked *r = xcalloc(n ? n : 1, sizeof *r);
	for (size_t i = 0; i < n; i++) {
		double a = get_agg(b, v[i]);
		r[i] = (struct ranked){isnan(a) ? -INFINITY : a, v[i]};
	}
	qsort(r, n, sizeof *r, ranked_cmp);
	for (size_t i = 0; i < n; i++)
		v[i] = r[i].id;
	free(r);
}

static int finished(const struct beam *b, int32_t id, int depth)
{
	const struct node *nd = tree_node(search_tree(b->s), id);
	return (nd->flags & NF_TERMINAL) || (int)nd->depth >= depth;
}

static int beam_level(struct beam *b, struct search *s)
{
	const struct params *p = search_params(s);
	int n = (int)params_get(p, P_N), m = (int)params_get(p, P_WIDTH);
	int depth = (int)params_get(p, P_DEPTH);
	int keep = n / m > 0 ? n / m : 1;

	/* the root first, then the kept beams */
	int32_t *act;
	int *counts;
	size_t na = 0;
	if (b->level == 0) {
		act = xcalloc(1, sizeof *act);
		counts = xcalloc(1, sizeof *counts);
		act[0] = 0;
		counts[0] = n;
		na = 1;
	} else {
		act = xcalloc(b->active.n ? b->active.n : 1, sizeof *act);
		counts = xcalloc(b->active.n ? b->active.n : 1, sizeof *counts);
		for (size_t i = 0; i < b->active.n; i++) {
			if (!is_live(b, b->active.v[i]))
				continue;
			act[na] = b->active.v[i];
			counts[na++] = m;
		}
		/* N candidates every level, as search-and-learn duplicates its
		 * active beams back to N: when finished candidates left fewer
		 * than N/M prefixes, each of those left draws more */
		for (size_t i = 0; i < na; i++)
			counts[i] = n / (int)na + ((int)i < n % (int)na);
	}
	if (na == 0) {
		free(act);
		free(counts);
		return 0;
	}
	search_unit(s, "level");
	grow(b, act, counts, NULL, NULL, na);
	free(act);
	free(counts);
	b->level++;

	/* finished candidates are set aside; the rest compete */
	struct idlist open = {0};
	for (size_t i = 0; i < b->fresh.n; i++) {
		int32_t id = b->fresh.v[i];
		if (finished(b, id, depth))
			idlist_push(&b->finished, id);
		else
			idlist_push(&open, id);
	}
	sort_ids(open.v, open.n, b);
	size_t kept = open.n < (size_t)keep ? open.n : (size_t)keep;
	b->active.n = 0;
	for (size_t i = 0; i < kept; i++)
		idlist_push(&b->active, open.v[i]);
	if (open.n)
		search_keep(s, b->level, open.v, kept);
	for (size_t i = kept; i < open.n; i++)
		search_prune(s, open.v[i], 0);
	idlist_free(&open);
	/* until every beam has finished or the depth is reached */
	return b->active.n > 0 && b->level < depth;
}

static int dvts_level(struct beam *b, struct search *s)
{
	const struct params *p = search_params(s);
	int n = (int)params_get(p, P_N), m = (int)params_get(p, P_WIDTH);
	int depth = (int)params_get(p, P_DEPTH);
	int trees = n / m > 0 ? n / m : 1;
	if (b->level == 0) {
		for (int i = 0; i < trees; i++)
			idlist_push(&b->active, 0); /* every subtree starts at the root */
	}
	size_t na = 0;
	int32_t *act = xcalloc(b->active.n ? b->active.n : 1, sizeof *act);
	int *counts = xcalloc(b->active.n ? b->active.n : 1, sizeof *counts);
	int *tags = xcalloc(b->active.n ? b->active.n : 1, sizeof *tags);
	uint32_t *offs = xcalloc(b->active.n ? b->active.n : 1, sizeof *offs);
	for (size_t i = 0; i < b->active.n; i++) {
		if (b->active.v[i] == NODE_NONE || !is_live(b, b->active.v[i]))
			continue;
		act[na] = b->active.v[i];
		counts[na] = m;
		tags[na] = (int)i;
		/* subtrees that share the root draw different samples */
		offs[na] = b->level == 0 ? (uint32_t)(i * (size_t)m) : 0;
		na++;
	}
	if (na == 0) {
		free(act);
		free(counts);
		free(tags);
		free(offs);
		return 0;
	}
	search_unit(s, "level");
	grow(b, act, counts, tags, offs, na);
	free(act);
	free(counts);
	free(tags);
	free(offs);
	b->level++;
	/* each subtree takes its best child, finished or not (search-and-
	 * learn's argmax); a subtree whose best child finished stops, and so
	 * does every one at the depth limit: its last children are then its
	 * output, the candidates of the final vote */
	int32_t *best = xcalloc(b->active.n, sizeof *best);
	for (size_t g = 0; g < b->active.n; g++)
		best[g] = NODE_NONE;
	for (size_t i = 0; i < b->fresh.n; i++) {
		int32_t id = b->fresh.v[i];
		size_t g = (size_t)b->fresh_group.v[i];
		if (best[g] == NODE_NONE || better(b, id, best[g]))
			best[g] = id;
	}
	/* subtree by subtree: its keep, then the prunes of its other
	 * candidates, so that the journal says which competed with which
	 * (why.c ranks them from exactly that) */
	size_t alive = 0;
	for (size_t g = 0; g < b->active.n; g++) {
		if (best[g] == NODE_NONE) {
			b->active.v[g] = NODE_NONE;
			continue;
		}
		int stops = finished(b, best[g], depth) || b->level >= depth;
		search_keep(s, b->level, &best[g], 1);
		for (size_t i = 0; i < b->fresh.n; i++) {
			int32_t id = b->fresh.v[i];
			if ((size_t)b->fresh_group.v[i] != g)
				continue;
			if (stops)
				idlist_push(&b->finished, id);
			else if (id != best[g])
				search_prune(s, id, 0);
		}
		b->active.v[g] = stops ? NODE_NONE : best[g];
		alive += !stops;
	}
	free(best);
	return alive > 0 && b->level < depth;
}

static int beam_step(void *st, struct search *s)
{
	struct beam *b = st;
	return b->dvts ? dvts_level(b, s) : beam_level(b, s);
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
	uint32_t off = 0;
	int tag = 0;
	grow(b, &c->node, &k, &tag, &off, 1);
	int depth = (int)params_get(search_params(s), P_DEPTH);
	/* the user's children join the search: finished ones are candidates,
	 * the others are extended at the next level (dvts: each its own subtree) */
	for (size_t i = 0; i < b->fresh.n; i++) {
		int32_t id = b->fresh.v[i];
		if (finished(b, id, depth))
			idlist_push(&b->finished, id);
		else
			idlist_push(&b->active, id);
	}
	if (b->level == 0)
		b->level = 1; /* the root was expanded by hand */
	return 0;
}

/* The answer.  By default search-and-learn's (score() in sal/utils/
 * score.py): a vote over the first N finished candidates, in the order
 * they finished, repeated in turn to N when fewer finished, each weighted
 * by its last step's PRM score.  --final best (ours) takes the one
 * finished candidate with the best aggregated score instead. */
static void beam_finish(void *st, struct search *s)
{
	struct beam *b = st;
	const struct tree *t = search_tree(s);
	/* search-and-learn's completed beams: every finished candidate, with
	 * an answer or not (one that ran out of depth takes its place among
	 * the first N as sal's does, and votes for no answer) */
	struct idlist live = {0}, answered = {0};
	for (size_t i = 0; i < b->finished.n; i++)
		if (is_live(b, b->finished.v[i])) {
			idlist_push(&live, b->finished.v[i]);
			if (tree_node(t, b->finished.v[i])->answer)
				idlist_push(&answered, b->finished.v[i]);
		}
	int by_vote = (int)params_get(search_params(s), P_FINAL) == 1;
	if (answered.n == 0) {
		search_final(s, NULL, NODE_NONE,
			     live.n ? "no finished candidate stated an answer" : "no candidate finished within the depth and budget");
		idlist_free(&live);
		idlist_free(&answered);
		return;
	}
	if (!by_vote) {
		/* --final best (ours) chooses among the answered only */
		idlist_free(&live);
		live = answered;
		answered = (struct idlist){0};
	}
	static const char *const agg_names[] = {"last", "min", "prod", "mean"};
	const char *agg = agg_names[(int)params_get(search_params(s), P_AGG)];
	size_t n = (size_t)params_get(search_params(s), P_N);
	char reason[200];
	if (by_vote) {
		size_t k = live.n < n ? live.n : n, nv = n > k ? n : k;
		int32_t *ids = xcalloc(nv, sizeof *ids);
		double *w = xcalloc(nv, sizeof *w);
		for (size_t i = 0; i < nv; i++) {
			ids[i] = live.v[i % k];
			double p = tree_node(t, ids[i])->prm;
			w[i] = isnan(p) ? 0 : p;
		}
		struct vote_cluster *c;
		size_t nc = vote_clusters(t, ids, w, nv, &c);
		size_t none = 0;
		for (size_t i = 0; i < k; i++)
			none += tree_node(t, live.v[i])->answer == NULL;
		if (!nc) {
			snprintf(reason, sizeof reason, "none of the first %zu finished candidates stated an answer", k);
			search_vote(s, NULL, c, 0);
			search_final(s, NULL, NODE_NONE, reason);
			vote_free(c, nc);
			free(ids);
			free(w);
			idlist_free(&live);
			idlist_free(&answered);
			return;
		}
		size_t win = vote_winner(c, nc, 1);
		double total = 0;
		for (size_t i = 0; i < nc; i++)
			total += c[i].weight;
		char copies[96] = "", unanswered[96] = "";
		if (k < nv)
			snprintf(copies, sizeof copies, ", %zu of them repeated to make %zu as search-and-learn does", k, nv);
		if (none)
			snprintf(unanswered, sizeof unanswered, " (%zu of them without an answer, voting for none)", none);
		snprintf(reason, sizeof reason, "PRM-weighted vote (last-step scores) over %zu finished candidates%s%s: %.3f of %.3f",
			 k, unanswered, copies, c[win].weight, total);
		search_vote(s, c[win].answer, c, nc);
		/* the winning cluster's best-scored member stands for it */
		int32_t rep = c[win].nodes[0];
		for (size_t j = 1; j < c[win].nnodes; j++)
			if (tree_node(t, c[win].nodes[j])->prm > tree_node(t, rep)->prm)
				rep = c[win].nodes[j];
		search_final(s, c[win].answer, rep, reason);
		vote_free(c, nc);
		free(ids);
		free(w);
	} else {
		sort_ids(live.v, live.n, b);
		double *w = xcalloc(live.n, sizeof *w);
		for (size_t i = 0; i < live.n; i++) {
			double a = get_agg(b, live.v[i]);
			w[i] = isnan(a) ? 0 : a;
		}
		struct vote_cluster *c;
		size_t nc = vote_clusters(t, live.v, w, live.n, &c);
		int32_t best = live.v[0];
		const char *ans = tree_node(t, best)->answer;
		snprintf(reason, sizeof reason, "best finished candidate: PRM %.3f (%s)", get_agg(b, best), agg);
		search_vote(s, ans, c, nc);
		search_final(s, ans, best, reason);
		vote_free(c, nc);
		free(w);
	}
	idlist_free(&live);
	idlist_free(&answered);
}

static void beam_free(void *st)
{
	struct beam *b = st;
	idlist_free(&b->active);
	idlist_free(&b->finished);
	idlist_free(&b->fresh);
	idlist_free(&b->fresh_group);
	scoremap_free(&b->agg);
	free(b);
}

const struct strategy_ops strategy_beam = {
	.name = "beam", .title = "beam search with a PRM", .unit = "level", .params = beam_params, .finals = 0x3,
	.scale = P_N, .start = beam_start, .step = beam_step, .command = beam_command, .finish = beam_finish,
	.free = beam_free,
};

const struct strategy_ops strategy_dvts = {
	.name = "dvts", .title = "diverse verifier tree search: N/M independent subtrees",
	.unit = "level", .params = dvts_params, .finals = 0x3, .scale = P_N, .start = dvts_start, .step = beam_step,
	.command = beam_command, .finish = beam_finish, .free = beam_free,
};
