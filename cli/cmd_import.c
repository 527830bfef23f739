/* canopy import: another tool's output as a canopy trace, to replay,
 * check and export like canopy's own. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "import.h"

void usage_import(FILE *f)
{
	fprintf(f,
		"usage: canopy import --from FORMAT FILE [--index I] [--problem TEXT] [--gold ANSWER]\n"
		"                     -o TRACE\n"
		"\n"
		"Converts another tool's search or labelling output into a canopy trace, so\n"
		"that canopy replays, checks and exports it like its own.  The trace is\n"
		"written whole or not at all.\n"
		"\n"
		"  --from FORMAT      what FILE is:\n");
	for (const struct import_format *const *fm = import_formats(); *fm; fm++)
		fprintf(f, "                       %-17s %s\n", (*fm)->name, (*fm)->what);
	fprintf(f,
		"  --index I          which record, row or problem of FILE (from 0; default 0)\n"
		"  --problem TEXT     the problem's text, for files that do not record it\n"
		"                     (llm-reasoners), or to replace it\n"
		"  --gold ANSWER      the gold answer, for files without one, or to replace it\n"
		"  -o, --output TRACE where to write the trace\n"
		"\n"
		"Each format's fields, and what canopy makes of them, are in canopy(1) under\n"
		"IMPORT FORMATS.\n"
		"\n"
		"Exit status: 0 imported, 1 FILE is unreadable or not that format, 2 bad usage.\n");
}

static int need(int i, int argc, const char *opt)
{
	if (i + 1 < argc)
		return 0;
	fprintf(stderr, "canopy import: %s needs a value\n", opt);
	return 1;
}

int cmd_import(int argc, char **argv)
{
	struct import_opts o = {NULL, -1, NULL, NULL};
	const char *from = NULL, *out = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage_import(stdout);
			return EXIT_OK;
		} else if (!strcmp(a, "--from")) {
			if (need(i, argc, a))
				return EXIT_USAGE;
			from = argv[++i];
		} else if (!strcmp(a, "--index")) {
			if (need(i, argc, a))
				return EXIT_USAGE;
			char *end;
			errno = 0;
			long v = strtol(argv[++i], &end, 10);
			if (*end || end == argv[i] || v < 0 || errno) {
				fprintf(stderr, "canopy import: --index %s: not a whole number from 0\n", argv[i]);
				return EXIT_USAGE;
			}
			o.index = v;
		} else if (!strcmp(a, "--problem")) {
			if (need(i, argc, a))
				return EXIT_USAGE;
			o.problem = argv[++i];
		} else if (!strcmp(a, "--gold")) {
			if (need(i, argc, a))
				return EXIT_USAGE;
			o.gold = argv[++i];
		} else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
			if (need(i, argc, a))
				return EXIT_USAGE;
			out = argv[++i];
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "canopy import: unknown option '%s' (try 'canopy import --help')\n", a);
			return EXIT_USAGE;
		} else if (o.path) {
			fprintf(stderr, "canopy import: one FILE at a time ('%s' and '%s')\n", o.path, a);
			return EXIT_USAGE;
		} else {
			o.path = a;
		}
	}
	const struct import_format *fmt = from ? import_format_lookup(from) : NULL;
	if (!from || !fmt) {
		if (from)
			fprintf(stderr, "canopy import: no format '%s'; there are:", from);
		else
			fprintf(stderr, "canopy import: --from FORMAT is required; one of:");
		for (const struct import_format *const *fm = import_formats(); *fm; fm++)
			fprintf(stderr, " %s", (*fm)->name);
		fputc('\n', stderr);
		return EXIT_USAGE;
	}
	if (!o.path) {
		fprintf(stderr, "canopy import: which FILE? (try 'canopy import --help')\n");
		return EXIT_USAGE;
	}
	if (!out) {
		fprintf(stderr, "canopy import: -o TRACE is required (where to write the trace)\n");
		return EXIT_USAGE;
	}
	struct import_result res;
	char err[1200];
	if (import_run(fmt, &o, out, &res, err, sizeof err)) {
		fprintf(stderr, "canopy import: %s\n", err);
		return EXIT_FAILED;
	}
	if (res.warning[0])
		fprintf(stderr, "canopy import: warning: %s\n", res.warning);
	fprintf(stderr, "canopy import: %s: %zu nodes, %llu events; final answer %s%s%s%s\n", out, res.nodes,
		(unsigned long long)res.events, res.final_answer ? res.final_answer : "(none)",
		res.correct < 0 ? "" : " (", res.correct < 0 ? "" : res.correct ? "correct" : "wrong",
		res.correct < 0 ? "" : ")");
	fprintf(stderr, "  replay it with: canopy replay %s\n", out);
	return EXIT_OK;
}
