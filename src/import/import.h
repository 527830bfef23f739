/* import: other tools' outputs as canopy traces, so that the same UI
 * replays them.  One module a format (import_*.c), each a struct
 * import_format; they build the trace through the recorder below, which
 * checks every event against the tree it builds, the way a replay will. */
#ifndef CANOPY_IMPORT_H
#define CANOPY_IMPORT_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "tree.h"

struct imp;

/* What the user asked for. */
struct import_opts {
	const char *path;    /* the file (or, for rstar, a directory) */
	long index;          /* which record / problem; -1 when not given */
	const char *problem; /* --problem: for sources that do not record it */
	const char *gold;    /* --gold: the gold answer, overriding the source's */
};

struct import_format {
	const char *name;
	const char *what; /* one line, for --help */
	/* One of the two: records the record o->index of o->path (read for
	 * it, a JSON document or JSON Lines), or reads o->path itself; -1
	 * after imp_fail. */
	int (*record)(struct imp *im, const cJSON *rec, const struct import_opts *o);
	int (*file)(struct imp *im, const struct import_opts *o);
};

extern const struct import_format import_prm800k, import_reasoners, import_rstar, import_sal,
	import_magicore, import_mathcritique, import_openr;

/* rStar's node types (import_rstar.c; OpenR's port shares them): the
 * tag its dumps write, the text before the details, what it is. */
struct rstar_type {
	const char *tag, *prefix, *what;
	enum node_kind kind;
	int action;
};
extern const struct rstar_type import_rstar_types[];
extern const size_t import_rstar_ntypes;
/* A node's name as both dumps write it, "TAG-ID" at p: its type (an
 * index into import_rstar_types), *id and *end just past the number;
 * -1 when p holds none, or an id out of range. */
int import_rstar_name(const char *p, long *id, const char **end);

/* NULL-terminated, in the order --help lists them. */
const struct import_format *const *import_formats(void);
const struct import_format *import_format_lookup(const char *name);

struct import_result {
	size_t nodes;
	uint64_t events;
	const char *final_answer; /* valid until the next import */
	int correct;              /* -1 unknown */
	char warning[256];        /* something the user should know, or "" */
};

/* Converts o->path to the trace out (written whole or not at all).
 * Returns 0, or -1 with "FILE:LINE: what is wrong" (or "FILE: record I:
 * where: what") in err. */
int import_run(const struct import_format *fmt, const struct import_opts *o, const char *out,
	       struct import_result *res, char *err, size_t errlen);

/* The format a record's fields suggest, or NULL (for hints). */
const char *import_guess_name(const cJSON *rec);
char *import_guess(const cJSON *rec);

/* ---- for the format modules: reading ---- */

/* The records of a file: a JSON document (an array's elements, or the one
 * object) or JSON Lines (one a line, blank lines skipped). */
struct import_records {
	cJSON **v;
	size_t *line; /* where each starts, 1-based */
	size_t n;
	cJSON *doc;   /* the whole document, when the file is one */
	int single;   /* the document is one object, not a list */
};

int import_read_records(const char *path, struct import_records *r, char *err, size_t errlen);
/* The same, failing im with the reader's message. */
int imp_read_records(struct imp *im, const char *path, struct import_records *r);
void import_records_free(struct import_records *r);
/* The one record o->index (0 when not given) names; NULL after imp_fail.
 * Sets where messages about it point (imp_fail). */
const cJSON *imp_record(struct imp *im, const struct import_opts *o, struct import_records *r);

/* Field access that reports what is wrong through imp_fail: the path
 * names the field in messages ("label.steps[2].completions"). */
const cJSON *imp_get(struct imp *im, const cJSON *obj, const char *key, int type, int required,
		     const char *where);
/* A string, or a number written as text ("2.5"), newly allocated; NULL
 * when absent or null. */
char *imp_text(const cJSON *v);

/* ---- for the format modules: recording ---- */

/* Writes the header; strategy is a name or an object with "name" (taken
 * over), extra goes into backend (taken over; may be NULL). */
int imp_begin(struct imp *im, const char *problem, const char *gold, cJSON *strategy, cJSON *backend_extra);
const char *imp_gold(const struct imp *im);
const struct tree *imp_tree(const struct imp *im);
/* A node; an answer the text states is recorded too (not for the
 * problem).  Returns its id, NODE_NONE after a failure. */
int32_t imp_node(struct imp *im, int32_t parent, enum node_kind kind, const char *text, size_t len,
		 uint32_t tokens, int action, int round);
void imp_answer(struct imp *im, int32_t id, const char *answer);
/* Off: imp_node records no answers (the source says them itself). */
void imp_auto_answer(struct imp *im, int on);
void imp_score(struct imp *im, int32_t id, double prm, double orm);
void imp_stats(struct imp *im, int32_t id, uint32_t visits, double value, double uct, double q);
void imp_unit(struct imp *im, const char *what);
void imp_keep(struct imp *im, int64_t level, const int32_t *ids, size_t n);
void imp_verdict(struct imp *im, int32_t id, const char *what, const char *label,
		 const char *const *keys, const double *vals, size_t n);
/* A vote over the answers of nodes (weights may be NULL: counts); returns
 * the winner's answer (owned by the tree) and its first node in *node. */
const char *imp_vote(struct imp *im, const int32_t *nodes, const double *weight, size_t n,
		     int by_weight, int32_t *node);
/* The final answer; correct is judged against the gold answer. */
void imp_final(struct imp *im, const char *answer, int32_t node, const char *reason);
/* Something worth telling the user, once (the first one is kept). */
void imp_warn(struct imp *im, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Records the first failure as "FILE:LINE: msg"; returns -1. */
int imp_fail(struct imp *im, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int imp_failed(const struct imp *im);
/* Points messages at another file or line (rstar reads several files). */
void imp_where(struct imp *im, const char *file, size_t line, long record);

/* A tool's node ids (counters from 0) to canopy's: NODE_NONE until set. */
struct imp_ids {
	int32_t *v;
	size_t cap;
};
int32_t imp_ids_get(const struct imp_ids *m, long id);
void imp_ids_set(struct imp_ids *m, long id, int32_t node); /* id >= 0 */
void imp_ids_free(struct imp_ids *m);

#endif
