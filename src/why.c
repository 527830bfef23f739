#include "why.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "util.h"

#define NONE UINT32_MAX
/* the latest selections and backups shown when not full */
#define SUMMARY 3

static void get(const struct why_ctx *c, size_t i, struct event *ev)
{
	evstore_get(c->store, i, ev, c->sc);
}

/* One node's events before event number end, in order: the why of a
 * moment is what was known then, never what came after the cursor. */
struct node_walk {
	const struct why_ctx *c;
	uint32_t it;
	uint32_t at; /* the number of the event last read */
	size_t end;
};

static struct node_walk node_walk(const struct why_ctx *c, int32_t id, size_t end)
{
	return (struct node_walk){.c = c, .it = evindex_first(c->index, id), .at = NONE, .end = end};
}

static int node_walk_next(struct node_walk *w, struct event *ev)
{
	if (w->it == NONE)
		return 0;
	uint32_t e = evindex_event(w->c->index, w->it);
	if (e >= w->end) {
		w->it = NONE;
		return 0;
	}
	get(w->c, e, ev);
	w->at = e;
	w->it = evindex_next(w->c->index, w->it);
	return 1;
}

static int is(const struct why_ctx *c, const char *strategy)
{
	return c->header && c->header->strategy && !strcmp(c->header->strategy, strategy);
}

void why_params(const struct why_ctx *c, struct params *p)
{
	if (c->header)
		*p = c->header->params;
	else
		memset(p, 0, sizeof *p);
	for (size_t i = 0; i < c->index->nsets && c->index->sets[i] < c->pos; i++) {
		struct event ev;
		get(c, c->index->sets[i], &ev);
		int id = ev.param ? param_lookup(ev.param) : -1;
		double v;
		char err[128];
		if (id >= 0 && ev.reason && !param_parse((enum param_id)id, ev.reason, &v, err, sizeof err))
			p->v[id] = v;
	}
}

/* " (level 2)": the unit under way at event number at. */
static void unit_of(const struct why_ctx *c, size_t at, char *buf, size_t len)
{
	uint32_t nth;
	const char *what = evindex_unit_at(c->index, at, &nth);
	if (what)
		snprintf(buf, len, "%s %u", what, nth);
	else
		snprintf(buf, len, "before the first unit");
}

/* A candidate's score as the beam ranked it: the aggregate of the PRM's
 * step scores on its path (the node's own for agg last). */
static double beam_score(const struct why_ctx *c, int32_t id, enum agg_kind agg)
{
	const struct node *n = tree_node(c->tree, id);
	if (agg == AGG_LAST || !n)
		return n ? n->prm : NAN;
	double s[512];
	size_t k = 0;
	for (int32_t x = id; x > 0 && k < 512; x = tree_node(c->tree, x)->parent)
		s[k++] = tree_node(c->tree, x)->prm;
	for (size_t i = 0; i < k / 2; i++) {
		double t = s[i];
		s[i] = s[k - 1 - i];
		s[k - 1 - i] = t;
	}
	return agg_scores(agg, s, k);
}

struct cand {
	int32_t id;
	double score;
	int kept;
};

static int cand_cmp(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;
	double sa = isnan(a->score) ? -INFINITY : a->score, sb = isnan(b->score) ? -INFINITY : b->score;
	if (sa != sb)
		return sa > sb ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

static const char *agg_name(enum agg_kind k)
{
	static const char *const n[] = {"last", "min", "prod", "mean"};
	return (unsigned)k < 4 ? n[k] : "?";
}

/* Beam: the level's ranking, told from its keep event at position keep_at
 * (the kept, best first) and the search's prunes right after it (the
 * rest). */
static void beam_rank(const struct why_ctx *c, size_t keep_at, int32_t id, struct strbuf *out)
{
	struct params p;
	why_params(c, &p);
	enum agg_kind agg = (enum agg_kind)params_get(&p, P_AGG);
	struct event ev;
	get(c, keep_at, &ev);
	size_t n = ev.nids, cap = ev.nids + 16;
	struct cand *v = xcalloc(cap, sizeof *v);
	for (size_t i = 0; i < ev.nids; i++)
		v[i] = (struct cand){ev.ids[i], beam_score(c, ev.ids[i], agg), 1};
	int64_t level = ev.n;
	for (size_t i = keep_at + 1; i < c->pos; i++) {
		get(c, i, &ev);
		if (ev.type != EV_PRUNE || ev.by_user)
			break;
		if (n == cap)
			v = xrealloc(v, (cap *= 2) * sizeof *v);
		v[n++] = (struct cand){ev.id, beam_score(c, ev.id, agg), 0};
	}
	qsort(v, n, sizeof *v, cand_cmp);
	size_t kept = 0, rank = 0;
	double cutoff = NAN, best_out = NAN;
	int32_t tie_with = NODE_NONE;
	for (size_t i = 0; i < n; i++) {
		if (v[i].kept) {
			kept++;
			cutoff = v[i].score;
		} else if (isnan(best_out)) {
			best_out = v[i].score;
		}
		if (v[i].id == id)
			rank = i + 1;
	}
	const struct cand *me = rank ? &v[rank - 1] : NULL;
	if (me) {
		sb_printf(out, "level %lld%s: ranked %zu of %zu by PRM (agg %s%s) at %.3f; the best %zu %s kept, "
			       "cut-off %.3f: %s\n",
			  (long long)level, is(c, "dvts") ? ", in its subtree" : "", rank, n, agg_name(agg),
			  agg == AGG_LAST ? "" : ", recomputed from the journaled step scores", me->score, kept,
			  kept == 1 ? "was" : "were", cutoff, me->kept ? "kept" : "pruned by the search");
		/* a tie at the cut-off: say who went first, and why */
		if (!isnan(cutoff) && cutoff == best_out) {
			for (size_t i = 0; i < n; i++)
				if (v[i].score == cutoff && v[i].kept != me->kept && v[i].id != id) {
					tie_with = v[i].id;
					break;
				}
			if (tie_with != NODE_NONE && me->score == cutoff)
				sb_printf(out, "  tied at %.3f with #%d: ties go to the earlier node, so #%d was %s\n",
					  cutoff, tie_with, id, me->kept ? "kept" : "pruned");
		}
	}
	free(v);
}

/* REBASE: n_i = ceil(W_rem * e^{r_i/tau} / sum_{j>=i} e^{r_j/tau}), from
 * the run of alloc events of its depth (the frontier, best first). */
static void rebase_alloc(const struct why_ctx *c, size_t at, struct strbuf *out)
{
	/* the run: alloc events, with the prunes of those allotted nothing
	 * between them */
	size_t first = at, last = at;
	struct event ev;
	for (size_t i = at; i-- > 0;) {
		get(c, i, &ev);
		if (ev.type == EV_ALLOC)
			first = i;
		else if (ev.type != EV_PRUNE || ev.by_user)
			break;
	}
	for (size_t i = at + 1; i < c->pos; i++) {
		get(c, i, &ev);
		if (ev.type == EV_ALLOC)
			last = i;
		else if (ev.type != EV_PRUNE || ev.by_user)
			break;
	}
	struct params p;
	why_params(c, &p);
	double tau = params_get(&p, P_TAU);
	size_t n = 0, me = 0;
	double *r = xcalloc(last - first + 1, sizeof *r);
	int64_t *k = xcalloc(last - first + 1, sizeof *k);
	int64_t w = 0;
	for (size_t i = first; i <= last; i++) {
		get(c, i, &ev);
		if (ev.type != EV_ALLOC)
			continue;
		if (i == at)
			me = n;
		r[n] = isnan(ev.value) ? 0 : ev.value;
		k[n] = ev.n;
		w += ev.n; /* the last takes what is left: the width is used up */
		n++;
	}
	int64_t w_rem = w;
	for (size_t i = 0; i < me; i++)
		w_rem -= k[i];
	/* as rebase_allocate computes it: exponents relative to the best */
	double tail = 0;
	for (size_t j = me; j < n; j++)
		tail += exp((r[j] - r[0]) / tau);
	double e = exp((r[me] - r[0]) / tau);
	sb_printf(out, "allotted %lld of the remaining width %lld (rank %zu of %zu by PRM): n = ceil(W_rem "
		       "\xC2\xB7 e^{r/\xCF\x84} / \xCE\xA3_{j\xE2\x89\xA5i} e^{r_j/\xCF\x84}) = ceil(%lld \xC2\xB7 %.4g / %.4g) = "
		       "ceil(%.3f), r = %.3f, \xCF\x84 = %g%s\n",
		  (long long)k[me], (long long)w_rem, me + 1, n, (long long)w_rem, e, tail,
		  tail > 0 ? (double)w_rem * e / tail : 0, r[me], tau,
		  k[me] == 0 ? ": no width left for it, so it was pruned" : "");
	free(r);
	free(k);
}

/* The parent's visits at event number at. */
static unsigned parent_visits(const struct why_ctx *c, int32_t parent, size_t at)
{
	unsigned v = 0;
	struct event ev;
	for (struct node_walk w = node_walk(c, parent, at); node_walk_next(&w, &ev);) {
		if (ev.type == EV_STATS)
			v = ev.visits;
	}
	return v;
}

/* One selection through the node: its UCT (PUCT) with the terms, its
 * siblings' values in the same pass, and which one the search took. */
static void selection(const struct why_ctx *c, int32_t id, size_t at, struct strbuf *out)
{
	struct event ev;
	get(c, at, &ev);
	unsigned nv = ev.visits;
	double q = ev.value, u = ev.uct;
	const struct node *n = tree_node(c->tree, id);
	struct params p;
	why_params(c, &p);
	double cc = params_get(&p, P_C);
	unsigned np = parent_visits(c, n->parent, at);
	char unit[64];
	unit_of(c, at, unit, sizeof unit);
	int puct = is(c, "puct");
	if (puct) {
		/* OpenR's: the value is the mean, or unvisited the step's PRM
		 * score; c grows with the parent's visits */
		double prior = isnan(n->prior) ? 0 : n->prior;
		double v = nv ? q / nv : isnan(n->prm) ? 0 : n->prm;
		double cn = log((np + 19652.0 + 1) / 19652.0) + cc;
		sb_printf(out, "%s: PUCT %.3f = V + c(N_parent) \xC2\xB7 P \xC2\xB7 \xE2\x88\x9AN_parent / (1 + N) = %.3f + %.4f "
			       "\xC2\xB7 %.3f \xC2\xB7 \xE2\x88\x9A%u / %u, with V %s and c(N_parent) = ln((N_parent + 19653) / "
			       "19652) + %g",
			  unit, u, v, cn, prior, np, 1 + nv, nv ? "= Q/N" : "its PRM score (unvisited)", cc);
	} else if (nv == 0 && is(c, "mcts") && (int)params_get(&p, P_MCTS_RULE) == 0 && !isinf(u)) {
		/* llm-reasoners': an unvisited child counts its fast reward,
		 * the PRM's score of its step, and N as 1 */
		double v = isnan(n->prm) ? 0 : n->prm;
		sb_printf(out, "%s: UCT %.3f = V + c \xC2\xB7 \xE2\x88\x9A(ln N_parent / max(1, N)) = %.3f + %g \xC2\xB7 "
			       "\xE2\x88\x9A(ln %u / 1) = %.3f + %.3f, with V its PRM score (unvisited)",
			  unit, u, v, cc, np, v, fabs(u - v) < 5e-4 ? 0 : u - v);
	} else if (nv == 0 || isinf(u)) {
		sb_printf(out, "%s: unvisited, so its UCT is \xE2\x88\x9E", unit);
	} else {
		sb_printf(out, "%s: UCT %.3f = Q/N + c \xC2\xB7 \xE2\x88\x9A(ln N_parent / N) = %.3f + %g \xC2\xB7 "
			       "\xE2\x88\x9A(ln %u / %u) = %.3f + %.3f",
			  unit, u, q / nv, cc, np, nv, q / nv, u - q / nv);
	}
	/* the pass: the stats events around this one, then the select */
	size_t lo = at, hi = at;
	while (lo > 0) {
		get(c, lo - 1, &ev);
		if (ev.type != EV_STATS || isnan(ev.uct))
			break;
		lo--;
	}
	int32_t chosen = NODE_NONE;
	for (size_t i = at + 1; i < c->pos; i++) {
		get(c, i, &ev);
		if (ev.type == EV_SELECT) {
			chosen = ev.id;
			break;
		}
		if (ev.type != EV_STATS || isnan(ev.uct))
			break;
		hi = i;
	}
	if (hi > lo) {
		sb_adds(out, "; siblings then:");
		for (size_t i = lo; i <= hi; i++) {
			get(c, i, &ev);
			if (ev.id != id)
				sb_printf(out, " #%d %.3f", ev.id, ev.uct);
		}
	}
	if (chosen == id)
		sb_adds(out, hi > lo ? ": chosen, the highest\n" : ": chosen\n");
	else if (chosen != NODE_NONE)
		sb_printf(out, ": #%d was chosen\n", chosen);
	else
		sb_adds(out, "\n");
}

static const char *action_name(int a)
{
	static const char *const n[] = {"", "A1: propose one next step", "A2: the rest of the solution at once",
					"A3: a sub-question and its answer", "A4: re-answer the sub-question",
					"A5: rephrase the question"};
	return a >= 1 && a <= 5 ? n[a] : NULL;
}

const char *why_weight_meaning(const struct trace_header *h)
{
	struct why_ctx cc = {.header = h}, *c = &cc;
	if (is(c, "sc") || is(c, "filter") || is(c, "critique") || is(c, "selfrefine"))
		return "one a vote";
	if (is(c, "bon"))
		return "\xCE\xA3 ORM of its solutions";
	if (is(c, "wbon") || is(c, "beam") || is(c, "dvts") || is(c, "rebase"))
		return "\xCE\xA3 PRM of its solutions, each aggregated over its steps";
	if (is(c, "mcts") || is(c, "puct"))
		return "\xCE\xA3 visits of its answer nodes";
	if (is(c, "rstar"))
		return "its confidence: the sum of its candidates' rewards over all the candidates (rStar's "
		       "answer2confidence)";
	if (is(c, "magicore"))
		return "\xCE\xA3 ORM + PRM of its solutions";
	return "as the strategy weighs them";
}

static void verdict(const struct why_ctx *c, const struct event *ev, struct strbuf *out)
{
	const char *what = ev->reason ? ev->reason : "verdict", *label = ev->label ? ev->label : "";
	if (!strcmp(what, "discriminator")) {
		double agree = event_value(ev, "agree"), of = event_value(ev, "of");
		sb_printf(out, "discriminator: %s: %.0f of %.0f completions agree", label, agree, of);
		double w = event_value(ev, "words"), sc = event_value(ev, "score");
		if (!isnan(w))
			sb_printf(out, " (from its first 20, 30, 40 and 50%% of %.0f words; reward %.3f, counted %.0f times)",
				  w, event_value(ev, "reward"), event_value(ev, "count"));
		else if (!isnan(sc)) /* traces from before rStar's own rule */
			sb_printf(out, " (score %.3f = reward %.3f \xC2\xB7 %.0f/%.0f)", sc, event_value(ev, "reward"),
				  agree, of);
		sb_adds(out, "\n");
	} else if (!strcmp(what, "critique") || !strcmp(what, "review")) {
		double fw = event_value(ev, "first_wrong"), wrong = event_value(ev, "wrong_steps");
		if (!strcmp(label, "wrong") && !isnan(fw) && fw > 0)
			sb_printf(out, "%s: step %.0f wrong (%.0f of %.0f steps judged wrong)\n", what, fw, wrong,
				  event_value(ev, "steps"));
		else
			sb_printf(out, "%s: %s\n", what, label);
	} else if (!strcmp(what, "difficulty")) {
		/* MAgICoRe's easy/hard decision, with both conditions' numbers */
		double z = event_value(ev, "cond1_mean_z"), co = event_value(ev, "c_orm"), cp = event_value(ev, "c_prm");
		double it = event_value(ev, "iteration");
		sb_printf(out, "MAgICoRe judged the problem %s", label);
		if (!isnan(it))
			sb_printf(out, " at iteration %.0f", it + 1);
		sb_adds(out, !strcmp(label, "easy") ? " (answered by weighted vote)" : " (every solution reviewed and refined)");
		if (!isnan(z))
			sb_printf(out, "; condition 1: the majority's mean normalised reward %+.3f (easy if >= 0)", z);
		else if (!isnan(co))
			sb_adds(out, "; condition 1: no solution gives the first majority's answer, so it holds (as refine.py's NaN mean does)");
		if (!isnan(co) && !isnan(cp))
			sb_printf(out, "; condition 2: confidence ORM %.3f, PRM %.3f (easy if both >= 0.5)", co, cp);
		sb_adds(out, "\n");
	} else if (!strcmp(what, "confidence")) {
		if (event_value(ev, "sub") == 1)
			sb_printf(out, "sub-answer: the majority's, %.0f of %.0f votes agree = %.3f (not a solution: no reward)\n",
				  event_value(ev, "agree"), event_value(ev, "votes"), event_value(ev, "confidence"));
		else
			sb_printf(out, "confidence in %s: %.0f of %.0f votes agree = %.3f (its reward)\n", label,
				  event_value(ev, "agree"), event_value(ev, "votes"), event_value(ev, "confidence"));
	} else {
		sb_printf(out, "%s: %s", what, label);
		for (size_t i = 0; i < ev->nvals; i++)
			sb_printf(out, "%s%s %.4g", i ? ", " : " (", ev->keys[i], ev->vals[i]);
		sb_adds(out, ev->nvals ? ")\n" : "\n");
	}
	(void)c;
}

/* The nearest ancestor whose own prune event took the subtree out. */
static int32_t pruned_with(const struct why_ctx *c, int32_t id, size_t *at, int *by_user)
{
	struct event ev;
	for (int32_t a = id; a != NODE_NONE; a = tree_node(c->tree, a)->parent) {
		for (struct node_walk w = node_walk(c, a, c->pos); node_walk_next(&w, &ev);) {
			if (ev.type == EV_PRUNE) {
				*at = w.at;
				*by_user = ev.by_user;
				return a;
			}
		}
	}
	return NODE_NONE;
}

void why_node(const struct why_ctx *c, int32_t id, int full, struct strbuf *out)
{
	const struct node *n = tree_node(c->tree, id);
	if (!n)
		return;
	struct event ev;
	char unit[64];
	const char *act = action_name(n->action);
	if (act)
		sb_printf(out, "rStar action %s\n", act);
	/* MCTS: selections and backups, the latest few unless full */
	size_t nsel = 0, nback = 0;
	for (struct node_walk w = node_walk(c, id, c->pos); node_walk_next(&w, &ev);) {
		if (ev.type == EV_STATS && isnan(ev.uct))
			nback++;
		else if (ev.type == EV_STATS)
			nsel++;
	}
	size_t isel = 0, iback = 0;
	double prev_value = 0;
	unsigned prev_visits = 0;
	for (struct node_walk w = node_walk(c, id, c->pos); node_walk_next(&w, &ev);) {
		uint32_t e = w.at;
		switch (ev.type) {
		case EV_NODE:
			unit_of(c, e, unit, sizeof unit);
			if (id > 0)
				sb_printf(out, "made in %s, under #%d\n", unit, n->parent);
			break;
		case EV_KEEP:
			if (is(c, "beam") || is(c, "dvts"))
				beam_rank(c, e, id, out);
			else
				sb_printf(out, "kept (round %lld)\n", (long long)ev.n);
			break;
		case EV_PRUNE: {
			unit_of(c, e, unit, sizeof unit);
			if (ev.by_user) {
				sb_printf(out, "pruned by you in %s\n", unit);
				break;
			}
			/* what the search decided, before it */
			size_t k = e;
			struct event pe;
			while (k > 0) {
				get(c, k - 1, &pe);
				if (pe.type != EV_PRUNE)
					break;
				k--;
			}
			get(c, k ? k - 1 : 0, &pe);
			if ((is(c, "beam") || is(c, "dvts")) && k > 0 && pe.type == EV_KEEP)
				beam_rank(c, k - 1, id, out);
			else if (!is(c, "rebase")) /* REBASE's alloc said it */
				sb_printf(out, "pruned by the search in %s\n", unit);
			break;
		}
		case EV_ALLOC:
			rebase_alloc(c, e, out);
			break;
		case EV_SELECT:
			/* UCT passes say theirs in their stats events */
			unit_of(c, e, unit, sizeof unit);
			if (isnan(ev.uct))
				sb_printf(out, "%s: selected because you focused on it (f)\n", unit);
			else if (isinf(ev.uct))
				sb_printf(out, "%s: taken as its parent's %s unvisited child (its UCT is \xE2\x88\x9E)\n",
					  unit, is(c, "rstar") ? "randomly chosen (rStar's _select)" : "first");
			break;
		case EV_STATS:
			if (!isnan(ev.uct)) {
				if (full || isel + SUMMARY >= nsel)
					selection(c, id, e, out);
				isel++;
			} else {
				if (full || iback + SUMMARY >= nback) {
					unit_of(c, e, unit, sizeof unit);
					sb_printf(out, "%s backed up reward %.3f: N %u \xE2\x86\x92 %u, Q %.3f \xE2\x86\x92 %.3f\n",
						  unit, ev.value - prev_value, prev_visits, ev.visits, prev_value, ev.value);
				}
				iback++;
			}
			prev_value = ev.value;
			prev_visits = ev.visits;
			break;
		case EV_VERDICT:
			verdict(c, &ev, out);
			break;
		case EV_VOTE:
			for (size_t i = 0; i < ev.nclusters; i++)
				for (size_t j = 0; j < ev.clusters[i].nnodes; j++)
					if (ev.clusters[i].nodes[j] == id) {
						sb_printf(out, "votes for %s, one of %u: its weight %.4g (%s)%s\n",
							  ev.clusters[i].answer ? ev.clusters[i].answer : "?",
							  ev.clusters[i].count, ev.clusters[i].weight, why_weight_meaning(c->header),
							  ev.answer && ev.clusters[i].answer &&
								  !strcmp(ev.answer, ev.clusters[i].answer)
							      ? ", the winner"
							      : "");
						i = ev.nclusters - 1;
						break;
					}
			break;
		case EV_FINAL:
			sb_printf(out, "the search's answer: %s\n", ev.reason ? ev.reason : "(no reason given)");
			break;
		case EV_ERROR:
			sb_printf(out, "a request for it failed: %.*s\n", (int)(ev.text_len < 200 ? ev.text_len : 200),
				  ev.text ? ev.text : "");
			break;
		default:
			break;
		}
	}
	if (nsel > SUMMARY && !full)
		sb_printf(out, "(%zu selections through it: the latest %d shown)\n", nsel, SUMMARY);
	if (n->visits)
		sb_printf(out, "N=%u rollouts through it, Q=%.3f the sum of their rewards, Q/N=%.3f their mean\n",
			  n->visits, n->value, n->value / n->visits);
	/* pruned with an ancestor: no prune event of its own */
	if (n->flags & NF_PRUNED) {
		size_t at;
		int by_user;
		int32_t a = pruned_with(c, id, &at, &by_user);
		if (a != NODE_NONE && a != id)
			sb_printf(out, "out of the search with #%d, pruned by %s\n", a, by_user ? "you" : "the search");
	}
	if (n->answer && c->header && c->header->gold)
		sb_printf(out, "states %s: %s\n", n->answer,
			  answer_equal(n->answer, c->header->gold) ? "right" : "wrong, the gold answer is different");
}

void why_final(const struct event *ev, struct strbuf *out)
{
	if (ev->answer)
		sb_printf(out, "answer %s%s: %s", ev->answer,
			  ev->correct > 0 ? " (right)" : ev->correct == 0 ? " (wrong)" : "",
			  ev->reason ? ev->reason : "");
	else
		sb_printf(out, "no answer: %s", ev->reason ? ev->reason : "(no reason given)");
}

size_t why_rollout(const struct why_ctx *c, int32_t *path, size_t max, struct why_rollout_info *info)
{
	memset(info, 0, sizeof *info);
	info->reward = NAN;
	if (c->pos == 0)
		return 0;
	/* the latest unit under way, if it is a rollout */
	uint32_t nth;
	const char *what = evindex_unit_at(c->index, c->pos - 1, &nth);
	if (!what || strcmp(what, "rollout"))
		return 0;
	size_t lo = 0, hi = c->index->nunits;
	while (lo < hi) { /* the unit event itself: the last at or before pos - 1 */
		size_t mid = (lo + hi) / 2;
		if (c->index->units[mid].at <= c->pos - 1)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t from = c->index->units[lo - 1].at;
	info->nth = nth;
	size_t n = 0;
	struct event ev;
	for (size_t i = from + 1; i < c->pos; i++) {
		get(c, i, &ev);
		if (ev.type == EV_NODE && info->expanded == 0)
			info->first_new = ev.id;
		if (ev.type == EV_NODE)
			info->expanded++;
		else if (ev.type == EV_SELECT)
			info->selected++;
		else if (ev.type == EV_STATS && isnan(ev.uct)) {
			/* the backup: root first, down to the leaf */
			if (n < max)
				path[n] = ev.id;
			n++;
			info->leaf = ev.id;
			info->value = ev.value;
			info->visits = ev.visits;
			info->backup_at = i;
		}
	}
	if (n) {
		/* the reward: what the leaf's value grew by */
		double before = 0;
		for (struct node_walk w = node_walk(c, info->leaf, info->backup_at); node_walk_next(&w, &ev);) {
			if (ev.type == EV_STATS && isnan(ev.uct))
				before = ev.value;
		}
		info->reward = info->value - before;
	}
	return n;
}

int why_verdict_short(const struct why_ctx *c, int32_t id, char *buf, size_t len)
{
	struct event ev;
	int found = 0;
	for (struct node_walk w = node_walk(c, id, c->pos); node_walk_next(&w, &ev);) {
		if (ev.type != EV_VERDICT || !ev.reason)
			continue;
		const char *label = ev.label ? ev.label : "";
		if (!strcmp(ev.reason, "critique") || !strcmp(ev.reason, "review")) {
			double fw = event_value(&ev, "first_wrong");
			if (!strcmp(label, "wrong") && !isnan(fw) && fw > 0)
				snprintf(buf, len, "step %.0f wrong", fw);
			else
				snprintf(buf, len, "%s", label);
			found = 1;
		} else if (!strcmp(ev.reason, "discriminator")) {
			snprintf(buf, len, "%s %.0f/%.0f", label, event_value(&ev, "agree"), event_value(&ev, "of"));
			found = 1;
		}
	}
	return found;
}
