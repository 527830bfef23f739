/* replies: what each request of a run got back (texts, scores, token
 * counts, or its failure), journaled in delivery order next to the trace
 * (TRACE.replies), one JSON line a reply written as it arrives.  The trace
 * says what the search decided; the replies are what it decided from, so
 * an interrupted run can be re-executed to where it stopped without
 * asking a server again (canopy run --resume). */
#ifndef CANOPY_REPLIES_H
#define CANOPY_REPLIES_H

#include <stddef.h>
#include <stdint.h>

#include "backend.h"

#define REPLIES_VERSION 1

struct reply {
	enum req_kind kind;
	int32_t node;
	enum req_status status; /* REQ_OK, REQ_FAILED or REQ_CANCELLED */
	int fatal, estimated;
	char **texts;
	uint32_t *tokens;
	double *lps; /* by text, when the request asked for log-probabilities */
	size_t ntexts;
	double *scores;
	size_t nscores;
	uint32_t gen_tokens, prompt_tokens;
	char *error;
	uint64_t seq;    /* the trace's last seq when it was delivered */
	uint64_t end;    /* the file's size up to and with this line */
};

struct replies {
	struct reply *v;
	size_t n;
	uint64_t header_end; /* the file's size up to and with the header */
};

/* TRACE.replies */
void replies_path(const char *trace, char *out, size_t len);

/* Loads a replies file written for the trace created at `created` (its
 * header's time).  Returns 0, or -1 with "FILE:LINE: what is wrong".  A
 * torn last line is dropped with a warning in warn. */
int replies_load(const char *path, const char *created, struct replies *out, char *err, size_t errlen,
		 char *warn, size_t warnlen);
void replies_free(struct replies *rs);
/* Keeps the first n. */
void replies_truncate(struct replies *rs, size_t n);
/* Puts a recorded reply into r, as if its backend had answered. */
void reply_fill(const struct reply *rep, struct request *r);

struct replies_writer;
/* A new file (truncated) with its header line. */
struct replies_writer *replies_writer_create(const char *path, const char *created, char *err, size_t errlen);
/* An existing file cut to keep bytes, then appended to (resume), through
 * fd when it is given (>= 0: open for writing and locked by the caller;
 * the writer's from now on), else opened here. */
struct replies_writer *replies_writer_reopen(int fd, const char *path, uint64_t keep, char *err, size_t errlen);
/* Writes r's results with one write(2).  0, or -1 once writing failed. */
int replies_writer_put(struct replies_writer *w, const struct request *r, uint64_t seq);
const char *replies_writer_error(const struct replies_writer *w);
void replies_writer_close(struct replies_writer *w);

#endif
