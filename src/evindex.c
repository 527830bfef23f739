#include "evindex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define NONE UINT32_MAX

void evindex_init(struct evindex *x)
{
	memset(x, 0, sizeof *x);
}

void evindex_free(struct evindex *x)
{
	free(x->e);
	free(x->nodes);
	free(x->sets);
	free(x->units);
	memset(x, 0, sizeof *x);
}

static void file_under(struct evindex *x, int32_t id, size_t at)
{
	if (id < 0 || at >= NONE)
		return;
	if ((size_t)id >= x->nnodes) {
		size_t n = x->nnodes ? x->nnodes : 1024;
		while (n <= (size_t)id)
			n *= 2;
		x->nodes = xrealloc(x->nodes, n * sizeof *x->nodes);
		for (size_t i = x->nnodes; i < n; i++)
			x->nodes[i].head = x->nodes[i].tail = NONE;
		x->nnodes = n;
	}
	struct evindex_node *nd = &x->nodes[id];
	/* one event naming a node twice (a vote listing it in two
	 * clusters) is filed once */
	if (nd->tail != NONE && x->e[nd->tail].ev == at)
		return;
	if (x->n == x->cap) {
		x->cap = x->cap ? x->cap * 2 : 4096;
		x->e = xrealloc(x->e, x->cap * sizeof *x->e);
	}
	uint32_t k = (uint32_t)x->n++;
	x->e[k] = (struct evindex_entry){(uint32_t)at, NONE};
	if (nd->tail == NONE)
		nd->head = k;
	else
		x->e[nd->tail].next = k;
	nd->tail = k;
}

void evindex_add(struct evindex *x, size_t at, const struct event *ev)
{
	switch (ev->type) {
	case EV_KEEP:
		for (size_t i = 0; i < ev->nids; i++)
			file_under(x, ev->ids[i], at);
		break;
	case EV_VOTE:
		for (size_t i = 0; i < ev->nclusters; i++)
			for (size_t j = 0; j < ev->clusters[i].nnodes; j++)
				file_under(x, ev->clusters[i].nodes[j], at);
		break;
	case EV_SET:
		x->sets = xrealloc(x->sets, (x->nsets + 1) * sizeof *x->sets);
		x->sets[x->nsets++] = (uint32_t)at;
		break;
	case EV_UNIT: {
		const char *what = ev->reason ? ev->reason : "unit";
		size_t k = 0;
		while (k < x->nkinds && strcmp(x->kinds[k], what))
			k++;
		if (k == x->nkinds && k < 16)
			snprintf(x->kinds[x->nkinds++], sizeof x->kinds[0], "%s", what);
		if ((x->nunits & (x->nunits - 1)) == 0) /* at powers of two */
			x->units = xrealloc(x->units, (x->nunits ? x->nunits * 2 : 1) * sizeof *x->units);
		x->units[x->nunits++] = (struct evindex_unit){(uint32_t)at, k < 16 ? ++x->kind_count[k] : 0,
							      (uint8_t)(k < 16 ? k : 255)};
		break;
	}
	case EV_VERDICT:
		/* a judgement of the whole search (MAgICoRe's difficulty, MCTS's
		 * stop) is the problem's */
		file_under(x, ev->id == NODE_NONE ? 0 : ev->id, at);
		break;
	default:
		file_under(x, ev->id, at);
		break;
	}
}

uint32_t evindex_first(const struct evindex *x, int32_t id)
{
	return id >= 0 && (size_t)id < x->nnodes ? x->nodes[id].head : NONE;
}

uint32_t evindex_event(const struct evindex *x, uint32_t it)
{
	return x->e[it].ev;
}

uint32_t evindex_next(const struct evindex *x, uint32_t it)
{
	return x->e[it].next;
}

const char *evindex_unit_at(const struct evindex *x, size_t at, uint32_t *nth)
{
	size_t lo = 0, hi = x->nunits;
	while (lo < hi) { /* the first unit after at */
		size_t mid = (lo + hi) / 2;
		if (x->units[mid].at <= at)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || x->units[lo - 1].kind == 255)
		return NULL;
	*nth = x->units[lo - 1].nth;
	return x->kinds[x->units[lo - 1].kind];
}
