/* export_int: what the export's files share (not for use elsewhere). */
#ifndef CANOPY_EXPORT_INT_H
#define CANOPY_EXPORT_INT_H

#include "export.h"

int export_write_svg(FILE *f, const struct export_input *in);
/* A score as a colour, red (0) through yellow to green (1), "#rrggbb". */
void export_score_colour(double v, char *buf, size_t len);

#endif
