/* canopy import: another tool's output as a canopy trace, to replay,
 * check and export like canopy's own. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmd_common.h"
#include "options.h"
#include "import.h"

void usage_import(FILE *f)
{
	fprintf(f,
		"usage: canopy import --from FORMAT FILE [--index I] [--problem TEXT]\n"
		"                     [--gold ANSWER] -o TRACE\n"
		"\n"
		"Converts another tool's search or labelling output into a canopy trace, so\n"
		"that canopy replays, checks and exports it like its own.  The trace is\n"
		"written whole or not at all.  Each format's fields, and what canopy makes\n"
		"of them, are in canopy(1) under IMPORT FORMATS.\n");
	options_help(f, W_IMPORT);
	fprintf(f, "\nExit status: 0 imported, 1 FILE is unreadable or not that format, 2 bad usage.\n");
}

int cmd_import(int argc, char **argv)
{
	struct import_opts o = {NULL, -1, NULL, NULL};
	const char *from = NULL, *out = NULL;
	char shorts[16], err[1200];
	struct option *opts = options_getopt(W_IMPORT, shorts, sizeof shorts);
	int c, bad = 0;
	double v;
	optind = 1;
	opterr = 0;
	while (!bad && (c = getopt_long(argc, argv, shorts, opts, NULL)) != -1) {
		switch (c) {
		case OPT_FROM: from = optarg; break;
		case OPT_PROBLEM: o.problem = optarg; break;
		case OPT_GOLD: o.gold = optarg; break;
		case 'o': out = optarg; break;
		case OPT_INDEX:
			if (options_number(c, W_IMPORT, optarg, &v, err, sizeof err)) {
				say(stderr, "canopy import: %s\n", err);
				bad = 1;
			}
			o.index = (long)v;
			break;
		case 'h': usage_import(stdout); free(opts); return EXIT_OK;
		case ':':
			say(stderr, "canopy import: %s needs a value\n", argv[optind - 1]);
			bad = 1;
			break;
		default:
			say(stderr, "canopy import: unknown option '%s' (try 'canopy import --help')\n", argv[optind - 1]);
			bad = 1;
			break;
		}
	}
	free(opts);
	if (bad)
		return EXIT_USAGE;
	if (optind + 1 < argc) {
		say(stderr, "canopy import: one FILE at a time ('%s' and '%s')\n", argv[optind], argv[optind + 1]);
		return EXIT_USAGE;
	}
	if (optind < argc)
		o.path = argv[optind];
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
	if (import_run(fmt, &o, out, &res, err, sizeof err)) {
		say(stderr, "canopy import: %s\n", err);
		return EXIT_FAILED;
	}
	if (res.warning[0])
		say(stderr, "canopy import: warning: %s\n", res.warning);
	say(stderr, "canopy import: %s: %zu nodes, %llu events; final answer %s%s%s%s\n", out, res.nodes,
		(unsigned long long)res.events, res.final_answer ? res.final_answer : "(none)",
		res.correct < 0 ? "" : " (", res.correct < 0 ? "" : res.correct ? "correct" : "wrong",
		res.correct < 0 ? "" : ")");
	say(stderr, "  replay it with: canopy replay %s\n", out);
	return EXIT_OK;
}
