/* resume: a run cut off anywhere (its trace and replies cut where a kill
 * could leave them) and resumed ends with the very journal an
 * uninterrupted run writes, t aside; the user's commands, given between
 * steps and in the middle of a batch, are given again at the same point;
 * nothing a reply was recorded for is asked again; a resume that would go
 * another way stops with why. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend_sim.h"
#include "resume.h"
#include "search.h"
#include "tap.h"
#include "util.h"

static char dir[] = "/tmp/canopy-resume-XXXXXX";

/* A sim that counts what it is asked. */
struct counted {
	struct backend base;
	struct backend *inner;
	unsigned asked;
};

static int c_submit(struct backend *b, struct request *r)
{
	struct counted *c = (struct counted *)b;
	c->asked++;
	int rc = c->inner->ops->submit(c->inner, r);
	b->inflight = c->inner->inflight;
	return rc;
}

static int c_poll(struct backend *b, double t)
{
	struct counted *c = (struct counted *)b;
	int n = c->inner->ops->poll(c->inner, t);
	b->inflight = c->inner->inflight;
	return n;
}

static void c_cancel(struct backend *b, struct request *r)
{
	struct counted *c = (struct counted *)b;
	c->inner->ops->cancel(c->inner, r);
	b->inflight = c->inner->inflight;
}

static void c_destroy(struct backend *b)
{
	struct counted *c = (struct counted *)b;
	backend_free(c->inner);
	free(c);
}

static const struct backend_ops c_ops = {"counted", c_submit, c_poll, c_cancel, c_destroy};

static struct counted *counted_new(void)
{
	struct counted *c = calloc(1, sizeof *c);
	struct sim_cfg sc;
	sim_cfg_default(&sc);
	struct sim_latency lat = {2, 0}; /* so that a batch waits, and idle runs */
	c->inner = backend_sim_new(&sc, &lat);
	c->base = *c->inner;
	c->base.ops = &c_ops;
	return c;
}

struct plan {
	const struct strategy_ops *st;
	uint64_t seed;
	int commands;  /* give commands between steps */
	int mid_prune; /* prune in the middle of a batch */
};

struct idle_ctx {
	struct search *s;
	int done;
};

/* The user prunes a node while a batch of the second level waits. */
static void prune_midway(void *ctx)
{
	struct idle_ctx *ic = ctx;
	struct tree *t = search_tree(ic->s);
	if (ic->done || tree_count(t) < 20)
		return;
	for (int32_t id = (int32_t)tree_count(t) - 1; id > 0; id--)
		if (!(tree_node(t, id)->flags & (NF_PRUNED | NF_TERMINAL)) && tree_node(t, id)->depth == 1) {
			struct command c = {CMD_PRUNE, id, 0, 0, 0, 1};
			char err[200];
			search_command(ic->s, &c, err, sizeof err);
			ic->done = 1;
			return;
		}
}

static struct search *make(const struct plan *p, struct backend *b, const char *trace, struct resume *rs,
			   uint64_t seed)
{
	struct search_config cfg = {0};
	static struct sim_problem prob;
	sim_problem_generate(11, 6, &prob);
	cfg.strategy = p->st;
	cfg.problem = prob.text;
	cfg.seed = seed;
	cfg.backend = b;
	cfg.trace_path = trace;
	cfg.resume = rs;
	if (p->st == &strategy_critique) {
		/* three rounds of two chains: enough requests to cut between */
		cfg.params.v[P_ROUNDS] = 3;
		cfg.params.v[P_PARALLEL] = 2;
		cfg.params.set[P_ROUNDS] = cfg.params.set[P_PARALLEL] = 1;
	}
	char err[300];
	struct search *s = search_new(&cfg, err, sizeof err);
	if (!s)
		fprintf(stderr, "# search_new: %s\n", err);
	return s;
}

/* The original run, commands and all; returns how many requests it
 * asked. */
static unsigned run_original(const struct plan *p, const char *trace)
{
	struct counted *b = counted_new();
	struct search *s = make(p, &b->base, trace, NULL, p->seed);
	struct idle_ctx ic = {s, 0};
	if (p->mid_prune)
		search_set_idle(s, prune_midway, &ic);
	int step = 0;
	while (search_step(s)) {
		step++;
		if (!p->commands)
			continue;
		char err[200];
		struct command c;
		if (step == 1) {
			c = (struct command){CMD_SET, 0, 0, P_WIDTH, 3, 1};
			search_command(s, &c, err, sizeof err);
		} else if (step == 2) {
			c = (struct command){CMD_EXPAND, 1, 2, 0, 0, 1};
			search_command(s, &c, err, sizeof err);
			c = (struct command){CMD_PRUNE, 2, 0, 0, 0, 1};
			search_command(s, &c, err, sizeof err);
		}
	}
	search_free(s);
	unsigned asked = b->asked;
	backend_free(&b->base);
	return asked;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return strdup("");
	struct strbuf sb;
	sb_init(&sb);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_add(&sb, buf, n);
	fclose(f);
	return sb.s ? sb.s : strdup("");
}

/* The journal with every "t" and the header's "created" blanked. */
static char *without_time(const char *path)
{
	char *all = slurp(path);
	struct strbuf out;
	sb_init(&out);
	for (char *p = all; *p;) {
		char *t = strstr(p, "\"t\":");
		char *c = strstr(p, "\"created\":\"");
		char *next = t && (!c || t < c) ? t : c;
		if (!next) {
			sb_adds(&out, p);
			break;
		}
		sb_add(&out, p, (size_t)(next - p));
		if (next == t) {
			p = t + 4;
			while (*p && *p != ',' && *p != '}')
				p++;
		} else {
			p = strchr(c + 11, '"');
			p = p ? p + 1 : c + 11;
		}
	}
	free(all);
	return out.s ? out.s : strdup("");
}

static void write_text(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "wb");
	fwrite(text, 1, len, f);
	fclose(f);
}

/* Cuts a copy of the run as a kill after `lines` trace lines would leave
 * it: the replies delivered by then, and `extra` more (a reply is journaled
 * before the events it causes).  Returns how many replies it kept. */
static size_t cut_copy(const char *from, const char *to, size_t lines, size_t extra, int torn)
{
	char *t = slurp(from);
	size_t n = 0, off = 0;
	while (t[off] && n < lines) {
		if (t[off] == '\n')
			n++;
		off++;
	}
	/* a torn line: half of the next one */
	size_t tear = 0;
	if (torn && t[off]) {
		char *nl = strchr(t + off, '\n');
		tear = nl ? (size_t)(nl - (t + off)) / 2 : 0;
	}
	write_text(to, t, off + tear);
	free(t);
	char rf[600], rt[600];
	replies_path(from, rf, sizeof rf);
	replies_path(to, rt, sizeof rt);
	char *r = slurp(rf);
	char *p = strchr(r, '\n') + 1;
	size_t kept = 0;
	while (*p) {
		char *nl = strchr(p, '\n');
		unsigned long long seq = strtoull(strstr(p, "\"seq\":") + 6, NULL, 10);
		if (seq > lines - 1) {
			if (!extra)
				break;
			extra--;
		}
		kept++;
		p = nl + 1;
	}
	write_text(rt, r, (size_t)(p - r));
	free(r);
	return kept;
}

static void check_plan(const char *name, const struct plan *p)
{
	char orig[700], cut[700];
	snprintf(orig, sizeof orig, "%s/%s.jsonl", dir, name);
	snprintf(cut, sizeof cut, "%s/%s-cut.jsonl", dir, name);
	unsigned all = run_original(p, orig);
	char *want = without_time(orig);
	/* a cut before one of the user's commands loses it (the user would
	 * give it again): cut after the last one */
	size_t lines = 0, from = 1;
	for (char *q = want; *q; q++)
		if (*q == '\n') {
			lines++;
			if (!strncmp(q + 1, "{\"seq\"", 6)) {
				char *nl = strchr(q + 1, '\n');
				char *u = strstr(q + 1, "\"by\":\"user\"");
				if (u && (!nl || u < nl))
					from = lines + 1;
			}
		}
	int same = 0, tries = 0, asked_right = 0;
	/* cut right after the header (or the last command), a quarter, half,
	 * three quarters on, and just before the end; with and without one
	 * reply more */
	if (p->mid_prune) {
		/* and after the batch it landed in: whether a pruned node's
		 * requests in flight come back before they are cancelled is a
		 * matter of timing, in the original run as in any other */
		from += 20;
	}
	size_t span = lines - 2 - from;
	size_t at[] = {from, from + span / 4, from + span / 2, from + 3 * span / 4, lines - 2};
	for (size_t i = 0; i < sizeof at / sizeof at[0]; i++)
		for (size_t extra = 0; extra < 2; extra++) {
			size_t kept = cut_copy(orig, cut, at[i] < 1 ? 1 : at[i], extra, i == 2);
			char err[600], warn[1300];
			struct resume rs;
			if (resume_open(cut, &rs, err, sizeof err, warn, sizeof warn)) {
				fprintf(stderr, "# resume_open: %s\n", err);
				tries++;
				continue;
			}
			struct counted *b = counted_new();
			struct search *s = make(p, &b->base, cut, &rs, p->seed);
			search_run(s);
			if (search_state(s) != SEARCH_DONE)
				fprintf(stderr, "# %s cut %zu: %s\n", name, at[i], search_error(s));
			search_free(s);
			resume_free(&rs);
			char *got = without_time(cut);
			same += !strcmp(got, want);
			asked_right += b->asked + kept == all;
			if (strcmp(got, want))
				fprintf(stderr, "# %s cut at %zu (+%zu): the journals differ\n", name, at[i], extra);
			if (b->asked + kept != all)
				fprintf(stderr, "# %s cut at %zu (+%zu): asked %u + kept %zu != %u\n", name, at[i], extra,
					b->asked, kept, all);
			free(got);
			backend_free(&b->base);
			tries++;
		}
	ok(lines > 20 && all > 5 && (!p->commands && !p->mid_prune ? from == 1 : from > 1),
	   "%s: the run has %zu lines, asked %u requests, the user's last command on line %zu", name, lines, all,
	   from - 1);
	is_int(same, tries, "resumed anywhere, the journal is the uninterrupted run's");
	is_int(asked_right, tries, "and only what had no recorded reply is asked");
	free(want);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	struct plan beam = {&strategy_beam, 4, 0, 0};
	check_plan("beam", &beam);
	struct plan cmds = {&strategy_beam, 5, 1, 0};
	check_plan("beam-commands", &cmds);
	struct plan mid = {&strategy_beam, 6, 0, 1};
	check_plan("beam-mid-prune", &mid);
	struct plan mcts = {&strategy_mcts, 7, 0, 0};
	check_plan("mcts", &mcts);
	struct plan crit = {&strategy_critique, 10, 0, 0};
	check_plan("critique", &crit);
	struct plan sc = {&strategy_sc, 9, 0, 0};
	check_plan("sc", &sc);
	struct plan mag = {&strategy_magicore, 3, 0, 0};
	check_plan("magicore", &mag);

	/* a resume that would go another way says so, and writes nothing */
	char orig[700], cut[700];
	snprintf(orig, sizeof orig, "%s/beam.jsonl", dir);
	snprintf(cut, sizeof cut, "%s/other.jsonl", dir);
	char *before;
	{
		size_t lines = 0;
		char *w = slurp(orig);
		for (char *q = w; *q; q++)
			lines += *q == '\n';
		free(w);
		cut_copy(orig, cut, lines / 2, 0, 0);
		before = slurp(cut);
		char err[600] = "", warn[1300];
		struct resume rs;
		ok(resume_open(cut, &rs, err, sizeof err, warn, sizeof warn) == 0, "a cut journal opens%s", err);
		struct counted *b = counted_new();
		struct plan width = beam;
		width.st = &strategy_dvts; /* asks otherwise from the first level */
		struct search *s = make(&width, &b->base, cut, &rs, beam.seed);
		search_run(s);
		ok(search_state(s) == SEARCH_FAILED && strstr(search_error(s), "cannot resume"),
		   "another strategy: the resume stops: %s", search_error(s) ? search_error(s) : "");
		search_free(s);
		resume_free(&rs);
		backend_free(&b->base);
		char *after = slurp(cut);
		ok(!strcmp(before, after), "and the journal is left as it was");
		free(after);
		free(before);
	}
	/* broken replies */
	{
		char rp[700];
		replies_path(cut, rp, sizeof rp);
		char *r = slurp(rp);
		char *second = strchr(r, '\n') + 1;
		struct strbuf bad;
		sb_init(&bad);
		sb_add(&bad, r, (size_t)(second - r));
		sb_adds(&bad, "{\"seq\":2,\"kind\":\"nonsense\",\"node\":0,\"status\":\"ok\"}\n");
		write_text(rp, bad.s, bad.len);
		char err[600], warn[1300];
		struct resume rs;
		ok(resume_open(cut, &rs, err, sizeof err, warn, sizeof warn) == -1 &&
			   strstr(err, ".replies:2: unknown request kind \"nonsense\""),
		   "a garbled reply is refused with FILE:LINE: %s", err);
		unlink(rp);
		ok(resume_open(cut, &rs, err, sizeof err, warn, sizeof warn) == -1 && strstr(err, "missing"),
		   "missing replies are named: %s", err);
		sb_free(&bad);
		free(r);
	}
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (getenv("CANOPY_KEEP_TMP"))
		fprintf(stderr, "# kept %s\n", dir); /* for a look when a case fails */
	else if (system(cmd))
		return 1;
	return tap_done();
}
