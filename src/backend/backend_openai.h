/* backend_openai: any OpenAI-compatible server (vLLM, SGLang, llama.cpp's
 * /v1, LM Studio, OpenAI, OpenRouter ...) through its chat or completions
 * route, with n samples in one request when the server takes n and
 * parallel requests when it does not, optional streaming, and usage from
 * the server (estimated and marked so when it gives none).  As a scorer
 * ("judge") it asks the model to critique each step, or to judge the
 * answer, and turns Correct/Wrong into scores. */
#ifndef CANOPY_BACKEND_OPENAI_H
#define CANOPY_BACKEND_OPENAI_H

#include "backend.h"
#include "dialect.h"
#include "http.h"

struct openai_cfg {
	const struct dialect *dialect; /* how the server is spoken to */
	const char *url;   /* base, e.g. http://127.0.0.1:8000 (without /v1) */
	const char *const *urls; /* several bases, least loaded first (or NULL) */
	int nurls;
	const char *model;
	int chat;          /* the chat route, else completions */
	int stream;
	const char *api_key; /* NULL: none; never printed */
	int slots[BACKEND_MAX_URLS]; /* llama.cpp: each server's slots (0: unknown), so
			      that no more calls go out than it runs at once,
			      each pinned (id_slot) to the slot holding most of
			      its prompt */
	struct http_opts http;
	struct http_pool *pool; /* one curl multi handle for every server of a
				   run (NULL: the backend makes its own) */
};

struct backend *backend_openai_new(const struct openai_cfg *c, char *err, size_t errlen);
/* The server's base from a URL as a user gives it: without trailing
 * slashes or a trailing /v1 (README: a URL may be given with or without
 * it), so every route, the probes' too, is appended to the same base. */
void server_base_url(const char *url, char *out, size_t len);
/* A server checked for readiness before the first request (the
 * dialect's health route; 0 at once when it has none), or -1 with a
 * message (down, or still loading the model). */
int server_health(const struct dialect *d, const char *url, const struct http_opts *o, char *err, size_t errlen);
/* Its slot count from the dialect's props route (total_slots); 0 when it
 * does not say or has none. */
int server_slots(const struct dialect *d, const char *url, const struct http_opts *o);

/* vLLM's /pooling route with a process reward model (Qwen2.5-Math-PRM
 * style: <extra_0> after each step; the score is p(right)). */
struct backend *backend_vllm_prm_new(const struct openai_cfg *c, char *err, size_t errlen);
/* Any completion route with logprobs as a Math-Shepherd-style PRM: the
 * text up to each step's tag, one token, P(good) / (P(good) + P(bad)) from
 * the top tokens (the prm-logprob prompt template).  Each prefix is asked
 * once a run. */
struct backend *backend_logprob_prm_new(const struct openai_cfg *c, char *err, size_t errlen);

/* The API key from CANOPY_API_KEY, OPENAI_API_KEY or a file that only its
 * owner may read.  Returns 0 (key NULL when there is none) or -1 with a
 * message (a file anyone else could read is refused). */
int api_key_load(const char *file, char **key, char *err, size_t errlen);

#endif
