/* server_probe: what canopy asks a server before the search starts (is
 * it ready, how many slots), and the API key it sends: plain blocking
 * calls, made once, before the worker runs. */
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "backend_openai.h"
#include "util.h"

/* A key goes into an HTTP header line: one with a control character in
 * it (a CR or LF would start headers of its own) is refused. */
static int key_ok(const char *key, const char *where, char *err, size_t errlen)
{
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		if (*p < 0x20 || *p == 0x7f) {
			snprintf(err, errlen,
				 "%s: refused: the API key holds a control character (a line break would add HTTP "
				 "headers); give the key alone",
				 where);
			return 0;
		}
	return 1;
}

/* Once a key is in memory, no core dump may carry it off: the process is
 * made non-dumpable (which also keeps other users' debuggers out). */
static void guard_key(void)
{
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

int api_key_load(const char *file, char **key, char *err, size_t errlen)
{
	*key = NULL;
	if (file) {
		struct stat st;
		if (stat(file, &st)) {
			snprintf(err, errlen, "%s: %s", file, strerror(errno));
			return -1;
		}
		if (st.st_mode & 077) {
			snprintf(err, errlen, "%s: refused: an API key file must be readable by its owner only (chmod 600 %s)",
				 file, file);
			return -1;
		}
		FILE *f = fopen(file, "r");
		if (!f) {
			snprintf(err, errlen, "%s: %s", file, strerror(errno));
			return -1;
		}
		char buf[512] = "";
		if (!fgets(buf, sizeof buf, f))
			buf[0] = '\0';
		fclose(f);
		/* the first line is the key; a CR of a Windows line end goes too */
		buf[strcspn(buf, "\r\n")] = '\0';
		if (!buf[0]) {
			snprintf(err, errlen, "%s: the file holds no key", file);
			return -1;
		}
		if (!key_ok(buf, file, err, errlen)) {
			memset(buf, 0, sizeof buf);
			return -1;
		}
		guard_key();
		*key = xstrdup(buf);
		memset(buf, 0, sizeof buf);
		return 0;
	}
	const char *name = "CANOPY_API_KEY";
	const char *e = getenv(name);
	if (!e || !*e)
		e = getenv(name = "OPENAI_API_KEY");
	if (e && *e) {
		if (!key_ok(e, name, err, errlen))
			return -1;
		guard_key();
		*key = xstrdup(e);
	}
	return 0;
}

char *api_key_header(const char *key)
{
	struct strbuf a;
	sb_init(&a);
	sb_printf(&a, "Authorization: Bearer %s", key);
	return sb_steal(&a);
}

void server_base_url(const char *url, char *out, size_t len)
{
	snprintf(out, len, "%s", url ? url : "");
	size_t l = strlen(out);
	while (l && out[l - 1] == '/')
		out[--l] = '\0';
	if (l >= 3 && !strcmp(out + l - 3, "/v1"))
		out[l -= 3] = '\0';
	while (l && out[l - 1] == '/')
		out[--l] = '\0';
}

static size_t keep_body(char *p, size_t s, size_t n, void *u)
{
	struct strbuf *b = u;
	if (b->len < 65536)
		sb_add(b, p, s * n);
	return s * n;
}

/* One GET, a plain blocking call: at start-up, before the worker runs,
 * or when a server that went away is asked what it now has.  The key goes
 * with it: a server started with --api-key refuses every route without. */
static int ask_once(const char *url, const char *path, const char *post, const struct http_opts *o,
		    const char *key, double timeout, long *status, struct strbuf *body, char *full, size_t fulllen,
		    char *err, size_t errlen)
{
	/* full is what messages show; real is what is sent */
	char real[700], base[600];
	server_base_url(url, base, sizeof base);
	snprintf(real, sizeof real, "%s%s", base, path);
	url_redact(real, full, fulllen);
	CURL *e = curl_easy_init();
	char eb[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(e, CURLOPT_URL, real);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, keep_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, eb);
	http_easy_common(e, o);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(timeout * 1000));
	struct curl_slist *h = NULL;
	char *auth = NULL;
	if (key) {
		auth = api_key_header(key);
		h = curl_slist_append(NULL, auth);
	}
	if (post) {
		h = curl_slist_append(h, "Content-Type: application/json");
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, post);
	}
	if (h)
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	CURLcode rc = curl_easy_perform(e);
	*status = 0;
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, status);
	curl_easy_cleanup(e);
	curl_slist_free_all(h);
	if (auth) {
		memset(auth, 0, strlen(auth));
		free(auth);
	}
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s: %s", full, eb[0] ? eb : curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}

static int get_once(const char *url, const char *path, const struct http_opts *o, const char *key,
		    double timeout, long *status, struct strbuf *body, char *full, size_t fulllen, char *err,
		    size_t errlen)
{
	return ask_once(url, path, NULL, o, key, timeout, status, body, full, fulllen, err, errlen);
}

int server_health(const struct dialect *d, const char *url, const struct http_opts *o, const char *key,
		  void (*waiting)(void *ctx, const char *what, double elapsed), void *ctx, char *err, size_t errlen)
{
	if (!d->health)
		return 0;
	double t0 = util_now(), limit = o->timeout > 0 ? o->timeout : 120;
	for (;;) {
		char full[600];
		long status;
		struct strbuf body;
		sb_init(&body);
		int rc = get_once(url, d->health, o, key, 10, &status, &body, full, sizeof full, err, errlen);
		sb_free(&body);
		if (rc)
			return -1;
		double spent = util_now() - t0;
		if (status == 503 && spent < limit) {
			/* the model is loading: it will be ready, wait for it */
			char what[700];
			snprintf(what, sizeof what, "%s: waiting for the model to load", full);
			if (waiting)
				waiting(ctx, what, spent);
			struct timespec ts = {0, 250 * 1000000L};
			nanosleep(&ts, NULL);
			continue;
		}
		if (status == 503) {
			snprintf(err, errlen,
				 "%s: the server was still loading its model (HTTP 503) after %.0f s (--timeout); try "
				 "again when it is ready",
				 full, spent);
			return -1;
		}
		if (status == 401 || status == 403) {
			snprintf(err, errlen, "%s: HTTP %ld: the server wants an API key (%s)", full, status,
				 key ? "the one given was refused" : "give it in CANOPY_API_KEY or --api-key-file");
			return -1;
		}
		if (status != 200) {
			snprintf(err, errlen, "%s: HTTP %ld (is this a %s server? see --backend)", full, status, d->name);
			return -1;
		}
		if (waiting && spent > 0.5)
			waiting(ctx, NULL, spent); /* ready: the line can go */
		return 0;
	}
}

int server_props(const struct dialect *d, const char *url, const struct http_opts *o, const char *key,
		 double timeout, struct srv_props *out, char *why, size_t whylen)
{
	memset(out, 0, sizeof *out);
	if (why && whylen)
		why[0] = '\0';
	if (!d->props)
		return 0;
	char full[600], err[300];
	struct strbuf body;
	sb_init(&body);
	if (get_once(url, d->props, o, key, timeout, &out->status, &body, full, sizeof full, err, sizeof err)) {
		if (why)
			snprintf(why, whylen, "%s", err);
		sb_free(&body);
		return -1;
	}
	if (out->status == 200) {
		cJSON *j = cJSON_ParseWithLength(body.s ? body.s : "", body.len);
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "total_slots");
		if (cJSON_IsNumber(t) && t->valuedouble >= 1 && t->valuedouble <= 4096) {
			out->slots = (int)util_i32(t->valuedouble);
			out->llama = 1;
		}
		/* each slot's context: the server's -c over its slots */
		const cJSON *g = cJSON_GetObjectItemCaseSensitive(j, "default_generation_settings");
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(g, "n_ctx");
		if (cJSON_IsNumber(n) && n->valuedouble >= 1 && n->valuedouble <= 1e8)
			out->n_ctx = (int)util_i32(n->valuedouble);
		cJSON_Delete(j);
	}
	sb_free(&body);
	if (!out->slots && why) {
		if (out->status == 200)
			snprintf(why, whylen, "%s says no slot count", full);
		else
			snprintf(why, whylen, "%s: HTTP %ld%s", full, out->status,
				 out->status == 401 ? " (the API key was refused)" : "");
	}
	return 0;
}

/* The model's chat template as three pieces, from llama.cpp's
 * /apply-template given a system and a user message that are markers:
 * what comes before the system prompt, between it and the user's, and
 * after (the assistant's turn begun).  A template that has no system
 * role gets both in the user's message.  0, or -1 with why. */
int server_template(const struct dialect *d, const char *url, const struct http_opts *o, const char *key,
		    char **pieces, char *why, size_t whylen)
{
	static const char *const asks[] = {
		"{\"messages\":[{\"role\":\"system\",\"content\":\"\\u0001S\\u0001\"},"
		"{\"role\":\"user\",\"content\":\"\\u0001U\\u0001\"}]}",
		"{\"messages\":[{\"role\":\"user\",\"content\":\"\\u0001S\\u0001\\n\\n\\u0001U\\u0001\"}]}",
	};
	pieces[0] = pieces[1] = pieces[2] = NULL;
	if (!d->template_route) {
		snprintf(why, whylen, "this kind of server applies its own");
		return -1;
	}
	for (size_t k = 0; k < sizeof asks / sizeof *asks; k++) {
		char full[600], err[300];
		long status = 0;
		struct strbuf body;
		sb_init(&body);
		int rc = ask_once(url, d->template_route, asks[k], o, key, 10, &status, &body, full, sizeof full, err,
				  sizeof err);
		if (rc || status != 200) {
			if (rc)
				snprintf(why, whylen, "%s", err);
			else
				snprintf(why, whylen, "%s: HTTP %ld", full, status);
			sb_free(&body);
			if (rc || status == 404)
				return -1; /* no such route: no use asking again */
			continue;
		}
		cJSON *j = cJSON_ParseWithLength(body.s ? body.s : "", body.len);
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(j, "prompt");
		const char *t = cJSON_IsString(p) ? p->valuestring : NULL;
		const char *s = t ? strstr(t, "\001S\001") : NULL;
		const char *u = s ? strstr(s + 3, "\001U\001") : NULL;
		if (u) {
			pieces[0] = xstrndup(t, (size_t)(s - t));
			pieces[1] = xstrndup(s + 3, (size_t)(u - s - 3));
			pieces[2] = xstrdup(u + 3);
		} else {
			snprintf(why, whylen, "%s: the template lost the messages' text", full);
		}
		cJSON_Delete(j);
		sb_free(&body);
		if (u)
			return 0;
	}
	return -1;
}
