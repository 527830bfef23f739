/* evindex: for each node, the events that name it, in journal order: what
 * a "why" is told from (src/why.c).  Events are numbered from 0 as the
 * store holding them numbers them; an event naming several nodes (a keep,
 * a vote) is listed under each.  One entry costs 8 bytes and nothing is
 * allocated per node, so a replay of millions of events can afford it. */
#ifndef CANOPY_EVINDEX_H
#define CANOPY_EVINDEX_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

struct evindex {
	struct evindex_entry {
		uint32_t ev, next; /* next: the node's next entry, or UINT32_MAX */
	} *e;
	size_t n, cap;
	struct evindex_node {
		uint32_t head, tail;
	} *nodes;
	size_t nnodes;
	/* positions of the parameter changes (set events), for the values
	 * in force at any position */
	uint32_t *sets;
	size_t nsets;
	/* the unit events, each numbered among its kind ("round" 2) */
	struct evindex_unit {
		uint32_t at, nth;
		uint8_t kind; /* into kinds; 255: more kinds than fit */
	} *units;
	size_t nunits;
	char kinds[16][24];
	uint32_t kind_count[16];
	size_t nkinds;
};

void evindex_init(struct evindex *x);
void evindex_free(struct evindex *x);
/* Files event number at (0-based, added in order) under every node it
 * names. */
void evindex_add(struct evindex *x, size_t at, const struct event *ev);

/* Walking one node's events: it = evindex_first(x, id), then
 * evindex_next(x, &it) until UINT32_MAX. */
uint32_t evindex_first(const struct evindex *x, int32_t id);
uint32_t evindex_event(const struct evindex *x, uint32_t it); /* the event number */
uint32_t evindex_next(const struct evindex *x, uint32_t it);
/* The unit under way at event number at (the last unit event at or before
 * it): its kind ("level"), and its number among that kind's in *nth; NULL
 * before the first. */
const char *evindex_unit_at(const struct evindex *x, size_t at, uint32_t *nth);

#endif
