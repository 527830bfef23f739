/* header: every strategy's header, written by a real search with its
 * parameters moved off their defaults, decodes to the same values and
 * encodes back to the very same line; a server run's roles, URLs and
 * prompts survive; an import's own facts are kept; and every value read
 * back is held to the command line's range, since --resume runs the
 * search again from it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend_sim.h"
#include "header.h"
#include "search.h"
#include "tap.h"
#include "trace.h"
#include "util.h"

static char dir[] = "/tmp/canopy-header-XXXXXX";

static char *first_line(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	static char buf[1 << 16];
	char *r = fgets(buf, sizeof buf, f);
	fclose(f);
	if (!r)
		return NULL;
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/* A value of id off its default and inside its range. */
static double moved(enum param_id id, double dflt)
{
	if (param_choices(id))
		return dflt == 0 ? 1 : 0;
	switch (id) {
	case P_TEMPERATURE: return 0.55;
	case P_TOP_P: return 0.9;
	case P_TAU: return 0.35;
	case P_C: return 1.75;
	default: return dflt + 1;
	}
}

static void round_trip_strategies(void)
{
	struct sim_cfg sim;
	sim_cfg_default(&sim);
	sim.prm_noise = 0.2;
	sim.orm_bias = 0.3;
	sim.critic_false = 0.1;
	struct sim_latency lat = {0, 0};
	for (const struct strategy_ops *const *sp = strategy_list; *sp; sp++) {
		const struct strategy_ops *st = *sp;
		struct backend *be = backend_sim_new(&sim, &lat);
		struct header_backend hb;
		header_backend_init(&hb);
		hb.kind = xstrdup("sim");
		hb.model = xstrdup(be->model);
		hb.has_sim = 1;
		hb.latency_ms = 5;
		hb.latency_ms_per_token = 0.5;
		hb.sim = sim;
		header_role_set(&hb.orm, "judge", NULL, "orm-model");
		header_role_set(&hb.prm, "logprob", "http://127.0.0.1:9/", "prm-model");
		hb.prm.backend = xstrdup("llamacpp");
		struct search_config cfg;
		memset(&cfg, 0, sizeof cfg);
		cfg.strategy = st;
		for (const struct param_default *d = st->params; d->id != P_COUNT; d++) {
			cfg.params.v[d->id] = moved(d->id, d->value);
			cfg.params.set[d->id] = 1;
		}
		cfg.problem = "What is (17+25)*3-8?";
		cfg.gold = "118";
		cfg.seed = 9007199254740992ull; /* 2^53, the largest --seed */
		cfg.budget_tokens = 123456;
		cfg.budget_requests = 77;
		cfg.max_inflight = 3;
		cfg.backend = be;
		cfg.backend_hdr = &hb;
		char path[128], err[512];
		snprintf(path, sizeof path, "%s/%s.jsonl", dir, st->name);
		cfg.trace_path = path;
		struct search *s = search_new(&cfg, err, sizeof err);
		ok(s != NULL, "%s: a search writes its header (%s)", st->name, s ? "" : err);
		if (s)
			search_free(s);
		header_backend_free(&hb);
		backend_free(be);
		char *line = first_line(path);
		cJSON *j = line ? cJSON_Parse(line) : NULL;
		struct trace_header h;
		int rc = header_decode(j, &h, err, sizeof err);
		ok(rc == 0, "%s: the header decodes (%s)", st->name, rc ? err : "");
		if (rc) {
			cJSON_Delete(j);
			continue;
		}
		int same = 1;
		for (const struct param_default *d = st->params; d->id != P_COUNT; d++)
			if (!h.params.set[d->id] || h.params.v[d->id] != moved(d->id, d->value)) {
				same = 0;
				printf("# %s: %s read back as %g\n", st->name, param_name(d->id), h.params.v[d->id]);
			}
		ok(same, "%s: every parameter reads back as set", st->name);
		ok(h.seed == 9007199254740992ull && h.budget_tokens == 123456 && h.budget_requests == 77 &&
			   h.max_inflight == 3,
		   "%s: seed, budgets and max_inflight read back", st->name);
		ok(h.backend.has_sim && h.backend.sim.prm_noise == 0.2 && h.backend.sim.orm_bias == 0.3 &&
			   h.backend.sim.critic_false == 0.1 && h.backend.latency_ms == 5,
		   "%s: the sim's error model and latency read back", st->name);
		ok(h.backend.orm.given && h.backend.orm.kind && !strcmp(h.backend.orm.kind, "judge") &&
			   h.backend.orm.model && !strcmp(h.backend.orm.model, "orm-model"),
		   "%s: a role of its own reads back", st->name);
		cJSON *again = header_encode(&h);
		char *text = cJSON_PrintUnformatted(again);
		is_str(text, line, "encoding the decoded header gives the same line");
		free(text);
		cJSON_Delete(again);
		header_free(&h);
		cJSON_Delete(j);
	}
}

static int decode_err(const char *text, char *err, size_t errlen)
{
	cJSON *j = cJSON_Parse(text);
	struct trace_header h;
	int rc = header_decode(j, &h, err, errlen);
	if (!rc)
		header_free(&h);
	cJSON_Delete(j);
	return rc;
}

/* A header whose strategy object is S and backend B. */
static int bad_header(const char *s, const char *b, const char *rest, char *err, size_t errlen)
{
	char text[2048];
	snprintf(text, sizeof text,
		 "{\"canopy\":1,\"problem\":{\"text\":\"p\",\"answer\":null},\"strategy\":%s,\"backend\":%s%s}", s, b,
		 rest);
	return decode_err(text, err, errlen);
}

static void ranges(void)
{
	char err[512];
	const char *sim = "{\"kind\":\"sim\"}";
	ok(!bad_header("{\"name\":\"beam\",\"width\":4}", sim, ",\"seed\":1", err, sizeof err), "a plain header decodes");
	static const struct {
		const char *strategy, *backend, *rest, *want, *what;
	} cases[] = {
		{"{\"name\":\"beam\",\"width\":0}", "{\"kind\":\"sim\"}", ",\"seed\":1", "width must be a whole number from 1",
		 "width 0 (a SIGFPE in beam, resumed) is refused"},
		{"{\"name\":\"sc\",\"n\":-5}", "{\"kind\":\"sim\"}", ",\"seed\":1", "n must be a whole number from 1",
		 "a negative n is refused"},
		{"{\"name\":\"magicore\",\"k\":1e12}", "{\"kind\":\"sim\"}", ",\"seed\":1", "k must be a whole number",
		 "a huge k is refused"},
		{"{\"name\":\"beam\",\"lookahead\":1e9}", "{\"kind\":\"sim\"}", ",\"seed\":1", "lookahead must be",
		 "lookahead 1e9 is refused"},
		{"{\"name\":\"beam\",\"agg\":\"max\"}", "{\"kind\":\"sim\"}", ",\"seed\":1", "agg must be one of",
		 "an unknown choice is refused"},
		{"{\"name\":\"beam\",\"width\":\"4\"}", "{\"kind\":\"sim\"}", ",\"seed\":1", "has the wrong type",
		 "a number written as a string is refused"},
		{"{\"name\":\"sc\"}", "{\"kind\":\"sim\"}", ",\"seed\":1e30", "bad \"seed\"", "a seed past 2^53 is refused"},
		{"{\"name\":\"sc\"}", "{\"kind\":\"sim\"}", ",\"seed\":-1", "bad \"seed\"", "a negative seed is refused"},
		{"{\"name\":\"sc\"}", "{\"kind\":\"sim\"}", ",\"seed\":1,\"max_inflight\":0.5", "max_inflight",
		 "a fractional max_inflight is refused"},
		{"{\"name\":\"sc\"}", "{\"kind\":\"sim\"}", ",\"seed\":1,\"budget\":{\"tokens\":-3}", "budget.tokens",
		 "a negative budget is refused"},
		{"{\"name\":\"sc\"}", "{\"kind\":\"sim\",\"prm_noise\":7}", ",\"seed\":1", "backend.prm_noise",
		 "a sim noise out of --sim-prm-noise's range is refused"},
		{"{\"name\":\"sc\"}", "{\"kind\":\"openai\",\"urls\":[1]}", ",\"seed\":1", "backend.urls",
		 "URLs that are not strings are refused"},
		{"{\"name\":\"sc\"}", "{\"kind\":\"openai\",\"prm\":3}", ",\"seed\":1", "backend.prm",
		 "a role that is not an object is refused"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		err[0] = '\0';
		int rc = bad_header(cases[i].strategy, cases[i].backend, cases[i].rest, err, sizeof err);
		ok(rc && strstr(err, cases[i].want) && !strncmp(err, "header: ", 8), "%s (%s)", cases[i].what, err);
	}
}

static void imported(void)
{
	char err[512];
	const char *line =
		"{\"canopy\":1,\"problem\":{\"text\":\"p\",\"answer\":\"9\"},\"strategy\":{\"name\":\"magicore\",\"k\":0,"
		"\"rounds\":99,\"finish_reason\":\"solution\"},\"backend\":{\"kind\":\"import\",\"from\":\"magicore\","
		"\"file\":\"x.json\",\"index\":2,\"dataset\":\"gsm8k\"},\"seed\":0,\"budget\":{},\"version\":\"0.1.0\","
		"\"created\":\"2026-12-01T00:00:00Z\"}";
	cJSON *j = cJSON_Parse(line);
	struct trace_header h;
	int rc = header_decode(j, &h, err, sizeof err);
	ok(rc == 0, "an import's header decodes even with numbers canopy's ranges would refuse (%s)", rc ? err : "");
	if (!rc) {
		is_str(header_imported_from(&h), "magicore", "and says which tool it came from");
		is_int(h.backend.index, 2, "which record");
		struct strbuf sb;
		sb_init(&sb);
		header_params_string(&h, 0, &sb);
		is_str(sb.s, "k=0 rounds=99 finish_reason=solution", "the tool's own settings are shown as they are");
		sb_free(&sb);
		cJSON *again = header_encode(&h);
		char *text = cJSON_PrintUnformatted(again);
		is_str(text, line, "and an import's header encodes back to the same line");
		free(text);
		cJSON_Delete(again);
		header_free(&h);
	}
	cJSON_Delete(j);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	round_trip_strategies();
	ranges();
	imported();
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd))
		return 1;
	return tap_done();
}
