/* mcts_int: what the MCTS family's files share (strategy_mcts.c runs the
 * search; rstar_disc.c is rStar's discriminator). */
#ifndef CANOPY_MCTS_INT_H
#define CANOPY_MCTS_INT_H

#include "idlist.h"
#include "search.h"
#include "util.h"

struct mcts {
	struct search *s;
	int rstar;
	int puct;
	int reasoners; /* mcts with llm-reasoners' rule (--mcts-rule reasoners) */
	double *lp; /* puct: mean token log-probability by node id (NAN: unknown) */
	int said_uniform;
	unsigned char *expanded; /* by node id */
	double *conf;            /* rstar: confidence by node id */
	size_t cap;
	int rollouts;
	int closed; /* stopped early: the tree was fully expanded */
	int32_t focus;
	int discriminated;
	struct rng rng;
	struct idlist fresh;
	struct idlist ends; /* rstar: where each rollout ended */
	struct pending {
		char *text;
		uint32_t tokens;
	} *pend; /* rstar: A3's sub-questions awaiting their sub-answers' vote */
	size_t npend;
};

static inline const struct tree *T(const struct mcts *m) { return search_tree(m->s); }

/* The nodes that state an answer, were visited and are not pruned, in id
 * order: the candidates. */
void mcts_collect_terminals(const struct mcts *m, struct idlist *out);
/* rStar's mutual-consistency check of every candidate (one unit). */
void rstar_discriminate(struct mcts *m);

#endif
