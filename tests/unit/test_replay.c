/* replay: seeking anywhere, in any order, gives exactly the tree that
 * applying the first pos events from scratch builds. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend_sim.h"
#include "replay.h"
#include "search.h"
#include "tap.h"
#include "testing.h"

static struct tree *build(const char *path, size_t pos)
{
	struct trace_header h;
	char err[512];
	struct trace_reader *rd = trace_reader_open(path, &h, err, sizeof err);
	struct tree *t = tree_new();
	struct event ev;
	for (size_t i = 0; i < pos && trace_reader_next(rd, &ev, err, sizeof err) > 0; i++)
		event_apply(t, &ev, err, sizeof err);
	trace_reader_close(rd);
	header_free(&h);
	return t;
}

static int same_float(double a, double b)
{
	return (isnan(a) && isnan(b)) || a == b;
}

/* 1 when the trees hold the same nodes with the same state. */
static int same_tree(const struct tree *a, const struct tree *b, char *why, size_t whylen)
{
	if (tree_count(a) != tree_count(b)) {
		snprintf(why, whylen, "%zu nodes against %zu", tree_count(a), tree_count(b));
		return 0;
	}
	if (tree_final_leaf(a) != tree_final_leaf(b) || tree_max_depth(a) != tree_max_depth(b)) {
		snprintf(why, whylen, "final %d/%d, depth %d/%d", tree_final_leaf(a), tree_final_leaf(b),
			 tree_max_depth(a), tree_max_depth(b));
		return 0;
	}
	for (size_t i = 0; i < tree_count(a); i++) {
		const struct node *x = tree_node(a, (int32_t)i), *y = tree_node(b, (int32_t)i);
		int ok = x->parent == y->parent && x->nchildren == y->nchildren &&
			 x->first_child == y->first_child && x->last_child == y->last_child &&
			 x->next_sibling == y->next_sibling && same_float(x->prm, y->prm) &&
			 same_float(x->orm, y->orm) && same_float(x->uct, y->uct) && x->visits == y->visits &&
			 same_float(x->q, y->q) && same_float(x->prior, y->prior) && x->depth == y->depth &&
			 x->tokens == y->tokens && x->round == y->round && x->action == y->action &&
			 x->value == y->value && x->flags == y->flags &&
			 ((!x->answer && !y->answer) || (x->answer && y->answer && !strcmp(x->answer, y->answer))) &&
			 !strcmp(x->text, y->text);
		if (!ok) {
			snprintf(why, whylen, "node %zu differs (flags %x/%x)", i, x->flags, y->flags);
			return 0;
		}
	}
	return 1;
}

int main(void)
{
	char path[] = "/tmp/canopy-replay-XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	struct sim_cfg c;
	sim_cfg_default(&c);
	struct backend *b = backend_sim_new(&c, NULL);
	const struct strategy_ops *sts[] = {&strategy_beam, &strategy_mcts, &strategy_rebase, &strategy_magicore};
	for (size_t k = 0; k < sizeof sts / sizeof sts[0]; k++) {
		struct sim_problem p;
		sim_problem_generate(4 + k, 7, &p);
		struct search_config cfg = {0};
		cfg.strategy = sts[k];
		cfg.problem = p.text;
		cfg.seed = 4 + k;
		cfg.backend = b;
		cfg.trace_path = path;
		char err[512], warn[512];
		struct search *s = search_new(&cfg, err, sizeof err);
		search_run(s);
		search_free(s);

		/* as a big trace is: checkpoints every few events (thinned out
		 * when they hold too much), then the default (start and end) */
		for (int spaced = 0; spaced < 3; spaced++) {
		replay_cp_every = spaced == 0 ? 65536 : spaced == 1 ? 23 : 7;
		replay_cp_budget = spaced == 2 ? 1 : 0;
		struct replay *r = replay_open(path, err, sizeof err, warn, sizeof warn);
		ok(r != NULL, "%s: the trace opens for replay (checkpoints every %zu)", sts[k]->name,
		   replay_cp_every);
		if (!r)
			continue;
		size_t n = replay_count(r);
		is_int(replay_pos(r), n, "the cursor starts at the end");
		struct rng g;
		rng_seed(&g, k);
		int all_same = 1;
		char why[600] = "";
		size_t checks = 0;
		/* the start, the end, every unit boundary back and forth, and
		 * random jumps */
		size_t positions[64];
		size_t np = 0;
		positions[np++] = 0;
		positions[np++] = n;
		positions[np++] = n / 2;
		while (np < 60)
			positions[np++] = (size_t)rng_range(&g, 0, (int)n);
		/* short steps either way, as [ and ] take */
		for (size_t i = 40; i < 60; i += 2)
			positions[i + 1] = positions[i] + (size_t)rng_range(&g, 0, 3) > n
						   ? n
						   : positions[i] + (size_t)rng_range(&g, 0, 3);
		for (size_t i = 0; i < np && all_same; i++) {
			if (replay_seek(r, positions[i], err, sizeof err)) {
				all_same = 0;
				snprintf(why, sizeof why, "%s", err);
				break;
			}
			struct tree *ref = build(path, positions[i]);
			all_same &= same_tree(replay_tree(r), ref, why, sizeof why);
			tree_free(ref);
			checks++;
		}
		ok(all_same, "%s: %zu seeks over %zu events match a fresh build %s", sts[k]->name, checks, n, why);
		replay_seek(r, 0, err, sizeof err);
		size_t units = 0;
		for (size_t p2 = replay_next_unit(r); p2 < n && units < 1000; p2 = replay_next_unit(r)) {
			replay_seek(r, p2, err, sizeof err);
			units++;
		}
		ok(units > 0, "%s: next-unit walks %zu units", sts[k]->name, units);
		size_t back = replay_prev_unit(r);
		ok(back < replay_pos(r), "prev-unit goes back");
		replay_free(r);
		}
	}
	replay_cp_every = 65536;
	replay_cp_budget = 0;
	backend_free(b);
	unlink(path);
	return tap_done();
}
