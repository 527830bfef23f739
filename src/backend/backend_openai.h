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
#include "server_table.h"

struct openai_cfg {
	const struct dialect *dialect; /* how the server is spoken to */
	const char *url;   /* base, e.g. http://127.0.0.1:8000 (without /v1) */
	const char *const *urls; /* several bases, least loaded first (or NULL) */
	int nurls;
	const char *model;
	int chat;          /* the chat route, else completions */
	int stream;
	const char *api_key; /* NULL: none; never printed */
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
 * message (down, refusing the key).  While it loads its model (HTTP 503)
 * it is asked again every 250 ms, up to o's timeout, waiting() told so
 * each time (and once with what NULL when it became ready after a wait). */
int server_health(const struct dialect *d, const char *url, const struct http_opts *o, const char *key,
		  void (*waiting)(void *ctx, const char *what, double elapsed), void *ctx, char *err, size_t errlen);
/* What the dialect's props route says (slots, each slot's context), the
 * key sent with it.  Returns 0 (out->slots 0 and why set when it did not
 * say) or -1 with why when the server did not answer. */
int server_props(const struct dialect *d, const char *url, const struct http_opts *o, const char *key,
		 double timeout, struct srv_props *out, char *why, size_t whylen);

/* The model's chat template in three pieces (pieces[0..2]: before the
 * system prompt, between it and the user's, after), from the dialect's
 * template route (llama.cpp's /apply-template); 0, or -1 with why. */
int server_template(const struct dialect *d, const char *url, const struct http_opts *o, const char *key,
		    char **pieces, char *why, size_t whylen);

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
/* The HTTP header line that sends key (the caller's to wipe and free). */
char *api_key_header(const char *key);

#endif
