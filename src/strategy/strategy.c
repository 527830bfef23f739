#include "strategy.h"

#include <math.h>
#include <stdio.h>
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
	&strategy_revise,
	NULL,
};

const struct strategy_ops *strategy_lookup(const char *name)
{
	for (size_t i = 0; strategy_list[i]; i++)
		if (!strcmp(strategy_list[i]->name, name))
			return strategy_list[i];
	return NULL;
}

static const struct param_default *default_of(const struct strategy_ops *st, enum param_id id)
{
	for (const struct param_default *d = st->params; d->id != P_COUNT; d++)
		if (d->id == id)
			return d;
	return NULL;
}

double strategy_default(const struct strategy_ops *st, enum param_id id)
{
	const struct param_default *d = default_of(st, id);
	return d ? d->value : NAN;
}

int strategy_uses(const struct strategy_ops *st, enum param_id id)
{
	return default_of(st, id) != NULL;
}

int strategy_check_value(const struct strategy_ops *st, enum param_id id, double v, char *err, size_t errlen)
{
	if (id != P_FINAL || (st->finals >> (int)v & 1))
		return 0;
	/* the choices it takes, as the table spells them */
	struct strbuf sb;
	sb_init(&sb);
	for (int i = 0; i < 32; i++) {
		if (!(st->finals >> i & 1))
			continue;
		sb_printf(&sb, "%s", sb.len ? " or " : "");
		param_format(id, i, &sb);
	}
	struct strbuf bad;
	sb_init(&bad);
	param_format(id, v, &bad);
	snprintf(err, errlen, "%s takes final=%s, not final=%s", st->name, sb.s ? sb.s : "nothing", bad.s ? bad.s : "?");
	sb_free(&sb);
	sb_free(&bad);
	return -1;
}

void strategy_users_of(enum param_id id, struct strbuf *sb)
{
	for (const struct strategy_ops *const *st = strategy_list; *st; st++)
		if (strategy_uses(*st, id))
			sb_printf(sb, "%s%s", sb->len ? ", " : "", (*st)->name);
}
