/* canopy bench: every strategy on the same generated problems at the same
 * budget, and a table of how they did. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "cmd_common.h"
#include "search.h"
#include "util.h"

enum {
	OPT_PROBLEMS = 1000,
	OPT_SEED,
	OPT_DIFFICULTY,
	OPT_TRAPS,
	OPT_STRATEGIES,
	OPT_BUDGET,
	OPT_CSV,
	OPT_MAX_INFLIGHT,
	OPT_BACKEND,
};

void usage_bench(FILE *f)
{
	fprintf(f,
		"usage: canopy bench [OPTIONS]\n"
		"\n"
		"Runs each strategy on the same generated problems at the same budget and\n"
		"prints accuracy (with a 95%% Wilson interval), mean generated tokens, mean\n"
		"requests and wall time per strategy.\n"
		"\n"
		"  --strategies LIST     comma-separated specs, NAME or NAME:PARAM=VALUE:...\n"
		"                        (e.g. sc:n=16,beam,rebase:width=8; default sc,beam,rebase,mcts)\n"
		"  --problems N          how many problems (default 20)\n"
		"  --seed S              problem i is generated from seed S+i (default 1)\n"
		"  --difficulty N        1-10 for every problem (default: drawn per problem)\n"
		"  --traps               only problems with a tempting irrelevant number\n"
		"  --budget N            generated tokens per problem and strategy ('Nreq': requests)\n"
		"  --max-inflight N      requests at once (default 1, so the budget stops within\n"
		"                        one request)\n"
		"  --csv FILE            also write one row per problem and strategy\n");
	sim_options_help(f);
	fprintf(f, "\nExit status: 0 done, 1 a run failed or the CSV could not be written, 2 bad usage.\n");
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
		int used = 0;
		for (const struct param_default *d = sp->ops->params; id >= 0 && d->id != P_COUNT; d++)
			used |= d->id == (enum param_id)id;
		if (id < 0 || !used) {
			snprintf(err, errlen, "%s does not take '%s'", sp->ops->name, kv);
			free(copy);
			return -1;
		}
		if (param_parse((enum param_id)id, eq + 1, &sp->params.v[id], err, errlen)) {
			free(copy);
			return -1;
		}
		sp->params.set[id] = 1;
	}
	free(copy);
	return 0;
}

static void progress(unsigned done, unsigned total, double elapsed)
{
	int width = 30, full = total ? (int)(width * (double)done / total) : width;
	fprintf(stderr, "\r\033[K[");
	for (int i = 0; i < width; i++)
		fputs(i < full ? "#" : ".", stderr);
	fprintf(stderr, "] %u/%u runs  %.1f s", done, total, elapsed);
	if (done && done < total)
		fprintf(stderr, "  ETA %.0f s", elapsed / done * (total - done));
	fflush(stderr);
}

int cmd_bench(int argc, char **argv)
{
	static const struct option opts[] = {
		{"problems", required_argument, NULL, OPT_PROBLEMS},
		{"seed", required_argument, NULL, OPT_SEED},
		{"difficulty", required_argument, NULL, OPT_DIFFICULTY},
		{"traps", no_argument, NULL, OPT_TRAPS},
		{"strategies", required_argument, NULL, OPT_STRATEGIES},
		{"budget", required_argument, NULL, OPT_BUDGET},
		{"csv", required_argument, NULL, OPT_CSV},
		{"max-inflight", required_argument, NULL, OPT_MAX_INFLIGHT},
		{"backend", required_argument, NULL, OPT_BACKEND},
		SIM_LONG_OPTIONS,
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	uint64_t problems = 20, seed = 1, budget_tokens = 0, budget_requests = 0;
	int difficulty = 0, traps = 0, max_inflight = 1, c;
	const char *list = "sc,beam,rebase,mcts", *csv_path = NULL;
	struct sim_cfg simc;
	struct sim_latency lat = {0, 0};
	sim_cfg_default(&simc);
	char err[256];
	double d;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_PROBLEMS:
			if (parse_u64(optarg, &problems) || problems == 0 || problems > 1000000) {
				fprintf(stderr, "canopy bench: --problems takes a whole number from 1, not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_SEED:
			if (parse_u64(optarg, &seed) || seed > (1ull << 52)) {
				fprintf(stderr, "canopy bench: --seed takes a whole number from 0 to 2^52, not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_DIFFICULTY:
			if (parse_real(optarg, 1, 10, &d) || d != floor(d)) {
				fprintf(stderr, "canopy bench: --difficulty takes a whole number from 1 to 10, not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			difficulty = (int)d;
			break;
		case OPT_TRAPS:
			traps = 1;
			break;
		case OPT_STRATEGIES:
			list = optarg;
			break;
		case OPT_BUDGET:
			if (parse_budget(optarg, &budget_tokens, &budget_requests)) {
				fprintf(stderr, "canopy bench: --budget takes a token count (4000) or a request count (50req), not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_CSV:
			csv_path = optarg;
			break;
		case OPT_MAX_INFLIGHT:
			if (parse_real(optarg, 0, 100000, &d) || d != floor(d)) {
				fprintf(stderr, "canopy bench: --max-inflight takes a whole number (0: no limit), not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			max_inflight = (int)d;
			break;
		case OPT_BACKEND:
			if (strcmp(optarg, "sim")) {
				fprintf(stderr, "canopy bench: this build knows only the sim backend, not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			usage_bench(stdout);
			return EXIT_OK;
		case ':':
			fprintf(stderr, "canopy bench: this option needs a value: '%s'\n", argv[optind - 1]);
			return EXIT_USAGE;
		case '?':
			fprintf(stderr, "canopy bench: unknown option: '%s'\n", argv[optind - 1]);
			return EXIT_USAGE;
		default:
			if (sim_option(c, optarg, &simc, &lat, err, sizeof err)) {
				fprintf(stderr, "canopy bench: %s\n", err);
				return EXIT_USAGE;
			}
			break;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "canopy bench: unexpected argument: '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	/* the strategy specs */
	struct spec *specs = NULL;
	size_t nspecs = 0;
	char *copy = xstrdup(list), *save = NULL;
	for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		specs = xrealloc(specs, (nspecs + 1) * sizeof *specs);
		if (parse_spec(item, &specs[nspecs], err, sizeof err)) {
			fprintf(stderr, "canopy bench: %s\n", err);
			free(specs[nspecs].label);
			for (size_t i = 0; i < nspecs; i++)
				free(specs[i].label);
			free(specs);
			free(copy);
			return EXIT_USAGE;
		}
		nspecs++;
	}
	free(copy);
	if (!nspecs) {
		fprintf(stderr, "canopy bench: --strategies is empty\n");
		free(specs);
		return EXIT_USAGE;
	}
	FILE *csv = NULL;
	if (csv_path && !(csv = fopen(csv_path, "w"))) {
		fprintf(stderr, "canopy bench: %s: %s\n", csv_path, strerror(errno));
		for (size_t i = 0; i < nspecs; i++)
			free(specs[i].label);
		free(specs);
		return EXIT_FAILED;
	}
	if (csv)
		fprintf(csv, "problem,seed,difficulty,trap,strategy,answer,gold,correct,gen_tokens,requests,seconds\n");

	struct backend *be = backend_sim_new(&simc, &lat);
	int tty = isatty(2), status = EXIT_OK;
	unsigned total = (unsigned)(problems * nspecs), done = 0;
	double t0 = util_now();
	uint64_t pseed = seed;
	for (uint64_t i = 0; i < problems; i++) {
		struct sim_problem p;
		/* --traps: draw until the problem holds a distractor */
		for (int tries = 0;; tries++, pseed++) {
			sim_problem_generate(pseed, difficulty, &p);
			if (!traps || p.has_distractor || tries > 10000)
				break;
		}
		char gold[40];
		sim_format_number(p.answer, gold, sizeof gold);
		for (size_t k = 0; k < nspecs; k++) {
			struct search_config cfg = {0};
			cfg.strategy = specs[k].ops;
			cfg.params = specs[k].params;
			cfg.problem = p.text;
			cfg.gold = gold;
			cfg.seed = pseed;
			cfg.budget_tokens = budget_tokens;
			cfg.budget_requests = budget_requests;
			cfg.max_inflight = max_inflight;
			cfg.backend = be;
			struct search *s = search_new(&cfg, err, sizeof err);
			double r0 = util_now();
			if (!s || search_run(s)) {
				fprintf(stderr, "%scanopy bench: %s on problem %llu failed: %s\n", tty ? "\n" : "",
					specs[k].label, (unsigned long long)i + 1, s ? search_error(s) : err);
				status = EXIT_FAILED;
				search_free(s);
				continue;
			}
			double secs = util_now() - r0;
			const struct usage *u = search_usage(s);
			int ok = search_final_correct(s) == 1;
			specs[k].correct += (unsigned)ok;
			specs[k].runs++;
			specs[k].tokens += (double)u->gen_tokens;
			specs[k].requests += (double)u->requests;
			specs[k].seconds += secs;
			if (csv) {
				const char *ans = search_final_answer(s);
				fprintf(csv, "%llu,%llu,%d,%d,\"%s\",\"%s\",%s,%d,%llu,%llu,%.4f\n",
					(unsigned long long)i + 1, (unsigned long long)pseed, p.difficulty,
					p.has_distractor, specs[k].label, ans ? ans : "", gold, ok,
					(unsigned long long)u->gen_tokens, (unsigned long long)u->requests, secs);
			}
			search_free(s);
			done++;
			if (tty)
				progress(done, total, util_now() - t0);
		}
		pseed++;
	}
	if (tty)
		fputc('\n', stderr);
	printf("%-24s %8s %15s %10s %9s %9s\n", "strategy", "accuracy", "95% interval", "tokens", "requests",
	       "time");
	for (size_t k = 0; k < nspecs; k++) {
		const struct spec *sp = &specs[k];
		double n = sp->runs ? sp->runs : 1, lo, hi;
		wilson_interval(sp->correct, sp->runs, &lo, &hi);
		printf("%-24s %8.3f   [%.3f, %.3f] %10.0f %9.1f %8.3fs\n", sp->label, sp->correct / n, lo, hi,
		       sp->tokens / n, sp->requests / n, sp->seconds);
	}
	printf("(%llu problems%s%s, budget %s)\n", (unsigned long long)problems,
	       difficulty ? ", difficulty " : "", difficulty ? (const char *[]){"", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}[difficulty] : "",
	       budget_tokens || budget_requests ? "per run" : "none");
	if (csv && fclose(csv)) {
		fprintf(stderr, "canopy bench: %s: %s\n", csv_path, strerror(errno));
		status = EXIT_FAILED;
	}
	backend_free(be);
	for (size_t k = 0; k < nspecs; k++)
		free(specs[k].label);
	free(specs);
	return status;
}
