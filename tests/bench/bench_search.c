/* The engine's own cost (MCTS is reported per rollout: rollouts revisit
 * nodes, so a cost per node would say nothing).  A timing backend wraps the sim and adds up the
 * CPU spent inside it, so what is left is canopy's: strategies, events,
 * tree, votes.  Prints, for trees of about 100,000 nodes, the CPU per
 * generated node with and without the sim, and MCTS's cost per rollout as
 * the number of children per node grows.
 * Usage: bench_search [NODES] (default 100000). */
#include <stdlib.h>

#include "backend_sim.h"
#include "bench.h"
#include "search.h"

struct timed {
	struct backend base;
	struct backend *inner;
	double cpu;
};

static int t_submit(struct backend *b, struct request *r)
{
	struct timed *t = (struct timed *)b;
	double c0 = bench_cpu();
	int rc = t->inner->ops->submit(t->inner, r);
	t->cpu += bench_cpu() - c0;
	b->inflight = t->inner->inflight;
	return rc;
}

static int t_poll(struct backend *b, double timeout)
{
	struct timed *t = (struct timed *)b;
	double c0 = bench_cpu();
	int n = t->inner->ops->poll(t->inner, timeout);
	t->cpu += bench_cpu() - c0;
	b->inflight = t->inner->inflight;
	return n;
}

static void t_cancel(struct backend *b, struct request *r)
{
	struct timed *t = (struct timed *)b;
	t->inner->ops->cancel(t->inner, r);
	b->inflight = t->inner->inflight;
}

static void t_destroy(struct backend *b)
{
	struct timed *t = (struct timed *)b;
	backend_free(t->inner);
	free(t);
}

static const struct backend_ops timed_ops = {"timed", t_submit, t_poll, t_cancel, t_destroy};

static struct timed *timed_sim(void)
{
	struct sim_cfg c;
	sim_cfg_default(&c);
	struct timed *t = calloc(1, sizeof *t);
	t->base.ops = &timed_ops;
	t->base.kind = "sim";
	t->inner = backend_sim_new(&c, NULL);
	return t;
}

/* One search; returns its node count, adds the engine's CPU to *engine. */
static size_t one(const struct strategy_ops *st, struct timed *tb, uint64_t seed, int difficulty,
		  const struct params *params, double *engine, double *total)
{
	struct sim_problem p;
	sim_problem_generate(seed, difficulty, &p);
	struct search_config cfg = {0};
	cfg.strategy = st;
	cfg.problem = p.text;
	cfg.seed = seed;
	cfg.backend = &tb->base;
	cfg.params = *params;
	char err[256];
	double before = tb->cpu, c0 = bench_cpu();
	struct search *s = search_new(&cfg, err, sizeof err);
	search_run(s);
	size_t n = tree_count(search_tree(s));
	search_free(s);
	double all = bench_cpu() - c0;
	*total += all;
	*engine += all - (tb->cpu - before);
	return n;
}

static void per_node(const char *label, const struct strategy_ops *st, struct params params)
{
	struct timed *tb = timed_sim();
	double engine = 0, total = 0;
	size_t nodes = one(st, tb, 7, 10, &params, &engine, &total);
	char what[96];
	snprintf(what, sizeof what, "%s: one tree of %zu nodes, engine CPU/node", label, nodes);
	bench_row(what, engine / (double)nodes * 1e6, "us/node", "(target < 20 us)");
	snprintf(what, sizeof what, "%s: the same with the sim's work", label);
	bench_row(what, total / (double)nodes * 1e6, "us/node", "");
	backend_free(&tb->base);
}

int main(int argc, char **argv)
{
	long target = argc > 1 ? atol(argv[1]) : 100000;
	printf("canopy bench: the engine's own CPU on the sim backend, no latency\n");
	struct params p = {0};
	/* about 100k nodes in one tree each */
	p.v[P_N] = (double)target / 7;
	p.set[P_N] = 1;
	per_node("sc", &strategy_sc, p);
	struct params b = {0};
	b.v[P_N] = (double)target / 7;
	b.set[P_N] = 1;
	b.v[P_WIDTH] = 4;
	b.set[P_WIDTH] = 1;
	per_node("beam", &strategy_beam, b);

	/* MCTS: cost per rollout against the children per node.  Selection
	 * looks at each child of each node on the path once, so the cost
	 * should grow with the width (the children) and not with the tree. */
	printf("canopy bench: MCTS rollouts by width (engine CPU only)\n");
	for (int width = 2; width <= 128; width *= 4) {
		for (int rollouts = 200; rollouts <= 2000; rollouts *= 10) {
			struct timed *tb = timed_sim();
			struct params q = {0};
			q.v[P_ROLLOUTS] = rollouts;
			q.set[P_ROLLOUTS] = 1;
			q.v[P_WIDTH] = width;
			q.set[P_WIDTH] = 1;
			double engine = 0, total = 0;
			size_t nodes = one(&strategy_mcts, tb, 3, 8, &q, &engine, &total);
			char what[96];
			snprintf(what, sizeof what, "width %3d, %4d rollouts (%6zu nodes): per rollout", width,
				 rollouts, nodes);
			bench_row(what, engine / rollouts * 1e6, "us", "");
			snprintf(what, sizeof what, "width %3d, %4d rollouts: per rollout and child", width, rollouts);
			bench_row(what, engine / rollouts / width * 1e6, "us", "");
			backend_free(&tb->base);
		}
	}
	return 0;
}
