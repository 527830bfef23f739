/* why: every decision the journal records about a node, in words, with
 * the formula written out and its numbers filled in from the journal.
 * The UI's detail and Why panes and `canopy trace --why` print these
 * lines; nothing here draws, and every number comes from an event (or,
 * where said so, is recomputed from journaled ones). */
#ifndef CANOPY_WHY_H
#define CANOPY_WHY_H

#include <stddef.h>

#include "evindex.h"
#include "evstore.h"
#include "header.h"
#include "tree.h"

struct why_ctx {
	const struct evstore *store;
	const struct evindex *index;
	const struct tree *tree;     /* as it is at pos */
	const struct trace_header *header;
	size_t pos;                  /* events applied: those numbered below it count */
	struct event_scratch *sc;    /* for unpacking */
};

/* Appends the why of node id, one decision a line (newline-ended), oldest
 * first.  full: every selection and backup of an MCTS node, else the
 * latest of each with their count. */
void why_node(const struct why_ctx *c, int32_t id, int full, struct strbuf *out);
/* The search's answer and its reason as a final event gives it ("answer
 * 62 (right): best finished candidate: PRM 0.837", "no answer: no
 * candidate finished ..."). */
void why_final(const struct event *final, struct strbuf *out);
/* The latest critique, review or discriminator verdict on the node, in a
 * few words ("step 3 wrong", "correct", "kept 3/4"); 0 when none. */
int why_verdict_short(const struct why_ctx *c, int32_t id, char *buf, size_t len);
/* The MCTS rollout under way at pos (the latest "rollout" unit): the path
 * its backup went through, root first (at most max written, the length
 * returned; 0 when the latest unit is no rollout or has not backed up). */
struct why_rollout_info {
	uint32_t nth;           /* its number among rollouts */
	int32_t leaf, first_new; /* where it ended; the first node it expanded */
	size_t expanded, selected;
	double reward, value;   /* backed up; the leaf's Q after */
	unsigned visits;        /* the leaf's N after */
	size_t backup_at;
};
size_t why_rollout(const struct why_ctx *c, int32_t *path, size_t max, struct why_rollout_info *info);
/* What a vote cluster's weight sums for the trace's strategy ("one a
 * vote", "\xCE\xA3 ORM + PRM of its solutions"). */
const char *why_weight_meaning(const struct trace_header *h);
/* The parameters in force at pos: the header's, then the set events. */
void why_params(const struct why_ctx *c, struct params *p);

#endif
