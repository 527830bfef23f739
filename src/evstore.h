/* evstore: a journal's events kept decoded, for replay.  Each event is
 * packed once, after the one decoder (event_json.c) read and checked it,
 * into a compact byte log: the fields it has, its strings and arrays in
 * place.  Getting an event back is a copy of numbers and pointers, never
 * a parse, and its strings stay put for the store's life, so a tree may
 * point at them rather than copy them (tree_borrow_strings). */
#ifndef CANOPY_EVSTORE_H
#define CANOPY_EVSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

struct evstore {
	char **chunks;
	size_t nchunks, last_used, chunk_size; /* of the last chunk */
	const char **at; /* each event's record */
	size_t n, cap;
	size_t bytes;    /* packed, for the benchmarks */
};

void evstore_init(struct evstore *s);
void evstore_free(struct evstore *s);
/* Packs ev as event number evstore_count (0-based). */
void evstore_add(struct evstore *s, const struct event *ev);
size_t evstore_count(const struct evstore *s);
/* Unpacks event i into ev: its strings and arrays point into the store;
 * clusters and verdict names into sc (valid until sc's next use). */
void evstore_get(const struct evstore *s, size_t i, struct event *ev, struct event_scratch *sc);
/* Event i's t alone (the status line's clock), without unpacking it. */
double evstore_time(const struct evstore *s, size_t i);

#endif
