/* canopy: watch, steer and replay the test-time search of a reasoning
 * model.  This file only dispatches to the subcommands. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "config.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
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
	fprintf(stderr, "canopy: unknown command '%s' (try 'canopy --help')\n", c);
	return EXIT_USAGE;
}
