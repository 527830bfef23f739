/* targets: one function a parser, each taking any bytes.  libFuzzer runs
 * them (fuzz.c, `make fuzz`), and every file of tests/fuzz/corpus/NAME is
 * replayed through its target by `make check` (replay.c) under each CI
 * build, so a crash once found stays fixed.  A target must never crash,
 * leak or read out of bounds; where a parse should round-trip, it checks
 * that it does and aborts when not. */
#include "targets.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "answer.h"
#include "backend_sim.h"
#include "critique.h"
#include "dataset.h"
#include "event.h"
#include "header.h"
#include "import.h"
#include "jscan.h"
#include "openai_int.h"
#include "profile.h"
#include "prompt.h"
#include "replies.h"
#include "resume.h"
#include "search.h"
#include "sse.h"
#include "steps.h"
#include "termbg.h"
#include "theme.h"
#include "trace.h"

#define CHECK(cond)                                                                                         \
	do {                                                                                                \
		if (!(cond)) {                                                                              \
			fprintf(stderr, "fuzz: %s:%d: %s\n", __FILE__, __LINE__, #cond);                      \
			abort();                                                                            \
		}                                                                                           \
	} while (0)

/* The input as a NUL-terminated string (the parsers that take C strings). */
static char *cstr(const uint8_t *d, size_t n)
{
	char *s = malloc(n + 1);
	memcpy(s, d, n);
	s[n] = '\0';
	return s;
}

/* The input as a file, for the parsers that read one: an anonymous file
 * named by its /proc path (no disk, nothing left behind). */
struct memfile {
	int fd;
	char path[64];
};

static void memfile_open(struct memfile *m, const uint8_t *d, size_t n)
{
	m->fd = memfd_create("fuzz", 0);
	if (m->fd < 0 || (n && write(m->fd, d, n) != (ssize_t)n))
		abort();
	snprintf(m->path, sizeof m->path, "/proc/self/fd/%d", m->fd);
}

static void memfile_close(struct memfile *m)
{
	close(m->fd);
}

/* ---- the journal ---- */

static int t_event(const uint8_t *d, size_t n)
{
	struct event_scratch sc, sc2;
	memset(&sc, 0, sizeof sc);
	memset(&sc2, 0, sizeof sc2);
	struct event ev, ev2;
	char err[256];
	if (!event_parse((const char *)d, n, &ev, &sc, err, sizeof err)) {
		/* what parses is written back and parses to the same line */
		struct strbuf a, b;
		sb_init(&a);
		sb_init(&b);
		event_format(&a, &ev);
		CHECK(!event_parse(a.s, a.len - 1, &ev2, &sc2, err, sizeof err));
		event_format(&b, &ev2);
		CHECK(a.len == b.len && !memcmp(a.s, b.s, a.len));
		/* and held, it is the same event */
		struct event_hold h = {0};
		event_hold_set(&h, &ev2);
		sb_reset(&b);
		event_format(&b, &h.ev);
		CHECK(a.len == b.len && !memcmp(a.s, b.s, a.len));
		event_hold_clear(&h);
		sb_free(&a);
		sb_free(&b);
	}
	event_scratch_free(&sc);
	event_scratch_free(&sc2);
	return 0;
}

/* Differential: what the one scanner accepts, cJSON reads the same. */
static int t_jscan(const uint8_t *d, size_t n)
{
	struct jobject o;
	char err[128];
	size_t pos;
	if (jscan_object((const char *)d, n, &o, err, sizeof err, &pos))
		return 0;
	cJSON *j = cJSON_ParseWithLength((const char *)d, n);
	CHECK(j && cJSON_IsObject(j));
	for (size_t i = 0; i < o.n; i++) {
		const struct jfield *f = &o.f[i];
		/* keys with escapes are compared raw by jscan: left out here */
		if (memchr(f->key, '\\', f->keylen))
			continue;
		char *key = strndup(f->key, f->keylen);
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
		free(key);
		CHECK(v != NULL);
		if (f->type == JT_NUMBER)
			CHECK(cJSON_IsNumber(v) && v->valuedouble == f->num);
		if (f->type == JT_STRING) {
			CHECK(cJSON_IsString(v));
			struct strbuf s2;
			sb_init(&s2);
			jstring_decode(f->raw, f->rawlen, &s2);
			/* a string holding \u0000 ends early for cJSON */
			if (!memchr(s2.s ? s2.s : "", 0, s2.len) && strcmp(s2.s ? s2.s : "", v->valuestring)) {
				fprintf(stderr, "fuzz: jscan \"%.*s\" = \"%s\", cJSON \"%s\"\n", (int)f->keylen, f->key,
					s2.s ? s2.s : "", v->valuestring);
				abort();
			}
			sb_free(&s2);
		}
		if (f->type == JT_BOOL)
			CHECK(cJSON_IsBool(v) && cJSON_IsTrue(v) == f->boolean);
		if (f->type == JT_NULL)
			CHECK(cJSON_IsNull(v));
		if (f->type == JT_ARRAY)
			CHECK(cJSON_IsArray(v));
		if (f->type == JT_OBJECT)
			CHECK(cJSON_IsObject(v));
	}
	cJSON_Delete(j);
	return 0;
}

static int t_header(const uint8_t *d, size_t n)
{
	cJSON *j = cJSON_ParseWithLength((const char *)d, n);
	struct trace_header h;
	char err[512];
	if (j && !header_decode(j, &h, err, sizeof err)) {
		/* a header that decodes encodes to one that decodes the same */
		cJSON *e1 = header_encode(&h);
		struct trace_header h2;
		if (header_decode(e1, &h2, err, sizeof err)) {
			char *t = cJSON_PrintUnformatted(e1);
			fprintf(stderr, "fuzz: %s\n%s\n", err, t);
			abort();
		}
		cJSON *e2 = header_encode(&h2);
		char *a = cJSON_PrintUnformatted(e1), *b = cJSON_PrintUnformatted(e2);
		CHECK(!strcmp(a, b));
		free(a);
		free(b);
		cJSON_Delete(e1);
		cJSON_Delete(e2);
		header_free(&h2);
		header_free(&h);
	}
	cJSON_Delete(j);
	return 0;
}

static int t_trace(const uint8_t *d, size_t n)
{
	struct memfile m;
	memfile_open(&m, d, n);
	struct trace tr;
	char err[768], warn[512];
	if (!trace_load(m.path, &tr, NULL, NULL, err, sizeof err, warn, sizeof warn))
		trace_free(&tr);
	memfile_close(&m);
	return 0;
}

static int t_replies(const uint8_t *d, size_t n)
{
	struct memfile m;
	memfile_open(&m, d, n);
	struct replies r;
	char err[768], warn[512];
	/* whatever run the file says it belongs to (NULL: not checked) */
	if (!replies_load(m.path, NULL, &r, err, sizeof err, warn, sizeof warn))
		replies_free(&r);
	memfile_close(&m);
	return 0;
}

/* A trace and its replies journal (the input cut at its first NUL),
 * resumed as canopy run --resume would on the sim: the header's numbers,
 * the replies' shapes and the events re-executed against the journal
 * are where a damaged journal once crashed a search. */
static int t_resume(const uint8_t *d, size_t n)
{
	const uint8_t *z = memchr(d, 0, n);
	if (!z)
		return 0;
	char dir[64], trace[96], rp[128];
	snprintf(dir, sizeof dir, "/tmp/canopy-fuzz-resume-%d", (int)getpid());
	mkdir(dir, 0700);
	snprintf(trace, sizeof trace, "%s/t.jsonl", dir);
	snprintf(rp, sizeof rp, "%s.replies", trace);
	FILE *f = fopen(trace, "wb"), *g = fopen(rp, "wb");
	if (!f || !g)
		abort();
	fwrite(d, 1, (size_t)(z - d), f);
	fwrite(z + 1, 1, n - (size_t)(z - d) - 1, g);
	fclose(f);
	fclose(g);
	struct resume rs;
	char err[1500], warn[1400];
	if (resume_open(trace, &rs, err, sizeof err, warn, sizeof warn)) {
		if (getenv("FUZZ_DEBUG"))
			fprintf(stderr, "resume: %s\n", err);
		unlink(trace);
		unlink(rp);
		rmdir(dir);
		return 0;
	}
	const struct trace_header *h = &rs.header;
	struct search_config cfg;
	memset(&cfg, 0, sizeof cfg);
	struct sim_problem sp;
	/* the search canopy run --resume would go on with, when the sim can
	 * run it and it is small enough for a fuzzer */
	int small = !search_config_from_header(&cfg, h, rs.trace_path, err, sizeof err) && h->backend.kind &&
		    !strcmp(h->backend.kind, "sim") && !rs.finished && !sim_problem_parse(h->problem, &sp, err, sizeof err);
	static const struct {
		enum param_id id;
		double max;
	} caps[] = {{P_N, 16},	   {P_WIDTH, 8}, {P_DEPTH, 64},	  {P_ROLLOUTS, 24}, {P_K, 8},
		    {P_PARALLEL, 4}, {P_ROUNDS, 3}, {P_VOTES, 8},  {P_LOOKAHEAD, 3}};
	for (size_t i = 0; small && i < sizeof caps / sizeof caps[0]; i++)
		small = !cfg.params.set[caps[i].id] || cfg.params.v[caps[i].id] <= caps[i].max;
	if (getenv("FUZZ_DEBUG"))
		fprintf(stderr, "resume: %s a search\n", small ? "runs" : "does not run");
	if (small) {
		struct sim_latency lat = {0, 0};
		struct backend *be = backend_sim_new(&h->backend.sim, &lat);
		cfg.backend = be;
		cfg.trace_path = rs.trace_path;
		cfg.resume = &rs;
		struct search *se = search_new(&cfg, err, sizeof err);
		if (se) {
			search_run(se);
			search_free(se);
		}
		backend_free(be);
	}
	resume_free(&rs);
	unlink(trace);
	unlink(rp);
	rmdir(dir);
	return 0;
}

/* ---- what servers send ---- */

static int sse_count(void *ctx, const char *event, const char *data, size_t len)
{
	(void)event;
	(void)data;
	*(size_t *)ctx += len;
	return 0;
}

static int t_sse(const uint8_t *d, size_t n)
{
	/* fed in two pieces, cut where the first byte says */
	size_t cut = n ? d[0] % (n + 1) : 0;
	struct sse s;
	size_t total = 0;
	sse_init(&s, sse_count, &total);
	sse_feed(&s, (const char *)d, cut);
	sse_feed(&s, (const char *)d + cut, n - cut);
	sse_finish(&s);
	sse_free(&s);
	return 0;
}

/* A reply body as each dialect and mode would read it: the first byte
 * chooses the dialect, the mode (generation, pooling PRM, logprob PRM)
 * and whether it streams. */
static int t_reply(const uint8_t *d, size_t n)
{
	if (!n)
		return 0;
	static const struct dialect *const dialects[] = {&dialect_openai, &dialect_llamacpp, &dialect_ollama};
	unsigned sel = d[0];
	d++, n--;
	struct openai_cfg c;
	memset(&c, 0, sizeof c);
	http_opts_default(&c.http);
	c.dialect = dialects[sel % 3];
	c.url = "http://127.0.0.1:9";
	c.model = "m";
	c.chat = (sel >> 2) & 1;
	c.stream = (sel >> 3) & 1;
	char err[300];
	int mode = (sel >> 4) % 3;
	if (prompts_load(NULL, err, sizeof err))
		return 0;
	struct backend *b = mode == 0 ? backend_openai_new(&c, err, sizeof err)
			    : mode == 1 ? backend_vllm_prm_new(&c, err, sizeof err)
					: backend_logprob_prm_new(&c, err, sizeof err);
	if (!b)
		return 0;
	struct oa_backend *be = (struct oa_backend *)b;
	struct request r;
	request_init(&r, mode ? REQ_PRM : REQ_STEP);
	const char *steps[] = {"Step 1: 2 + 2 = 4.", "Step 2: so 4."};
	r.problem = "What is 2 + 2?";
	r.steps = steps;
	r.nsteps = 2;
	r.n = (sel >> 6) + 1;
	r.logprobs = (sel >> 5) & 1;
	if (mode == 2) {
		r.nscores = 2;
		r.scores = calloc(2, sizeof *r.scores);
	}
	struct oa_call *call = oa_call_new(be, &r, mode == 2 ? 1 : 0, mode ? 1 : r.n);
	/* never sent (queued): the backend frees it, and the calls its reply
	 * made (n_cmpl's rest), without releasing a slot; what this target
	 * set up itself, the stream parser and the body, it frees */
	int streamed = be->c.stream && !be->pooling && !be->logprob;
	if (streamed) {
		sse_init(&call->sse, oa_on_sse, call);
		oa_on_stream_data(call, (const char *)d, n);
	}
	sb_add(&call->h.response, (const char *)d, n);
	oa_parse_reply(call);
	if (streamed)
		sse_free(&call->sse);
	sb_free(&call->h.response);
	request_clear_results(&r);
	backend_free(b);
	return 0;
}

/* ---- other tools' and people's files ---- */

static int t_import(const uint8_t *d, size_t n)
{
	if (!n)
		return 0;
	const struct import_format *const *fm = import_formats();
	size_t nf = 0;
	while (fm[nf])
		nf++;
	const struct import_format *f = fm[d[0] % nf];
	struct memfile m;
	memfile_open(&m, d + 1, n - 1);
	struct import_opts o = {m.path, (d[0] / nf) % 3 == 2 ? 1 : -1, NULL, NULL};
	struct import_result res;
	char err[1200], out[64];
	snprintf(out, sizeof out, "/tmp/canopy-fuzz-%d.jsonl", (int)getpid());
	import_run(f, &o, out, &res, err, sizeof err);
	unlink(out);
	memfile_close(&m);
	return 0;
}

static int t_dataset(const uint8_t *d, size_t n)
{
	struct memfile m;
	memfile_open(&m, d, n);
	struct dataset ds;
	char err[768];
	if (!dataset_load(m.path, DS_AUTO, &ds, err, sizeof err)) {
		dataset_select(&ds, 1, (size_t)-1, 3, 7);
		dataset_free(&ds);
	}
	memfile_close(&m);
	return 0;
}

static int t_prompt(const uint8_t *d, size_t n)
{
	char *s = cstr(d, n);
	struct prompt_tmpl t;
	char err[512];
	if (!prompt_parse("fuzz.txt", s, &t, err, sizeof err))
		prompt_tmpl_free(&t);
	free(s);
	return 0;
}

static int t_profile(const uint8_t *d, size_t n)
{
	char dir[64], sub[96], path[128];
	snprintf(dir, sizeof dir, "/tmp/canopy-fuzz-profile-%d", (int)getpid());
	snprintf(sub, sizeof sub, "%s/canopy", dir);
	snprintf(path, sizeof path, "%s/config", sub);
	mkdir(dir, 0700);
	mkdir(sub, 0700);
	setenv("XDG_CONFIG_HOME", dir, 1);
	FILE *f = fopen(path, "wb");
	if (f) {
		fwrite(d, 1, n, f);
		fclose(f);
		char a0[] = "canopy", a1[] = "run", a2[] = "--profile", a3[] = "x", a4[] = "--seed", a5[] = "2";
		char *argv[] = {a0, a1, a2, a3, a4, a5, NULL};
		int out;
		char err[512];
		char **v = profile_expand(6, argv, &out, err, sizeof err);
		if (v)
			profile_free_argv(v, out);
	}
	unlink(path);
	rmdir(sub);
	rmdir(dir);
	unsetenv("XDG_CONFIG_HOME");
	return 0;
}

static int t_theme(const uint8_t *d, size_t n)
{
	/* no terminal: has_colors() says no, and the file is still read
	 * line by line (a name holding '/' is a path) */
	struct memfile m;
	memfile_open(&m, d, n);
	char err[600];
	theme_load(m.path, NULL, err, sizeof err);
	memfile_close(&m);
	return 0;
}

static int t_termbg(const uint8_t *d, size_t n)
{
	/* a terminal's answer is untrusted bytes: only a luminance comes out */
	double luma = -1;
	if (termbg_parse((const char *)d, n, &luma) == 0)
		CHECK(luma >= 0 && luma <= 1);
	return 0;
}

/* ---- model text ---- */

static int t_answer(const uint8_t *d, size_t n)
{
	/* two answers, cut at the first NUL */
	const uint8_t *z = memchr(d, 0, n);
	size_t na = z ? (size_t)(z - d) : n;
	char *a = cstr(d, na), *b = cstr(z ? z + 1 : d, z ? n - na - 1 : 0);
	char *ea = answer_extract(a, na), *na_ = answer_normalize(a);
	double v;
	answer_number(na_, &v);
	int e1 = answer_equal(a, b), e2 = answer_equal(b, a);
	CHECK(e1 == e2); /* equivalence is symmetric */
	free(ea);
	free(na_);
	free(a);
	free(b);
	return 0;
}

static int t_steps(const uint8_t *d, size_t n)
{
	struct step_span *sp;
	size_t k = steps_split((const char *)d, n, &sp);
	for (size_t i = 0; i < k; i++)
		CHECK(sp[i].p >= (const char *)d && sp[i].p + sp[i].n <= (const char *)d + n);
	free(sp);
	char *s = cstr(d, n);
	struct critique_summary cs;
	critique_parse(s, &cs);
	free(s);
	return 0;
}

const struct fuzz_target fuzz_targets[] = {
	{"event", "one journal line: parse, write back, parse again, hold", t_event},
	{"jscan", "the one scanner against cJSON, field by field", t_jscan},
	{"header", "a trace header: decode, encode, decode again", t_header},
	{"trace", "a whole journal through the loader", t_trace},
	{"replies", "a replies journal", t_replies},
	{"resume", "a trace and its replies resumed on the sim", t_resume},
	{"sse", "server-sent events, fed in two pieces", t_sse},
	{"reply", "a server's reply in each dialect and mode, whole or streamed", t_reply},
	{"import", "another tool's file, by each importer", t_import},
	{"dataset", "a data set file (GSM8K, MATH-500, SVAMP, GSM-Hard)", t_dataset},
	{"prompt", "a prompt template file", t_prompt},
	{"profile", "the config file's profiles", t_profile},
	{"theme", "a theme file", t_theme},
	{"termbg", "a terminal's answer to OSC 11 (its background colour)", t_termbg},
	{"answer", "answer extraction, normalisation and equivalence", t_answer},
	{"steps", "step splitting and critique reading", t_steps},
	{NULL, NULL, NULL},
};

const struct fuzz_target *fuzz_target_lookup(const char *name)
{
	for (const struct fuzz_target *t = fuzz_targets; name && t->name; t++)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}
