/* worker: the thread that runs a search.  The front-end never touches the
 * search: it sends commands (pause, resume, one unit, expand, prune, set,
 * focus) and receives the search's events as journal lines, woken by a
 * pipe it polls together with the keyboard. */
#ifndef CANOPY_WORKER_H
#define CANOPY_WORKER_H

#include "search.h"
#include "util.h"

enum worker_state { WORKER_PAUSED, WORKER_RUNNING, WORKER_STEPPING, WORKER_DONE, WORKER_FAILED };

struct worker_status {
	enum worker_state state;
	char message[512]; /* the last command's outcome or the failure */
	uint64_t message_seq; /* grows with each new message */
	struct usage usage;
	uint64_t units;
	int inflight;
	double elapsed;
	uint64_t errors, warnings; /* failed requests; replies with a warning */
	int retrying;              /* calls waiting to be tried again */
	char retry_why[240];       /* what the last of them met */
	char last_error[300];      /* the last failed request's error */
};

struct worker;

/* Starts a thread running s (paused or not).  The search stays the
 * caller's to free after worker_stop. */
struct worker *worker_start(struct search *s, int paused, char *err, size_t errlen);
/* Readable when there are new events or a new status. */
int worker_fd(const struct worker *w);
/* Appends the journal lines of the events since the last call to out and
 * clears the pipe. */
void worker_take(struct worker *w, struct strbuf *out);
void worker_status(struct worker *w, struct worker_status *st);
void worker_pause(struct worker *w);
void worker_resume(struct worker *w);
/* One unit of work, then pause. */
void worker_step(struct worker *w);
/* While running, wait this many seconds between two units of work (0:
 * none), so that a person can follow each level or rollout. */
void worker_set_pace(struct worker *w, double seconds);
/* A user's command; its outcome arrives as the status message. */
void worker_command(struct worker *w, const struct command *c);
/* Aborts the search, joins the thread, frees the worker. */
void worker_stop(struct worker *w);

const char *worker_state_name(enum worker_state s);

#endif
