/* openai_int: what the OpenAI-compatible backend's files share (not
 * for use outside src/backend): a call in flight, the backend, the
 * prefix-score cache, and the functions each file gives the others.
 * backend_openai.c builds and schedules calls; openai_reply.c reads what
 * comes back, whole or streamed. */
#ifndef CANOPY_OPENAI_INT_H
#define CANOPY_OPENAI_INT_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "backend_openai.h"
#include "server_table.h"
#include "sse.h"
#include "util.h"

struct oa_backend;

/* One HTTP exchange; a request with n samples is one call, or n calls
 * when the server refuses n. */
struct oa_call {
	struct oa_backend *be;
	struct request *r;
	struct http_req h;
	char *body;
	char url[600];
	char shown[600]; /* url without its credentials, for every message */
	const char *headers[3];
	int base; /* which server */
	int first_sample, nsamples;
	int upto; /* a logprob score: the steps it covers (1..nsteps) */
	int queued; /* waiting in canopy for a free slot */
	double not_before; /* a call put back after a KV-full error waits till then */
	int kv_tries;      /* times it was put back so */
	int ncmpl;  /* llama.cpp: nsamples in one call (n_cmpl) */
	uint64_t seq;
	int slot; /* llama.cpp's id_slot, -1: the server's choice */
	uint64_t chain[64]; /* its prompt's prefixes, hashed (call_chain) */
	size_t chain_len;   /* 0: not yet */
	struct strbuf *texts; /* stream: text so far, by choice */
	double *lp_sum;       /* stream: token log-probabilities so far, by choice */
	int *lp_n;
	int lp_nulls; /* tokens whose log-probability came as null */
	int cut;      /* the server cut the prompt to fit its context */
	struct sse sse;
	uint32_t prompt_tokens, gen_tokens;
	int have_usage;
	char stream_error[1024];
	int ended;              /* llama.cpp "stop": true, Ollama "done": true */
	struct strbuf ndjson;   /* Ollama: a line not yet complete */
	struct oa_call *next;
};

/* Scores of prefixes already asked: beam search and REBASE score each
 * path again one step longer, and the steps before are the same text. */
struct lp_cache {
	uint64_t *keys; /* 0: empty */
	double *vals;
	size_t cap, n;
};

struct oa_backend {
	struct backend base;
	struct openai_cfg c;
	char *url, *model, *key, *auth;
	char *bases[BACKEND_MAX_URLS]; /* the servers, and how many requests each has out */
	char *shown_bases[BACKEND_MAX_URLS]; /* the same without credentials (url_redact) */
	struct srv *srv[BACKEND_MAX_URLS]; /* each one's entry: its slots, what is out there */
	int out; /* calls of this backend at the servers now (max_calls bounds them) */
	uint64_t seq;
	int nbases;
	int pooling; /* a vLLM PRM */
	int logprob; /* a Math-Shepherd-style scorer read through logprobs */
	struct lp_cache cache;
	struct request **ready; /* answered from the cache, to report */
	size_t nready, cap_ready;
	int no_n;    /* the dialect takes one sample a request (servers that refuse n > 1 say so in srv) */
	struct rng rng; /* backoff jitter */
	struct http_pool *pool;
	int own_pool; /* else shared by every server of the run (servers.c) */
	struct oa_call *calls;
};

uint64_t oa_prefix_key(const struct request *r, size_t upto);
void oa_cache_put(struct lp_cache *c, uint64_t k, double v);
struct oa_call *oa_call_new(struct oa_backend *be, struct request *r, int first, int n);

/* openai_reply.c */
/* Fails r with the formatted message; fatal: every request would fail
 * so (struct request's fatal: the run stops). */
void oa_fail(struct request *r, int fatal, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The server's own message from an error body, whatever its shape. */
void oa_server_message(const char *body, size_t len, char *out, size_t outlen);
int oa_on_sse(void *ctx, const char *event, const char *data, size_t len);
int oa_on_stream_data(void *ctx, const char *p, size_t n);
void oa_on_stream_reset(void *ctx);
int oa_parse_reply(struct oa_call *c);
/* A judge's verdicts as scores; -1 (nothing scored) when it states none. */
int oa_judge_scores(struct request *r, const char *text);

#endif
