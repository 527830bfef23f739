/* util: allocation that cannot fail silently, growable strings, a seeded
 * random number generator and hashing shared by every module. */
#ifndef CANOPY_UTIL_H
#define CANOPY_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* A growable NUL-terminated byte string. */
struct strbuf {
	char *s;
	size_t len, cap;
};

void sb_init(struct strbuf *sb);
void sb_free(struct strbuf *sb);
void sb_reset(struct strbuf *sb);
void sb_reserve(struct strbuf *sb, size_t extra);
void sb_add(struct strbuf *sb, const char *s, size_t n);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addc(struct strbuf *sb, char c);
void sb_printf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap);
/* Appends s as a quoted JSON string; invalid UTF-8 becomes U+FFFD so that
 * whatever a server sends, the journal stays valid JSON. */
void sb_add_json_string(struct strbuf *sb, const char *s, size_t n);
/* Appends a double the way JSON wants it: shortest round-tripping form,
 * never NaN or infinity (those become null). */
void sb_add_json_number(struct strbuf *sb, double v);
/* Appends the rest of f; sb->s is a string afterwards even when f was
 * empty.  0, -1 on a read error, 1 once more than max bytes are in sb
 * (max 0: no limit). */
int sb_add_file(struct strbuf *sb, FILE *f, size_t max);
/* Appends s as one quoted CSV field (RFC 4180: quotes doubled; a cell a
 * spreadsheet would take for a formula gets a leading '). */
void sb_add_csv_string(struct strbuf *sb, const char *s, size_t n);
/* Appends s as text safe to write to a terminal: control characters as
 * ^X (ESC as ^[), DEL as ^?, C1 controls and the bidirectional overrides
 * as <U+XXXX>, bytes that are not UTF-8 as \xNN; a newline stays one when
 * keep_newlines, else shows as \n (one-line messages); tabs stay.  What
 * comes from outside (model text, traces, server errors) goes through
 * this before it reaches a terminal, so it can neither move the cursor,
 * retitle the window nor clear the screen. */
void sb_add_visible(struct strbuf *sb, const char *s, size_t n, int keep_newlines);
char *sb_steal(struct strbuf *sb);

/* xoshiro256** seeded by splitmix64: fast, good, and identical on every
 * platform, which is what makes a seeded run reproducible. */
struct rng {
	uint64_t s[4];
};

void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
double rng_uniform(struct rng *r);            /* [0, 1) */
int rng_range(struct rng *r, int lo, int hi); /* [lo, hi] */
double rng_normal(struct rng *r);             /* mean 0, sd 1 */

uint64_t hash_bytes(uint64_t h, const void *p, size_t n);
uint64_t hash_str(uint64_t h, const char *s);
uint64_t hash_u64(uint64_t h, uint64_t v);

double util_now(void); /* monotonic seconds */
/* The UTC time now as "2026-11-22T02:00:00Z" (a trace's "created"). */
void util_utc_stamp(char *buf, size_t len);
double clampd(double v, double lo, double hi);
/* A number from outside (a reply, a file) as an integer: NAN and values
 * below the type's range give 0 (util_u*) or its least, values above it
 * its largest.  A plain cast of such a value is undefined behaviour. */
uint32_t util_u32(double v);
int32_t util_i32(double v);
int64_t util_i64(double v);
uint64_t util_u64(double v);
/* Takes fd's exclusive flock without waiting.  0, or -1 with "PATH:
 * another canopy (pid N) is writing this WHAT" (the pid from /proc/locks,
 * when it says) or the system's reason in err. */
int util_lock(int fd, const char *path, const char *what, char *err, size_t errlen);
/* url with any credentials in it (user:password@) replaced by "***":
 * what canopy writes (traces, replies, messages) where it sends url. */
void url_redact(const char *url, char *out, size_t len);

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid
 * (overlong, a surrogate, past U+10FFFF, cut short, a stray byte). */
int utf8_seq_len(const unsigned char *s, size_t avail);
/* The same, and its code point in *cp. */
int utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp);

#endif
