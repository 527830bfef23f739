#include "params.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct param_info {
	const char *name;
	enum param_type type;
	double lo, hi;
	const char *choices;
	const char *help;
};

static const struct param_info infos[] = {
#define X(id, name, type, lo, hi, choices, help) {name, type, lo, hi, choices, help},
	PARAM_TABLE(X)
#undef X
};

const char *param_name(enum param_id id)
{
	return infos[id].name;
}

struct param_range param_range(enum param_id id)
{
	struct param_range r = {infos[id].lo, infos[id].hi, infos[id].type != PT_REAL};
	return r;
}

const char *param_help(enum param_id id)
{
	return infos[id].help;
}

const char *param_choices(enum param_id id)
{
	return infos[id].choices;
}

int param_lookup(const char *name)
{
	for (int i = 0; i < P_COUNT; i++)
		if (!strcmp(infos[i].name, name))
			return i;
	return -1;
}

/* The index of word in a "a|b|c" list, or -1. */
static int choice_index(const char *choices, const char *word)
{
	size_t wl = strlen(word);
	int i = 0;
	for (const char *c = choices; *c; i++) {
		size_t n = strcspn(c, "|");
		if (n == wl && !strncmp(c, word, n))
			return i;
		c += n + (c[n] == '|');
	}
	return -1;
}

int param_parse(enum param_id id, const char *s, double *out, char *err, size_t errlen)
{
	const struct param_info *in = &infos[id];
	if (in->type == PT_CHOICE) {
		int i = choice_index(in->choices, s);
		if (i < 0) {
			snprintf(err, errlen, "%s must be one of %s, not \"%s\"", in->name, in->choices, s);
			return -1;
		}
		*out = i;
		return 0;
	}
	char *e;
	errno = 0;
	double v = strtod(s, &e);
	if (e == s || *e || errno || !isfinite(v) ||
	    (in->type == PT_INT && v != floor(v)) || v < in->lo || v > in->hi) {
		if (in->type == PT_INT)
			snprintf(err, errlen, "%s must be a whole number from %g to %g, not \"%s\"",
				 in->name, in->lo, in->hi, s);
		else
			snprintf(err, errlen, "%s must be a number from %g to %g, not \"%s\"",
				 in->name, in->lo, in->hi, s);
		return -1;
	}
	*out = v;
	return 0;
}

void param_format(enum param_id id, double v, struct strbuf *sb)
{
	const struct param_info *in = &infos[id];
	if (in->type == PT_CHOICE) {
		const char *c = in->choices;
		for (int i = 0; i < (int)v && *c; i++)
			c += strcspn(c, "|") + 1;
		sb_add(sb, c, strcspn(c, "|"));
	} else {
		sb_add_json_number(sb, v);
	}
}

void params_describe(const struct params *p, const enum param_id *ids, size_t n, int brief, struct strbuf *sb)
{
	for (size_t i = 0; i < n; i++) {
		enum param_id id = ids[i];
		if (brief && (id == P_TEMPERATURE || id == P_TOP_P || id == P_MAX_TOKENS))
			continue;
		sb_printf(sb, "%s%s=", sb->len ? " " : "", param_name(id));
		param_format(id, p->v[id], sb);
	}
}

double params_get(const struct params *p, enum param_id id)
{
	return p->v[id];
}

void params_apply_defaults(struct params *p, const struct param_default *d)
{
	for (; d->id != P_COUNT; d++)
		if (!p->set[d->id])
			p->v[d->id] = d->value;
}

double agg_scores(enum agg_kind k, const double *s, size_t n)
{
	if (n == 0)
		return NAN;
	double r;
	switch (k) {
	case AGG_MIN:
		r = s[0];
		for (size_t i = 1; i < n; i++)
			r = fmin(r, s[i]);
		return r;
	case AGG_PROD:
		r = 1;
		for (size_t i = 0; i < n; i++)
			r *= s[i];
		return r;
	case AGG_MEAN:
		r = 0;
		for (size_t i = 0; i < n; i++)
			r += s[i];
		return r / (double)n;
	case AGG_LAST:
	default:
		return s[n - 1];
	}
}
