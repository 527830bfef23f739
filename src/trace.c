#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linefile.h"
#include "util.h"

#define TRACE_MAX_LINE ((size_t)256 << 20)

struct trace_writer {
	struct linefile out;
};

struct trace_writer *trace_writer_create(const char *path, const struct trace_header *header,
					 char *err, size_t errlen)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	/* one writer a journal: a second run on it would interleave their
	 * lines.  Truncated only once it is ours: O_TRUNC would wipe a
	 * journal another run is still writing */
	if (util_lock(fd, path, "journal", err, errlen)) {
		close(fd);
		return NULL;
	}
	struct trace_writer *w = trace_writer_adopt(fd, path);
	if (ftruncate(fd, 0)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		trace_writer_close(w);
		return NULL;
	}
	cJSON *hj = header_encode(header);
	char *h = cJSON_PrintUnformatted(hj);
	cJSON_Delete(hj);
	sb_adds(&w->out.line, h);
	sb_addc(&w->out.line, '\n');
	free(h);
	if (linefile_write(&w->out)) {
		snprintf(err, errlen, "%s", linefile_error(&w->out));
		trace_writer_close(w);
		return NULL;
	}
	return w;
}

struct trace_writer *trace_writer_adopt(int fd, const char *path)
{
	struct trace_writer *w = xcalloc(1, sizeof *w);
	linefile_init(&w->out, fd, path);
	return w;
}

int trace_writer_event(struct trace_writer *w, const struct event *ev)
{
	if (w->out.failed)
		return -1;
	sb_reset(&w->out.line);
	event_format(&w->out.line, ev);
	/* one write per event: a SIGKILL can tear at most this line */
	return linefile_write(&w->out);
}

const char *trace_writer_error(const struct trace_writer *w)
{
	return linefile_error(&w->out);
}

const char *trace_writer_path(const struct trace_writer *w)
{
	return w->out.path;
}

void trace_writer_close(struct trace_writer *w)
{
	if (!w)
		return;
	linefile_close(&w->out);
	free(w);
}

/* ---- loading ---- */

struct line_reader {
	int fd;
	char *buf;
	size_t cap, start, end;
	int eof;
	uint64_t read_bytes; /* from the file so far */
};

/* Returns the next line (without its newline) in line and len; complete
 * says whether it ended in a newline.  0 at end of file, -1 on error. */
static int next_line(struct line_reader *lr, const char **line, size_t *len, int *complete)
{
	for (;;) {
		char *nl = memchr(lr->buf + lr->start, '\n', lr->end - lr->start);
		if (nl) {
			*line = lr->buf + lr->start;
			*len = (size_t)(nl - *line);
			*complete = 1;
			lr->start = (size_t)(nl - lr->buf) + 1;
			return 1;
		}
		if (lr->eof) {
			if (lr->start == lr->end)
				return 0;
			*line = lr->buf + lr->start;
			*len = lr->end - lr->start;
			*complete = 0;
			lr->start = lr->end;
			return 1;
		}
		if (lr->start > 0) {
			memmove(lr->buf, lr->buf + lr->start, lr->end - lr->start);
			lr->end -= lr->start;
			lr->start = 0;
		}
		if (lr->end == lr->cap) {
			/* no line canopy writes comes near: a node's text is
			 * bounded by --max-reply-bytes */
			if (lr->cap >= TRACE_MAX_LINE) {
				errno = EFBIG;
				return -2;
			}
			lr->cap *= 2;
			lr->buf = xrealloc(lr->buf, lr->cap);
		}
		ssize_t r = read(lr->fd, lr->buf + lr->end, lr->cap - lr->end);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			lr->eof = 1;
		lr->end += (size_t)r;
		lr->read_bytes += (uint64_t)r;
	}
}

struct trace_reader {
	char *path;
	struct line_reader lr;
	struct event_scratch sc;
	uint64_t line, events;
	double last_t;
	int torn;
	char warn[512];
};

static void reader_fail(struct trace_reader *r, char *err, size_t errlen, const char *msg)
{
	snprintf(err, errlen, "%s:%llu: %s", r->path, (unsigned long long)r->line, msg);
}

/* What next_line's failure rc means. */
static const char *read_error(int rc)
{
	return rc == -2 ? "a line longer than 256 MiB" : strerror(errno);
}

struct trace_reader *trace_reader_open(const char *path, struct trace_header *h, char *err,
				       size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	struct trace_reader *r = xcalloc(1, sizeof *r);
	r->path = xstrdup(path);
	r->lr = (struct line_reader){.fd = fd, .buf = xmalloc(1 << 20), .cap = 1 << 20};
	const char *line;
	size_t len;
	int complete;
	char msg[384];
	r->line = 1;
	int rc = next_line(&r->lr, &line, &len, &complete);
	if (rc < 0) {
		snprintf(msg, sizeof msg, "%s", read_error(rc));
		goto fail;
	}
	if (rc == 0) {
		snprintf(msg, sizeof msg, "empty file (no trace header)");
		goto fail;
	}
	cJSON *hj = cJSON_ParseWithLength(line, len);
	if (!hj) {
		snprintf(msg, sizeof msg, complete ? "header is not valid JSON"
						   : "torn header line (the run was killed while starting)");
		goto fail;
	}
	int bad = header_decode(hj, h, msg, sizeof msg);
	cJSON_Delete(hj);
	if (bad)
		goto fail;
	return r;
fail:
	reader_fail(r, err, errlen, msg);
	trace_reader_close(r);
	return NULL;
}

int trace_reader_next(struct trace_reader *r, struct event *ev, char *err, size_t errlen)
{
	const char *line;
	size_t len;
	int complete;
	char msg[384];
	if (r->torn)
		return 0;
	int rc = next_line(&r->lr, &line, &len, &complete);
	if (rc < 0) {
		if (rc == -2)
			r->line++; /* the line that is too long */
		snprintf(msg, sizeof msg, "%s", read_error(rc));
		reader_fail(r, err, errlen, msg);
		return -1;
	}
	if (rc == 0)
		return 0;
	r->line++;
	if (event_parse(line, len, ev, &r->sc, msg, sizeof msg)) {
		if (!complete) {
			/* an interrupted writer leaves at most this */
			r->torn = 1;
			snprintf(r->warn, sizeof r->warn,
				 "%s:%llu: warning: torn last line ignored (the run was interrupted)",
				 r->path, (unsigned long long)r->line);
			return 0;
		}
		reader_fail(r, err, errlen, msg);
		return -1;
	}
	if (ev->seq != r->events + 1) {
		snprintf(msg, sizeof msg, "seq gap: expected %llu, found %llu",
			 (unsigned long long)r->events + 1, (unsigned long long)ev->seq);
		reader_fail(r, err, errlen, msg);
		return -1;
	}
	if (ev->t < r->last_t - 1e-9 || !isfinite(ev->t)) {
		snprintf(msg, sizeof msg, "time goes backwards (t=%g after t=%g)", ev->t, r->last_t);
		reader_fail(r, err, errlen, msg);
		return -1;
	}
	r->events++;
	r->last_t = ev->t;
	return 1;
}

uint64_t trace_reader_offset(const struct trace_reader *r)
{
	return r->lr.read_bytes - (r->lr.end - r->lr.start);
}

uint64_t trace_reader_line(const struct trace_reader *r) { return r->line; }
const char *trace_reader_warning(const struct trace_reader *r) { return r->torn ? r->warn : NULL; }

/* Reports a problem with the event just read as FILE:LINE: msg. */
void trace_reader_error(const struct trace_reader *r, const char *msg, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s:%llu: %s", r->path, (unsigned long long)r->line, msg);
}

void trace_reader_close(struct trace_reader *r)
{
	if (!r)
		return;
	close(r->lr.fd);
	free(r->lr.buf);
	event_scratch_free(&r->sc);
	free(r->path);
	free(r);
}

int trace_load(const char *path, struct trace *tr, trace_event_fn fn, void *ctx,
	       char *err, size_t errlen, char *warn, size_t warnlen)
{
	memset(tr, 0, sizeof *tr);
	tr->final_node = NODE_NONE;
	tr->final_correct = -1;
	if (warn && warnlen)
		warn[0] = '\0';
	struct trace_reader *r = trace_reader_open(path, &tr->header, err, errlen);
	if (!r)
		return -1;
	tr->tree = tree_new();
	struct event ev;
	int rc;
	char msg[384];
	while ((rc = trace_reader_next(r, &ev, err, errlen)) > 0) {
		if (event_apply(tr->tree, &ev, msg, sizeof msg)) {
			trace_reader_error(r, msg, err, errlen);
			rc = -1;
			break;
		}
		tr->events++;
		tr->last_t = ev.t;
		switch (ev.type) {
		case EV_FINAL:
			tr->has_final = 1;
			free(tr->final_answer);
			tr->final_answer = ev.answer ? xstrdup(ev.answer) : NULL;
			tr->final_node = ev.id;
			tr->final_correct = ev.correct;
			break;
		case EV_USAGE:
			tr->usage = ev.usage;
			break;
		case EV_ERROR:
			if (ev.reason)
				tr->warnings++;
			else
				tr->errors++;
			break;
		default:
			break;
		}
		if (fn && fn(ctx, &ev, trace_reader_line(r))) {
			trace_reader_error(r, "stopped by the reader", err, errlen);
			rc = -1;
			break;
		}
	}
	if (rc == 0) {
		const char *w = trace_reader_warning(r);
		tr->torn = w != NULL;
		if (w && warn)
			snprintf(warn, warnlen, "%s", w);
		tr->lines = trace_reader_line(r);
	}
	trace_reader_close(r);
	if (rc < 0) {
		trace_free(tr);
		return -1;
	}
	return 0;
}

void trace_free(struct trace *tr)
{
	header_free(&tr->header);
	tree_free(tr->tree);
	free(tr->final_answer);
	memset(tr, 0, sizeof *tr);
	tr->final_node = NODE_NONE;
}
