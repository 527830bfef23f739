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

size_t backend_run_idle(struct backend *b, struct request *const *reqs, size_t n, int max_inflight,
			int (*may_send)(void *ctx), int (*drop)(void *ctx, const struct request *r),
			void (*idle)(void *ctx), void (*done)(void *ctx, struct request *r), void *ctx)
{
	size_t sent = 0, delivered = 0;
	int stopped = 0;
	b->max_calls = max_inflight > 0 ? max_inflight : 0;
	for (;;) {
		while (!stopped && sent < n &&
		       (max_inflight <= 0 || b->inflight < max_inflight)) {
			struct request *r = reqs[sent];
			if (drop && drop(ctx, r)) {
				request_clear_results(r);
				r->status = REQ_CANCELLED;
				r->sent = 0;
				sent++;
				continue;
			}
			if (may_send && !may_send(ctx)) {
				stopped = 1;
				break;
			}
			r->sent = 1;
			b->ops->submit(b, reqs[sent++]);
		}
		while (delivered < sent && reqs[delivered]->status != REQ_PENDING)
			done(ctx, reqs[delivered++]);
		/* what was dropped while in flight (a result just delivered may
		 * have pruned it) is cancelled, not awaited */
		for (size_t i = delivered; drop && i < sent; i++)
			if (reqs[i]->status == REQ_PENDING && drop(ctx, reqs[i]))
				b->ops->cancel(b, reqs[i]);
		while (delivered < sent && reqs[delivered]->status != REQ_PENDING)
			done(ctx, reqs[delivered++]);
		if (delivered == sent && (stopped || sent == n))
			break;
		if (idle)
			idle(ctx);
		b->ops->poll(b, 0.1);
	}
	return sent;
}

void backend_free(struct backend *b)
{
	if (b)
		b->ops->destroy(b);
}
