/* run_show: what canopy run prints on stderr while a search runs: one
 * status line redrawn on a terminal, or (--show) the search as it grows. */
#ifndef CANOPY_RUN_SHOW_H
#define CANOPY_RUN_SHOW_H

#include <stdint.h>
#include <stdio.h>

#include "search.h"

struct printer {
	int show, quiet, tty;
	int32_t pruned[16]; /* prunes by the search, shown on one line */
	size_t npruned, more_pruned;
	double last_draw;
	FILE *f;
	struct strbuf line; /* a line being made (free with sb_free) */
};

/* A search listener (search_set_listener) with a struct printer. */
void run_show_on_event(void *ctx, const struct search *s, const struct event *ev);

#endif
