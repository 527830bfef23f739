/* import: the driver, the record reader and the recorder the format
 * modules share. */
#include "import.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "answer.h"
#include "config.h"
#include "search.h"
#include "trace.h"
#include "util.h"

struct imp {
	const struct import_opts *o;
	struct tree *tree;
	struct trace_writer *w;
	uint64_t seq;
	char *gold;
	int failed;
	char err[1024];
	/* where messages point */
	const char *file;
	size_t line;
	long record;
	char warning[256];
	char *final_answer;
	int final_correct;
	char *vote_answer;
	const char *format, *out;
	char *tmp; /* written here, renamed to out when whole */
	int64_t units;
	int no_auto_answer;
	char *guess; /* the format the record looks like */
};

static const struct import_format *const formats[] = {
	&import_prm800k, &import_reasoners, &import_rstar, &import_sal, &import_magicore,
	&import_mathcritique, &import_openr, NULL,
};

const struct import_format *const *import_formats(void)
{
	return formats;
}

const struct import_format *import_format_lookup(const char *name)
{
	for (size_t i = 0; formats[i]; i++)
		if (!strcmp(formats[i]->name, name))
			return formats[i];
	return NULL;
}

/* ---- messages ---- */

static void vfail(struct imp *im, const char *fmt, va_list ap)
{
	if (im->failed)
		return;
	im->failed = 1;
	char msg[768];
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (im->line)
		snprintf(im->err, sizeof im->err, "%s:%zu: %s", im->file, im->line, msg);
	else if (im->record >= 0)
		snprintf(im->err, sizeof im->err, "%s: record %ld: %s", im->file, im->record, msg);
	else
		snprintf(im->err, sizeof im->err, "%s: %s", im->file, msg);
}

int imp_fail(struct imp *im, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(im, fmt, ap);
	va_end(ap);
	return -1;
}

void imp_warn(struct imp *im, const char *fmt, ...)
{
	if (im->warning[0])
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(im->warning, sizeof im->warning, fmt, ap);
	va_end(ap);
}

int imp_failed(const struct imp *im)
{
	return im->failed;
}

void imp_where(struct imp *im, const char *file, size_t line, long record)
{
	im->file = file;
	im->line = line;
	im->record = record;
}

/* ---- reading ---- */

static const char *type_name(const cJSON *v)
{
	if (!v)
		return "missing";
	if (cJSON_IsNull(v))
		return "null";
	if (cJSON_IsBool(v))
		return "a boolean";
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsArray(v))
		return "a list";
	return "an object";
}

static const char *want_name(int type)
{
	switch (type) {
	case cJSON_Number:
		return "a number";
	case cJSON_String:
		return "a string";
	case cJSON_Array:
		return "a list";
	case cJSON_Object:
		return "an object";
	default:
		return "a value";
	}
}

const cJSON *imp_get(struct imp *im, const cJSON *obj, const char *key, int type, int required,
		     const char *where)
{
	const cJSON *v = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
	if (!v || cJSON_IsNull(v)) {
		if (required)
			imp_fail(im, "%s%s%s: missing (%s expected)", where ? where : "", where ? "." : "",
				 key, want_name(type));
		return NULL;
	}
	if (type && !(v->type & type)) {
		imp_fail(im, "%s%s%s: %s, not %s", where ? where : "", where ? "." : "", key,
			 type_name(v), want_name(type));
		return NULL;
	}
	return v;
}

char *imp_text(const cJSON *v)
{
	if (cJSON_IsString(v))
		return xstrdup(v->valuestring);
	if (cJSON_IsNumber(v)) {
		char buf[64];
		double d = v->valuedouble;
		if (d == floor(d) && fabs(d) < 1e15)
			snprintf(buf, sizeof buf, "%.0f", d);
		else
			snprintf(buf, sizeof buf, "%.15g", d);
		return xstrdup(buf);
	}
	return NULL;
}

struct mapped {
	const char *p;
	size_t n;
};

static int map_file(const char *path, struct mapped *m, char *err, size_t errlen)
{
	memset(m, 0, sizeof *m);
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: a directory, not a file", path);
		close(fd);
		return -1;
	}
	if (st.st_size == 0) {
		snprintf(err, errlen, "%s: empty", path);
		close(fd);
		return -1;
	}
	void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	m->p = p;
	m->n = (size_t)st.st_size;
	return 0;
}

/* "LINE:COL" of a byte offset, for a parse error in a whole document. */
static void position(const char *p, size_t off, size_t *line, size_t *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (p[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

int import_read_records(const char *path, struct import_records *r, char *err, size_t errlen)
{
	memset(r, 0, sizeof *r);
	struct mapped m;
	if (map_file(path, &m, err, errlen))
		return -1;
	int rc = 0;
	/* JSON Lines when the first non-blank line is a JSON value by itself */
	const char *p = m.p, *end = m.p + m.n;
	while (p < end && (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t'))
		p++;
	const char *eol = memchr(p, '\n', (size_t)(end - p));
	size_t first_len = eol ? (size_t)(eol - p) : (size_t)(end - p);
	cJSON *first = p < end ? cJSON_ParseWithLength(p, first_len) : NULL;
	size_t cap = 0;
	if (first && !(cJSON_IsArray(first) && (!eol || eol + 1 >= end))) {
		cJSON_Delete(first);
		/* one record a line; parse each to find a bad one now, with
		 * its line, rather than later */
		const char *q = m.p;
		size_t ln = 0;
		while (q < end) {
			const char *nl = memchr(q, '\n', (size_t)(end - q));
			size_t len = nl ? (size_t)(nl - q) : (size_t)(end - q);
			ln++;
			size_t l = len;
			while (l && (q[l - 1] == '\r' || q[l - 1] == ' ' || q[l - 1] == '\t'))
				l--;
			size_t s = 0;
			while (s < l && (q[s] == ' ' || q[s] == '\t'))
				s++;
			if (s < l) {
				cJSON *v = cJSON_ParseWithLength(q + s, l - s);
				if (!v) {
					const char *e = cJSON_GetErrorPtr();
					size_t col = e && e >= q && e <= q + len ? (size_t)(e - q) + 1 : 1;
					snprintf(err, errlen, "%s:%zu:%zu: not valid JSON (JSON Lines: one value a line)",
						 path, ln, col);
					rc = -1;
					break;
				}
				if (r->n == cap) {
					cap = cap ? cap * 2 : 64;
					r->v = xrealloc(r->v, cap * sizeof *r->v);
					r->line = xrealloc(r->line, cap * sizeof *r->line);
				}
				r->v[r->n] = v;
				r->line[r->n] = ln;
				r->n++;
			}
			q = nl ? nl + 1 : end;
		}
	} else {
		if (first)
			cJSON_Delete(first);
		/* one document, a list, or documents one after another (records
		 * pretty-printed and saved end to end, as PRM800K's users do):
		 * every value is read, none dropped */
		const char *q = m.p;
		size_t nvals = 0;
		cJSON **vals = NULL;
		size_t *starts = NULL;
		for (;;) {
			while (q < end && (*q == ' ' || *q == '\n' || *q == '\r' || *q == '\t'))
				q++;
			if (q >= end)
				break;
			const char *pe = NULL;
			cJSON *v = cJSON_ParseWithLengthOpts(q, (size_t)(end - q), &pe, 0);
			if (!v) {
				const char *e = cJSON_GetErrorPtr();
				size_t line, col;
				position(m.p, e && e >= m.p && e <= end ? (size_t)(e - m.p) : (size_t)(q - m.p), &line, &col);
				snprintf(err, errlen, "%s:%zu:%zu: not valid JSON%s", path, line, col,
					 nvals ? " (after the document before it)" : "");
				rc = -1;
				break;
			}
			size_t line, col;
			position(m.p, (size_t)(q - m.p), &line, &col);
			vals = xrealloc(vals, (nvals + 1) * sizeof *vals);
			starts = xrealloc(starts, (nvals + 1) * sizeof *starts);
			vals[nvals] = v;
			starts[nvals++] = line;
			q = pe && pe > q ? pe : end;
		}
		if (rc) {
			for (size_t i = 0; i < nvals; i++)
				cJSON_Delete(vals[i]);
			free(vals);
			free(starts);
		} else if (nvals == 1) {
			r->doc = vals[0];
			free(vals);
			if (cJSON_IsArray(r->doc)) {
				size_t n = (size_t)cJSON_GetArraySize(r->doc);
				r->v = xcalloc(n ? n : 1, sizeof *r->v);
				r->line = xcalloc(n ? n : 1, sizeof *r->line);
				for (cJSON *e = r->doc->child; e; e = e->next) {
					r->line[r->n] = starts[0];
					r->v[r->n++] = e;
				}
				free(starts);
			} else {
				r->v = xcalloc(1, sizeof *r->v);
				r->line = starts;
				r->v[r->n++] = r->doc;
				r->single = 1;
			}
		} else {
			/* each document its own record (freed one by one) */
			r->v = vals;
			r->line = starts;
			r->n = nvals;
		}
	}
	munmap((void *)m.p, m.n);
	if (!rc && !r->n) {
		snprintf(err, errlen, "%s: no records in it", path);
		rc = -1;
	}
	if (rc)
		import_records_free(r);
	return rc;
}

int imp_read_records(struct imp *im, const char *path, struct import_records *r)
{
	char err[512];
	if (!import_read_records(path, r, err, sizeof err))
		return 0;
	if (!im->failed) {
		im->failed = 1;
		snprintf(im->err, sizeof im->err, "%s", err);
	}
	return -1;
}

void import_records_free(struct import_records *r)
{
	if (r->doc)
		cJSON_Delete(r->doc);
	else
		for (size_t i = 0; i < r->n; i++)
			cJSON_Delete(r->v[i]);
	free(r->v);
	free(r->line);
	memset(r, 0, sizeof *r);
}

const cJSON *imp_record(struct imp *im, const struct import_opts *o, struct import_records *r)
{
	long i = o->index < 0 ? 0 : o->index;
	if ((size_t)i >= r->n) {
		imp_fail(im, "--index %ld: the file holds %zu record%s (0 to %zu)", i, r->n,
			 r->n == 1 ? "" : "s", r->n - 1);
		return NULL;
	}
	imp_where(im, o->path, r->line[i], r->single ? -1 : i);
	free(im->guess);
	im->guess = cJSON_IsObject(r->v[i]) ? import_guess(r->v[i]) : NULL;
	if (!cJSON_IsObject(r->v[i])) {
		imp_fail(im, "%s, not an object", type_name(r->v[i]));
		return NULL;
	}
	return r->v[i];
}

const char *import_guess_name(const cJSON *rec)
{
	static const struct {
		const char *key, *format;
	} sig[] = {
		{"logs", "llm-reasoners"},         {"label", "prm800k"},
		{"completions", "search-and-learn"}, {"origin_response", "mathcritique"},
		{"iter0_reasoning", "magicore"},   {"reasoning", "magicore"},
	};
	for (size_t i = 0; i < sizeof sig / sizeof *sig; i++)
		if (cJSON_GetObjectItemCaseSensitive(rec, sig[i].key))
			return sig[i].format;
	return NULL;
}

char *import_guess(const cJSON *rec)
{
	const char *g = import_guess_name(rec);
	return g ? xstrdup(g) : NULL;
}

/* ---- recording ---- */

static void emit(struct imp *im, struct event *ev)
{
	if (im->failed || !im->w)
		return;
	ev->seq = ++im->seq;
	ev->t = 0; /* the sources keep no times */
	event_round(ev);
	char msg[256];
	if (event_apply(im->tree, ev, msg, sizeof msg)) {
		imp_fail(im, "cannot record this: %s", msg);
		return;
	}
	if (trace_writer_event(im->w, ev))
		imp_fail(im, "%s", trace_writer_error(im->w));
}

int imp_begin(struct imp *im, const char *problem, const char *gold, cJSON *strategy,
	      cJSON *backend_extra)
{
	if (im->failed)
		goto fail;
	if (im->w) {
		imp_fail(im, "internal: the header was written twice");
		goto fail;
	}
	if (im->o->problem)
		problem = im->o->problem;
	if (im->o->gold)
		gold = im->o->gold;
	free(im->gold);
	im->gold = gold && *gold ? xstrdup(gold) : NULL;
	struct trace_header h;
	header_init(&h);
	h.problem = xstrdup(problem ? problem : "");
	h.gold = im->gold ? xstrdup(im->gold) : NULL;
	/* the tool's names for its settings are its own, not canopy's
	 * parameters: kept as they are */
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(strategy, "name");
	h.strategy = xstrdup(cJSON_IsString(name) ? name->valuestring : im->format);
	cJSON_DeleteItemFromObjectCaseSensitive(strategy, "name");
	h.strategy_extra = strategy;
	struct header_backend *b = &h.backend;
	b->kind = xstrdup("import");
	b->from = xstrdup(im->format);
	b->file = xstrdup(im->o->path);
	b->index = im->o->index >= 0 ? im->o->index : -1;
	b->extra = backend_extra;
	h.canopy_version = xstrdup(PACKAGE_VERSION);
	char when[32];
	util_utc_stamp(when, sizeof when);
	h.created = xstrdup(when);
	char err[512];
	im->w = trace_writer_create(im->tmp, &h, err, sizeof err);
	header_free(&h);
	if (!im->w) {
		/* about the output, not the input: name the file the user gave */
		im->failed = 1;
		size_t tl = strlen(im->tmp);
		if (!strncmp(err, im->tmp, tl))
			snprintf(im->err, sizeof im->err, "%s%s", im->out, err + tl);
		else
			snprintf(im->err, sizeof im->err, "%s", err);
		return -1;
	}
	struct event ev;
	const char *text = problem ? problem : "";
	event_node(&ev, 0, NODE_NONE, NODE_PROBLEM, text, strlen(text), 0, 0, -1);
	emit(im, &ev);
	return im->failed ? -1 : 0;
fail:
	cJSON_Delete(strategy);
	cJSON_Delete(backend_extra);
	return -1;
}

const char *imp_gold(const struct imp *im)
{
	return im->gold;
}

const struct tree *imp_tree(const struct imp *im)
{
	return im->tree;
}

int32_t imp_node(struct imp *im, int32_t parent, enum node_kind kind, const char *text, size_t len,
		 uint32_t tokens, int action, int round)
{
	if (im->failed)
		return NODE_NONE;
	struct event ev;
	int32_t id = (int32_t)tree_count(im->tree);
	event_node(&ev, id, parent, kind, text, len, tokens, action, round);
	emit(im, &ev);
	if (im->failed)
		return NODE_NONE;
	char *a = node_kind_states_answer(kind) && !im->no_auto_answer ? answer_extract(text, len) : NULL;
	imp_answer(im, id, a);
	free(a);
	return id;
}

void imp_answer(struct imp *im, int32_t id, const char *answer)
{
	if (!answer || !*answer)
		return;
	struct event ev;
	event_answer(&ev, id, answer);
	emit(im, &ev);
}

void imp_auto_answer(struct imp *im, int on)
{
	im->no_auto_answer = !on;
}

void imp_score(struct imp *im, int32_t id, double prm, double orm)
{
	if (isnan(prm) && isnan(orm))
		return;
	struct event ev;
	event_score(&ev, id, prm, orm);
	emit(im, &ev);
}

void imp_stats(struct imp *im, int32_t id, uint32_t visits, double value, double uct, double q)
{
	struct event ev;
	event_init(&ev, EV_STATS);
	ev.id = id;
	ev.visits = visits;
	ev.value = value;
	ev.uct = uct;
	ev.q = q;
	emit(im, &ev);
}

void imp_unit(struct imp *im, const char *what)
{
	struct event ev;
	event_unit(&ev, ++im->units, what);
	emit(im, &ev);
}

void imp_keep(struct imp *im, int64_t level, const int32_t *ids, size_t n)
{
	struct event ev;
	event_keep(&ev, level, ids, n);
	emit(im, &ev);
}

void imp_verdict(struct imp *im, int32_t id, const char *what, const char *label,
		 const char *const *keys, const double *vals, size_t n)
{
	struct event ev;
	event_verdict(&ev, id, what, label, keys, vals, n);
	emit(im, &ev);
}

const char *imp_vote(struct imp *im, const int32_t *nodes, const double *weight, size_t n,
		     int by_weight, int32_t *node)
{
	*node = NODE_NONE;
	if (im->failed)
		return NULL;
	struct vote_cluster *c;
	size_t nc = vote_clusters(im->tree, nodes, weight, n, &c);
	const char *chosen = NULL;
	free(im->vote_answer);
	im->vote_answer = NULL;
	if (nc) {
		size_t w = vote_winner(c, nc, by_weight);
		im->vote_answer = xstrdup(c[w].answer);
		chosen = im->vote_answer;
		*node = c[w].nodes[0];
	}
	struct event ev;
	event_vote(&ev, chosen, c, nc);
	emit(im, &ev);
	vote_free(c, nc);
	return chosen;
}

void imp_final(struct imp *im, const char *answer, int32_t node, const char *reason)
{
	struct event ev;
	event_final(&ev, answer, node, reason, im->gold);
	emit(im, &ev);
	if (im->failed)
		return;
	free(im->final_answer);
	im->final_answer = answer ? xstrdup(answer) : NULL;
	im->final_correct = ev.correct;
}

/* ---- the driver ---- */

int import_run(const struct import_format *fmt, const struct import_opts *o, const char *out,
	       struct import_result *res, char *err, size_t errlen)
{
	static char *last_answer; /* what res->final_answer points to */
	memset(res, 0, sizeof *res);
	res->correct = -1;
	struct imp im;
	memset(&im, 0, sizeof im);
	im.o = o;
	im.tree = tree_new();
	im.file = o->path;
	im.record = -1;
	im.final_correct = -1;
	im.format = fmt->name;
	im.out = out;
	struct strbuf tmp;
	sb_init(&tmp);
	sb_printf(&tmp, "%s.import-%ld.tmp", out, (long)getpid());
	im.tmp = sb_steal(&tmp);
	int rc;
	if (fmt->record) {
		struct import_records r;
		const cJSON *rec = NULL;
		if (!imp_read_records(&im, o->path, &r)) {
			rec = imp_record(&im, o, &r);
			rc = rec ? fmt->record(&im, rec, o) : -1;
			import_records_free(&r);
		} else {
			rc = -1;
		}
	} else {
		rc = fmt->file(&im, o);
	}
	if (!rc && !im.failed && !im.w)
		imp_fail(&im, "nothing to import");
	if (rc || im.failed) {
		if (!im.failed)
			imp_fail(&im, "not imported");
		if (im.guess && strcmp(im.guess, fmt->name))
			snprintf(err, errlen, "%s (it looks like %s output: try --from %s)", im.err, im.guess, im.guess);
		else
			snprintf(err, errlen, "%s", im.err);
		rc = -1;
	}
	if (im.w) {
		const char *werr = trace_writer_error(im.w);
		if (!rc && werr && *werr) {
			snprintf(err, errlen, "%s", werr);
			rc = -1;
		}
		trace_writer_close(im.w);
		if (!rc && rename(im.tmp, out)) {
			snprintf(err, errlen, "%s: %s", out, strerror(errno));
			rc = -1;
		}
		if (rc)
			unlink(im.tmp);
	}
	if (!rc) {
		res->nodes = tree_count(im.tree);
		res->events = im.seq;
		free(last_answer);
		last_answer = im.final_answer;
		im.final_answer = NULL;
		res->final_answer = last_answer;
		res->correct = im.final_correct;
		snprintf(res->warning, sizeof res->warning, "%s", im.warning);
	}
	free(im.final_answer);
	free(im.vote_answer);
	free(im.guess);
	free(im.gold);
	free(im.tmp);
	tree_free(im.tree);
	return rc;
}

int32_t imp_ids_get(const struct imp_ids *m, long id)
{
	return id >= 0 && (size_t)id < m->cap ? m->v[id] : NODE_NONE;
}

void imp_ids_set(struct imp_ids *m, long id, int32_t node)
{
	if ((size_t)id >= m->cap) {
		size_t cap = m->cap ? m->cap : 64;
		while (cap <= (size_t)id)
			cap *= 2;
		m->v = xrealloc(m->v, cap * sizeof *m->v);
		for (size_t i = m->cap; i < cap; i++)
			m->v[i] = NODE_NONE;
		m->cap = cap;
	}
	m->v[id] = node;
}

void imp_ids_free(struct imp_ids *m)
{
	free(m->v);
	m->v = NULL;
	m->cap = 0;
}
