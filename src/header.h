/* header: the journal's first line, what a search was and how it was
 * run.  One encoder and one decoder for every writer (a search, an import)
 * and every reader (the loader, --resume, the UI, export): a field is
 * added in one place, so a new search option cannot be written without
 * being read back, and everything read is checked as the command line
 * checks it (see man/canopy-trace.5, HEADER). */
#ifndef CANOPY_HEADER_H
#define CANOPY_HEADER_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "backend.h"
#include "params.h"
#include "sim.h"
#include "util.h"

#define TRACE_VERSION 1
/* 2^53: past it a JSON number (a double) holds no whole count exactly,
 * so a header's seed, budgets and index stay at or below it. */
#define TRACE_MAX_EXACT 9007199254740992.0

/* A role played by a server or scorer of its own (--prm, --critic-url ...). */
struct header_role {
	int given;
	char *kind, *url, *model; /* NULL: not said (the actor's) */
	char *backend;            /* its server's dialect, when the user named one */
};

struct header_backend {
	char *kind;  /* sim, openai, llamacpp, ollama, import */
	char *model;
	/* a model server */
	char *urls[BACKEND_MAX_URLS]; /* the first is "url" */
	int nurls;
	char *api; /* chat, completions */
	int stream;
	/* the sim: latency and its verifiers' error model */
	int has_sim; /* the sim's numbers below are recorded */
	double latency_ms, latency_ms_per_token;
	struct sim_cfg sim;
	struct header_role prm, orm, critic, disc;
	cJSON *prompts; /* the templates asked with, in prompt.c's form */
	/* an import: the tool, its file, the record */
	char *from, *file;
	int64_t index; /* -1: none */
	cJSON *extra;  /* an importer's own facts, kept in order */
};

struct trace_header {
	int version;
	char *problem, *gold; /* gold: NULL when unknown */
	char *strategy;       /* its name */
	/* the strategy's parameters, in the order written */
	struct params params;
	enum param_id order[P_COUNT];
	int nparams;
	cJSON *strategy_extra; /* an import's strategy facts (not canopy's parameters) */
	struct header_backend backend;
	uint64_t seed;
	int max_inflight; /* 0: none */
	uint64_t budget_tokens, budget_requests; /* 0: none */
	char *canopy_version, *created;
};

void header_init(struct trace_header *h);
void header_free(struct trace_header *h);
void header_backend_init(struct header_backend *b);
void header_backend_free(struct header_backend *b);
/* Sets the parameter (appended to the order the first time). */
void header_set_param(struct trace_header *h, enum param_id id, double v);
void header_role_set(struct header_role *r, const char *kind, const char *url, const char *model);

/* The header as one JSON object (the caller's to delete). */
cJSON *header_encode(const struct trace_header *h);
/* Reads and checks a parsed header line; 0, or -1 with "header: what"
 * in err (h is then empty).  json stays the caller's. */
int header_decode(const cJSON *json, struct trace_header *h, char *err, size_t errlen);

/* The strategy's settings as "name=value ...": every one, or (brief)
 * without the sampling settings that every strategy shares. */
void header_params_string(const struct trace_header *h, int brief, struct strbuf *sb);
/* "rstar", "prm800k" ... for a trace canopy import made, else NULL. */
const char *header_imported_from(const struct trace_header *h);

#endif
