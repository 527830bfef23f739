/* testing: functions the engine uses inside one module, exposed only so
 * that the unit tests can check their rules with numbers worked out by
 * hand (tests/unit/test_strategies.c).  Declared once, here, so a test and
 * the code it checks cannot disagree on a signature; nothing but the
 * module that defines each and the tests includes this header. */
#ifndef CANOPY_TESTING_H
#define CANOPY_TESTING_H

#include <stddef.h>
#include <stdint.h>

#include "tree.h"

/* REBASE's width allocation: n_i = ceil(W_rem e^{r_i/tau} / sum_{j>=i}
 * e^{r_j/tau}), for a frontier sorted by r, highest first
 * (strategy_rebase.c).  Returns the width left over. */
int rebase_allocate(const double *r, size_t n, int w_rem, double tau, int *out);
/* UCT: Q/N + c sqrt(ln N_parent / N); INFINITY unvisited (strategy_mcts.c). */
double mcts_uct(double q, unsigned n, unsigned n_parent, double c);
/* PUCT as OpenR: V + c(N_parent) P sqrt(N_parent) / (1 + N), V = Q/N, or
 * v0 (the step's PRM score) unvisited; c(N_parent) = ln((N_parent +
 * 19653) / 19652) + c_init (strategy_mcts.c). */
double mcts_puct(double q, unsigned n, unsigned n_parent, double prior, double c_init, double v0);
double mcts_puct_c(unsigned n_parent, double c_init);
/* Priors from mean token log-probabilities: a softmax over siblings. */
void mcts_priors(const double *lp, size_t n, double *prior);
/* rStar's action table: may action follow a node of this kind? */
int rstar_allowed(enum node_kind kind, int action);
/* The discriminator: do agree of 4 completions keep a candidate? */
int rstar_disc_keep(int agree, int mode);
/* rStar's answer from its candidates (rstar_disc.c, do_discriminate.py):
 * each with its answer (NULL: none), reward, how many times it appears,
 * whether it was discriminated (a short answer) and how many of the 4
 * completions agreed.  Fills the numbers behind the choice and returns
 * the winning candidate (SIZE_MAX: none).  by_vote: the generator's
 * majority, nothing discriminated. */
struct rstar_cand {
	char *answer;
	double reward;
	unsigned freq;
	int tried, agree;
	int32_t id;
	size_t words;
};
struct rstar_choice {
	size_t maj;          /* the most confident answer's first candidate */
	double maj_conf;     /* its confidence: rewards over every candidate */
	int how;             /* 0 majority, 1 all agree, 2 none kept, 3 one kept, 4 scored */
	size_t tried, kept;  /* candidates discriminated, kept */
	double kept_conf, survival, score; /* the winner's (how 4) */
	double kept_n, all_n;              /* its kept and all candidates (how 4) */
	double none_conf;    /* how 2: the most confident among those tried */
};
size_t rstar_choose(const struct rstar_cand *c, size_t n, int mode, int by_vote, int discriminated,
		    struct rstar_choice *out);
/* MAgICoRe's two conditions (strategy_refine.c): condition 1's mean
 * z-score of ORM + PRM product over the solutions giving the majority
 * answer, by mu and sd; condition 2's confidences 2(1 - sigmoid(H)). */
struct magicore_verdict {
	double mean_z; /* NAN: no solution gives the majority's answer */
	double c_orm, c_prm;
	int cond1, cond2, easy;
};
/* With this set's own majority, mean and deviation. */
void magicore_verdict(const char *const *answers, const double *orm, const double *prm, size_t n,
		      struct magicore_verdict *out);
/* With a given majority answer and statistics (the data set's). */
void magicore_verdict_with(const char *const *answers, const double *orm, const double *prm, size_t n,
			   const char *majority, double mu, double sd, struct magicore_verdict *out);
/* filter-vote: a review's [[correct]] (1) or [[wrong]] (0), whichever
 * comes last; -1 when neither (strategy_vote.c). */
int vote_judge_parse(const char *text);
/* A replay's checkpoint spacing in events, and the memory its checkpoints
 * may hold before every other one goes (0: its own rule; replay.c): small
 * in tests, so that short traces have many and thin out. */
extern size_t replay_cp_every, replay_cp_budget;

#endif
