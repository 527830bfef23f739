/* backend_sim: the simulated reasoner behind the backend vtable, with
 * optional latency so that a live search grows at a watchable pace and
 * benchmarks can model a server. */
#ifndef CANOPY_BACKEND_SIM_H
#define CANOPY_BACKEND_SIM_H

#include "backend.h"
#include "sim.h"

struct sim_latency {
	double per_request_ms;
	double per_token_ms;
};

/* Parses "MS" or "MS,PER_TOKEN_MS"; -1 when malformed. */
int sim_latency_parse(const char *s, struct sim_latency *l);
struct backend *backend_sim_new(const struct sim_cfg *cfg, const struct sim_latency *lat);

#endif
