/* canopy: watch, steer and replay the test-time search of a reasoning
 * model.  This file only dispatches to the subcommands. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"

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
	if (!strcmp(c, "--help") || !strcmp(c, "-h") || !strcmp(c, "help")) {
		if (argc > 2 && strcmp(c, "help") == 0) {
			const char *sub = argv[2];
			if (!strcmp(sub, "run"))
				usage_run(stdout);
			else if (!strcmp(sub, "check"))
				usage_check(stdout);
			else if (!strcmp(sub, "export"))
				usage_export(stdout);
			else if (!strcmp(sub, "bench"))
				usage_bench(stdout);
			else if (!strcmp(sub, "replay"))
				usage_replay(stdout);
			else if (!strcmp(sub, "prompts"))
				usage_prompts(stdout);
			else if (!strcmp(sub, "grade"))
				usage_grade(stdout);
			else if (!strcmp(sub, "import"))
				usage_import(stdout);
			else if (!strcmp(sub, "keys"))
				print_keys(stdout);
			else {
				fprintf(stderr, "canopy: no command '%s' (try 'canopy --help')\n", sub);
				return EXIT_USAGE;
			}
			return EXIT_OK;
		}
		usage_main(stdout);
		return EXIT_OK;
	}
	if (!strcmp(c, "--version") || !strcmp(c, "-V")) {
		printf("canopy %s\n", PACKAGE_VERSION);
		return EXIT_OK;
	}
	if (!strcmp(c, "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(c, "check"))
		return cmd_check(argc - 1, argv + 1);
	if (!strcmp(c, "export"))
		return cmd_export(argc - 1, argv + 1);
	if (!strcmp(c, "bench"))
		return cmd_bench(argc - 1, argv + 1);
	if (!strcmp(c, "replay"))
		return cmd_replay(argc - 1, argv + 1);
	if (!strcmp(c, "prompts"))
		return cmd_prompts(argc - 1, argv + 1);
	if (!strcmp(c, "grade"))
		return cmd_grade(argc - 1, argv + 1);
	if (!strcmp(c, "import"))
		return cmd_import(argc - 1, argv + 1);
	if (c[0] == '-' && c[1] == '-') {
		/* run options without a command: the UI on a terminal */
		if (tty)
			return cmd_ui(argc, argv, 0);
		return cmd_run(argc, argv);
	}
	if (access(c, F_OK) == 0) {
		/* a trace file */
		char *args[] = {argv[0], argv[1], NULL};
		for (int i = 2; i < argc; i++)
			if (strcmp(argv[i], "--theme") == 0 && i + 1 < argc) {
				char *targs[] = {argv[0], argv[1], argv[i], argv[i + 1], NULL};
				return cmd_replay(4, targs);
			}
		return cmd_replay(2, args);
	}
	fprintf(stderr, "canopy: unknown command '%s' (try 'canopy --help')\n", c);
	return EXIT_USAGE;
}
