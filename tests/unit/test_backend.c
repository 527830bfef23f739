/* backend: batches run concurrently, results come back in request order,
 * failures carry a message, the budget hook stops sending. */
#include <stdlib.h>
#include <string.h>

#include "backend_sim.h"
#include "tap.h"
#include "util.h"

struct seen {
	int order[16];
	int n;
};

static void record(void *ctx, struct request *r)
{
	struct seen *s = ctx;
	s->order[s->n++] = r->tag;
}

struct dropper {
	int n;
	int first_back;
};
static struct dropper *the_dropper;

static int drop_some(void *ctx, const struct request *r)
{
	struct dropper *d = ctx;
	the_dropper = d;
	return r->tag == 1 || (r->tag == 3 && d->first_back);
}

static void record_drop(void *ctx, struct request *r)
{
	struct dropper *d = ctx;
	d->n++;
	if (r->tag == 0)
		d->first_back = 1;
}

static int budget_calls;
static int allow_three(void *ctx)
{
	(void)ctx;
	return budget_calls++ < 3;
}

int main(void)
{
	struct sim_cfg c;
	sim_cfg_default(&c);
	struct sim_latency lat;
	ok(!sim_latency_parse("100", &lat) && lat.per_request_ms == 100 && lat.per_token_ms == 0, "latency MS");
	ok(!sim_latency_parse("50,2.5", &lat) && lat.per_token_ms == 2.5, "latency MS,PER_TOKEN");
	ok(sim_latency_parse("fast", &lat) == -1 && sim_latency_parse("5,", &lat) == -1 &&
	   sim_latency_parse("-1", &lat) == -1, "malformed latencies are refused");

	lat.per_request_ms = 100;
	lat.per_token_ms = 0;
	struct backend *b = backend_sim_new(&c, &lat);
	struct request reqs[8], *ptrs[8];
	const char *problem = "What is (17+25)*3-8?";
	for (int i = 0; i < 8; i++) {
		request_init(&reqs[i], REQ_SOLUTION);
		reqs[i].problem = problem;
		reqs[i].seed = 1;
		reqs[i].sample_offset = (uint32_t)i;
		reqs[i].tag = i;
		ptrs[i] = &reqs[i];
	}
	struct seen seen = {{0}, 0};
	double t0 = util_now();
	size_t sent = backend_run(b, ptrs, 8, 0, NULL, record, &seen);
	double took = util_now() - t0;
	is_int(sent, 8, "all eight sent");
	ok(took < 0.4, "eight 100 ms requests overlap (%.0f ms, not 800)", took * 1000);
	int in_order = seen.n == 8;
	for (int i = 0; i < seen.n; i++)
		in_order &= seen.order[i] == i;
	ok(in_order, "results are delivered in request order");
	ok(reqs[3].status == REQ_OK && reqs[3].ntexts == 1 && strstr(reqs[3].texts[0], "The answer is"),
	   "a solution comes back");
	ok(reqs[3].gen_tokens > 0 && reqs[3].prompt_tokens > 0, "with token counts");
	char *first = strdup(reqs[2].texts[0]);
	request_clear_results(&reqs[2]);
	seen.n = 0;
	backend_run(b, &ptrs[2], 1, 0, NULL, record, &seen);
	is_str(reqs[2].texts[0], first, "the same request gives the same text");
	free(first);

	/* max_inflight 2: four requests take two rounds */
	seen.n = 0;
	for (int i = 0; i < 4; i++)
		request_clear_results(&reqs[i]);
	t0 = util_now();
	backend_run(b, ptrs, 4, 2, NULL, record, &seen);
	took = util_now() - t0;
	ok(took >= 0.19 && took < 0.6, "max_inflight 2 runs four requests in two rounds (%.0f ms)", took * 1000);

	/* the budget hook stops the batch */
	seen.n = 0;
	for (int i = 0; i < 8; i++)
		request_clear_results(&reqs[i]);
	sent = backend_run(b, ptrs, 8, 0, allow_three, record, &seen);
	is_int(sent, 3, "may_send stops after three");
	is_int(seen.n, 3, "and only those three are delivered");

	/* dropping: request 1 is dropped before it is sent; request 3 is
	 * dropped while in flight (once request 0 came back) and cancelled */
	/* 5 ms a token: request 0 is one short step, request 3 a whole
	 * solution, so 3 is still out when 0 comes back */
	struct sim_latency slow = {0, 5};
	struct backend *sb = backend_sim_new(&c, &slow);
	for (int i = 0; i < 4; i++) {
		request_clear_results(&reqs[i]);
		reqs[i].kind = i == 0 ? REQ_STEP : REQ_SOLUTION;
	}
	struct dropper dr = {0};
	sent = backend_run_drop(sb, ptrs, 4, 0, NULL, drop_some, record_drop, &dr);
	ok(reqs[1].status == REQ_CANCELLED && !reqs[1].sent, "a request dropped before sending is never sent");
	ok(reqs[3].status == REQ_CANCELLED && reqs[3].sent, "a request dropped in flight is cancelled");
	ok(reqs[0].status == REQ_OK && reqs[2].status == REQ_OK, "the others come back");
	is_int(dr.n, 4, "every request reaches done(), cancelled ones too");
	is_int(sb->inflight, 0, "nothing is left in flight");
	backend_free(sb);
	for (int i = 0; i < 4; i++)
		reqs[i].kind = REQ_SOLUTION;

	/* a problem the sim cannot read fails with the reason */
	struct request bad;
	request_init(&bad, REQ_STEP);
	bad.problem = "Write me a poem.";
	struct request *bp = &bad;
	seen.n = 0;
	backend_run(b, &bp, 1, 0, NULL, record, &seen);
	ok(bad.status == REQ_FAILED && bad.error && strstr(bad.error, "cannot read this problem"),
	   "an unreadable problem fails with a message");
	request_clear_results(&bad);

	/* cancel */
	struct request cr;
	request_init(&cr, REQ_STEP);
	cr.problem = problem;
	b->ops->submit(b, &cr);
	is_int(b->inflight, 1, "one in flight");
	b->ops->cancel(b, &cr);
	ok(cr.status == REQ_CANCELLED && b->inflight == 0, "cancelled, nothing in flight");

	/* PRM scores, one per step */
	struct request pr;
	request_init(&pr, REQ_PRM);
	pr.problem = problem;
	const char *steps[] = {"Step 1: 17 + 25 = 42.", "Step 2: 42 \xc3\x97 3 = 127."};
	pr.steps = steps;
	pr.nsteps = 2;
	bp = &pr;
	backend_run(b, &bp, 1, 0, NULL, record, &seen);
	ok(pr.nscores == 2 && pr.scores[0] > pr.scores[1], "the PRM scores each step; the slip scores lower (%.2f, %.2f)",
	   pr.scores[0], pr.scores[1]);
	request_clear_results(&pr);
	for (int i = 0; i < 8; i++)
		request_clear_results(&reqs[i]);
	backend_free(b);
	return tap_done();
}
