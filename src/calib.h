/* calib: the PRM held against the gold answer.  A trace knows only
 * whether each stated answer is right; a step is labelled from the
 * answers below it (ours, the Math-Shepherd rule: right when some answer
 * reached through it is right, wrong when answers were reached and none
 * is, unknown otherwise).  From the labels: PRM inversions (a wrong step
 * scored above a right sibling), histograms of scores for right and wrong
 * steps and solutions, and the AUC. */
#ifndef CANOPY_CALIB_H
#define CANOPY_CALIB_H

#include <stddef.h>
#include <stdint.h>

#include "tree.h"

/* +1 right, -1 wrong, 0 unknown, one a node (label[0] is the problem's). */
void calib_labels(const struct tree *t, const char *gold, signed char *label);
/* Whether id is an inversion: labelled wrong, scored by the PRM above a
 * sibling labelled right.  *over gets that sibling (the lowest-scored
 * such) when it is. */
int calib_inversion(const struct tree *t, const signed char *label, int32_t id, int32_t *over);

#define CALIB_BINS 10
struct calib_hist {
	size_t right[CALIB_BINS], wrong[CALIB_BINS];
	size_t nright, nwrong;
	double auc; /* P(a right one scores above a wrong one), ties half; NAN without both */
};
/* Steps (non-answer nodes with a PRM score) and solutions (answer nodes:
 * their PRM, and their ORM) by label. */
void calib_steps(const struct tree *t, const signed char *label, struct calib_hist *prm);
void calib_solutions(const struct tree *t, const signed char *label, struct calib_hist *prm, struct calib_hist *orm);

/* Solutions' scores pooled over many searches (canopy bench's verifier
 * line): [0] the PRM's score of each answer node, [1] the ORM's. */
struct calib_pool {
	double *v[2];
	signed char *right[2];
	size_t n[2], cap[2];
};
/* Adds a finished search's solutions, labelled against gold. */
void calib_pool_add(struct calib_pool *p, const struct tree *t, const char *gold);
/* The pooled AUC of the PRM (which 0) or ORM (1), NAN without right and
 * wrong ones; *nright and *nwrong how many of each. */
double calib_pool_auc(const struct calib_pool *p, int which, size_t *nright, size_t *nwrong);
void calib_pool_free(struct calib_pool *p);
/* The two-sided exact sign test: the chance, under a fair coin, of a
 * split of a + b at least as uneven as a to b (1 when a + b is 0). */
double calib_sign_test(unsigned a, unsigned b);
/* The mean and the population deviation (numpy's mean and std, as
 * MAgICoRe's refine.py normalises rewards by them); 0 and 0 for none. */
void calib_mean_sd(const double *x, size_t n, double *mean, double *sd);

/* When leaf's answer is wrong: the first node on the path to it with a
 * sibling that was pruned though labelled right and scored above it, the
 * place the search lost the right answer.  NODE_NONE when there is none
 * (or the answer is right); *alt gets the sibling. */
int32_t calib_lost_at(const struct tree *t, const signed char *label, int32_t leaf, int32_t *alt);

#endif
