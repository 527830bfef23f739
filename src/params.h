/* params: the search parameters.  One table gives each its name (the
 * command-line flag --NAME and the `set NAME VALUE` command), type, range
 * and help, so flags, commands, the trace header and the docs agree. */
#ifndef CANOPY_PARAMS_H
#define CANOPY_PARAMS_H

#include <stddef.h>

#include "util.h"

enum param_type { PT_INT, PT_REAL, PT_CHOICE };

/* X(id, name, type, min, max, choices, help) */
#define PARAM_TABLE(X)                                                                       \
	X(N, "n", PT_INT, 1, 65536, NULL, "samples (sc), candidates per level (beam), or attempts in all (revise)") \
	X(WIDTH, "width", PT_INT, 1, 1024, NULL, "beam width M: next steps per kept prefix") \
	X(DEPTH, "depth", PT_INT, 1, 1000, NULL, "maximum depth in steps")                \
	X(TEMPERATURE, "temperature", PT_REAL, 0, 2, NULL, "sampling temperature")        \
	X(TOP_P, "top-p", PT_REAL, 0, 1, NULL, "nucleus sampling mass")                   \
	X(MAX_TOKENS, "max-tokens", PT_INT, 1, 1048576, NULL, "generated tokens per request") \
	X(AGG, "agg", PT_CHOICE, 0, 3, "last|min|prod|mean", "how step scores make a solution's score") \
	X(FINAL, "final", PT_CHOICE, 0, 3, "best|vote|last|disc", "how the answer is chosen: beam, dvts: vote (search-and-learn's PRM-weighted vote, the default) or best (ours); critique: vote (over every round's refinements) or last (the last round's, MathCritique's sequential final); revise: vote (ORM-weighted, over every attempt), best or last (ours); rstar: disc (the discriminator, the default) or vote (the generator's majority, generator@maj)") \
	X(LOOKAHEAD, "lookahead", PT_INT, 0, 20, NULL, "beam: steps rolled out at T=0 before scoring")   \
	X(TAU, "tau", PT_REAL, 0.001, 100, NULL, "rebase: softmax temperature of the width allocation") \
	X(ROLLOUTS, "rollouts", PT_INT, 1, 1000000, NULL, "mcts, puct, rstar: rollouts (one per step)")  \
	X(C, "c", PT_REAL, 0, 100, NULL, "mcts, puct, rstar: UCT (PUCT) exploration constant")          \
	X(DISC_MODE, "disc-mode", PT_CHOICE, 0, 2, "loose|mid|strict", "rstar: how many of 4 discriminator completions must agree (1, 2, 4)") \
	X(VOTES, "votes", PT_INT, 1, 256, NULL, "rstar: samples voted for a final answer's confidence (A2, a last sub-question; rStar's mcts_num_last_votes)") \
	X(SUB_VOTES, "sub-votes", PT_INT, 1, 256, NULL, "rstar: samples voted for a sub-answer (A3, A4; rStar's num_votes)")     \
	X(ROUNDS, "rounds", PT_INT, 0, 50, NULL, "critique, selfrefine, magicore: refine rounds")        \
	X(PARALLEL, "parallel", PT_INT, 1, 1024, NULL, "critique, selfrefine, revise: independent chains")         \
	X(K, "k", PT_INT, 1, 4096, NULL, "magicore: solutions sampled")                                 \
	X(REFINE, "refine", PT_CHOICE, 0, 1, "adaptive|all", "magicore: refine only problems judged hard, or all") \
	X(REWARD_MEAN, "reward-mean", PT_REAL, -10, 10, NULL, "magicore: the data set's mean of a first solution's ORM + PRM product, for condition 1 (bench works it out)") \
	X(REWARD_SD, "reward-sd", PT_REAL, 0, 10, NULL, "magicore: their standard deviation (0, the default: this problem's own k solutions')") \
	X(MCTS_RULE, "mcts-rule", PT_CHOICE, 0, 1, "reasoners|terminal", "mcts: llm-reasoners' (step rewards summed, greedy simulation, the max-reward path) or ours (the terminal path's score, random simulation, the most visited path)")

enum param_id {
#define X(id, name, type, lo, hi, choices, help) P_##id,
	PARAM_TABLE(X)
#undef X
	P_COUNT
};

enum agg_kind { AGG_LAST, AGG_MIN, AGG_PROD, AGG_MEAN };

struct params {
	double v[P_COUNT];
	unsigned char set[P_COUNT]; /* given by the user */
};

struct param_default {
	enum param_id id;
	double value;
};

struct param_range {
	double lo, hi;
	int whole; /* a whole number (PT_INT, PT_CHOICE's index) */
};

const char *param_name(enum param_id id);
struct param_range param_range(enum param_id id);
const char *param_help(enum param_id id);
const char *param_choices(enum param_id id);
int param_lookup(const char *name); /* -1 when unknown */
/* Parses a value for id; -1 with a message naming the range otherwise. */
int param_parse(enum param_id id, const char *s, double *out, char *err, size_t errlen);
void param_format(enum param_id id, double v, struct strbuf *sb);
double params_get(const struct params *p, enum param_id id);
/* "name=value ..." of the parameters ids[0..n) as the journal writes
 * them; brief leaves out the sampling settings every strategy shares
 * (temperature, top-p, max-tokens).  Appended to sb. */
void params_describe(const struct params *p, const enum param_id *ids, size_t n, int brief, struct strbuf *sb);
/* Fills in the defaults for what the user did not give. */
void params_apply_defaults(struct params *p, const struct param_default *d);

double agg_scores(enum agg_kind k, const double *s, size_t n);

#endif
