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

#endif
