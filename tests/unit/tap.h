/* tap: a tiny Test Anything Protocol writer for the unit tests.  Each
 * check is one TAP line, so the harness counts cases, not programs. */
#ifndef CANOPY_TAP_H
#define CANOPY_TAP_H

#include <stddef.h>

void tap_ok(int pass, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void tap_is_int(long long got, long long want, const char *file, int line, const char *what);
void tap_is_str(const char *got, const char *want, const char *file, int line, const char *what);
void tap_is_num(double got, double want, double tol, const char *file, int line, const char *what);
void tap_skip(const char *why);
int tap_done(void);

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, what) tap_is_int((long long)(got), (long long)(want), __FILE__, __LINE__, what)
#define is_str(got, want, what) tap_is_str(got, want, __FILE__, __LINE__, what)
#define is_num(got, want, tol, what) tap_is_num(got, want, tol, __FILE__, __LINE__, what)

#endif
