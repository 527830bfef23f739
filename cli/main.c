/* canopy: watch, steer and replay the test-time search of a reasoning
 * model.  This file holds the table of subcommands, which dispatches,
 * prints `canopy --help` and answers `canopy help NAME`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "cmd_common.h"
#include "config.h"
#include "options.h"

struct cmd_entry {
	const char *name;
	const char *summary; /* for canopy --help and canopy(1)'s COMMANDS */
	unsigned where;      /* its options in the option table */
	int (*run)(int argc, char **argv);
	void (*usage)(FILE *f);
};

static const struct cmd_entry cmd_table[] = {
	{.name = "replay", .summary = "replay a trace in the terminal UI", .where = W_REPLAY, .run = cmd_replay,
	 .usage = usage_replay},
	{.name = "run", .summary = "run a search headless and journal it", .where = W_RUN, .run = cmd_run,
	 .usage = usage_run},
	{.name = "check", .summary = "validate a trace and summarise it", .where = W_CHECK, .run = cmd_check,
	 .usage = usage_check},
	{.name = "export",
	 .summary = "write a trace as JSON, DOT, SVG, a Markdown report or CSV",
	 .where = W_EXPORT,
	 .run = cmd_export,
	 .usage = usage_export},
	{.name = "bench", .summary = "compare strategies on data sets, and draw scaling curves", .where = W_BENCH,
	 .run = cmd_bench, .usage = usage_bench},
	{.name = "prompts", .summary = "list the prompt templates sent to model servers", .where = W_PROMPTS,
	 .run = cmd_prompts, .usage = usage_prompts},
	{.name = "grade", .summary = "grade answers made elsewhere against a data set", .where = W_GRADE,
	 .run = cmd_grade, .usage = usage_grade},
	{.name = "import",
	 .summary = "turn another tool's output into a trace: PRM800K, llm-reasoners, rStar, "
		    "search-and-learn, MAgICoRe, MathCritique",
	 .where = W_IMPORT,
	 .run = cmd_import,
	 .usage = usage_import},
	{.name = NULL},
};

static const struct cmd_entry *cmd_lookup(const char *name)
{
	for (const struct cmd_entry *c = cmd_table; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

void usage_main(FILE *f)
{
	fprintf(f,
		"usage: canopy                      the terminal UI on a live demo search\n"
		"       canopy [RUN OPTIONS]        the UI on that search (on a terminal)\n"
		"       canopy TRACE                the UI replaying a saved trace\n"
		"       canopy COMMAND [OPTIONS]\n"
		"\n"
		"Commands:\n");
	for (const struct cmd_entry *c = cmd_table; c->name; c++)
		options_more_line(f, c->name, c->summary);
	fprintf(f,
		"\n"
		"  canopy --help, canopy COMMAND --help, canopy --version\n"
		"  canopy help keys|marks|commands [--man]   the UI's keys, the marks on its screen and its\n"
		"                                      : commands (as canopy(1))\n"
		"  canopy help options [COMMAND]       every option, one a line\n"
		"\n"
		"A first look, headless: canopy run --show --strategy beam --sim-latency 20\n");
}

/* canopy help [NAME]: a command's --help, or one of the tables. */
static int help(int argc, char **argv)
{
	if (argc < 3) {
		usage_main(stdout);
		return EXIT_OK;
	}
	const char *what = argv[2];
	const struct cmd_entry *c = cmd_lookup(what);
	if (c) {
		c->usage(stdout);
		return EXIT_OK;
	}
	int man = argc > 3 && !strcmp(argv[3], "--man");
	if (!strcmp(what, "keys")) {
		(man ? man_keys : print_keys)(stdout);
		return EXIT_OK;
	}
	if (!strcmp(what, "marks")) {
		(man ? man_marks : print_marks)(stdout);
		return EXIT_OK;
	}
	if (!strcmp(what, "commands")) {
		(man ? man_ui_commands : print_ui_commands)(stdout);
		return EXIT_OK;
	}
	if (!strcmp(what, "options")) {
		/* every option of every subcommand, or of one */
		for (const struct cmd_entry *e = cmd_table; e->name; e++) {
			if (argc > 3 && strcmp(argv[3], e->name))
				continue;
			if (argc <= 3)
				say(stdout, "%s:\n", e->name);
			options_list(stdout, e->where);
		}
		if (argc > 3 && !cmd_lookup(argv[3])) {
			say(stderr, "canopy: no command '%s' (try 'canopy --help')\n", argv[3]);
			return EXIT_USAGE;
		}
		return EXIT_OK;
	}
	say(stderr, "canopy: no command '%s' (try 'canopy --help')\n", what);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	int tty = isatty(0) && isatty(1);
	if (argc < 2) {
		if (tty)
			return cmd_ui(argc, argv, 1); /* a live search to watch */
		usage_main(stderr);
		return EXIT_USAGE;
	}
	const char *c = argv[1];
	if (!strcmp(c, "help"))
		return help(argc, argv);
	if (!strcmp(c, "--help") || !strcmp(c, "-h")) {
		usage_main(stdout);
		return EXIT_OK;
	}
	if (!strcmp(c, "--version") || !strcmp(c, "-V")) {
		say(stdout, "canopy %s\n", PACKAGE_VERSION);
		return EXIT_OK;
	}
	const struct cmd_entry *e = cmd_lookup(c);
	if (e)
		return e->run(argc - 1, argv + 1);
	if (c[0] == '-' && c[1] == '-') {
		/* run options without a command: the UI on a terminal */
		if (tty)
			return cmd_ui(argc, argv, 0);
		return cmd_run(argc, argv);
	}
	if (access(c, F_OK) == 0) {
		/* a trace file: canopy TRACE [--theme NAME] is canopy replay */
		return cmd_replay(argc, argv);
	}
	say(stderr, "canopy: unknown command '%s' (try 'canopy --help')\n", c);
	return EXIT_USAGE;
}
