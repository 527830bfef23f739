/* rstar_disc: rStar's answer, as its do_discriminate.py chooses it.
 *
 * The candidates are the tree's solutions (its "Final Solutions": every
 * direct answer, last sub-question and one-step thought stating an
 * answer, not looking below one) and where each rollout ended (its
 * "Rollout Solutions"), one trajectory counted once per time it appears.
 * An answer's confidence is the sum of its candidates' rewards over the
 * number of candidates (rc_criteria "reward"): the generator's majority
 * (generator@maj) is the most confident answer.
 *
 * The discriminator then completes 4 prefixes of each trajectory, its
 * first 20, 30, 40 and 50% of words, once each at T = 1.0, and keeps the
 * candidates whose completions agree often enough (disc-mode: loose 1,
 * mid 2, strict 4 of 4).  The winner: the only one kept; else, of the
 * answers kept, the highest kept confidence + survival rate (the share of
 * the answer's candidates kept); when none is kept, the majority.  When
 * the majority's confidence is above 0.999, nothing is discriminated. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "answer.h"
#include "mcts_int.h"
#include "testing.h"

#define DISC_MASKS 4

/* rStar's reach_terminal_ost_step: a one-step thought that says "answer is". */
static int ost_answers(const char *text)
{
	for (const char *p = text; *p; p++)
		if (!strncasecmp(p, "answer is", 9))
			return 1;
	return 0;
}

static int solution_node(const struct mcts *m, int32_t id)
{
	const struct node *n = tree_node(T(m), id);
	return n->answer || (n->kind == NODE_STEP && n->action == 1 && ost_answers(n->text));
}

static void add_cand(const struct mcts *m, struct rstar_cand **c, size_t *n, int32_t id)
{
	for (size_t i = 0; i < *n; i++)
		if ((*c)[i].id == id) {
			(*c)[i].freq++;
			return;
		}
	const struct node *nd = tree_node(T(m), id);
	struct rstar_cand k = {.id = id, .freq = 1};
	k.answer = nd->answer ? xstrdup(nd->answer) : answer_extract(nd->text, strlen(nd->text));
	/* a one-step thought's reward is 0 in concat_solution_trace */
	k.reward = nd->answer && (size_t)id < m->cap && !isnan(m->conf[id]) ? m->conf[id] : 0;
	*c = xrealloc(*c, (*n + 1) * sizeof **c);
	(*c)[(*n)++] = k;
}

/* find_valid_solution_nodes: depth first, stopping at a solution. */
static void find_solutions(const struct mcts *m, int32_t id, struct rstar_cand **c, size_t *n)
{
	const struct tree *t = T(m);
	for (int32_t ch = tree_node(t, id)->first_child; ch != NODE_NONE; ch = tree_node(t, ch)->next_sibling) {
		if (tree_node(t, ch)->flags & NF_PRUNED)
			continue;
		if (solution_node(m, ch))
			add_cand(m, c, n, ch);
		else
			find_solutions(m, ch, c, n);
	}
}

/* The trajectory's pieces as concat_solution_trace strings them: the
 * steps, sub-answers (a re-answer in place of the one it replaces) and
 * the direct answer, line by line; the problem and a rephrasing left out. */
static size_t trajectory(const struct mcts *m, int32_t leaf, char ***out)
{
	const struct tree *t = T(m);
	size_t len = tree_path(t, leaf, NULL, 0);
	int32_t *ids = xcalloc(len, sizeof *ids);
	tree_path(t, leaf, ids, len);
	char **lines = NULL;
	size_t n = 0;
	for (size_t i = 1; i < len; i++) {
		const struct node *nd = tree_node(t, ids[i]);
		const char *s = nd->text;
		if (nd->kind == NODE_REPHRASE)
			continue;
		if (nd->kind == NODE_SUBQUESTION) {
			if (i + 1 < len && tree_node(t, ids[i + 1])->kind == NODE_REANSWER)
				continue;
			const char *a = strstr(s, "Answer:");
			s = a ? a + 7 : s;
		} else if (nd->kind == NODE_REANSWER && !strncmp(s, "Re-answer:", 10)) {
			s += 10;
		}
		while (*s) {
			s += strspn(s, " ");
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

static size_t count_words(const char *s)
{
	size_t w = 0;
	for (const char *p = s; *p; p++)
		w += *p != ' ' && (p == s || p[-1] == ' ');
	return w;
}

/* mask_solution_trace: the first ceil(words x ratio) words, as lines
 * (whole ones, then the cut one), so that a step is still a step. */
static size_t prefix_lines(char **lines, size_t n, size_t keep, char ***out)
{
	char **p = xcalloc(n ? n : 1, sizeof *p);
	size_t k = 0;
	for (size_t i = 0; i < n && keep; i++) {
		size_t w = count_words(lines[i]);
		if (w <= keep) {
			p[k++] = xstrdup(lines[i]);
			keep -= w;
			continue;
		}
		const char *s = lines[i], *e = s;
		for (size_t j = 0; j < keep; j++) {
			e += strspn(e, " ");
			e += strcspn(e, " ");
		}
		p[k++] = xstrndup(s, (size_t)(e - s));
		keep = 0;
	}
	*out = p;
	return k;
}

static void disc_done(void *ctx, struct request *r)
{
	struct rstar_cand *c = (struct rstar_cand *)ctx + r->tag / DISC_MASKS;
	if (r->status != REQ_OK)
		return;
	for (size_t i = 0; i < r->ntexts; i++) {
		char *a = answer_extract(r->texts[i], strlen(r->texts[i]));
		c->agree += a && c->answer && answer_equal(a, c->answer);
		free(a);
	}
}

/* group_candidates_by_answer: each candidate's answer group (SIZE_MAX:
 * none), in order of first appearance; conf[g] the group's rewards over
 * all the candidates counted, cnt[g] how many. */
static size_t group(const struct rstar_cand *c, size_t n, const int *in, size_t *grp, double *conf, double *cnt)
{
	size_t ng = 0;
	double total = 0;
	for (size_t i = 0; i < n; i++) {
		grp[i] = SIZE_MAX;
		if (!in[i])
			continue;
		total += c[i].freq;
		if (!c[i].answer)
			continue;
		size_t g = 0;
		while (g < ng) {
			size_t first = 0;
			while (grp[first] != g)
				first++;
			if (answer_equal(c[first].answer, c[i].answer))
				break;
			g++;
		}
		if (g == ng) {
			conf[ng] = cnt[ng] = 0;
			ng++;
		}
		grp[i] = g;
		conf[g] += c[i].reward * c[i].freq;
		cnt[g] += c[i].freq;
	}
	for (size_t g = 0; g < ng; g++)
		conf[g] = total > 0 ? conf[g] / total : 0;
	return ng;
}

static size_t argmax(const double *v, size_t n)
{
	size_t b = 0;
	for (size_t i = 1; i < n; i++)
		if (v[i] > v[b])
			b = i;
	return b;
}

/* The first candidate in group g. */
static size_t first_of(const size_t *grp, size_t n, size_t g, const int *in)
{
	for (size_t i = 0; i < n; i++)
		if (grp[i] == g && (!in || in[i]))
			return i;
	return 0;
}

/* do_discriminate.py's choice, from the candidates' numbers alone. */
size_t rstar_choose(const struct rstar_cand *c, size_t n, int mode, int by_vote, int discriminated,
		    struct rstar_choice *out)
{
	memset(out, 0, sizeof *out);
	out->maj = SIZE_MAX;
	size_t *grp = xcalloc(n ? n : 1, sizeof *grp), *ugrp = xcalloc(n ? n : 1, sizeof *ugrp),
	       *fgrp = xcalloc(n ? n : 1, sizeof *fgrp);
	double *conf = xcalloc(n ? n : 1, sizeof *conf), *cnt = xcalloc(n ? n : 1, sizeof *cnt);
	double *uconf = xcalloc(n ? n : 1, sizeof *uconf), *ucnt = xcalloc(n ? n : 1, sizeof *ucnt);
	double *fconf = xcalloc(n ? n : 1, sizeof *fconf), *fcnt = xcalloc(n ? n : 1, sizeof *fcnt);
	int *all = xcalloc(n ? n : 1, sizeof *all), *tried = xcalloc(n ? n : 1, sizeof *tried),
	    *kept = xcalloc(n ? n : 1, sizeof *kept);
	for (size_t i = 0; i < n; i++) {
		all[i] = 1;
		tried[i] = c[i].tried;
		kept[i] = c[i].tried && rstar_disc_keep(c[i].agree, mode);
		out->tried += (size_t)tried[i];
		out->kept += (size_t)kept[i];
	}
	size_t ng = group(c, n, all, grp, conf, cnt), win = SIZE_MAX;
	if (ng) {
		size_t g = argmax(conf, ng);
		out->maj = first_of(grp, n, g, NULL);
		out->maj_conf = conf[g];
	}
	if (!ng) {
		/* nothing to choose from */
	} else if (by_vote || !discriminated) {
		win = out->maj;
		out->how = by_vote ? 0 : 1;
	} else {
		size_t nu = group(c, n, tried, ugrp, uconf, ucnt);
		size_t nf = group(c, n, kept, fgrp, fconf, fcnt);
		if (out->kept == 0 && nu) {
			size_t g = argmax(uconf, nu);
			win = first_of(ugrp, n, g, NULL);
			out->how = 2;
			out->none_conf = uconf[g];
		} else if (out->kept == 1) {
			win = first_of(fgrp, n, 0, NULL);
			out->how = 3;
		} else if (nf) {
			/* _calculate_scores: kept confidence + survival rate */
			double *score = xcalloc(nf, sizeof *score);
			for (size_t g = 0; g < nf; g++) {
				size_t i = first_of(fgrp, n, g, NULL);
				double all_cnt = ucnt[ugrp[i]];
				score[g] = fconf[g] + (all_cnt > 0 ? fcnt[g] / all_cnt : 0);
			}
			size_t g = argmax(score, nf);
			win = first_of(fgrp, n, g, NULL);
			out->how = 4;
			out->kept_conf = fconf[g];
			out->kept_n = fcnt[g];
			out->all_n = ucnt[ugrp[win]];
			out->survival = out->all_n > 0 ? out->kept_n / out->all_n : 0;
			out->score = score[g];
			free(score);
		}
	}
	free(grp);
	free(ugrp);
	free(fgrp);
	free(conf);
	free(cnt);
	free(uconf);
	free(ucnt);
	free(fconf);
	free(fcnt);
	free(all);
	free(tried);
	free(kept);
	return win;
}

void rstar_discriminate(struct mcts *m)
{
	struct search *s = m->s;
	const struct params *p = search_params(s);
	int mode = (int)params_get(p, P_DISC_MODE);
	int by_vote = (int)params_get(p, P_FINAL) == 1;
	struct rstar_cand *c = NULL;
	size_t n = 0;
	find_solutions(m, 0, &c, &n);
	for (size_t i = 0; i < m->ends.n; i++)
		if (!(tree_node(T(m), m->ends.v[i])->flags & NF_PRUNED))
			add_cand(m, &c, &n, m->ends.v[i]);
	/* the vote shown: each answer's confidence (generator@maj) */
	double total = 0;
	for (size_t i = 0; i < n; i++)
		total += c[i].freq;
	int32_t *vid = xcalloc(n ? n : 1, sizeof *vid);
	double *vw = xcalloc(n ? n : 1, sizeof *vw);
	size_t nv = 0;
	for (size_t i = 0; i < n; i++)
		if (tree_node(T(m), c[i].id)->answer) {
			vid[nv] = c[i].id;
			vw[nv++] = total > 0 ? c[i].reward * c[i].freq / total : 0;
		}
	struct vote_cluster *vc;
	size_t nvc = vote_clusters(T(m), vid, vw, nv, &vc);
	struct rstar_choice ch;
	rstar_choose(c, n, mode, by_vote, 0, &ch);
	int discriminate = !by_vote && ch.maj != SIZE_MAX && ch.maj_conf <= 0.999;
	if (discriminate) {
		/* the discriminator: 4 prefixes of each candidate with a short
		 * answer (_filter_none, _filter_long), completed once each */
		struct request *reqs = xcalloc(n * DISC_MASKS, sizeof *reqs);
		struct request **ptrs = xcalloc(n * DISC_MASKS, sizeof *ptrs);
		char ***pre = xcalloc(n * DISC_MASKS, sizeof *pre);
		size_t *npre = xcalloc(n * DISC_MASKS, sizeof *npre), nr = 0;
		for (size_t i = 0; i < n; i++) {
			c[i].tried = c[i].answer && strlen(c[i].answer) <= 100;
			if (!c[i].tried)
				continue;
			char **lines;
			size_t nl = trajectory(m, c[i].id, &lines);
			for (size_t l = 0; l < nl; l++)
				c[i].words += count_words(lines[l]);
			for (int k = 0; k < DISC_MASKS; k++) {
				double ratio = 0.2 + 0.1 * k; /* mask_left_boundary 0.2 to 0.5 */
				size_t keep = (size_t)ceil((double)c[i].words * ratio - 1e-9);
				size_t j = i * DISC_MASKS + (size_t)k;
				npre[j] = prefix_lines(lines, nl, keep, &pre[j]);
				struct request *r = &reqs[nr];
				search_request(s, r, REQ_SOLUTION, 0);
				free((void *)r->steps);
				r->steps = (const char *const *)pre[j];
				r->nsteps = npre[j];
				r->n = 1;             /* rc_n_completions */
				r->temperature = 1.0; /* rc_temperature */
				r->role = ROLE_DISC;  /* --disc-url: another model checks */
				r->tag = (int)j;
				r->seed = hash_u64(hash_u64(r->seed, (uint64_t)c[i].id), (uint64_t)k);
				ptrs[nr] = r;
				nr++;
			}
			for (size_t l = 0; l < nl; l++)
				free(lines[l]);
			free(lines);
		}
		search_batch(s, ptrs, nr, disc_done, c);
		for (size_t i = 0; i < nr; i++) {
			reqs[i].steps = NULL;
			search_request_free(&reqs[i]);
		}
		for (size_t j = 0; j < n * DISC_MASKS; j++) {
			for (size_t l = 0; l < npre[j]; l++)
				free(pre[j][l]);
			free(pre[j]);
		}
		free(pre);
		free(npre);
		free(reqs);
		free(ptrs);
		for (size_t i = 0; i < n; i++) {
			if (!c[i].tried)
				continue;
			static const char *const keys[] = {"agree", "of", "words", "reward", "count"};
			double vals[5] = {c[i].agree, DISC_MASKS, (double)c[i].words, c[i].reward, c[i].freq};
			struct event ev;
			event_verdict(&ev, c[i].id, "discriminator", rstar_disc_keep(c[i].agree, mode) ? "kept" : "dropped",
				      keys, vals, 5);
			search_emit(s, &ev);
		}
	}
	size_t win = rstar_choose(c, n, mode, by_vote, discriminate, &ch);
	const char *mname = (const char *[]){"loose", "mid", "strict"}[mode < 0 || mode > 2 ? 1 : mode];
	char reason[320] = "";
	switch (ch.how) {
	case 0:
		snprintf(reason, sizeof reason,
			 "the generator's majority (generator@maj): confidence %.3f, the sum of its candidates' rewards "
			 "over all %.0f",
			 ch.maj_conf, total);
		break;
	case 1:
		snprintf(reason, sizeof reason,
			 "every candidate agrees (confidence %.3f of %.0f candidates): nothing to discriminate", ch.maj_conf,
			 total);
		break;
	case 2:
		snprintf(reason, sizeof reason, "the discriminator kept none of %zu (mode %s): the most confident answer, %.3f",
			 ch.tried, mname, ch.none_conf);
		break;
	case 3:
		snprintf(reason, sizeof reason, "the only candidate the discriminator kept: %d of %d completions agree (mode %s)",
			 win != SIZE_MAX ? c[win].agree : 0, DISC_MASKS, mname);
		break;
	case 4:
		snprintf(reason, sizeof reason,
			 "discriminator (mode %s, %zu of %zu trajectories kept): kept confidence %.3f + survival %.3f (%.0f "
			 "of its %.0f candidates kept) = %.3f, the highest",
			 mname, ch.kept, ch.tried, ch.kept_conf, ch.survival, ch.kept_n, ch.all_n, ch.score);
		break;
	}
	if (win != SIZE_MAX && ch.how >= 2 && strlen(reason) + 80 < sizeof reason)
		snprintf(reason + strlen(reason), sizeof reason - strlen(reason),
			 "; the generator's majority: %s (confidence %.3f)", c[ch.maj].answer, ch.maj_conf);
	const char *ans = win != SIZE_MAX ? c[win].answer : NULL;
	search_vote(s, ans, vc, nvc);
	if (!ans)
		search_final(s, NULL, NODE_NONE, "no rollout reached an answer");
	else
		search_final(s, ans, c[win].id, reason);
	vote_free(vc, nvc);
	for (size_t i = 0; i < n; i++)
		free(c[i].answer);
	free(c);
	free(vid);
	free(vw);
	m->discriminated = 1;
}
