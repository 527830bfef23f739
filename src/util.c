#include "util.h"

#include <errno.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void oom(size_t n)
{
	fprintf(stderr, "canopy: out of memory allocating %zu bytes\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom(n * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

void sb_init(struct strbuf *sb)
{
	sb->s = NULL;
	sb->len = sb->cap = 0;
}

void sb_free(struct strbuf *sb)
{
	free(sb->s);
	sb_init(sb);
}

void sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->s)
		sb->s[0] = '\0';
}

void sb_reserve(struct strbuf *sb, size_t extra)
{
	if (sb->len + extra + 1 <= sb->cap)
		return;
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < sb->len + extra + 1)
		cap *= 2;
	sb->s = xrealloc(sb->s, cap);
	sb->cap = cap;
}

void sb_add(struct strbuf *sb, const char *s, size_t n)
{
	sb_reserve(sb, n);
	if (n) /* s may be NULL with nothing to copy; memcpy may not be told so */
		memcpy(sb->s + sb->len, s, n);
	sb->len += n;
	sb->s[sb->len] = '\0';
}

void sb_adds(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void sb_addc(struct strbuf *sb, char c)
{
	sb_reserve(sb, 1);
	sb->s[sb->len++] = c;
	sb->s[sb->len] = '\0';
}

void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	sb_reserve(sb, (size_t)n);
	vsnprintf(sb->s + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(sb, fmt, ap);
	va_end(ap);
}

char *sb_steal(struct strbuf *sb)
{
	char *s = sb->s ? sb->s : xstrdup("");
	sb_init(sb);
	return s;
}

int utf8_decode(const unsigned char *s, size_t avail, uint32_t *out)
{
	unsigned char c = s[0];
	int n;
	uint32_t cp;
	if (c < 0x80) {
		*out = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if ((size_t)n > avail)
		return 0;
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	/* reject overlong forms, surrogates and values past U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return 0;
	*out = cp;
	return n;
}

int utf8_seq_len(const unsigned char *s, size_t avail)
{
	uint32_t cp;
	return utf8_decode(s, avail, &cp);
}

int sb_add_file(struct strbuf *sb, FILE *f, size_t max)
{
	sb_adds(sb, "");
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		sb_add(sb, buf, n);
		if (max && sb->len > max)
			return 1;
	}
	return ferror(f) ? -1 : 0;
}

/* Whether s is a plain number ("-4", "+1.5e3"): harmless in a spreadsheet. */
static int plain_number(const char *s, size_t n)
{
	char buf[64];
	if (!n || n >= sizeof buf)
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	char *end;
	strtod(buf, &end);
	return *end == '\0' && end != buf;
}

void sb_add_csv_string(struct strbuf *sb, const char *s, size_t n)
{
	sb_addc(sb, '"');
	/* a cell a spreadsheet would run as a formula gets a quote first
	 * (OWASP's CSV injection rule), unless it is only a number */
	if (n && strchr("=+-@\t\r", s[0]) && !plain_number(s, n))
		sb_addc(sb, '\'');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			sb_addc(sb, '"');
		sb_addc(sb, s[i]);
	}
	sb_addc(sb, '"');
}

void sb_add_json_string(struct strbuf *sb, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	sb_reserve(sb, n + 2);
	sb_addc(sb, '"');
	size_t i = 0;
	while (i < n) {
		unsigned char c = p[i];
		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			/* copy the longest plain run at once */
			size_t j = i + 1;
			while (j < n && p[j] >= 0x20 && p[j] != '"' &&
			       p[j] != '\\' && p[j] < 0x80)
				j++;
			sb_add(sb, s + i, j - i);
			i = j;
			continue;
		}
		switch (c) {
		case '"': sb_add(sb, "\\\"", 2); i++; continue;
		case '\\': sb_add(sb, "\\\\", 2); i++; continue;
		case '\n': sb_add(sb, "\\n", 2); i++; continue;
		case '\r': sb_add(sb, "\\r", 2); i++; continue;
		case '\t': sb_add(sb, "\\t", 2); i++; continue;
		default: break;
		}
		if (c < 0x20) {
			char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			sb_add(sb, u, 6);
			i++;
			continue;
		}
		int len = utf8_seq_len(p + i, n - i);
		if (len == 0) {
			sb_add(sb, "\xEF\xBF\xBD", 3);
			i++;
		} else {
			sb_add(sb, s + i, (size_t)len);
			i += (size_t)len;
		}
	}
	sb_addc(sb, '"');
}

void sb_add_json_number(struct strbuf *sb, double v)
{
	if (!isfinite(v)) {
		sb_adds(sb, "null");
		return;
	}
	/* the range first: casting a double past int64_t is undefined */
	if (fabs(v) < 1e15 && v == (double)(int64_t)v) {
		sb_printf(sb, "%lld", (long long)v);
		return;
	}
	char buf[32];
	/* the shortest of %.6g..%.17g that reads back exactly */
	for (int prec = 6; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	sb_adds(sb, buf);
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

void rng_seed(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double rng_uniform(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

int rng_range(struct rng *r, int lo, int hi)
{
	if (hi <= lo)
		return lo;
	uint64_t span = (uint64_t)((int64_t)hi - lo) + 1;
	return lo + (int)(rng_next(r) % span);
}

double rng_normal(struct rng *r)
{
	/* Box-Muller; one value per call keeps the stream position simple */
	double u1 = rng_uniform(r), u2 = rng_uniform(r);
	if (u1 < 1e-300)
		u1 = 1e-300;
	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
	/* FNV-1a, then a final mix so that nearby inputs seed far-apart
	 * generator states */
	const unsigned char *b = p;
	h ^= 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return splitmix64(&h);
}

uint64_t hash_str(uint64_t h, const char *s)
{
	return hash_bytes(h, s, strlen(s));
}

uint64_t hash_u64(uint64_t h, uint64_t v)
{
	unsigned char b[8]; /* fixed byte order: same seeds on every CPU */
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	return hash_bytes(h, b, sizeof b);
}

void util_utc_stamp(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

double util_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double clampd(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

uint32_t util_u32(double v)
{
	if (!(v > 0))
		return 0; /* NAN too */
	return v >= 4294967295.0 ? UINT32_MAX : (uint32_t)v;
}

int32_t util_i32(double v)
{
	if (isnan(v))
		return 0;
	if (v <= -2147483648.0)
		return INT32_MIN;
	return v >= 2147483647.0 ? INT32_MAX : (int32_t)v;
}

int64_t util_i64(double v)
{
	if (isnan(v))
		return 0;
	/* 2^63 is the first double past INT64_MAX */
	if (v <= -9223372036854775808.0)
		return INT64_MIN;
	return v >= 9223372036854775808.0 ? INT64_MAX : (int64_t)v;
}

uint64_t util_u64(double v)
{
	if (!(v > 0))
		return 0;
	return v >= 18446744073709551616.0 ? UINT64_MAX : (uint64_t)v;
}

/* The pid /proc/locks names as holding a flock on the file of fd, or 0. */
static long lock_holder(int fd)
{
	struct stat st;
	if (fstat(fd, &st))
		return 0;
	FILE *f = fopen("/proc/locks", "r");
	if (!f)
		return 0;
	char line[256];
	long pid = 0;
	while (!pid && fgets(line, sizeof line, f)) {
		/* "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF" */
		long p;
		unsigned maj, min;
		unsigned long ino;
		char kind[16];
		if (sscanf(line, "%*d: %15s %*s %*s %ld %x:%x:%lu", kind, &p, &maj, &min, &ino) == 5 &&
		    !strcmp(kind, "FLOCK") && ino == (unsigned long)st.st_ino && p != (long)getpid())
			pid = p;
	}
	fclose(f);
	return pid;
}

int util_lock(int fd, const char *path, const char *what, char *err, size_t errlen)
{
	if (!flock(fd, LOCK_EX | LOCK_NB))
		return 0;
	if (errno != EWOULDBLOCK) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	long pid = lock_holder(fd);
	if (pid)
		snprintf(err, errlen, "%s: another canopy (pid %ld) is writing this %s", path, pid, what);
	else
		snprintf(err, errlen, "%s: another canopy is writing this %s", path, what);
	return -1;
}

void sb_add_visible(struct strbuf *sb, const char *s, size_t n, int keep_newlines)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		size_t len = (size_t)utf8_decode(p + i, n - i, &cp);
		if (!len) {
			sb_printf(sb, "\\x%02X", p[i]);
			i++;
			continue;
		}
		if (cp == '\n')
			sb_adds(sb, keep_newlines ? "\n" : "\\n");
		else if (cp == '\t')
			sb_addc(sb, '\t');
		else if (cp < 0x20)
			sb_printf(sb, "^%c", (char)(cp + 0x40));
		else if (cp == 0x7F)
			sb_adds(sb, "^?");
		else if ((cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
			sb_printf(sb, "<U+%04X>", (unsigned)cp);
		else
			sb_add(sb, s + i, len);
		i += len;
	}
}

void url_redact(const char *url, char *out, size_t len)
{
	const char *scheme = url ? strstr(url, "://") : NULL;
	if (!scheme) {
		snprintf(out, len, "%s", url ? url : "");
		return;
	}
	const char *host = scheme + 3;
	size_t auth = strcspn(host, "/?#");
	const char *at = NULL;
	for (const char *p = host; p < host + auth; p++)
		if (*p == '@')
			at = p; /* the last: a password may hold '@' */
	if (!at)
		snprintf(out, len, "%s", url);
	else
		snprintf(out, len, "%.*s***%s", (int)(host - url), url, at);
}
