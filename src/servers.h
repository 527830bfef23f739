/* servers: the backends of one run, one a role (the actor that reasons,
 * the PRM and ORM scorers, the critic, rStar's discriminator), built from
 * the run's options, and the trace header's description of them.  A role
 * without options of its own is played by another: the ORM by the PRM's
 * scorer, the critic and the discriminator by the actor. */
#ifndef CANOPY_SERVERS_H
#define CANOPY_SERVERS_H

#include <cjson/cJSON.h>

#include "backend.h"
#include "backend_openai.h"
#include "header.h"
#include "sim.h"

struct server_role_opts {
	const char *kind; /* scorers: sim, judge, vllm, logprob, none; NULL: default */
	const char *url, *model;
	const char *backend; /* its server's dialect (openai, llamacpp, ollama); NULL: the default */
};

struct server_opts {
	const char *backend; /* sim, openai, llamacpp, ollama */
	const char *const *urls;
	int nurls;
	const char *model, *api, *key_file, *prompts;
	int stream, insecure;
	double timeout; /* 0: default */
	double stall_timeout; /* 0: default */
	int retries;    /* -1: default */
	size_t max_reply_bytes; /* 0: default */
	struct server_role_opts prm, orm, critic, disc;
	const struct sim_cfg *sim;
	const struct sim_latency *lat;
	/* told while a server loads its model (what NULL: it is ready) */
	void (*waiting)(void *ctx, const char *what, double elapsed);
	void *waiting_ctx;
};

struct servers {
	/* who plays each role, never NULL after servers_open; roles may
	 * share a backend */
	struct backend *actor, *prm, *orm, *critic, *disc;
	int no_prm, no_orm; /* --prm none, --orm none: never asked */
	int sim_reads;      /* the sim reads the problem: it must understand it */
	struct header_backend hdr; /* how the trace header describes them */
	char *key;
	/* what the user should know before the run, one line each */
	char warnings[4][1024];
	int nwarnings;
	void *owned;        /* the backends to free */
};

/* Which scorer kinds --prm and --orm take. */
int servers_scorer_kind_ok(const char *kind);
/* Whether the options make the sim read the problem (as the actor or a
 * scorer), before anything is opened. */
int servers_sim_reads(const struct server_opts *o);
/* Opens every server.  Returns 0, or an exit status (1 a server is not
 * ready, 2 bad options) with a one-line message in err. */
int servers_open(const struct server_opts *o, struct servers *sv, char *err, size_t errlen);
void servers_close(struct servers *sv);

#endif
