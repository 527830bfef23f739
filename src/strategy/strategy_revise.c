/* revise: Snell et al.'s (2024) sequential revisions.  --parallel P
 * chains share --n attempts; each chain's first attempt is a sample, and
 * each next one a revision that sees the chain's latest attempt and up to
 * three before it (the paper's revision model conditions on four), so the
 * sequential/parallel ratio is (n / P) : P.  Every attempt is scored by
 * the ORM.  The answer: the ORM-weighted vote over every attempt of every
 * chain (the verifier picking over the chains, --final vote); ours: the
 * single best-scored attempt (--final best), or a majority of the chains'
 * last attempts (--final last).  One unit = one round: the first attempts,
 * then one revision of each chain not yet at its length.
 * Snell et al. trained their revision model; with an off-the-shelf one
 * (and the sim's, which finds its own errors as a self-critique does),
 * revisions need not improve on the first attempt. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idlist.h"
#include "search.h"
#include "util.h"
#include "vote.h"

#define REVISE_CONTEXT 3 /* earlier attempts shown beside the latest */

static const struct param_default revise_params[] = {
	{P_N, 16}, {P_PARALLEL, 1}, {P_FINAL, 1}, {P_TEMPERATURE, 0.8}, {P_TOP_P, 0.95},
	{P_MAX_TOKENS, 1024}, {P_COUNT, 0},
};

struct revise {
	struct search *s;
	struct idlist *chains; /* each chain's attempts, in order */
	size_t nchains;
	size_t length;         /* attempts a chain gets */
	int started, done;
	struct scoremap orm;   /* each attempt's ORM score */
};

static void *revise_start(struct search *s)
{
	struct revise *v = xcalloc(1, sizeof *v);
	v->s = s;
	return v;
}

static const struct tree *T(const struct revise *v) { return search_tree(v->s); }

struct made {
	struct revise *v;
	int32_t id;
	int round;
};

static void attempt_done(void *ctx, struct request *r)
{
	struct made *m = (struct made *)ctx + r->tag;
	if (r->status != REQ_OK || !r->ntexts)
		return;
	m->id = search_add_node_ex(m->v->s, r->node, m->round ? NODE_REFINEMENT : NODE_SOLUTION, r->texts[0],
				   strlen(r->texts[0]), r->tokens[0], 0, m->round);
}

static void orm_done(void *ctx, struct request *r)
{
	struct revise *v = ctx;
	if (r->status == REQ_OK && r->nscores) {
		scoremap_set(&v->orm, r->node, r->scores[0]);
		search_score(v->s, r->node, NAN, r->scores[0]);
	}
}

/* The ORM scores each attempt made. */
static void score(struct revise *v, const struct made *m, size_t n)
{
	struct request *reqs = xcalloc(n ? n : 1, sizeof *reqs), **ptrs = xcalloc(n ? n : 1, sizeof *ptrs);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (m[i].id == NODE_NONE)
			continue;
		search_request_whole(v->s, &reqs[k], REQ_ORM, m[i].id);
		ptrs[k] = &reqs[k];
		k++;
	}
	search_batch(v->s, ptrs, k, orm_done, v);
	for (size_t i = 0; i < k; i++)
		search_request_whole_free(&reqs[i]);
	free(reqs);
	free(ptrs);
}

static int live(const struct revise *v, int32_t id)
{
	return id != NODE_NONE && !(tree_node(T(v), id)->flags & NF_PRUNED);
}

/* Whether chain i gets another revision: it has begun, is short of its
 * length, and its latest attempt was not pruned. */
static int chain_open(const struct revise *v, size_t i)
{
	const struct idlist *c = &v->chains[i];
	return c->n && c->n < v->length && live(v, c->v[c->n - 1]);
}

static int revise_step(void *st, struct search *s)
{
	struct revise *v = st;
	const struct params *p = search_params(s);
	if (v->done)
		return 0;
	if (!v->started) {
		/* the first attempts: one sample a chain */
		search_unit(s, "sample");
		size_t n = (size_t)params_get(p, P_N), par = (size_t)params_get(p, P_PARALLEL);
		if (par > n)
			par = n;
		v->nchains = par;
		v->length = (n + par - 1) / par;
		v->chains = xcalloc(par, sizeof *v->chains);
		struct request *reqs = xcalloc(par, sizeof *reqs), **ptrs = xcalloc(par, sizeof *ptrs);
		struct made *m = xcalloc(par, sizeof *m);
		for (size_t i = 0; i < par; i++) {
			search_request(s, &reqs[i], REQ_SOLUTION, 0);
			reqs[i].sample_offset = (uint32_t)i;
			reqs[i].tag = (int)i;
			m[i] = (struct made){v, NODE_NONE, 0};
			ptrs[i] = &reqs[i];
		}
		search_batch(s, ptrs, par, attempt_done, m);
		for (size_t i = 0; i < par; i++) {
			search_request_free(&reqs[i]);
			if (m[i].id != NODE_NONE)
				idlist_push(&v->chains[i], m[i].id);
		}
		score(v, m, par);
		free(reqs);
		free(ptrs);
		free(m);
		v->started = 1;
		v->done = v->length <= 1;
		return !v->done;
	}
	/* one revision of every chain not yet at its length */
	search_unit(s, "round");
	struct request *reqs = xcalloc(v->nchains, sizeof *reqs), **ptrs = xcalloc(v->nchains, sizeof *ptrs);
	struct made *m = xcalloc(v->nchains, sizeof *m);
	struct strbuf *ctx = xcalloc(v->nchains, sizeof *ctx);
	size_t k = 0;
	for (size_t i = 0; i < v->nchains; i++) {
		struct idlist *c = &v->chains[i];
		if (!chain_open(v, i))
			continue;
		int32_t last = c->v[c->n - 1];
		search_request_whole(s, &reqs[k], REQ_REVISE, last);
		/* the attempts before the latest, oldest first */
		sb_init(&ctx[i]);
		size_t from = c->n > REVISE_CONTEXT + 1 ? c->n - 1 - REVISE_CONTEXT : 0;
		for (size_t j = from; j + 1 < c->n; j++)
			sb_printf(&ctx[i], "%sAttempt %zu:\n%s\n", ctx[i].len ? "\n" : "", j + 1,
				  tree_node(T(v), c->v[j])->text);
		reqs[k].feedback = ctx[i].s ? ctx[i].s : "(none)";
		reqs[k].tag = (int)i;
		m[i] = (struct made){v, NODE_NONE, (int)c->n};
		ptrs[k] = &reqs[k];
		k++;
	}
	search_batch(s, ptrs, k, attempt_done, m);
	size_t grew = 0;
	for (size_t i = 0; i < k; i++)
		search_request_whole_free(&reqs[i]);
	for (size_t i = 0; i < v->nchains; i++) {
		sb_free(&ctx[i]);
		if (m[i].id != NODE_NONE) {
			idlist_push(&v->chains[i], m[i].id);
			grew++;
		}
	}
	score(v, m, v->nchains);
	free(reqs);
	free(ptrs);
	free(m);
	free(ctx);
	for (size_t i = 0; i < v->nchains && grew; i++)
		if (chain_open(v, i))
			return 1;
	v->done = 1;
	return 0;
}

static void revise_finish(void *st, struct search *s)
{
	struct revise *v = st;
	const struct tree *t = T(v);
	int final = (int)params_get(search_params(s), P_FINAL);
	struct idlist voters = {0};
	double *w = NULL;
	size_t total = 0;
	for (size_t i = 0; i < v->nchains; i++)
		total += v->chains[i].n;
	w = xcalloc(total ? total : 1, sizeof *w);
	int32_t best = NODE_NONE;
	for (size_t i = 0; i < v->nchains; i++) {
		const struct idlist *c = &v->chains[i];
		for (size_t j = 0; j < c->n; j++) {
			int32_t id = c->v[j];
			if (!live(v, id) || !tree_node(t, id)->answer)
				continue;
			double o = scoremap_get(&v->orm, id);
			if (final == 2 && j + 1 != c->n)
				continue; /* last: only each chain's latest */
			w[voters.n] = final == 2 ? 1 : isnan(o) ? 0 : o;
			idlist_push(&voters, id);
			if (!isnan(o) && (best == NODE_NONE || o > scoremap_get(&v->orm, best)))
				best = id;
		}
	}
	struct vote_cluster *c;
	size_t nc = vote_clusters(t, voters.v, w, voters.n, &c);
	char reason[240];
	if (!nc) {
		search_vote(s, NULL, c, 0);
		search_final(s, NULL, NODE_NONE, "no attempt stated an answer");
	} else if (final == 0 && best != NODE_NONE) {
		snprintf(reason, sizeof reason, "the best-scored of %zu attempts: ORM %.3f (ours)", voters.n,
			 scoremap_get(&v->orm, best));
		search_vote(s, tree_node(t, best)->answer, c, nc);
		search_final(s, tree_node(t, best)->answer, best, reason);
	} else {
		size_t k = vote_winner(c, nc, final != 2);
		if (final == 2)
			snprintf(reason, sizeof reason, "majority of the %zu chains' last attempts: %u vote%s (ours)",
				 voters.n, c[k].count, c[k].count == 1 ? "" : "s");
		else {
			double sum = 0;
			for (size_t j = 0; j < nc; j++)
				sum += c[j].weight;
			snprintf(reason, sizeof reason,
				 "ORM-weighted vote over %zu attempts in %zu chain%s of %zu: %.3f of %.3f", voters.n,
				 v->nchains, v->nchains == 1 ? "" : "s", v->length, c[k].weight, sum);
		}
		search_vote(s, c[k].answer, c, nc);
		search_final(s, c[k].answer, c[k].nodes[c[k].nnodes - 1], reason);
	}
	vote_free(c, nc);
	free(w);
	idlist_free(&voters);
}

static int revise_command(void *st, struct search *s, const struct command *c, char *err, size_t errlen)
{
	(void)st;
	if (c->kind == CMD_FOCUS || c->kind == CMD_EXPAND) {
		snprintf(err, errlen, "%s has no %s: its chains grow one revision a round",
			 search_strategy(s)->name, c->kind == CMD_FOCUS ? "selection to steer" : "node to expand");
		return -1;
	}
	return 0;
}

static void revise_free(void *st)
{
	struct revise *v = st;
	for (size_t i = 0; i < v->nchains; i++)
		idlist_free(&v->chains[i]);
	free(v->chains);
	scoremap_free(&v->orm);
	free(v);
}

const struct strategy_ops strategy_revise = {
	.name = "revise", .title = "sequential revisions: chains of attempts, each revising the last",
	.unit = "round", .params = revise_params, .finals = 0x7, .scale = P_N, .start = revise_start,
	.step = revise_step, .command = revise_command, .finish = revise_finish, .free = revise_free,
};
