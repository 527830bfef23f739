#include "backend_replies.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void mirror(struct backend_replies *b)
{
	b->base.inflight = (int)b->nq + b->real->inflight;
}

static int rb_submit(struct backend *base, struct request *r)
{
	struct backend_replies *b = (struct backend_replies *)base;
	struct resume *rs = b->rs;
	if (rs->next_reply >= rs->replies.n) {
		int rc = b->real->ops->submit(b->real, r); /* new ground: ask */
		mirror(b);
		return rc;
	}
	const struct reply *p = &rs->replies.v[rs->next_reply];
	request_clear_results(r);
	if (p->kind != r->kind || p->node != r->node) {
		snprintf(b->diverged, sizeof b->diverged,
			 "cannot resume: the search now asks for a %s of node %d where the interrupted run's "
			 "reply %zu answered a %s of node %d (other options, or another canopy version?)",
			 req_kind_name(r->kind), r->node, rs->next_reply + 1, req_kind_name(p->kind), p->node);
		r->order = 0;
		if (!rs->diverged[0])
			snprintf(rs->diverged, sizeof rs->diverged, "%s", b->diverged);
	} else {
		r->order = ++rs->next_reply; /* its reply, from 1 */
	}
	if (b->nq == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 16;
		b->q = xrealloc(b->q, b->cap * sizeof *b->q);
	}
	b->q[b->nq++] = r;
	mirror(b);
	return 0;
}

static int rb_poll(struct backend *base, double timeout)
{
	struct backend_replies *b = (struct backend_replies *)base;
	int finished = 0;
	if (b->nq) {
		/* one a poll: what happened between two replies can happen again */
		struct request *r = b->q[0];
		memmove(b->q, b->q + 1, (b->nq - 1) * sizeof *b->q);
		b->nq--;
		if (r->order) {
			reply_fill(&b->rs->replies.v[r->order - 1], r);
		} else {
			r->error = xstrdup(b->diverged);
			r->status = REQ_FAILED;
			r->fatal = 1;
		}
		r->replayed = 1;
		finished = 1;
		timeout = 0;
	}
	if (b->real->inflight)
		finished += b->real->ops->poll(b->real, timeout);
	mirror(b);
	return finished;
}

static void rb_cancel(struct backend *base, struct request *r)
{
	struct backend_replies *b = (struct backend_replies *)base;
	for (size_t i = 0; i < b->nq; i++)
		if (b->q[i] == r) {
			/* it had its reply before the prune could cancel it (the
			 * replies come back one a poll here, not as they did) */
			if (r->order && b->rs->replies.v[r->order - 1].status != REQ_CANCELLED)
				return;
			memmove(b->q + i, b->q + i + 1, (b->nq - i - 1) * sizeof *b->q);
			b->nq--;
			request_clear_results(r);
			r->status = REQ_CANCELLED;
			r->replayed = 1;
			mirror(b);
			return;
		}
	b->real->ops->cancel(b->real, r);
	mirror(b);
}

static void rb_destroy(struct backend *base)
{
	(void)base; /* lives on its caller's stack */
}

static const struct backend_ops rb_ops = {
	.name = "replies",
	.submit = rb_submit,
	.poll = rb_poll,
	.cancel = rb_cancel,
	.destroy = rb_destroy,
};

void backend_replies_init(struct backend_replies *b, struct backend *real, struct resume *rs)
{
	memset(b, 0, sizeof *b);
	b->base = *real;
	b->base.ops = &rb_ops;
	b->base.priv = NULL;
	b->real = real;
	b->rs = rs;
	mirror(b);
}

void backend_replies_done(struct backend_replies *b)
{
	free(b->q);
	b->q = NULL;
	b->nq = b->cap = 0;
}
