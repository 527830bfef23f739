/* backend_replies: while a resumed run catches up, requests are answered
 * from the interrupted run's recorded replies, in order, one a poll (so a
 * command the user gave between two replies can be given again between
 * them); once the replies run out, requests go to the real backend.  A
 * request that is not the one the next reply answered means the search
 * went another way: it fails, and the resume stops with why. */
#ifndef CANOPY_BACKEND_REPLIES_H
#define CANOPY_BACKEND_REPLIES_H

#include "backend.h"
#include "resume.h"

struct backend_replies {
	struct backend base;
	struct backend *real;
	struct resume *rs;
	struct request **q; /* answered from a reply at the next polls */
	size_t nq, cap;
	char diverged[1400]; /* why the search left the recorded path */
};

/* Wraps real for one batch; nothing to free but backend_replies_done. */
void backend_replies_init(struct backend_replies *b, struct backend *real, struct resume *rs);
void backend_replies_done(struct backend_replies *b);

#endif
