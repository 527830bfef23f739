/* cmd_common: option parsing shared by the subcommands. */
#ifndef CANOPY_CMD_COMMON_H
#define CANOPY_CMD_COMMON_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "backend_sim.h"
#include "options.h"
#include "servers.h"
#include "sim.h"

/* What those options say. */
struct server_cli {
	const char *backend; /* sim (default), openai, llamacpp, ollama */
	const char *urls[BACKEND_MAX_URLS];
	int nurls;
	const char *model, *api, *key_file, *prompts;
	int stream, insecure;
	double timeout, stall_timeout; /* 0: default */
	int retries;                   /* -1: default */
	size_t max_reply_bytes;        /* 0: default */
	struct server_role_opts prm, orm, critic, disc;
};

void server_cli_init(struct server_cli *c);
/* Handles one OPT_SRV_* option (its range from the option table); 0, or
 * -1 with a one-line message. */
int server_option(int code, const char *arg, struct server_cli *c, char *err, size_t errlen);
/* After parsing: what is missing (--url for a server, --model ...). */
int server_cli_check(const struct server_cli *c, char *err, size_t errlen);
/* For servers_open. */
/* servers_open's waiting(): "waiting for the model to load (12 s)" on
 * stderr, one line rewritten on a terminal. */
void say_waiting(void *ctx, const char *what, double elapsed);
void server_cli_opts(const struct server_cli *c, const struct sim_cfg *sim, const struct sim_latency *lat,
		     struct server_opts *out);

/* Handles one --sim-* option; 0, or -1 with a one-line message in err. */
int sim_option(int code, const char *arg, struct sim_cfg *cfg, struct sim_latency *lat, char *err,
	       size_t errlen);

int parse_u64(const char *s, uint64_t *out);
/* --budget: "4000" (generated tokens) or "50req" (requests); sets one of
 * the two, 0 or -1 when malformed. */
int parse_budget(const char *s, uint64_t *tokens, uint64_t *requests);
/* printf, for a line that may carry text from outside (a server's error,
 * a trace's or a model's text, a file name): the formatted line is
 * written terminal-safe (sb_add_visible), on one line. */
void say(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes s (NULL: empty) as one quoted CSV field. */
void csv_field(FILE *f, const char *s);
/* The 95% Wilson score interval of k successes in n. */
void wilson_interval(unsigned k, unsigned n, double *lo, double *hi);

#endif
