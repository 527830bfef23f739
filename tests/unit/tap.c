#include "tap.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int count, failed;

static void result(int pass, const char *file, int line, const char *what)
{
	count++;
	printf("%sok %d - %s\n", pass ? "" : "not ", count, what);
	if (!pass) {
		failed++;
		printf("#   at %s:%d\n", file, line);
	}
	fflush(stdout);
}

void tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	char what[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	result(pass, file, line, what);
}

void tap_is_int(long long got, long long want, const char *file, int line, const char *what)
{
	result(got == want, file, line, what);
	if (got != want)
		printf("#   got %lld, want %lld\n", got, want);
}

void tap_is_str(const char *got, const char *want, const char *file, int line, const char *what)
{
	int pass = (!got && !want) || (got && want && !strcmp(got, want));
	result(pass, file, line, what);
	if (!pass)
		printf("#   got  \"%s\"\n#   want \"%s\"\n", got ? got : "(null)", want ? want : "(null)");
}

void tap_is_num(double got, double want, double tol, const char *file, int line, const char *what)
{
	int pass = fabs(got - want) <= tol || (isnan(got) && isnan(want));
	result(pass, file, line, what);
	if (!pass)
		printf("#   got %.9g, want %.9g (tolerance %g)\n", got, want, tol);
}

void tap_skip(const char *why)
{
	count++;
	printf("ok %d # SKIP %s\n", count, why);
}

int tap_done(void)
{
	printf("1..%d\n", count);
	return failed ? 1 : 0;
}
