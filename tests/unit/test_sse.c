/* sse: every rule of BACKENDS.md, with the stream cut at every byte. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sse.h"
#include "tap.h"

struct got {
	struct strbuf all; /* "event|data;" for each event */
};

static int collect(void *ctx, const char *event, const char *data, size_t len)
{
	struct got *g = ctx;
	sb_printf(&g->all, "%s|%.*s;", event, (int)len, data);
	return 0;
}

/* Feeds text in pieces of `step` bytes (0: all at once); returns what
 * the callback saw and the finish status. */
static char *run(const char *text, size_t step, int *finish)
{
	struct got g;
	sb_init(&g.all);
	struct sse s;
	sse_init(&s, collect, &g);
	size_t n = strlen(text);
	if (!step)
		step = n ? n : 1;
	for (size_t i = 0; i < n; i += step)
		sse_feed(&s, text + i, i + step > n ? n - i : step);
	*finish = sse_finish(&s);
	sse_free(&s);
	char *r = g.all.s ? g.all.s : strdup("");
	return r;
}

static void check(const char *text, const char *want, int want_finish, const char *what)
{
	int all_same = 1, fin;
	char why[200] = "";
	/* every way of cutting it into chunks gives the same events */
	for (size_t step = 0; step <= 7 && all_same; step++) {
		char *got = run(text, step, &fin);
		if (strcmp(got, want) || fin != want_finish) {
			all_same = 0;
			snprintf(why, sizeof why, " (step %zu: got \"%s\", finish %d)", step, got, fin);
		}
		free(got);
	}
	ok(all_same, "%s%s", what, why);
}

int main(void)
{
	check("data: {\"a\":1}\n\ndata: [DONE]\n\n", "message|{\"a\":1};", 0, "one event, then [DONE]");
	check("data: x\r\n\r\ndata: y\r\n\r\ndata: [DONE]\r\n\r\n", "message|x;message|y;", 0, "CRLF line ends");
	check("data: x\r\rdata: [DONE]\r\r", "message|x;", 0, "CR line ends");
	check(": ping\n\ndata: x\n: another ping\n\ndata: [DONE]\n\n", "message|x;", 0, "comments are keep-alives");
	check("data: a\ndata: b\ndata:c\n\ndata: [DONE]\n\n", "message|a\nb\nc;", 0,
	      "several data lines join with a newline; the space is optional");
	check("data:  two spaces\n\ndata: [DONE]\n\n", "message| two spaces;", 0, "only one space is dropped");
	check("event: error\ndata: {\"error\":\"x\"}\n\ndata: [DONE]\n\n", "error|{\"error\":\"x\"};", 0,
	      "the event name is kept");
	check("id: 7\nretry: 100\ndata: x\n\ndata: [DONE]\n\n", "message|x;", 0, "id and retry are ignored");
	check("data: x\n\n", "message|x;", -1, "a stream without [DONE] is truncated");
	check("data: x\n\ndata: [DO", "message|x;", -1, "a cut [DONE] is truncated too");
	check("data: x\n\ndata: {\"half\"", "message|x;", -1, "an event cut off before its blank line is dropped");
	check("data: {\"t\":\"\xc3\xa9\xe2\x88\x92\"}\n\ndata: [DONE]\n\n", "message|{\"t\":\"\xc3\xa9\xe2\x88\x92\"};", 0,
	      "UTF-8 cut anywhere arrives whole");
	check("data: x\n\ndata: [DONE]\n\ndata: after\n\n", "message|x;", 0, "nothing counts after [DONE]");
	check("\n\n\ndata: x\n\n\n\ndata: [DONE]\n\n", "message|x;", 0, "blank lines without data dispatch nothing");
	check("data\n\ndata: [DONE]\n\n", "message|;", 0, "a bare field name is an empty value");
	return tap_done();
}
