/* steps: a generated text cut into reasoning steps, by the one rule
 * ALGORITHMS.md gives (a blank line, else "Step k:" markers), so the
 * search and the importers see the same steps. */
#ifndef CANOPY_STEPS_H
#define CANOPY_STEPS_H

#include <stddef.h>

struct step_span {
	const char *p; /* into the text, not a copy */
	size_t n;
};

/* The steps of text, trimmed, empty ones dropped; the caller frees
 * *out.  Returns how many. */
size_t steps_split(const char *text, size_t len, struct step_span **out);

#endif
