/* targets: the fuzz targets, one a parser (see targets.c). */
#ifndef CANOPY_FUZZ_TARGETS_H
#define CANOPY_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

struct fuzz_target {
	const char *name; /* also its corpus: tests/fuzz/corpus/NAME */
	const char *what;
	int (*run)(const uint8_t *data, size_t n);
};

extern const struct fuzz_target fuzz_targets[];
const struct fuzz_target *fuzz_target_lookup(const char *name);

#endif
