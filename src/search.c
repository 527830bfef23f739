#include "search.h"

#include <ctype.h>
#include <stdatomic.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "backend_replies.h"
#include "idlist.h"
#include "replies.h"
#include "steps.h"
#include "trace.h"
#include "config.h"
#include "util.h"

struct search {
	const struct strategy_ops *strategy;
	void *st;
	struct params params;
	char *problem, *gold;
	uint64_t seed;
	uint64_t budget_tokens, budget_requests;
	int max_inflight;
	struct backend *backend;
	struct backend *by_role[ROLE_COUNT]; /* who answers each role */
	int no_prm, no_orm;
	struct tree *tree;
	struct trace_writer *journal;
	uint64_t seq;
	double t0;
	double t_end; /* when it finished or failed (0: not yet): the clock stops there */
	struct usage usage;
	enum search_state state;
	char *error;
	search_listener listener;
	void *lctx;
	int has_final;
	char *final_answer;
	int32_t final_node;
	int final_correct;
	char *vote_top; /* the last vote's heaviest answer */
	uint64_t units;
	atomic_int aborted;
	uint64_t errors;
	char *last_error;
	uint64_t warnings; /* replies that went through with a warning */
	char *last_warning;
	void (*idle_fn)(void *ctx);
	void *idle_ctx;
	/* the replies journal, and a resume catching up */
	char *trace_path;
	struct replies_writer *replies;
	struct resume *resume;
	int catchup; /* events are compared with the journal's, not written */
};

static void catchup_commands(struct search *s);

/* A resumed run has re-executed all its journal held: cut what the
 * interrupted run left after event `keep` (a torn line, a failure's tail)
 * and write from here on. */
static int go_live(struct search *s, uint64_t keep)
{
	char err[600];
	s->catchup = 0;
	if (resume_cut_trace(s->trace_path, keep + 1, err, sizeof err)) {
		search_fail(s, err);
		return -1;
	}
	/* the resume has held the journal's lock since it read it
	 * (resume_open) */
	s->journal = trace_writer_adopt(s->resume->trace_fd, s->trace_path);
	s->resume->trace_fd = -1;
	return 0;
}

/* Where an event goes: compared with the journal while catching up, else
 * written. */
static void journal_event(struct search *s, const struct event *ev)
{
	if (s->catchup) {
		if (s->state == SEARCH_FAILED)
			return; /* a resume that went wrong writes nothing */
		struct resume *rs = s->resume;
		if (rs->diverged[0]) {
			search_fail(s, rs->diverged);
			return;
		}
		if (ev->seq <= rs->nev) {
			if (resume_event_hash(ev) == rs->ev[ev->seq - 1].hash)
				return; /* the journal has it */
			if (rs->next_reply < rs->replies.n) {
				char msg[600];
				snprintf(msg, sizeof msg,
					 "cannot resume: event %llu (line %llu of %s) comes out differently "
					 "(other options, or another canopy version?)",
					 (unsigned long long)ev->seq, (unsigned long long)ev->seq + 1, s->trace_path);
				search_fail(s, msg);
				return;
			}
		}
		/* past what the interrupted run finished: new ground */
		if (go_live(s, ev->seq - 1))
			return;
	}
	if (s->journal && trace_writer_event(s->journal, ev) && s->state != SEARCH_FAILED) {
		free(s->error);
		s->error = xstrdup(trace_writer_error(s->journal));
		s->state = SEARCH_FAILED;
		s->t_end = util_now();
	}
}

static void emit(struct search *s, struct event *ev)
{
	char err[256];
	ev->seq = ++s->seq;
	/* whole milliseconds, as the journal stores them */
	ev->t = floor((util_now() - s->t0) * 1000.0) / 1000.0;
	event_round(ev);
	if (event_apply(s->tree, ev, err, sizeof err)) {
		/* a strategy asked for something impossible: a bug, but
		 * the journal so far stays valid */
		s->seq--;
		char msg[320];
		snprintf(msg, sizeof msg, "internal error: %s", err);
		search_fail(s, msg);
		return;
	}
	journal_event(s, ev);
	if (s->listener)
		s->listener(s->lctx, s, ev);
}

void search_emit(struct search *s, struct event *ev)
{
	emit(s, ev);
}

/* The journal's header: this search, and the servers as the caller
 * described them (or, without a description, the backend's name). */
static void make_header(const struct search *s, const struct header_backend *backend, struct trace_header *h)
{
	header_init(h);
	h->problem = xstrdup(s->problem);
	h->gold = s->gold ? xstrdup(s->gold) : NULL;
	h->strategy = xstrdup(s->strategy->name);
	for (const struct param_default *d = s->strategy->params; d->id != P_COUNT; d++)
		header_set_param(h, d->id, s->params.v[d->id]);
	if (backend) {
		/* borrowed for the encoding only: see search_new */
		h->backend = *backend;
	} else {
		h->backend.kind = xstrdup(s->backend->kind);
		if (s->backend->url)
			h->backend.urls[h->backend.nurls++] = xstrdup(s->backend->url);
		if (s->backend->model)
			h->backend.model = xstrdup(s->backend->model);
	}
	h->seed = s->seed;
	h->max_inflight = s->max_inflight;
	h->budget_tokens = s->budget_tokens;
	h->budget_requests = s->budget_requests;
	h->canopy_version = xstrdup(PACKAGE_VERSION);
	char when[32];
	util_utc_stamp(when, sizeof when);
	h->created = xstrdup(when);
}

int search_config_from_header(struct search_config *cfg, const struct trace_header *h, const char *path,
			      char *err, size_t errlen)
{
	if (!(cfg->strategy = strategy_lookup(h->strategy))) {
		snprintf(err, errlen, "%s:1: unknown strategy \"%s\"", path, h->strategy);
		return -1;
	}
	for (const struct param_default *d = cfg->strategy->params; d->id != P_COUNT; d++) {
		if (!h->params.set[d->id]) {
			snprintf(err, errlen, "%s:1: strategy.%s is missing", path, param_name(d->id));
			return -1;
		}
		cfg->params.v[d->id] = h->params.v[d->id];
		cfg->params.set[d->id] = 1;
	}
	cfg->problem = h->problem;
	cfg->gold = h->gold;
	cfg->seed = h->seed;
	cfg->budget_tokens = h->budget_tokens;
	cfg->budget_requests = h->budget_requests;
	cfg->max_inflight = h->max_inflight;
	return 0;
}

struct search *search_new(const struct search_config *cfg, char *err, size_t errlen)
{
	struct search *s = xcalloc(1, sizeof *s);
	s->strategy = cfg->strategy;
	s->params = cfg->params;
	params_apply_defaults(&s->params, s->strategy->params);
	s->problem = xstrdup(cfg->problem);
	s->gold = cfg->gold ? xstrdup(cfg->gold) : NULL;
	s->seed = cfg->seed;
	s->budget_tokens = cfg->budget_tokens;
	s->budget_requests = cfg->budget_requests;
	s->max_inflight = cfg->max_inflight;
	s->backend = cfg->backend;
	/* a role without its own server falls back: the ORM to the PRM's
	 * scorer, everything else to the actor's */
	s->by_role[ROLE_AUTO] = s->by_role[ROLE_ACTOR] = cfg->backend;
	s->by_role[ROLE_PRM] = cfg->scorer ? cfg->scorer : cfg->backend;
	s->by_role[ROLE_ORM] = cfg->orm ? cfg->orm : s->by_role[ROLE_PRM];
	s->by_role[ROLE_CRITIC] = cfg->critic ? cfg->critic : cfg->backend;
	s->by_role[ROLE_DISC] = cfg->disc ? cfg->disc : cfg->backend;
	s->no_prm = cfg->no_scores;
	s->no_orm = cfg->orm ? cfg->no_orm : cfg->no_scores || cfg->no_orm;
	s->tree = tree_new();
	s->final_node = NODE_NONE;
	s->final_correct = -1;
	s->t0 = util_now();
	if (cfg->trace_path)
		s->trace_path = xstrdup(cfg->trace_path);
	if (cfg->resume) {
		/* the header is the journal's already; time goes on from its
		 * last event */
		s->resume = cfg->resume;
		s->t0 -= s->resume->last_t;
		s->catchup = 1;
		if (!s->resume->nev && go_live(s, 0)) {
			snprintf(err, errlen, "%s", s->error);
			search_free(s);
			return NULL;
		}
		s->state = SEARCH_READY;
		return s;
	}
	struct trace_header h;
	make_header(s, cfg->backend_hdr, &h);
	int failed = 0;
	if (cfg->trace_path) {
		s->journal = trace_writer_create(cfg->trace_path, &h, err, errlen);
		char rp[600];
		replies_path(cfg->trace_path, rp, sizeof rp);
		if (s->journal)
			s->replies = replies_writer_create(rp, h.created, err, errlen);
		failed = !s->journal || !s->replies;
	}
	if (cfg->backend_hdr)
		header_backend_init(&h.backend); /* the caller's */
	header_free(&h);
	if (failed) {
		search_free(s);
		return NULL;
	}
	s->state = SEARCH_READY;
	return s;
}

void search_set_listener(struct search *s, search_listener fn, void *ctx)
{
	s->listener = fn;
	s->lctx = ctx;
}

static void start(struct search *s)
{
	s->state = SEARCH_RUNNING;
	search_add_node(s, NODE_NONE, NODE_PROBLEM, s->problem, strlen(s->problem), 0);
	s->st = s->strategy->start(s);
}

static void emit_usage(struct search *s)
{
	struct event ev;
	event_init(&ev, EV_USAGE);
	ev.usage = s->usage;
	emit(s, &ev);
}

static void finish(struct search *s)
{
	if (s->state == SEARCH_FAILED)
		return;
	s->strategy->finish(s->st, s);
	if (!s->has_final)
		search_final(s, NULL, NODE_NONE, "the strategy chose nothing");
	emit_usage(s);
	if (s->state != SEARCH_FAILED)
		s->state = SEARCH_DONE;
	if (s->t_end <= 0)
		s->t_end = util_now();
}

void search_abort(struct search *s)
{
	atomic_store(&s->aborted, 1);
}

int search_aborted(const struct search *s)
{
	return atomic_load(&((struct search *)s)->aborted);
}

void search_set_idle(struct search *s, void (*fn)(void *ctx), void *ctx)
{
	s->idle_fn = fn;
	s->idle_ctx = ctx;
}

int search_step(struct search *s)
{
	if (search_aborted(s))
		return 0;
	if (s->state == SEARCH_READY)
		start(s);
	if (s->catchup)
		catchup_commands(s);
	if (s->state != SEARCH_RUNNING)
		return 0;
	int more = search_budget_left(s) && s->strategy->step(s->st, s);
	if (search_aborted(s))
		return 0;
	if (s->state == SEARCH_RUNNING && (!more || !search_budget_left(s)))
		finish(s);
	return s->state == SEARCH_RUNNING;
}

int search_run(struct search *s)
{
	while (search_step(s))
		;
	return s->state == SEARCH_FAILED ? -1 : 0;
}

int search_command(struct search *s, const struct command *c, char *err, size_t errlen)
{
	if (s->state == SEARCH_READY)
		start(s);
	if (s->state != SEARCH_RUNNING) {
		snprintf(err, errlen, "the search is over");
		return -1;
	}
	const struct node *n = tree_node(s->tree, c->node);
	struct event ev;
	switch (c->kind) {
	case CMD_PRUNE:
		if (!n || c->node == 0) {
			snprintf(err, errlen, "node %d cannot be pruned%s", c->node,
				 c->node == 0 ? " (it is the problem)" : " (no such node)");
			return -1;
		}
		if (n->flags & NF_PRUNED) {
			snprintf(err, errlen, "node %d is already pruned", c->node);
			return -1;
		}
		search_prune(s, c->node, c->by_user);
		break;
	case CMD_SET: {
		if (!strategy_uses(s->strategy, c->param)) {
			struct strbuf who;
			sb_init(&who);
			strategy_users_of(c->param, &who);
			snprintf(err, errlen, "%s does not use %s (it applies to %s)", s->strategy->name,
				 param_name(c->param), who.s ? who.s : "no strategy");
			sb_free(&who);
			return -1;
		}
		if (strategy_check_value(s->strategy, c->param, c->value, err, errlen))
			return -1;
		struct strbuf sb;
		sb_init(&sb);
		param_format(c->param, c->value, &sb);
		event_init(&ev, EV_SET);
		ev.param = param_name(c->param);
		ev.reason = sb.s;
		ev.by_user = c->by_user;
		emit(s, &ev);
		sb_free(&sb);
		s->params.v[c->param] = c->value;
		break;
	}
	case CMD_EXPAND:
	case CMD_FOCUS:
		if (!n) {
			snprintf(err, errlen, "no node %d", c->node);
			return -1;
		}
		if (!s->strategy->command) {
			snprintf(err, errlen, "%s does not take that command", s->strategy->name);
			return -1;
		}
		/* refused before it is journaled: the journal holds only what
		 * was done */
		if (n->flags & NF_PRUNED) {
			snprintf(err, errlen, "node %d is pruned", c->node);
			return -1;
		}
		if (c->kind == CMD_EXPAND && (n->flags & NF_TERMINAL)) {
			snprintf(err, errlen, "node %d states a final answer; expand a step before it", c->node);
			return -1;
		}
		event_init(&ev, EV_CMD);
		ev.text = c->kind == CMD_EXPAND ? "expand" : "focus";
		ev.text_len = strlen(ev.text);
		ev.id = c->node;
		ev.n = c->kind == CMD_EXPAND ? c->k : -1;
		ev.by_user = c->by_user;
		emit(s, &ev);
		break;
	}
	if (s->strategy->command)
		return s->strategy->command(s->st, s, c, err, errlen);
	return 0;
}

void search_free(struct search *s)
{
	if (!s)
		return;
	if (s->st)
		s->strategy->free(s->st);
	trace_writer_close(s->journal);
	replies_writer_close(s->replies);
	free(s->trace_path);
	tree_free(s->tree);
	free(s->problem);
	free(s->gold);
	free(s->error);
	free(s->last_error);
	free(s->last_warning);
	free(s->final_answer);
	free(s->vote_top);
	free(s);
}

/* ---- state ---- */

struct tree *search_tree(const struct search *s) { return s->tree; }
const struct params *search_params(const struct search *s) { return &s->params; }
const struct usage *search_usage(const struct search *s) { return &s->usage; }
enum search_state search_state(const struct search *s) { return s->state; }
const char *search_error(const struct search *s) { return s->error; }
const char *search_final_answer(const struct search *s) { return s->final_answer; }
int search_final_correct(const struct search *s) { return s->final_correct; }
int32_t search_final_node(const struct search *s) { return s->final_node; }
uint64_t search_units(const struct search *s) { return s->units; }
double search_elapsed(const struct search *s) { return (s->t_end > 0 ? s->t_end : util_now()) - s->t0; }
const char *search_problem(const struct search *s) { return s->problem; }
uint64_t search_seed(const struct search *s) { return s->seed; }
const struct strategy_ops *search_strategy(const struct search *s) { return s->strategy; }

const char *search_trace_path(const struct search *s)
{
	return s->journal ? trace_writer_path(s->journal) : NULL;
}

uint64_t search_errors(const struct search *s) { return s->errors; }
const char *search_last_error(const struct search *s) { return s->last_error; }
uint64_t search_warnings(const struct search *s) { return s->warnings; }

int search_retrying(const struct search *s, char *why, size_t len)
{
	int n = 0;
	if (why && len)
		why[0] = '\0';
	for (int i = 0; i < ROLE_COUNT; i++) {
		const struct backend *b = s->by_role[i];
		int seen = 0;
		for (int j = 0; j < i; j++)
			seen |= s->by_role[j] == b; /* roles share backends */
		if (!b || seen || !b->retrying)
			continue;
		n += b->retrying;
		if (why && len)
			snprintf(why, len, "%s", b->retry_why);
	}
	return n;
}
const char *search_last_warning(const struct search *s) { return s->last_warning; }
uint64_t search_budget_tokens(const struct search *s) { return s->budget_tokens; }
uint64_t search_budget_requests(const struct search *s) { return s->budget_requests; }

int search_inflight(const struct search *s)
{
	int n = 0;
	for (int i = ROLE_ACTOR; i < ROLE_COUNT; i++) {
		int seen = 0;
		for (int j = ROLE_ACTOR; j < i; j++)
			seen |= s->by_role[j] == s->by_role[i];
		if (!seen)
			n += s->by_role[i]->inflight;
	}
	return n;
}

int search_budget_left(const struct search *s)
{
	if (s->budget_tokens && s->usage.gen_tokens >= s->budget_tokens)
		return 0;
	if (s->budget_requests && s->usage.requests >= s->budget_requests)
		return 0;
	return 1;
}

/* ---- asking ---- */

void search_request(struct search *s, struct request *r, enum req_kind kind, int32_t node)
{
	request_init(r, kind);
	r->problem = s->problem;
	const struct node *n = tree_node(s->tree, node);
	size_t depth = n ? n->depth : 0;
	const char **steps = xcalloc(depth ? depth : 1, sizeof *steps);
	int32_t id = node;
	for (size_t i = depth; i > 0; i--) {
		const struct node *c = tree_node(s->tree, id);
		steps[i - 1] = c->text;
		id = c->parent;
	}
	r->steps = steps;
	r->nsteps = depth;
	r->temperature = s->params.v[P_TEMPERATURE];
	r->top_p = s->params.v[P_TOP_P];
	r->max_tokens = (int)s->params.v[P_MAX_TOKENS];
	/* each node samples on its own, as separate requests to a server
	 * would, even when two prefixes read the same; a scorer is a
	 * function of the text, so it keeps the run's seed */
	r->seed = kind == REQ_PRM || kind == REQ_ORM ? s->seed : hash_u64(s->seed, (uint64_t)node);
	r->sample_offset = n ? n->nchildren : 0;
	r->node = node;
}

void search_request_whole(struct search *s, struct request *r, enum req_kind kind, int32_t node)
{
	search_request(s, r, kind, node);
	free((void *)r->steps);
	/* the node's lines are the steps */
	const char **lines = NULL;
	size_t n = 0;
	for (const char *t = tree_node(s->tree, node)->text; *t;) {
		size_t l = strcspn(t, "\n");
		if (l) {
			lines = xrealloc(lines, (n + 1) * sizeof *lines);
			lines[n++] = xstrndup(t, l);
		}
		t += l + (t[l] == '\n');
	}
	r->steps = lines;
	r->nsteps = n;
}

void search_request_whole_free(struct request *r)
{
	for (size_t i = 0; i < r->nsteps; i++)
		free((void *)r->steps[i]);
	free((void *)r->steps);
	r->steps = NULL;
	search_request_free(r);
}

void search_request_free(struct request *r)
{
	request_clear_results(r);
	free((void *)r->steps);
	r->steps = NULL;
}

/* One request of kind about each node, and pointers to them. */
static struct request *make_requests(struct search *s, enum req_kind kind, const int32_t *nodes, const int *counts,
				     const int *tags, const uint32_t *offsets, size_t n, struct request ***ptrs)
{
	struct request *reqs = xcalloc(n ? n : 1, sizeof *reqs);
	*ptrs = xcalloc(n ? n : 1, sizeof **ptrs);
	for (size_t i = 0; i < n; i++) {
		search_request(s, &reqs[i], kind, nodes[i]);
		if (counts)
			reqs[i].n = counts[i];
		if (tags)
			reqs[i].tag = tags[i];
		if (offsets)
			reqs[i].sample_offset += offsets[i];
		(*ptrs)[i] = &reqs[i];
	}
	return reqs;
}

void search_ask(struct search *s, enum req_kind kind, const int32_t *nodes, const int *counts,
		const int *tags, const uint32_t *offsets, size_t n,
		void (*done)(void *ctx, struct request *r), void *ctx)
{
	struct request **ptrs;
	struct request *reqs = make_requests(s, kind, nodes, counts, tags, offsets, n, &ptrs);
	search_batch(s, ptrs, n, done, ctx);
	for (size_t i = 0; i < n; i++)
		search_request_free(&reqs[i]);
	free(reqs);
	free(ptrs);
}

struct batch {
	struct search *s;
	uint64_t out; /* sent and not yet counted */
	int scoring;  /* PRM/ORM requests: not stopped by a token budget */
	void (*done)(void *ctx, struct request *r);
	void *ctx;
};

static int batch_may_send(void *ctx)
{
	struct batch *b = ctx;
	struct search *s = b->s;
	/* requests are counted when sent, so a request budget is exact */
	if (s->budget_requests && s->usage.requests + b->out >= s->budget_requests)
		return 0;
	if (s->state != SEARCH_RUNNING || search_aborted(s))
		return 0;
	/* a generated-token budget bounds the search's own generation; what
	 * it generated may still be scored (ALGORITHMS.md, "Budget") */
	if (!b->scoring && !search_budget_left(s))
		return 0;
	if (!b->scoring && s->budget_tokens && b->out > 0) {
		/* send only what the budget can still pay for, the rest as
		 * requests come back: those out are reckoned at the mean a
		 * generating request has cost so far (before any came back,
		 * one goes alone), so a run stops within about one request */
		uint64_t gen = s->usage.requests - s->usage.scorer_calls;
		double per = gen ? (double)s->usage.gen_tokens / (double)gen : INFINITY;
		if ((double)b->out * per >= (double)(s->budget_tokens - s->usage.gen_tokens))
			return -1;
	}
	b->out++;
	return 1;
}

/* A request about a pruned subtree is not worth waiting for. */
static int batch_drop(void *ctx, const struct request *r)
{
	struct batch *b = ctx;
	const struct node *n = tree_node(b->s->tree, r->node);
	return search_aborted(b->s) || b->s->state == SEARCH_FAILED || (n && (n->flags & NF_PRUNED));
}

/* A resumed run gives the user's commands again where the journal has
 * them: between two steps, or between two replies of a batch. */
static void catchup_commands(struct search *s)
{
	struct resume *rs = s->resume;
	while (s->catchup && s->state == SEARCH_RUNNING && s->seq < rs->nev && rs->ev[s->seq].user) {
		struct command c = rs->ev[s->seq].cmd;
		uint64_t before = s->seq;
		char err[256] = "", msg[600];
		if (search_command(s, &c, err, sizeof err) || s->seq == before) {
			snprintf(msg, sizeof msg, "cannot resume: the command at line %llu of %s is refused now: %s",
				 (unsigned long long)before + 2, s->trace_path, err[0] ? err : "it did nothing");
			search_fail(s, msg);
		}
	}
}

int search_catching_up(const struct search *s)
{
	return s->catchup || (s->resume && s->resume->next_reply < s->resume->replies.n);
}

static void batch_idle(void *ctx)
{
	struct batch *b = ctx;
	if (b->s->catchup)
		catchup_commands(b->s);
	if (b->s->idle_fn)
		b->s->idle_fn(b->s->idle_ctx);
}

/* Journals what a request got back, for a resume; a request cut short by
 * quitting is not finished and will be asked again. */
static void record_reply(struct search *s, const struct request *r)
{
	if (!s->trace_path || !r->sent || r->replayed || (r->status == REQ_CANCELLED && search_aborted(s)))
		return;
	if (!s->replies && s->resume) {
		/* the interrupted run's replies are all used: keep them, then
		 * go on writing */
		const struct replies *rp = &s->resume->replies;
		uint64_t keep = rp->n ? rp->v[rp->n - 1].end : rp->header_end;
		char err[600];
		int fd = s->resume->replies_fd;
		s->resume->replies_fd = -1; /* the writer's now, locked */
		if (!(s->replies = replies_writer_reopen(fd, s->resume->replies_path, keep, err, sizeof err))) {
			search_fail(s, err);
			return;
		}
	}
	if (s->replies && replies_writer_put(s->replies, r, s->seq))
		search_fail(s, replies_writer_error(s->replies));
}

static void batch_done(void *ctx, struct request *r)
{
	struct batch *b = ctx;
	struct search *s = b->s;
	if (r->sent)
		b->out--; /* one counted out by batch_may_send */
	record_reply(s, r);
	if (r->status != REQ_CANCELLED) {
		s->usage.requests++;
		enum req_role role = request_role(r);
		if (role == ROLE_PRM || role == ROLE_ORM) {
			s->usage.scorer_calls++;
			s->usage.scorer_tokens += r->gen_tokens; /* a judge's words */
		} else {
			s->usage.gen_tokens += r->gen_tokens;
		}
		s->usage.prompt_tokens += r->prompt_tokens;
		s->usage.estimated |= r->estimated;
	}
	if (r->warning && r->status == REQ_OK) {
		/* it went through, but not as asked: journaled, counted, said */
		struct event ev;
		event_init(&ev, EV_ERROR);
		char msg[700];
		snprintf(msg, sizeof msg, "%s request: %s", req_kind_name(r->kind), r->warning);
		ev.text = msg;
		ev.text_len = strlen(msg);
		ev.reason = "warning";
		ev.id = tree_node(s->tree, r->node) ? r->node : NODE_NONE;
		emit(s, &ev);
		s->warnings++;
		free(s->last_warning);
		s->last_warning = xstrdup(msg);
	}
	if (r->status == REQ_FAILED) {
		struct event ev;
		event_init(&ev, EV_ERROR);
		char msg[512];
		snprintf(msg, sizeof msg, "%s request failed: %s", req_kind_name(r->kind),
			 r->error ? r->error : "unknown error");
		ev.text = msg;
		ev.text_len = strlen(msg);
		ev.id = tree_node(s->tree, r->node) ? r->node : NODE_NONE;
		emit(s, &ev);
		s->errors++;
		free(s->last_error);
		s->last_error = xstrdup(msg);
		if (r->fatal)
			search_fail(s, msg); /* every other request would fail alike */
	}
	b->done(b->ctx, r);
}

/* One role's requests, to the server that plays it. */
static size_t run_role(struct search *s, struct batch *b, struct request *const *reqs, size_t n)
{
	enum req_role role = request_role(reqs[0]);
	if ((role == ROLE_PRM && s->no_prm) || (role == ROLE_ORM && s->no_orm)) {
		/* --prm none / --orm none: nothing is asked, nothing is scored */
		for (size_t i = 0; i < n; i++) {
			request_clear_results(reqs[i]);
			reqs[i]->status = REQ_OK;
		}
		return 0;
	}
	struct backend *be = s->by_role[role];
	b->scoring = role == ROLE_PRM || role == ROLE_ORM;
	if (s->resume && s->resume->next_reply < s->resume->replies.n) {
		/* catching up: the interrupted run's replies answer first */
		struct backend_replies rb;
		backend_replies_init(&rb, be, s->resume);
		size_t sent = backend_run_idle(&rb.base, reqs, n, s->max_inflight, batch_may_send, batch_drop,
					       batch_idle, batch_done, b);
		if (rb.diverged[0])
			search_fail(s, rb.diverged);
		backend_replies_done(&rb);
		return sent;
	}
	return backend_run_idle(be, reqs, n, s->max_inflight, batch_may_send, batch_drop, batch_idle, batch_done,
				b);
}

size_t search_batch(struct search *s, struct request *const *reqs, size_t n,
		    void (*done)(void *ctx, struct request *r), void *ctx)
{
	struct batch b = {.s = s, .done = done, .ctx = ctx};
	size_t sent = 0;
	/* generation, critique and scoring may go to different servers; a
	 * batch is one role in practice, else each run of one role in turn */
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && request_role(reqs[j]) == request_role(reqs[i]))
			j++;
		sent += run_role(s, &b, reqs + i, j - i);
		i = j;
	}
	if (sent)
		emit_usage(s);
	return sent;
}

/* ---- asking, then asking about what came back ---- */

static enum req_role kind_role(enum req_kind k)
{
	struct request r;
	request_init(&r, k);
	return request_role(&r);
}

/* One stage of search_ask_then: its batch (the second's requests grow
 * as the first's replies make nodes) and how search counts it. */
struct stage {
	struct backend_batch bb;
	struct batch b;
	struct request **reqs;
	size_t cap;
};

static void stage_init(struct stage *st, struct backend *be, struct batch b)
{
	memset(st, 0, sizeof *st);
	st->b = b;
	st->bb = (struct backend_batch){.b = be, .may_send = batch_may_send, .drop = batch_drop};
}

void search_ask_then(struct search *s, enum req_kind kind, const int32_t *nodes, const int *counts,
		     const int *tags, const uint32_t *offsets, size_t n, void (*done)(void *ctx, struct request *r),
		     void *ctx, const struct idlist *fresh, enum req_kind then,
		     void (*then_done)(void *ctx, struct request *r))
{
	enum req_role r1 = kind_role(kind), r2 = kind_role(then);
	size_t seen = fresh->n;
	/* one batch after the other where overlapping them could change
	 * what is asked (a request budget counts both), where the replies
	 * come from a journal (they are in that order), or where the second
	 * is never asked */
	int apart = s->budget_requests || search_catching_up(s) ||
		    (s->resume && s->resume->next_reply < s->resume->replies.n) || (r2 == ROLE_PRM && s->no_prm) ||
		    (r2 == ROLE_ORM && s->no_orm) || !s->by_role[r1] || !s->by_role[r2] ||
		    s->state != SEARCH_RUNNING;
	if (apart) {
		search_ask(s, kind, nodes, counts, tags, offsets, n, done, ctx);
		/* (no node made: v may be NULL, and NULL + 0 is no pointer) */
		search_ask(s, then, fresh->n > seen ? fresh->v + seen : NULL, NULL, NULL, NULL, fresh->n - seen,
			   then_done, ctx);
		return;
	}
	struct stage a, b;
	stage_init(&a, s->by_role[r1],
		   (struct batch){.s = s, .done = done, .ctx = ctx, .scoring = r1 == ROLE_PRM || r1 == ROLE_ORM});
	stage_init(&b, s->by_role[r2], (struct batch){.s = s, .done = then_done, .ctx = ctx, .scoring = 1});
	a.bb.ctx = &a.b;
	b.bb.ctx = &b.b;
	struct request *first = make_requests(s, kind, nodes, counts, tags, offsets, n, &a.reqs);
	a.bb.reqs = a.reqs;
	a.bb.n = n;
	struct backend *ab = a.bb.b, *bbe = b.bb.b;
	ab->max_calls = bbe->max_calls = s->max_inflight > 0 ? s->max_inflight : 0;
	int usage_said = 0;
	struct request *r;
	for (;;) {
		backend_batch_send(&a.bb, s->max_inflight, bbe);
		while ((r = backend_batch_next(&a.bb))) {
			batch_done(&a.b, r);
			/* the nodes that reply made are scored now, while the
			 * other steps are still being written */
			for (; seen < fresh->n; seen++) {
				if (b.bb.n == b.cap) {
					b.cap = b.cap ? b.cap * 2 : 16;
					b.reqs = xrealloc(b.reqs, b.cap * sizeof *b.reqs);
				}
				b.reqs[b.bb.n] = xcalloc(1, sizeof **b.reqs);
				search_request(s, b.reqs[b.bb.n++], then, fresh->v[seen]);
			}
			b.bb.reqs = b.reqs;
		}
		backend_batch_cancel_dropped(&a.bb);
		backend_batch_cancel_dropped(&b.bb);
		backend_batch_send(&b.bb, s->max_inflight, ab);
		/* the second's replies are handed on after all of the first's,
		 * in order: the journal is that of one batch after the other */
		int first_over = backend_batch_over(&a.bb);
		if (first_over && !usage_said) {
			/* the running totals, where one batch after the other
			 * journals them */
			if (a.bb.sent)
				emit_usage(s);
			usage_said = 1;
		}
		while (first_over && (r = backend_batch_next(&b.bb)))
			batch_done(&b.b, r);
		if (first_over && backend_batch_over(&b.bb))
			break;
		batch_idle(&a.b);
		if (ab == bbe) {
			ab->ops->poll(ab, 0.1);
		} else {
			/* roles on one curl pool move on together; a wait on one
			 * is a wait on both */
			ab->ops->poll(ab, a.bb.sent > a.bb.delivered ? 0.05 : 0);
			bbe->ops->poll(bbe, b.bb.sent > b.bb.delivered ? 0.05 : 0);
		}
	}
	if (b.bb.sent)
		emit_usage(s);
	for (size_t i = 0; i < n; i++)
		search_request_free(&first[i]);
	for (size_t i = 0; i < b.bb.n; i++) {
		search_request_free(b.reqs[i]);
		free(b.reqs[i]);
	}
	free(first);
	free(a.reqs);
	free(b.reqs);
}

/* ---- recording ---- */

int32_t search_add_node(struct search *s, int32_t parent, enum node_kind kind,
			const char *text, size_t len, uint32_t tokens)
{
	return search_add_node_ex(s, parent, kind, text, len, tokens, 0, -1);
}

/* A node, and the answer a is taken to state (NULL: none). */
static int32_t add_node_answer(struct search *s, int32_t parent, enum node_kind kind, const char *text,
			       size_t len, uint32_t tokens, int action, int round, const char *a)
{
	struct event ev;
	int32_t id = (int32_t)tree_count(s->tree);
	event_node(&ev, id, parent, kind, text, len, tokens, action, round);
	emit(s, &ev);
	if (tree_count(s->tree) != (size_t)id + 1)
		return NODE_NONE;
	if (a) {
		event_answer(&ev, id, a);
		emit(s, &ev);
	}
	return id;
}

int32_t search_add_node_stating(struct search *s, int32_t parent, enum node_kind kind, const char *text,
				size_t len, uint32_t tokens, int action, const char *answer)
{
	return add_node_answer(s, parent, kind, text, len, tokens, action, -1, answer);
}

int32_t search_add_node_ex(struct search *s, int32_t parent, enum node_kind kind,
			   const char *text, size_t len, uint32_t tokens, int action, int round)
{
	char *a = node_kind_states_answer(kind) ? answer_extract(text, len) : NULL;
	int32_t id = add_node_answer(s, parent, kind, text, len, tokens, action, round, a);
	free(a);
	return id;
}

int32_t search_add_steps(struct search *s, int32_t parent, const char *text, uint32_t tokens)
{
	struct step_span *sp;
	size_t n = steps_split(text, strlen(text), &sp);
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += sp[i].n;
	/* share the reported tokens out by length; the sum stays exact */
	uint32_t left = tokens;
	int32_t id = parent;
	for (size_t i = 0; i < n && s->state == SEARCH_RUNNING; i++) {
		uint32_t t = i + 1 == n ? left
				: (uint32_t)((double)tokens * (double)sp[i].n / (double)(total ? total : 1));
		if (t > left)
			t = left;
		left -= t;
		/* the answer a solution states is read from all of it, as canopy
		 * grade reads it: a MATH solution often boxes its answer and goes
		 * on (an [asy] figure, a remark).  It belongs to the last step,
		 * where the solution ends; earlier steps state none of their own. */
		char *a = i + 1 == n ? answer_extract(text, strlen(text)) : NULL;
		id = add_node_answer(s, id, NODE_STEP, sp[i].p, sp[i].n, t, 0, -1, a);
		free(a);
	}
	free(sp);
	return id;
}

void search_prior(struct search *s, int32_t id, double prior)
{
	struct event ev;
	event_init(&ev, EV_SCORE);
	ev.id = id;
	ev.prior = prior;
	emit(s, &ev);
}

void search_score(struct search *s, int32_t id, double prm, double orm)
{
	struct event ev;
	event_score(&ev, id, prm, orm);
	emit(s, &ev);
}

void search_prune(struct search *s, int32_t id, int by_user)
{
	struct event ev;
	event_init(&ev, EV_PRUNE);
	ev.id = id;
	ev.by_user = by_user;
	emit(s, &ev);
}

void search_unit(struct search *s, const char *what)
{
	struct event ev;
	event_unit(&ev, (int64_t)++s->units, what);
	emit(s, &ev);
}

void search_keep(struct search *s, int64_t level, const int32_t *ids, size_t n)
{
	struct event ev;
	event_keep(&ev, level, ids, n);
	emit(s, &ev);
}

void search_vote(struct search *s, const char *chosen, const struct vote_cluster *c, size_t n)
{
	struct event ev;
	event_vote(&ev, chosen, c, n);
	emit(s, &ev);
	/* the heaviest answer, the first of equals: rStar's generator@maj */
	size_t top = vote_winner(c, n, 1);
	free(s->vote_top);
	s->vote_top = n && c[top].answer ? xstrdup(c[top].answer) : NULL;
}

const char *search_vote_top(const struct search *s)
{
	return s->vote_top;
}

int search_reached_gold(const struct search *s)
{
	if (!s->gold)
		return -1;
	for (size_t i = 1; i < tree_count(s->tree); i++) {
		const char *a = tree_node(s->tree, (int32_t)i)->answer;
		if (a && answer_equal(a, s->gold))
			return 1;
	}
	return 0;
}

void search_final(struct search *s, const char *answer, int32_t node, const char *reason)
{
	struct event ev;
	event_final(&ev, answer, node, reason, s->gold);
	emit(s, &ev);
	s->has_final = 1;
	free(s->final_answer);
	s->final_answer = answer ? xstrdup(answer) : NULL;
	s->final_node = node;
	s->final_correct = ev.correct;
}

void search_fail(struct search *s, const char *msg)
{
	if (s->state == SEARCH_FAILED)
		return;
	s->state = SEARCH_FAILED;
	s->t_end = util_now();
	free(s->error);
	s->error = xstrdup(msg);
}
