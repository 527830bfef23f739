/* calib: labels from the answers below, inversions, the AUC, and where
 * the chosen path passed by a better answer, on a tree worked by hand. */
#include <math.h>
#include <string.h>

#include "calib.h"
#include "tap.h"
#include "tree.h"

int main(void)
{
	struct tree *t = tree_new();
	tree_add(t, NODE_NONE, NODE_PROBLEM, "p", 1);
	int32_t a = tree_add(t, 0, NODE_STEP, "a", 1);  /* 1: leads only to a wrong answer */
	int32_t b = tree_add(t, 0, NODE_STEP, "b", 1);  /* 2: leads to the right one */
	int32_t a1 = tree_add(t, a, NODE_STEP, "a1", 2); /* 3: answer 5, wrong */
	int32_t b1 = tree_add(t, b, NODE_STEP, "b1", 2); /* 4: answer 7, right */
	int32_t c = tree_add(t, 0, NODE_STEP, "b", 1);  /* 5: b's text on the same path, pruned */
	int32_t d = tree_add(t, 0, NODE_STEP, "d", 1);  /* 6: nothing below it */
	tree_node(t, a)->prm = 0.9f;
	tree_node(t, b)->prm = 0.4f;
	tree_node(t, a1)->prm = 0.8f;
	tree_node(t, b1)->prm = 0.6f;
	tree_node(t, c)->prm = 0.95f;
	tree_node(t, d)->prm = 0.5f;
	tree_set_answer(t, a1, "5");
	tree_set_answer(t, b1, "7");
	tree_prune(t, c);
	signed char lab[8];
	calib_labels(t, "7", lab);
	ok(lab[a1] == -1 && lab[b1] == 1, "answers are labelled by the gold");
	ok(lab[a] == -1 && lab[b] == 1 && lab[0] == 1, "steps by the answers below them");
	is_int(lab[c], 1, "a step with a labelled step's path, text for text, shares its label");
	is_int(lab[d], 0, "a step with no answer below is unknown");
	int32_t over = NODE_NONE;
	ok(calib_inversion(t, lab, a, &over) && over == b, "the wrong #1 scored above its right sibling #2 is an inversion");
	ok(!calib_inversion(t, lab, b, NULL) && !calib_inversion(t, lab, d, NULL), "right and unknown steps are not");
	struct calib_hist st, sp, so;
	calib_steps(t, lab, &st);
	/* right .4 and .95 against wrong .9: one pair won, one lost */
	ok(st.nright == 2 && st.nwrong == 1 && fabs(st.auc - 0.5) < 1e-12, "steps' AUC by hand: 0.5 (%g)", st.auc);
	ok(st.right[4] == 1 && st.right[9] == 1 && st.wrong[9] == 1, "and their histogram bins");
	calib_solutions(t, lab, &sp, &so);
	ok(sp.nright == 1 && sp.nwrong == 1 && sp.auc == 0, "solutions' AUC: the right one scored lower, 0");
	ok(so.nright == 0 && isnan(so.auc), "no ORM scores: no ORM AUC");
	int32_t alt = NODE_NONE;
	is_int(calib_lost_at(t, lab, a1, &alt), a, "the path to the wrong answer first passed a better one at #1");
	is_int(alt, c, "which was the pruned #5, right and scored 0.95 over 0.9");
	is_int(calib_lost_at(t, lab, b1, &alt), NODE_NONE, "the path to the right answer lost nothing");
	/* ties count half */
	tree_node(t, c)->prm = 0.9f;
	tree_node(t, b)->prm = 0.9f;
	calib_steps(t, lab, &st);
	ok(fabs(st.auc - 0.5) < 1e-12, "ties with the wrong one count half each (%g)", st.auc);
	/* pooled over searches (bench): this tree's solutions (right .6,
	 * wrong .8) and another's (right .9 and .7, wrong .5): right above
	 * wrong in 4 of 6 pairs */
	struct calib_pool pool = {0};
	calib_pool_add(&pool, t, "7");
	tree_node(t, a1)->prm = 0.5f;
	tree_node(t, b1)->prm = 0.9f;
	int32_t e1 = tree_add(t, b, NODE_STEP, "b2", 2);
	tree_node(t, e1)->prm = 0.7f;
	tree_node(t, e1)->orm = 0.3f;
	tree_set_answer(t, e1, "7.0");
	calib_pool_add(&pool, t, "7");
	size_t nr, nw;
	double pa = calib_pool_auc(&pool, 0, &nr, &nw);
	ok(nr == 3 && nw == 2 && fabs(pa - 4.0 / 6.0) < 1e-12, "pooled PRM AUC by hand: 4 of 6 pairs (%g; %zu right, %zu wrong)",
	   pa, nr, nw);
	ok(isnan(calib_pool_auc(&pool, 1, &nr, &nw)) && nr == 1 && nw == 0, "one ORM score, no wrong one: no ORM AUC");
	calib_pool_free(&pool);
	/* the sign test, by hand: 2 P(X <= k), X ~ Bin(a + b, 1/2) */
	ok(fabs(calib_sign_test(0, 5) - 0.0625) < 1e-12, "sign test 0 to 5: p = 2/32");
	ok(fabs(calib_sign_test(9, 1) - 22.0 / 1024) < 1e-12, "9 to 1: p = 2 x 11/1024");
	ok(fabs(calib_sign_test(4, 31) - 3.4654513e-06) < 1e-12, "4 to 31: p = 3.47e-06");
	{
		/* numpy: np.mean([1, 2, 4, 9]) = 4, np.std(...) = sqrt(9.5) */
		const double x[] = {1, 2, 4, 9};
		double mu, sd;
		calib_mean_sd(x, 4, &mu, &sd);
		ok(mu == 4 && fabs(sd - sqrt(9.5)) < 1e-12, "mean 4, population deviation sqrt(9.5), as np.std");
		calib_mean_sd(x, 0, &mu, &sd);
		ok(mu == 0 && sd == 0, "none: 0 and 0");
	}
	ok(calib_sign_test(5, 5) == 1 && calib_sign_test(0, 0) == 1, "an even split, or none: p = 1");
	calib_labels(t, NULL, lab);
	ok(!lab[0] && !lab[a1], "no gold: nothing labelled");
	tree_free(t);
	return tap_done();
}
