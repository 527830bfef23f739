/* plot: where the points land in text, the axes and legend, and the SVG's
 * pieces, for series worked out by hand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plot.h"
#include "tap.h"

static char *render(const struct plot *p, int w, int h)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	plot_text(f, p, w, h);
	fclose(f);
	return buf;
}

/* The character at plot column c, row r (rows from the top of the area). */
static char at(const char *text, int skip, int r, int c)
{
	const char *p = text;
	for (int i = 0; i < skip + r && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return p ? p[8 + c] : '?';
}

int main(void)
{
	/* x 100..1600 on a log axis, y 0.2..1.0: A rises, B is flat at 0.5 */
	double ax[] = {100, 400, 1600}, ay[] = {0.2, 0.6, 1.0};
	double bx[] = {100, 1600}, by[] = {0.5, 0.5};
	struct plot_series s[] = {{"A", 3, ax, ay, NULL, NULL}, {"B", 2, bx, by, NULL, NULL}};
	struct plot p = {"T", "tokens", "accuracy", 1, s, 2};
	char *t = render(&p, 41, 9);
	/* title and ylabel take two lines; y runs 0.2 (row 8) to 1.0 (row 0);
	 * x is padded 4% each side: log10 100 = 2, 1600 = 3.204; span 1.204,
	 * pad 0.048: 100 at col round(0.048/1.300*40) = 1, 1600 at 39,
	 * 400 (2.602) at round(0.650/1.300*40) = 20; y at row
	 * 8 - round((y - 0.2) / 0.8 * 8): 0.6 on row 4, 0.5 on row 5 */
	ok(at(t, 2, 8, 1) == '*', "A's first point: bottom left");
	ok(at(t, 2, 0, 39) == '*', "A's last point: top right");
	ok(at(t, 2, 4, 20) == '*', "A's middle point (0.6, at 400): row 4, the middle column");
	ok(at(t, 2, 5, 1) == 'o' && at(t, 2, 5, 39) == 'o', "B's points at 0.5: row 5, both ends");
	ok(at(t, 2, 5, 30) == '.', "and a dotted line between them");
	ok(strstr(t, "  1.00 |") && strstr(t, "  0.20 |") && strstr(t, "  0.60 |"), "y labels: top, middle, bottom");
	ok(strstr(t, "\n        tokens\n") != NULL, "the x label under the axis");
	ok(strstr(t, "  * A  o B") != NULL, "the legend");
	ok(strstr(t, "128") && strstr(t, "1024"), "x ticks at powers of two in range");
	free(t);

	char path[] = "/tmp/canopy-plot-XXXXXX";
	close(mkstemp(path));
	char err[300];
	double lo[] = {0.1, 0.5, 0.9}, hi[] = {0.3, 0.7, 1.0};
	s[0].lo = lo;
	s[0].hi = hi;
	ok(plot_svg(path, &p, err, sizeof err) == 0, "the SVG is written: %s", err);
	FILE *f = fopen(path, "r");
	char buf[16384];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	ok(!strncmp(buf, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39), "an SVG root with its namespace");
	int lines = 0;
	for (char *q = buf; (q = strstr(q, "<polyline")); q++)
		lines++;
	is_int(lines, 2, "a polyline a series");
	ok(strstr(buf, "<title>A: 0.600 at 400</title>") != NULL, "each point says its value");
	ok(strstr(buf, "stroke-opacity=\"0.4\"") != NULL, "the intervals are drawn");
	ok(strstr(buf, ">accuracy</text>") && strstr(buf, ">tokens</text>"), "both axis labels");
	ok(plot_svg("/nonexistent/dir/p.svg", &p, err, sizeof err) == -1 && strstr(err, "/nonexistent/dir/p.svg:"),
	   "an unwritable path is named: %s", err);
	unlink(path);
	return tap_done();
}
