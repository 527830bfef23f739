#include "plot.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char markers[] = "*o+x#@%&";

char plot_marker(size_t series)
{
	return markers[series % (sizeof markers - 1)];
}

struct ranges {
	double x0, x1, y0, y1;
};

static double tx(const struct plot *p, double x)
{
	return p->logx ? log10(x > 0 ? x : 1e-9) : x;
}

static void ranges_of(const struct plot *p, struct ranges *r)
{
	r->x0 = INFINITY;
	r->x1 = -INFINITY;
	r->y0 = INFINITY;
	r->y1 = -INFINITY;
	for (size_t i = 0; i < p->ns; i++)
		for (size_t k = 0; k < p->s[i].n; k++) {
			double x = tx(p, p->s[i].x[k]), y = p->s[i].y[k];
			double lo = p->s[i].lo ? p->s[i].lo[k] : y, hi = p->s[i].hi ? p->s[i].hi[k] : y;
			if (!isfinite(x) || !isfinite(y))
				continue;
			r->x0 = fmin(r->x0, x);
			r->x1 = fmax(r->x1, x);
			r->y0 = fmin(r->y0, fmin(y, lo));
			r->y1 = fmax(r->y1, fmax(y, hi));
		}
	if (!isfinite(r->x0)) {
		r->x0 = 0;
		r->x1 = 1;
	}
	if (r->x1 - r->x0 < 1e-9) {
		r->x0 -= 0.5;
		r->x1 += 0.5;
	}
	/* accuracy: whole tenths around what there is */
	r->y0 = isfinite(r->y0) ? floor(r->y0 * 10) / 10 : 0;
	r->y1 = isfinite(r->y1) ? ceil(r->y1 * 10) / 10 : 1;
	if (r->y1 - r->y0 < 0.1)
		r->y1 = r->y0 + 0.1;
	/* a little room left and right so end points are not on the axis */
	double pad = (r->x1 - r->x0) * 0.04;
	r->x0 -= pad;
	r->x1 += pad;
}

/* Tick values on the x axis: powers of two (log scale) or even steps. */
static size_t x_ticks(const struct plot *p, const struct ranges *r, double *out, size_t max)
{
	size_t n = 0;
	if (p->logx) {
		/* powers of two, every stride-th so that there are at most 8 */
		double lo = pow(10, r->x0), hi = pow(10, r->x1);
		int e0 = (int)ceil(log2(lo)), e1 = (int)floor(log2(hi));
		int stride = (e1 - e0 + 1 + 7) / 8;
		if (stride < 1)
			stride = 1;
		for (int e = e0; e <= e1 && n < max; e += stride)
			out[n++] = ldexp(1.0, e);
	} else {
		for (int i = 0; i <= 4 && n < max; i++)
			out[n++] = r->x0 + (r->x1 - r->x0) * i / 4;
	}
	return n;
}

static void fmt_x(double v, char *buf, size_t len)
{
	if (v >= 1e6)
		snprintf(buf, len, "%.3gM", v / 1e6);
	else if (v >= 1e4)
		snprintf(buf, len, "%.3gk", v / 1e3);
	else
		snprintf(buf, len, "%.4g", v);
}

void plot_text(FILE *f, const struct plot *p, int width, int height)
{
	if (width < 20)
		width = 20;
	if (height < 6)
		height = 6;
	struct ranges r;
	ranges_of(p, &r);
	char *grid = xmalloc((size_t)width * (size_t)height);
	memset(grid, ' ', (size_t)width * (size_t)height);
#define COL(x) ((int)lround((tx(p, x) - r.x0) / (r.x1 - r.x0) * (width - 1)))
#define ROW(y) ((height - 1) - (int)lround(((y) - r.y0) / (r.y1 - r.y0) * (height - 1)))
	for (size_t i = 0; i < p->ns; i++) {
		const struct plot_series *s = &p->s[i];
		/* the line first, dots between points; the markers over it */
		for (size_t k = 1; k < s->n; k++) {
			int c0 = COL(s->x[k - 1]), c1 = COL(s->x[k]);
			int r0 = ROW(s->y[k - 1]), r1 = ROW(s->y[k]);
			int steps = abs(c1 - c0) + abs(r1 - r0) + 1;
			for (int t = 1; t < steps; t++) {
				int c = c0 + (int)lround((double)(c1 - c0) * t / steps);
				int rr = r0 + (int)lround((double)(r1 - r0) * t / steps);
				if (c >= 0 && c < width && rr >= 0 && rr < height && grid[rr * width + c] == ' ')
					grid[rr * width + c] = '.';
			}
		}
	}
	for (size_t i = 0; i < p->ns; i++)
		for (size_t k = 0; k < p->s[i].n; k++) {
			int c = COL(p->s[i].x[k]), rr = ROW(p->s[i].y[k]);
			if (c >= 0 && c < width && rr >= 0 && rr < height)
				grid[rr * width + c] = plot_marker(i);
		}
	if (p->title)
		fprintf(f, "%s\n", p->title);
	fprintf(f, "%s\n", p->ylabel ? p->ylabel : "");
	for (int row = 0; row < height; row++) {
		double y = r.y1 - (r.y1 - r.y0) * row / (height - 1);
		int label = row == 0 || row == height - 1 || row == (height - 1) / 2;
		if (label)
			fprintf(f, "%6.2f |", y);
		else
			fprintf(f, "       |");
		fwrite(grid + row * width, 1, (size_t)width, f);
		fputc('\n', f);
	}
	fprintf(f, "       +");
	double ticks[16];
	size_t nt = x_ticks(p, &r, ticks, 16);
	char *axis = xmalloc((size_t)width + 1), *labels = xmalloc((size_t)width + 16);
	memset(axis, '-', (size_t)width);
	axis[width] = '\0';
	memset(labels, ' ', (size_t)width + 15);
	labels[width + 15] = '\0';
	for (size_t i = 0; i < nt; i++) {
		int c = COL(ticks[i]);
		if (c < 0 || c >= width)
			continue;
		axis[c] = '+';
		char buf[16];
		fmt_x(ticks[i], buf, sizeof buf);
		int at = c - (int)strlen(buf) / 2;
		if (at < 0)
			at = 0;
		/* a label that would run into the last one is left out */
		int clear = 1;
		for (size_t k = 0; k < strlen(buf) + 1 && at + (int)k < width + 15; k++)
			clear &= labels[at + (int)k] == ' ' && (at == 0 || labels[at - 1] == ' ');
		if (clear)
			memcpy(labels + at, buf, strlen(buf));
	}
	fprintf(f, "%s\n", axis);
	size_t end = strlen(labels);
	while (end && labels[end - 1] == ' ')
		labels[--end] = '\0';
	fprintf(f, "        %s\n", labels);
	fprintf(f, "        %s\n", p->xlabel ? p->xlabel : "");
	fprintf(f, "       ");
	for (size_t i = 0; i < p->ns; i++)
		fprintf(f, "  %c %s", plot_marker(i), p->s[i].name);
	fputc('\n', f);
	free(axis);
	free(labels);
	free(grid);
#undef COL
#undef ROW
}

static void xml_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f); break;
		}
	}
}

int plot_svg(const char *path, const struct plot *p, char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	static const char *const colours[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
					      "#9467bd", "#8c564b", "#e377c2", "#17becf"};
	const double W = 760, H = 460, L = 70, R = 200, T = 50, B = 70;
	const double pw = W - L - R, ph = H - T - B;
	struct ranges r;
	ranges_of(p, &r);
#define SX(x) (L + (tx(p, x) - r.x0) / (r.x1 - r.x0) * pw)
#define SY(y) (T + ph - ((y) - r.y0) / (r.y1 - r.y0) * ph)
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" "
		   "height=\"%.0f\" font-family=\"sans-serif\" font-size=\"12\">\n",
		W, H, W, H);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	if (p->title) {
		fprintf(f, "<text x=\"%.1f\" y=\"28\" font-size=\"15\" font-weight=\"bold\">", L);
		xml_text(f, p->title);
		fprintf(f, "</text>\n");
	}
	/* the grid and the axes */
	for (int i = 0; i <= 10; i++) {
		double y = r.y0 + (r.y1 - r.y0) * i / 10;
		if (fabs(y * 10 - lround(y * 10)) > 1e-6)
			continue;
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>\n", L, SY(y),
			L + pw, SY(y));
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>\n", L - 6, SY(y) + 4, y);
	}
	double ticks[16];
	size_t nt = x_ticks(p, &r, ticks, 16);
	for (size_t i = 0; i < nt; i++) {
		char buf[16];
		fmt_x(ticks[i], buf, sizeof buf);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>\n", SX(ticks[i]),
			T, SX(ticks[i]), T + ph);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", SX(ticks[i]),
			T + ph + 18, buf);
	}
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#333\"/>\n", L,
		T, pw, ph);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", L + pw / 2, H - 22);
	xml_text(f, p->xlabel);
	fprintf(f, "</text>\n<text transform=\"translate(20,%.1f) rotate(-90)\" text-anchor=\"middle\">", T + ph / 2);
	xml_text(f, p->ylabel);
	fprintf(f, "</text>\n");
	/* the series: intervals, lines, points; then the legend */
	for (size_t i = 0; i < p->ns; i++) {
		const struct plot_series *s = &p->s[i];
		const char *c = colours[i % 8];
		for (size_t k = 0; s->lo && s->hi && k < s->n; k++)
			fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-opacity=\"0.4\"/>\n",
				SX(s->x[k]), SY(s->lo[k]), SX(s->x[k]), SY(s->hi[k]), c);
		fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", c);
		for (size_t k = 0; k < s->n; k++)
			fprintf(f, "%s%.1f,%.1f", k ? " " : "", SX(s->x[k]), SY(s->y[k]));
		fprintf(f, "\"/>\n");
		for (size_t k = 0; k < s->n; k++) {
			fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>", SX(s->x[k]),
				SY(s->y[k]), c);
			xml_text(f, s->name);
			fprintf(f, ": %.3f at %.0f</title></circle>\n", s->y[k], s->x[k]);
		}
		double ly = T + 10 + 20.0 * (double)i;
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"/>\n",
			L + pw + 16, ly, L + pw + 40, ly, c);
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>\n", L + pw + 28, ly, c);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">", L + pw + 46, ly + 4);
		xml_text(f, s->name);
		fprintf(f, "</text>\n");
	}
	fprintf(f, "</svg>\n");
#undef SX
#undef SY
	if (fclose(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
