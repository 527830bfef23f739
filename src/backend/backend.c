#include <stdarg.h>
#include <stdio.h>
#include "backend.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char *const kind_names[] = {
#define X(id, name) name,
	REQ_KINDS(X)
#undef X
};

const char *req_kind_name(enum req_kind k)
{
	return (unsigned)k < REQ_KIND_COUNT ? kind_names[k] : "?";
}

enum req_role request_role(const struct request *r)
{
	if (r->role != ROLE_AUTO)
		return r->role;
	switch (r->kind) {
	case REQ_PRM: return ROLE_PRM;
	case REQ_ORM: return ROLE_ORM;
	case REQ_CRITIQUE: return r->self ? ROLE_ACTOR : ROLE_CRITIC; /* self-refine */
	case REQ_REVIEW:
	case REQ_JUDGE: return ROLE_CRITIC;
	default: return ROLE_ACTOR;
	}
}

void request_init(struct request *r, enum req_kind kind)
{
	memset(r, 0, sizeof *r);
	r->kind = kind;
	r->n = 1;
	r->temperature = 0.8;
	r->top_p = 0.95;
	r->max_tokens = 1024;
	r->node = -1;
}

void request_warn(struct request *r, const char *fmt, ...)
{
	if (r->warning)
		return;
	char msg[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	r->warning = xstrdup(msg);
}

void request_clear_results(struct request *r)
{
	for (size_t i = 0; i < r->ntexts; i++)
		free(r->texts[i]);
	free(r->texts);
	free(r->tokens);
	free(r->lps);
	free(r->scores);
	free(r->error);
	free(r->warning);
	r->warning = NULL;
	r->texts = NULL;
	r->tokens = NULL;
	r->lps = NULL;
	r->scores = NULL;
	r->error = NULL;
	r->ntexts = r->nscores = 0;
	r->status = REQ_PENDING;
	r->fatal = 0;
}

size_t backend_run(struct backend *b, struct request *const *reqs, size_t n, int max_inflight,
		   int (*may_send)(void *ctx), void (*done)(void *ctx, struct request *r),
		   void *ctx)
{
	return backend_run_drop(b, reqs, n, max_inflight, may_send, NULL, done, ctx);
}

size_t backend_run_drop(struct backend *b, struct request *const *reqs, size_t n, int max_inflight,
			int (*may_send)(void *ctx), int (*drop)(void *ctx, const struct request *r),
			void (*done)(void *ctx, struct request *r), void *ctx)
{
	return backend_run_idle(b, reqs, n, max_inflight, may_send, drop, NULL, done, ctx);
}

void backend_batch_send(struct backend_batch *bb, int max_inflight, const struct backend *other)
{
	while (!bb->stopped && bb->sent < bb->n) {
		int out = bb->b->inflight + (other && other != bb->b ? other->inflight : 0);
		if (max_inflight > 0 && out >= max_inflight)
			return;
		struct request *r = bb->reqs[bb->sent];
		if (bb->drop && bb->drop(bb->ctx, r)) {
			request_clear_results(r);
			r->status = REQ_CANCELLED;
			r->sent = 0;
			bb->sent++;
			continue;
		}
		int go = bb->may_send ? bb->may_send(bb->ctx) : 1;
		if (go < 0)
			return; /* not now: when some of those out come back */
		if (!go) {
			bb->stopped = 1;
			return;
		}
		r->sent = 1;
		bb->b->ops->submit(bb->b, bb->reqs[bb->sent++]);
	}
}

void backend_batch_cancel_dropped(struct backend_batch *bb)
{
	/* what was dropped while in flight (a result just delivered may
	 * have pruned it) is cancelled, not awaited */
	for (size_t i = bb->delivered; bb->drop && i < bb->sent; i++)
		if (bb->reqs[i]->status == REQ_PENDING && bb->drop(bb->ctx, bb->reqs[i]))
			bb->b->ops->cancel(bb->b, bb->reqs[i]);
}

struct request *backend_batch_next(struct backend_batch *bb)
{
	if (bb->delivered < bb->sent && bb->reqs[bb->delivered]->status != REQ_PENDING)
		return bb->reqs[bb->delivered++];
	return NULL;
}

int backend_batch_over(const struct backend_batch *bb)
{
	return bb->delivered == bb->sent && (bb->stopped || bb->sent == bb->n);
}

size_t backend_run_idle(struct backend *b, struct request *const *reqs, size_t n, int max_inflight,
			int (*may_send)(void *ctx), int (*drop)(void *ctx, const struct request *r),
			void (*idle)(void *ctx), void (*done)(void *ctx, struct request *r), void *ctx)
{
	struct backend_batch bb = {.b = b, .reqs = reqs, .n = n, .may_send = may_send, .drop = drop, .ctx = ctx};
	struct request *r;
	b->max_calls = max_inflight > 0 ? max_inflight : 0;
	for (;;) {
		backend_batch_send(&bb, max_inflight, NULL);
		while ((r = backend_batch_next(&bb)))
			done(ctx, r);
		backend_batch_cancel_dropped(&bb);
		while ((r = backend_batch_next(&bb)))
			done(ctx, r);
		if (backend_batch_over(&bb))
			break;
		if (idle)
			idle(ctx);
		b->ops->poll(b, 0.1);
	}
	return bb.sent;
}

void backend_free(struct backend *b)
{
	if (b)
		b->ops->destroy(b);
}
