/* export: a loaded trace as other formats (nested JSON, Graphviz DOT). */
#ifndef CANOPY_EXPORT_H
#define CANOPY_EXPORT_H

#include <stdio.h>

#include "trace.h"

enum export_format { EXPORT_JSON, EXPORT_DOT };

int export_format_parse(const char *s); /* -1 when unknown */
/* Writes the tree; -1 with errno set when writing failed. */
int export_write(FILE *f, const struct trace *tr, enum export_format fmt);

#endif
