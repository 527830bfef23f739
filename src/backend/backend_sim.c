#include "backend_sim.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

struct sim_backend {
	struct backend base;
	struct sim_cfg cfg;
	struct sim_latency lat;
	struct sim_problem problem; /* the last problem read, reused */
	int have_problem;
	struct request **pending;
	size_t npending, cap;
	uint64_t order;
};

int sim_latency_parse(const char *s, struct sim_latency *l)
{
	char *e;
	errno = 0;
	l->per_request_ms = strtod(s, &e);
	l->per_token_ms = 0;
	if (e == s || errno || l->per_request_ms < 0 || !isfinite(l->per_request_ms))
		return -1;
	if (*e == ',') {
		const char *t = e + 1;
		l->per_token_ms = strtod(t, &e);
		if (e == t || l->per_token_ms < 0 || !isfinite(l->per_token_ms))
			return -1;
	}
	return *e ? -1 : 0;
}

static void fail(struct request *r, const char *msg)
{
	r->status = REQ_FAILED;
	r->error = xstrdup(msg);
}

static uint64_t request_seed(const struct request *r)
{
	uint64_t h = hash_u64(r->seed, (uint64_t)r->kind);
	h = hash_str(h, r->problem);
	for (size_t i = 0; i < r->nsteps; i++)
		h = hash_str(hash_u64(h, i), r->steps[i]);
	if (r->feedback)
		h = hash_str(h, r->feedback);
	return h;
}

static char *generate_one(struct sim_backend *sb, const struct request *r, struct rng *rng)
{
	const struct sim_problem *p = &sb->problem;
	const struct sim_cfg *c = &sb->cfg;
	switch (r->kind) {
	case REQ_STEP: return sim_next_step(p, c, r->steps, r->nsteps, r->temperature, rng);
	case REQ_SOLUTION: return sim_solution(p, c, r->steps, r->nsteps, r->temperature, rng);
	case REQ_SUBQUESTION: return sim_subquestion(p, c, r->steps, r->nsteps, r->temperature, rng);
	case REQ_REANSWER: return sim_reanswer(p, c, r->steps, r->nsteps, r->temperature, rng);
	case REQ_REPHRASE: return sim_rephrase(p);
	case REQ_CRITIQUE:
		return r->self ? sim_self_critique(p, c, r->steps, r->nsteps, rng)
			       : sim_critique(p, c, r->steps, r->nsteps, rng);
	case REQ_REVIEW:
		return sim_review(p, c, r->steps, r->step_scores, r->nsteps, rng);
	case REQ_JUDGE: return sim_judge(p, c, r->steps, r->nsteps, rng);
	case REQ_REFINE:
		return sim_refine(p, c, r->steps, r->nsteps, r->feedback ? r->feedback : "",
				  r->temperature, rng);
	case REQ_REVISE: return sim_revise(p, c, r->steps, r->nsteps, r->temperature, rng);
	default: return NULL;
	}
}

static void compute(struct sim_backend *sb, struct request *r)
{
	char err[256];
	if (!sb->have_problem || strcmp(sb->problem.text, r->problem)) {
		sb->have_problem = 0;
		if (sim_problem_parse(r->problem, &sb->problem, err, sizeof err)) {
			fail(r, err);
			return;
		}
		sb->have_problem = 1;
	}
	r->prompt_tokens = sim_tokens(r->problem);
	for (size_t i = 0; i < r->nsteps; i++)
		r->prompt_tokens += sim_tokens(r->steps[i]);
	if (r->feedback)
		r->prompt_tokens += sim_tokens(r->feedback);
	r->gen_tokens = 0;
	if (r->kind == REQ_PRM) {
		r->nscores = r->nsteps;
		r->scores = xcalloc(r->nsteps ? r->nsteps : 1, sizeof *r->scores);
		sim_prm(&sb->problem, &sb->cfg, r->seed, r->steps, r->nsteps, r->scores);
		r->status = REQ_OK;
		return;
	}
	if (r->kind == REQ_ORM) {
		r->nscores = 1;
		r->scores = xmalloc(sizeof *r->scores);
		r->scores[0] = sim_orm(&sb->problem, &sb->cfg, r->seed, r->steps, r->nsteps);
		r->status = REQ_OK;
		return;
	}
	int n = r->n > 0 ? r->n : 1;
	r->texts = xcalloc((size_t)n, sizeof *r->texts);
	r->tokens = xcalloc((size_t)n, sizeof *r->tokens);
	uint64_t base = request_seed(r);
	for (int i = 0; i < n; i++) {
		struct rng rng;
		/* greedy decoding gives every sample the same text */
		rng_seed(&rng, r->temperature > 0 ? hash_u64(base, r->sample_offset + (uint64_t)i) : base);
		r->texts[i] = generate_one(sb, r, &rng);
		r->tokens[i] = sim_tokens(r->texts[i]);
		r->gen_tokens += r->tokens[i];
	}
	r->ntexts = (size_t)n;
	if (r->logprobs) {
		r->lps = xcalloc((size_t)n, sizeof *r->lps);
		for (int i = 0; i < n; i++)
			r->lps[i] = sim_logprob(&sb->problem, r->steps, r->nsteps, r->texts[i], base);
	}
	r->status = REQ_OK;
}

static int sim_submit(struct backend *b, struct request *r)
{
	struct sim_backend *sb = (struct sim_backend *)b;
	request_clear_results(r);
	compute(sb, r);
	/* the answer is known now; it is handed out when the modelled
	 * server would have finished it */
	enum req_status st = r->status;
	uint32_t longest = 0;
	for (size_t i = 0; i < r->ntexts; i++)
		if (r->tokens[i] > longest)
			longest = r->tokens[i];
	r->due = util_now() + (sb->lat.per_request_ms + sb->lat.per_token_ms * longest) / 1000.0;
	r->order = sb->order++;
	r->status = REQ_PENDING;
	if (st == REQ_FAILED)
		r->due = 0;
	if (sb->npending == sb->cap) {
		sb->cap = sb->cap ? sb->cap * 2 : 16;
		sb->pending = xrealloc(sb->pending, sb->cap * sizeof *sb->pending);
	}
	/* a failed request keeps its message; finish_due reads it back */
	sb->pending[sb->npending++] = r;
	b->inflight++;
	return 0;
}

static int finish_due(struct sim_backend *sb, double now)
{
	int finished = 0;
	for (size_t i = 0; i < sb->npending;) {
		struct request *r = sb->pending[i];
		if (r->due <= now) {
			r->status = r->error ? REQ_FAILED : REQ_OK;
			sb->pending[i] = sb->pending[--sb->npending];
			sb->base.inflight--;
			finished++;
		} else {
			i++;
		}
	}
	return finished;
}

static int sim_poll(struct backend *b, double timeout)
{
	struct sim_backend *sb = (struct sim_backend *)b;
	double now = util_now();
	int n = finish_due(sb, now);
	if (n || !sb->npending)
		return n;
	double next = sb->pending[0]->due;
	for (size_t i = 1; i < sb->npending; i++)
		if (sb->pending[i]->due < next)
			next = sb->pending[i]->due;
	double wait = fmin(next - now, timeout);
	if (wait > 0) {
		struct timespec ts = {(time_t)wait, (long)((wait - floor(wait)) * 1e9)};
		while (nanosleep(&ts, &ts) && errno == EINTR)
			;
	}
	return finish_due(sb, util_now());
}

static void sim_cancel(struct backend *b, struct request *r)
{
	struct sim_backend *sb = (struct sim_backend *)b;
	for (size_t i = 0; i < sb->npending; i++) {
		if (sb->pending[i] == r) {
			sb->pending[i] = sb->pending[--sb->npending];
			b->inflight--;
			request_clear_results(r);
			r->status = REQ_CANCELLED;
			return;
		}
	}
}

static void sim_destroy(struct backend *b)
{
	struct sim_backend *sb = (struct sim_backend *)b;
	free(sb->pending);
	free(sb);
}

static const struct backend_ops sim_ops = {
	.name = "sim",
	.submit = sim_submit,
	.poll = sim_poll,
	.cancel = sim_cancel,
	.destroy = sim_destroy,
};

struct backend *backend_sim_new(const struct sim_cfg *cfg, const struct sim_latency *lat)
{
	struct sim_backend *sb = xcalloc(1, sizeof *sb);
	sb->base.ops = &sim_ops;
	sb->base.kind = "sim";
	sb->base.model = "canopy-sim-1";
	sb->cfg = *cfg;
	if (lat)
		sb->lat = *lat;
	return &sb->base;
}
