#include "fake.h"

#include <stdlib.h>
#include <string.h>

struct fake {
	struct backend base;
	struct fake_script script;
};

static int fake_submit(struct backend *b, struct request *r)
{
	struct fake *f = (struct fake *)b;
	request_clear_results(r);
	if (r->kind == REQ_PRM) {
		r->nscores = r->nsteps;
		r->scores = calloc(r->nsteps ? r->nsteps : 1, sizeof *r->scores);
		for (size_t i = 0; i < r->nsteps; i++)
			r->scores[i] = f->script.prm ? f->script.prm(r, i) : 0.5;
	} else if (r->kind == REQ_ORM) {
		r->nscores = 1;
		r->scores = calloc(1, sizeof *r->scores);
		r->scores[0] = f->script.orm ? f->script.orm(r) : 0.5;
	} else {
		r->ntexts = (size_t)r->n;
		r->texts = calloc((size_t)r->n, sizeof *r->texts);
		r->tokens = calloc((size_t)r->n, sizeof *r->tokens);
		for (int i = 0; i < r->n; i++) {
			r->texts[i] = f->script.gen(r, r->sample_offset + (unsigned)i);
			r->tokens[i] = 10;
			r->gen_tokens += 10;
		}
	}
	r->status = REQ_OK;
	b->inflight++;
	return 0;
}

static int fake_poll(struct backend *b, double timeout)
{
	(void)timeout;
	int n = b->inflight;
	b->inflight = 0; /* everything answers at once */
	return n;
}

static void fake_cancel(struct backend *b, struct request *r)
{
	(void)b;
	r->status = REQ_CANCELLED;
}

static void fake_destroy(struct backend *b)
{
	free(b);
}

static const struct backend_ops fake_ops = {
	.name = "fake",
	.submit = fake_submit,
	.poll = fake_poll,
	.cancel = fake_cancel,
	.destroy = fake_destroy,
};

struct backend *fake_backend_new(const struct fake_script *script)
{
	struct fake *f = calloc(1, sizeof *f);
	f->base.ops = &fake_ops;
	f->base.kind = "fake";
	f->script = *script;
	return &f->base;
}
