/* cmd_common: option parsing shared by the subcommands. */
#ifndef CANOPY_CMD_COMMON_H
#define CANOPY_CMD_COMMON_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "backend_sim.h"
#include "sim.h"

/* The --sim-* options, as getopt_long entries with these codes. */
enum {
	OPT_SIM_LATENCY = 900,
	OPT_SIM_ERROR_SCALE,
	OPT_SIM_PRM_NOISE,
	OPT_SIM_ORM_NOISE,
	OPT_SIM_CRITIC_RECALL,
};

#define SIM_LONG_OPTIONS                                                         \
	{"sim-latency", required_argument, NULL, OPT_SIM_LATENCY},               \
	{"sim-error-scale", required_argument, NULL, OPT_SIM_ERROR_SCALE},   \
	{"sim-prm-noise", required_argument, NULL, OPT_SIM_PRM_NOISE},       \
	{"sim-orm-noise", required_argument, NULL, OPT_SIM_ORM_NOISE},       \
	{"sim-critic-recall", required_argument, NULL, OPT_SIM_CRITIC_RECALL}

/* Handles one --sim-* option; 0, or -1 with a one-line message in err. */
int sim_option(int code, const char *arg, struct sim_cfg *cfg, struct sim_latency *lat, char *err,
	       size_t errlen);
/* The help lines for the --sim-* options. */
void sim_options_help(FILE *f);

int parse_u64(const char *s, uint64_t *out);
/* --budget: "4000" (generated tokens) or "50req" (requests); sets one of
 * the two, 0 or -1 when malformed. */
int parse_budget(const char *s, uint64_t *tokens, uint64_t *requests);
int parse_real(const char *s, double lo, double hi, double *out);
/* The 95% Wilson score interval of k successes in n. */
void wilson_interval(unsigned k, unsigned n, double *lo, double *hi);

#endif
