#include "jscan.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct scanner {
	const char *s, *end, *p;
	char *err;
	size_t errlen;
	int failed;
};

static int fail(struct scanner *sc, const char *msg)
{
	if (!sc->failed) {
		snprintf(sc->err, sc->errlen, "%s", msg);
		sc->failed = 1;
	}
	return -1;
}

static void skip_ws(struct scanner *sc)
{
	while (sc->p < sc->end &&
	       (*sc->p == ' ' || *sc->p == '\t' || *sc->p == '\n' || *sc->p == '\r'))
		sc->p++;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The four hex digits at p as a number, or -1 when one is not a digit. */
static int hex4(const char *p)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		int h = hexval(p[i]);
		if (h < 0)
			return -1;
		v = v << 4 | h;
	}
	return v;
}

/* 1 for bytes that stand for themselves inside a string: printable ASCII
 * but the quote and the backslash.  The common case costs one load. */
static const unsigned char plain_byte[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static int scan_string(struct scanner *sc, int *escaped)
{
	/* at the opening quote */
	sc->p++;
	*escaped = 0;
	while (sc->p < sc->end) {
		while (sc->p < sc->end && plain_byte[(unsigned char)*sc->p])
			sc->p++;
		if (sc->p >= sc->end)
			break;
		unsigned char c = (unsigned char)*sc->p;
		if (c == '"') {
			sc->p++;
			return 0;
		}
		if (c < 0x20)
			return fail(sc, "control character inside a string");
		if (c == '\\') {
			*escaped = 1;
			if (++sc->p >= sc->end)
				break;
			switch (*sc->p) {
			case '"': case '\\': case '/': case 'b': case 'f':
			case 'n': case 'r': case 't':
				sc->p++;
				break;
			case 'u': {
				const char *esc = sc->p - 1; /* where errors point: the backslash */
				if (sc->end - sc->p < 5)
					return fail(sc, "truncated \\u escape");
				int cp = hex4(sc->p + 1);
				if (cp < 0)
					return fail(sc, "bad \\u escape");
				sc->p += 5;
				/* a surrogate must come as a pair: a lone one is no
				 * character (canopy never writes one, and cJSON, which
				 * reads parts of a line, refuses it) */
				if (cp >= 0xDC00 && cp <= 0xDFFF) {
					sc->p = esc;
					return fail(sc, "lone surrogate in a \\u escape");
				}
				if (cp >= 0xD800 && cp <= 0xDBFF) {
					int lo = -1;
					if (sc->end - sc->p >= 6 && sc->p[0] == '\\' && sc->p[1] == 'u')
						lo = hex4(sc->p + 2);
					if (lo < 0xDC00 || lo > 0xDFFF) {
						sc->p = esc;
						return fail(sc, "lone surrogate in a \\u escape");
					}
					sc->p += 6;
				}
				break;
			}
			default:
				return fail(sc, "bad escape in a string");
			}
			continue;
		}
		if (c < 0x80) {
			sc->p++;
			continue;
		}
		int n = utf8_seq_len((const unsigned char *)sc->p, (size_t)(sc->end - sc->p));
		if (!n)
			return fail(sc, "invalid UTF-8 in a string");
		sc->p += n;
	}
	return fail(sc, "unterminated string");
}

static double slow_number(const char *s, size_t n)
{
	char buf[64];
	if (n < sizeof buf) {
		memcpy(buf, s, n);
		buf[n] = '\0';
		return strtod(buf, NULL);
	}
	char *tmp = xstrndup(s, n);
	double v = strtod(tmp, NULL);
	free(tmp);
	return v;
}

/* Validates a JSON number and, when out is given, computes its value.
 * Most numbers in a journal are short (ids, "t", scores), and for those an
 * exact integer mantissa divided by an exact power of ten is correctly
 * rounded (Clinger's fast path), so strtod is needed only for the rest. */
static int scan_number(struct scanner *sc, double *out)
{
	static const double pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
				       1e11, 1e12, 1e13, 1e14, 1e15};
	const char *start = sc->p;
	uint64_t mant = 0;
	int digits = 0, frac = 0, slow = 0;
	int neg = sc->p < sc->end && *sc->p == '-';
	sc->p += neg;
	if (sc->p >= sc->end)
		return fail(sc, "bad number");
	if (*sc->p == '0') {
		sc->p++;
	} else if (*sc->p >= '1' && *sc->p <= '9') {
		while (sc->p < sc->end && *sc->p >= '0' && *sc->p <= '9') {
			mant = mant * 10 + (uint64_t)(*sc->p++ - '0');
			digits++;
		}
	} else {
		return fail(sc, "bad number");
	}
	if (sc->p < sc->end && *sc->p == '.') {
		sc->p++;
		if (sc->p >= sc->end || *sc->p < '0' || *sc->p > '9')
			return fail(sc, "bad number");
		while (sc->p < sc->end && *sc->p >= '0' && *sc->p <= '9') {
			if (mant || *sc->p != '0')
				digits++;
			mant = mant * 10 + (uint64_t)(*sc->p++ - '0');
			frac++;
		}
	}
	if (sc->p < sc->end && (*sc->p == 'e' || *sc->p == 'E')) {
		slow = 1;
		sc->p++;
		if (sc->p < sc->end && (*sc->p == '+' || *sc->p == '-'))
			sc->p++;
		if (sc->p >= sc->end || *sc->p < '0' || *sc->p > '9')
			return fail(sc, "bad number");
		while (sc->p < sc->end && *sc->p >= '0' && *sc->p <= '9')
			sc->p++;
	}
	if (slow || digits > 15 || frac > 15) {
		/* a number no double holds (1e999) is refused wherever it is:
		 * written back it would be null, so it would not round-trip */
		double v = slow_number(start, (size_t)(sc->p - start));
		if (!isfinite(v))
			return fail(sc, "number out of range");
		if (out)
			*out = v;
	} else if (out) {
		double v = (double)mant / pow10[frac];
		*out = neg ? -v : v;
	}
	return 0;
}

static int scan_literal(struct scanner *sc, const char *lit)
{
	size_t n = strlen(lit);
	if ((size_t)(sc->end - sc->p) < n || memcmp(sc->p, lit, n))
		return fail(sc, "unexpected character");
	sc->p += n;
	return 0;
}

static int scan_value(struct scanner *sc, int depth, struct jfield *f);

static int scan_container(struct scanner *sc, int depth, char close)
{
	if (depth >= JSCAN_MAX_DEPTH)
		return fail(sc, "nested too deeply");
	sc->p++;
	skip_ws(sc);
	if (sc->p < sc->end && *sc->p == close) {
		sc->p++;
		return 0;
	}
	for (;;) {
		skip_ws(sc);
		if (close == '}') {
			int esc;
			if (sc->p >= sc->end || *sc->p != '"')
				return fail(sc, "expected a key");
			if (scan_string(sc, &esc))
				return -1;
			skip_ws(sc);
			if (sc->p >= sc->end || *sc->p != ':')
				return fail(sc, "expected ':'");
			sc->p++;
		}
		if (scan_value(sc, depth + 1, NULL))
			return -1;
		skip_ws(sc);
		if (sc->p >= sc->end)
			return fail(sc, "unterminated object or array");
		if (*sc->p == ',') {
			sc->p++;
			continue;
		}
		if (*sc->p == close) {
			sc->p++;
			return 0;
		}
		return fail(sc, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static int scan_value(struct scanner *sc, int depth, struct jfield *f)
{
	skip_ws(sc);
	if (sc->p >= sc->end)
		return fail(sc, "expected a value");
	const char *start = sc->p;
	enum jtype type;
	double num = 0;
	int b = 0, esc = 0;
	switch (*sc->p) {
	case '"':
		type = JT_STRING;
		if (scan_string(sc, &esc))
			return -1;
		break;
	case '{':
		type = JT_OBJECT;
		if (scan_container(sc, depth, '}'))
			return -1;
		break;
	case '[':
		type = JT_ARRAY;
		if (scan_container(sc, depth, ']'))
			return -1;
		break;
	case 't':
		type = JT_BOOL;
		b = 1;
		if (scan_literal(sc, "true"))
			return -1;
		break;
	case 'f':
		type = JT_BOOL;
		if (scan_literal(sc, "false"))
			return -1;
		break;
	case 'n':
		type = JT_NULL;
		if (scan_literal(sc, "null"))
			return -1;
		break;
	default:
		type = JT_NUMBER;
		if (scan_number(sc, f ? &num : NULL))
			return -1;
		break;
	}
	if (f) {
		f->type = type;
		f->raw = start;
		f->rawlen = (size_t)(sc->p - start);
		f->num = num;
		f->boolean = b;
		f->escaped = esc;
	}
	return 0;
}

int jscan_object(const char *s, size_t len, struct jobject *o, char *err,
		 size_t errlen, size_t *errpos)
{
	struct scanner sc = {s, s + len, s, err, errlen, 0};
	o->n = 0;
	skip_ws(&sc);
	if (sc.p >= sc.end || *sc.p != '{') {
		fail(&sc, "expected a JSON object");
		goto out;
	}
	sc.p++;
	skip_ws(&sc);
	if (sc.p < sc.end && *sc.p == '}') {
		sc.p++;
		goto tail;
	}
	for (;;) {
		skip_ws(&sc);
		int esc;
		if (sc.p >= sc.end || *sc.p != '"') {
			fail(&sc, "expected a key");
			goto out;
		}
		const char *k = sc.p + 1;
		if (scan_string(&sc, &esc))
			goto out;
		size_t klen = (size_t)(sc.p - 1 - k);
		/* a key twice is ambiguous (canopy never writes one; readers
		 * differ on which wins): refused */
		for (size_t i = 0; i < o->n; i++)
			if (o->f[i].keylen == klen && !memcmp(o->f[i].key, k, klen)) {
				sc.p = k - 1;
				fail(&sc, "a key appears twice");
				goto out;
			}
		skip_ws(&sc);
		if (sc.p >= sc.end || *sc.p != ':') {
			fail(&sc, "expected ':'");
			goto out;
		}
		sc.p++;
		struct jfield tmp, *f = o->n < JSCAN_MAX_FIELDS ? &o->f[o->n] : &tmp;
		if (scan_value(&sc, 1, f))
			goto out;
		if (f != &tmp) {
			f->key = k;
			f->keylen = klen;
			o->n++;
		}
		skip_ws(&sc);
		if (sc.p >= sc.end) {
			fail(&sc, "unterminated object");
			goto out;
		}
		if (*sc.p == ',') {
			sc.p++;
			continue;
		}
		if (*sc.p == '}') {
			sc.p++;
			break;
		}
		fail(&sc, "expected ',' or '}'");
		goto out;
	}
tail:
	skip_ws(&sc);
	if (sc.p != sc.end)
		fail(&sc, "text after the object");
out:
	if (errpos)
		*errpos = (size_t)(sc.p - s);
	return sc.failed ? -1 : 0;
}

int jscan_value(const char *s, size_t len, char *err, size_t errlen)
{
	struct scanner sc = {s, s + len, s, err, errlen, 0};
	if (scan_value(&sc, 0, NULL))
		return -1;
	skip_ws(&sc);
	if (sc.p != sc.end)
		return fail(&sc, "text after the value");
	return 0;
}

static void add_utf8(struct strbuf *out, unsigned cp)
{
	char b[4];
	if (cp < 0x80) {
		sb_addc(out, (char)cp);
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3F));
		sb_add(out, b, 2);
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		sb_add(out, b, 3);
	} else {
		b[0] = (char)(0xF0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		sb_add(out, b, 4);
	}
}

void jstring_decode(const char *raw, size_t rawlen, struct strbuf *out)
{
	/* raw was validated by the scanner */
	const char *p = raw + 1, *end = raw + rawlen - 1;
	sb_reserve(out, rawlen);
	out->s[out->len] = '\0'; /* "" adds nothing, and must still be a string */
	while (p < end) {
		const char *q = p;
		while (q < end && *q != '\\')
			q++;
		sb_add(out, p, (size_t)(q - p));
		if (q >= end)
			break;
		p = q + 1;
		char c = *p++;
		switch (c) {
		case 'b': sb_addc(out, '\b'); break;
		case 'f': sb_addc(out, '\f'); break;
		case 'n': sb_addc(out, '\n'); break;
		case 'r': sb_addc(out, '\r'); break;
		case 't': sb_addc(out, '\t'); break;
		case 'u': {
			unsigned cp = (unsigned)hex4(p); /* validated by the scanner */
			p += 4;
			if (cp >= 0xD800 && cp <= 0xDBFF && end - p >= 6 &&
			    p[0] == '\\' && p[1] == 'u') {
				unsigned lo = (unsigned)hex4(p + 2);
				if (lo >= 0xDC00 && lo <= 0xDFFF) {
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					p += 6;
				}
			}
			if (cp >= 0xD800 && cp <= 0xDFFF)
				cp = 0xFFFD; /* lone surrogate */
			add_utf8(out, cp);
			break;
		}
		default: sb_addc(out, c); break;
		}
	}
}
