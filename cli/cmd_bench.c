/* canopy bench: every strategy on the same problems (generated, or from a
 * data set) at the same budget, against the sim or real servers, and a
 * table of how they did.  Problems run side by side, --jobs at once, each
 * on its own thread and backends; what a server has and refused is one
 * entry for them all (server_table), so they share its slots.  Under a
 * budget each run's requests go one at a time, so a budget stops within
 * one request and results do not depend on timing. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "answer.h"
#include "calib.h"
#include "cmd.h"
#include "cmd_common.h"
#include "dataset.h"
#include "plot.h"
#include "profile.h"
#include "prompt.h"
#include "resume.h"
#include "search.h"
#include "servers.h"
#include "trace.h"
#include "util.h"

void usage_bench(FILE *f)
{
	fprintf(f,
		"usage: canopy bench [OPTIONS]\n"
		"\n"
		"Runs each strategy on the same problems at the same budget and prints\n"
		"accuracy (with a 95%% Wilson interval), mean generated tokens, mean requests\n"
		"and wall time per strategy; a progress bar with ETA on a terminal.  The\n"
		"problems are the sim's, generated, or a data set's.\n");
	options_help(f, W_BENCH);
	fprintf(f, "\nExit status: 0 done, 1 a run failed or a file could not be written, 2 bad usage.\n");
}

struct spec {
	char *label;
	const struct strategy_ops *ops;
	struct params params;
	/* results */
	unsigned correct, runs;
	double tokens, requests, seconds;
};

static int parse_spec(const char *text, struct spec *sp, char *err, size_t errlen)
{
	memset(sp, 0, sizeof *sp);
	sp->label = xstrdup(text);
	char *copy = xstrdup(text), *save = NULL;
	char *name = strtok_r(copy, ":", &save);
	if (!name || !(sp->ops = strategy_lookup(name))) {
		snprintf(err, errlen, "unknown strategy '%s' in --strategies", name ? name : "");
		free(copy);
		return -1;
	}
	for (char *kv; (kv = strtok_r(NULL, ":", &save));) {
		char *eq = strchr(kv, '=');
		if (!eq) {
			snprintf(err, errlen, "'%s' in --strategies: write PARAM=VALUE", kv);
			free(copy);
			return -1;
		}
		*eq = '\0';
		int id = param_lookup(kv);
		if (id < 0 || !strategy_uses(sp->ops, (enum param_id)id)) {
			snprintf(err, errlen, "%s does not take '%s'", sp->ops->name, kv);
			free(copy);
			return -1;
		}
		if (param_parse((enum param_id)id, eq + 1, &sp->params.v[id], err, errlen) ||
		    strategy_check_value(sp->ops, (enum param_id)id, sp->params.v[id], err, errlen)) {
			free(copy);
			return -1;
		}
		sp->params.set[id] = 1;
	}
	free(copy);
	return 0;
}

/* One problem, generated or from the set. */
struct problem {
	char *id, *text, *gold;
	uint64_t seed;
	int difficulty, trap; /* generated ones */
	int rep; /* which --repeats pass */
};

/* One run: a problem and a strategy. */
struct job {
	size_t problem, spec;
	int budget; /* index into the --budgets list, -1: none */
	/* results */
	int done, failed, correct;
	char *answer;
	char *error;
	uint64_t tokens, requests;
	double seconds;
	double reward; /* the MAgICoRe statistics' run: its solution's ORM + PRM (NAN: none) */
	int reached;   /* some answer it reached is right (pass@k); -1 unknown */
	/* for --compute-optimal's bins: how many answers it reached, how many
	 * were right, and their verifier scores (ORM, else PRM) summed */
	unsigned nans, nright, nscored;
	double score_sum;
	int maj;       /* its vote's heaviest answer is right (rStar's generator@maj); -1 unknown */
	int reused; /* read back from --out, not run */
};

struct bench {
	struct problem *pr;
	size_t nproblems;
	struct spec *specs;
	size_t nspecs;
	struct job *jobs;
	size_t njobs, next, finished;
	uint64_t budget_tokens, budget_requests;
	int max_inflight; /* a run's requests at once (0: see run_job) */
	double *budgets; /* --budgets, in units */
	size_t nbudgets;
	double unit;     /* tokens a unit */
	const char *out;
	int resume;
	struct calib_pool verifiers; /* every main run's solutions, under lock */
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

struct worker_ctx {
	struct bench *b;
	struct servers sv;
	pthread_t th;
};

/* DIR/PROBLEM.STRATEGY.jsonl, with what a file name cannot hold made safe. */
static void trace_name(const struct bench *b, const struct job *j, char *out, size_t len)
{
	char id[200], label[200];
	snprintf(id, sizeof id, "%s", b->pr[j->problem].id);
	snprintf(label, sizeof label, "%s", b->specs[j->spec].label);
	for (char *p = id; *p; p++)
		if (*p == '/' || *p == ' ' || *p == '\\')
			*p = '_';
	for (char *p = label; *p; p++)
		if (*p == '/' || *p == ' ' || *p == ':' || *p == '=')
			*p = *p == ':' ? '.' : *p == '=' ? '-' : '_';
	if (j->budget >= 0)
		snprintf(out, len, "%s/%s.%s@%g.jsonl", b->out, id, label, b->budgets[j->budget]);
	else
		snprintf(out, len, "%s/%s.%s.jsonl", b->out, id, label);
}

/* A finished trace's result: its final answer and last usage. */
static int reuse_event(void *ctx, const struct event *ev, uint64_t line)
{
	struct job *j = ctx;
	(void)line;
	if (ev->type == EV_USAGE) {
		j->tokens = ev->usage.gen_tokens;
		j->requests = ev->usage.requests;
	}
	j->seconds = ev->t;
	return 0;
}

/* What --compute-optimal bins by: the answers a run reached, right
 * ones, and their mean verifier score (the ORM's, else the PRM's). */
static void answer_stats(const struct tree *t, const char *gold, struct job *j)
{
	for (size_t i = 1; i < tree_count(t); i++) {
		const struct node *n = tree_node(t, (int32_t)i);
		if (!n->answer)
			continue;
		j->nans++;
		j->nright += gold && answer_equal(n->answer, gold);
		double v = !isnan(n->orm) ? n->orm : n->prm;
		if (!isnan(v)) {
			j->score_sum += v;
			j->nscored++;
		}
	}
}

/* The first solution's ORM + PRM product, as MAgICoRe scores it (NAN:
 * none, or not scored). */
static double first_reward(const struct tree *t)
{
	const struct node *n1 = t && tree_count(t) > 1 ? tree_node(t, 1) : NULL;
	return n1 && !isnan(n1->orm) ? n1->orm + (isnan(n1->prm) ? 0 : n1->prm) : NAN;
}

static void run_job(struct worker_ctx *w, struct job *j)
{
	struct bench *b = w->b;
	const struct problem *p = &b->pr[j->problem];
	const struct spec *sp = &b->specs[j->spec];
	char path[900] = "", err[700] = "";
	struct resume rs;
	int resuming = 0;
	memset(&rs, 0, sizeof rs);
	if (b->out) {
		trace_name(b, j, path, sizeof path);
		if (b->resume && access(path, F_OK) == 0) {
			char warn[1300];
			if (resume_open(path, &rs, err, sizeof err, warn, sizeof warn)) {
				/* not resumable (no replies, say): start over */
				resuming = 0;
			} else if (rs.finished) {
				struct trace tr;
				if (!trace_load(path, &tr, reuse_event, j, err, sizeof err, NULL, 0)) {
					j->answer = tr.final_answer ? xstrdup(tr.final_answer) : NULL;
					j->correct = tr.final_correct == 1;
					j->reward = first_reward(tr.tree);
					j->reached = j->maj = -1;
					j->reused = 1;
					trace_free(&tr);
					resume_free(&rs);
					return;
				}
				resume_free(&rs);
			} else {
				resuming = 1;
			}
		}
	}
	struct search_config cfg = {0};
	cfg.strategy = sp->ops;
	cfg.params = sp->params;
	cfg.problem = p->text;
	cfg.gold = p->gold;
	cfg.seed = p->seed;
	cfg.budget_tokens = b->budget_tokens;
	cfg.budget_requests = b->budget_requests;
	if (j->budget >= 0) {
		cfg.budget_tokens = (uint64_t)llround(b->budgets[j->budget] * b->unit);
		cfg.budget_requests = 0;
		/* the search grows with the budget, as Snell et al.'s and Wu et
		 * al.'s curves do (N samples or beams, REBASE's width, MCTS's
		 * rollouts), unless the spec fixes that size; the token budget
		 * still caps what it spends */
		enum param_id sz = sp->ops->scale;
		if (sz != P_COUNT && !sp->params.set[sz]) {
			double n = fmax(1, round(b->budgets[j->budget]));
			if (sz == P_N && strategy_uses(sp->ops, P_WIDTH)) {
				/* beam and dvts: N a multiple of the width M, at least M */
				double m = strategy_default(sp->ops, P_WIDTH);
				if (sp->params.set[P_WIDTH]) {
					m = sp->params.v[P_WIDTH];
					n = fmax(m, round(n / m) * m);
				} else if (n < m) {
					/* below M candidates, as many beams as candidates */
					cfg.params.v[P_WIDTH] = n;
					cfg.params.set[P_WIDTH] = 1;
				} else {
					n = round(n / m) * m;
				}
			}
			cfg.params.v[sz] = n;
			cfg.params.set[sz] = 1;
		}
	}
	/* --max-inflight, as canopy run takes it.  Unset, under a budget
	 * requests go one at a time: it then stops within one request, and
	 * what was sent before it ran out does not depend on timing; without
	 * one, a run's requests (a beam level, N samples) go out together, as
	 * canopy run sends them. */
	cfg.max_inflight = b->max_inflight ? b->max_inflight : cfg.budget_tokens || cfg.budget_requests ? 1 : 0;
	cfg.backend = w->sv.actor;
	cfg.scorer = w->sv.prm;
	cfg.orm = w->sv.orm;
	cfg.critic = w->sv.critic;
	cfg.disc = w->sv.disc;
	cfg.no_scores = w->sv.no_prm;
	cfg.no_orm = w->sv.no_orm;
	cfg.trace_path = path[0] ? path : NULL;
	cfg.resume = resuming ? &rs : NULL;
	/* every run's header describes its servers */
	cfg.backend_hdr = &w->sv.hdr;
	double r0 = util_now();
	struct search *s = search_new(&cfg, err, sizeof err);
	if (!s || search_run(s)) {
		j->failed = 1;
		j->error = xstrdup(s ? search_error(s) : err);
	} else {
		const struct usage *u = search_usage(s);
		const char *a = search_final_answer(s);
		j->answer = a ? xstrdup(a) : NULL;
		j->correct = search_final_correct(s) == 1;
		j->tokens = u->gen_tokens;
		j->requests = u->requests;
		j->reward = first_reward(search_tree(s));
		j->reached = search_reached_gold(s);
		answer_stats(search_tree(s), p->gold, j);
		j->maj = p->gold && search_vote_top(s) ? answer_equal(search_vote_top(s), p->gold) : -1;
		if (j->spec < b->nspecs && p->gold) {
			pthread_mutex_lock(&b->lock);
			calib_pool_add(&b->verifiers, search_tree(s), p->gold);
			pthread_mutex_unlock(&b->lock);
		}
	}
	j->seconds = util_now() - r0;
	search_free(s);
	resume_free(&rs);
}

static void *worker_main(void *arg)
{
	struct worker_ctx *w = arg;
	struct bench *b = w->b;
	for (;;) {
		pthread_mutex_lock(&b->lock);
		size_t k = b->next < b->njobs ? b->next++ : b->njobs;
		pthread_mutex_unlock(&b->lock);
		if (k == b->njobs)
			break;
		run_job(w, &b->jobs[k]);
		pthread_mutex_lock(&b->lock);
		b->jobs[k].done = 1;
		b->finished++;
		pthread_cond_signal(&b->cond);
		pthread_mutex_unlock(&b->lock);
	}
	return NULL;
}

static void progress(size_t done, size_t total, double elapsed)
{
	int width = 30, full = total ? (int)(width * (double)done / (double)total) : width;
	fprintf(stderr, "\r\033[K[");
	for (int i = 0; i < width; i++)
		fputs(i < full ? "#" : ".", stderr);
	fprintf(stderr, "] %zu/%zu runs  %.1f s", done, total, elapsed);
	if (done && done < total)
		fprintf(stderr, "  ETA %.0f s", elapsed / (double)done * (double)(total - done));
	fflush(stderr);
}

struct bench_opts {
	const char *budgets, *plot;
	double unit;
	uint64_t problems, seed, repeats, budget_tokens, budget_requests;
	uint64_t limit, offset, sample;
	int difficulty, traps, max_inflight, jobs, resume, compute_optimal;
	const char *list, *csv_path, *dataset, *out;
	enum ds_format format;
	struct sim_cfg simc;
	struct sim_latency lat;
	struct server_cli srv;
};

static int bad(const char *fmt, const char *arg)
{
	fprintf(stderr, "canopy bench: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

static int parse_argv(int argc, char **argv, struct bench_opts *o, const struct option *opts, const char *shorts);

static int parse(int argc, char **argv, struct bench_opts *o)
{
	char shorts[16];
	struct option *opts = options_getopt(W_BENCH, shorts, sizeof shorts);
	int rc = parse_argv(argc, argv, o, opts, shorts);
	free(opts);
	return rc;
}

static int parse_argv(int argc, char **argv, struct bench_opts *o, const struct option *opts, const char *shorts)
{
	char err[300];
	double d;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, opts, NULL)) != -1) {
		switch (c) {
		case OPT_PROBLEMS:
		case OPT_REPEATS:
		case OPT_SEED:
		case OPT_DIFFICULTY:
		case OPT_MAX_INFLIGHT:
		case OPT_JOBS:
		case OPT_LIMIT:
		case OPT_OFFSET:
		case OPT_SAMPLE:
		case OPT_UNIT:
			/* the range is the table's, as in canopy run */
			if (options_number(c, W_BENCH, optarg, &d, err, sizeof err))
				return bad("%s", err);
			if (c == OPT_PROBLEMS)
				o->problems = (uint64_t)d;
			else if (c == OPT_REPEATS)
				o->repeats = (uint64_t)d;
			else if (c == OPT_SEED)
				o->seed = (uint64_t)d;
			else if (c == OPT_DIFFICULTY)
				o->difficulty = (int)d;
			else if (c == OPT_MAX_INFLIGHT)
				o->max_inflight = (int)d;
			else if (c == OPT_JOBS)
				o->jobs = (int)d;
			else if (c == OPT_LIMIT)
				o->limit = (uint64_t)d;
			else if (c == OPT_OFFSET)
				o->offset = (uint64_t)d;
			else if (c == OPT_SAMPLE)
				o->sample = (uint64_t)d;
			else
				o->unit = d;
			break;
		case OPT_TRAPS: o->traps = 1; break;
		case OPT_COMPUTE_OPTIMAL: o->compute_optimal = 1; break;
		case OPT_STRATEGIES: o->list = optarg; break;
		case OPT_BUDGET:
			if (parse_budget(optarg, &o->budget_tokens, &o->budget_requests))
				return bad("--budget takes a token count (4000) or a request count (50req), not '%s'", optarg);
			break;
		case OPT_CSV: o->csv_path = optarg; break;
		case OPT_DATASET: o->dataset = optarg; break;
		case OPT_FORMAT:
			if (dataset_format_parse(optarg, &o->format))
				return bad("--format takes gsm8k, math500, svamp or gsmhard, not '%s'", optarg);
			break;
		case OPT_OUT: o->out = optarg; break;
		case OPT_BENCH_RESUME: o->resume = 1; break;
		case OPT_PROFILE: break; /* expanded before */
		case OPT_BUDGETS: o->budgets = optarg; break;
		case OPT_PLOT: o->plot = optarg; break;
		case 'h': usage_bench(stdout); return -1;
		case ':': return bad("this option needs a value: '%s'", argv[optind - 1]);
		case '?': return bad("unknown option: '%s'", argv[optind - 1]);
		default:
			if (c >= OPT_SRV_BACKEND && c < OPT_SRV_LAST) {
				if (server_option(c, optarg, &o->srv, err, sizeof err))
					return bad("%s", err);
			} else if (sim_option(c, optarg, &o->simc, &o->lat, err, sizeof err)) {
				return bad("%s", err);
			}
			break;
		}
	}
	if (optind < argc)
		return bad("unexpected argument: '%s'", argv[optind]);
	if (server_cli_check(&o->srv, err, sizeof err))
		return bad("%s", err);
	if (o->resume && !o->out)
		return bad("--resume goes with --out DIR (where the runs are)%s", "");
	if (o->budgets && (o->budget_tokens || o->budget_requests))
		return bad("give --budget or --budgets, not both%s", "");
	if (o->plot && !o->budgets)
		return bad("--plot draws the --budgets curves: give --budgets too%s", "");
	if (o->dataset && (o->traps || o->difficulty))
		return bad("--traps and --difficulty are for generated problems, not a --dataset%s", "");
	return 0;
}

/* The problems: generated, or read from the set (the sim must read each). */
/* The seed of repeat k: far enough apart that generated sets do not overlap. */
#define REPEAT_STRIDE 1000003u

/* The problem id of problem i (1-based) in repeat k: "i", or "rK-i". */
static char *problem_id(const struct bench_opts *o, const char *id, int k)
{
	char buf[300];
	if (o->repeats > 1)
		snprintf(buf, sizeof buf, "r%d-%s", k + 1, id);
	else
		snprintf(buf, sizeof buf, "%s", id);
	return xstrdup(buf);
}

static int make_problems(struct bench_opts *o, struct bench *b, int sim_reads)
{
	char err[800];
	int reps = o->repeats ? (int)o->repeats : 1;
	if (!o->dataset) {
		b->nproblems = (size_t)o->problems * (size_t)reps;
		b->pr = xcalloc(b->nproblems, sizeof *b->pr);
		for (int k = 0; k < reps; k++) {
			uint64_t pseed = o->seed + (uint64_t)k * REPEAT_STRIDE;
			for (size_t i = 0; i < (size_t)o->problems; i++, pseed++) {
				struct sim_problem sp;
				/* --traps: draw until the problem holds a distractor */
				for (int tries = 0;; tries++, pseed++) {
					sim_problem_generate_mix(pseed, o->difficulty, o->simc.trap_scale, &sp);
					if (!o->traps || sp.has_distractor || tries > 10000)
						break;
				}
				char gold[40], id[32];
				sim_format_number(sp.answer, gold, sizeof gold);
				snprintf(id, sizeof id, "%zu", i + 1);
				b->pr[(size_t)k * (size_t)o->problems + i] =
					(struct problem){problem_id(o, id, k), xstrdup(sp.text), xstrdup(gold), pseed,
							 sp.difficulty, sp.has_distractor, k};
			}
		}
		return 0;
	}
	struct dataset ds;
	if (dataset_load(o->dataset, o->format, &ds, err, sizeof err)) {
		say(stderr, "canopy bench: %s\n", err);
		return EXIT_FAILED;
	}
	dataset_select(&ds, (size_t)o->offset, (size_t)o->limit, (size_t)o->sample, o->seed);
	if (!ds.n) {
		say(stderr, "canopy bench: %s: no problems left after --offset/--limit\n", o->dataset);
		dataset_free(&ds);
		return EXIT_USAGE;
	}
	for (size_t i = 0; sim_reads && i < ds.n; i++) {
		struct sim_problem sp;
		if (sim_problem_parse(ds.v[i].problem, &sp, err, sizeof err)) {
			fprintf(stderr,
				"canopy bench: %s:%zu: the sim reads only its own problems and plain arithmetic "
				"(%s); give a model server (--backend openai|llamacpp|ollama --url ...)\n",
				o->dataset, ds.v[i].line, err);
			dataset_free(&ds);
			return EXIT_USAGE;
		}
	}
	/* a data set's repeats are the same problems sampled again */
	b->nproblems = ds.n * (size_t)reps;
	b->pr = xcalloc(b->nproblems, sizeof *b->pr);
	for (int k = 0; k < reps; k++)
		for (size_t i = 0; i < ds.n; i++)
			b->pr[(size_t)k * ds.n + i] =
				(struct problem){problem_id(o, ds.v[i].id, k), xstrdup(ds.v[i].problem),
						 ds.v[i].gold ? xstrdup(ds.v[i].gold) : NULL,
						 o->seed + i + (uint64_t)k * REPEAT_STRIDE, 0, 0, k};
	dataset_free(&ds);
	return 0;
}

static void run_pool(struct bench *b, struct job *jobs, size_t njobs, struct worker_ctx *ws, size_t nworkers,
		     int tty, const char *what)
{
	b->jobs = jobs;
	b->njobs = njobs;
	b->next = b->finished = 0;
	if (what && tty)
		say(stderr, "%s\n", what);
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->cond, NULL);
	double t0 = util_now();
	size_t nw = nworkers < njobs ? nworkers : njobs;
	for (size_t i = 0; i < nw; i++)
		pthread_create(&ws[i].th, NULL, worker_main, &ws[i]);
	pthread_mutex_lock(&b->lock);
	while (b->finished < njobs) {
		if (tty) {
			size_t done = b->finished;
			pthread_mutex_unlock(&b->lock);
			progress(done, njobs, util_now() - t0);
			pthread_mutex_lock(&b->lock);
		}
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 200000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		if (b->finished < njobs)
			pthread_cond_timedwait(&b->cond, &b->lock, &until);
	}
	pthread_mutex_unlock(&b->lock);
	for (size_t i = 0; i < nw; i++)
		pthread_join(ws[i].th, NULL);
	if (tty) {
		progress(njobs, njobs, util_now() - t0);
		fputc('\n', stderr);
	}
	pthread_mutex_destroy(&b->lock);
	pthread_cond_destroy(&b->cond);
}

/* Accuracy against generated tokens, a line a strategy: in the terminal,
 * and as SVG with --plot. */
struct cell_view {
	unsigned correct, runs;
	double tokens, requests, seconds;
};

static int draw_curves(const struct bench *b, const void *cellsp, size_t nb, const char *svg, int status)
{
	const struct cell_view *cells = cellsp;
	struct plot_series *series = xcalloc(b->nspecs, sizeof *series);
	double *buf = xcalloc(b->nspecs * nb * 4, sizeof *buf);
	for (size_t k = 0; k < b->nspecs; k++) {
		double *x = buf + (k * 4 + 0) * nb, *y = buf + (k * 4 + 1) * nb;
		double *lo = buf + (k * 4 + 2) * nb, *hi = buf + (k * 4 + 3) * nb;
		size_t n = 0;
		for (size_t q = 0; q < nb; q++) {
			const struct cell_view *c = &cells[k * nb + q];
			if (!c->runs)
				continue;
			x[n] = c->tokens / c->runs;
			y[n] = (double)c->correct / c->runs;
			wilson_interval(c->correct, c->runs, &lo[n], &hi[n]);
			n++;
		}
		series[k] = (struct plot_series){b->specs[k].label, n, x, y, lo, hi};
	}
	char title[200];
	snprintf(title, sizeof title, "Accuracy against test-time compute (%zu problems)", b->nproblems);
	struct plot pl = {title, "generated tokens per problem (log scale)", "accuracy", 1, series, b->nspecs};
	putchar('\n');
	plot_text(stdout, &pl, 60, 15);
	char err[700];
	if (svg && plot_svg(svg, &pl, err, sizeof err)) {
		say(stderr, "canopy bench: %s\n", err);
		status = EXIT_FAILED;
	} else if (svg) {
		say(stdout, "(the plot is also in %s)\n", svg);
	}
	free(buf);
	free(series);
	return status;
}

/* A result row's name: the spec, and its budget on a scaling curve. */
static void cell_label(const struct bench *b, size_t k, size_t q, char *out, size_t len)
{
	if (b->nbudgets)
		snprintf(out, len, "%s @%g", b->specs[k].label, b->budgets[q]);
	else
		snprintf(out, len, "%s", b->specs[k].label);
}

/* Snell et al.'s compute-optimal selection, from the runs made: the
 * problems in 5 equal bins by difficulty, by the oracle (the share of
 * right answers among every answer their runs reached) or as the
 * verifier predicts it (the mean ORM, else PRM, score of those answers:
 * no gold needed); in each bin the strategy with the best accuracy on
 * half its problems (by index parity) is scored on the other half, and
 * the other way round.  At each budget, against each strategy alone. */
#define CO_BINS 5
struct co_rank {
	size_t problem;
	double stat;
};

static int co_by_stat(const void *a, const void *b)
{
	const struct co_rank *x = a, *y = b;
	if (x->stat != y->stat)
		return x->stat > y->stat ? -1 : 1; /* easiest (highest) first */
	return (x->problem > y->problem) - (x->problem < y->problem);
}

/* How many of spec k's runs at budget q were right (*n: how many ran),
 * over the problems of bin g (-1: all) whose index has parity (-1: any). */
static unsigned co_right(const signed char *right, size_t np, size_t ns, size_t nb, size_t k, size_t q,
			 const size_t *bin, int g, int parity, unsigned *n)
{
	unsigned c = 0;
	*n = 0;
	for (size_t i = 0; i < np; i++) {
		signed char v = right[(i * ns + k) * nb + q];
		if (v < 0 || (g >= 0 && bin[i] != (size_t)g) || (parity >= 0 && (int)(i % 2) != parity))
			continue;
		c += (unsigned)v;
		(*n)++;
	}
	return c;
}

/* The spec with the best accuracy there (the first of equals). */
static size_t co_best(const signed char *right, size_t np, size_t ns, size_t nb, size_t q, const size_t *bin, int g,
		      int parity, double *acc)
{
	size_t best = 0;
	double best_acc = -1;
	for (size_t k = 0; k < ns; k++) {
		unsigned n, c = co_right(right, np, ns, nb, k, q, bin, g, parity, &n);
		double a = n ? (double)c / n : -1;
		if (a > best_acc) {
			best_acc = a;
			best = k;
		}
	}
	*acc = best_acc;
	return best;
}

static void compute_optimal(const struct bench *b, const struct job *jobs, size_t njobs, size_t nb)
{
	size_t np = b->nproblems, ns = b->nspecs;
	signed char *right = xcalloc(np * ns * nb, 1);
	double *ans = xcalloc(np, sizeof *ans), *ok = xcalloc(np, sizeof *ok), *sc = xcalloc(np, sizeof *sc),
	       *nsc = xcalloc(np, sizeof *nsc);
	memset(right, -1, np * ns * nb);
	for (size_t i = 0; i < njobs; i++) {
		const struct job *j = &jobs[i];
		if (j->failed)
			continue;
		right[(j->problem * ns + j->spec) * nb + (size_t)(j->budget >= 0 ? j->budget : 0)] = (signed char)j->correct;
		ans[j->problem] += j->nans;
		ok[j->problem] += j->nright;
		sc[j->problem] += j->score_sum;
		nsc[j->problem] += j->nscored;
	}
	say(stdout, "compute-optimal selection (%d bins by difficulty; each bin's strategy chosen on half its problems "
		    "and scored on the other half):\n", CO_BINS);
	struct co_rank *rk = xcalloc(np ? np : 1, sizeof *rk);
	size_t *bin = xcalloc(np ? np : 1, sizeof *bin);
	for (int by = 0; by < 2; by++) {
		for (size_t i = 0; i < np; i++) {
			rk[i].problem = i;
			/* no answer at all is the hardest; unscored, likewise */
			rk[i].stat = by == 0 ? (ans[i] ? ok[i] / ans[i] : 0) : (nsc[i] ? sc[i] / nsc[i] : -1);
		}
		qsort(rk, np, sizeof *rk, co_by_stat);
		for (size_t r = 0; r < np; r++)
			bin[rk[r].problem] = r * CO_BINS / (np ? np : 1);
		say(stdout, "  %s:\n", by == 0 ? "bins by the oracle (the share of right answers among all the answers "
						"the runs reached)"
					      : "bins as the verifier predicts them (the mean ORM, else PRM, score of "
						"the answers reached; no gold)");
		for (size_t q = 0; q < nb; q++) {
			unsigned got = 0, runs = 0;
			size_t pick[CO_BINS];
			for (int g = 0; g < CO_BINS; g++) {
				for (int fold = 0; fold < 2; fold++) {
					/* chosen on the problems of one parity, scored
					 * on the other's */
					double acc;
					size_t best = co_best(right, np, ns, nb, q, bin, g, 1 - fold, &acc);
					if (fold == 0)
						pick[g] = best;
					unsigned n;
					got += co_right(right, np, ns, nb, best, q, bin, g, fold, &n);
					runs += n;
				}
			}
			double lo, hi;
			wilson_interval(got, runs, &lo, &hi);
			struct strbuf sb;
			sb_init(&sb);
			for (int g = 0; g < CO_BINS; g++)
				sb_printf(&sb, "%s%s", g ? " | " : "", b->specs[pick[g]].label);
			char at[40] = "";
			if (b->nbudgets)
				snprintf(at, sizeof at, "@%g ", b->budgets[q]);
			say(stdout, "    %saccuracy %.3f [%.3f, %.3f]; easiest bin to hardest: %s\n", at,
			    runs ? (double)got / runs : 0, lo, hi, sb.s ? sb.s : "");
			sb_free(&sb);
		}
	}
	/* what it is up against: the best strategy alone, at each budget */
	for (size_t q = 0; q < nb; q++) {
		double best_acc;
		size_t best = co_best(right, np, ns, nb, q, bin, -1, -1, &best_acc);
		char at[40] = "";
		if (b->nbudgets)
			snprintf(at, sizeof at, " @%g", b->budgets[q]);
		say(stdout, "  the best strategy alone%s: %s, %.3f\n", at, b->specs[best].label, best_acc < 0 ? 0 : best_acc);
	}
	free(rk);
	free(bin);
	free(right);
	free(ans);
	free(ok);
	free(sc);
	free(nsc);
}

int cmd_bench(int argc, char **argv)
{
	struct bench_opts o;
	memset(&o, 0, sizeof o);
	o.problems = 20;
	o.repeats = 1;
	o.seed = 1;
	o.jobs = 1;
	o.list = "sc,beam,rebase,mcts";
	o.format = DS_AUTO;
	sim_cfg_default(&o.simc);
	server_cli_init(&o.srv);
	char err[800];
	int n;
	char **v = profile_expand(argc, argv, &n, err, sizeof err);
	if (!v) {
		say(stderr, "canopy bench: %s\n", err);
		return EXIT_USAGE;
	}
	int status = parse(n, v, &o);
	if (status) {
		profile_free_argv(v, n);
		return status < 0 ? EXIT_OK : status;
	}
	struct bench b;
	memset(&b, 0, sizeof b);
	b.budget_tokens = o.budget_tokens;
	b.max_inflight = o.max_inflight;
	b.budget_requests = o.budget_requests;
	b.out = o.out;
	b.resume = o.resume;
	/* the strategy specs */
	char *copy = xstrdup(o.list), *save = NULL;
	for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		b.specs = xrealloc(b.specs, (b.nspecs + 1) * sizeof *b.specs);
		if (parse_spec(item, &b.specs[b.nspecs], err, sizeof err)) {
			say(stderr, "canopy bench: %s\n", err);
			free(b.specs[b.nspecs].label);
			status = EXIT_USAGE;
			break;
		}
		b.nspecs++;
	}
	free(copy);
	if (!status && !b.nspecs) {
		fprintf(stderr, "canopy bench: --strategies is empty\n");
		status = EXIT_USAGE;
	}
	struct server_opts so;
	server_cli_opts(&o.srv, &o.simc, &o.lat, &so);
	if (!status)
		status = make_problems(&o, &b, servers_sim_reads(&so));
	if (!status && o.budgets) {
		/* --budgets 1,2,4: units of one sampled solution */
		char *list = xstrdup(o.budgets), *sv = NULL;
		for (char *t = strtok_r(list, ",", &sv); t; t = strtok_r(NULL, ",", &sv)) {
			double u;
			if (parse_real(t, 0.01, 1e6, &u)) {
				say(stderr, "canopy bench: --budgets takes numbers from 0.01, not '%s'\n", t);
				status = EXIT_USAGE;
				break;
			}
			b.budgets = xrealloc(b.budgets, (b.nbudgets + 1) * sizeof *b.budgets);
			b.budgets[b.nbudgets++] = u;
		}
		free(list);
		if (!status && !b.nbudgets) {
			fprintf(stderr, "canopy bench: --budgets is empty\n");
			status = EXIT_USAGE;
		}
	}
	if (!status && o.out && mkdir(o.out, 0755) && errno != EEXIST) {
		say(stderr, "canopy bench: %s: %s\n", o.out, strerror(errno));
		status = EXIT_FAILED;
	}
	/* the calibration runs (one sample a problem) and the runs proper */
	struct spec one;
	memset(&one, 0, sizeof one);
	one.label = xstrdup("one-sample");
	one.ops = &strategy_sc;
	one.params.v[P_N] = 1;
	one.params.set[P_N] = 1;
	int calibrate = !status && b.nbudgets && !o.unit;
	size_t nb = b.nbudgets ? b.nbudgets : 1;
	size_t ncal = calibrate ? b.nproblems : 0, nmain = b.nproblems * b.nspecs * nb;
	struct job *cal = xcalloc(ncal ? ncal : 1, sizeof *cal), *mainj = xcalloc(nmain ? nmain : 1, sizeof *mainj);
	for (size_t i = 0; i < ncal; i++)
		cal[i] = (struct job){.problem = i, .spec = b.nspecs, .budget = -1, .reached = -1, .maj = -1};
	for (size_t i = 0; i < nmain; i++) {
		size_t per = b.nspecs * nb;
		mainj[i].problem = i / per;
		mainj[i].spec = (i % per) / nb;
		mainj[i].budget = b.nbudgets ? (int)(i % nb) : -1;
		mainj[i].reached = mainj[i].maj = -1;
	}
	/* MAgICoRe's condition 1 normalises by the data set's mean and
	 * deviation of each problem's first solution (refine.py's reward_avg,
	 * reward_std): one run a problem of exactly that first solution,
	 * scored, unless every magicore spec was given them */
	struct spec first;
	memset(&first, 0, sizeof first);
	first.label = xstrdup("magicore-first");
	first.ops = &strategy_magicore;
	first.params.v[P_K] = 1;
	first.params.v[P_ROUNDS] = 0;
	first.params.set[P_K] = first.params.set[P_ROUNDS] = 1;
	int need_stats = 0;
	for (size_t k = 0; k < b.nspecs; k++)
		if (b.specs[k].ops == &strategy_magicore && !b.specs[k].params.set[P_REWARD_SD]) {
			need_stats = 1;
			/* the first solution is sampled as the spec samples it */
			for (int q = P_TEMPERATURE; q <= P_MAX_TOKENS; q++)
				if (b.specs[k].params.set[q]) {
					first.params.v[q] = b.specs[k].params.v[q];
					first.params.set[q] = 1;
				}
		}
	size_t nstat = !status && need_stats ? b.nproblems : 0;
	struct job *stat = xcalloc(nstat ? nstat : 1, sizeof *stat);
	for (size_t i = 0; i < nstat; i++)
		stat[i] = (struct job){.problem = i, .spec = b.nspecs + 1, .budget = -1, .reward = NAN, .reached = -1,
				       .maj = -1};
	/* the calibration specs sit after the user's, for trace names */
	b.specs = xrealloc(b.specs, (b.nspecs + 2) * sizeof *b.specs);
	b.specs[b.nspecs] = one;
	b.specs[b.nspecs + 1] = first;
	if (!status && o.out && !o.resume) {
		/* an earlier bench's runs are the user's work: not overwritten */
		for (size_t i = 0; i < ncal + nmain && !status; i++) {
			char path[900];
			trace_name(&b, i < ncal ? &cal[i] : &mainj[i - ncal], path, sizeof path);
			if (access(path, F_OK) == 0) {
				fprintf(stderr,
					"canopy bench: %s holds runs of an earlier bench (%s); give --resume to go on "
					"with them, or another --out\n",
					o.out, path);
				status = EXIT_USAGE;
			}
		}
	}
	FILE *csv = NULL;
	if (!status && o.csv_path && !(csv = fopen(o.csv_path, "w"))) {
		say(stderr, "canopy bench: %s: %s\n", o.csv_path, strerror(errno));
		status = EXIT_FAILED;
	}
	/* every worker's servers, opened here, before any thread starts */
	size_t most = ncal > nmain ? ncal : nmain;
	size_t nworkers = (size_t)o.jobs < most ? (size_t)o.jobs : most;
	struct worker_ctx *ws = xcalloc(nworkers ? nworkers : 1, sizeof *ws);
	size_t opened = 0;
	if (!status && o.srv.insecure)
		fprintf(stderr, "canopy: WARNING: --insecure: TLS certificates are NOT checked; "
				"anyone on the path can read and change this traffic\n");
	for (size_t i = 0; !status && i < nworkers; i++, opened++) {
		ws[i].b = &b;
		int rc = servers_open(&so, &ws[i].sv, err, sizeof err);
		for (int k = 0; !rc && i == 0 && k < ws[i].sv.nwarnings; k++)
			say(stderr, "canopy bench: warning: %s\n", ws[i].sv.warnings[k]);
		if (rc) {
			say(stderr, "canopy bench: %s\n", err);
			servers_close(&ws[i].sv);
			status = rc;
		}
	}
	int tty = isatty(2);
	if (!status && ncal) {
		run_pool(&b, cal, ncal, ws, nworkers, tty, "one sample a problem, to size a unit");
		double tok = 0;
		size_t runs = 0;
		for (size_t i = 0; i < ncal; i++)
			if (!cal[i].failed) {
				tok += (double)cal[i].tokens;
				runs++;
			}
		if (!runs || tok <= 0) {
			say(stderr, "canopy bench: no sample came back to size a unit (%s); give --unit N\n",
				ncal && cal[0].error ? cal[0].error : "every run failed");
			status = EXIT_FAILED;
		} else {
			b.unit = tok / (double)runs;
			say(stdout, "one unit = %.0f generated tokens (the mean of one sample, sc:n=1, on these problems)\n",
			       b.unit);
		}
	} else if (o.unit) {
		b.unit = o.unit;
	}
	if (!status && nstat) {
		run_pool(&b, stat, nstat, ws, nworkers, tty, "MAgICoRe: each problem's first solution, for condition 1");
		double *reward = xcalloc(nstat, sizeof *reward), mu, sd;
		size_t runs = 0;
		for (size_t i = 0; i < nstat; i++)
			if (!stat[i].failed && !isnan(stat[i].reward))
				reward[runs++] = stat[i].reward;
		calib_mean_sd(reward, runs, &mu, &sd);
		free(reward);
		if (runs && sd > 0) {
			for (size_t k = 0; k < b.nspecs; k++)
				if (b.specs[k].ops == &strategy_magicore && !b.specs[k].params.set[P_REWARD_SD]) {
					b.specs[k].params.v[P_REWARD_MEAN] = mu;
					b.specs[k].params.v[P_REWARD_SD] = sd;
					b.specs[k].params.set[P_REWARD_MEAN] = b.specs[k].params.set[P_REWARD_SD] = 1;
				}
			say(stdout, "MAgICoRe's condition 1: reward-mean=%.4f reward-sd=%.4f, over the first solutions of %zu "
				    "problems (canopy run takes them as --reward-mean and --reward-sd)\n", mu, sd, runs);
		} else {
			say(stderr, "canopy bench: warning: MAgICoRe's set statistics could not be worked out (%zu scored "
				    "first solutions); each problem's own are used\n", runs);
		}
	}
	if (!status) {
		run_pool(&b, mainj, nmain, ws, nworkers, tty, NULL);
		if (csv)
			fprintf(csv, "problem,seed,difficulty,trap,strategy,budget,answer,gold,correct,gen_tokens,requests,"
				     "seconds\n");
		/* results by strategy and budget */
		struct cell_view *cells = xcalloc(b.nspecs * nb, sizeof *cells);
		size_t reused = 0;
		for (size_t i = 0; i < nmain; i++) {
			struct job *j = &mainj[i];
			struct spec *sp = &b.specs[j->spec];
			const struct problem *p = &b.pr[j->problem];
			reused += (size_t)j->reused;
			if (j->failed) {
				say(stderr, "canopy bench: %s on problem %s failed: %s\n", sp->label, p->id, j->error);
				status = EXIT_FAILED;
				continue;
			}
			struct cell_view *c = &cells[j->spec * nb + (size_t)(j->budget >= 0 ? j->budget : 0)];
			c->correct += (unsigned)j->correct;
			c->runs++;
			c->tokens += (double)j->tokens;
			c->requests += (double)j->requests;
			c->seconds += j->seconds;
			if (csv) {
				csv_field(csv, p->id);
				fprintf(csv, ",%llu,%d,%d,", (unsigned long long)p->seed, p->difficulty, p->trap);
				csv_field(csv, sp->label);
				if (j->budget >= 0)
					fprintf(csv, ",%g,", b.budgets[j->budget]);
				else
					fputs(",,", csv);
				csv_field(csv, j->answer ? j->answer : "");
				fputc(',', csv);
				csv_field(csv, p->gold);
				fprintf(csv, ",%d,%llu,%llu,%.4f\n", j->correct, (unsigned long long)j->tokens,
					(unsigned long long)j->requests, j->seconds);
			}
		}
		say(stdout, "%-24s %8s %15s %10s %9s %9s\n", "strategy", "accuracy", "95% interval", "tokens", "requests",
		       "time");
		for (size_t k = 0; k < b.nspecs; k++)
			for (size_t q = 0; q < nb; q++) {
				const struct cell_view *c = &cells[k * nb + q];
				double runs = c->runs ? c->runs : 1, lo, hi;
				wilson_interval(c->correct, c->runs, &lo, &hi);
				char label[96];
				cell_label(&b, k, q, label, sizeof label);
				say(stdout, "%-24s %8.3f   [%.3f, %.3f] %10.0f %9.1f %8.3fs\n", label, c->correct / runs, lo, hi,
				       c->tokens / runs, c->requests / runs, c->seconds);
			}
		char what[700];
		if (o.dataset)
			snprintf(what, sizeof what, "%zu problems of %s", b.nproblems, o.dataset);
		else if (o.difficulty)
			snprintf(what, sizeof what, "%zu problems, difficulty %d", b.nproblems, o.difficulty);
		else
			snprintf(what, sizeof what, "%zu problems", b.nproblems);
		if (o.repeats > 1)
			snprintf(what + strlen(what), sizeof what - strlen(what), ": %llu repeats of %zu",
				 (unsigned long long)o.repeats, b.nproblems / (size_t)o.repeats);
		/* coverage: how often the right answer was among those the
		 * search reached (pass@k for sampling), and rStar's generator
		 * majority beside its discriminator's answer */
		{
			unsigned *cov = xcalloc(b.nspecs * nb, sizeof *cov), *cn = xcalloc(b.nspecs * nb, sizeof *cn);
			unsigned *mj = xcalloc(b.nspecs * nb, sizeof *mj), *mn = xcalloc(b.nspecs * nb, sizeof *mn);
			for (size_t i = 0; i < nmain; i++) {
				const struct job *j = &mainj[i];
				size_t at = j->spec * nb + (size_t)(j->budget >= 0 ? j->budget : 0);
				if (j->failed)
					continue;
				if (j->reached >= 0) {
					cov[at] += (unsigned)j->reached;
					cn[at]++;
				}
				if (j->maj >= 0 && b.specs[j->spec].ops == &strategy_rstar) {
					mj[at] += (unsigned)j->maj;
					mn[at]++;
				}
			}
			int any = 0;
			for (size_t k = 0; k < b.nspecs * nb; k++)
				any |= cn[k] > 0;
			if (any)
				say(stdout, "coverage (pass@k: the right answer among those the run reached):\n");
			for (size_t k = 0; any && k < b.nspecs; k++)
				for (size_t q = 0; q < nb; q++) {
					size_t at = k * nb + q;
					char label[96];
					cell_label(&b, k, q, label, sizeof label);
					if (cn[at])
						say(stdout, "  %-24s %8.3f\n", label, (double)cov[at] / cn[at]);
					if (mn[at]) {
						double lo, hi;
						wilson_interval(mj[at], mn[at], &lo, &hi);
						say(stdout, "  %-24s %8.3f   [%.3f, %.3f]  its generator's majority (generator@maj), "
							    "the same runs\n", label, (double)mj[at] / mn[at], lo, hi);
					}
				}
			free(cov);
			free(cn);
			free(mj);
			free(mn);
		}
		if (o.compute_optimal)
			compute_optimal(&b, mainj, nmain, nb);
		/* --repeats: each repeat's accuracy, then which strategy is
		 * right where the other is wrong, paired problem by problem */
		size_t reps = (size_t)o.repeats;
		if (reps > 1) {
			unsigned *rc = xcalloc(b.nspecs * nb * reps, sizeof *rc), *rn = xcalloc(b.nspecs * nb * reps, sizeof *rn);
			for (size_t i = 0; i < nmain; i++) {
				const struct job *j = &mainj[i];
				if (j->failed)
					continue;
				size_t at = (j->spec * nb + (size_t)(j->budget >= 0 ? j->budget : 0)) * reps +
					    (size_t)b.pr[j->problem].rep;
				rc[at] += (unsigned)j->correct;
				rn[at]++;
			}
			say(stdout, "accuracy by repeat (problem seeds %llu + k x %u):\n", (unsigned long long)o.seed,
			    REPEAT_STRIDE);
			for (size_t k = 0; k < b.nspecs; k++)
				for (size_t q = 0; q < nb; q++) {
					char label[96];
					cell_label(&b, k, q, label, sizeof label);
					struct strbuf sb;
					sb_init(&sb);
					double mean = 0, sq = 0;
					for (size_t r = 0; r < reps; r++) {
						size_t at = (k * nb + q) * reps + r;
						double a = rn[at] ? (double)rc[at] / rn[at] : 0;
						sb_printf(&sb, " %.3f", a);
						mean += a;
						sq += a * a;
					}
					mean /= (double)reps;
					double sd = sqrt(fmax(0, (sq - (double)reps * mean * mean) / (double)(reps - 1)));
					say(stdout, "  %-24s%s  (mean %.3f, sd %.3f)\n", label, sb.s, mean, sd);
					sb_free(&sb);
				}
			free(rc);
			free(rn);
		}
		if (b.nspecs > 1) {
			/* a paired sign test: over the problems (and budgets) both
			 * ran, the ones exactly one got right */
			size_t np = b.nproblems;
			signed char *right = xcalloc(np * b.nspecs * nb, 1);
			for (size_t i = 0; i < nmain; i++) {
				const struct job *j = &mainj[i];
				right[(j->problem * b.nspecs + j->spec) * nb + (size_t)(j->budget >= 0 ? j->budget : 0)] =
					j->failed ? -1 : (signed char)j->correct;
			}
			say(stdout, "paired sign test (the problems exactly one of the two got right%s):\n",
			    nb > 2 ? "; at the smallest and the largest budget" : "");
			for (size_t q = 0; q < nb; q++) {
				if (nb > 2 && q != 0 && q != nb - 1)
					continue;
				for (size_t x = 0; x < b.nspecs; x++)
					for (size_t y = x + 1; y < b.nspecs; y++) {
						unsigned wx = 0, wy = 0;
						for (size_t i = 0; i < np; i++) {
							signed char rx = right[(i * b.nspecs + x) * nb + q],
								    ry = right[(i * b.nspecs + y) * nb + q];
							if (rx < 0 || ry < 0)
								continue;
							wx += rx && !ry;
							wy += ry && !rx;
						}
						char at[40] = "";
						if (b.nbudgets)
							snprintf(at, sizeof at, " @%g", b.budgets[q]);
						say(stdout, "  %s%s against %s%s: %u to %u, p = %.2g\n", b.specs[x].label, at,
						    b.specs[y].label, at, wx, wy, calib_sign_test(wx, wy));
					}
			}
			free(right);
		}
		/* how well the verifiers told right from wrong on these runs */
		size_t pr, pw, orr, ow;
		double pa = calib_pool_auc(&b.verifiers, 0, &pr, &pw), oa = calib_pool_auc(&b.verifiers, 1, &orr, &ow);
		if (!isnan(pa) || !isnan(oa)) {
			char ps[120] = "", os[120] = "";
			if (!isnan(pa))
				snprintf(ps, sizeof ps, "PRM AUC %.3f (%zu right, %zu wrong solutions)", pa, pr, pw);
			if (!isnan(oa))
				snprintf(os, sizeof os, "ORM AUC %.3f (%zu right, %zu wrong)", oa, orr, ow);
			say(stdout, "verifiers on these runs: %s%s%s\n", ps, ps[0] && os[0] ? "; " : "", os);
		}
		if (b.nbudgets)
			say(stdout, "(%s, budgets in units of %.0f generated tokens)\n", what, b.unit);
		else
			say(stdout, "(%s, budget %s)\n", what, o.budget_tokens || o.budget_requests ? "per run" : "none");
		if (reused)
			say(stdout, "(%zu runs were already finished in %s)\n", reused, o.out);
		if (b.nbudgets)
			status = draw_curves(&b, cells, nb, o.plot, status);
		free(cells);
	}
	if (csv && fclose(csv) && !status) {
		say(stderr, "canopy bench: %s: %s\n", o.csv_path, strerror(errno));
		status = EXIT_FAILED;
	}
	for (size_t i = 0; i < opened; i++)
		servers_close(&ws[i].sv);
	free(ws);
	prompts_free();
	for (size_t i = 0; i < ncal; i++) {
		free(cal[i].answer);
		free(cal[i].error);
	}
	for (size_t i = 0; i < nmain; i++) {
		free(mainj[i].answer);
		free(mainj[i].error);
	}
	for (size_t i = 0; i < nstat; i++) {
		free(stat[i].answer);
		free(stat[i].error);
	}
	free(cal);
	free(stat);
	free(mainj);
	free(b.budgets);
	calib_pool_free(&b.verifiers);
	for (size_t i = 0; i < b.nproblems; i++) {
		free(b.pr[i].id);
		free(b.pr[i].text);
		free(b.pr[i].gold);
	}
	free(b.pr);
	for (size_t k = 0; k <= b.nspecs + 1; k++)
		free(b.specs[k].label);
	free(b.specs);
	profile_free_argv(v, n);
	return status;
}
