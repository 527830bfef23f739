/* sim: a deterministic simulated reasoner.  It writes multi-step arithmetic
 * word problems, solves them step by step with mistakes whose probability
 * grows with difficulty and temperature, and plays PRM, ORM, critic and
 * refiner.  It reads the problem and the steps so far from their text, as a
 * model would, so every strategy drives it through the same requests it
 * sends to a real server. */
#ifndef CANOPY_SIM_H
#define CANOPY_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define SIM_MAX_STEPS 16
#define SIM_MAX_NUMBERS 24

enum sim_op { SIM_ADD, SIM_SUB, SIM_MUL, SIM_DIV };

struct sim_operand {
	int ref;    /* >= 0: the result of plan step ref; -1: a constant */
	double val; /* the constant */
};

struct sim_plan_step {
	enum sim_op op;
	struct sim_operand a, b;
	double result;
};

struct sim_problem {
	char text[1024];
	char unit[32]; /* "rolls", or "" for a bare arithmetic question */
	int nsteps;
	struct sim_plan_step steps[SIM_MAX_STEPS];
	double answer;
	double numbers[SIM_MAX_NUMBERS]; /* every number the text mentions */
	int nnumbers;
	int has_distractor;
	double distractor; /* an irrelevant number in the text */
	int difficulty;    /* 1..10, judged from the text (steps, number sizes) */
	int trap;          /* plan step where the distractor tempts, or -1 */
};

/* How good the simulated models are.  The noises and chances are in
 * [0, 1]; error_scale up to SIM_ERROR_SCALE_MAX (the --sim-* options' and
 * a trace header's bound). */
#define SIM_ERROR_SCALE_MAX 10.0
struct sim_cfg {
	double error_scale;   /* multiplies every mistake probability (1) */
	double prm_noise;     /* sd of the PRM's error a step, logit scale (0.5) */
	double orm_noise;     /* sd of the ORM's error a solution, logit scale (0.8) */
	double critic_recall; /* chance the critic finds the first error (0.7),
			       * less on harder problems */
	double critic_false;  /* chance it flags a step of a correct solution (0.15) */
	double orm_bias;      /* sd of the ORM's error per answer (0.6): every
			       * solution reaching that answer shares it */
	double trap_scale;    /* multiplies the share of generated problems
			       * with a distractor (1) */
	double fix_prob;      /* chance the refiner fixes a flagged step (0.75) */
};

void sim_cfg_default(struct sim_cfg *c);

/* A word problem from a seed; difficulty 1..10 (0: drawn from the seed). */
void sim_problem_generate(uint64_t seed, int difficulty, struct sim_problem *p);
/* The same with the distractor share scaled: 0 never, 1 as above
 * (0.3 + 0.05 d at difficulty 4 and up), 2 twice as often. */
void sim_problem_generate_mix(uint64_t seed, int difficulty, double trap_scale, struct sim_problem *p);
/* Understands a problem text: one canopy's generator writes, or a bare
 * arithmetic question such as "What is (17+25)*3-8?".  -1 with a message
 * when it cannot. */
int sim_problem_parse(const char *text, struct sim_problem *p, char *err, size_t errlen);

/* Generation.  steps are the texts of the steps so far.  Each returns a
 * newly allocated text. */
char *sim_next_step(const struct sim_problem *p, const struct sim_cfg *c,
		    const char *const *steps, size_t nsteps, double temp, struct rng *r);
char *sim_solution(const struct sim_problem *p, const struct sim_cfg *c,
		   const char *const *steps, size_t nsteps, double temp, struct rng *r);
char *sim_subquestion(const struct sim_problem *p, const struct sim_cfg *c,
		      const char *const *steps, size_t nsteps, double temp, struct rng *r);
char *sim_reanswer(const struct sim_problem *p, const struct sim_cfg *c,
		   const char *const *steps, size_t nsteps, double temp, struct rng *r);
char *sim_rephrase(const struct sim_problem *p);
/* Critique in the MathCritique shape, one block a step. */
char *sim_critique(const struct sim_problem *p, const struct sim_cfg *c,
		   const char *const *steps, size_t nsteps, struct rng *r);
/* The same, by the actor about its own work: it finds errors half as often. */
char *sim_self_critique(const struct sim_problem *p, const struct sim_cfg *c,
			const char *const *steps, size_t nsteps, struct rng *r);
/* A reviewer that sees each step's PRM score (MAgICoRe): it looks hard at
 * steps scored below 0.6 and glances at the rest. */
char *sim_review(const struct sim_problem *p, const struct sim_cfg *c,
		 const char *const *steps, const double *scores, size_t nsteps, struct rng *r);
/* A verdict on a whole solution, ending in [[correct]] or [[wrong]]
 * (filter-vote). */
char *sim_judge(const struct sim_problem *p, const struct sim_cfg *c,
		const char *const *steps, size_t nsteps, struct rng *r);
/* A new solution that acts on a critique (all steps, newline-separated). */
/* A sequential revision (Snell et al.): the model rereads its latest
 * attempt, finds its first error as often as a self-critique would (and
 * false ones as often), and rewrites from there; finding nothing, it
 * writes the attempt again. */
char *sim_revise(const struct sim_problem *p, const struct sim_cfg *c, const char *const *steps, size_t nsteps,
		 double temp, struct rng *r);
char *sim_refine(const struct sim_problem *p, const struct sim_cfg *c,
		 const char *const *steps, size_t nsteps, const char *critique,
		 double temp, struct rng *r);

/* Scores.  The PRM writes one score per step into out; each depends only
 * on the problem and that step's prefix, so asking twice gives the same
 * number. */
void sim_prm(const struct sim_problem *p, const struct sim_cfg *c, uint64_t seed,
	     const char *const *steps, size_t nsteps, double *out);
double sim_orm(const struct sim_problem *p, const struct sim_cfg *c, uint64_t seed,
	       const char *const *steps, size_t nsteps);

/* Whether the steps are all correct (used by tests and the examples, never
 * by a strategy). */
int sim_steps_correct(const struct sim_problem *p, const char *const *steps, size_t nsteps);
/* How sure the simulated model was of a text it wrote after steps: its
 * mean token log-probability, about -0.4 for a sound step and -0.75 for
 * one with a mistake, with noise (sd 0.2); PUCT's priors come from it. */
double sim_logprob(const struct sim_problem *p, const char *const *steps, size_t nsteps, const char *text,
		   uint64_t seed);

/* A plausible token count for a text (about 4 characters a token). */
uint32_t sim_tokens(const char *text);
void sim_format_number(double v, char *buf, size_t len);

#endif
