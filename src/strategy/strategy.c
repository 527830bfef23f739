#include "strategy.h"

#include <string.h>

const struct strategy_ops *const strategy_list[] = {
	&strategy_sc,
	&strategy_bon,
	&strategy_wbon,
	&strategy_filter,
	&strategy_beam,
	&strategy_dvts,
	&strategy_rebase,
	&strategy_mcts,
	&strategy_puct,
	&strategy_rstar,
	&strategy_critique,
	&strategy_selfrefine,
	&strategy_magicore,
	NULL,
};

const struct strategy_ops *strategy_lookup(const char *name)
{
	for (size_t i = 0; strategy_list[i]; i++)
		if (!strcmp(strategy_list[i]->name, name))
			return strategy_list[i];
	return NULL;
}

int strategy_uses(const struct strategy_ops *st, enum param_id id)
{
	for (const struct param_default *d = st->params; d->id != P_COUNT; d++)
		if (d->id == id)
			return 1;
	return 0;
}

void strategy_users_of(enum param_id id, struct strbuf *sb)
{
	for (const struct strategy_ops *const *st = strategy_list; *st; st++)
		if (strategy_uses(*st, id))
			sb_printf(sb, "%s%s", sb->len ? ", " : "", (*st)->name);
}
