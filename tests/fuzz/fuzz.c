/* fuzz: libFuzzer's entry for canopy's parsers.  One binary serves every
 * target: FUZZ_TARGET=NAME chooses it (make fuzz sets it for each). */
#include <stdio.h>
#include <stdlib.h>

#include "targets.h"

static const struct fuzz_target *target;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	target = fuzz_target_lookup(getenv("FUZZ_TARGET"));
	if (!target) {
		fprintf(stderr, "fuzz: set FUZZ_TARGET to one of:");
		for (const struct fuzz_target *t = fuzz_targets; t->name; t++)
			fprintf(stderr, " %s", t->name);
		fputc('\n', stderr);
		exit(2);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	return target->run(data, n);
}
