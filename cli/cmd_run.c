/* canopy run: a headless search.  Progress and the search itself go to
 * stderr, the final answer alone to stdout. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backend_openai.h"
#include "backend_sim.h"
#include "cmd.h"
#include "cmd_common.h"
#include "profile.h"
#include "run_show.h"
#include "prompt.h"
#include "resume.h"
#include "servers.h"
#include "ui.h"
#include "worker.h"
#include "config.h"
#include "search.h"
#include "sim.h"
#include "util.h"

void usage_run(FILE *f)
{
	fprintf(f,
		"usage: canopy run [OPTIONS]\n"
		"\n"
		"Runs one search headless. The search is journaled to a trace file as it\n"
		"happens; progress goes to stderr and the final answer alone to stdout.\n");
	options_help(f, W_RUN);
	fprintf(f, "\nExit status: 0 done, 1 the run failed, 2 bad usage.\n");
}

struct run_opts {
	struct search_config cfg;
	struct server_cli srv;
	const char *problem, *problem_file, *gold, *trace;
	int difficulty;
	struct sim_cfg sim;
	struct sim_latency lat;
	int show, quiet;
	int ui, paused;
	int demo; /* canopy alone: paced for a person, with what to try said */
	const char *theme;
	char **argv_keep;
	int argc_keep;
	int latency_given;
	const char *resume;      /* --resume TRACE */
	int search_opt;          /* an option that shapes the search (refused with --resume) */
};

/* ---- the default trace file ---- */

static int mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		int r = mkdir(path, 0755);
		*p = '/';
		if (r && errno != EEXIST)
			return -1;
	}
	if (mkdir(path, 0755) && errno != EEXIST)
		return -1;
	return 0;
}

static char *default_trace_path(const char *strategy, uint64_t seed, char *err, size_t errlen)
{
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	struct strbuf dir;
	sb_init(&dir);
	if (state && *state == '/')
		sb_printf(&dir, "%s/canopy/traces", state);
	else if (home && *home)
		sb_printf(&dir, "%s/.local/state/canopy/traces", home);
	else {
		snprintf(err, errlen, "neither XDG_STATE_HOME nor HOME is set; give --trace FILE");
		return NULL;
	}
	if (mkdirs(dir.s)) {
		snprintf(err, errlen, "%s: %s", dir.s, strerror(errno));
		sb_free(&dir);
		return NULL;
	}
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	for (int i = 1; i < 1000; i++) {
		struct strbuf p;
		sb_init(&p);
		sb_printf(&p, "%s/%s-%s-s%llu%s", dir.s, stamp, strategy, (unsigned long long)seed,
			  i == 1 ? "" : "");
		if (i > 1)
			sb_printf(&p, "-%d", i);
		sb_adds(&p, ".jsonl");
		/* claim the name so two runs in the same second do not share it */
		int fd = open(p.s, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0) {
			close(fd);
			sb_free(&dir);
			return sb_steal(&p);
		}
		if (errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", p.s, strerror(errno));
			sb_free(&p);
			break;
		}
		sb_free(&p);
	}
	sb_free(&dir);
	if (!err[0])
		snprintf(err, errlen, "could not pick a new trace file name");
	return NULL;
}

static char *read_problem_file(const char *path, char *err, size_t errlen)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	struct strbuf sb;
	sb_init(&sb);
	int got = sb_add_file(&sb, f, 1 << 20);
	if (f != stdin)
		fclose(f);
	if (got) {
		if (got > 0)
			snprintf(err, errlen, "%s: larger than 1 MiB; is it really a problem?", path);
		else
			snprintf(err, errlen, "%s: read error", path);
		sb_free(&sb);
		return NULL;
	}
	while (sb.len && (sb.s[sb.len - 1] == '\n' || sb.s[sb.len - 1] == ' '))
		sb.s[--sb.len] = '\0';
	if (!sb.len) {
		snprintf(err, errlen, "%s: empty problem", path);
		sb_free(&sb);
		return NULL;
	}
	return sb_steal(&sb);
}

static int bad(const char *msg, const char *arg)
{
	say(stderr, "canopy run: %s%s%s%s\n", msg, arg ? " '" : "", arg ? arg : "", arg ? "'" : "");
	return EXIT_USAGE;
}

static int parse_argv(int argc, char **argv, struct run_opts *o);

/* 0: run; -1: done, exit 0 (help); > 0: exit with that status.  A
 * --profile's options come first, so the command line wins. */
static int parse_options(int argc, char **argv, struct run_opts *o)
{
	char err[700];
	int n;
	char **v = profile_expand(argc, argv, &n, err, sizeof err);
	if (!v) {
		say(stderr, "canopy run: %s\n", err);
		return EXIT_USAGE;
	}
	/* the options point into v: it lives as long as the run */
	o->argv_keep = v;
	o->argc_keep = n;
	return parse_argv(n, v, o);
}

static int parse_argv(int argc, char **argv, struct run_opts *o)
{
	char shorts[32];
	struct option *longopts = options_getopt(W_RUN, shorts, sizeof shorts);
	int c, ret = -1;
	char err[256];
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, longopts, NULL)) != -1) {
		/* what decides the search itself; a resume takes it from its
		 * journal, where only the server's address and key may change */
		const struct opt_entry *oe = options_find(c, W_RUN);
		if (oe && !oe->resume_ok && !o->search_opt)
			o->search_opt = c;
		switch (c) {
		case OPT_RESUME:
			o->resume = optarg;
			break;
		case OPT_STRATEGY:
			if (!(o->cfg.strategy = strategy_lookup(optarg))) {
				ret = bad("unknown strategy (see 'canopy run --help'):", optarg);
				goto out;
			}
			break;
		case OPT_PROBLEM:
			o->problem = optarg;
			break;
		case OPT_PROBLEM_FILE:
			o->problem_file = optarg;
			break;
		case OPT_ANSWER:
			o->gold = optarg;
			break;
		case OPT_DIFFICULTY:
		case OPT_SEED:
		case OPT_MAX_INFLIGHT: {
			double d;
			if (options_number(c, W_RUN, optarg, &d, err, sizeof err)) {
				ret = bad(err, NULL);
				goto out;
			}
			if (c == OPT_DIFFICULTY)
				o->difficulty = (int)d;
			else if (c == OPT_SEED)
				o->cfg.seed = (uint64_t)d;
			else
				o->cfg.max_inflight = (int)d;
			break;
		}
		case OPT_BUDGET:
			if (parse_budget(optarg, &o->cfg.budget_tokens, &o->cfg.budget_requests)) {
				ret = bad("--budget takes a token count (4000) or a request count (50req), not", optarg);
				goto out;
			}
			break;
		case OPT_TRACE:
			o->trace = optarg;
			break;
		case OPT_UI:
			o->ui = 1;
			break;
		case OPT_THEME:
			o->theme = optarg;
			break;
		case OPT_PAUSED:
			o->paused = 1;
			break;
		case OPT_SIM_LATENCY:
		case OPT_SIM_ERROR_SCALE:
		case OPT_SIM_PRM_NOISE:
		case OPT_SIM_ORM_NOISE:
		case OPT_SIM_CRITIC_RECALL:
		case OPT_SIM_CRITIC_FALSE:
		case OPT_SIM_ORM_BIAS:
		case OPT_SIM_TRAP_SCALE:
			o->latency_given |= c == OPT_SIM_LATENCY;
			if (sim_option(c, optarg, &o->sim, &o->lat, err, sizeof err)) {
				ret = bad(err, NULL);
				goto out;
			}
			break;
		case 'v':
			o->show = 1;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			usage_run(stdout);
			ret = -1; /* done: exit 0 without running */
			goto out;
		case ':':
			ret = bad("this option needs a value:", argv[optind - 1]);
			goto out;
		case '?':
			ret = bad("unknown option:", argv[optind - 1]);
			goto out;
		default:
			if (c >= OPT_SRV_BACKEND && c < OPT_SRV_LAST) {
				if (server_option(c, optarg, &o->srv, err, sizeof err)) {
					ret = bad(err, NULL);
					goto out;
				}
				break;
			}
			if (c >= OPT_PARAM && c < OPT_PARAM + P_COUNT) {
				enum param_id id = (enum param_id)(c - OPT_PARAM);
				if (param_parse(id, optarg, &o->cfg.params.v[id], err, sizeof err)) {
					ret = bad(err, NULL);
					goto out;
				}
				o->cfg.params.set[id] = 1;
			}
			break;
		}
	}
	if (optind < argc) {
		ret = bad("unexpected argument:", argv[optind]);
		goto out;
	}
	if (o->problem && o->problem_file) {
		ret = bad("give --problem or --problem-file, not both", NULL);
		goto out;
	}
	if (server_cli_check(&o->srv, err, sizeof err)) {
		ret = bad(err, NULL);
		goto out;
	}
	/* parameters the chosen strategy does not read are a mistake (with
	 * --resume, any is: said once the journal is read) */
	for (int p = 0; p < P_COUNT && !o->resume; p++) {
		if (!o->cfg.params.set[p])
			continue;
		if (!strategy_uses(o->cfg.strategy, (enum param_id)p)) {
			snprintf(err, sizeof err, "--%s does not apply to --strategy %s",
				 param_name((enum param_id)p), o->cfg.strategy->name);
			ret = bad(err, NULL);
			goto out;
		}
		if (strategy_check_value(o->cfg.strategy, (enum param_id)p, o->cfg.params.v[p], err, sizeof err)) {
			ret = bad(err, NULL);
			goto out;
		}
	}
	ret = 0;
out:
	free(longopts);
	return ret;
}

static int run(struct run_opts *o);
static int run_inner(struct run_opts *o);
static int run_resumable(struct run_opts *o, struct resume *resume);

static const char *option_name(int code)
{
	const struct opt_entry *e = options_find(code, W_RUN);
	return e ? e->name : "?";
}

static void role_from(const struct header_role *h, struct server_role_opts *r)
{
	if (!h->given)
		return;
	r->kind = h->kind;
	r->url = h->url;
	r->model = h->model;
	r->backend = h->backend;
}

/* The run's options as its journal's header recorded them: a resume goes
 * on with exactly the search that began.  The header codec has checked
 * every value against the command line's ranges already. */
static int options_from_journal(struct run_opts *o, const struct resume *rs, char *err, size_t errlen)
{
	const struct trace_header *h = &rs->header;
	const struct header_backend *b = &h->backend;
	const char *path = rs->trace_path;
	if (o->search_opt) {
		snprintf(err, errlen, "--%s cannot be given with --resume: the search goes on as %s began it",
			 option_name(o->search_opt), path);
		return -1;
	}
	if (search_config_from_header(&o->cfg, h, path, err, errlen))
		return -1;
	o->problem = h->problem;
	o->gold = h->gold;
	const char *kind = b->kind;
	if (strcmp(kind, "sim") && !dialect_lookup(kind)) {
		snprintf(err, errlen, "%s:1: backend.kind \"%s\" cannot be resumed", path, kind);
		return -1;
	}
	o->srv.backend = kind;
	if (!strcmp(kind, "sim") && o->srv.nurls) {
		snprintf(err, errlen, "--url does not apply: %s ran on the built-in sim", path);
		return -1;
	}
	if (!strcmp(kind, "sim")) {
		o->lat.per_request_ms = b->latency_ms;
		o->lat.per_token_ms = b->latency_ms_per_token;
		o->latency_given = 1;
		/* what the header does not record (the trap share, which only
		 * shaped the problem it holds) is the default, as here */
		if (b->has_sim)
			o->sim = b->sim;
	} else {
		if (!o->srv.nurls) {
			/* the servers it used, unless given anew */
			for (int i = 0; i < b->nurls; i++)
				o->srv.urls[o->srv.nurls++] = b->urls[i];
		}
		o->srv.model = b->model;
		o->srv.api = b->api;
		o->srv.stream = b->stream;
	}
	role_from(&b->prm, &o->srv.prm);
	role_from(&b->orm, &o->srv.orm);
	role_from(&b->critic, &o->srv.critic);
	role_from(&b->disc, &o->srv.disc);
	/* the words it asked with, whatever the files say now */
	char origin[700];
	snprintf(origin, sizeof origin, "%s:1", path);
	return b->prompts ? prompts_load_recorded(b->prompts, origin, NULL, err, errlen) : 0;
}

/* The defaults, with st as the strategy, then the command line: 0 to go
 * on, else what parse_options said (the options it kept are freed). */
static int parse_run(int argc, char **argv, const struct strategy_ops *st, struct run_opts *o)
{
	memset(o, 0, sizeof *o);
	server_cli_init(&o->srv);
	o->cfg.strategy = st;
	o->cfg.seed = 1;
	sim_cfg_default(&o->sim);
	int r = parse_options(argc, argv, o);
	if (r)
		profile_free_argv(o->argv_keep, o->argc_keep);
	return r;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o;
	int r = parse_run(argc, argv, &strategy_sc, &o);
	if (r)
		return r > 0 ? r : EXIT_OK;
	return run(&o);
}

int cmd_ui(int argc, char **argv, int demo)
{
	struct run_opts o;
	/* a beam search shows the most at a glance */
	int r = parse_run(argc, argv, demo ? &strategy_beam : &strategy_sc, &o);
	if (r)
		return r > 0 ? r : EXIT_OK;
	o.ui = 1;
	o.demo = demo;
	if (demo && !o.difficulty)
		o.difficulty = 7; /* five steps: a tree worth watching */
	return run(&o);
}

static int run(struct run_opts *op)
{
	struct run_opts o = *op;
	int status = run_inner(&o);
	profile_free_argv(op->argv_keep, op->argc_keep);
	return status;
}

static int run_inner(struct run_opts *op)
{
	struct run_opts o = *op;
	char err[512] = "";
	struct resume rs;
	memset(&rs, 0, sizeof rs);
	if (o.resume) {
		char warn[1300];
		if (resume_open(o.resume, &rs, err, sizeof err, warn, sizeof warn)) {
			say(stderr, "canopy run: %s\n", err);
			return EXIT_USAGE;
		}
		if (warn[0] && !o.quiet)
			say(stderr, "canopy: %s\n", warn);
		if (rs.finished) {
			/* nothing left to do: say what it came to */
			if (rs.final_answer)
				say(stdout, "%s\n", rs.final_answer);
			if (!o.quiet)
				say(stderr, "canopy: %s is finished (it chose its answer); nothing to resume\n",
					rs.trace_path);
			resume_free(&rs);
			return EXIT_OK;
		}
		if (options_from_journal(&o, &rs, err, sizeof err)) {
			say(stderr, "canopy run: %s\n", err);
			prompts_free();
			resume_free(&rs);
			return EXIT_USAGE;
		}
		o.trace = rs.trace_path;
		if (!o.quiet)
			say(stderr, "canopy: resuming %s: re-executing %zu events from %zu recorded replies\n",
				rs.trace_path, rs.nev, rs.replies.n);
	}
	int status = run_resumable(&o, o.resume ? &rs : NULL);
	resume_free(&rs);
	return status;
}

static int run_resumable(struct run_opts *op, struct resume *resume)
{
	struct run_opts o = *op;
	if (o.ui && !o.latency_given) {
		/* slow enough to watch the tree grow */
		o.lat.per_request_ms = 300;
		o.lat.per_token_ms = 5;
	}
	if (o.ui && (!isatty(0) || !isatty(1))) {
		fprintf(stderr, "canopy: the UI needs a terminal (use canopy run without --ui for a headless run)\n");
		return EXIT_USAGE;
	}

	char err[512] = "";
	char *problem = NULL, *gold = o.gold ? xstrdup(o.gold) : NULL, *trace = NULL;
	o.cfg.resume = resume;
	struct sim_problem sp;
	int status = EXIT_FAILED;
	if (o.problem_file) {
		if (!(problem = read_problem_file(o.problem_file, err, sizeof err))) {
			say(stderr, "canopy run: %s\n", err);
			free(gold);
			return EXIT_USAGE;
		}
	} else if (o.problem) {
		problem = xstrdup(o.problem);
	} else {
		sim_problem_generate_mix(o.cfg.seed, o.difficulty, o.sim.trap_scale, &sp);
		problem = xstrdup(sp.text);
		char a[40];
		sim_format_number(sp.answer, a, sizeof a);
		if (!gold)
			gold = xstrdup(a);
	}
	struct server_opts so;
	server_cli_opts(&o.srv, &o.sim, &o.lat, &so);
	if ((o.problem || o.problem_file) && servers_sim_reads(&so)) {
		/* the sim must understand the question before we start */
		if (sim_problem_parse(problem, &sp, err, sizeof err)) {
			say(stderr, "canopy run: %s\n", err);
			free(problem);
			free(gold);
			return EXIT_USAGE;
		}
		if (!gold) {
			char a[40];
			sim_format_number(sp.answer, a, sizeof a);
			gold = xstrdup(a);
		}
	}
	if (o.srv.insecure)
		fprintf(stderr, "canopy: WARNING: --insecure: TLS certificates are NOT checked; "
				"anyone on the path can read and change this traffic\n");
	struct servers sv;
	int orc = servers_open(&so, &sv, err, sizeof err);
	if (orc) {
		say(stderr, "canopy run: %s\n", err);
		status = orc;
		goto out;
	}
	for (int i = 0; i < sv.nwarnings; i++)
		say(stderr, "canopy run: warning: %s\n", sv.warnings[i]);
	if (o.trace) {
		trace = xstrdup(o.trace);
	} else if (!(trace = default_trace_path(o.cfg.strategy->name, o.cfg.seed, err, sizeof err))) {
		say(stderr, "canopy run: %s\n", err);
		goto out;
	}
	o.cfg.problem = problem;
	o.cfg.gold = gold;
	o.cfg.backend = sv.actor;
	o.cfg.scorer = sv.prm;
	o.cfg.orm = sv.orm;
	o.cfg.critic = sv.critic;
	o.cfg.disc = sv.disc;
	o.cfg.no_scores = sv.no_prm;
	o.cfg.no_orm = sv.no_orm;
	o.cfg.backend_hdr = &sv.hdr;
	o.cfg.trace_path = trace;
	struct search *s = search_new(&o.cfg, err, sizeof err);
	if (!s) {
		say(stderr, "canopy run: %s\n", err);
		goto out;
	}
	if (o.ui) {
		struct worker *w = worker_start(s, o.paused, err, sizeof err);
		if (!w) {
			say(stderr, "canopy: %s\n", err);
			search_free(s);
			goto out;
		}
		struct strbuf params;
		sb_init(&params);
		/* as a replay of its journal will show them (header_params_string) */
		enum param_id ids[P_COUNT];
		size_t nids = 0;
		for (const struct param_default *d = o.cfg.strategy->params; d->id != P_COUNT; d++)
			ids[nids++] = d->id;
		params_describe(search_params(s), ids, nids, 1, &params);
		/* the demo waits between levels, so a person can see each, pause,
		 * step, prune and expand (+ and - change the pace) */
		struct ui_options uo = {.theme = o.theme, .start_paused = o.paused, .demo = o.demo,
					.pace = o.demo ? 1.5 : 0};
		status = ui_run_live(s, w, trace, problem, gold, o.cfg.strategy->name,
				     params.s ? params.s : "", sv.actor->kind, &uo);
		sb_free(&params);
		if (status == EXIT_OK && search_state(s) == SEARCH_FAILED) {
			/* quitting a failed run is no success: say why, now that the
			 * terminal is the shell's again */
			say(stderr, "canopy: %s (the journal %s holds everything up to here)\n", search_error(s), trace);
			status = EXIT_FAILED;
		} else if (status == EXIT_OK && search_state(s) == SEARCH_DONE && !search_final_answer(s) &&
			   search_errors(s)) {
			/* as canopy run without the UI: nothing came of it because
			 * the server kept failing */
			say(stderr, "canopy: no answer: %llu requests failed, the last with: %s (the journal %s has them all)\n",
			    (unsigned long long)search_errors(s), search_last_error(s), trace);
			status = EXIT_FAILED;
		}
		search_free(s);
		goto out;
	}
	if (!o.quiet)
		say(stderr, "canopy: journal %s\n", trace);
	if (!o.quiet && o.cfg.strategy == &strategy_magicore && !o.resume && !o.cfg.params.set[P_REWARD_SD])
		say(stderr, "canopy: magicore: condition 1 uses this problem's own %g solutions' mean and deviation, "
			    "not the data set's (canopy bench works those out; give them as --reward-mean and "
			    "--reward-sd)\n",
		    params_get(&o.cfg.params, P_K) > 0 ? params_get(&o.cfg.params, P_K) : 40);
	struct printer pr = {.show = o.show, .quiet = o.quiet, .tty = isatty(2), .f = stderr};
	search_set_listener(s, run_show_on_event, &pr);
	int rc = search_run(s);
	sb_free(&pr.line);
	if (pr.tty && !o.show && !o.quiet)
		fputc('\n', stderr);
	if (search_warnings(s))
		say(stderr, "canopy run: warning: %llu replies came back with a warning, the last: %s (see the journal's "
			    "error events with \"level\":\"warning\")\n",
		    (unsigned long long)search_warnings(s), search_last_warning(s));
	if (rc) {
		say(stderr, "canopy run: %s (the journal %s holds everything up to here)\n",
			search_error(s), trace);
	} else if (!search_final_answer(s) && search_errors(s)) {
		/* nothing came of it because the server kept failing */
		say(stderr, "canopy run: no answer: %llu requests failed, the last with: %s (the journal %s has them all)\n",
			(unsigned long long)search_errors(s), search_last_error(s), trace);
	} else {
		const char *ans = search_final_answer(s);
		if (ans)
			say(stdout, "%s\n", ans);
		if (search_errors(s))
			/* an answer chosen with part of the evidence missing */
			say(stderr, "canopy run: warning: %llu requests failed, the last with: %s (see the journal's error events)\n",
				(unsigned long long)search_errors(s), search_last_error(s));
		if (!o.quiet) {
			const struct usage *u = search_usage(s);
			int c = search_final_correct(s);
			say(stderr, "canopy: answer %s%s \xC2\xB7 %zu nodes \xC2\xB7 %llu tokens \xC2\xB7 %llu requests \xC2\xB7 %.2f s\n",
				ans ? ans : "none", c == 1 ? " (correct)" : c == 0 ? " (wrong)" : "",
				tree_count(search_tree(s)), (unsigned long long)u->gen_tokens,
				(unsigned long long)u->requests, search_elapsed(s));
		}
		status = EXIT_OK;
	}
	search_free(s);
out:
	servers_close(&sv);
	prompts_free();
	free(problem);
	free(gold);
	free(trace);
	return status;
}
