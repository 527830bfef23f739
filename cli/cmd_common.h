/* cmd_common: option parsing shared by the subcommands. */
#ifndef CANOPY_CMD_COMMON_H
#define CANOPY_CMD_COMMON_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "backend_sim.h"
#include "servers.h"
#include "sim.h"

/* The --sim-* options, as getopt_long entries with these codes. */
enum {
	OPT_SIM_LATENCY = 900,
	OPT_SIM_ERROR_SCALE,
	OPT_SIM_PRM_NOISE,
	OPT_SIM_ORM_NOISE,
	OPT_SIM_CRITIC_RECALL,
	OPT_SIM_CRITIC_FALSE,
	OPT_SIM_ORM_BIAS,
	OPT_SIM_TRAP_SCALE,
};

#define SIM_LONG_OPTIONS                                                         \
	{"sim-latency", required_argument, NULL, OPT_SIM_LATENCY},               \
	{"sim-error-scale", required_argument, NULL, OPT_SIM_ERROR_SCALE},   \
	{"sim-prm-noise", required_argument, NULL, OPT_SIM_PRM_NOISE},       \
	{"sim-orm-noise", required_argument, NULL, OPT_SIM_ORM_NOISE},       \
	{"sim-critic-recall", required_argument, NULL, OPT_SIM_CRITIC_RECALL}, \
	{"sim-critic-false", required_argument, NULL, OPT_SIM_CRITIC_FALSE},   \
	{"sim-orm-bias", required_argument, NULL, OPT_SIM_ORM_BIAS},           \
	{"sim-trap-scale", required_argument, NULL, OPT_SIM_TRAP_SCALE}

/* The options that choose and reach the model servers (run and bench
 * share them), as getopt_long entries with these codes. */
enum {
	OPT_SRV_BACKEND = 800,
	OPT_SRV_URL,
	OPT_SRV_MODEL,
	OPT_SRV_API,
	OPT_SRV_STREAM,
	OPT_SRV_TIMEOUT,
	OPT_SRV_STALL_TIMEOUT,
	OPT_SRV_RETRIES,
	OPT_SRV_INSECURE,
	OPT_SRV_KEY_FILE,
	OPT_SRV_PRM,
	OPT_SRV_PRM_URL,
	OPT_SRV_PRM_MODEL,
	OPT_SRV_ORM,
	OPT_SRV_ORM_URL,
	OPT_SRV_ORM_MODEL,
	OPT_SRV_CRITIC_URL,
	OPT_SRV_CRITIC_MODEL,
	OPT_SRV_DISC_URL,
	OPT_SRV_DISC_MODEL,
	OPT_SRV_PROMPTS,
	OPT_SRV_LAST,
};

#define SERVER_LONG_OPTIONS                                                   \
	{"backend", required_argument, NULL, OPT_SRV_BACKEND},               \
	{"url", required_argument, NULL, OPT_SRV_URL},                       \
	{"model", required_argument, NULL, OPT_SRV_MODEL},                   \
	{"api", required_argument, NULL, OPT_SRV_API},                       \
	{"stream", no_argument, NULL, OPT_SRV_STREAM},                       \
	{"timeout", required_argument, NULL, OPT_SRV_TIMEOUT},               \
	{"stall-timeout", required_argument, NULL, OPT_SRV_STALL_TIMEOUT},   \
	{"retries", required_argument, NULL, OPT_SRV_RETRIES},               \
	{"insecure", no_argument, NULL, OPT_SRV_INSECURE},                   \
	{"api-key-file", required_argument, NULL, OPT_SRV_KEY_FILE},         \
	{"prm", required_argument, NULL, OPT_SRV_PRM},                       \
	{"prm-url", required_argument, NULL, OPT_SRV_PRM_URL},               \
	{"prm-model", required_argument, NULL, OPT_SRV_PRM_MODEL},           \
	{"orm", required_argument, NULL, OPT_SRV_ORM},                       \
	{"orm-url", required_argument, NULL, OPT_SRV_ORM_URL},               \
	{"orm-model", required_argument, NULL, OPT_SRV_ORM_MODEL},           \
	{"critic-url", required_argument, NULL, OPT_SRV_CRITIC_URL},         \
	{"critic-model", required_argument, NULL, OPT_SRV_CRITIC_MODEL},     \
	{"disc-url", required_argument, NULL, OPT_SRV_DISC_URL},             \
	{"disc-model", required_argument, NULL, OPT_SRV_DISC_MODEL},         \
	{"prompts", required_argument, NULL, OPT_SRV_PROMPTS}

/* What those options say. */
struct server_cli {
	const char *backend; /* sim (default), openai, llamacpp, ollama */
	const char *urls[16];
	int nurls;
	const char *model, *api, *key_file, *prompts;
	int stream, insecure;
	double timeout, stall_timeout; /* 0: default */
	int retries;                   /* -1: default */
	struct server_role_opts prm, orm, critic, disc;
};

void server_cli_init(struct server_cli *c);
/* Handles one OPT_SRV_* option; 0, or -1 with a one-line message. */
int server_option(int code, const char *arg, struct server_cli *c, char *err, size_t errlen);
/* After parsing: what is missing (--url for a server, --model ...). */
int server_cli_check(const struct server_cli *c, char *err, size_t errlen);
/* For servers_open. */
void server_cli_opts(const struct server_cli *c, const struct sim_cfg *sim, const struct sim_latency *lat,
		     struct server_opts *out);
/* The help lines for the server options (not the --sim-* ones). */
void server_options_help(FILE *f);

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
/* Writes s (NULL: empty) as one quoted CSV field. */
void csv_field(FILE *f, const char *s);
/* The 95% Wilson score interval of k successes in n. */
void wilson_interval(unsigned k, unsigned n, double *lo, double *hi);

#endif
