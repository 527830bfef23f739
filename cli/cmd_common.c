#include "cmd_common.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int parse_u64(const char *s, uint64_t *out)
{
	char *e;
	errno = 0;
	if (*s == '-')
		return -1;
	unsigned long long v = strtoull(s, &e, 10);
	if (e == s || *e || errno)
		return -1;
	*out = v;
	return 0;
}

int parse_budget(const char *s, uint64_t *tokens, uint64_t *requests)
{
	size_t l = strlen(s);
	int req = l > 3 && !strcmp(s + l - 3, "req");
	char num[32];
	if ((req ? l - 3 : l) >= sizeof num)
		return -1;
	snprintf(num, sizeof num, "%.*s", (int)(req ? l - 3 : l), s);
	uint64_t v;
	if (parse_u64(num, &v) || v == 0)
		return -1;
	*(req ? requests : tokens) = v;
	return 0;
}

int sim_option(int code, const char *arg, struct sim_cfg *cfg, struct sim_latency *lat, char *err,
	       size_t errlen)
{
	double *dst = code == OPT_SIM_ERROR_SCALE    ? &cfg->error_scale
		      : code == OPT_SIM_PRM_NOISE     ? &cfg->prm_noise
		      : code == OPT_SIM_ORM_NOISE     ? &cfg->orm_noise
		      : code == OPT_SIM_CRITIC_RECALL ? &cfg->critic_recall
		      : code == OPT_SIM_CRITIC_FALSE  ? &cfg->critic_false
		      : code == OPT_SIM_ORM_BIAS      ? &cfg->orm_bias
		      : code == OPT_SIM_TRAP_SCALE    ? &cfg->trap_scale
						      : NULL;
	if (code == OPT_SIM_LATENCY) {
		if (sim_latency_parse(arg, lat)) {
			snprintf(err, errlen, "--sim-latency takes MS or MS,MS_PER_TOKEN (e.g. 200,2), not '%s'", arg);
			return -1;
		}
		return 0;
	}
	if (!dst) {
		snprintf(err, errlen, "unknown sim option");
		return -1;
	}
	return options_number(code, W_SEARCH, arg, dst, err, errlen);
}

void say(FILE *f, const char *fmt, ...)
{
	struct strbuf raw, safe;
	sb_init(&raw);
	sb_init(&safe);
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(&raw, fmt, ap);
	va_end(ap);
	size_t n = raw.len;
	int nl = n && raw.s[n - 1] == '\n';
	sb_add_visible(&safe, raw.s ? raw.s : "", n - (size_t)nl, 0);
	if (nl)
		sb_addc(&safe, '\n');
	fwrite(safe.s ? safe.s : "", 1, safe.len, f);
	sb_free(&raw);
	sb_free(&safe);
}

void csv_field(FILE *f, const char *s)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_add_csv_string(&sb, s ? s : "", s ? strlen(s) : 0);
	fwrite(sb.s, 1, sb.len, f);
	sb_free(&sb);
}

/* 95% Wilson score interval */
void wilson_interval(unsigned k, unsigned n, double *lo, double *hi)
{
	if (!n) {
		*lo = *hi = 0;
		return;
	}
	double z = 1.959964, p = (double)k / n, d = 1 + z * z / n;
	double c = (p + z * z / (2.0 * n)) / d;
	double h = z * sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / d;
	*lo = fmax(0, c - h);
	*hi = fmin(1, c + h);
}

void server_cli_init(struct server_cli *c)
{
	memset(c, 0, sizeof *c);
	c->backend = "sim";
	c->retries = -1;
}

int server_option(int code, const char *arg, struct server_cli *c, char *err, size_t errlen)
{
	double v;
	switch (code) {
	case OPT_SRV_BACKEND:
		if (strcmp(arg, "sim") && !dialect_lookup(arg)) {
			snprintf(err, errlen, "unknown backend (sim, %s): '%s'", dialect_names(), arg);
			return -1;
		}
		c->backend = arg;
		return 0;
	case OPT_SRV_URL:
		if (c->nurls == BACKEND_MAX_URLS) {
			snprintf(err, errlen, "at most %d --url values", BACKEND_MAX_URLS);
			return -1;
		}
		/* several servers: requests go to the least loaded */
		c->urls[c->nurls++] = arg;
		return 0;
	case OPT_SRV_MODEL: c->model = arg; return 0;
	case OPT_SRV_API:
		if (strcmp(arg, "chat") && strcmp(arg, "completions")) {
			snprintf(err, errlen, "--api takes chat or completions, not '%s'", arg);
			return -1;
		}
		c->api = arg;
		return 0;
	case OPT_SRV_STREAM: c->stream = 1; return 0;
	case OPT_SRV_TIMEOUT:
	case OPT_SRV_STALL_TIMEOUT:
		return options_number(code, W_SEARCH, arg, code == OPT_SRV_TIMEOUT ? &c->timeout : &c->stall_timeout,
				      err, errlen);
	case OPT_SRV_RETRIES:
		if (options_number(code, W_SEARCH, arg, &v, err, errlen))
			return -1;
		c->retries = (int)v;
		return 0;
	case OPT_SRV_INSECURE: c->insecure = 1; return 0;
	case OPT_SRV_KEY_FILE: c->key_file = arg; return 0;
	case OPT_SRV_PRM:
	case OPT_SRV_ORM:
		if (!servers_scorer_kind_ok(arg)) {
			snprintf(err, errlen, "--%s takes sim, judge, vllm, logprob or none, not '%s'",
				 code == OPT_SRV_PRM ? "prm" : "orm", arg);
			return -1;
		}
		(code == OPT_SRV_PRM ? &c->prm : &c->orm)->kind = arg;
		return 0;
	case OPT_SRV_PRM_URL: c->prm.url = arg; return 0;
	case OPT_SRV_PRM_MODEL: c->prm.model = arg; return 0;
	case OPT_SRV_ORM_URL: c->orm.url = arg; return 0;
	case OPT_SRV_ORM_MODEL: c->orm.model = arg; return 0;
	case OPT_SRV_CRITIC_URL: c->critic.url = arg; return 0;
	case OPT_SRV_CRITIC_MODEL: c->critic.model = arg; return 0;
	case OPT_SRV_DISC_URL: c->disc.url = arg; return 0;
	case OPT_SRV_DISC_MODEL: c->disc.model = arg; return 0;
	case OPT_SRV_PRM_BACKEND:
	case OPT_SRV_ORM_BACKEND:
	case OPT_SRV_CRITIC_BACKEND:
	case OPT_SRV_DISC_BACKEND:
		if (!dialect_lookup(arg)) {
			snprintf(err, errlen, "--%s takes %s, not '%s'", options_find(code, W_SEARCH)->name,
				 dialect_names(), arg);
			return -1;
		}
		(code == OPT_SRV_PRM_BACKEND	 ? &c->prm
		 : code == OPT_SRV_ORM_BACKEND	 ? &c->orm
		 : code == OPT_SRV_CRITIC_BACKEND ? &c->critic
						  : &c->disc)
			->backend = arg;
		return 0;
	case OPT_SRV_PROMPTS: c->prompts = arg; return 0;
	case OPT_SRV_MAX_REPLY:
		if (options_number(code, W_SEARCH, arg, &v, err, errlen))
			return -1;
		c->max_reply_bytes = (size_t)v;
		return 0;
	default:
		snprintf(err, errlen, "unknown server option");
		return -1;
	}
}

int server_cli_check(const struct server_cli *c, char *err, size_t errlen)
{
	if (strcmp(c->backend, "sim") && !c->nurls) {
		snprintf(err, errlen, "--backend %s needs --url BASE", c->backend);
		return -1;
	}
	const struct dialect *d = dialect_lookup(c->backend);
	if (d && d->needs_model && !c->model) {
		snprintf(err, errlen, "--backend %s needs --model NAME", c->backend);
		return -1;
	}
	return 0;
}

void server_cli_opts(const struct server_cli *c, const struct sim_cfg *sim, const struct sim_latency *lat,
		     struct server_opts *out)
{
	memset(out, 0, sizeof *out);
	out->backend = c->backend;
	out->urls = c->urls;
	out->nurls = c->nurls;
	out->model = c->model;
	out->api = c->api;
	out->key_file = c->key_file;
	out->prompts = c->prompts;
	out->stream = c->stream;
	out->insecure = c->insecure;
	out->timeout = c->timeout;
	out->stall_timeout = c->stall_timeout;
	out->retries = c->retries;
	out->max_reply_bytes = c->max_reply_bytes;
	out->prm = c->prm;
	out->orm = c->orm;
	out->critic = c->critic;
	out->disc = c->disc;
	out->sim = sim;
	out->lat = lat;
	out->waiting = say_waiting;
}

void say_waiting(void *ctx, const char *what, double elapsed)
{
	static double shown = -1;
	(void)ctx;
	int tty = isatty(2);
	/* the server's URL is untrusted text: say() shows it safely; the
	 * line's own rewriting goes out raw */
	if (!what) {
		/* ready after a wait: the line is finished, or replaced */
		if (shown >= 0) {
			if (tty)
				fputs("\r\033[K", stderr);
			say(stderr, "canopy: the model is loaded (%.0f s)\n", elapsed);
		}
		shown = -1;
		return;
	}
	/* on a terminal one line, counting; elsewhere a line every 10 s */
	if (tty) {
		fputs("\r\033[K", stderr);
		say(stderr, "canopy: %s (%.0f s)", what, elapsed);
	} else if (shown < 0 || elapsed - shown >= 10) {
		say(stderr, "canopy: %s (%.0f s)\n", what, elapsed);
	} else {
		return;
	}
	shown = elapsed;
}

