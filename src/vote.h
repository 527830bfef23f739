/* vote: grouping answers into clusters (see vote.c). */
#ifndef CANOPY_VOTE_H
#define CANOPY_VOTE_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "tree.h"

/* Groups the answers of the given terminal nodes into clusters by
 * equivalence, in order of first appearance; weight[i] is added to its
 * cluster's weight.  The caller frees with vote_free. */
size_t vote_clusters(const struct tree *t, const int32_t *nodes, const double *weight, size_t n,
		     struct vote_cluster **out);
/* The same, also writing each input's cluster (SIZE_MAX: no answer) to
 * assign[i]. */
size_t vote_clusters_assign(const struct tree *t, const int32_t *nodes, const double *weight,
			    size_t n, struct vote_cluster **out, size_t *assign);
void vote_free(struct vote_cluster *c, size_t n);
/* The index of the first of the answers most of them equal (ties to the
 * first to appear, as Python's Counter.most_common and max keep it; NULL
 * answers agree with none); *count how many give it (may be NULL). */
size_t vote_majority(const char *const *answers, size_t n, size_t *count);
/* The index of the cluster with the largest count (by_weight: weight);
 * ties go to the first. */
size_t vote_winner(const struct vote_cluster *c, size_t n, int by_weight);

#endif
