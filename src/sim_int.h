/* sim_int: what the sim's files share (not for use outside the sim):
 * how a step is read, and where a solution stands after its steps. */
#ifndef CANOPY_SIM_INT_H
#define CANOPY_SIM_INT_H

#include "sim.h"

/* "+", "−", "×", "÷" as the sim writes them */
extern const char *const sim_op_sym[];
double sim_apply_op(enum sim_op op, double a, double b);
/* Equal as a step's numbers are: within rounding. */
int sim_same(double a, double b);

struct arith {
	double a, b, c;
	enum sim_op op;
};

enum step_verdict { SV_OK, SV_SLIP, SV_OPERAND, SV_SKIP, SV_EXTRA, SV_NONE };

struct step_info {
	enum step_verdict v;
	int plan;            /* plan step it performed, or -1 */
	double ea, eb, ec;   /* what it should have computed */
	int has_arith;
	struct arith ar;
	int prefix_ok;       /* this and every earlier step are right */
	int answered;
	double claim;        /* the answer it states */
	int trap;            /* a wrong operand that is the distractor */
};

struct sim_state {
	int pos;
	double vals[SIM_MAX_STEPS];
	int have[SIM_MAX_STEPS];
	int nsteps;   /* arithmetic steps so far, for numbering */
	int prefix_ok;
	int answered;
	double claim;
	double last;  /* the last claimed value */
};

/* Replays the steps against the plan: where the solution stands, which
 * values it claims, and a verdict on each step (info may be NULL). */
void sim_replay(const struct sim_problem *p, const char *const *steps, size_t n, struct sim_state *st,
		struct step_info *info);
/* Continues from the given steps to an answer; the new steps joined by
 * newlines.  first_forced: the first new step is written as gen_step's
 * forced mode says (the refiner's fix). */
char *sim_continue_solution(const struct sim_problem *p, const struct sim_cfg *c, const char *const *steps,
			    size_t nsteps, double temp, struct rng *r, int first_forced);

#endif
