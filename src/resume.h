/* resume: what an interrupted run left, read back so the search can be
 * re-executed to where it stopped.  The trace gives the events to expect
 * (each kept as a hash of its line, and the user's commands in full, to
 * be given again at the same point); TRACE.replies gives what every
 * finished request got back, so nothing finished is asked again.  A reply
 * that ended the run (a dead server, a refused key) is not kept: it is
 * asked again. */
#ifndef CANOPY_RESUME_H
#define CANOPY_RESUME_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "replies.h"
#include "strategy.h"
#include "trace.h"

struct resume_event {
	uint64_t hash; /* of the event's line with t left out */
	int user;      /* a command the user gave: cmd holds it */
	struct command cmd;
};

struct resume {
	char *trace_path;
	struct trace_header header;
	struct resume_event *ev; /* by seq - 1 */
	size_t nev;
	double last_t;
	int finished;            /* the run chose its answer: nothing to resume */
	char *final_answer;
	struct replies replies;
	size_t next_reply;       /* the next one a request will be answered from */
	char diverged[1400];     /* why re-executing left the recorded path */
	char replies_path[600];
	/* the journal and its replies, open and locked from before they are
	 * read until the run ends (-1 once a writer took them over): a second
	 * resume is refused before it can cut either */
	int trace_fd, replies_fd;
};

/* Locks, then reads, TRACE and TRACE.replies.  Returns 0, or -1 with a
 * one-line message (FILE:LINE: what is wrong; who holds a lock); warnings
 * (torn last lines) go to warn.  The locks are held until resume_free, or
 * until a writer adopts the descriptors. */
int resume_open(const char *trace, struct resume *rs, char *err, size_t errlen, char *warn, size_t warnlen);
void resume_free(struct resume *rs);

/* The hash resume compares events by: their line, t left out. */
uint64_t resume_event_hash(const struct event *ev);

/* Cuts a trace file after its first `lines` lines (the header and events
 * 1..lines-1), for appending to it.  0, or -1 with a message. */
int resume_cut_trace(const char *path, uint64_t lines, char *err, size_t errlen);

#endif
