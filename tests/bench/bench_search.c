/* Search throughput on the sim backend with no latency: nodes created per
 * second of CPU, and CPU per node, for beam search and self-consistency.
 * Usage: bench_search [NODES] (default 100000). */
#include <stdlib.h>

#include "backend_sim.h"
#include "bench.h"
#include "search.h"

static void run(const struct strategy_ops *st, int n, long target)
{
	struct sim_cfg c;
	sim_cfg_default(&c);
	struct backend *b = backend_sim_new(&c, NULL);
	size_t nodes = 0;
	double c0 = bench_cpu(), w0 = bench_wall();
	for (uint64_t seed = 1; nodes < (size_t)target; seed++) {
		struct sim_problem p;
		sim_problem_generate(seed, 8, &p);
		struct search_config cfg = {0};
		cfg.strategy = st;
		cfg.problem = p.text;
		cfg.seed = seed;
		cfg.backend = b;
		cfg.params.v[P_N] = n;
		cfg.params.set[P_N] = 1;
		char err[256];
		struct search *s = search_new(&cfg, err, sizeof err);
		search_run(s);
		nodes += tree_count(search_tree(s));
		search_free(s);
	}
	double cpu = bench_cpu() - c0, wall = bench_wall() - w0;
	char what[96];
	snprintf(what, sizeof what, "%s n=%d: throughput", st->name, n);
	bench_row(what, (double)nodes / wall, "nodes/s", "");
	snprintf(what, sizeof what, "%s n=%d: CPU per node (engine + sim)", st->name, n);
	bench_row(what, cpu / (double)nodes * 1e6, "us/node", "");
	backend_free(b);
}

int main(int argc, char **argv)
{
	long target = argc > 1 ? atol(argv[1]) : 100000;
	printf("canopy bench: search on the sim backend, no latency (%ld nodes each)\n", target);
	run(&strategy_beam, 64, target);
	run(&strategy_sc, 64, target);
	return 0;
}
