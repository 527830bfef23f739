/* model: what the front-end knows about a search.  Live or replayed, it
 * is built the same way, by applying events; on top of the tree it keeps
 * what the views need: folds, when each node arrived (to flash new ones),
 * and the latest vote, final answer, usage and verdict. */
#ifndef CANOPY_UI_MODEL_H
#define CANOPY_UI_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "evindex.h"
#include "evstore.h"
#include "header.h"
#include "replay.h"
#include "why.h"
#include "tree.h"
#include "util.h"
#include "worker.h"

struct model {
	int live;
	struct tree *tree; /* live: the model's own; replay: the cursor's */
	struct replay *replay;
	struct search *search; /* live: run by worker, never touched here */
	struct worker *worker;
	const char *journal;   /* the trace: where a live run writes its events, or the replayed file */
	/* from the header */
	char *problem, *gold, *strategy, *params, *backend;
	uint32_t params_changed; /* by P_ id: changed by a set event since the start */
	char *imported_from; /* the tool an imported trace came from, or NULL */
	uint64_t budget_tokens, budget_requests; /* 0: none */
	/* per node */
	unsigned char *folded;
	double *born;
	size_t cap;
	/* summaries */
	/* the latest of each, typed; empty (held 0) when none yet */
	struct event_hold vote, final, difficulty;
	struct usage usage;
	char unit[32];
	uint64_t unit_n; /* the latest unit's number among its kind's, from 1 */
	struct {
		char what[32];
		uint64_t n;
	} whats[16]; /* live: how many units of each kind so far */
	size_t nwhats;
	uint64_t events;
	double last_t;
	struct event_scratch sc;
	/* every event so far and the events under each node, for the why
	 * (a replay's are its cursor's), and the trace's header */
	struct evstore store;
	struct evindex index;
	struct trace_header header;
	int has_header;
	struct event_scratch why_sc;
	/* right/wrong labels against the gold (calib.c), computed when asked
	 * for and kept until the tree changes */
	signed char *labels;
	size_t labels_count, labels_events;
	int labels_valid;
	/* replay playback */
	int playing;
	double speed; /* events a second */
	double play_clock; /* when playback last took its events (set on play) */
	double play_debt;
};

/* Live: the model reads the header facts from the search's config. */
void model_init_live(struct model *m, struct search *s, struct worker *w, const char *journal,
		     const char *problem, const char *gold, const char *strategy, const char *params,
		     const char *backend);
/* Replay: the cursor at its end. */
void model_init_replay(struct model *m, struct replay *r);
void model_free(struct model *m);

/* Live: applies journal lines taken from the worker.  Returns how many
 * events were applied, or -1 (message in err) on a line that fails. */
long model_apply_lines(struct model *m, const char *lines, size_t len, char *err, size_t errlen);
/* Replay: moves the cursor and brings the summaries up to date. */
int model_seek(struct model *m, size_t pos, char *err, size_t errlen);

/* The score by which nodes are compared: Q/N for MCTS, else the PRM's,
 * else the ORM's; NAN when none. */
double model_score(const struct node *n);
int model_is_folded(const struct model *m, int32_t id);
void model_set_folded(struct model *m, int32_t id, int folded);
double model_born(const struct model *m, int32_t id);
/* The parameters as the set events up to the cursor left them: rebuilds
 * params and params_changed (a live run's header read from its journal). */
void model_params_now(struct model *m);
/* The trace's header (a live run's read from its journal), or NULL. */
const struct trace_header *model_header(struct model *m);
/* The why of node id at the cursor (why.c): one line a decision. */
void model_why(struct model *m, int32_t id, int full, struct strbuf *out);

/* Each node's label against the gold (calib_labels), or NULL without a
 * gold answer.  Walks the tree when it changed since the last call. */
const signed char *model_labels(struct model *m);
/* The node's latest verdict in a few words (why_verdict_short). */
int model_verdict(struct model *m, int32_t id, char *buf, size_t len);
/* The MCTS rollout at the cursor (why_rollout). */
size_t model_rollout(struct model *m, int32_t *path, size_t max, struct why_rollout_info *info);

/* The highest-scoring node that states an answer (else the highest-scoring
 * node), not pruned; NODE_NONE when none is scored.  Walks the tree. */
int32_t model_best(const struct model *m);

#endif
