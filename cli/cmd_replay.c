/* canopy replay TRACE: the terminal UI on a saved trace. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "keys.h"
#include "ui.h"

void usage_replay(FILE *f)
{
	fprintf(f,
		"usage: canopy replay TRACE [--theme NAME]\n"
		"       canopy TRACE\n"
		"\n"
		"Opens a saved trace in the terminal UI, at its end.  space plays it from\n"
		"the start, + and - change the speed, [ and ] step one event, { and } one\n"
		"unit of work, g and G go to the start and the end; ? lists every key.\n"
		"\n"
		"  --theme NAME   default, light, mono, high-contrast, forest, or your own\n"
		"\n"
		"Exit status: 0 done, 1 the trace is invalid, 2 bad usage.\n");
}

void print_keys(FILE *f)
{
	static const char *const modes[] = {"", "live", "replay", ""};
	for (size_t i = 0; i < key_table_len; i++)
		fprintf(f, "%s\t%s\t%s\n", key_table[i].shown, modes[key_table[i].modes], key_table[i].help);
}

int cmd_replay(int argc, char **argv)
{
	static const struct option opts[] = {
		{"theme", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct ui_options o = {NULL, 0};
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c == 't') {
			o.theme = optarg;
		} else if (c == 'h') {
			usage_replay(stdout);
			return EXIT_OK;
		} else {
			fprintf(stderr, "canopy replay: unknown option '%s'\n", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "canopy replay: which trace? (canopy replay TRACE)\n");
		return EXIT_USAGE;
	}
	if (!isatty(0) || !isatty(1)) {
		fprintf(stderr, "canopy replay: the UI needs a terminal (canopy check or export read traces headless)\n");
		return EXIT_USAGE;
	}
	return ui_run_replay(argv[optind], &o);
}
