/* backend: where text and scores come from.  One vtable for every kind
 * (the built-in sim, OpenAI-compatible servers, llama.cpp, Ollama), all
 * asynchronous: submit many requests, poll for the ones that finished. */
#ifndef CANOPY_BACKEND_H
#define CANOPY_BACKEND_H

#include <stddef.h>
#include <stdint.h>

/* The model servers one backend spreads its requests over (--url given
 * again). */
#define BACKEND_MAX_URLS 16

/* What a request asks for.  Generation kinds return texts; scoring kinds
 * return scores.  X(id, name) */
#define REQ_KINDS(X)                      \
	X(STEP, "step")                   \
	X(SOLUTION, "solution")           \
	X(SUBQUESTION, "subquestion")     \
	X(REANSWER, "reanswer")           \
	X(REPHRASE, "rephrase")           \
	X(CRITIQUE, "critique")           \
	X(REFINE, "refine")               \
	X(REVISE, "revise")               \
	X(JUDGE, "judge")                 \
	X(REVIEW, "review")               \
	X(PRM, "prm")                     \
	X(ORM, "orm")

enum req_kind {
#define X(id, name) REQ_##id,
	REQ_KINDS(X)
#undef X
	REQ_KIND_COUNT
};

enum req_status { REQ_PENDING, REQ_OK, REQ_FAILED, REQ_CANCELLED };

/* Who answers a request: the actor writes the reasoning; the critic
 * critiques, reviews and judges it; rStar's discriminator checks a
 * trajectory by completing it; the PRM and ORM score.  Each role may be a
 * different server. */
enum req_role { ROLE_AUTO, ROLE_ACTOR, ROLE_CRITIC, ROLE_DISC, ROLE_PRM, ROLE_ORM, ROLE_COUNT };

struct request {
	/* what to do */
	enum req_kind kind;
	const char *problem;
	const char *const *steps; /* the path so far, after the problem */
	size_t nsteps;
	const char *feedback; /* the critique a refinement answers */
	const double *step_scores; /* review: the PRM's score of each step */
	int self;             /* critique: the actor critiques itself */
	int logprobs;         /* generation: say how likely each text was */
	enum req_role role;   /* ROLE_AUTO: from the kind */
	int n;                /* samples wanted */
	double temperature, top_p;
	int max_tokens;
	uint64_t seed;
	uint32_t sample_offset; /* samples already drawn for this prompt */
	/* the caller's */
	int32_t node;
	int tag;
	/* results */
	enum req_status status;
	int sent; /* it went to the backend (not dropped before sending) */
	int replayed; /* answered from a resumed run's recorded reply */
	int fatal; /* failed in a way every request would (bad model, bad key,
		      dead server): the run stops */
	char *error;
	char *warning; /* went through, but the user should know (a prompt the
			  server cut, tokens without a log-probability) */
	char **texts;
	uint32_t *tokens;
	double *lps;  /* by text: mean log-probability a token (NAN: unknown), when asked */
	size_t ntexts;
	double *scores;
	size_t nscores;
	uint32_t prompt_tokens, gen_tokens;
	int estimated;
	/* the backend's */
	double due;
	uint64_t order;
};

struct backend;

struct backend_ops {
	const char *name;
	int (*submit)(struct backend *b, struct request *r);
	/* Waits up to timeout seconds; returns how many requests finished. */
	int (*poll)(struct backend *b, double timeout);
	void (*cancel)(struct backend *b, struct request *r);
	void (*destroy)(struct backend *b);
};

struct backend {
	const struct backend_ops *ops;
	const char *kind, *url, *model; /* for the trace header; never a key */
	int inflight;
	/* at most this many calls at the servers at once (0: no limit):
	 * --max-inflight, set by backend_run for its batch.  A request of n
	 * samples that a server takes one a call counts n. */
	int max_calls;
	/* calls waiting to be tried again (a 5xx, a dropped connection, a
	 * full KV cache), and what the last of them met; kept by poll */
	int retrying;
	char retry_why[240];
	void *priv;
};

const char *req_kind_name(enum req_kind k);
/* Sets r's warning (the first one stays: it is what happened first). */
void request_warn(struct request *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The role that answers r: its own, or the one its kind implies. */
enum req_role request_role(const struct request *r);
void request_init(struct request *r, enum req_kind kind);
void request_clear_results(struct request *r);

/* Runs a batch to completion.  Results are handed to done() in request
 * order, each as soon as it and every earlier request have finished, so
 * the event order of a seeded run does not depend on timing.
 * max_inflight bounds the requests out at once (0: all); before sending
 * each request, may_send() (if given) says 1 (send it), 0 (stop the
 * batch: the budget is spent) or -1 (not yet: ask again when a request out
 * comes back; only while some are out).
 * Returns the number of requests that were sent. */
size_t backend_run(struct backend *b, struct request *const *reqs, size_t n, int max_inflight,
		   int (*may_send)(void *ctx), void (*done)(void *ctx, struct request *r),
		   void *ctx);
/* The same; drop(), when given, is asked before each request is sent and
 * about each request in flight at every poll: a request it drops is not
 * sent, or is cancelled, and reaches done() as REQ_CANCELLED. */
size_t backend_run_drop(struct backend *b, struct request *const *reqs, size_t n, int max_inflight,
			int (*may_send)(void *ctx), int (*drop)(void *ctx, const struct request *r),
			void (*done)(void *ctx, struct request *r), void *ctx);
/* One batch of requests to one backend, moved on a step at a time: what
 * backend_run_idle runs to its end, and what search_ask_then moves on
 * two of, side by side.  The callbacks are backend_run_drop's. */
struct backend_batch {
	struct backend *b;
	struct request *const *reqs;
	size_t n, sent, delivered;
	int stopped; /* may_send() said no: nothing more goes */
	int (*may_send)(void *ctx);
	int (*drop)(void *ctx, const struct request *r);
	void *ctx;
};
/* Sends what may go now, while fewer than max_inflight (0: no limit) are
 * out at bb's backend and other's (NULL, or the same: none more). */
void backend_batch_send(struct backend_batch *bb, int max_inflight, const struct backend *other);
/* Cancels what drop() now says is not worth waiting for. */
void backend_batch_cancel_dropped(struct backend_batch *bb);
/* The next request, in order, once it and every earlier one finished;
 * NULL when it has not. */
struct request *backend_batch_next(struct backend_batch *bb);
/* Whether everything sent was handed on and nothing more will go. */
int backend_batch_over(const struct backend_batch *bb);

/* The same, calling idle(ctx) before each wait for the backend. */
size_t backend_run_idle(struct backend *b, struct request *const *reqs, size_t n, int max_inflight,
			int (*may_send)(void *ctx), int (*drop)(void *ctx, const struct request *r),
			void (*idle)(void *ctx), void (*done)(void *ctx, struct request *r), void *ctx);
void backend_free(struct backend *b);

#endif
