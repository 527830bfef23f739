/* steps: cutting a text into reasoning steps. */
#include <ctype.h>
#include <string.h>

#include "steps.h"
#include "util.h"

static int is_step_marker(const char *p, const char *end)
{
	static const char *const marks[] = {"Step ", "Sub-question "};
	for (int i = 0; i < 2; i++) {
		size_t m = strlen(marks[i]);
		if ((size_t)(end - p) > m && !strncmp(p, marks[i], m)) {
			const char *q = p + m;
			if (q < end && isdigit((unsigned char)*q)) {
				while (q < end && isdigit((unsigned char)*q))
					q++;
				if (q < end && *q == ':')
					return 1;
			}
		}
	}
	return 0;
}

static void trim(struct step_span *sp)
{
	while (sp->n && isspace((unsigned char)sp->p[0])) {
		sp->p++;
		sp->n--;
	}
	while (sp->n && isspace((unsigned char)sp->p[sp->n - 1]))
		sp->n--;
}

/* ALGORITHMS.md: a step is split on a blank line, or on "Step k:". */
size_t steps_split(const char *text, size_t len, struct step_span **out)
{
	const char *end = text + len;
	size_t n = 0, cap = 8;
	struct step_span *sp = xmalloc(cap * sizeof *sp);
	int blank = 0;
	for (const char *p = text; p + 1 < end; p++)
		if (p[0] == '\n' && (p[1] == '\n' || (p[1] == '\r' && p + 2 < end && p[2] == '\n')))
			blank = 1;
	const char *start = text;
	for (const char *p = text; p <= end; p++) {
		int cut = 0;
		const char *next = p;
		if (p == end) {
			cut = 1;
		} else if (blank) {
			if (*p == '\n' && p + 1 < end && (p[1] == '\n' || p[1] == '\r')) {
				cut = 1;
				next = p + 1;
			}
		} else if (p != text && p[-1] == '\n' && is_step_marker(p, end)) {
			cut = 1;
		}
		if (!cut)
			continue;
		struct step_span s = {start, (size_t)(p - start)};
		trim(&s);
		if (s.n) {
			if (n == cap)
				sp = xrealloc(sp, (cap *= 2) * sizeof *sp);
			sp[n++] = s;
		}
		start = next;
	}
	*out = sp;
	return n;
}

