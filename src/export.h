/* export: a search's tree as other formats: nested JSON, Graphviz DOT, a
 * self-contained SVG picture, a Markdown report for teaching, and a CSV of
 * its nodes.  The same code serves canopy export (a trace file) and the
 * UI's :export (the tree on screen). */
#ifndef CANOPY_EXPORT_H
#define CANOPY_EXPORT_H

#include <stdio.h>

#include "event.h"
#include "trace.h"

enum export_format { EXPORT_JSON, EXPORT_DOT, EXPORT_SVG, EXPORT_MD, EXPORT_CSV };

/* What an export shows: the tree and the facts around it. */
struct export_input {
	const char *problem, *gold, *strategy, *params; /* params "n=8 width=4", or NULL */
	const struct tree *tree;
	int has_final;
	const char *final_answer, *final_reason;
	int32_t final_node;
	int final_correct;         /* -1 unknown */
	const struct event *vote;       /* the last vote, or NULL */
	const struct event *difficulty; /* MAgICoRe's easy/hard verdict, or NULL */
	struct usage usage;
	const char *imported_from; /* the tool an imported trace came from, or NULL */
};

/* A trace file read for exporting: its input, and what that points into. */
struct export_doc {
	struct export_input in;
	struct trace tr;
	struct event_hold vote, difficulty;
	struct strbuf reason, params;
};

/* "json", "dot", "svg", "md" or "csv"; -1 when unknown. */
int export_format_parse(const char *s);
/* Loads path; 0, or -1 with "FILE:LINE: what is wrong" (a torn last line
 * is a warning). */
int export_load(const char *path, struct export_doc *doc, char *err, size_t errlen, char *warn, size_t warnlen);
void export_doc_free(struct export_doc *doc);
/* Writes the export; -1 with errno set when writing failed. */
int export_write(FILE *f, const struct export_input *in, enum export_format fmt);

/* Trees bigger than this are drawn in SVG as the final path, its siblings
 * and a count of the rest. */
#define EXPORT_SVG_FULL 200

#endif
