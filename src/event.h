/* event: what a search did, one fact at a time.  The worker emits events,
 * the journal stores them one JSON object a line, and the tree (the
 * engine's, the UI's, a replay's) is only ever changed by applying them. */
#ifndef CANOPY_EVENT_H
#define CANOPY_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "tree.h"
#include "util.h"

/* X-macro: event type, its name in the trace, a one-line meaning (used by
 * `canopy check --events` and kept in step with man/canopy-trace.5). */
#define EVENT_TYPES(X)                                                      \
	X(NODE, "node", "a node was created")                               \
	X(SCORE, "score", "a node got a PRM and/or ORM score")              \
	X(STATS, "stats", "visits and value after a backpropagation")       \
	X(PRUNE, "prune", "a subtree left the search")                      \
	X(ANSWER, "answer", "a node states a final answer")                 \
	X(FINAL, "final", "the search chose its answer")                    \
	X(USAGE, "usage", "running totals of tokens and requests")          \
	X(ERROR, "error", "a backend request failed")                       \
	X(UNIT, "unit", "a unit of work began (level, rollout, round)")     \
	X(KEEP, "keep", "the nodes that survived a selection")              \
	X(VOTE, "vote", "the answer clusters of a vote")                    \
	X(CMD, "cmd", "a command (expand, focus, step, pause, resume)")     \
	X(SET, "set", "a parameter changed")                                \
	X(ALLOC, "alloc", "REBASE allotted children to a node")             \
	X(SELECT, "select", "MCTS selection descended into a node")         \
	X(VERDICT, "verdict", "a judgement, with the numbers behind it")

enum ev_type {
#define X(id, name, doc) EV_##id,
	EVENT_TYPES(X)
#undef X
	EV_COUNT
};

struct usage {
	uint64_t gen_tokens, prompt_tokens;
	uint64_t requests, scorer_calls;
	int estimated; /* some token counts were estimated, not reported */
};

struct vote_cluster {
	const char *answer;
	uint32_t count;
	double weight;
	const int32_t *nodes;
	size_t nnodes;
};

/* One event.  Fields a type does not use stay at their "absent" values
 * (see event_init): NODE_NONE ids, NAN numbers, NULL strings. */
struct event {
	enum ev_type type;
	uint64_t seq;
	double t;
	int32_t id, parent;
	enum node_kind kind;
	int action, round;
	const char *text; /* node text, error message, cmd name */
	size_t text_len;
	const char *answer; /* answer, final */
	const char *reason; /* final reason, unit "what", set value */
	const char *param;  /* set */
	const char *label;  /* verdict: what was decided */
	const char *const *keys; /* verdict: named numbers behind it */
	const double *vals;
	size_t nvals;
	double prm, orm, value, uct;
	double prior; /* score: PUCT's prior of the node among its siblings */
	uint32_t visits, tokens;
	int64_t n;   /* unit number, cmd count, keep level */
	int by_user; /* prune, cmd, set */
	int correct; /* final: -1 unknown */
	struct usage usage;
	const int32_t *ids; /* keep */
	size_t nids;
	const struct vote_cluster *clusters; /* vote */
	size_t nclusters;
};

void event_init(struct event *ev, enum ev_type type);
const char *event_type_name(enum ev_type t);
const char *event_type_doc(enum ev_type t);
int event_type_parse(const char *s, size_t len);

/* Rounds the scores, value and UCT of ev to 6 significant digits; the
 * search does this before applying an event, so a live tree and its
 * replay hold the same numbers. */
void event_round(struct event *ev);
/* Appends ev as one JSON line (with its newline). */
void event_format(struct strbuf *sb, const struct event *ev);

/* Storage that a decoded event's strings and arrays point into; reused
 * from line to line so decoding allocates nothing in the steady state. */
struct event_scratch {
	struct strbuf text, answer, reason, param;
	int32_t *ids;
	size_t ids_cap;
	struct vote_cluster *clusters;
	size_t clusters_cap;
	struct strbuf cluster_text; /* answers of clusters, NUL-separated */
	struct strbuf label;
	char **keys; /* verdict values */
	double *vals;
	size_t nvals_cap;
};

void event_scratch_free(struct event_scratch *sc);
/* Decodes one JSON line.  Returns 0, or -1 with a message in err. */
int event_parse(const char *line, size_t len, struct event *ev,
		struct event_scratch *sc, char *err, size_t errlen);

/* Applies ev to the tree after checking it refers only to nodes that
 * exist.  Returns 0, or -1 with a message in err (tree unchanged). */
int event_apply(struct tree *t, const struct event *ev, char *err, size_t errlen);

#endif
