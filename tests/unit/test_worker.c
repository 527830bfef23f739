/* worker: the search runs on its own thread; pause, one unit, commands
 * and quitting all work from another thread, and every event reaches the
 * front-end in order.  Run under TSan in CI. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend_sim.h"
#include "tap.h"
#include "worker.h"

/* Waits for news from the worker for up to ms; drains events into all. */
static void pump(struct worker *w, struct strbuf *all, int ms)
{
	struct pollfd p = {worker_fd(w), POLLIN, 0};
	if (poll(&p, 1, ms) > 0)
		worker_take(w, all);
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;
	for (const char *p = s; p && (p = strstr(p, what)); p++)
		n++;
	return n;
}

static int wait_state(struct worker *w, struct strbuf *all, enum worker_state want, int ms)
{
	struct worker_status st;
	for (int t = 0; t < ms; t += 10) {
		pump(w, all, 10);
		worker_status(w, &st);
		if (st.state == want)
			return 1;
	}
	return 0;
}

int main(void)
{
	struct sim_cfg c;
	sim_cfg_default(&c);
	struct sim_latency lat = {20, 0};
	struct backend *b = backend_sim_new(&c, &lat);
	struct sim_problem p;
	sim_problem_generate(5, 7, &p);
	struct search_config cfg = {0};
	cfg.strategy = &strategy_beam;
	cfg.problem = p.text;
	cfg.seed = 5;
	cfg.backend = b;
	char err[256];
	struct search *s = search_new(&cfg, err, sizeof err);
	struct worker *w = worker_start(s, 1, err, sizeof err);
	ok(w != NULL, "the worker starts paused");
	struct strbuf all;
	sb_init(&all);
	pump(w, &all, 100);
	is_int(count(all.s, "\"ev\":\"unit\""), 0, "paused: no unit of work runs");

	worker_step(w);
	ok(wait_state(w, &all, WORKER_PAUSED, 3000) && count(all.s, "\"ev\":\"unit\"") == 1,
	   "one step runs exactly one unit, then pauses");
	size_t after_one = count(all.s, "\"ev\":\"node\"");
	ok(after_one > 1, "and its nodes arrive (%zu)", after_one);
	pump(w, &all, 150);
	is_int(count(all.s, "\"ev\":\"node\""), after_one, "nothing more while paused");

	/* commands from this thread are applied on the worker's: prune the
	 * first beam that survived level 1 */
	const char *kept = strstr(all.s, "\"ev\":\"keep\",\"level\":1,\"ids\":[");
	int32_t target = kept ? atoi(strchr(kept, '[') + 1) : 1;
	char want[80];
	snprintf(want, sizeof want, "\"ev\":\"prune\",\"id\":%d,\"by\":\"user\"", target);
	struct command cmd = {CMD_PRUNE, target, 0, 0, 0, 1};
	worker_command(w, &cmd);
	struct worker_status st;
	for (int i = 0; i < 100; i++) {
		pump(w, &all, 10);
		worker_status(w, &st);
		if (st.message_seq)
			break;
	}
	ok(strstr(all.s, want) != NULL, "a prune becomes a user's event");
	ok(strstr(st.message, "done") != NULL, "and its outcome is the status message: %s", st.message);
	cmd = (struct command){CMD_PRUNE, target, 0, 0, 0, 1};
	worker_command(w, &cmd);
	uint64_t seq = st.message_seq;
	for (int i = 0; i < 100 && st.message_seq == seq; i++) {
		pump(w, &all, 10);
		worker_status(w, &st);
	}
	ok(strstr(st.message, "already pruned") != NULL, "a refused command says why: %s", st.message);

	worker_resume(w);
	ok(wait_state(w, &all, WORKER_DONE, 20000), "resumed, it runs to the end");
	pump(w, &all, 50);
	ok(strstr(all.s, "\"ev\":\"final\"") != NULL, "the final event arrives");
	/* every event arrived once and in order */
	size_t n = count(all.s, "\"seq\":"), in_order = 1, k = 0;
	for (const char *q = all.s; (q = strstr(q, "\"seq\":")); q++)
		in_order &= (size_t)atol(q + 6) == ++k;
	ok(in_order && n > 10, "all %zu events arrived in order", n);
	worker_stop(w);
	search_free(s);

	/* quitting in the middle of a slow search returns promptly */
	struct sim_latency slow = {400, 0};
	struct backend *sb = backend_sim_new(&c, &slow);
	cfg.backend = sb;
	s = search_new(&cfg, err, sizeof err);
	w = worker_start(s, 0, err, sizeof err);
	usleep(100000);
	double t0 = util_now();
	worker_stop(w);
	double took = util_now() - t0;
	ok(took < 0.35, "stopping mid-request takes %.0f ms (requests are cancelled)", took * 1000);
	search_free(s);
	backend_free(sb);
	backend_free(b);
	sb_free(&all);
	return tap_done();
}
