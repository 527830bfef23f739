/* server_table: what canopy knows of each model server it talks to, and
 * what it has out there, one entry a server (its base URL) for the whole
 * process: every role and every bench worker sending to one server shares
 * its entry, so its slots are handed out once (no two problems pinned to
 * one slot), no more calls go out than it runs at once, and what it was
 * found to refuse (n > 1, n_cmpl) is learnt once.  Thread-safe: bench
 * workers are threads, each polling its own curl multi handle, woken when
 * another frees room. */
#ifndef CANOPY_SERVER_TABLE_H
#define CANOPY_SERVER_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "http.h"

struct srv;

/* What a server's props route said. */
struct srv_props {
	int slots;   /* total_slots; 0: it did not say */
	int n_ctx;   /* tokens a slot holds; 0: unknown */
	int llama;   /* it answered like llama.cpp (a props route with slots) */
	long status; /* the props route's HTTP status; 0: not asked or no answer */
};

/* The entry of the server at base (as sent), made on first use; each
 * srv_get is matched by one srv_put. */
struct srv *srv_get(const char *base);
void srv_put(struct srv *s);

/* Sets what the props route said: a server restarted with fewer slots
 * has its missing slots forgotten, and calls pinned to them are not
 * started again (srv_slot_ok). */
void srv_set_props(struct srv *s, const struct srv_props *p);
struct srv_props srv_props(struct srv *s);

/* Room for a call of n samples: started when the server runs fewer than
 * its limit (an idle server takes a call of any size), pinned to the free
 * slot sharing most of chain[0..len) when n is 1 and the slots are known.
 * Returns 1 (*slot set, -1: unpinned), or 0 with the pool remembered, to
 * be woken when room is given back. */
int srv_take(struct srv *s, int n, const uint64_t *chain, size_t len, int *slot, struct http_pool *waiter);
void srv_give(struct srv *s, int n, int slot);
/* slots_affinity of a one-sample call's prompt on this server now: 0
 * when it has no slots known (any order is as good), LONG_MIN when it
 * has no room. */
long srv_affinity(struct srv *s, const uint64_t *chain, size_t len);
/* Whether its slots are known (affinity is worth computing). */
int srv_has_slots(struct srv *s);
/* Whether a llama.cpp server has had nothing out for longer than
 * seconds: it may have been restarted since, so its props are worth
 * reading again (the first caller to ask is told so). */
int srv_quiet(struct srv *s, double seconds);
/* Whether a slot pinned earlier still exists. */
int srv_slot_ok(struct srv *s, int slot);

/* The server said its KV cache is full: fewer calls at once from now on
 * (halved, at least 1), raised by one again after each limit's worth of
 * replies that went through (srv_ok).  Returns the new limit. */
int srv_kv_full(struct srv *s);
void srv_ok(struct srv *s);
int srv_limit(struct srv *s);
/* Samples out at the server now, every worker's. */
int srv_load(struct srv *s);

/* The model's chat template, as the server applies it, in three pieces
 * (before the system prompt, between it and the user's, after): asked
 * once (srv_template_asked says whether it was, and marks it), set once,
 * then kept for the entry's life; srv_template is NULL without one. */
int srv_template_asked(struct srv *s);
void srv_set_template(struct srv *s, char *const *pieces);
const char *const *srv_template(struct srv *s);

/* Refusals learnt: n > 1 in one request, llama.cpp's n_cmpl. */
enum srv_flag { SRV_NO_N = 1, SRV_NO_NCMPL = 2 };
int srv_flags(struct srv *s);
void srv_set_flag(struct srv *s, enum srv_flag f);

#endif
