#include "sse.h"

#include <string.h>

void sse_init(struct sse *s, sse_event_fn fn, void *ctx)
{
	memset(s, 0, sizeof *s);
	sb_init(&s->line);
	sb_init(&s->data);
	sb_init(&s->event);
	s->fn = fn;
	s->ctx = ctx;
}

void sse_free(struct sse *s)
{
	sb_free(&s->line);
	sb_free(&s->data);
	sb_free(&s->event);
}

static void dispatch(struct sse *s)
{
	if (!s->have_data) {
		sb_reset(&s->event);
		return;
	}
	const char *d = s->data.s ? s->data.s : "";
	if (!strcmp(d, "[DONE]")) {
		s->done = 1;
	} else {
		s->events++;
		if (s->fn && s->fn(s->ctx, s->event.len ? s->event.s : "message", d, s->data.len))
			s->stopped = 1;
	}
	sb_reset(&s->data);
	sb_reset(&s->event);
	s->have_data = 0;
}

static void process_line(struct sse *s)
{
	const char *l = s->line.s ? s->line.s : "";
	size_t n = s->line.len;
	if (n == 0) {
		dispatch(s);
		return;
	}
	if (l[0] == ':')
		return; /* a comment: keep-alive */
	const char *colon = memchr(l, ':', n);
	size_t flen = colon ? (size_t)(colon - l) : n;
	const char *v = colon ? colon + 1 : l + n;
	if (colon && *v == ' ')
		v++;
	size_t vlen = (size_t)(l + n - v);
	if (flen == 4 && !memcmp(l, "data", 4)) {
		if (s->have_data)
			sb_addc(&s->data, '\n');
		sb_add(&s->data, v, vlen);
		s->have_data = 1;
	} else if (flen == 5 && !memcmp(l, "event", 5)) {
		sb_reset(&s->event);
		sb_add(&s->event, v, vlen);
	} else if (flen == 5 && !memcmp(l, "error", 5)) {
		/* llama.cpp reports a failure mid-stream as an "error:" line */
		if (s->fn && s->fn(s->ctx, "error", v, vlen))
			s->stopped = 1;
	}
	/* id:, retry: and unknown fields mean nothing to a completion */
}

int sse_feed(struct sse *s, const char *p, size_t n)
{
	for (size_t i = 0; i < n && !s->stopped && !s->done; i++) {
		char c = p[i];
		if (s->cr) {
			s->cr = 0;
			if (c == '\n')
				continue; /* the LF of a CRLF */
		}
		if (c == '\r' || c == '\n') {
			s->cr = c == '\r';
			process_line(s);
			sb_reset(&s->line);
			continue;
		}
		sb_addc(&s->line, c);
	}
	return s->stopped ? -1 : 0;
}

int sse_finish(struct sse *s)
{
	/* an event the stream cut off before its blank line is dropped, as
	 * the SSE specification says */
	sb_reset(&s->line);
	sb_reset(&s->data);
	s->have_data = 0;
	return s->done ? 0 : -1;
}
