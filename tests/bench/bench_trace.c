/* The journal: how fast events are written, and how long a
 * 1,000,000-node trace takes to load and how much memory it needs.
 * Usage: bench_trace [NODES] (default 1000000). */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "trace.h"
#include "util.h"

int main(int argc, char **argv)
{
	long nodes = argc > 1 ? atol(argv[1]) : 1000000;
	char path[] = "/tmp/canopy-bench-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 1;
	close(fd);
	printf("canopy bench: journal (%ld nodes)\n", nodes);

	struct trace_header h;
	header_init(&h);
	h.problem = xstrdup("bench");
	h.gold = xstrdup("1");
	h.strategy = xstrdup("beam");
	h.backend.kind = xstrdup("sim");
	h.seed = 1;
	char err[512];
	struct trace_writer *w = trace_writer_create(path, &h, err, sizeof err);
	header_free(&h);
	if (!w) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	struct rng r;
	rng_seed(&r, 1);
	uint64_t seq = 0;
	double t0 = bench_wall();
	char text[96];
	for (long i = 0; i < nodes; i++) {
		struct event ev;
		event_init(&ev, EV_NODE);
		ev.seq = ++seq;
		ev.t = (double)i * 1e-4;
		ev.id = (int32_t)i;
		ev.kind = i ? NODE_STEP : NODE_PROBLEM;
		/* a bushy tree: parents among the recent nodes */
		ev.parent = i ? (int32_t)(i - 1 - (long)(rng_next(&r) % (uint64_t)(i < 1000 ? i : 1000))) : NODE_NONE;
		int a = rng_range(&r, 2, 99), b = rng_range(&r, 2, 99);
		ev.text_len = (size_t)snprintf(text, sizeof text, "Step %d: %d \xc3\x97 %d = %d rolls.",
					       (int)(i % 7) + 1, a, b, a * b);
		ev.text = text;
		ev.tokens = 12;
		trace_writer_event(w, &ev);
		if (i) {
			event_init(&ev, EV_SCORE);
			ev.seq = ++seq;
			ev.t = (double)i * 1e-4;
			ev.id = (int32_t)i;
			ev.prm = rng_uniform(&r);
			event_round(&ev);
			trace_writer_event(w, &ev);
		}
	}
	double wt = bench_wall() - t0;
	trace_writer_close(w);
	bench_row("write rate (one write(2) per event)", (double)seq / wt, "events/s", "");
	FILE *f = fopen(path, "r");
	fseek(f, 0, SEEK_END);
	bench_row("trace size", (double)ftell(f) / (1 << 20), "MiB", "");
	fclose(f);

	/* on disk first, so writeback does not compete with the loads */
	int sfd = open(path, O_RDONLY);
	fsync(sfd);
	close(sfd);
	/* load three times, each in a child so that its peak memory is the
	 * loader's alone; report the median */
	double times[3], peak = 0, loaded = 0;
	for (int k = 0; k < 3; k++) {
		int pipefd[2];
		if (pipe(pipefd))
			return 1;
		pid_t pid = fork();
		if (pid == 0) {
			close(pipefd[0]);
			struct trace tr;
			double l0 = bench_wall();
			int rc = trace_load(path, &tr, NULL, NULL, err, sizeof err, NULL, 0);
			double out[3] = {bench_wall() - l0, bench_peak_mb(), rc ? -1 : (double)tree_count(tr.tree)};
			if (write(pipefd[1], out, sizeof out) != sizeof out)
				_exit(1);
			_exit(rc ? 1 : 0);
		}
		close(pipefd[1]);
		double res[3] = {0};
		ssize_t got = read(pipefd[0], res, sizeof res);
		close(pipefd[0]);
		int st;
		waitpid(pid, &st, 0);
		if (got != sizeof res || res[2] < 0) {
			fprintf(stderr, "load failed: %s\n", err);
			return 1;
		}
		times[k] = res[0];
		peak = res[1] > peak ? res[1] : peak;
		loaded = res[2];
	}
	for (int i = 0; i < 3; i++)
		for (int j = i + 1; j < 3; j++)
			if (times[j] < times[i]) {
				double x = times[i];
				times[i] = times[j];
				times[j] = x;
			}
	bench_row("load time (median of 3)", times[1], "s", "(target < 1 s)");
	bench_row("load peak memory (process)", peak, "MB", "(target < 300 MB)");
	bench_row("nodes loaded", loaded, "nodes", "");
	if (!getenv("KEEP")) unlink(path); else printf("kept %s\n", path);
	return 0;
}
