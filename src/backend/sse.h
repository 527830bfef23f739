/* sse: an incremental parser for server-sent events.  Bytes arrive in
 * arbitrary chunks (a line, or a UTF-8 character, can be cut anywhere);
 * lines end in CRLF, LF or CR; lines starting with ':' are comments
 * (keep-alive pings); several data: lines of one event join with "\n";
 * one space after the colon is dropped; a blank line ends an event; data
 * "[DONE]" ends the stream.  A stream that closes without it is truncated. */
#ifndef CANOPY_SSE_H
#define CANOPY_SSE_H

#include <stddef.h>

#include "util.h"

/* Called with each event's joined data; return non-zero to stop. */
typedef int (*sse_event_fn)(void *ctx, const char *event, const char *data, size_t len);

struct sse {
	struct strbuf line, data, event;
	int have_data;
	int cr;   /* the last byte was CR: a following LF belongs to it */
	int done; /* [DONE] seen */
	int stopped;
	size_t events;
	sse_event_fn fn;
	void *ctx;
};

void sse_init(struct sse *s, sse_event_fn fn, void *ctx);
void sse_free(struct sse *s);
/* Feeds bytes; returns -1 once the callback stopped the stream. */
int sse_feed(struct sse *s, const char *p, size_t n);
/* The stream closed: 0 when it ended properly ([DONE]), -1 truncated. */
int sse_finish(struct sse *s);

#endif
