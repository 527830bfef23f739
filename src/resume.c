#include "resume.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "params.h"
#include "util.h"

/* A journal line's hash with its "t" left out: the event_format line of
 * the same event, whenever it happened, hashes the same (the line itself,
 * not a re-parse: a parse can lose what the line says, such as an
 * infinite UCT written as null). */
static uint64_t line_hash(const char *s, size_t n)
{
	const char *t = NULL;
	for (size_t i = 0; i + 4 <= n && i < 40; i++)
		if (!memcmp(s + i, ",\"t\":", 5)) {
			t = s + i;
			break;
		}
	uint64_t h = 0xcbf29ce484222325ull;
	if (!t)
		return hash_bytes(h, s, n);
	const char *after = memchr(t + 1, ',', n - (size_t)(t + 1 - s));
	if (!after)
		after = s + n;
	h = hash_bytes(h, s, (size_t)(t - s));
	return hash_bytes(h, after, n - (size_t)(after - s));
}

uint64_t resume_event_hash(const struct event *ev)
{
	struct strbuf sb;
	sb_init(&sb);
	event_format(&sb, ev);
	size_t n = sb.len;
	while (n && (sb.s[n - 1] == '\n'))
		n--;
	uint64_t h = line_hash(sb.s, n);
	sb_free(&sb);
	return h;
}

/* The hash of every event line of a journal that loaded cleanly. */
static int hash_lines(const char *path, struct resume *rs, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	char *line = NULL;
	size_t cap = 0, k = 0;
	ssize_t n;
	int first = 1;
	while ((n = getline(&line, &cap, f)) > 0 && k < rs->nev) {
		if (first) {
			first = 0; /* the header */
			continue;
		}
		size_t l = (size_t)n;
		while (l && line[l - 1] == '\n')
			l--;
		rs->ev[k++].hash = line_hash(line, l);
	}
	free(line);
	fclose(f);
	if (k != rs->nev) {
		snprintf(err, errlen, "%s: changed while it was read", path);
		return -1;
	}
	return 0;
}

struct collect {
	struct resume *rs;
	size_t cap;
	char *err;
	size_t errlen;
};

/* The user's command an event records, to give again. */
static int user_command(const struct event *ev, struct command *c, char *why, size_t whylen)
{
	memset(c, 0, sizeof *c);
	c->by_user = 1;
	switch (ev->type) {
	case EV_PRUNE:
		c->kind = CMD_PRUNE;
		c->node = ev->id;
		return 1;
	case EV_CMD:
		if (ev->text_len == 6 && !strncmp(ev->text, "expand", 6))
			c->kind = CMD_EXPAND;
		else if (ev->text_len == 5 && !strncmp(ev->text, "focus", 5))
			c->kind = CMD_FOCUS;
		else {
			snprintf(why, whylen, "a command canopy cannot give again: %.*s", (int)ev->text_len, ev->text);
			return -1;
		}
		c->node = ev->id;
		c->k = ev->n > 0 ? (int)ev->n : 1;
		return 1;
	case EV_SET: {
		int id = param_lookup(ev->param);
		if (id < 0 || param_parse((enum param_id)id, ev->reason, &c->value, why, whylen)) {
			if (id < 0)
				snprintf(why, whylen, "set of an unknown parameter %s", ev->param);
			return -1;
		}
		c->kind = CMD_SET;
		c->param = (enum param_id)id;
		return 1;
	}
	default:
		return 0;
	}
}

static int on_event(void *ctx, const struct event *ev, uint64_t line)
{
	struct collect *c = ctx;
	struct resume *rs = c->rs;
	(void)line;
	if (rs->nev == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 1024;
		rs->ev = xrealloc(rs->ev, c->cap * sizeof *rs->ev);
	}
	struct resume_event *re = &rs->ev[rs->nev];
	memset(re, 0, sizeof *re);
	if (ev->by_user && (ev->type == EV_PRUNE || ev->type == EV_CMD || ev->type == EV_SET)) {
		char why[256];
		int u = user_command(ev, &re->cmd, why, sizeof why);
		if (u < 0) {
			snprintf(c->err, c->errlen, "%s", why);
			return -1;
		}
		re->user = u;
	}
	rs->nev++;
	return 0;
}

int resume_open(const char *trace, struct resume *rs, char *err, size_t errlen, char *warn, size_t warnlen)
{
	memset(rs, 0, sizeof *rs);
	rs->trace_fd = rs->replies_fd = -1;
	if (warn && warnlen)
		warn[0] = '\0';
	/* the lock before anything is read or cut: two resumes of one trace
	 * must not both believe they may write it */
	rs->trace_fd = open(trace, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (rs->trace_fd < 0) {
		snprintf(err, errlen, "%s: %s", trace, strerror(errno));
		return -1;
	}
	if (util_lock(rs->trace_fd, trace, "journal (is the run still going?)", err, errlen)) {
		resume_free(rs);
		return -1;
	}
	replies_path(trace, rs->replies_path, sizeof rs->replies_path);
	rs->replies_fd = open(rs->replies_path, O_WRONLY | O_CLOEXEC);
	if (rs->replies_fd >= 0 &&
	    util_lock(rs->replies_fd, rs->replies_path, "replies journal", err, errlen)) {
		resume_free(rs);
		return -1;
	}
	struct collect c = {rs, 0, err, errlen};
	struct trace tr;
	char w1[600] = "", why[300] = "";
	c.err = why;
	c.errlen = sizeof why;
	if (trace_load(trace, &tr, on_event, &c, err, errlen, w1, sizeof w1)) {
		if (why[0]) {
			/* the reader said "stopped by the reader": say why */
			char *colon = strstr(err, ": stopped by the reader");
			if (colon)
				snprintf(colon, errlen - (size_t)(colon - err), ": %s", why);
		}
		resume_free(rs);
		return -1;
	}
	if (hash_lines(trace, rs, err, errlen)) {
		trace_free(&tr);
		resume_free(rs);
		return -1;
	}
	rs->trace_path = xstrdup(trace);
	rs->header = tr.header;
	memset(&tr.header, 0, sizeof tr.header); /* ours now */
	rs->last_t = tr.last_t;
	rs->finished = tr.has_final;
	rs->final_answer = tr.final_answer ? xstrdup(tr.final_answer) : NULL;
	trace_free(&tr);
	if (header_imported_from(&rs->header)) {
		snprintf(err, errlen, "%s: imported from %s, not a search canopy ran: there is nothing to resume", trace,
			 header_imported_from(&rs->header));
		resume_free(rs);
		return -1;
	}
	char w2[600] = "";
	if (replies_load(rs->replies_path, rs->header.created ? rs->header.created : "", &rs->replies, err, errlen, w2,
			 sizeof w2)) {
		if (access(rs->replies_path, F_OK))
			snprintf(err, errlen,
				 "%s: missing: canopy journals each request's reply there, and resumes from it "
				 "(was this trace written by an older canopy, or the file moved?)",
				 rs->replies_path);
		resume_free(rs);
		return -1;
	}
	/* a reply that stopped the run is asked again: the events from its
	 * delivery on are the interrupted tail */
	for (size_t i = 0; i < rs->replies.n; i++) {
		if (!rs->replies.v[i].fatal)
			continue;
		if (rs->replies.v[i].seq < rs->nev)
			rs->nev = rs->replies.v[i].seq;
		replies_truncate(&rs->replies, i);
		rs->finished = 0;
		break;
	}
	if (warn && warnlen)
		snprintf(warn, warnlen, "%s%s%s", w1, w1[0] && w2[0] ? "; " : "", w2);
	return 0;
}

void resume_free(struct resume *rs)
{
	/* closing releases the locks (a zeroed struct holds no descriptor:
	 * 0 is never one of ours) */
	if (rs->trace_fd > 0)
		close(rs->trace_fd);
	if (rs->replies_fd > 0)
		close(rs->replies_fd);
	free(rs->trace_path);
	header_free(&rs->header);
	free(rs->ev);
	free(rs->final_answer);
	replies_free(&rs->replies);
	memset(rs, 0, sizeof *rs);
}

int resume_cut_trace(const char *path, uint64_t lines, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	uint64_t seen = 0, off = 0;
	int ch;
	while (seen < lines && (ch = getc(f)) != EOF) {
		off++;
		seen += ch == '\n';
	}
	fclose(f);
	if (seen < lines) {
		snprintf(err, errlen, "%s: shorter than the %llu lines it had when read", path,
			 (unsigned long long)lines);
		return -1;
	}
	if (truncate(path, (off_t)off)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
