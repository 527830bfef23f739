/* trace: the journal.  Line 1 is a header object, every other line one
 * event (see man/canopy-trace.5).  The writer puts each event on disk as it
 * happens; the loader checks everything and reports FILE:LINE: problems. */
#ifndef CANOPY_TRACE_H
#define CANOPY_TRACE_H

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>

#include "event.h"
#include "header.h"
#include "tree.h"

struct trace_writer;

/* Creates (truncates) path and writes the header line.  NULL with a
 * message in err on failure. */
struct trace_writer *trace_writer_create(const char *path, const struct trace_header *header,
					 char *err, size_t errlen);
/* Appends through fd, opened O_APPEND and locked by the caller (a resume
 * holds its journal's lock from before it reads it); fd is the writer's. */
struct trace_writer *trace_writer_adopt(int fd, const char *path);
/* Writes one event line.  Returns 0, or -1 once writing failed (the first
 * failure's message stays in trace_writer_error). */
int trace_writer_event(struct trace_writer *w, const struct event *ev);
const char *trace_writer_error(const struct trace_writer *w);
const char *trace_writer_path(const struct trace_writer *w);
void trace_writer_close(struct trace_writer *w);

/* Called for each event after it was applied to the tree. */
typedef int (*trace_event_fn)(void *ctx, const struct event *ev, uint64_t line);

struct trace {
	struct trace_header header;
	struct tree *tree;
	uint64_t events;
	uint64_t lines;
	int torn;         /* a torn last line was dropped */
	double last_t;
	int has_final;
	char *final_answer;
	int32_t final_node;
	int final_correct;
	struct usage usage;
	uint64_t errors; /* error events */
	uint64_t warnings; /* error events of level "warning" */
};

/* Reading a journal one event at a time, every check made (seq without
 * gaps, time never going back); event_apply is the caller's. */
struct trace_reader;
struct trace_reader *trace_reader_open(const char *path, struct trace_header *h, char *err,
				       size_t errlen);
/* 1: an event in ev (valid until the next call); 0: the end (a torn last
 * line is dropped, see trace_reader_warning); -1: "FILE:LINE: what" in err. */
int trace_reader_next(struct trace_reader *r, struct event *ev, char *err, size_t errlen);
uint64_t trace_reader_line(const struct trace_reader *r);
/* How far into the file the lines read so far reach, in bytes. */
uint64_t trace_reader_offset(const struct trace_reader *r);
const char *trace_reader_warning(const struct trace_reader *r);
void trace_reader_error(const struct trace_reader *r, const char *msg, char *err, size_t errlen);
void trace_reader_close(struct trace_reader *r);

/* Loads and checks a whole journal.  On failure returns -1 with
 * "FILE:LINE: what is wrong" in err.  A torn last line is dropped with a
 * warning in warn (when warn is not NULL). */
int trace_load(const char *path, struct trace *tr, trace_event_fn fn, void *ctx,
	       char *err, size_t errlen, char *warn, size_t warnlen);
void trace_free(struct trace *tr);

#endif
