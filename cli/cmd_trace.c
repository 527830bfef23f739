/* canopy check and canopy export: commands that read a saved trace. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmd_common.h"
#include "options.h"
#include "export.h"
#include "replay.h"
#include "strategy.h"
#include "trace.h"
#include "why.h"

void usage_check(FILE *f)
{
	fprintf(f,
		"usage: canopy check [-q] TRACE...\n"
		"\n"
		"Validates each trace (header, every event, seq without gaps, node ids that\n"
		"exist) and prints a one-line summary: nodes, depth, events, final answer.\n"
		"A problem is reported as FILE:LINE: what is wrong. A torn last line (a run\n"
		"that was killed) is accepted with a warning.\n");
	options_help(f, W_CHECK);
	fprintf(f, "\nExit status: 0 all valid, 1 a trace is invalid, 2 bad usage.\n");
}

void usage_export(FILE *f)
{
	fprintf(f,
		"usage: canopy export TRACE --format json|dot|svg|md|csv|why [-o FILE]\n"
		"\n"
		"Writes a trace to stdout (or FILE):\n"
		"  json   nested JSON: each node with its text, scores, visits, answer, flags\n"
		"         and children\n"
		"  dot    Graphviz DOT, nodes coloured by PRM score, the final path drawn\n"
		"         thick, pruned nodes dashed (render: dot -Tsvg trace.dot > tree.svg)\n"
		"  svg    the tree as a self-contained picture, left to right, coloured by PRM\n"
		"         score, the path to the answer thick, pruned nodes dashed; above 200\n"
		"         nodes, the path, its best siblings and counts of the rest\n"
		"  md     a Markdown report for teaching: the problem, the path to the answer\n"
		"         with its scores, the vote, the rounds of critique and refinement\n"
		"  csv    one row a node: id, parent, depth, kind, text, scores, visits,\n"
		"         answer, tokens, flags\n"
		"  why    every decision the journal records, node by node, with the\n"
		"         formula and its numbers (the UI's Why pane, w), then the answer\n");
	options_help(f, W_EXPORT);
	fprintf(f, "\nExit status: 0 written, 1 the trace is invalid or writing failed, 2 bad usage.\n");
}

int cmd_check(int argc, char **argv)
{
	char shorts[16];
	struct option *opts = options_getopt(W_CHECK, shorts, sizeof shorts);
	int quiet = 0, c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, opts, NULL)) != -1) {
		if (c == 'q') {
			quiet = 1;
		} else if (c == 'h') {
			usage_check(stdout);
			free(opts);
			return EXIT_OK;
		} else {
			say(stderr, "canopy check: unknown option '%s'\n", argv[optind - 1]);
			free(opts);
			return EXIT_USAGE;
		}
	}
	free(opts);
	if (optind >= argc) {
		fprintf(stderr, "canopy check: which trace? (canopy check TRACE)\n");
		return EXIT_USAGE;
	}
	int status = EXIT_OK;
	for (int i = optind; i < argc; i++) {
		struct trace tr;
		char err[768], warn[512];
		if (trace_load(argv[i], &tr, NULL, NULL, err, sizeof err, warn, sizeof warn)) {
			say(stderr, "%s\n", err);
			status = EXIT_FAILED;
			continue;
		}
		if (warn[0])
			say(stderr, "%s\n", warn);
		if (!quiet) {
			/* the strategy's name and the answer come from the file */
			struct strbuf line;
			sb_init(&line);
			sb_printf(&line, "%s: ok \xC2\xB7 %s \xC2\xB7 %zu nodes \xC2\xB7 depth %d \xC2\xB7 %llu events", argv[i],
				  tr.header.strategy, tree_count(tr.tree), tree_max_depth(tr.tree),
				  (unsigned long long)tr.events);
			if (tr.has_final)
				sb_printf(&line, " \xC2\xB7 answer %s%s", tr.final_answer ? tr.final_answer : "none",
					  tr.final_correct == 1 ? " (correct)" : tr.final_correct == 0 ? " (wrong)" : "");
			else
				sb_adds(&line, " \xC2\xB7 unfinished");
			if (tr.errors)
				sb_printf(&line, " \xC2\xB7 %llu errors", (unsigned long long)tr.errors);
			if (tr.warnings)
				sb_printf(&line, " \xC2\xB7 %llu warnings", (unsigned long long)tr.warnings);
			say(stdout, "%s\n", line.s);
			sb_free(&line);
		}
		trace_free(&tr);
	}
	return status;
}

/* -o FILE, or standard output; NULL (said) when FILE cannot be made. */
static FILE *open_output(const char *out)
{
	FILE *f = out ? fopen(out, "w") : stdout;
	if (!f)
		say(stderr, "canopy export: %s: %s\n", out, strerror(errno));
	return f;
}

/* --format why: every node's decisions, as the UI's Why pane tells them,
 * from a replay of the whole trace (its store and index); each line made
 * terminal-safe, since it carries the model's text. */
static int export_why(const char *path, const char *out)
{
	char err[768], warn[512];
	struct replay *r = replay_open(path, err, sizeof err, warn, sizeof warn);
	if (!r) {
		say(stderr, "%s\n", err);
		return EXIT_FAILED;
	}
	if (warn[0])
		say(stderr, "%s\n", warn);
	FILE *f = open_output(out);
	if (!f) {
		replay_free(r);
		return EXIT_FAILED;
	}
	struct event_scratch sc = {0};
	struct why_ctx c = {replay_store(r), replay_index(r), replay_tree(r), replay_header(r), replay_count(r), &sc};
	struct strbuf sb, line;
	sb_init(&sb);
	sb_init(&line);
	const struct tree *t = replay_tree(r);
	for (size_t i = 0; i < tree_count(t); i++) {
		const struct node *n = tree_node(t, (int32_t)i);
		sb_reset(&sb);
		why_node(&c, (int32_t)i, 1, &sb);
		sb_reset(&line);
		sb_printf(&line, "#%zu %s: ", i, node_kind_name((enum node_kind)n->kind));
		sb_add_visible(&line, n->text, strcspn(n->text, "\n") < 72 ? strcspn(n->text, "\n") : 72, 0);
		fprintf(f, "%s\n", line.s);
		for (const char *p = sb.s; p && *p;) {
			const char *nl = strchr(p, '\n');
			size_t l = nl ? (size_t)(nl - p) : strlen(p);
			sb_reset(&line);
			sb_add_visible(&line, p, l, 0);
			fprintf(f, "  %s\n", line.s);
			p = nl ? nl + 1 : p + l;
		}
	}
	size_t fin = replay_last(r, EV_FINAL, 0, replay_count(r));
	struct event ev;
	if (fin && !replay_event(r, fin, &ev, err, sizeof err)) {
		sb_reset(&sb);
		why_final(&ev, &sb);
		sb_reset(&line);
		sb_add_visible(&line, sb.s, sb.len, 0);
		fprintf(f, "%s\n", line.s);
	}
	int rc = fflush(f) ? EXIT_FAILED : EXIT_OK;
	if (rc)
		say(stderr, "canopy export: %s: %s\n", out ? out : "stdout", strerror(errno));
	if (out)
		fclose(f);
	sb_free(&sb);
	sb_free(&line);
	event_scratch_free(&sc);
	replay_free(r);
	return rc;
}

int cmd_export(int argc, char **argv)
{
	char shorts[16];
	struct option *opts = options_getopt(W_EXPORT, shorts, sizeof shorts);
	const char *out = NULL, *format = NULL;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			format = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			usage_export(stdout);
			free(opts);
			return EXIT_OK;
		case ':':
			say(stderr, "canopy export: '%s' needs a value\n", argv[optind - 1]);
			free(opts);
			return EXIT_USAGE;
		default:
			say(stderr, "canopy export: unknown option '%s'\n", argv[optind - 1]);
			free(opts);
			return EXIT_USAGE;
		}
	}
	free(opts);
	if (optind + 1 != argc) {
		fprintf(stderr, "canopy export: give exactly one trace (canopy export TRACE --format json|dot|svg|md|csv|why)\n");
		return EXIT_USAGE;
	}
	if (!format) {
		fprintf(stderr, "canopy export: which format? (--format json, dot, svg, md, csv or why)\n");
		return EXIT_USAGE;
	}
	if (!strcmp(format, "why"))
		return export_why(argv[optind], out);
	int fmt = export_format_parse(format);
	if (fmt < 0) {
		say(stderr, "canopy export: unknown format '%s' (json, dot, svg, md, csv or why)\n", format);
		return EXIT_USAGE;
	}
	struct export_doc doc;
	char err[768], warn[512];
	if (export_load(argv[optind], &doc, err, sizeof err, warn, sizeof warn)) {
		say(stderr, "%s\n", err);
		return EXIT_FAILED;
	}
	if (warn[0])
		say(stderr, "%s\n", warn);
	FILE *f = open_output(out);
	if (!f) {
		export_doc_free(&doc);
		return EXIT_FAILED;
	}
	int r = export_write(f, &doc.in, (enum export_format)fmt);
	if (fflush(f) || r) {
		say(stderr, "canopy export: %s: %s\n", out ? out : "stdout", strerror(errno));
		r = -1;
	}
	if (out)
		fclose(f);
	export_doc_free(&doc);
	return r ? EXIT_FAILED : EXIT_OK;
}
