/* rstar_disc: rStar's discriminator.  Each candidate trajectory is cut
 * at a random 20-50% of its lines and completed by the discriminator
 * model; the candidate is kept when enough completions reach its answer
 * (disc-mode loose, mid, strict), and the final answer is the kept
 * candidate's with the highest reward x agreement. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "mcts_int.h"
#include "testing.h"

struct disc_ctx {
	const char *answer;
	int agree;
};

static void disc_done(void *ctx, struct request *r)
{
	struct disc_ctx *d = (struct disc_ctx *)ctx + r->tag;
	if (r->status != REQ_OK)
		return;
	for (size_t i = 0; i < r->ntexts; i++) {
		char *a = answer_extract(r->texts[i], strlen(r->texts[i]));
		d->agree += a && d->answer && answer_equal(a, d->answer);
		free(a);
	}
}

/* The lines of a trajectory, the problem left out. */
static size_t trajectory_lines(const struct mcts *m, int32_t leaf, char ***out)
{
	const struct tree *t = T(m);
	size_t len = tree_path(t, leaf, NULL, 0);
	int32_t *ids = xcalloc(len, sizeof *ids);
	tree_path(t, leaf, ids, len);
	char **lines = NULL;
	size_t n = 0;
	for (size_t i = 1; i < len; i++) {
		const char *s = tree_node(t, ids[i])->text;
		while (*s) {
			size_t l = strcspn(s, "\n");
			if (l) {
				lines = xrealloc(lines, (n + 1) * sizeof *lines);
				lines[n++] = xstrndup(s, l);
			}
			s += l + (s[l] == '\n');
		}
	}
	free(ids);
	*out = lines;
	return n;
}

void rstar_discriminate(struct mcts *m)
{
	struct search *s = m->s;
	int mode = (int)params_get(search_params(s), P_DISC_MODE);
	struct idlist cand = {0};
	mcts_collect_terminals(m, &cand);
	size_t n = cand.n;
	struct request *reqs = xcalloc(n ? n : 1, sizeof *reqs);
	struct request **ptrs = xcalloc(n ? n : 1, sizeof *ptrs);
	struct disc_ctx *d = xcalloc(n ? n : 1, sizeof *d);
	char ***lines = xcalloc(n ? n : 1, sizeof *lines);
	size_t *nlines = xcalloc(n ? n : 1, sizeof *nlines), *cut = xcalloc(n ? n : 1, sizeof *cut);
	for (size_t i = 0; i < n; i++) {
		nlines[i] = trajectory_lines(m, cand.v[i], &lines[i]);
		double f = 0.2 + 0.3 * rng_uniform(&m->rng);
		size_t k = (size_t)lround(f * (double)nlines[i]);
		if (k >= nlines[i])
			k = nlines[i] ? nlines[i] - 1 : 0;
		cut[i] = k;
		d[i].answer = tree_node(T(m), cand.v[i])->answer;
		/* the discriminator completes the cut trajectory, four times */
		search_request(s, &reqs[i], REQ_SOLUTION, 0);
		free((void *)reqs[i].steps);
		reqs[i].steps = (const char *const *)lines[i];
		reqs[i].nsteps = k;
		reqs[i].n = 4;
		reqs[i].role = ROLE_DISC; /* --disc-url: another model checks */
		reqs[i].tag = (int)i;
		reqs[i].seed = hash_u64(reqs[i].seed, (uint64_t)cand.v[i]);
		ptrs[i] = &reqs[i];
	}
	search_batch(s, ptrs, n, disc_done, d);
	struct idlist kept = {0};
	double *score = xcalloc(n ? n : 1, sizeof *score);
	for (size_t i = 0; i < n; i++) {
		const struct node *nd = tree_node(T(m), cand.v[i]);
		int keep = rstar_disc_keep(d[i].agree, mode);
		double rwd = nd->visits ? nd->value / nd->visits : 0;
		score[i] = rwd * d[i].agree / 4.0;
		static const char *const keys[] = {"agree", "of", "cut_lines", "lines", "reward", "score"};
		double vals[6] = {d[i].agree, 4, (double)cut[i], (double)nlines[i], rwd, score[i]};
		struct event ev;
		event_verdict(&ev, cand.v[i], "discriminator", keep ? "kept" : "dropped", keys, vals, 6);
		search_emit(s, &ev);
		if (keep)
			idlist_push(&kept, (int32_t)i);
		reqs[i].steps = NULL;
		search_request_free(&reqs[i]);
		for (size_t j = 0; j < nlines[i]; j++)
			free(lines[i][j]);
		free(lines[i]);
	}
	/* the final choice: highest reward x agreement among the kept
	 * (all candidates when none was kept) */
	int fallback = kept.n == 0;
	if (fallback)
		for (size_t i = 0; i < n; i++)
			idlist_push(&kept, (int32_t)i);
	int32_t *ids = xcalloc(kept.n ? kept.n : 1, sizeof *ids);
	double *w = xcalloc(kept.n ? kept.n : 1, sizeof *w);
	size_t best = 0;
	for (size_t i = 0; i < kept.n; i++) {
		ids[i] = cand.v[kept.v[i]];
		w[i] = score[kept.v[i]];
		if (w[i] > w[best])
			best = i;
	}
	struct vote_cluster *c;
	size_t nc = vote_clusters(T(m), ids, w, kept.n, &c);
	if (kept.n == 0) {
		search_vote(s, NULL, c, 0);
		search_final(s, NULL, NODE_NONE, "no rollout reached an answer");
	} else {
		char reason[200];
		snprintf(reason, sizeof reason, "%s: reward x agreement %.3f (%zu of %zu kept, mode %s)",
			 fallback ? "the discriminator kept none; best of all" : "best kept trajectory",
			 w[best], fallback ? (size_t)0 : kept.n, n,
			 (const char *[]){"loose", "mid", "strict"}[mode]);
		const char *ans = tree_node(T(m), ids[best])->answer;
		search_vote(s, ans, c, nc);
		search_final(s, ans, ids[best], reason);
	}
	vote_free(c, nc);
	free(ids);
	free(w);
	free(score);
	idlist_free(&kept);
	idlist_free(&cand);
	free(reqs);
	free(ptrs);
	free(d);
	free(lines);
	free(nlines);
	free(cut);
	m->discriminated = 1;
}

/* Plain MCTS: follow the most visited children from the root. */
