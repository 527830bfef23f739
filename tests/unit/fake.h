/* fake: a scripted backend for unit tests.  Callbacks decide what each
 * request returns, so a test can set PRM scores, answers and verdicts by
 * hand and work the expected outcome out on paper. */
#ifndef CANOPY_FAKE_H
#define CANOPY_FAKE_H

#include "backend.h"

struct fake_script {
	/* the text of sample i of a generation request (malloc'd) */
	char *(*gen)(const struct request *r, unsigned sample);
	/* the PRM's score of step i of the request's steps (default 0.5) */
	double (*prm)(const struct request *r, size_t i);
	/* the ORM's score of the request's steps (default 0.5) */
	double (*orm)(const struct request *r);
};

struct backend *fake_backend_new(const struct fake_script *script);

#endif
