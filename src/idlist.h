/* idlist: a growable list of node ids, the one container every strategy
 * needs (frontiers, beams, finished candidates, leaves). */
#ifndef CANOPY_IDLIST_H
#define CANOPY_IDLIST_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "util.h"

struct idlist {
	int32_t *v;
	size_t n, cap;
};

static inline void idlist_push(struct idlist *l, int32_t id)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = id;
}

static inline void idlist_free(struct idlist *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

/* A score by node id, NAN where none was given: how beam and REBASE
 * remember each candidate's aggregated PRM score. */
struct scoremap {
	double *v;
	size_t cap;
};

static inline void scoremap_set(struct scoremap *m, int32_t id, double x)
{
	if ((size_t)id >= m->cap) {
		size_t cap = m->cap ? m->cap : 64;
		while (cap <= (size_t)id)
			cap *= 2;
		m->v = xrealloc(m->v, cap * sizeof *m->v);
		for (size_t i = m->cap; i < cap; i++)
			m->v[i] = __builtin_nan("");
		m->cap = cap;
	}
	m->v[id] = x;
}

static inline double scoremap_get(const struct scoremap *m, int32_t id)
{
	return id >= 0 && (size_t)id < m->cap ? m->v[id] : __builtin_nan("");
}

static inline void scoremap_free(struct scoremap *m)
{
	free(m->v);
	m->v = NULL;
	m->cap = 0;
}

#endif
