/* plot: accuracy against compute, one line a strategy, drawn in text for a
 * terminal or as a self-contained SVG file (the scaling curves of Snell et
 * al. and Wu et al.). */
#ifndef CANOPY_PLOT_H
#define CANOPY_PLOT_H

#include <stddef.h>
#include <stdio.h>

struct plot_series {
	const char *name;
	size_t n;
	const double *x, *y;   /* the points, in order of x */
	const double *lo, *hi; /* y's interval, or NULL */
};

struct plot {
	const char *title, *xlabel, *ylabel;
	int logx;
	const struct plot_series *s;
	size_t ns;
};

/* The marker a series is drawn with in text. */
char plot_marker(size_t series);
/* Draws the plot in a width x height character area (plus axes, labels
 * and the legend), in ASCII. */
void plot_text(FILE *f, const struct plot *p, int width, int height);
/* Writes the plot as an SVG file; 0, or -1 with "PATH: why". */
int plot_svg(const char *path, const struct plot *p, char *err, size_t errlen);

#endif
