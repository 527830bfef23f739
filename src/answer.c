#include "answer.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

static const char *find_last(const char *hay, size_t len, const char *needle, int icase)
{
	size_t n = strlen(needle);
	if (n > len)
		return NULL;
	int first = tolower((unsigned char)needle[0]);
	for (size_t i = len - n + 1; i-- > 0;) {
		if ((icase ? tolower((unsigned char)hay[i]) : (unsigned char)hay[i]) != first)
			continue;
		if (icase ? !strncasecmp(hay + i, needle, n) : !memcmp(hay + i, needle, n))
			return hay + i;
	}
	return NULL;
}

static char *trim_dup(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return n ? xstrndup(s, n) : NULL;
}

char *answer_extract(const char *text, size_t len)
{
	const char *b = find_last(text, len, "\\boxed", 0);
	if (b) {
		const char *p = b + 6, *end = text + len;
		while (p < end && *p == ' ')
			p++;
		if (p < end && *p == '{') {
			int depth = 0;
			const char *start = p + 1;
			for (; p < end; p++) {
				if (*p == '{')
					depth++;
				else if (*p == '}' && --depth == 0)
					return trim_dup(start, (size_t)(p - start));
			}
		}
	}
	const char *h = find_last(text, len, "####", 0);
	if (h) {
		const char *p = h + 4, *end = text + len, *e = p;
		while (e < end && *e != '\n')
			e++;
		char *r = trim_dup(p, (size_t)(e - p));
		if (r)
			return r;
	}
	const char *a = find_last(text, len, "the answer is", 1);
	if (a) {
		const char *p = a + 13, *end = text + len, *e;
		if (p < end && *p == ':')
			p++;
		/* up to the end of the sentence: a newline, or a full stop that
		 * is not a decimal point */
		for (e = p; e < end && *e != '\n'; e++)
			if (*e == '.' && !(e + 1 < end && isdigit((unsigned char)e[1])))
				break;
		return trim_dup(p, (size_t)(e - p));
	}
	return NULL;
}

static int starts(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

static const char *const unit_words[] = {
	"dollars", "dollar", "cents", "cent", "units", "unit", "degrees", "degree",
	"percent", "meters", "metres", "cm", "km", "kg", "hours", "hour",
	"minutes", "minute", "seconds", "days", "day", "miles", "mph", NULL,
};

char *answer_normalize(const char *s)
{
	struct strbuf sb;
	sb_init(&sb);
	/* \text{...} keeps its content; drop LaTeX spacing and sizing */
	for (const char *p = s; *p;) {
		/* most characters start none of the forms below */
		if (*p != '\\' && *p != '^' && *p != '$' && !isspace((unsigned char)*p)) {
			sb_addc(&sb, *p++);
			continue;
		}
		if (starts(p, "\\text{") || starts(p, "\\mbox{") || starts(p, "\\mathrm{")) {
			p = strchr(p, '{') + 1;
			const char *e = strchr(p, '}');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			sb_add(&sb, p, n);
			p += n + (e ? 1 : 0);
			continue;
		}
		if (starts(p, "\\left") || starts(p, "\\right")) {
			p += starts(p, "\\left") ? 5 : 6;
			continue;
		}
		if (starts(p, "\\!") || starts(p, "\\,") || starts(p, "\\;") || starts(p, "\\ ")) {
			p += 2;
			continue;
		}
		if (starts(p, "^\\circ")) {
			p += 6;
			continue;
		}
		if (starts(p, "^{\\circ}")) {
			p += 8;
			continue;
		}
		if (starts(p, "\\dfrac") || starts(p, "\\tfrac")) {
			sb_adds(&sb, "\\frac");
			p += 6;
			continue;
		}
		if (starts(p, "\\$")) { /* an escaped dollar sign is still currency */
			sb_addc(&sb, ' ');
			p += 2;
			continue;
		}
		if (*p == '$' || isspace((unsigned char)*p)) {
			sb_addc(&sb, ' ');
			p++;
			continue;
		}
		sb_addc(&sb, *p++);
	}
	/* drop unit words at the end, then the spaces */
	char *r = sb.s ? sb.s : xstrdup("");
	size_t n = strlen(r);
	/* a number followed by words only ("1000 pens", "12 red apples"):
	 * the words name what was counted, the number is the answer */
	{
		const char *p = r;
		while (*p == ' ')
			p++;
		const char *q = p;
		if (*q == '-' || *q == '+')
			q++;
		const char *digits = q;
		while (isdigit((unsigned char)*q) || *q == ',' || *q == '.')
			q++;
		int words = q > digits && isdigit((unsigned char)*digits) && *q == ' ';
		for (const char *w = q; words && *w; w++)
			if (!isalpha((unsigned char)*w) && *w != ' ' && *w != '\'' && *w != '-' && *w != '.')
				words = 0;
		/* at least one word of two letters, so "2 x" stays an expression */
		int longword = 0;
		for (const char *w = q; words && *w; w++)
			if (isalpha((unsigned char)w[0]) && isalpha((unsigned char)w[1]))
				longword = 1;
		if (words && longword) {
			n = (size_t)(q - r);
			r[n] = '\0';
		}
	}
	for (int again = 1; again;) {
		again = 0;
		while (n && (r[n - 1] == ' ' || r[n - 1] == '.'))
			r[--n] = '\0';
		for (int i = 0; unit_words[i]; i++) {
			size_t w = strlen(unit_words[i]);
			if (n > w && !strcasecmp(r + n - w, unit_words[i]) &&
			    !isalpha((unsigned char)r[n - w - 1])) {
				n -= w;
				r[n] = '\0';
				again = 1;
				break;
			}
		}
	}
	char *o = r;
	for (char *p = r; *p; p++)
		if (*p != ' ')
			*o++ = *p;
	*o = '\0';
	/* thousands separators, only in something that is otherwise a number */
	int digits_commas = *r != '\0';
	for (char *p = r; *p; p++)
		if (!isdigit((unsigned char)*p) && *p != ',' && *p != '.' && !(p == r && *p == '-'))
			digits_commas = 0;
	if (digits_commas && strchr(r, ',')) {
		/* every group after a comma must be three digits */
		int ok = 1;
		for (char *c = strchr(r, ','); c; c = strchr(c + 1, ','))
			if (!(isdigit((unsigned char)c[1]) && isdigit((unsigned char)c[2]) &&
			      isdigit((unsigned char)c[3]) && (c[4] == '\0' || c[4] == ',' || c[4] == '.')))
				ok = 0;
		if (ok) {
			o = r;
			for (char *p = r; *p; p++)
				if (*p != ',')
					*o++ = *p;
			*o = '\0';
		}
	}
	return r;
}

/* Digits with at most one decimal point, a sign, maybe an exponent
 * (9.28e+12, as programs print big numbers), and maybe a trailing %. */
static int parse_plain(const char *s, double *out)
{
	const char *p = s;
	int digits = 0, dots = 0;
	if (*p == '+' || *p == '-')
		p++;
	for (; *p && *p != '%'; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (*p == '.')
			dots++;
		else if ((*p == 'e' || *p == 'E') && digits) {
			const char *q = p + 1;
			if (*q == '+' || *q == '-')
				q++;
			if (!isdigit((unsigned char)*q))
				return 0;
			while (isdigit((unsigned char)*q))
				q++;
			if (*q)
				return 0;
			p = q - 1;
		} else
			return 0;
	}
	if (!digits || dots > 1 || (*p == '%' && p[1]))
		return 0;
	double v = strtod(s, NULL);
	*out = *p == '%' ? v / 100.0 : v;
	return 1;
}

int answer_number(const char *s, double *out)
{
	double sign = 1;
	if (*s == '-') {
		sign = -1;
		s++;
	}
	if (starts(s, "\\frac")) {
		const char *p = s + 5;
		char a[64], b[64];
		if (*p == '{') {
			const char *e = strchr(p, '}');
			if (!e || e - p - 1 >= 63 || e[1] != '{')
				return 0;
			memcpy(a, p + 1, (size_t)(e - p - 1));
			a[e - p - 1] = '\0';
			const char *f = strchr(e + 2, '}');
			if (!f || f - e - 2 >= 63 || f[1])
				return 0;
			memcpy(b, e + 2, (size_t)(f - e - 2));
			b[f - e - 2] = '\0';
		} else if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) && !p[2]) {
			a[0] = p[0];
			a[1] = '\0';
			b[0] = p[1];
			b[1] = '\0';
		} else {
			return 0;
		}
		double x, y;
		if (!answer_number(a, &x) || !answer_number(b, &y) || y == 0)
			return 0;
		*out = sign * x / y;
		return 1;
	}
	const char *slash = strchr(s, '/');
	if (slash && !strchr(slash + 1, '/')) {
		char a[64];
		if (slash - s >= 63 || slash == s)
			return 0;
		memcpy(a, s, (size_t)(slash - s));
		a[slash - s] = '\0';
		double x, y;
		if (!parse_plain(a, &x) || !parse_plain(slash + 1, &y) || y == 0)
			return 0;
		*out = sign * x / y;
		return 1;
	}
	double v;
	if (!parse_plain(s, &v))
		return 0;
	*out = sign * v;
	return 1;
}

int answer_numbers_equal(double x, double y)
{
	/* symmetric, and an infinity (a number too large to read, 5e21220000)
	 * equals nothing: with the tolerance scaled by y alone, y = inf made
	 * every x equal to it and not the other way round */
	if (!isfinite(x) || !isfinite(y))
		return 0;
	return fabs(x - y) <= 1e-6 * fmax(1.0, fmax(fabs(x), fabs(y)));
}

/* Splits "(a,b,c)" or "[a,b)" into elements at top-level commas. */
static int split_tuple(const char *s, char ***parts, size_t *n, char *open, char *close)
{
	size_t len = strlen(s);
	if (len < 2 || !strchr("([{", s[0]) || !strchr(")]}", s[len - 1]))
		return 0;
	*open = s[0];
	*close = s[len - 1];
	*parts = NULL;
	*n = 0;
	int depth = 0;
	const char *start = s + 1;
	for (const char *p = s + 1; p <= s + len - 1; p++) {
		if (p < s + len - 1 && strchr("([{", *p))
			depth++;
		else if (p < s + len - 1 && strchr(")]}", *p))
			depth--;
		if ((p == s + len - 1) || (*p == ',' && depth == 0)) {
			*parts = xrealloc(*parts, (*n + 1) * sizeof **parts);
			(*parts)[(*n)++] = xstrndup(start, (size_t)(p - start));
			start = p + 1;
		}
	}
	return *n >= 2;
}

static void free_parts(char **parts, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(parts[i]);
	free(parts);
}

/* Tuples nested deeper than this compare as text: each level copies its
 * elements, so depth d of an n-byte answer cost n*d (a 64 KB answer took
 * 10 s); no answer means anything by 64 levels of tuples. */
#define MAX_TUPLE_DEPTH 64

static int equal_at(const char *a, const char *b, int depth);

int answer_equal_normalized(const char *a, const char *b)
{
	return equal_at(a, b, 0);
}

static int equal_at(const char *a, const char *b, int depth)
{
	double x, y;
	if (answer_number(a, &x) && answer_number(b, &y))
		return answer_numbers_equal(x, y);
	char **pa = NULL, **pb = NULL;
	size_t na = 0, nb = 0;
	char oa, ca, ob, cb;
	int ta = depth < MAX_TUPLE_DEPTH && split_tuple(a, &pa, &na, &oa, &ca);
	int tb = depth < MAX_TUPLE_DEPTH && split_tuple(b, &pb, &nb, &ob, &cb);
	int eq = -1;
	if (ta && tb) {
		eq = na == nb && oa == ob && ca == cb;
		for (size_t i = 0; eq && i < na; i++)
			eq = equal_at(pa[i], pb[i], depth + 1);
	}
	/* A one-element "(x)" is not a tuple but its part was still copied. */
	free_parts(pa, na);
	free_parts(pb, nb);
	if (eq >= 0)
		return eq;
	return !strcmp(a, b);
}

int answer_equal(const char *a, const char *b)
{
	if (!a || !b)
		return 0;
	char *na = answer_normalize(a), *nb = answer_normalize(b);
	int eq = answer_equal_normalized(na, nb);
	free(na);
	free(nb);
	return eq;
}
