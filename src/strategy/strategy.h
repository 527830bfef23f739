/* strategy: one vtable for every search algorithm.  A strategy is driven
 * one unit of work at a time (one sampling round, one beam level, one
 * MCTS rollout, one refine round) so that a user can step through it, and
 * takes commands between units. */
#ifndef CANOPY_STRATEGY_H
#define CANOPY_STRATEGY_H

#include "params.h"

struct search;

enum command_kind { CMD_EXPAND, CMD_PRUNE, CMD_SET, CMD_FOCUS };

struct command {
	enum command_kind kind;
	int32_t node;
	int k;              /* expand: how many children */
	enum param_id param; /* set */
	double value;        /* set */
	int by_user;
};

struct strategy_ops {
	const char *name;
	const char *title;
	const char *unit; /* what one step is: "round", "level", ... */
	const struct param_default *params; /* the ones it reads, ends at P_COUNT */
	unsigned finals; /* the --final choices it takes: bit i for choice i */
	/* what grows with a scaling curve's budget (bench --budgets): N, W,
	 * rollouts...; P_COUNT for none (0 is P_N: every strategy says) */
	enum param_id scale;
	void *(*start)(struct search *s);
	/* Does one unit of work.  Returns 1 while there is more to do. */
	int (*step)(void *st, struct search *s);
	/* A command between units (prune and set are applied by the search
	 * first, then passed on).  0, or -1 with a message in err. */
	int (*command)(void *st, struct search *s, const struct command *c, char *err, size_t errlen);
	/* Chooses the final answer from what the search has. */
	void (*finish)(void *st, struct search *s);
	void (*free)(void *st);
};

extern const struct strategy_ops strategy_sc;
extern const struct strategy_ops strategy_bon;
extern const struct strategy_ops strategy_wbon;
extern const struct strategy_ops strategy_filter;
extern const struct strategy_ops strategy_beam;
extern const struct strategy_ops strategy_dvts;
extern const struct strategy_ops strategy_rebase;
extern const struct strategy_ops strategy_mcts;
extern const struct strategy_ops strategy_puct;
extern const struct strategy_ops strategy_rstar;
extern const struct strategy_ops strategy_critique;
extern const struct strategy_ops strategy_selfrefine;
extern const struct strategy_ops strategy_magicore;
extern const struct strategy_ops strategy_revise;

/* NULL-terminated, in the order --help lists them. */
extern const struct strategy_ops *const strategy_list[];

const struct strategy_ops *strategy_lookup(const char *name);
/* Whether the strategy takes the parameter (it has a default for it). */
int strategy_uses(const struct strategy_ops *st, enum param_id id);
/* That default, or NAN when the strategy does not take the parameter. */
double strategy_default(const struct strategy_ops *st, enum param_id id);
/* Whether the strategy takes this value of a parameter it uses (a
 * choice of --final another strategy means); 0, or -1 with a message
 * naming the choices it takes. */
int strategy_check_value(const struct strategy_ops *st, enum param_id id, double v, char *err, size_t errlen);
/* "rebase" or "mcts, puct, rstar": the strategies that take it. */
void strategy_users_of(enum param_id id, struct strbuf *sb);

#endif
