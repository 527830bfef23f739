#include "slots.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void slots_init(struct slots *s, int n)
{
	memset(s, 0, sizeof *s);
	if (n > 0) {
		s->v = xcalloc((size_t)n, sizeof *s->v);
		s->n = n;
	}
}

void slots_free(struct slots *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->v[i].chain);
	free(s->v);
	memset(s, 0, sizeof *s);
}

int slots_free_count(const struct slots *s)
{
	int k = 0;
	for (int i = 0; i < s->n; i++)
		k += !s->v[i].busy;
	return k;
}

static size_t common(const struct slot *sl, const uint64_t *chain, size_t len)
{
	size_t k = 0;
	while (k < sl->len && k < len && sl->chain[k] == chain[k])
		k++;
	return k;
}

int slots_pick(struct slots *s, const uint64_t *chain, size_t len)
{
	int best = -1;
	size_t best_len = 0;
	for (int i = 0; i < s->n; i++) {
		const struct slot *sl = &s->v[i];
		if (sl->busy)
			continue;
		size_t c = common(sl, chain, len);
		if (best < 0 || c > best_len || (c == best_len && sl->used < s->v[best].used)) {
			best = i;
			best_len = c;
		}
	}
	if (best < 0)
		return -1;
	struct slot *sl = &s->v[best];
	sl->busy = 1;
	sl->used = ++s->clock;
	if (len > sl->cap) {
		sl->cap = len;
		sl->chain = xrealloc(sl->chain, len * sizeof *sl->chain);
	}
	memcpy(sl->chain, chain, len * sizeof *chain);
	sl->len = len;
	return best;
}

long slots_affinity(const struct slots *s, const uint64_t *chain, size_t len)
{
	long best_free = -1, best_busy = 0;
	for (int i = 0; i < s->n; i++) {
		long c = (long)common(&s->v[i], chain, len);
		if (s->v[i].busy) {
			if (c > best_busy)
				best_busy = c;
		} else if (c > best_free) {
			best_free = c;
		}
	}
	return best_free < 0 ? LONG_MIN : best_free - best_busy;
}

void slots_release(struct slots *s, int slot)
{
	if (slot >= 0 && slot < s->n)
		s->v[slot].busy = 0;
}
