/* Shared helpers for the benchmarks: they print numbers, never pass/fail. */
#ifndef CANOPY_BENCH_H
#define CANOPY_BENCH_H

#include <stdio.h>
#include <sys/resource.h>
#include <time.h>

static inline double bench_wall(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline double bench_cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline double bench_peak_mb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_maxrss / 1024.0; /* Linux reports KiB */
}

static inline void bench_row(const char *what, double value, const char *unit, const char *target)
{
	printf("  %-44s %14.2f %-10s %s\n", what, value, unit, target ? target : "");
	fflush(stdout);
}

#endif
