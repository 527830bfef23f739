/* jscan: a validating, allocation-free scanner for one JSON object per
 * line.  Loading a million-node trace through a general DOM parser costs a
 * malloc per value; this reads the flat event objects in place and leaves
 * nested values as raw spans for cJSON to parse when they are needed. */
#ifndef CANOPY_JSCAN_H
#define CANOPY_JSCAN_H

#include <stddef.h>

#include "util.h"

enum jtype { JT_NULL, JT_BOOL, JT_NUMBER, JT_STRING, JT_ARRAY, JT_OBJECT };

struct jfield {
	const char *key; /* raw key bytes, without quotes (may hold escapes) */
	size_t keylen;
	enum jtype type;
	const char *raw; /* the value's bytes, quotes included for strings */
	size_t rawlen;
	double num;
	int boolean;
	int escaped; /* string holds backslash escapes */
};

#define JSCAN_MAX_FIELDS 32
#define JSCAN_MAX_DEPTH 64

struct jobject {
	struct jfield f[JSCAN_MAX_FIELDS];
	size_t n;
};

/* Scans s[0..len) as exactly one JSON object (whitespace around it is
 * allowed).  Returns 0, or -1 with a message in err and the byte offset
 * of the problem in *errpos. */
int jscan_object(const char *s, size_t len, struct jobject *o, char *err,
		 size_t errlen, size_t *errpos);
/* Validates s[0..len) as one JSON value of any type. */
int jscan_value(const char *s, size_t len, char *err, size_t errlen);

/* Inline, so that a literal key's length and comparison fold at compile
 * time. */
static inline const struct jfield *jobject_getn(const struct jobject *o, const char *key,
						size_t kl)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->f[i].keylen == kl && !__builtin_memcmp(o->f[i].key, key, kl))
			return &o->f[i];
	return (const struct jfield *)0;
}

static inline const struct jfield *jobject_get(const struct jobject *o, const char *key)
{
	return jobject_getn(o, key, __builtin_strlen(key));
}
/* Decodes a string field (raw, quotes included) into out (appended). */
void jstring_decode(const char *raw, size_t rawlen, struct strbuf *out);

#endif
