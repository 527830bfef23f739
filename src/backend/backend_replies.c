#include "backend_replies.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void mirror(struct backend_replies *b)
{
	b->base.inflight = (int)b->nq + b->real->inflight;
}

/* Whether a journaled reply has the shape its request needs: a score a
 * step for a PRM, one for an ORM, no more texts than samples asked. */
static int reply_misfits(const struct reply *p, const struct request *r, char *why, size_t whylen)
{
	if (p->status != REQ_OK)
		return 0;
	size_t want_texts = r->n > 0 ? (size_t)r->n : 1;
	if (r->kind == REQ_PRM && p->nscores != r->nsteps) {
		snprintf(why, whylen, "holds %zu step scores for a request of %zu steps (is the file damaged?)",
			 p->nscores, r->nsteps);
		return 1;
	}
	if (r->kind == REQ_ORM && p->nscores != 1) {
		snprintf(why, whylen, "holds %zu outcome scores where one was asked for (is the file damaged?)",
			 p->nscores);
		return 1;
	}
	if (r->kind != REQ_PRM && r->kind != REQ_ORM && p->ntexts > want_texts) {
		snprintf(why, whylen, "holds %zu texts where %zu were asked for (is the file damaged?)", p->ntexts,
			 want_texts);
		return 1;
	}
	return 0;
}

static int rb_submit(struct backend *base, struct request *r)
{
	struct backend_replies *b = (struct backend_replies *)base;
	struct resume *rs = b->rs;
	if (rs->next_reply >= rs->replies.n) {
		b->real->max_calls = b->base.max_calls;
		int rc = b->real->ops->submit(b->real, r); /* new ground: ask */
		mirror(b);
		return rc;
	}
	const struct reply *p = &rs->replies.v[rs->next_reply];
	char why[200];
	request_clear_results(r);
	if (p->kind != r->kind || p->node != r->node) {
		snprintf(b->diverged, sizeof b->diverged,
			 "cannot resume: the search now asks for a %s of node %d where the interrupted run's "
			 "reply %zu answered a %s of node %d (other options, or another canopy version?)",
			 req_kind_name(r->kind), r->node, rs->next_reply + 1, req_kind_name(p->kind), p->node);
		r->order = 0;
		if (!rs->diverged[0])
			snprintf(rs->diverged, sizeof rs->diverged, "%s", b->diverged);
	} else if (reply_misfits(p, r, why, sizeof why)) {
		/* a damaged journal must not hand a strategy what it cannot
		 * hold (beam's lookahead reads a score per step) */
		snprintf(b->diverged, sizeof b->diverged, "cannot resume: %s: reply %zu %s", rs->replies_path,
			 rs->next_reply + 1, why);
		r->order = 0;
		rs->next_reply++; /* read, if unusable */
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
			/* the first divergence is the cause; later ones follow */
			r->error = xstrdup(b->rs->diverged[0] ? b->rs->diverged : b->diverged);
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
