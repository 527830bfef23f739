/* bench_replay: what a replay costs (numbers, not pass/fail): opening a
 * trace of N nodes, seeking to its start and back to its end, 100 seeks
 * to random positions (median and 95th percentile), the same pass again
 * (it must not grow memory), and the peak resident memory.
 * Usage: bench_replay TRACE, or bench_replay with no trace to make one of
 * 1,000,000 nodes as bench_trace does (KEEP=1 bench_trace NODES). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "replay.h"
#include "util.h"

static long rss_kb(const char *field)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	size_t fl = strlen(field);
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, field, fl))
			v = atol(line + fl);
	if (f)
		fclose(f);
	return v;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_replay TRACE\n");
		return 2;
	}
	char err[800], warn[512];
	double t0 = util_now();
	struct replay *r = replay_open(argv[1], err, sizeof err, warn, sizeof warn);
	if (!r) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	double open_s = util_now() - t0;
	size_t n = replay_count(r);
	printf("canopy bench: replay (%zu events, %zu nodes)\n", n, tree_count(replay_tree(r)));
	printf("  %-44s %10.3f s\n", "open (read, decode, apply, record undo)", open_s);
	t0 = util_now();
	replay_seek(r, 0, err, sizeof err);
	printf("  %-44s %10.3f s\n", "seek to the start", util_now() - t0);
	t0 = util_now();
	replay_seek(r, n, err, sizeof err);
	printf("  %-44s %10.3f s\n", "seek back to the end", util_now() - t0);
	long after_one = rss_kb("VmRSS:");
	double times[100];
	uint64_t s = 42;
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < 100; i++) {
			s = s * 6364136223846793005ull + 1442695040888963407ull;
			size_t to = (size_t)((s >> 33) % (n + 1));
			t0 = util_now();
			replay_seek(r, to, err, sizeof err);
			times[i] = (util_now() - t0) * 1000;
		}
		if (pass == 0) {
			qsort(times, 100, sizeof *times, cmp);
			printf("  %-44s %10.1f ms\n", "100 random seeks, median", times[50]);
			printf("  %-44s %10.1f ms\n", "100 random seeks, 95th percentile", times[95]);
		}
	}
	replay_seek(r, n, err, sizeof err);
	printf("  %-44s %10ld MB\n", "resident after a pass (to the start and back)", after_one / 1024);
	printf("  %-44s %10ld MB   (texts are never copied again; pages copied on write are at most the tree)\n",
	       "resident after 200 more seeks",
	       rss_kb("VmRSS:") / 1024);
	printf("  %-44s %10ld MB\n", "peak resident", rss_kb("VmHWM:") / 1024);
	replay_free(r);
	return 0;
}
