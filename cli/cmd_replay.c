/* canopy replay TRACE: the terminal UI on a saved trace. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "cmd_common.h"
#include "options.h"
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
		"unit of work, g and G go to the start and the end; ? lists every key.\n");
	options_help(f, W_REPLAY);
	fprintf(f, "\nExit status: 0 done, 1 the trace is invalid, 2 bad usage.\n");
}

void print_keys(FILE *f)
{
	static const char *const modes[] = {"", "live", "replay", ""};
	for (size_t i = 0; i < key_table_len; i++)
		say(f, "%s\t%s\t%s\n", key_table[i].shown, modes[key_table[i].modes], key_table[i].help);
}

int cmd_replay(int argc, char **argv)
{
	char shorts[16];
	struct option *opts = options_getopt(W_REPLAY, shorts, sizeof shorts);
	struct ui_options o = {.theme = NULL};
	int c, rc = -1;
	optind = 1;
	opterr = 0;
	while (rc < 0 && (c = getopt_long(argc, argv, shorts, opts, NULL)) != -1) {
		if (c == OPT_THEME) {
			o.theme = optarg;
		} else if (c == 'h') {
			usage_replay(stdout);
			rc = EXIT_OK;
		} else {
			say(stderr, "canopy replay: unknown option '%s'\n", argv[optind - 1]);
			rc = EXIT_USAGE;
		}
	}
	free(opts);
	if (rc >= 0)
		return rc;
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
