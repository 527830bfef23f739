/* why: the numbers in every explanation equal the journal's.  Seeded sim
 * searches are replayed; for each decision event the why of the node it
 * names is read back and its numbers checked against the event (and the
 * formula recomputed from them). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend_sim.h"
#include "replay.h"
#include "search.h"
#include "tap.h"
#include "why.h"

static char path[] = "/tmp/canopy-why-XXXXXX";

static struct replay *run(const struct strategy_ops *st, uint64_t seed, const char *const *set, size_t nset)
{
	struct sim_cfg c;
	sim_cfg_default(&c);
	struct backend *b = backend_sim_new(&c, NULL);
	struct sim_problem p;
	sim_problem_generate(seed, 6, &p);
	struct search_config cfg = {0};
	cfg.strategy = st;
	cfg.problem = p.text;
	char gold[64];
	snprintf(gold, sizeof gold, "%g", p.answer);
	cfg.gold = gold;
	cfg.seed = seed;
	cfg.backend = b;
	cfg.trace_path = path;
	for (size_t i = 0; i + 1 < nset; i += 2) {
		int id = param_lookup(set[i]);
		double v;
		char err[128];
		param_parse((enum param_id)id, set[i + 1], &v, err, sizeof err);
		cfg.params.v[id] = v;
		cfg.params.set[id] = 1;
	}
	char err[512], warn[512];
	struct search *s = search_new(&cfg, err, sizeof err);
	search_run(s);
	search_free(s);
	backend_free(b);
	return replay_open(path, err, sizeof err, warn, sizeof warn);
}

static void why_of(struct replay *r, struct event_scratch *sc, int32_t id, int full, struct strbuf *out)
{
	struct why_ctx c = {replay_store(r), replay_index(r), replay_tree(r), replay_header(r), replay_pos(r), sc};
	sb_reset(out);
	why_node(&c, id, full, out);
}

/* The line of s holding needle, copied into line. */
static int line_with(const char *s, const char *needle, char *line, size_t len)
{
	const char *p = s ? strstr(s, needle) : NULL;
	if (!p)
		return 0;
	while (p > s && p[-1] != '\n')
		p--;
	size_t l = strcspn(p, "\n");
	snprintf(line, len, "%.*s", (int)l, p);
	return 1;
}

static void beam(void)
{
	struct replay *r = run(&strategy_beam, 11, (const char *const[]){"n", "8", "width", "2"}, 4);
	ok(r != NULL, "beam: replays");
	struct event_scratch sc = {0};
	struct strbuf sb;
	sb_init(&sb);
	const struct tree *t = replay_tree(r);
	size_t keeps = 0, bad = 0, pruned_seen = 0;
	char line[512], why[1024] = "";
	for (size_t pos = 1; pos <= replay_count(r); pos++) {
		struct event ev;
		char err[128];
		replay_event(r, pos, &ev, err, sizeof err);
		if (ev.type != EV_KEEP)
			continue;
		keeps++;
		size_t kept = ev.nids;
		double cutoff = tree_node(t, ev.ids[kept - 1])->prm;
		int32_t ids[64];
		memcpy(ids, ev.ids, kept * sizeof *ids);
		for (size_t i = 0; i < kept; i++) {
			why_of(r, &sc, ids[i], 0, &sb);
			size_t rank = 0, of = 0, nk = 0;
			double score = NAN, cut = NAN;
			if (!line_with(sb.s, "ranked", line, sizeof line) ||
			    sscanf(strstr(line, "ranked"), "ranked %zu of %zu by PRM (agg last) at %lf; the best %zu were kept, cut-off %lf",
				   &rank, &of, &score, &nk, &cut) != 5 ||
			    rank != i + 1 || nk != kept || fabs(cut - cutoff) > 5e-4 ||
			    fabs(score - tree_node(t, ids[i])->prm) > 5e-4 || !strstr(line, ": kept")) {
				bad++;
				snprintf(why, sizeof why, "#%d: %s", ids[i], sb.s ? sb.s : "(none)");
			}
		}
		/* the candidates pruned right after: ranked below the kept */
		for (size_t q = pos + 1; q <= replay_count(r); q++) {
			replay_event(r, q, &ev, err, sizeof err);
			if (ev.type != EV_PRUNE)
				break;
			pruned_seen++;
			why_of(r, &sc, ev.id, 0, &sb);
			size_t rank = 0, of = 0;
			if (!line_with(sb.s, "ranked", line, sizeof line) ||
			    sscanf(strstr(line, "ranked"), "ranked %zu of %zu", &rank, &of) != 2 || rank <= kept ||
			    !strstr(line, "pruned by the search") ||
			    tree_node(t, ev.id)->prm > cutoff + 1e-9) {
				bad++;
				snprintf(why, sizeof why, "#%d: %s", ev.id, sb.s ? sb.s : "(none)");
			}
		}
	}
	ok(keeps > 0 && pruned_seen > 0, "beam: %zu levels, %zu pruned candidates", keeps, pruned_seen);
	ok(bad == 0, "beam: every candidate's rank, score, kept count and cut-off equal the journal's %s", why);
	sb_free(&sb);
	event_scratch_free(&sc);
	replay_free(r);
}

static void rebase(void)
{
	struct replay *r = run(&strategy_rebase, 5, NULL, 0);
	ok(r != NULL, "rebase: replays");
	struct event_scratch sc = {0};
	struct strbuf sb;
	sb_init(&sb);
	size_t allocs = 0, bad = 0;
	char line[512], why[1024] = "";
	for (size_t pos = 1; pos <= replay_count(r); pos++) {
		struct event ev;
		char err[128];
		replay_event(r, pos, &ev, err, sizeof err);
		if (ev.type != EV_ALLOC)
			continue;
		allocs++;
		int64_t n = ev.n;
		int32_t id = ev.id;
		why_of(r, &sc, id, 0, &sb);
		long long got = -1, w_rem = -1, w2 = -1;
		double e = NAN, tail = NAN, x = NAN;
		const char *a = line_with(sb.s, "allotted", line, sizeof line) ? strstr(line, "allotted") : NULL;
		/* past the formula, to its numbers */
		const char *f = a ? strstr(a, "}) = ceil(") : NULL;
		if (f)
			f += 3;
		if (!a || sscanf(a, "allotted %lld of the remaining width %lld", &got, &w_rem) != 2 || !f ||
		    sscanf(f, "= ceil(%lld \xC2\xB7 %lf / %lf) = ceil(%lf)", &w2, &e, &tail, &x) != 4 ||
		    got != n || w2 != w_rem || (long long)ceil(x - 1e-6) != (n < w_rem ? n : w_rem) ||
		    fabs(x - (double)w_rem * e / tail) > 1e-3 * (x + 1)) {
			bad++;
			snprintf(why, sizeof why, "#%d (n=%lld): %s", id, (long long)n, sb.s ? sb.s : "(none)");
		}
	}
	ok(allocs > 3, "rebase: %zu allocations", allocs);
	ok(bad == 0, "rebase: each n = ceil(W_rem e^{r/tau} / sum) with the journal's n %s", why);
	sb_free(&sb);
	event_scratch_free(&sc);
	replay_free(r);
}

static void mcts(void)
{
	struct replay *r = run(&strategy_mcts, 7, (const char *const[]){"rollouts", "12", "mcts-rule", "terminal"}, 4);
	ok(r != NULL, "mcts: replays");
	struct event_scratch sc = {0};
	struct strbuf sb;
	sb_init(&sb);
	const struct tree *t = replay_tree(r);
	double c = params_get(&replay_header(r)->params, P_C);
	size_t checked = 0, bad = 0;
	char why[2048] = "";
	for (size_t id = 1; id < tree_count(t); id++) {
		why_of(r, &sc, (int32_t)id, 1, &sb);
		/* every selection line: UCT = Q/N + c sqrt(ln Np / N) */
		for (const char *p = sb.s ? strstr(sb.s, ": UCT ") : NULL; p; p = strstr(p + 1, ": UCT ")) {
			double u, qn, cc, q2, term;
			unsigned np, nv;
			if (sscanf(p, ": UCT %lf = Q/N + c \xC2\xB7 \xE2\x88\x9A(ln N_parent / N) = %lf + %lf \xC2\xB7 "
				      "\xE2\x88\x9A(ln %u / %u) = %lf + %lf",
				   &u, &qn, &cc, &np, &nv, &q2, &term) != 7 ||
			    fabs(cc - c) > 1e-9 || fabs(qn + cc * sqrt(log((double)np) / nv) - u) > 2e-3) {
				bad++;
				snprintf(why, sizeof why, "#%zu: %.300s", id, p);
			}
			checked++;
		}
		/* and N, Q, Q/N as the tree holds them */
		const struct node *n = tree_node(t, (int32_t)id);
		char line[256];
		if (n->visits) {
			unsigned nv;
			double q, qm;
			if (!line_with(sb.s, "rollouts through it", line, sizeof line) ||
			    sscanf(line, "N=%u rollouts through it, Q=%lf the sum of their rewards, Q/N=%lf", &nv, &q,
				   &qm) != 3 ||
			    nv != n->visits || fabs(q - n->value) > 5e-4) {
				bad++;
				snprintf(why, sizeof why, "#%zu N/Q: %s", id, line);
			}
		}
	}
	ok(checked > 5, "mcts: %zu UCT selections explained", checked);
	ok(bad == 0, "mcts: each UCT's terms recompute to the journaled value %s", why);
	sb_free(&sb);
	event_scratch_free(&sc);
	replay_free(r);
}

/* llm-reasoners' rule: an unvisited child's UCT is its PRM score plus
 * c sqrt(ln N_parent / 1); a visited one's is the usual. */
static void reasoners(void)
{
	struct replay *r = run(&strategy_mcts, 7, (const char *const[]){"rollouts", "12"}, 2);
	ok(r != NULL, "mcts (llm-reasoners' rule): replays");
	struct event_scratch sc = {0};
	struct strbuf sb;
	sb_init(&sb);
	const struct tree *t = replay_tree(r);
	size_t unvisited = 0, visited = 0, bad = 0;
	char why[1024] = "";
	for (size_t id = 1; id < tree_count(t); id++) {
		why_of(r, &sc, (int32_t)id, 1, &sb);
		for (const char *p = sb.s ? strstr(sb.s, ": UCT ") : NULL; p; p = strstr(p + 1, ": UCT ")) {
			double u, v, c, term;
			unsigned np, nv;
			if (sscanf(p, ": UCT %lf = V + c \xC2\xB7 \xE2\x88\x9A(ln N_parent / max(1, N)) = %lf + %lf \xC2\xB7 "
				      "\xE2\x88\x9A(ln %u / 1) = %*f + %lf",
				   &u, &v, &c, &np, &term) == 5) {
				unvisited++;
				if (fabs(v - tree_node(t, (int32_t)id)->prm) > 5e-4 || fabs(v + c * sqrt(log((double)np)) - u) > 2e-3)
					bad++, snprintf(why, sizeof why, "#%zu: %.300s", id, p);
			} else if (sscanf(p, ": UCT %lf = Q/N + c \xC2\xB7 \xE2\x88\x9A(ln N_parent / N) = %lf + %lf \xC2\xB7 "
					     "\xE2\x88\x9A(ln %u / %u)",
					  &u, &v, &c, &np, &nv) == 5) {
				visited++;
				if (fabs(v + c * sqrt(log((double)np) / nv) - u) > 2e-3)
					bad++, snprintf(why, sizeof why, "#%zu: %.300s", id, p);
			} else {
				bad++;
				snprintf(why, sizeof why, "#%zu unread: %.300s", id, p);
			}
		}
	}
	ok(unvisited > 3 && visited > 3, "reasoners: %zu unvisited and %zu visited selections explained", unvisited,
	   visited);
	ok(bad == 0, "reasoners: an unvisited child's UCT is its PRM score + c sqrt(ln N_p), a visited one's "
		     "Q/N + c sqrt(ln N_p / N) %s",
	   why);
	sb_free(&sb);
	event_scratch_free(&sc);
	replay_free(r);
}

static void puct(void)
{
	struct replay *r = run(&strategy_puct, 3, (const char *const[]){"rollouts", "12"}, 2);
	ok(r != NULL, "puct: replays");
	struct event_scratch sc = {0};
	struct strbuf sb;
	sb_init(&sb);
	const struct tree *t = replay_tree(r);
	size_t checked = 0, bad = 0;
	char why[1024] = "";
	for (size_t id = 1; id < tree_count(t); id++) {
		why_of(r, &sc, (int32_t)id, 1, &sb);
		for (const char *p = sb.s ? strstr(sb.s, ": PUCT ") : NULL; p; p = strstr(p + 1, ": PUCT ")) {
			double u, v, c, pr;
			unsigned np, den;
			if (sscanf(p, ": PUCT %lf = V + c(N_parent) \xC2\xB7 P \xC2\xB7 \xE2\x88\x9AN_parent / (1 + N) = %lf + %lf "
				      "\xC2\xB7 %lf \xC2\xB7 \xE2\x88\x9A%u / %u",
				   &u, &v, &c, &pr, &np, &den) != 6 ||
			    fabs(c - (log((np + 19653.0) / 19652.0) + 1.25)) > 1e-4 ||
			    fabs(v + c * pr * sqrt((double)np) / den - u) > 2e-3) {
				bad++;
				snprintf(why, sizeof why, "#%zu: %.300s", id, p);
			}
			checked++;
		}
	}
	ok(checked > 5, "puct: %zu selections explained", checked);
	ok(bad == 0, "puct: each PUCT = V + c(N) P sqrt(N) / (1 + N), c(N) OpenR's, recomputes to the journal's %s", why);
	sb_free(&sb);
	event_scratch_free(&sc);
	replay_free(r);
}

int main(void)
{
	int fd = mkstemp(path);
	close(fd);
	beam();
	rebase();
	mcts();
	reasoners();
	puct();
	unlink(path);
	return tap_done();
}
