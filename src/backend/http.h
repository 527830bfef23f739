/* http: every request to a model server goes through one curl multi
 * handle, so the worker keeps many in flight on one thread.  Connection
 * failures, timeouts and HTTP 408/409/429/5xx are retried with exponential
 * backoff and jitter, honouring Retry-After and retry-after-ms; other
 * errors fail at once.  TLS certificates are checked unless insecure. */
#ifndef CANOPY_HTTP_H
#define CANOPY_HTTP_H

#include <stddef.h>

#include "util.h"

struct http_opts {
	double connect_timeout; /* seconds (10) */
	double timeout;         /* a whole request, seconds (120; 0: none) */
	double stall_timeout;   /* a stream silent this long is ended (30) */
	int retries;            /* after the first try (4) */
	int insecure;           /* do not check TLS certificates */
	double backoff_base;    /* seconds (0.5); tests make it small */
	size_t max_reply_bytes; /* a reply (streamed or whole) larger is cut off and fails (8 MiB) */
};

void http_opts_default(struct http_opts *o);
/* What every curl handle canopy makes is set to, the pool's and the
 * start-up probes': no signals, o's connect timeout, TLS certificates and
 * host names checked unless o->insecure.  easy is a CURL *. */
void http_easy_common(void *easy, const struct http_opts *o);

struct http_pool;

struct http_req {
	/* the caller's */
	const char *url;
	const char *shown_url;      /* the url as messages show it (url_redact); NULL: url */
	const char *const *final_bodies; /* a 5xx whose body holds one of these is an answer,
					    not a failure to retry (NULL-terminated, or NULL) */
	const char *body;           /* POST when set, else GET */
	const char *const *headers; /* "Name: value" lines, NULL-terminated */
	int fresh; /* a new connection, closed after the reply (no keep-alive) */
	/* asked when an attempt failed in a way worth retrying: non-zero
	 * means do not (the caller deals with it: a full KV cache) */
	int (*give_up)(void *ctx);
	/* called just before a failed attempt is made again; it may change
	 * the body (a slot the server no longer has) */
	void (*before_retry)(void *ctx);
	/* streaming: bytes as they arrive (return non-zero to abort), and a
	 * reset before a retry starts over */
	int (*on_data)(void *ctx, const char *p, size_t n);
	void (*on_reset)(void *ctx);
	void *ctx;
	/* results */
	int done;
	long status;        /* HTTP status, 0 when none came */
	int transport;      /* a connection, timeout or TLS failure */
	char error[512];    /* "URL: what", set when the request failed */
	struct strbuf response; /* the body (for streams: up to 64 KiB of it) */
	int attempts;
	/* the pool's */
	void *easy;
	struct curl_slist *hdrs;
	double retry_at;
	double retry_after; /* from the server's headers, seconds; -1 none */
	int active;         /* in the multi handle */
	int waiting;        /* waiting to be retried */
	double last_data;   /* when a byte last came */
	double stall_after; /* a stream silent this long is ended; 0: never */
	int stalled;
	size_t received, max_bytes; /* this attempt's body so far; its bound */
	char cut[128];              /* why canopy stopped reading (curl's own error buffer is overwritten) */
	char errbuf[256];
};

struct http_pool *http_pool_new(const struct http_opts *o);
void http_pool_free(struct http_pool *p);
void http_start(struct http_pool *p, struct http_req *r);
void http_cancel(struct http_pool *p, struct http_req *r);
/* Moves transfers on for up to timeout seconds; returns how many requests
 * finished (their done is set). */
int http_poll(struct http_pool *p, double timeout);
int http_inflight(const struct http_pool *p);
/* Ends a wait in http_poll now; any thread may call it. */
void http_pool_wake(struct http_pool *p);
/* Frees what a finished or cancelled request holds. */
void http_req_clear(struct http_req *r);

#endif
