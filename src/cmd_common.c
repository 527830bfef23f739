#include "cmd_common.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int parse_u64(const char *s, uint64_t *out)
{
	char *e;
	errno = 0;
	if (*s == '-')
		return -1;
	unsigned long long v = strtoull(s, &e, 10);
	if (e == s || *e || errno)
		return -1;
	*out = v;
	return 0;
}

int parse_budget(const char *s, uint64_t *tokens, uint64_t *requests)
{
	size_t l = strlen(s);
	int req = l > 3 && !strcmp(s + l - 3, "req");
	char num[32];
	if ((req ? l - 3 : l) >= sizeof num)
		return -1;
	snprintf(num, sizeof num, "%.*s", (int)(req ? l - 3 : l), s);
	uint64_t v;
	if (parse_u64(num, &v) || v == 0)
		return -1;
	*(req ? requests : tokens) = v;
	return 0;
}

int parse_real(const char *s, double lo, double hi, double *out)
{
	char *e;
	errno = 0;
	double v = strtod(s, &e);
	if (e == s || *e || errno || !isfinite(v) || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int sim_option(int code, const char *arg, struct sim_cfg *cfg, struct sim_latency *lat, char *err,
	       size_t errlen)
{
	switch (code) {
	case OPT_SIM_LATENCY:
		if (sim_latency_parse(arg, lat)) {
			snprintf(err, errlen, "--sim-latency takes MS or MS,MS_PER_TOKEN (e.g. 200,2), not '%s'", arg);
			return -1;
		}
		return 0;
	case OPT_SIM_ERROR_SCALE:
		if (parse_real(arg, 0, 10, &cfg->error_scale)) {
			snprintf(err, errlen, "--sim-error-scale takes a number from 0 to 10, not '%s'", arg);
			return -1;
		}
		return 0;
	case OPT_SIM_PRM_NOISE:
	case OPT_SIM_ORM_NOISE:
	case OPT_SIM_CRITIC_RECALL: {
		static const char *const names[] = {"--sim-prm-noise", "--sim-orm-noise", "--sim-critic-recall"};
		double *dst[] = {&cfg->prm_noise, &cfg->orm_noise, &cfg->critic_recall};
		int i = code - OPT_SIM_PRM_NOISE;
		if (parse_real(arg, 0, 1, dst[i])) {
			snprintf(err, errlen, "%s takes a number from 0 to 1, not '%s'", names[i], arg);
			return -1;
		}
		return 0;
	}
	default:
		snprintf(err, errlen, "unknown sim option");
		return -1;
	}
}

void sim_options_help(FILE *f)
{
	fprintf(f,
		"  --backend sim         the built-in simulated reasoner (default; offline)\n"
		"  --sim-latency MS[,T]  each request takes MS milliseconds plus T per token\n"
		"  --sim-error-scale X   multiply the sim's mistake rates (default 1)\n"
		"  --sim-prm-noise X     sd of the simulated PRM's noise (default 0.12)\n"
		"  --sim-orm-noise X     sd of the simulated ORM's noise (default 0.12)\n"
		"  --sim-critic-recall X chance the simulated critic finds an error (default 0.8)\n");
}

/* 95% Wilson score interval */
void wilson_interval(unsigned k, unsigned n, double *lo, double *hi)
{
	if (!n) {
		*lo = *hi = 0;
		return;
	}
	double z = 1.959964, p = (double)k / n, d = 1 + z * z / n;
	double c = (p + z * z / (2.0 * n)) / d;
	double h = z * sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / d;
	*lo = fmax(0, c - h);
	*hi = fmin(1, c + h);
}
