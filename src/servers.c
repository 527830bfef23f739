#include "servers.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_sim.h"
#include "prompt.h"
#include "util.h"

int servers_scorer_kind_ok(const char *kind)
{
	static const char *const kinds[] = {"sim", "judge", "vllm", "logprob", "none", NULL};
	for (size_t i = 0; kinds[i]; i++)
		if (!strcmp(kind, kinds[i]))
			return 1;
	return 0;
}

static int role_given(const struct server_role_opts *r)
{
	return r->kind || r->url || r->model || r->backend;
}

static int needs_server(const char *kind)
{
	return kind && (!strcmp(kind, "judge") || !strcmp(kind, "vllm") || !strcmp(kind, "logprob"));
}

/* Every backend made here, freed together; roles may share one. */
struct owned {
	struct backend *v[8];
	int n;
	struct http_pool *pool;
	struct srv *srv[BACKEND_MAX_URLS + 4]; /* the servers asked, their entries held */
	int nsrv;
};

/* A line for the user before the run (the first four are kept). */
static void warn(struct servers *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct servers *sv, const char *fmt, ...)
{
	if (sv->nwarnings >= (int)(sizeof sv->warnings / sizeof *sv->warnings))
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sv->warnings[sv->nwarnings++], sizeof sv->warnings[0], fmt, ap);
	va_end(ap);
}

/* Before the first request: is the server ready (waiting while it loads
 * its model), and what are its slots and context.  What a server's props
 * said is kept in its entry for the process (server_table), so the other
 * bench workers do not ask again.  A llama.cpp server that does not say
 * its slots gets a warning: then nothing is capped or pinned. */
static int probe(struct servers *sv, const struct server_opts *o, const struct dialect *d, const char *url,
		 const struct http_opts *http, int chat, char *err, size_t errlen)
{
	struct owned *ow = (struct owned *)sv->owned;
	if (server_health(d, url, http, sv->key, o->waiting, o->waiting_ctx, err, errlen))
		return 1;
	char base[600];
	server_base_url(url, base, sizeof base);
	struct srv *s = srv_get(base);
	if ((size_t)ow->nsrv < sizeof ow->srv / sizeof *ow->srv)
		ow->srv[ow->nsrv++] = s;
	else
		srv_put(s);
	if (d->template_route && chat && !srv_template_asked(s)) {
		/* the model's own chat template, for a route that takes raw
		 * text; without one the prompts go raw, and the user is told */
		char *pieces[3], why[600];
		if (!server_template(d, url, http, sv->key, pieces, why, sizeof why))
			srv_set_template(s, pieces);
		else
			warn(sv,
			     "%s: the model's chat template is not known, so prompts go raw (--api completions says so "
			     "and stops this warning)",
			     why);
		for (int i = 0; i < 3; i++)
			free(pieces[i]);
	}
	struct srv_props p = srv_props(s);
	if (!d->props || p.status)
		return 0; /* asked already, by another worker or role */
	char why[600];
	server_props(d, url, http, sv->key, 10, &p, why, sizeof why);
	if (!p.status)
		p.status = -1; /* asked: no answer */
	srv_set_props(s, &p);
	if (!p.slots && !d->props_quiet)
		warn(sv,
		     "%s: the server's slots are unknown, so requests are neither capped at them nor pinned to the "
		     "slot holding their prompt",
		     why);
	return 0;
}

static struct backend *own(struct servers *sv, struct backend *b)
{
	struct owned *o = (struct owned *)sv->owned;
	if (b)
		o->v[o->n++] = b;
	return b;
}

/* A role as the user gave it: its kind, and its own server or model when
 * it has one (else it is the actor's), so a resume can set it up again. */
static void role_hdr(struct header_role *h, const char *kind, const struct server_role_opts *r)
{
	/* a trace records where a role was served, never with what password */
	char shown[600];
	if (r->url)
		url_redact(r->url, shown, sizeof shown);
	header_role_set(h, kind, r->url ? shown : NULL, r->model);
	if (r->backend)
		h->backend = xstrdup(r->backend);
}

/* A server of another role than the actor's: its own URL (or the
 * actor's), its own model (or the actor's). */
static int role_cfg(const char *flag, const struct server_role_opts *r, const struct openai_cfg *actor,
		    int sim_actor, struct openai_cfg *out, char *err, size_t errlen)
{
	*out = *actor;
	out->url = r->url ? r->url : actor->url;
	out->urls = r->url ? NULL : actor->urls;
	out->nurls = r->url ? 0 : actor->nurls;
	out->model = r->model ? r->model : actor->model;
	if (!out->url) {
		snprintf(err, errlen, "%s with --backend sim needs --%s-url BASE (the sim is no server)", flag, flag + 2);
		return -1;
	}
	if (sim_actor)
		out->dialect = &dialect_openai;
	if (r->backend && !r->url) {
		snprintf(err, errlen, "--%s-backend needs --%s-url (without it the role is the actor's server)", flag + 2,
			 flag + 2);
		return -1;
	}
	if (r->backend)
		out->dialect = dialect_lookup(r->backend);
	if (!out->model && out->dialect->needs_model) {
		snprintf(err, errlen, "%s needs --%s-model NAME (the server's model name)", flag, flag + 2);
		return -1;
	}
	return 0;
}

/* The PRM (which = "prm") or ORM scorer. */
static int open_scorer(struct servers *sv, const char *which, const char *kind, const struct server_role_opts *r,
		       const struct server_opts *o, const struct openai_cfg *actor, struct backend **out,
		       char *err, size_t errlen)
{
	int sim_actor = !strcmp(o->backend, "sim");
	char flag[16];
	snprintf(flag, sizeof flag, "--%s", which);
	*out = NULL;
	if (!strcmp(kind, "none"))
		return 0;
	if (!strcmp(kind, "sim")) {
		/* the sim scores text, whoever wrote it; it answers at once */
		*out = sim_actor ? sv->actor : own(sv, backend_sim_new(o->sim, NULL));
		return 0;
	}
	if (!strcmp(kind, "judge") && !r->url && !r->model && !sim_actor) {
		*out = sv->actor; /* the actor judges its own steps */
		return 0;
	}
	struct openai_cfg c;
	if (role_cfg(flag, r, actor, sim_actor, &c, err, errlen))
		return 2;
	if (r->url && r->backend && probe(sv, o, c.dialect, r->url, &c.http, c.chat, err, errlen))
		return 1;
	if (!strcmp(kind, "judge")) {
		if (!r->backend)
			c.dialect = &dialect_openai;
		c.stream = 0;
		*out = own(sv, backend_openai_new(&c, err, errlen));
	} else if (!strcmp(kind, "vllm")) {
		*out = own(sv, backend_vllm_prm_new(&c, err, errlen));
	} else {
		/* a server given by URL speaks the OpenAI completions API
		 * unless --prm-backend says; the actor's own server its own
		 * dialect */
		if (r->url && !r->backend)
			c.dialect = &dialect_openai;
		*out = own(sv, backend_logprob_prm_new(&c, err, errlen));
	}
	if (!*out) {
		char msg[400];
		snprintf(msg, sizeof msg, "%s %s: %s", flag, kind, err);
		snprintf(err, errlen, "%s", msg);
		return 2;
	}
	return 0;
}

/* The critic or the discriminator, when given a server or model. */
static int open_helper(struct servers *sv, const char *which, const struct server_role_opts *r,
		       const struct server_opts *o, const struct openai_cfg *actor, struct backend **out,
		       char *err, size_t errlen)
{
	*out = sv->actor;
	if (!r->url && !r->model)
		return 0;
	int sim_actor = !strcmp(o->backend, "sim");
	char flag[16];
	snprintf(flag, sizeof flag, "--%s", which);
	struct openai_cfg c;
	if (role_cfg(flag, r, actor, sim_actor, &c, err, errlen))
		return 2;
	if (r->url && probe(sv, o, c.dialect, r->url, &c.http, c.chat, err, errlen))
		return 1;
	if (!(*out = own(sv, backend_openai_new(&c, err, errlen)))) {
		char msg[400];
		snprintf(msg, sizeof msg, "%s-url: %s", flag, err);
		snprintf(err, errlen, "%s", msg);
		return 2;
	}
	return 0;
}

int servers_sim_reads(const struct server_opts *o)
{
	int sim_actor = !strcmp(o->backend, "sim");
	const char *prm = o->prm.kind ? o->prm.kind : sim_actor ? "sim" : "judge";
	return sim_actor || !strcmp(prm, "sim") || (o->orm.kind && !strcmp(o->orm.kind, "sim"));
}

int servers_open(const struct server_opts *o, struct servers *sv, char *err, size_t errlen)
{
	memset(sv, 0, sizeof *sv);
	sv->owned = xcalloc(1, sizeof(struct owned));
	header_backend_init(&sv->hdr);
	int sim_actor = !strcmp(o->backend, "sim");
	const char *prm = o->prm.kind ? o->prm.kind : sim_actor ? "sim" : "judge";
	const char *orm = o->orm.kind ? o->orm.kind : role_given(&o->orm) ? "judge" : NULL;
	int remote = !sim_actor || needs_server(prm) || needs_server(orm) || o->critic.url || o->critic.model ||
		     o->disc.url || o->disc.model;
	sv->sim_reads = servers_sim_reads(o);
	struct openai_cfg oc = {0};
	http_opts_default(&oc.http);
	if (o->timeout > 0)
		oc.http.timeout = o->timeout;
	if (o->stall_timeout > 0)
		oc.http.stall_timeout = o->stall_timeout;
	if (o->max_reply_bytes)
		oc.http.max_reply_bytes = o->max_reply_bytes;
	if (o->retries >= 0)
		oc.http.retries = o->retries;
	oc.http.insecure = o->insecure;
	/* one curl multi handle carries every role's requests */
	struct owned *ow = (struct owned *)sv->owned;
	if (remote)
		oc.pool = ow->pool = http_pool_new(&oc.http);
	if (remote) {
		if (api_key_load(o->key_file, &sv->key, err, errlen))
			return 2;
		/* a resume has them from its journal already */
		if (prompts_load(o->prompts, err, errlen))
			return 2;
	}
	oc.api_key = sv->key;
	struct header_backend *bh = &sv->hdr;
	if (sim_actor) {
		sv->actor = own(sv, backend_sim_new(o->sim, o->lat));
		bh->kind = xstrdup("sim");
		bh->model = xstrdup(sv->actor->model);
		bh->has_sim = 1;
		bh->latency_ms = o->lat->per_request_ms;
		bh->latency_ms_per_token = o->lat->per_token_ms;
		bh->sim = *o->sim;
	} else {
		oc.url = o->urls[0];
		oc.urls = o->urls;
		oc.nurls = o->nurls;
		oc.model = o->model;
		oc.dialect = dialect_lookup(o->backend);
		if (!oc.dialect) {
			snprintf(err, errlen, "unknown backend (sim, %s): '%s'", dialect_names(), o->backend);
			return 2;
		}
		oc.chat = !o->api || !strcmp(o->api, "chat");
		oc.stream = o->stream;
		for (int i = 0; i < o->nurls && i < BACKEND_MAX_URLS; i++)
			if (probe(sv, o, oc.dialect, o->urls[i], &oc.http, oc.chat, err, errlen))
				return 1; /* say so now, not after the first request fails */
		if (!(sv->actor = own(sv, backend_openai_new(&oc, err, errlen))))
			return 2;
		bh->kind = xstrdup(sv->actor->kind);
		/* the first as the backend normalised it */
		bh->urls[bh->nurls++] = xstrdup(sv->actor->url);
		for (int i = 1; o->nurls > 1 && i < o->nurls && i < BACKEND_MAX_URLS; i++) {
			char shown[600];
			url_redact(o->urls[i], shown, sizeof shown);
			bh->urls[bh->nurls++] = xstrdup(shown);
		}
		bh->model = xstrdup(sv->actor->model);
		bh->api = xstrdup(oc.chat ? "chat" : "completions");
		bh->stream = oc.stream;
	}
	int rc = open_scorer(sv, "prm", prm, &o->prm, o, &oc, &sv->prm, err, errlen);
	if (rc)
		return rc;
	sv->no_prm = !strcmp(prm, "none");
	if (!sim_actor || strcmp(prm, "sim"))
		role_hdr(&bh->prm, prm, &o->prm);
	if (orm) {
		if ((rc = open_scorer(sv, "orm", orm, &o->orm, o, &oc, &sv->orm, err, errlen)))
			return rc;
		sv->no_orm = !strcmp(orm, "none");
		role_hdr(&bh->orm, orm, &o->orm);
	} else {
		sv->orm = sv->prm; /* outcome scores from the step scorer */
		sv->no_orm = sv->no_prm;
	}
	if ((rc = open_helper(sv, "critic", &o->critic, o, &oc, &sv->critic, err, errlen)))
		return rc;
	if (sv->critic != sv->actor)
		role_hdr(&bh->critic, NULL, &o->critic);
	if ((rc = open_helper(sv, "disc", &o->disc, o, &oc, &sv->disc, err, errlen)))
		return rc;
	if (sv->disc != sv->actor)
		role_hdr(&bh->disc, NULL, &o->disc);
	if (remote) {
		/* the words the models were asked with, so a trace can be rerun */
		bh->prompts = prompts_json();
	}
	if (!sv->prm)
		sv->prm = sv->actor; /* none: never asked */
	if (!sv->orm)
		sv->orm = sv->prm;
	return 0;
}

void servers_close(struct servers *sv)
{
	struct owned *o = (struct owned *)sv->owned;
	for (int i = 0; o && i < o->n; i++)
		backend_free(o->v[i]);
	for (int i = 0; o && i < o->nsrv; i++)
		srv_put(o->srv[i]);
	if (o)
		http_pool_free(o->pool); /* after every backend that used it */
	free(o);
	header_backend_free(&sv->hdr);
	if (sv->key) {
		memset(sv->key, 0, strlen(sv->key));
		free(sv->key);
	}
	/* the prompts are the process's, loaded once: freed by its owner */
	memset(sv, 0, sizeof *sv);
}
