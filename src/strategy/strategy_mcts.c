/* Monte Carlo tree search over reasoning steps (ALGORITHMS.md section 5).
 *   mcts   plain UCT with one action (propose the next step), as
 *          llm-reasoners: c = 1.0, depth 5, 10 rollouts; reward = the
 *          PRM's aggregated score of the terminal path.
 *   rstar  rStar (Qi et al. 2024), as its run_src code: actions A1-A5,
 *          allowed by node type; a direct answer (A2) is the majority of
 *          32 samples, a sub-answer (A3, A4) of 10, the share agreeing the
 *          node's confidence and (a solution's) its reward; an A1 step
 *          stating an answer is no solution (A2 follows it); selection
 *          takes a random unvisited child; then rstar_disc.c chooses the
 *          answer as do_discriminate.py does.  Never reads the gold answer.
 *   puct   as mcts, but selection by PUCT (OpenR): Q/N + c P sqrt(N_parent)
 *          / (1 + N), the prior P of a child the softmax of its text's mean
 *          token log-probability among its siblings (uniform when the
 *          backend gives none); every child scored this way, visited or not.
 * Selection: an unexpanded node is expanded; a node with unvisited
 * children takes the first of them (rstar: a random one); otherwise UCT = Q/N + c sqrt(ln N_parent
 * / N), each child's UCT journaled.  Simulation: random children down to a
 * terminal node.  Backpropagation: Q += reward, N += 1 along the path.
 * One unit = one rollout (rstar: then one "discriminate" unit). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "idlist.h"
#include "search.h"
#include "testing.h"
#include "mcts_int.h"
#include "util.h"
#include "vote.h"

static const struct param_default mcts_params[] = {
	{P_ROLLOUTS, 10}, {P_C, 1.0}, {P_DEPTH, 5}, {P_WIDTH, 3}, {P_MCTS_RULE, 0}, {P_TEMPERATURE, 0.8},
	{P_TOP_P, 0.95}, {P_MAX_TOKENS, 512}, {P_AGG, AGG_LAST}, {P_COUNT, 0},
};

static const struct param_default puct_params[] = {
	{P_ROLLOUTS, 10}, {P_C, 1.25}, {P_DEPTH, 5}, {P_WIDTH, 3}, {P_TEMPERATURE, 0.8},
	{P_TOP_P, 0.95}, {P_MAX_TOKENS, 512}, {P_AGG, AGG_LAST}, {P_COUNT, 0},
};

static const struct param_default rstar_params[] = {
	{P_ROLLOUTS, 16}, {P_C, 2.0}, {P_DEPTH, 5}, {P_WIDTH, 3}, {P_VOTES, 32}, {P_SUB_VOTES, 10},
	{P_DISC_MODE, 1}, {P_FINAL, 3}, {P_TEMPERATURE, 0.8}, {P_TOP_P, 0.95}, {P_MAX_TOKENS, 1024},
	{P_COUNT, 0},
};

/* rStar's action table: which actions may follow a node of this kind.
 * root {A1,A2,A3,A5}; sub-question {A1,A2,A3,A4}; re-answered sub-question
 * and rephrased question {A1,A2,A3}; one-step thought {A1,A2}. */
int rstar_allowed(enum node_kind kind, int action)
{
	static const unsigned char table[NODE_KIND_COUNT] = {
		[NODE_PROBLEM] = 1 << 1 | 1 << 2 | 1 << 3 | 1 << 5,
		[NODE_SUBQUESTION] = 1 << 1 | 1 << 2 | 1 << 3 | 1 << 4,
		[NODE_REANSWER] = 1 << 1 | 1 << 2 | 1 << 3,
		[NODE_REPHRASE] = 1 << 1 | 1 << 2 | 1 << 3,
		[NODE_STEP] = 1 << 1 | 1 << 2,
	};
	if ((unsigned)kind >= NODE_KIND_COUNT || action < 1 || action > 5)
		return 0;
	return (table[kind] >> action) & 1;
}

double mcts_uct(double q, unsigned n, unsigned n_parent, double c)
{
	if (n == 0)
		return INFINITY;
	return q / n + c * sqrt(log((double)(n_parent ? n_parent : 1)) / n);
}

double mcts_puct_c(unsigned n_parent, double c_init)
{
	return log((n_parent + 19652.0 + 1) / 19652.0) + c_init;
}

/* PUCT as OpenR computes it (reason/guided_search/tree.py, _ucb_score):
 * V + c(N_p) P sqrt(N_p) / (1 + N), V the mean of the visits, or for an
 * unvisited child its initial value (the PRM's score of its step:
 * init_critic_value), c(N_p) = ln((N_p + 19653) / 19652) + c_init. */
double mcts_puct(double q, unsigned n, unsigned n_parent, double prior, double c_init, double v0)
{
	double v = n ? q / n : v0;
	return v + mcts_puct_c(n_parent, c_init) * prior * sqrt((double)n_parent) / (1.0 + n);
}

/* Priors from mean token log-probabilities: a softmax over the siblings
 * (uniform when any is unknown). */
void mcts_priors(const double *lp, size_t n, double *prior)
{
	double top = -INFINITY, sum = 0;
	int known = 1;
	for (size_t i = 0; i < n; i++) {
		known &= !isnan(lp[i]);
		if (lp[i] > top)
			top = lp[i];
	}
	for (size_t i = 0; i < n; i++) {
		prior[i] = known ? exp(lp[i] - top) : 1;
		sum += prior[i];
	}
	for (size_t i = 0; i < n; i++)
		prior[i] = sum > 0 ? prior[i] / sum : 0;
}

/* mid: at least 2 of 4 completions agree (rStar); loose 1; strict all 4. */
int rstar_disc_keep(int agree, int mode)
{
	static const int need[] = {1, 2, 4};
	return agree >= need[mode < 0 || mode > 2 ? 1 : mode];
}

static void ensure(struct mcts *m, int32_t id)
{
	if ((size_t)id < m->cap)
		return;
	size_t cap = m->cap ? m->cap : 64;
	while (cap <= (size_t)id)
		cap *= 2;
	m->expanded = xrealloc(m->expanded, cap);
	m->conf = xrealloc(m->conf, cap * sizeof *m->conf);
	m->lp = xrealloc(m->lp, cap * sizeof *m->lp);
	for (size_t i = m->cap; i < cap; i++) {
		m->expanded[i] = 0;
		m->conf[i] = NAN;
		m->lp[i] = NAN;
	}
	m->cap = cap;
}

static void *start(struct search *s, int rstar)
{
	struct mcts *m = xcalloc(1, sizeof *m);
	m->s = s;
	m->rstar = rstar == 1;
	m->puct = rstar == 2;
	m->reasoners = rstar == 0 && (int)params_get(search_params(s), P_MCTS_RULE) == 0;
	m->focus = NODE_NONE;
	/* simulation's random choices are part of the seeded run */
	rng_seed(&m->rng, hash_str(hash_u64(0x3c75, search_seed(s)), search_problem(s)));
	return m;
}

static void *mcts_start(struct search *s) { return start(s, 0); }
static void *rstar_start(struct search *s) { return start(s, 1); }
static void *puct_start(struct search *s) { return start(s, 2); }

static int live(const struct mcts *m, int32_t id)
{
	return !(tree_node(T(m), id)->flags & NF_PRUNED);
}

static int terminal(const struct mcts *m, int32_t id)
{
	const struct node *n = tree_node(T(m), id);
	return (n->flags & NF_TERMINAL) ||
	       (int)n->depth >= (int)params_get(search_params(m->s), P_DEPTH);
}

/* ---- expansion ---- */

struct gen_ctx {
	struct mcts *m;
	enum node_kind kind;
	int action;
};

/* What a sample answers, for a vote: the answer it states, else (a
 * sub-answer) the last number it writes. */
static char *vote_key(const char *text)
{
	char *a = answer_extract(text, strlen(text));
	if (a)
		return a;
	const char *num = NULL;
	size_t len = 0;
	for (const char *p = text; *p; p++) {
		if (!isdigit((unsigned char)*p) || (p > text && (isdigit((unsigned char)p[-1]) || p[-1] == '.')))
			continue;
		const char *b = p > text && p[-1] == '-' ? p - 1 : p;
		size_t l = strspn(p, "0123456789.,");
		while (l && (p[l - 1] == '.' || p[l - 1] == ','))
			l--;
		num = b;
		len = (size_t)(p - b) + l;
	}
	return num ? xstrndup(num, len) : NULL;
}

/* rStar's _get_most_likely_answer: the first sample of the answer most
 * samples give (ties to the first to appear); *agree how many give it. */
static size_t majority(char *const *texts, size_t n, size_t *agree)
{
	char **key = xcalloc(n ? n : 1, sizeof *key);
	for (size_t i = 0; i < n; i++)
		key[i] = vote_key(texts[i]);
	size_t best = vote_majority((const char *const *)key, n, agree);
	for (size_t i = 0; i < n; i++)
		free(key[i]);
	free(key);
	return best;
}

static void journal_confidence(struct mcts *m, int32_t id, size_t agree, size_t total, int sub)
{
	const char *answer = tree_node(T(m), id)->answer;
	static const char *const keys[] = {"confidence", "agree", "votes", "sub"};
	double vals[4] = {total ? (double)agree / (double)total : 0, (double)agree, (double)total, sub};
	struct event ev;
	event_verdict(&ev, id, "confidence", answer ? answer : sub ? "sub-answer" : "none", keys, vals, sub ? 4 : 3);
	search_emit(m->s, &ev);
}

/* A voted node (rStar's A2 and A4, an A3 with its sub-answer): the
 * majority's text, its share the node's confidence, journaled.  Only a
 * solution (a direct answer, a last sub-question: is_valid_leaf_node)
 * states an answer, read from its text or else its last number; a
 * re-answer or another sub-question goes on like any step. */
static int32_t add_voted(struct mcts *m, int32_t parent, enum node_kind kind, int action, const char *text,
			 uint32_t tokens, size_t agree, size_t total, int solution)
{
	char *a = solution ? vote_key(text) : NULL;
	int32_t id = search_add_node_stating(m->s, parent, kind, text, strlen(text), tokens, action, a);
	free(a);
	if (id == NODE_NONE)
		return id;
	ensure(m, id);
	m->conf[id] = total ? (double)agree / (double)total : NAN;
	idlist_push(&m->fresh, id);
	if (total)
		journal_confidence(m, id, agree, total, !solution);
	return id;
}

static void gen_done(void *ctx, struct request *r)
{
	struct gen_ctx *g = (struct gen_ctx *)ctx + r->tag;
	struct mcts *m = g->m;
	if (r->status != REQ_OK || !r->ntexts)
		return;
	uint32_t tokens = 0;
	for (size_t i = 0; i < r->ntexts; i++)
		tokens += r->tokens[i];
	if (m->rstar && (g->action == 2 || g->action == 4)) {
		/* A2 answers directly, A4 answers the sub-question again: a
		 * vote over the samples; the node is the majority's */
		size_t agree, best = majority(r->texts, r->ntexts, &agree);
		add_voted(m, r->node, g->kind, g->action, r->texts[best], tokens, agree, r->ntexts, g->action == 2);
		return;
	}
	for (size_t i = 0; i < r->ntexts; i++) {
		if (m->rstar && g->action == 3) {
			/* its sub-answer is voted on next (vote_subanswers) */
			m->pend = xrealloc(m->pend, (m->npend + 1) * sizeof *m->pend);
			m->pend[m->npend++] = (struct pending){xstrdup(r->texts[i]), r->tokens[i]};
			continue;
		}
		/* an rStar one-step thought that states an answer is not a
		 * solution: A2 answers from it (is_valid_leaf_node) */
		int32_t id = m->rstar ? search_add_node_stating(m->s, r->node, g->kind, r->texts[i], strlen(r->texts[i]),
								r->tokens[i], g->action, NULL)
				      : search_add_node_ex(m->s, r->node, g->kind, r->texts[i], strlen(r->texts[i]),
							   r->tokens[i], g->action, -1);
		if (id != NODE_NONE) {
			idlist_push(&m->fresh, id);
			ensure(m, id);
			m->lp[id] = r->lps ? r->lps[i] : NAN;
		}
	}
}

/* rStar's last sub-question: one that asks for the answer (reach_
 * terminal_subquestion: "Now we can answer"), or here whose answer
 * states the problem's. */
static int last_subquestion(const char *text)
{
	char *a = answer_extract(text, strlen(text));
	int last = a != NULL || strstr(text, "Now we can answer") != NULL;
	free(a);
	return last;
}

struct sub_ctx {
	char **texts;
	size_t n;
	uint32_t tokens;
};

static void sub_done(void *ctx, struct request *r)
{
	struct sub_ctx *c = (struct sub_ctx *)ctx + r->tag;
	if (r->status != REQ_OK)
		return;
	for (size_t i = 0; i < r->ntexts; i++) {
		c->texts = xrealloc(c->texts, (c->n + 1) * sizeof *c->texts);
		c->texts[c->n++] = r->texts[i];
		r->texts[i] = NULL; /* kept: freed below */
		c->tokens += r->tokens[i];
	}
}

/* A3's sub-answers as rStar gives them (generate_subquestions): each new
 * sub-question answered sub-votes times (votes for a last one), the
 * majority's answer kept, its share the node's confidence. */
static void vote_subanswers(struct mcts *m, int32_t node)
{
	struct search *s = m->s;
	const struct params *p = search_params(s);
	size_t n = m->npend;
	struct request *reqs = xcalloc(n ? n : 1, sizeof *reqs), **ptrs = xcalloc(n ? n : 1, sizeof *ptrs);
	struct sub_ctx *c = xcalloc(n ? n : 1, sizeof *c);
	for (size_t i = 0; i < n; i++) {
		search_request(s, &reqs[i], REQ_REANSWER, node);
		const char **steps = xcalloc(reqs[i].nsteps + 1, sizeof *steps);
		memcpy(steps, reqs[i].steps, reqs[i].nsteps * sizeof *steps);
		steps[reqs[i].nsteps] = m->pend[i].text;
		free((void *)reqs[i].steps);
		reqs[i].steps = steps;
		reqs[i].nsteps++;
		reqs[i].n = (int)params_get(p, last_subquestion(m->pend[i].text) ? P_VOTES : P_SUB_VOTES);
		reqs[i].seed = hash_u64(reqs[i].seed, 0x5ab0 + i);
		reqs[i].tag = (int)i;
		ptrs[i] = &reqs[i];
	}
	search_batch(s, ptrs, n, sub_done, c);
	for (size_t i = 0; i < n; i++) {
		const char *q = m->pend[i].text;
		uint32_t tokens = m->pend[i].tokens + c[i].tokens;
		if (!c[i].n) {
			/* no votes came back: the sub-question's own answer */
			add_voted(m, node, NODE_SUBQUESTION, 3, q, tokens, 0, 0, last_subquestion(q));
		} else {
			size_t agree, best = majority(c[i].texts, c[i].n, &agree);
			const char *ans = c[i].texts[best];
			if (!strncmp(ans, "Re-answer:", 10))
				ans += 10;
			ans += strspn(ans, " ");
			const char *mark = strstr(q, "Answer:");
			struct strbuf sb;
			sb_init(&sb);
			if (mark)
				sb_printf(&sb, "%.*sAnswer: %s", (int)(mark - q), q, ans);
			else
				sb_printf(&sb, "%s\nAnswer: %s", q, ans);
			add_voted(m, node, NODE_SUBQUESTION, 3, sb.s, tokens, agree, c[i].n, last_subquestion(q));
			sb_free(&sb);
		}
		for (size_t j = 0; j < c[i].n; j++)
			free(c[i].texts[j]);
		free(c[i].texts);
		free(m->pend[i].text);
		search_request_free(&reqs[i]);
	}
	m->npend = 0;
	free(reqs);
	free(ptrs);
	free(c);
}

/* PUCT's priors of node's live children, journaled (again, when an
 * expansion by hand added siblings). */
static void set_priors(struct mcts *m, int32_t node)
{
	const struct tree *t = T(m);
	struct idlist kids = {0};
	for (int32_t c = tree_node(t, node)->first_child; c != NODE_NONE; c = tree_node(t, c)->next_sibling)
		if (live(m, c))
			idlist_push(&kids, c);
	double *lp = xcalloc(kids.n ? kids.n : 1, sizeof *lp), *pr = xcalloc(kids.n ? kids.n : 1, sizeof *pr);
	int unknown = 0;
	for (size_t i = 0; i < kids.n; i++) {
		ensure(m, kids.v[i]);
		lp[i] = m->lp[kids.v[i]];
		unknown |= isnan(lp[i]);
	}
	mcts_priors(lp, kids.n, pr);
	if (unknown && kids.n && !m->said_uniform) {
		/* say once why every prior is the same */
		double vals[1] = {(double)kids.n};
		static const char *const keys[] = {"children"};
		struct event ev;
		event_verdict(&ev, node, "priors", "uniform: the backend gave no log-probabilities", keys, vals, 1);
		search_emit(m->s, &ev);
		m->said_uniform = 1;
	}
	for (size_t i = 0; i < kids.n; i++)
		search_prior(m->s, kids.v[i], pr[i]);
	free(lp);
	free(pr);
	idlist_free(&kids);
}

static void prm_done(void *ctx, struct request *r)
{
	struct mcts *m = ctx;
	if (r->status == REQ_OK && r->nscores)
		search_score(m->s, r->node, r->scores[r->nscores - 1], NAN);
}

/* Expands node: plain MCTS samples `width` next steps (k overrides);
 * rStar applies every allowed action. */
static void expand(struct mcts *m, int32_t node, int k)
{
	struct search *s = m->s;
	const struct params *p = search_params(s);
	int width = k > 0 ? k : (int)params_get(p, P_WIDTH);
	ensure(m, node);
	m->expanded[node] = 1;
	m->fresh.n = 0;
	struct request reqs[5], *ptrs[5];
	struct gen_ctx g[5];
	size_t n = 0;
	if (!m->rstar || k > 0) {
		search_request(s, &reqs[0], REQ_STEP, node);
		reqs[0].n = width;
		reqs[0].logprobs = m->puct; /* the priors */
		g[0] = (struct gen_ctx){m, NODE_STEP, m->rstar ? 1 : 0};
		n = 1;
	} else {
		static const struct {
			int action;
			enum req_kind req;
			enum node_kind kind;
		} acts[] = {{1, REQ_STEP, NODE_STEP}, {2, REQ_SOLUTION, NODE_SOLUTION},
			    {3, REQ_SUBQUESTION, NODE_SUBQUESTION}, {4, REQ_REANSWER, NODE_REANSWER},
			    {5, REQ_REPHRASE, NODE_REPHRASE}};
		enum node_kind kind = (enum node_kind)tree_node(T(m), node)->kind;
		for (size_t a = 0; a < 5; a++) {
			if (!rstar_allowed(kind, acts[a].action))
				continue;
			search_request(s, &reqs[n], acts[a].req, node);
			reqs[n].n = acts[a].action == 1 || acts[a].action == 3 ? width
				    : acts[a].action == 2 ? (int)params_get(p, P_VOTES)
				    : acts[a].action == 4 ? (int)params_get(p, P_SUB_VOTES) : 1;
			g[n] = (struct gen_ctx){m, acts[a].kind, acts[a].action};
			n++;
		}
	}
	for (size_t i = 0; i < n; i++) {
		reqs[i].tag = (int)i;
		ptrs[i] = &reqs[i];
	}
	search_batch(s, ptrs, n, gen_done, g);
	for (size_t i = 0; i < n; i++)
		search_request_free(&reqs[i]);
	if (m->npend)
		vote_subanswers(m, node);
	if (m->puct && m->fresh.n)
		set_priors(m, node);
	if (!m->rstar && m->fresh.n) {
		struct request *sr = xcalloc(m->fresh.n, sizeof *sr);
		struct request **sp = xcalloc(m->fresh.n, sizeof *sp);
		for (size_t i = 0; i < m->fresh.n; i++) {
			search_request(s, &sr[i], REQ_PRM, m->fresh.v[i]);
			sp[i] = &sr[i];
		}
		search_batch(s, sp, m->fresh.n, prm_done, m);
		for (size_t i = 0; i < m->fresh.n; i++)
			search_request_free(&sr[i]);
		free(sr);
		free(sp);
	}
}

/* ---- reward ---- */

struct conf_ctx {
	const char *answer;
	int agree, total;
};

static void conf_done(void *ctx, struct request *r)
{
	struct conf_ctx *c = ctx;
	if (r->status != REQ_OK)
		return;
	for (size_t i = 0; i < r->ntexts; i++) {
		char *a = answer_extract(r->texts[i], strlen(r->texts[i]));
		c->agree += a && c->answer && answer_equal(a, c->answer);
		c->total++;
		free(a);
	}
}

static double reward(struct mcts *m, int32_t leaf)
{
	const struct tree *t = T(m);
	const struct node *n = tree_node(t, leaf);
	if (!n->answer)
		return 0; /* the depth ran out before an answer */
	if (!m->rstar) {
		double sc[64];
		size_t k = 0;
		for (int32_t id = leaf; id > 0 && k < 64; id = tree_node(t, id)->parent)
			sc[k++] = isnan(tree_node(t, id)->prm) ? 0 : tree_node(t, id)->prm;
		for (size_t i = 0; i < k / 2; i++) {
			double x = sc[i];
			sc[i] = sc[k - 1 - i];
			sc[k - 1 - i] = x;
		}
		return agg_scores((enum agg_kind)params_get(search_params(m->s), P_AGG), sc, k);
	}
	ensure(m, leaf);
	if (isnan(m->conf[leaf])) {
		/* an answer reached by steps: how often do fresh completions
		 * from its parent agree with it? */
		struct conf_ctx c = {n->answer, 0, 0};
		struct request r, *rp = &r;
		search_request(m->s, &r, REQ_SOLUTION, n->parent);
		r.n = (int)params_get(search_params(m->s), P_VOTES);
		search_batch(m->s, &rp, 1, conf_done, &c);
		search_request_free(&r);
		m->conf[leaf] = c.total ? (double)c.agree / c.total : 0;
		journal_confidence(m, leaf, (size_t)c.agree, (size_t)c.total, 0);
	}
	return m->conf[leaf];
}

/* ---- one rollout ---- */

static void emit_select(struct mcts *m, int32_t id, double uct)
{
	struct event ev;
	event_init(&ev, EV_SELECT);
	ev.id = id;
	ev.uct = uct;
	search_emit(m->s, &ev);
}

/* The child selection goes to before UCT: rStar takes a random
 * unexplored one (_select: random.choice(unexplored)); ours, the first. */
static int32_t unvisited(struct mcts *m, int32_t node)
{
	size_t n = 0;
	for (int32_t c = tree_node(T(m), node)->first_child; c != NODE_NONE; c = tree_node(T(m), c)->next_sibling)
		n += live(m, c) && tree_node(T(m), c)->visits == 0;
	if (!n)
		return NODE_NONE;
	size_t k = m->rstar ? rng_next(&m->rng) % n : 0;
	for (int32_t c = tree_node(T(m), node)->first_child; c != NODE_NONE; c = tree_node(T(m), c)->next_sibling)
		if (live(m, c) && tree_node(T(m), c)->visits == 0 && k-- == 0)
			return c;
	return NODE_NONE;
}

/* llm-reasoners' MCTS (reasoners/algorithm/mcts.py, its defaults): UCT
 * = Q + w sqrt(ln N_parent / max(1, N)), Q the mean of the node's backed-
 * up returns, or for an unvisited child its fast reward (here its PRM
 * score: uct_with_fast_reward). */
static double reasoners_uct(const struct node *n, unsigned np, double c)
{
	double q = n->visits ? n->value / n->visits : isnan(n->prm) ? 0 : n->prm;
	return q + c * sqrt(log((double)(np ? np : 1)) / (n->visits ? n->visits : 1));
}

/* UCT (PUCT for puct, llm-reasoners' UCT for its rule) over the live
 * children, each value journaled; ties to the first (Python's max() keeps
 * the first of equals too). */
static int32_t uct_select(struct mcts *m, int32_t node)
{
	const struct tree *t = T(m);
	double c = params_get(search_params(m->s), P_C);
	unsigned np = tree_node(t, node)->visits;
	int32_t best = NODE_NONE;
	double best_u = -INFINITY;
	for (int32_t ch = tree_node(t, node)->first_child; ch != NODE_NONE;
	     ch = tree_node(t, ch)->next_sibling) {
		if (!live(m, ch))
			continue;
		const struct node *cn = tree_node(t, ch);
		double u = m->reasoners ? reasoners_uct(cn, np, c)
			   : m->puct    ? mcts_puct(cn->value, cn->visits, np, isnan(cn->prior) ? 0 : cn->prior, c,
						    isnan(cn->prm) ? 0 : cn->prm)
					: mcts_uct(cn->value, cn->visits, np, c);
		struct event ev;
		event_init(&ev, EV_STATS);
		ev.id = ch;
		ev.visits = cn->visits;
		ev.value = cn->value;
		ev.uct = u;
		search_emit(m->s, &ev);
		if (u > best_u) {
			best_u = u;
			best = ch;
		}
	}
	if (best != NODE_NONE)
		emit_select(m, best, best_u);
	return best;
}

static int32_t random_child(struct mcts *m, int32_t node)
{
	size_t n = 0;
	for (int32_t c = tree_node(T(m), node)->first_child; c != NODE_NONE;
	     c = tree_node(T(m), c)->next_sibling)
		n += live(m, c);
	if (!n)
		return NODE_NONE;
	size_t k = rng_next(&m->rng) % n;
	for (int32_t c = tree_node(T(m), node)->first_child; c != NODE_NONE;
	     c = tree_node(T(m), c)->next_sibling)
		if (live(m, c) && k-- == 0)
			return c;
	return NODE_NONE;
}

/* A rollout's path begins at the root, and with a user's focus goes
 * through that node first (each step journaled as a focus selection).
 * Returns where selection goes on from. */
static int32_t start_path(struct mcts *m, struct idlist *path)
{
	int32_t cur = 0;
	idlist_push(path, 0);
	if (m->focus != NODE_NONE && live(m, m->focus)) {
		size_t len = tree_path(T(m), m->focus, NULL, 0);
		int32_t *fp = xcalloc(len, sizeof *fp);
		tree_path(T(m), m->focus, fp, len);
		for (size_t i = 1; i < len; i++) {
			emit_select(m, fp[i], NAN);
			idlist_push(path, fp[i]);
		}
		cur = m->focus;
		free(fp);
	}
	m->focus = NODE_NONE;
	return cur;
}

/* Backpropagation: each node of the path gets one more visit and its
 * return, ret[i] (the same reward for all when ret is NULL). */
static void back_up(struct mcts *m, const struct idlist *path, const double *ret, double rw)
{
	for (size_t i = 0; i < path->n; i++) {
		const struct node *n = tree_node(T(m), path->v[i]);
		struct event ev;
		event_init(&ev, EV_STATS);
		ev.id = path->v[i];
		ev.visits = n->visits + 1;
		ev.value = n->value + (ret ? ret[i] : rw);
		search_emit(m->s, &ev);
	}
}

/* Simulation's choice: the child with the highest fast reward (PRM
 * score), the first of equals (simulate_strategy 'max': np.argmax). */
static int32_t greedy_child(struct mcts *m, int32_t node)
{
	int32_t best = NODE_NONE;
	double bs = -INFINITY;
	for (int32_t c = tree_node(T(m), node)->first_child; c != NODE_NONE; c = tree_node(T(m), c)->next_sibling) {
		if (!live(m, c))
			continue;
		double p = tree_node(T(m), c)->prm;
		p = isnan(p) ? 0 : p;
		if (best == NODE_NONE || p > bs) {
			best = c;
			bs = p;
		}
	}
	return best;
}

/* Simulation from cur: expand where needed and take pick's child, down
 * to a terminal node or the depth limit; returns where it ended. */
static int32_t simulate(struct mcts *m, struct idlist *path, int32_t cur,
			int32_t (*pick)(struct mcts *m, int32_t node))
{
	while (!terminal(m, cur) && search_budget_left(m->s)) {
		ensure(m, cur);
		if (!m->expanded[cur])
			expand(m, cur, 0);
		int32_t next = pick(m, cur);
		if (next == NODE_NONE)
			break;
		idlist_push(path, next);
		cur = next;
	}
	return cur;
}

static void reasoners_rollout(struct mcts *m)
{
	struct search *s = m->s;
	struct idlist path = {0};
	int32_t cur = start_path(m, &path);
	/* selection: down the expanded nodes by UCT */
	while (!terminal(m, cur) && search_budget_left(s)) {
		ensure(m, cur);
		if (!m->expanded[cur])
			break;
		int32_t next = uct_select(m, cur);
		if (next == NODE_NONE)
			break;
		idlist_push(&path, next);
		cur = next;
	}
	/* expansion, then simulation: expand, take the best-scored child,
	 * until a terminal node or the depth limit */
	cur = simulate(m, &path, cur, greedy_child);
	/* backpropagation: each node on the path gets the sum of the step
	 * rewards from itself to the end (cum_reward = sum) */
	double *ret = xcalloc(path.n ? path.n : 1, sizeof *ret);
	double suffix = 0;
	for (size_t i = path.n; i-- > 0;) {
		double r = path.v[i] == 0 ? 0 : tree_node(T(m), path.v[i])->prm;
		suffix += isnan(r) ? 0 : r;
		ret[i] = suffix;
	}
	back_up(m, &path, ret, 0);
	free(ret);
	idlist_free(&path);
}

static void rollout(struct mcts *m)
{
	struct search *s = m->s;
	struct idlist path = {0};
	int32_t cur = start_path(m, &path);
	/* selection */
	while (!terminal(m, cur) && s && search_budget_left(s)) {
		ensure(m, cur);
		int32_t next;
		if (!m->expanded[cur]) {
			expand(m, cur, 0);
			/* PUCT weighs even unvisited children by their priors */
			next = m->puct ? uct_select(m, cur) : unvisited(m, cur);
			if (next != NODE_NONE && !m->puct)
				emit_select(m, next, INFINITY);
			if (next != NODE_NONE)
				idlist_push(&path, next);
			cur = next == NODE_NONE ? cur : next;
			break;
		}
		next = m->puct ? NODE_NONE : unvisited(m, cur);
		if (next != NODE_NONE) {
			emit_select(m, next, INFINITY);
			idlist_push(&path, next);
			cur = next;
			break;
		}
		next = uct_select(m, cur);
		if (next == NODE_NONE)
			break;
		idlist_push(&path, next);
		cur = next;
	}
	/* simulation */
	cur = simulate(m, &path, cur, random_child);
	if (m->rstar)
		idlist_push(&m->ends, cur); /* its "Rollout Solutions" */
	/* backpropagation */
	back_up(m, &path, NULL, terminal(m, cur) ? reward(m, cur) : 0);
	idlist_free(&path);
}

void mcts_collect_terminals(const struct mcts *m, struct idlist *out)
{
	const struct tree *t = T(m);
	for (size_t i = 1; i < tree_count(t); i++) {
		const struct node *n = tree_node(t, (int32_t)i);
		if (n->answer && !(n->flags & NF_PRUNED) && n->visits > 0)
			idlist_push(out, (int32_t)i);
	}
}

/* llm-reasoners' output_strategy 'max_reward': over the visited nodes,
 * the path to a node stating an answer with the largest sum of step
 * rewards (a depth-first search; max() keeps the first of equals). */
static double mr_reward(void *ctx, int32_t id)
{
	return tree_node(T(ctx), id)->prm;
}

static int mr_enter(void *ctx, int32_t id)
{
	return live(ctx, id) && tree_node(T(ctx), id)->visits;
}

static int mr_terminal(void *ctx, int32_t id)
{
	return (tree_node(T(ctx), id)->flags & NF_TERMINAL) != 0;
}

static const struct tree_path_ops max_reward_ops = {
	.reward = mr_reward,
	.enter = mr_enter,
	.terminal = mr_terminal,
};

/* Plain MCTS: follow the most visited children from the root (ours:
 * --mcts-rule terminal), or llm-reasoners' max-reward path. */
static void mcts_choose(struct mcts *m)
{
	struct search *s = m->s;
	const struct tree *t = T(m);
	/* the vote shown beside the answer: the answers reached, by visits */
	struct idlist term = {0};
	mcts_collect_terminals(m, &term);
	double *w = xcalloc(term.n ? term.n : 1, sizeof *w);
	for (size_t i = 0; i < term.n; i++)
		w[i] = tree_node(t, term.v[i])->visits;
	struct vote_cluster *c;
	size_t nc = vote_clusters(t, term.v, w, term.n, &c);
	char reason[256];
	int32_t pick = NODE_NONE;
	if (m->reasoners) {
		double best = 0;
		unsigned steps = 0;
		int32_t leaf = tree_max_reward_path(t, &max_reward_ops, m, 0, &best, &steps);
		if (leaf != NODE_NONE) {
			pick = leaf;
			snprintf(reason, sizeof reason,
				 "max-reward path: the sum of its %u step rewards is %.3f (llm-reasoners' max_reward)%s",
				 steps, best,
				 m->closed ? " (stopped early: the tree was fully expanded)" : "");
		}
	} else {
		int32_t cur = 0;
		for (;;) {
			int32_t best = NODE_NONE;
			for (int32_t ch = tree_node(t, cur)->first_child; ch != NODE_NONE;
			     ch = tree_node(t, ch)->next_sibling) {
				if (!live(m, ch) || !tree_node(t, ch)->visits)
					continue;
				const struct node *cn = tree_node(t, ch);
				if (best == NODE_NONE || cn->visits > tree_node(t, best)->visits ||
				    (cn->visits == tree_node(t, best)->visits && cn->value > tree_node(t, best)->value))
					best = ch;
			}
			if (best == NODE_NONE)
				break;
			cur = best;
		}
		pick = cur;
		if (!tree_node(t, cur)->answer) {
			/* the most visited path stops short: the best terminal by Q/N */
			pick = NODE_NONE;
			for (size_t i = 0; i < term.n; i++) {
				const struct node *n = tree_node(t, term.v[i]);
				if (pick == NODE_NONE || n->value / n->visits >
							 tree_node(t, pick)->value / tree_node(t, pick)->visits)
					pick = term.v[i];
			}
			snprintf(reason, sizeof reason, "most visited path ends unfinished; best terminal by Q/N");
		} else {
			const struct node *n = tree_node(t, cur);
			snprintf(reason, sizeof reason, "most visited path: N=%u, Q/N=%.3f", n->visits,
				 n->value / n->visits);
		}
		if (m->closed)
			snprintf(reason + strlen(reason), sizeof reason - strlen(reason),
				 " (stopped after %d rollouts: the tree was fully expanded)", m->rollouts);
	}
	const char *ans = pick != NODE_NONE ? tree_node(t, pick)->answer : NULL;
	search_vote(s, ans, c, nc);
	if (pick == NODE_NONE)
		search_final(s, NULL, NODE_NONE,
			     m->closed ? "no rollout reached an answer, and the tree was fully expanded"
				       : "no rollout reached an answer");
	else
		search_final(s, ans, pick, reason);
	vote_free(c, nc);
	free(w);
	idlist_free(&term);
}

/* Whether no rollout can ever add a node: every live node that is not
 * terminal is expanded and each of its live children visited.  Further
 * rollouts would only walk the same paths again and back up the same
 * rewards (a 4.5k-node tree became a 735 MB trace so). */
static int closed(const struct mcts *m)
{
	size_t n = tree_count(T(m));
	for (size_t id = 0; id < n; id++) {
		if (!live(m, (int32_t)id) || terminal(m, (int32_t)id))
			continue;
		if (id >= m->cap || !m->expanded[id])
			return 0;
		for (int32_t c = tree_node(T(m), (int32_t)id)->first_child; c != NODE_NONE;
		     c = tree_node(T(m), c)->next_sibling)
			if (live(m, c) && !tree_node(T(m), c)->visits)
				return 0;
	}
	return 1;
}

static int mcts_step(void *st, struct search *s)
{
	struct mcts *m = st;
	int total = (int)params_get(search_params(s), P_ROLLOUTS);
	if (m->rollouts < total && !m->closed) {
		search_unit(s, "rollout");
		size_t before = tree_count(T(m));
		if (m->reasoners)
			reasoners_rollout(m);
		else
			rollout(m);
		m->rollouts++;
		/* checked only after a rollout that made nothing new: cheap */
		if (m->rollouts < total && tree_count(T(m)) == before && closed(m)) {
			m->closed = 1;
			static const char *const keys[] = {"rollouts", "of"};
			double v[2] = {m->rollouts, total};
			struct event ev;
			event_verdict(&ev, NODE_NONE, "stop", "the tree is fully expanded: more rollouts would repeat these",
				      keys, v, 2);
			search_emit(s, &ev);
			return m->rstar;
		}
		return m->rollouts < total || m->rstar;
	}
	if (m->rstar && !m->discriminated) {
		search_unit(s, "discriminate");
		rstar_discriminate(m);
	}
	return 0;
}

static int mcts_command(void *st, struct search *s, const struct command *c, char *err, size_t errlen)
{
	struct mcts *m = st;
	const struct node *n = tree_node(search_tree(s), c->node);
	if (c->kind == CMD_FOCUS) {
		if (n->flags & NF_PRUNED) {
			snprintf(err, errlen, "node %d is pruned", c->node);
			return -1;
		}
		m->focus = c->node;
		return 0;
	}
	if (c->kind == CMD_EXPAND) {
		if (n->flags & (NF_TERMINAL | NF_PRUNED)) {
			snprintf(err, errlen, "node %d is %s", c->node, n->flags & NF_PRUNED ? "pruned" : "terminal");
			return -1;
		}
		expand(m, c->node, c->k > 0 ? c->k : (int)params_get(search_params(s), P_WIDTH));
	}
	return 0;
}

static void mcts_finish(void *st, struct search *s)
{
	struct mcts *m = st;
	(void)s;
	if (m->rstar) {
		if (!m->discriminated)
			rstar_discriminate(m);
	} else {
		mcts_choose(m);
	}
}

static void mcts_free(void *st)
{
	struct mcts *m = st;
	free(m->expanded);
	free(m->conf);
	free(m->lp);
	idlist_free(&m->fresh);
	idlist_free(&m->ends);
	for (size_t i = 0; i < m->npend; i++)
		free(m->pend[i].text);
	free(m->pend);
	free(m);
}

const struct strategy_ops strategy_mcts = {
	.name = "mcts", .title = "MCTS with UCT over next steps, PRM reward", .unit = "rollout",
	.params = mcts_params, .scale = P_ROLLOUTS, .start = mcts_start, .step = mcts_step, .command = mcts_command,
	.finish = mcts_finish, .free = mcts_free,
};

const struct strategy_ops strategy_puct = {
	.name = "puct", .title = "MCTS with PUCT: priors from the model's token log-probabilities",
	.unit = "rollout", .params = puct_params, .scale = P_ROLLOUTS, .start = puct_start, .step = mcts_step,
	.command = mcts_command, .finish = mcts_finish, .free = mcts_free,
};

const struct strategy_ops strategy_rstar = {
	.name = "rstar", .title = "rStar: MCTS over actions A1-A5 with a discriminator",
	.unit = "rollout", .params = rstar_params, .finals = 0xA, .scale = P_ROLLOUTS, .start = rstar_start, .step = mcts_step,
	.command = mcts_command, .finish = mcts_finish, .free = mcts_free,
};
