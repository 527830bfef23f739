/* Critique and refine loops (ALGORITHMS.md sections 6 and 7).
 *   critique    MathCritique (Xi et al. 2024), as evaluate-all.sh: the
 *               actor writes a solution; each round the critic (T=0)
 *               judges each step ("Correctness of the step: Correct|
 *               Wrong") and the actor refines every response, whatever
 *               the critique; --rounds rounds (1), --parallel K chains
 *               (1).  The answer: a vote over every round's refinements
 *               (--final last: the last round's).
 *   selfrefine  the same loop with the actor critiquing itself, a chain
 *               stopping when its feedback finds nothing; the answer is
 *               the last refinement (Self-Refine).
 *   magicore    MAgICoRe (Chen et al. 2024): k solutions scored by ORM and
 *               PRM (R = ORM + prod PRM); easy when the majority cluster's
 *               mean normalised reward is >= 0 or both score distributions
 *               are confident (C = 2(1 - sigmoid(H)) >= 0.5), answered by
 *               weighted self-consistency; hard problems get up to --rounds
 *               of reviewer (sees each step's score) then refiner; of the
 *               2k chains the top k by ORM go on; stop when the ORM stops
 *               improving.  --refine all refines every problem.
 * A solution, critique, review or refinement is one node with its whole
 * text and its round.  One unit = one round. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "calib.h"
#include "critique.h"
#include "idlist.h"
#include "search.h"
#include "testing.h"
#include "util.h"
#include "vote.h"


static double sigmoid(double x)
{
	return 1.0 / (1.0 + exp(-x));
}

/* C = 2(1 - sigmoid(H)), H the entropy of the answers' shares of the
 * summed scores. */
static double confidence(const char *const *answers, const double *score, size_t n)
{
	double *sum = xcalloc(n ? n : 1, sizeof *sum);
	size_t *rep = xcalloc(n ? n : 1, sizeof *rep), nc = 0;
	double total = 0;
	for (size_t i = 0; i < n; i++) {
		if (!answers[i])
			continue;
		size_t k;
		for (k = 0; k < nc; k++)
			if (answer_equal(answers[rep[k]], answers[i]))
				break;
		if (k == nc)
			rep[nc++] = i;
		sum[k] += score[i];
		total += score[i];
	}
	double h = 0;
	for (size_t k = 0; k < nc && total > 0; k++) {
		double p = sum[k] / total;
		if (p > 0)
			h -= p * log(p);
	}
	free(sum);
	free(rep);
	return 2.0 * (1.0 - sigmoid(h));
}

/* The majority answer of n (Counter.most_common: ties to the first). */
static const char *majority_of(const char *const *answers, size_t n)
{
	return n ? answers[vote_majority(answers, n, NULL)] : NULL;
}

/* refine.py's two conditions.  Condition 1: the mean z-score, (R - mu) /
 * sd with R = ORM + PRM product, of the solutions that give the majority
 * answer of the first iteration; mu and sd are the data set's (every
 * problem's first solution: refine.py's reward_avg, reward_std).  As
 * there, no such solution leaves the mean NaN, which is not below 0:
 * condition 1 holds.  Condition 2: both confidences 2(1 - sigmoid(H)) at
 * least 0.5.  Easy when either holds. */
void magicore_verdict_with(const char *const *answers, const double *orm, const double *prm, size_t n,
			   const char *majority, double mu, double sd, struct magicore_verdict *out)
{
	memset(out, 0, sizeof *out);
	double z = 0;
	size_t m = 0;
	for (size_t j = 0; j < n; j++) {
		if (!(majority && answers[j] && answer_equal(majority, answers[j])))
			continue;
		z += sd > 0 ? (orm[j] + prm[j] - mu) / sd : 0;
		m++;
	}
	out->mean_z = m ? z / (double)m : NAN;
	out->cond1 = !m || out->mean_z >= 0;
	out->c_orm = confidence(answers, orm, n);
	out->c_prm = confidence(answers, prm, n);
	out->cond2 = out->c_orm >= 0.5 && out->c_prm >= 0.5;
	out->easy = out->cond1 || out->cond2;
}

/* The same with this set's own majority, mean and deviation. */
void magicore_verdict(const char *const *answers, const double *orm, const double *prm, size_t n,
		      struct magicore_verdict *out)
{
	double *r = xcalloc(n ? n : 1, sizeof *r), mu, sd;
	for (size_t i = 0; i < n; i++)
		r[i] = orm[i] + prm[i];
	calib_mean_sd(r, n, &mu, &sd);
	free(r);
	magicore_verdict_with(answers, orm, prm, n, majority_of(answers, n), mu, sd, out);
}

/* ---- shared machinery ---- */

enum loop_kind { LK_CRITIQUE, LK_SELF, LK_MAGICORE };

struct chain {
	int32_t last;  /* the newest solution or refinement */
	int active;
	double orm, prm; /* magicore: scores of last (prm: product of steps) */
	double *step_prm; /* magicore: each step's score, for the reviewer */
	size_t nstep_prm;
};

struct loop {
	struct search *s;
	enum loop_kind kind;
	struct chain *chains;
	size_t nchains;
	int round; /* rounds done; 0 before the first solutions */
	int done;
	int verdict_easy; /* magicore: the last verdict, -1 before one */
	struct idlist answers; /* every solution and refinement, for the vote */
	/* magicore: chains [0, niter0) are the first solutions; cur the
	 * iteration's (iter{n}), cand what its answer is chosen from */
	size_t niter0;
	size_t *cur, ncur, *cand, ncand;
	const char *majority; /* the first solutions' */
	double mu, sd;        /* condition 1's statistics */
	int stats_own;        /* mu and sd are the problem's own */
};

/* MathCritique's evaluate-all.sh: MV_NUM=1 round, sample_num=1 chain;
 * the vote over the refinements (ONLY_FINAL_SEQUENTIAL=0). */
static const struct param_default critique_params[] = {
	{P_ROUNDS, 1}, {P_PARALLEL, 1}, {P_FINAL, 1}, {P_TEMPERATURE, 0.7}, {P_TOP_P, 0.95},
	{P_MAX_TOKENS, 1024}, {P_COUNT, 0},
};

static const struct param_default self_params[] = {
	{P_ROUNDS, 3}, {P_PARALLEL, 1}, {P_TEMPERATURE, 0.7}, {P_TOP_P, 0.95},
	{P_MAX_TOKENS, 1024}, {P_COUNT, 0},
};

/* refine.py's defaults: --k 40, --iter 3, T 0.8, top-p 0.95, 1000 tokens */
static const struct param_default magicore_params[] = {
	{P_K, 40}, {P_ROUNDS, 3}, {P_REFINE, 0}, {P_REWARD_MEAN, 0}, {P_REWARD_SD, 0}, {P_TEMPERATURE, 0.8},
	{P_TOP_P, 0.95}, {P_MAX_TOKENS, 1000}, {P_COUNT, 0},
};

static void *loop_start(struct search *s, enum loop_kind kind)
{
	struct loop *l = xcalloc(1, sizeof *l);
	l->s = s;
	l->kind = kind;
	l->verdict_easy = -1;
	return l;
}

static void *critique_start(struct search *s) { return loop_start(s, LK_CRITIQUE); }
static void *self_start(struct search *s) { return loop_start(s, LK_SELF); }
static void *magicore_start(struct search *s) { return loop_start(s, LK_MAGICORE); }

struct batch_item {
	struct loop *l;
	size_t chain;
	int32_t made; /* the node the reply became */
};

static void sample_done(void *ctx, struct request *r)
{
	struct batch_item *it = (struct batch_item *)ctx + r->tag;
	if (r->status != REQ_OK || !r->ntexts)
		return;
	it->made = search_add_node_ex(it->l->s, 0, NODE_SOLUTION, r->texts[0], strlen(r->texts[0]),
				      r->tokens[0], 0, 0);
}

static void sample_chains(struct loop *l, size_t n)
{
	struct search *s = l->s;
	struct request *reqs = xcalloc(n, sizeof *reqs);
	struct request **ptrs = xcalloc(n, sizeof *ptrs);
	struct batch_item *items = xcalloc(n, sizeof *items);
	for (size_t i = 0; i < n; i++) {
		search_request(s, &reqs[i], REQ_SOLUTION, 0);
		reqs[i].sample_offset = (uint32_t)(l->nchains + i);
		reqs[i].tag = (int)i;
		items[i] = (struct batch_item){l, l->nchains + i, NODE_NONE};
		ptrs[i] = &reqs[i];
	}
	search_batch(s, ptrs, n, sample_done, items);
	l->chains = xrealloc(l->chains, (l->nchains + n) * sizeof *l->chains);
	for (size_t i = 0; i < n; i++) {
		search_request_free(&reqs[i]);
		l->chains[l->nchains + i] = (struct chain){items[i].made, items[i].made != NODE_NONE, NAN, NAN, NULL, 0};
		if (items[i].made != NODE_NONE)
			idlist_push(&l->answers, items[i].made);
	}
	l->nchains += n;
	free(reqs);
	free(ptrs);
	free(items);
}

/* ---- scoring (magicore) ---- */

static void orm_done(void *ctx, struct request *r)
{
	struct batch_item *it = (struct batch_item *)ctx + r->tag;
	if (r->status == REQ_OK && r->nscores)
		it->l->chains[it->chain].orm = r->scores[0];
}

static void prm_done(void *ctx, struct request *r)
{
	struct batch_item *it = (struct batch_item *)ctx + r->tag;
	if (r->status != REQ_OK || !r->nscores)
		return;
	struct chain *c = &it->l->chains[it->chain];
	double p = 1;
	for (size_t i = 0; i < r->nscores; i++)
		p *= r->scores[i];
	c->prm = p;
	free(c->step_prm);
	c->step_prm = xcalloc(r->nscores, sizeof *c->step_prm);
	memcpy(c->step_prm, r->scores, r->nscores * sizeof *c->step_prm);
	c->nstep_prm = r->nscores;
}

/* Scores chains [from, to) with the ORM and the PRM (product of steps). */
static void score_chains(struct loop *l, size_t from, size_t to)
{
	size_t n = to - from;
	if (!n)
		return;
	struct request *reqs = xcalloc(2 * n, sizeof *reqs);
	struct request **ptrs = xcalloc(2 * n, sizeof *ptrs);
	struct batch_item *items = xcalloc(n, sizeof *items);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		items[i] = (struct batch_item){l, from + i, NODE_NONE};
		if (!l->chains[from + i].active)
			continue;
		search_request_whole(l->s, &reqs[m], REQ_ORM, l->chains[from + i].last);
		reqs[m].tag = (int)i;
		ptrs[m] = &reqs[m];
		m++;
	}
	search_batch(l->s, ptrs, m, orm_done, items);
	size_t m2 = m;
	for (size_t i = 0; i < n; i++) {
		if (!l->chains[from + i].active)
			continue;
		search_request_whole(l->s, &reqs[m2], REQ_PRM, l->chains[from + i].last);
		reqs[m2].tag = (int)i;
		ptrs[m2 - m] = &reqs[m2];
		m2++;
	}
	search_batch(l->s, ptrs, m2 - m, prm_done, items);
	for (size_t i = 0; i < m2; i++)
		search_request_whole_free(&reqs[i]);
	for (size_t i = from; i < to; i++)
		if (l->chains[i].active && !isnan(l->chains[i].orm))
			search_score(l->s, l->chains[i].last, l->chains[i].prm, l->chains[i].orm);
	free(reqs);
	free(ptrs);
	free(items);
}

/* ---- one round of critique (or review) then refinement ---- */

static void critique_done(void *ctx, struct request *r)
{
	struct batch_item *it = (struct batch_item *)ctx + r->tag;
	struct loop *l = it->l;
	if (r->status != REQ_OK || !r->ntexts)
		return;
	enum node_kind kind = l->kind == LK_MAGICORE ? NODE_REVIEW : NODE_CRITIQUE;
	it->made = search_add_node_ex(l->s, l->chains[it->chain].last, kind, r->texts[0],
				      strlen(r->texts[0]), r->tokens[0], 0, l->round);
}

static void refine_done(void *ctx, struct request *r)
{
	struct batch_item *it = (struct batch_item *)ctx + r->tag;
	struct loop *l = it->l;
	if (r->status != REQ_OK || !r->ntexts)
		return;
	it->made = search_add_node_ex(l->s, r->node, NODE_REFINEMENT, r->texts[0], strlen(r->texts[0]),
				      r->tokens[0], 0, l->round);
}

/* Critiques (or reviews) every active chain, refines the ones found
 * wrong.  magicore: the refinements become new chains.  Returns how many
 * chains were refined. */
static size_t refine_round(struct loop *l)
{
	struct search *s = l->s;
	const struct tree *t = search_tree(s);
	size_t n = l->nchains;
	struct request *reqs = xcalloc(n ? n : 1, sizeof *reqs);
	struct request **ptrs = xcalloc(n ? n : 1, sizeof *ptrs);
	struct batch_item *crit = xcalloc(n ? n : 1, sizeof *crit);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		crit[i] = (struct batch_item){l, i, NODE_NONE};
		if (!l->chains[i].active || (tree_node(t, l->chains[i].last)->flags & NF_PRUNED))
			continue;
		if (l->kind == LK_MAGICORE) {
			search_request_whole(l->s, &reqs[m], REQ_REVIEW, l->chains[i].last);
			/* the reviewer sees each step's PRM score, as (Score: n/10) */
			if (l->chains[i].nstep_prm == reqs[m].nsteps)
				reqs[m].step_scores = l->chains[i].step_prm;
		} else {
			search_request_whole(l->s, &reqs[m], REQ_CRITIQUE, l->chains[i].last);
			reqs[m].self = l->kind == LK_SELF;
		}
		/* MathCritique's critic is greedy; MAgICoRe's reviewer samples
		 * as its solver does (one sampling_params for all) */
		if (l->kind != LK_MAGICORE)
			reqs[m].temperature = 0;
		reqs[m].tag = (int)i;
		ptrs[m] = &reqs[m];
		m++;
	}
	search_batch(s, ptrs, m, critique_done, crit);
	for (size_t i = 0; i < m; i++)
		search_request_whole_free(&reqs[i]);
	/* refine where the critique found something wrong */
	size_t r = 0;
	struct batch_item *ref = xcalloc(n ? n : 1, sizeof *ref);
	for (size_t i = 0; i < n; i++) {
		ref[i] = (struct batch_item){l, i, NODE_NONE};
		if (crit[i].made == NODE_NONE)
			continue;
		struct critique_summary cs;
		const char *ctext = tree_node(t, crit[i].made)->text;
		critique_parse(ctext, &cs);
		static const char *const keys[] = {"steps", "wrong_steps", "first_wrong"};
		double vals[3] = {cs.steps, cs.wrong, cs.first_wrong};
		struct event ev;
		event_verdict(&ev, crit[i].made, l->kind == LK_MAGICORE ? "review" : "critique",
			      cs.wrong || cs.final_wrong ? "wrong" : "correct", keys, vals, 3);
		search_emit(s, &ev);
		/* MathCritique refines every response, whatever its critique
		 * says (new_pipeline); Self-Refine stops when its feedback
		 * finds nothing; MAgICoRe refines every chain of a hard problem */
		if (!cs.wrong && !cs.final_wrong && l->kind == LK_SELF) {
			l->chains[i].active = 0;
			continue;
		}
		search_request_whole(l->s, &reqs[r], REQ_REFINE, l->chains[i].last);
		reqs[r].node = crit[i].made; /* the refinement hangs under its critique */
		reqs[r].feedback = ctext;
		reqs[r].tag = (int)i;
		ptrs[r] = &reqs[r];
		r++;
	}
	search_batch(s, ptrs, r, refine_done, ref);
	for (size_t i = 0; i < r; i++)
		search_request_whole_free(&reqs[i]);
	size_t refined = 0;
	for (size_t i = 0; i < n; i++) {
		if (ref[i].made == NODE_NONE)
			continue;
		refined++;
		idlist_push(&l->answers, ref[i].made);
		if (l->kind == LK_MAGICORE) {
			l->chains = xrealloc(l->chains, (l->nchains + 1) * sizeof *l->chains);
			l->chains[l->nchains++] = (struct chain){ref[i].made, 1, NAN, NAN, NULL, 0};
		} else {
			l->chains[i].last = ref[i].made;
		}
	}
	free(reqs);
	free(ptrs);
	free(crit);
	free(ref);
	return refined;
}

/* ---- the strategy ---- */

static size_t active_chains(const struct loop *l)
{
	const struct tree *t = search_tree(l->s);
	size_t n = 0;
	for (size_t i = 0; i < l->nchains; i++)
		n += l->chains[i].active && !(tree_node(t, l->chains[i].last)->flags & NF_PRUNED);
	return n;
}

static void journal_difficulty(struct loop *l, const struct magicore_verdict *v, int iter)
{
	static const char *const keys[] = {"cond1_mean_z", "cond1", "c_orm", "c_prm", "cond2", "iteration", "mean", "sd"};
	double vals[8] = {v->mean_z, v->cond1, v->c_orm, v->c_prm, v->cond2, iter, l->mu, l->sd};
	struct event ev;
	event_verdict(&ev, NODE_NONE, "difficulty", v->easy ? "easy" : "hard", keys, vals, 8);
	search_emit(l->s, &ev);
}

static int chain_live(const struct loop *l, size_t i)
{
	int32_t id = l->chains[i].last;
	return id != NODE_NONE && !(tree_node(search_tree(l->s), id)->flags & NF_PRUNED);
}

static double chain_reward(const struct chain *c)
{
	return (isnan(c->orm) ? 0 : c->orm) + (isnan(c->prm) ? 0 : c->prm);
}

/* After the first solutions: their majority, and condition 1's mean and
 * deviation (given, the data set's, or this problem's own). */
static void magicore_first(struct loop *l)
{
	const struct tree *t = search_tree(l->s);
	const struct params *p = search_params(l->s);
	l->niter0 = l->nchains;
	const char **ans = xcalloc(l->nchains ? l->nchains : 1, sizeof *ans);
	l->cur = xcalloc(l->nchains ? l->nchains : 1, sizeof *l->cur);
	double *reward = xcalloc(l->nchains ? l->nchains : 1, sizeof *reward), mu, sd;
	size_t n = 0;
	for (size_t i = 0; i < l->nchains; i++) {
		if (l->chains[i].last == NODE_NONE)
			continue;
		l->cur[l->ncur++] = i;
		ans[n] = tree_node(t, l->chains[i].last)->answer;
		reward[n++] = chain_reward(&l->chains[i]);
	}
	calib_mean_sd(reward, n, &mu, &sd);
	free(reward);
	l->majority = majority_of(ans, n);
	l->stats_own = params_get(p, P_REWARD_SD) <= 0;
	l->mu = l->stats_own ? mu : params_get(p, P_REWARD_MEAN);
	l->sd = l->stats_own ? sd : params_get(p, P_REWARD_SD);
	free(ans);
}

/* refine.py's decision on the iteration's solutions. */
static int magicore_judge(struct loop *l, int iter)
{
	const struct tree *t = search_tree(l->s);
	size_t n = l->ncur;
	const char **ans = xcalloc(n ? n : 1, sizeof *ans);
	double *o = xcalloc(n ? n : 1, sizeof *o), *p = xcalloc(n ? n : 1, sizeof *p);
	size_t m = 0;
	for (size_t j = 0; j < n; j++) {
		const struct chain *c = &l->chains[l->cur[j]];
		if (!chain_live(l, l->cur[j]))
			continue;
		ans[m] = tree_node(t, c->last)->answer;
		o[m] = isnan(c->orm) ? 0 : c->orm;
		p[m] = isnan(c->prm) ? 0 : c->prm;
		m++;
	}
	struct magicore_verdict v;
	magicore_verdict_with(ans, o, p, m, l->majority, l->mu, l->sd, &v);
	journal_difficulty(l, &v, iter);
	l->verdict_easy = v.easy;
	free(ans);
	free(o);
	free(p);
	return v.easy;
}

/* get_top_k: of the candidates, the k with the highest ORM + PRM
 * product (a stable sort: ties keep their order), journaled as kept. */
static void magicore_top_k(struct loop *l, size_t *idx, size_t n, int k)
{
	for (size_t i = 1; i < n; i++) {
		size_t x = idx[i], j = i;
		while (j > 0 && chain_reward(&l->chains[x]) > chain_reward(&l->chains[idx[j - 1]])) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = x;
	}
	size_t kept = n < (size_t)k ? n : (size_t)k;
	free(l->cand);
	l->cand = xcalloc(kept ? kept : 1, sizeof *l->cand);
	int32_t *ids = xcalloc(kept ? kept : 1, sizeof *ids);
	for (size_t i = 0; i < kept; i++) {
		l->cand[i] = idx[i];
		ids[i] = l->chains[idx[i]].last;
	}
	l->ncand = kept;
	search_keep(l->s, l->round, ids, kept);
	free(ids);
}

/* One iteration of refine.py: the decision on iter{n}; a hard problem's
 * solutions are all reviewed and refined (iter{n+1}), and its answer
 * comes from the top k of iter{n} and iter{n+1}; an easy one answers
 * from iter{n}, and its next iteration starts again from the first
 * solutions (iter{n+1} = iter0, as refine.py has it).  Returns 0 when
 * nothing further could change. */
static int magicore_iteration(struct loop *l)
{
	const struct params *p = search_params(l->s);
	int k = (int)params_get(p, P_K);
	int easy = magicore_judge(l, l->round - 1);
	int refine_all = (int)params_get(p, P_REFINE) == 1;
	if (easy && !refine_all) {
		free(l->cand);
		l->cand = xcalloc(l->ncur ? l->ncur : 1, sizeof *l->cand);
		memcpy(l->cand, l->cur, l->ncur * sizeof *l->cand);
		l->ncand = l->ncur;
		int first = l->ncur == l->niter0 && (!l->ncur || l->cur[0] == 0);
		l->ncur = 0;
		for (size_t i = 0; i < l->niter0; i++)
			if (l->chains[i].last != NODE_NONE)
				l->cur[l->ncur++] = i;
		/* judged easy on the first solutions, it always will be */
		return !first;
	}
	for (size_t i = 0; i < l->nchains; i++)
		l->chains[i].active = 0;
	for (size_t j = 0; j < l->ncur; j++)
		l->chains[l->cur[j]].active = 1;
	size_t before = l->nchains;
	refine_round(l);
	score_chains(l, before, l->nchains);
	size_t *both = xcalloc(l->ncur + l->nchains - before + 1, sizeof *both), nb = 0;
	for (size_t j = 0; j < l->ncur; j++)
		if (chain_live(l, l->cur[j]))
			both[nb++] = l->cur[j];
	free(l->cur);
	l->cur = xcalloc(l->nchains - before + 1 > l->niter0 ? l->nchains - before + 1 : l->niter0 + 1, sizeof *l->cur);
	l->ncur = 0;
	for (size_t i = before; i < l->nchains; i++) {
		both[nb++] = i;
		l->cur[l->ncur++] = i;
	}
	magicore_top_k(l, both, nb, k);
	free(both);
	return l->ncur > 0;
}

static int loop_step(void *st, struct search *s)
{
	struct loop *l = st;
	const struct params *p = search_params(s);
	int rounds = (int)params_get(p, P_ROUNDS);
	if (l->done)
		return 0;
	if (l->round == 0) {
		search_unit(s, "sample");
		size_t n = (size_t)params_get(p, l->kind == LK_MAGICORE ? P_K : P_PARALLEL);
		sample_chains(l, n);
		l->round = 1;
		if (l->kind == LK_MAGICORE) {
			score_chains(l, 0, l->nchains);
			magicore_first(l);
			if (rounds == 0) {
				/* no iteration: the first solutions answer */
				l->cand = xcalloc(l->ncur ? l->ncur : 1, sizeof *l->cand);
				memcpy(l->cand, l->cur, l->ncur * sizeof *l->cand);
				l->ncand = l->ncur;
			}
		}
		l->done |= rounds == 0;
		return !l->done;
	}
	search_unit(s, "round");
	if (l->kind == LK_MAGICORE) {
		/* refine.py's --iter iterations, each deciding again */
		int more = magicore_iteration(l);
		l->round++;
		if (!more && l->round <= rounds) {
			static const char *const keys[] = {"iterations", "of"};
			double v[2] = {l->round - 1, rounds};
			struct event ev;
			event_verdict(&ev, NODE_NONE, "stop",
				      "easy on the first solutions: every further iteration would decide the same", keys, v, 2);
			search_emit(s, &ev);
		}
		if (!more || l->round > rounds)
			l->done = 1;
		return !l->done;
	}
	size_t refined = refine_round(l);
	l->round++;
	if (!refined || !active_chains(l) || l->round > rounds)
		l->done = 1;
	return !l->done;
}

static void loop_finish(void *st, struct search *s)
{
	struct loop *l = st;
	const struct tree *t = search_tree(s);
	struct idlist voters = {0};
	double *w = NULL;
	if (l->kind == LK_MAGICORE) {
		/* the last iteration's weighted vote, ORM + PRM product, over
		 * its candidates (the top k of iter{n} and iter{n+1}, or iter{n}) */
		if (!l->cand && l->ncur) {
			/* stopped before an iteration: the current solutions */
			l->cand = xcalloc(l->ncur, sizeof *l->cand);
			memcpy(l->cand, l->cur, l->ncur * sizeof *l->cand);
			l->ncand = l->ncur;
		}
		w = xcalloc(l->ncand ? l->ncand : 1, sizeof *w);
		for (size_t j = 0; j < l->ncand; j++) {
			const struct chain *c = &l->chains[l->cand[j]];
			if (!chain_live(l, l->cand[j]) || !tree_node(t, c->last)->answer)
				continue;
			w[voters.n] = chain_reward(c);
			idlist_push(&voters, c->last);
		}
	} else if (l->kind == LK_SELF) {
		/* Self-Refine returns its last refinement: each chain's newest
		 * solution (several chains, --parallel, vote among those) */
		for (size_t i = 0; i < l->nchains; i++) {
			int32_t last = l->chains[i].last;
			if (last != NODE_NONE && tree_node(t, last)->answer && !(tree_node(t, last)->flags & NF_PRUNED))
				idlist_push(&voters, last);
		}
	} else {
		/* MathCritique's majority (test_filter.py --mode majority) is
		 * over the results file: every round's refinements, the
		 * originals left out; --final last (only_final_sequential) keeps
		 * the last round's.  Before any refinement, the originals. */
		int last = (int)params_get(search_params(s), P_FINAL) == 2;
		for (size_t i = 0; i < l->answers.n; i++) {
			const struct node *n = tree_node(t, l->answers.v[i]);
			if (!(n->flags & NF_PRUNED) && n->kind == NODE_REFINEMENT && !last)
				idlist_push(&voters, l->answers.v[i]);
		}
		for (size_t i = 0; i < l->nchains && (last || !voters.n); i++) {
			int32_t id = l->chains[i].last;
			if (id != NODE_NONE && !(tree_node(t, id)->flags & NF_PRUNED))
				idlist_push(&voters, id);
		}
	}
	struct vote_cluster *c;
	size_t nc = vote_clusters(t, voters.v, w, voters.n, &c);
	if (!nc) {
		search_vote(s, NULL, c, 0);
		search_final(s, NULL, NODE_NONE, "no solution stated an answer");
	} else {
		size_t k = vote_winner(c, nc, l->kind == LK_MAGICORE);
		int tie = 0;
		if (l->kind == LK_SELF)
			/* a tie among the chains' last versions goes to the
			 * answer refined last (ours; Counter's most_common keeps
			 * the first, as MathCritique's vote does) */
			for (size_t j = 0; j < nc; j++) {
				if (j == k || c[j].count != c[k].count)
					continue;
				tie = 1;
				if (c[j].nodes[c[j].nnodes - 1] > c[k].nodes[c[k].nnodes - 1])
					k = j;
			}
		int tied = 0;
		for (size_t j = 0; j < nc; j++)
			tied |= j != k && c[j].count == c[k].count;
		char reason[200];
		if (l->kind == LK_MAGICORE)
			snprintf(reason, sizeof reason, "%s; weighted vote of %zu (ORM + PRM product): %.3f%s",
				 l->verdict_easy == 1 ? "judged easy at the last iteration" : l->verdict_easy == 0
					? "judged hard at the last iteration: the top k of its solutions and their refinements"
					: "no iteration",
				 voters.n, c[k].weight, l->stats_own ? " (condition 1 from this problem's own statistics)" : "");
		else if (l->kind == LK_SELF && voters.n == 1)
			snprintf(reason, sizeof reason, "%s",
				 tree_node(t, voters.v[0])->kind == NODE_REFINEMENT
					 ? "the last refinement (Self-Refine returns it)"
					 : "the first solution: its own feedback found nothing to refine (Self-Refine "
					   "returns the latest version)");
		else if (l->kind == LK_SELF)
			snprintf(reason, sizeof reason, "majority of the %zu chains' last refinements: %u vote%s%s", voters.n,
				 c[k].count, c[k].count == 1 ? "" : "s", tie ? " (a tie: the answer refined last wins)" : "");
		else
			snprintf(reason, sizeof reason, "majority of %zu %s%s: %u vote%s%s", voters.n,
				 tree_node(t, voters.v[0])->kind != NODE_REFINEMENT ? "first solution" : "refinement",
				 tree_node(t, voters.v[0])->kind != NODE_REFINEMENT ? (voters.n == 1 ? " (none was refined)" : "s (none was refined)")
				 : (int)params_get(search_params(s), P_FINAL) == 2
					 ? (voters.n == 1 ? " of the last round (MathCritique's only_final_sequential)" : "s of the last round (MathCritique's only_final_sequential)")
					 : (voters.n == 1 ? " (MathCritique's majority over every round's refinements)" : "s, every round's (MathCritique's majority)"),
				 c[k].count, c[k].count == 1 ? "" : "s", tied ? " (a tie: the first seen wins)" : "");
		/* the newest member stands for the cluster */
		search_vote(s, c[k].answer, c, nc);
		search_final(s, c[k].answer, c[k].nodes[c[k].nnodes - 1], reason);
	}
	vote_free(c, nc);
	free(w);
	idlist_free(&voters);
}

static int loop_command(void *st, struct search *s, const struct command *c, char *err, size_t errlen)
{
	struct loop *l = st;
	if (c->kind == CMD_FOCUS) {
		snprintf(err, errlen, "focus is for MCTS; %s has no selection to steer", search_strategy(s)->name);
		return -1;
	}
	if (c->kind == CMD_EXPAND) {
		/* new chains always start from the problem, whichever node
		 * was chosen */
		size_t before = l->nchains;
		sample_chains(l, (size_t)(c->k > 0 ? c->k : 1));
		if (l->kind == LK_MAGICORE)
			score_chains(l, before, l->nchains);
		if (l->round == 0)
			l->round = 1;
	}
	return 0;
}

static void loop_free(void *st)
{
	struct loop *l = st;
	for (size_t i = 0; i < l->nchains; i++)
		free(l->chains[i].step_prm);
	free(l->chains);
	free(l->cur);
	free(l->cand);
	idlist_free(&l->answers);
	free(l);
}

const struct strategy_ops strategy_critique = {
	.name = "critique", .title = "critique-in-the-loop: a critic judges each step, the actor refines",
	.unit = "round", .params = critique_params, .finals = 0x6, .scale = P_PARALLEL, .start = critique_start, .step = loop_step,
	.command = loop_command, .finish = loop_finish, .free = loop_free,
};

const struct strategy_ops strategy_selfrefine = {
	.name = "selfrefine", .title = "self-refine: the actor critiques its own solution",
	.unit = "round", .params = self_params, .scale = P_PARALLEL, .start = self_start, .step = loop_step,
	.command = loop_command, .finish = loop_finish, .free = loop_free,
};

const struct strategy_ops strategy_magicore = {
	.name = "magicore", .title = "MAgICoRe: refine only the problems judged hard",
	.unit = "round", .params = magicore_params, .scale = P_K, .start = magicore_start, .step = loop_step,
	.command = loop_command, .finish = loop_finish, .free = loop_free,
};
