/* replay: a saved trace as a cursor that moves forward and backward, one
 * event or one unit of work at a time.  The tree is the one the events
 * build; stepping back undoes events with records taken when the trace
 * was loaded, so any position is reached without rebuilding. */
#ifndef CANOPY_REPLAY_H
#define CANOPY_REPLAY_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "evindex.h"
#include "evstore.h"
#include "trace.h"
#include "tree.h"

struct replay;

/* Loads a trace and leaves the cursor at its end. */
struct replay *replay_open(const char *path, char *err, size_t errlen, char *warn, size_t warnlen);

/* Loading watched from another thread (the UI's, drawing progress): how
 * far it has read, and a request to stop there. */
struct replay_watch {
	_Atomic uint64_t bytes, events; /* read so far */
	atomic_int stop;                /* set: stop at the next event */
};
/* As replay_open; when told to stop, the replay holds the events read so
 * far and warn says where it stopped. */
struct replay *replay_open_watched(const char *path, struct replay_watch *w, char *err, size_t errlen,
				   char *warn, size_t warnlen);
void replay_free(struct replay *r);

const struct trace_header *replay_header(const struct replay *r);
struct tree *replay_tree(const struct replay *r);
size_t replay_count(const struct replay *r); /* events in the trace */
size_t replay_pos(const struct replay *r);   /* events applied, 0..count */
/* Every event, and the events under each node (for why.c). */
const struct evstore *replay_store(const struct replay *r);
const struct evindex *replay_index(const struct replay *r);
double replay_time(const struct replay *r, size_t pos); /* t of event pos (1-based) */

/* Moves to pos (events applied).  0, or -1 with a message (the file
 * changed under us). */
int replay_seek(struct replay *r, size_t pos, char *err, size_t errlen);
/* The position of the start of the next or previous unit of work. */
size_t replay_next_unit(const struct replay *r);
size_t replay_prev_unit(const struct replay *r);
/* The unit event at position at (as replay_last gives it): its number
 * among the units of its kind, from 1 (0: not a unit event). */
uint32_t replay_unit_nth(const struct replay *r, size_t at);
/* The position just after the k-th unit event (from 1): of every kind
 * when what is NULL, else the k-th of that kind ("round" 2).  0 when
 * there is none. */
size_t replay_find_unit(const struct replay *r, const char *what, size_t k);
/* The position (1-based) of the last event of this type at or before pos,
 * or 0.  Kept for vote, final, usage, unit and verdict events;
 * what="difficulty" narrows verdicts to MAgICoRe's. */
size_t replay_last(const struct replay *r, enum ev_type type, int difficulty_only, size_t pos);
/* Reads event pos (1-based) into ev (valid until the next call). */
int replay_event(struct replay *r, size_t pos, struct event *ev, char *err, size_t errlen);

#endif
