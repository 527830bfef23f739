/* canopy prompts: which template file each kind of request is asked
 * with, and its text, so a user can copy one and reword it. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "cmd_common.h"
#include "options.h"
#include "prompt.h"

void usage_prompts(FILE *f)
{
	fprintf(f,
		"usage: canopy prompts [--prompts DIR] [NAME]\n"
		"\n"
		"Lists the prompt templates canopy asks model servers with, and the file\n"
		"each comes from; with NAME, prints that template. A file of the same name\n"
		"in --prompts DIR or $XDG_CONFIG_HOME/canopy/prompts wins over the\n"
		"installed one, e.g.\n"
		"  mkdir -p ~/.config/canopy/prompts\n"
		"  canopy prompts step > ~/.config/canopy/prompts/step.txt\n"
		"The templates in use are copied into every trace's header.\n");
	options_help(f, W_PROMPTS);
	fprintf(f, "\nExit status: 0 done, 1 a template is broken or missing, 2 bad usage.\n");
}

int cmd_prompts(int argc, char **argv)
{
	const char *dir = NULL, *name = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage_prompts(stdout);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--prompts")) {
			if (++i == argc) {
				fprintf(stderr, "canopy prompts: --prompts needs a directory\n");
				return EXIT_USAGE;
			}
			dir = argv[i];
		} else if (argv[i][0] == '-' || name) {
			say(stderr, "canopy prompts: unexpected argument '%s' (try 'canopy prompts --help')\n",
				argv[i]);
			return EXIT_USAGE;
		} else {
			name = argv[i];
		}
	}
	char err[600];
	if (prompts_load(dir, err, sizeof err)) {
		say(stderr, "canopy prompts: %s\n", err);
		return EXIT_FAILED;
	}
	int status = EXIT_OK;
	if (name) {
		int found = 0;
		for (int id = 0; id < PROMPT_COUNT; id++)
			if (!strcmp(name, prompt_name((enum prompt_id)id))) {
				fputs(prompts_get((enum prompt_id)id)->text, stdout);
				found = 1;
			}
		if (!found) {
			fprintf(stderr, "canopy prompts: no template '%s'; there are:", name);
			for (int id = 0; id < PROMPT_COUNT; id++)
				fprintf(stderr, " %s", prompt_name((enum prompt_id)id));
			fputc('\n', stderr);
			status = EXIT_USAGE;
		}
	} else {
		for (int id = 0; id < PROMPT_COUNT; id++)
			say(stdout, "%-14s %s\n", prompt_name((enum prompt_id)id), prompts_get((enum prompt_id)id)->path);
	}
	prompts_free();
	return status;
}
