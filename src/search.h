/* search: one running search.  It owns the tree, the journal and the
 * budget; a strategy decides what to ask the backend, and every decision
 * becomes an event that is applied to the tree, written to the journal and
 * shown to whoever listens, in that order. */
#ifndef CANOPY_SEARCH_H
#define CANOPY_SEARCH_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "backend.h"
#include "event.h"
#include "params.h"
#include "resume.h"
#include "strategy.h"
#include "tree.h"
#include "vote.h"

struct search_config {
	const struct strategy_ops *strategy;
	struct params params;
	const char *problem;
	const char *gold; /* NULL when unknown; never used to choose */
	uint64_t seed;
	uint64_t budget_tokens;   /* generated tokens, 0: none */
	uint64_t budget_requests; /* 0: none */
	int max_inflight;         /* 0: no limit */
	struct backend *backend;  /* generation: the actor */
	struct backend *scorer;   /* PRM (and ORM) scores; NULL: the actor */
	struct backend *orm;      /* ORM scores; NULL: the scorer */
	struct backend *critic;   /* critiques, reviews, judgements; NULL: the actor */
	struct backend *disc;     /* rStar's discriminator; NULL: the actor */
	int no_scores;            /* --prm none: PRM requests get no score */
	int no_orm;               /* --orm none (with orm unset: follows no_scores) */
	const struct header_backend *backend_hdr; /* the header's servers; NULL: the backend's name */
	const char *trace_path;   /* NULL: no journal (nor replies) */
	struct resume *resume;    /* an interrupted run to catch up with (its
				     trace_path); the caller's, kept until
				     search_free */
};

enum search_state { SEARCH_READY, SEARCH_RUNNING, SEARCH_DONE, SEARCH_FAILED };

typedef void (*search_listener)(void *ctx, const struct search *s, const struct event *ev);

struct search;

/* The search a journal's header describes, in cfg: its strategy, every
 * parameter of it, the problem, the seed, the budgets and max_inflight
 * (pointing into h).  The servers and the journal are the caller's to
 * add.  -1 with "PATH:1: ..." when the strategy is unknown or a
 * parameter of it is missing. */
int search_config_from_header(struct search_config *cfg, const struct trace_header *h, const char *path,
			      char *err, size_t errlen);

/* Creates the search and writes the journal header.  NULL with a message
 * on failure. */
struct search *search_new(const struct search_config *cfg, char *err, size_t errlen);
void search_set_listener(struct search *s, search_listener fn, void *ctx);
/* One unit of work; at the end (or when the budget is spent) the strategy
 * chooses its answer.  Returns 1 while there is more to do. */
int search_step(struct search *s);
/* Runs to the end; 0 on success, -1 when the search failed. */
int search_run(struct search *s);
int search_command(struct search *s, const struct command *c, char *err, size_t errlen);
/* From any thread: stop as soon as possible (nothing more is sent, what
 * is in flight is cancelled, no final answer is chosen). */
void search_abort(struct search *s);
int search_aborted(const struct search *s);
/* Called on the search's thread while a batch waits for its backend, so
 * that a worker can apply a prune (and cancel its requests) at once. */
void search_set_idle(struct search *s, void (*fn)(void *ctx), void *ctx);
void search_free(struct search *s);
/* A resumed search still re-executing what its journal holds (the user's
 * commands wait until it has caught up). */
int search_catching_up(const struct search *s);

/* ---- state, for strategies and front-ends ---- */
struct tree *search_tree(const struct search *s);
const struct params *search_params(const struct search *s);
const struct usage *search_usage(const struct search *s);
enum search_state search_state(const struct search *s);
const char *search_error(const struct search *s); /* why it failed */
const char *search_trace_path(const struct search *s);
const char *search_final_answer(const struct search *s);
int search_final_correct(const struct search *s); /* -1 unknown */
int32_t search_final_node(const struct search *s);
/* The last vote's heaviest answer (NULL: no vote); for rStar, the
 * generator's majority beside the discriminator's final. */
const char *search_vote_top(const struct search *s);
/* Whether any answer the search reached is the gold one (pass@k, the
 * run's coverage); -1 without a gold answer. */
int search_reached_gold(const struct search *s);
uint64_t search_units(const struct search *s);
double search_elapsed(const struct search *s);
const char *search_problem(const struct search *s);
uint64_t search_seed(const struct search *s);
const struct strategy_ops *search_strategy(const struct search *s);
int search_budget_left(const struct search *s);
/* The budget, 0 when none (tokens, requests). */
uint64_t search_budget_tokens(const struct search *s);
uint64_t search_budget_requests(const struct search *s);
/* Requests out at the generation and scoring backends now. */
int search_inflight(const struct search *s);
/* Requests that failed, and the last one's message (NULL when none). */
uint64_t search_errors(const struct search *s);
const char *search_last_error(const struct search *s);
/* Replies that went through with a warning (a prompt the server cut). */
uint64_t search_warnings(const struct search *s);
/* Calls waiting to be tried again now, over every role's server, and
 * what the last of them met (why: "" when none). */
int search_retrying(const struct search *s, char *why, size_t len);
const char *search_last_warning(const struct search *s);

/* ---- for strategies: asking ---- */
/* A request about node: its path, the run's seed and sampling params. */
void search_request(struct search *s, struct request *r, enum req_kind kind, int32_t node);
/* Runs a batch (concurrently, within the budget); results reach done() in
 * request order.  Failed requests leave an error event and reach done()
 * with status REQ_FAILED.  Returns the number sent. */
size_t search_batch(struct search *s, struct request *const *reqs, size_t n,
		    void (*done)(void *ctx, struct request *r), void *ctx);
void search_request_free(struct request *r);
/* A request about one node's whole text (a solution, an attempt): its
 * lines are the steps, the path above it left out; freed with
 * search_request_whole_free. */
void search_request_whole(struct search *s, struct request *r, enum req_kind kind, int32_t node);
void search_request_whole_free(struct request *r);
/* One request of kind about each node (counts[i] samples when counts is
 * given, tags[i] and offsets[i] likewise), run as one batch. */
void search_ask(struct search *s, enum req_kind kind, const int32_t *nodes, const int *counts,
		const int *tags, const uint32_t *offsets, size_t n,
		void (*done)(void *ctx, struct request *r), void *ctx);

/* As search_ask, and as each of those replies is handed to done(), a
 * request of kind then about each node done() appended to fresh since:
 * sent at once, so a server scores one step while it still writes the
 * others, but handed to then_done() only after every reply of the first
 * kind, in order, so the journal is the same as asking one batch after
 * the other (which it does under a request budget, or while a resume
 * replays journaled replies). */
struct idlist;
void search_ask_then(struct search *s, enum req_kind kind, const int32_t *nodes, const int *counts,
		     const int *tags, const uint32_t *offsets, size_t n, void (*done)(void *ctx, struct request *r),
		     void *ctx, const struct idlist *fresh, enum req_kind then,
		     void (*then_done)(void *ctx, struct request *r));

/* ---- for strategies: recording ---- */
/* Stamps, applies, journals and announces any prepared event. */
void search_emit(struct search *s, struct event *ev);
int32_t search_add_node(struct search *s, int32_t parent, enum node_kind kind,
			const char *text, size_t len, uint32_t tokens);
/* The same, with an rStar action (1-5, 0 none) and a round (-1 none). */
int32_t search_add_node_ex(struct search *s, int32_t parent, enum node_kind kind,
			   const char *text, size_t len, uint32_t tokens, int action, int round);
/* A node that states answer (NULL: none, whatever its text says; rStar's
 * one-step thoughts are not solutions until A2 answers from them). */
int32_t search_add_node_stating(struct search *s, int32_t parent, enum node_kind kind, const char *text,
				size_t len, uint32_t tokens, int action, const char *answer);
/* Splits a generated text into steps (blank lines or "Step k:" markers),
 * adds them as a chain under parent, records an answer the last one
 * states.  Returns the last node. */
int32_t search_add_steps(struct search *s, int32_t parent, const char *text, uint32_t tokens);
void search_score(struct search *s, int32_t id, double prm, double orm);
/* PUCT's prior of a node among its siblings. */
void search_prior(struct search *s, int32_t id, double prior);
void search_prune(struct search *s, int32_t id, int by_user);
void search_unit(struct search *s, const char *what);
void search_keep(struct search *s, int64_t level, const int32_t *ids, size_t n);
void search_vote(struct search *s, const char *chosen, const struct vote_cluster *c, size_t n);
void search_final(struct search *s, const char *answer, int32_t node, const char *reason);
void search_fail(struct search *s, const char *msg);

#endif
