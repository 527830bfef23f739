#include "http.h"

#include <curl/curl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct http_pool {
	CURLM *multi;
	struct http_opts o;
	struct http_req **reqs; /* active or waiting */
	size_t n, cap;
	struct rng rng;
};

void http_opts_default(struct http_opts *o)
{
	o->connect_timeout = 10;
	o->timeout = 120;
	o->stall_timeout = 30;
	o->retries = 4;
	o->insecure = 0;
	o->backoff_base = 0.5;
	o->max_reply_bytes = 8u << 20;
}

void http_easy_common(void *easy, const struct http_opts *o)
{
	CURL *e = easy;
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)(o->connect_timeout * 1000));
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, o->insecure ? 0L : 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, o->insecure ? 0L : 2L);
}

struct http_pool *http_pool_new(const struct http_opts *o)
{
	static int inited;
	if (!inited) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		inited = 1;
	}
	struct http_pool *p = xcalloc(1, sizeof *p);
	p->multi = curl_multi_init();
	p->o = *o;
	rng_seed(&p->rng, (uint64_t)time(NULL));
	return p;
}

static void track(struct http_pool *p, struct http_req *r)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->reqs[i] == r)
			return;
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->reqs = xrealloc(p->reqs, p->cap * sizeof *p->reqs);
	}
	p->reqs[p->n++] = r;
}

static void untrack(struct http_pool *p, struct http_req *r)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->reqs[i] == r) {
			p->reqs[i] = p->reqs[--p->n];
			return;
		}
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct http_req *r = ud;
	size_t n = size * nmemb;
	long status = 0;
	r->last_data = util_now();
	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
	r->received += n;
	if (r->max_bytes && r->received > r->max_bytes) {
		/* a reply no search needs: stop reading before memory, the trace
		 * and the replies journal fill with it */
		snprintf(r->cut, sizeof r->cut, "the reply is larger than --max-reply-bytes (%zu bytes)", r->max_bytes);
		return 0;
	}
	/* error bodies are read whole, for the server's message */
	if (r->on_data && status >= 200 && status < 300) {
		if (r->response.len < 65536)
			sb_add(&r->response, ptr, n < 65536 ? n : 65536);
		return r->on_data(r->ctx, ptr, n) ? 0 : n;
	}
	sb_add(&r->response, ptr, n);
	return n;
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	struct http_req *r = ud;
	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	if (util_now() - r->last_data > r->stall_after) {
		r->stalled = 1;
		return 1; /* abort the transfer */
	}
	return 0;
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct http_req *r = ud;
	size_t n = size * nmemb;
	r->last_data = util_now();
	char line[256];
	size_t l = n < sizeof line - 1 ? n : sizeof line - 1;
	memcpy(line, ptr, l);
	line[l] = '\0';
	if (!strncasecmp(line, "retry-after-ms:", 15)) {
		r->retry_after = atof(line + 15) / 1000.0;
	} else if (!strncasecmp(line, "retry-after:", 12) && r->retry_after < 0) {
		/* seconds; an HTTP date is not worth parsing for a retry */
		char *e;
		double v = strtod(line + 12, &e);
		if (e != line + 12)
			r->retry_after = v;
	}
	return n;
}

static void add(struct http_pool *p, struct http_req *r)
{
	CURL *e = curl_easy_init();
	r->easy = e;
	r->errbuf[0] = '\0';
	r->received = 0;
	r->cut[0] = '\0';
	r->max_bytes = p->o.max_reply_bytes;
	r->retry_after = -1;
	r->status = 0;
	r->transport = 0;
	sb_reset(&r->response);
	r->attempts++;
	curl_easy_setopt(e, CURLOPT_URL, r->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	http_easy_common(e, &p->o);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
	if (p->o.timeout > 0)
		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(p->o.timeout * 1000));
	r->last_data = util_now();
	r->stalled = 0;
	if (p->o.stall_timeout > 0 && r->on_data) {
		/* a stream silent for this long is stalled (curl's low-speed
		 * limit averages over seconds, so a burst would hide a stall);
		 * a plain reply may think for minutes (--timeout rules it) */
		r->stall_after = p->o.stall_timeout;
		curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(e, CURLOPT_XFERINFODATA, r);
		curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
	}
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_USERAGENT, "canopy");
	if (r->hdrs)
		curl_slist_free_all(r->hdrs);
	r->hdrs = curl_slist_append(NULL, "Content-Type: application/json");
	r->hdrs = curl_slist_append(r->hdrs, "Expect:");
	for (const char *const *h = r->headers; h && *h; h++)
		r->hdrs = curl_slist_append(r->hdrs, *h);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->hdrs);
	if (r->body)
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body);
	if (r->fresh)
		curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
	curl_multi_add_handle(p->multi, e);
	r->active = 1;
	r->waiting = 0;
}

void http_start(struct http_pool *p, struct http_req *r)
{
	r->done = 0;
	r->attempts = 0;
	r->error[0] = '\0';
	sb_init(&r->response);
	r->hdrs = NULL;
	track(p, r);
	add(p, r);
}

static void detach(struct http_pool *p, struct http_req *r)
{
	if (r->active) {
		curl_multi_remove_handle(p->multi, r->easy);
		curl_easy_cleanup(r->easy);
		r->easy = NULL;
		r->active = 0;
	}
}

void http_cancel(struct http_pool *p, struct http_req *r)
{
	detach(p, r);
	r->waiting = 0;
	untrack(p, r);
}

static int retryable_code(CURLcode c)
{
	switch (c) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_COULDNT_RESOLVE_HOST:
		return 1;
	default:
		return 0;
	}
}

static void finish(struct http_pool *p, struct http_req *r, CURLcode rc)
{
	long status = 0;
	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
	r->status = status;
	detach(p, r);
	int retry;
	if (rc != CURLE_OK) {
		r->transport = 1;
		const char *why = r->cut[0] ? r->cut : r->errbuf[0] ? r->errbuf : curl_easy_strerror(rc);
		char stall[96];
		if (r->stalled) {
			snprintf(stall, sizeof stall, "the server stopped sending (stalled for %.0f s)", r->stall_after);
			why = stall;
		}
		snprintf(r->error, sizeof r->error, "%s: %s", r->shown_url ? r->shown_url : r->url, why);
		retry = r->stalled || retryable_code(rc);
	} else {
		retry = status == 408 || status == 409 || status == 429 || status >= 500;
		for (const char *const *f = r->final_bodies; retry && status >= 500 && f && *f; f++)
			if (r->response.s && strstr(r->response.s, *f))
				retry = 0; /* the server said what it will not do: asking again will not help */
		if (status < 200 || status >= 300)
			snprintf(r->error, sizeof r->error, "%s: HTTP %ld", r->shown_url ? r->shown_url : r->url, status);
	}
	if (retry && r->attempts <= p->o.retries && r->give_up && r->give_up(r->ctx))
		retry = 0; /* the caller knows it will not help */
	if (retry && r->attempts <= p->o.retries) {
		double wait;
		if (r->retry_after >= 0 && r->retry_after <= 60)
			wait = r->retry_after; /* the server knows best */
		else
			wait = fmin(p->o.backoff_base * pow(2, r->attempts - 1), 8.0) *
			       (0.75 + 0.5 * rng_uniform(&p->rng));
		r->retry_at = util_now() + wait;
		r->waiting = 1;
		if (r->on_reset)
			r->on_reset(r->ctx);
		return;
	}
	if (rc == CURLE_OK && status >= 200 && status < 300)
		r->error[0] = '\0';
	r->done = 1;
	untrack(p, r);
}

int http_poll(struct http_pool *p, double timeout)
{
	double now = util_now(), next = now + timeout;
	for (size_t i = 0; i < p->n; i++) {
		struct http_req *r = p->reqs[i];
		if (r->waiting && r->retry_at <= now) {
			if (r->before_retry)
				r->before_retry(r->ctx);
			add(p, r);
		}
		else if (r->waiting && r->retry_at < next)
			next = r->retry_at;
	}
	int running = 0;
	curl_multi_perform(p->multi, &running);
	int finished = 0;
	int wait_ms = (int)fmax(0, (next - util_now()) * 1000);
	/* with nothing running, the caller may still wait for room that
	 * another thread frees: it wakes this wait (http_pool_wake) */
	if (wait_ms > 0 || running) {
		curl_multi_poll(p->multi, NULL, 0, wait_ms, NULL);
		curl_multi_perform(p->multi, &running);
	}
	CURLMsg *m;
	int q;
	while ((m = curl_multi_info_read(p->multi, &q))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		struct http_req *r;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
		finish(p, r, m->data.result);
		finished += r->done;
	}
	return finished;
}

void http_pool_wake(struct http_pool *p)
{
	curl_multi_wakeup(p->multi);
}

int http_inflight(const struct http_pool *p)
{
	return (int)p->n;
}

void http_req_clear(struct http_req *r)
{
	if (r->hdrs)
		curl_slist_free_all(r->hdrs);
	r->hdrs = NULL;
	sb_free(&r->response);
}

void http_pool_free(struct http_pool *p)
{
	if (!p)
		return;
	while (p->n)
		http_cancel(p, p->reqs[0]);
	curl_multi_cleanup(p->multi);
	free(p->reqs);
	free(p);
}
