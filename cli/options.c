/* options: the table of every subcommand's options (see options.h). */
#include "options.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dialect.h"
#include "header.h"
#include "import.h"
#include "sim.h"
#include "strategy.h"
#include "util.h"

#define HELP_COL 24 /* where the help text starts */
#define HELP_WIDTH 80

/* Writes text from column col, wrapped at spaces to HELP_WIDTH, each
 * further line indented to col. */
static void wrap(FILE *f, const char *text, int col)
{
	int x = col, width = HELP_WIDTH - col;
	const char *p = text;
	while (*p) {
		while (*p == ' ' || *p == '\n')
			p++;
		size_t w = strcspn(p, " \n");
		if (!w)
			break;
		if (x > col && x + 1 + (int)w > col + width) {
			fprintf(f, "\n%*s", col, "");
			x = col;
		} else if (x > col) {
			fputc(' ', f);
			x++;
		}
		fprintf(f, "%.*s", (int)w, p);
		x += (int)w;
		p += w;
	}
	fputc('\n', f);
}

void options_more_line(FILE *f, const char *name, const char *text)
{
	fprintf(f, "      %-14s ", name);
	wrap(f, text, 21);
}

static void more_strategies(FILE *f)
{
	for (size_t i = 0; strategy_list[i]; i++)
		options_more_line(f, strategy_list[i]->name, strategy_list[i]->title);
}

static void more_backends(FILE *f)
{
	options_more_line(f, "sim", "the built-in simulated reasoner (default; offline)");
	for (const struct dialect *const *d = dialect_list; *d; d++)
		options_more_line(f, (*d)->name, (*d)->doc);
}

static void more_formats(FILE *f)
{
	for (const struct import_format *const *fm = import_formats(); *fm; fm++)
		options_more_line(f, (*fm)->name, (*fm)->what);
}

#define SWITCH .value = OV_NONE
#define TEXT .value = OV_TEXT
#define INT(a, b) .value = OV_INT, .lo = (a), .hi = (b)
#define REAL(a, b) .value = OV_REAL, .lo = (a), .hi = (b)

const struct opt_entry opt_table[] = {
	/* ---- problems ---- */
	{.code = OPT_PROBLEM, .name = "problem", .arg = "TEXT", .where = W_RUN | W_IMPORT, .section = "Problem", TEXT,
	 .help = "the question (the sim reads its own word problems and arithmetic such as "
		 "\"What is (17+25)*3-8?\")",
	 .alt_where = W_IMPORT, .alt_help = "the problem's text, for files that do not record it (llm-reasoners), "
					    "or to replace it"},
	{.code = OPT_PROBLEM_FILE, .name = "problem-file", .arg = "FILE", .where = W_RUN, .section = "Problem", TEXT,
	 .help = "read the question from FILE ('-': stdin)"},
	{.code = OPT_ANSWER, .name = "answer", .arg = "GOLD", .where = W_RUN, .section = "Problem", TEXT,
	 .help = "the gold answer, to grade the result (never used to search)"},
	{.code = OPT_GOLD, .name = "gold", .arg = "ANSWER", .where = W_IMPORT, .section = "Problem", TEXT,
	 .help = "the gold answer, for files without one, or to replace it"},
	{.code = OPT_PROBLEMS, .name = "problems", .arg = "N", .where = W_BENCH, .section = "Problem", INT(1, 1000000),
	 .help = "how many generated problems (default 20)"},
	{.code = OPT_REPEATS, .name = "repeats", .arg = "R", .where = W_BENCH, .section = "Problem", INT(1, 1000),
	 .help = "run it all R times over, with problem seeds N, N+1000003, ... (a data set: R samplings); "
		 "accuracy is given per repeat, and a paired sign test compares the strategies (default 1)"},
	{.code = OPT_DIFFICULTY, .name = "difficulty", .arg = "N", .where = W_SEARCH, .section = "Problem", INT(1, 10),
	 .resume_ok = 0, .help = "1-10, for generated problems (default: drawn from the seed)"},
	{.code = OPT_SEED, .name = "seed", .arg = "N", .where = W_SEARCH, .section = "Problem", INT(0, TRACE_MAX_EXACT),
	 .help = "seeds the problem, the sampling and the sim (default 1)",
	 .alt_where = W_BENCH, .alt_help = "problem i is generated from seed N+i, and --sample draws by it (default 1)"},
	{.code = OPT_TRAPS, .name = "traps", .where = W_BENCH, .section = "Problem", SWITCH,
	 .help = "only generated problems that hold a tempting irrelevant number"},
	{.code = OPT_DATASET, .name = "dataset", .arg = "FILE", .where = W_BENCH | W_GRADE, .section = "Problem", TEXT,
	 .help = "GSM8K, MATH-500, SVAMP or GSM-Hard JSON Lines (for a model server; "
		 "the sim reads only its own problems)"},
	{.code = OPT_FORMAT, .name = "format", .arg = "F", .where = W_BENCH | W_GRADE, .section = "Problem", TEXT,
	 .help = "the data set's format: gsm8k, math500, svamp or gsmhard (default: from "
		 "the fields)"},
	{.code = OPT_OFFSET, .name = "offset", .arg = "N", .where = W_BENCH, .section = "Problem", INT(0, 1e15),
	 .help = "the data set's problems from N on"},
	{.code = OPT_LIMIT, .name = "limit", .arg = "N", .where = W_BENCH, .section = "Problem", INT(0, 1e15),
	 .help = "at most N of them (0: all)"},
	{.code = OPT_SAMPLE, .name = "sample", .arg = "N", .where = W_BENCH, .section = "Problem", INT(0, 1e15),
	 .help = "a random N of those, drawn by --seed"},
	{.code = OPT_PREDICTIONS, .name = "predictions", .arg = "FILE", .where = W_GRADE, .section = "Problem", TEXT,
	 .help = "JSON Lines, one object a problem with the model's text in \"prediction\", \"answer\", "
		 "\"output\", \"response\", \"completion\" or \"text\", matched by \"id\" (or \"unique_id\", "
		 "\"idx\", \"ID\") or else by position; or plain text, one answer a line"},
	{.code = OPT_FROM, .name = "from", .arg = "FORMAT", .where = W_IMPORT, .section = "Input", TEXT,
	 .help = "what FILE is:", .more = more_formats},
	{.code = OPT_INDEX, .name = "index", .arg = "I", .where = W_IMPORT, .section = "Input", INT(0, 1e15),
	 .help = "which record, row or problem of FILE (from 0; default 0)"},

	/* ---- the search ---- */
	{.code = OPT_STRATEGY, .name = "strategy", .arg = "NAME", .where = W_RUN, .section = "Search", TEXT,
	 .help = "the search (default sc):", .more = more_strategies},
	{.code = OPT_STRATEGIES, .name = "strategies", .arg = "LIST", .where = W_BENCH, .section = "Search", TEXT,
	 .help = "comma-separated specs, NAME or NAME:PARAM=VALUE:... (e.g. "
		 "sc:n=16,beam,rebase:width=8; default sc,beam,rebase,mcts)"},
	{.code = OPT_BUDGET, .name = "budget", .arg = "N", .where = W_SEARCH, .section = "Search", TEXT,
	 .help = "stop at N generated tokens; 'N' followed by 'req' stops at N requests (checked before "
		 "each request)",
	 .alt_where = W_BENCH, .alt_help = "generated tokens ('Nreq': requests) per problem and strategy"},
	{.code = OPT_MAX_INFLIGHT, .name = "max-inflight", .arg = "N", .where = W_SEARCH, .section = "Search",
	 INT(1, 1024),
	 .help = "at most N calls at the servers at once, a request split into calls counting each "
		 "(default: no limit but each llama.cpp server's slots)",
	 .alt_where = W_BENCH, .alt_help = "at most N requests of a run at once, as in canopy run (default: no "
					   "limit, but one at a time under a budget, so that it stops within one)"},
	{.code = OPT_JOBS, .name = "jobs", .arg = "N", .where = W_BENCH, .section = "Search", INT(1, 1024),
	 .help = "problems run at once, each on its own thread and servers (default 1)"},

	/* ---- scaling curves ---- */
	{.code = OPT_BUDGETS, .name = "budgets", .arg = "LIST", .where = W_BENCH, .section = "Scaling curves", TEXT,
	 .help = "run each strategy at each budget, in units of one sampled solution's "
		 "generated tokens (e.g. 1,2,4,8,16,32), and draw accuracy against "
		 "generated tokens (log scale)"},
	{.code = OPT_UNIT, .name = "unit", .arg = "N", .where = W_BENCH, .section = "Scaling curves", REAL(1, 1e9),
	 .help = "one unit is N tokens (default: measured, the mean of one sample, "
		 "sc:n=1, on these problems)"},
	{.code = OPT_PLOT, .name = "plot", .arg = "FILE.svg", .where = W_BENCH, .section = "Scaling curves", TEXT,
	 .help = "also write the plot as an SVG file"},
	{.code = OPT_COMPUTE_OPTIMAL, .name = "compute-optimal", .where = W_BENCH, .section = "Scaling curves", SWITCH,
	 .help = "Snell et al.'s compute-optimal selection: bin the problems into 5 by difficulty (by the "
		 "oracle, and as the verifier predicts it), choose the best strategy per bin on half the problems, "
		 "score it on the other half, against each strategy alone"},

	/* ---- the backend ---- */
	{.code = OPT_SRV_BACKEND, .name = "backend", .arg = "NAME", .where = W_SEARCH, .section = "Backend", TEXT,
	 .help = "who reasons:", .more = more_backends},
	{.code = OPT_SIM_LATENCY, .name = "sim-latency", .arg = "MS[,T]", .where = W_SEARCH, .section = "Backend", TEXT,
	 .help = "each sim request takes MS milliseconds plus T per token"},
	{.code = OPT_SIM_ERROR_SCALE, .name = "sim-error-scale", .arg = "X", .where = W_SEARCH, .section = "Backend",
	 REAL(0, SIM_ERROR_SCALE_MAX), .help = "multiply the sim's mistake rates (default 1)"},
	{.code = OPT_SIM_PRM_NOISE, .name = "sim-prm-noise", .arg = "X", .where = W_SEARCH, .section = "Backend",
	 REAL(0, 3), .help = "sd of the simulated PRM's error a step, on the logit scale (default 0.5)"},
	{.code = OPT_SIM_ORM_NOISE, .name = "sim-orm-noise", .arg = "X", .where = W_SEARCH, .section = "Backend",
	 REAL(0, 3), .help = "sd of the simulated ORM's error a solution, on the logit scale (default 0.8)"},
	{.code = OPT_SIM_CRITIC_RECALL, .name = "sim-critic-recall", .arg = "X", .where = W_SEARCH,
	 .section = "Backend", REAL(0, 1), .help = "chance the simulated critic finds an error (default 0.7; less on harder problems)"},
	{.code = OPT_SIM_CRITIC_FALSE, .name = "sim-critic-false", .arg = "X", .where = W_SEARCH, .section = "Backend",
	 REAL(0, 1), .help = "chance it calls a step of a right solution wrong (default 0.15)"},
	{.code = OPT_SIM_ORM_BIAS, .name = "sim-orm-bias", .arg = "X", .where = W_SEARCH, .section = "Backend",
	 REAL(0, 3),
	 .help = "sd of the ORM's error per answer, on the logit scale, shared by every solution that "
		 "reaches it (default 0.6; 0: errors per solution only)"},
	{.code = OPT_SIM_TRAP_SCALE, .name = "sim-trap-scale", .arg = "X", .where = W_SEARCH, .section = "Backend",
	 REAL(0, 3),
	 .help = "multiply the share of generated problems that hold a tempting "
		 "irrelevant number (default 1; 0 none)"},
	{.code = OPT_SRV_URL, .name = "url", .arg = "BASE", .where = W_SEARCH, .section = "Backend", TEXT,
	 .resume_ok = 1,
	 .help = "the server, e.g. http://127.0.0.1:8000 (with or without /v1); give "
		 "several to spread requests over them, least loaded first"},
	{.code = OPT_PROFILE, .name = "profile", .arg = "NAME", .where = W_SEARCH, .section = "Backend", TEXT,
	 .resume_ok = 1, .help = "options from [profile NAME] in $XDG_CONFIG_HOME/canopy/config"},
	{.code = OPT_SRV_MODEL, .name = "model", .arg = "NAME", .where = W_SEARCH, .section = "Backend", TEXT,
	 .help = "the model name the server knows"},
	{.code = OPT_SRV_API, .name = "api", .arg = "chat|completions", .where = W_SEARCH, .section = "Backend", TEXT,
	 .help = "which OpenAI route (default chat); on llama.cpp's /completion, chat applies the model's chat "
		 "template and completions sends raw text"},
	{.code = OPT_SRV_STREAM, .name = "stream", .where = W_SEARCH, .section = "Backend", SWITCH,
	 .help = "stream the replies (SSE, or Ollama's lines)"},
	{.code = OPT_SRV_TIMEOUT, .name = "timeout", .arg = "S", .where = W_SEARCH, .section = "Backend",
	 REAL(0.1, 86400), .resume_ok = 1, .help = "a request's time limit in seconds (default 120)"},
	{.code = OPT_SRV_STALL_TIMEOUT, .name = "stall-timeout", .arg = "S", .where = W_SEARCH, .section = "Backend",
	 REAL(0.1, 86400), .resume_ok = 1, .help = "a stream silent this long is ended and retried (default 30)"},
	{.code = OPT_SRV_RETRIES, .name = "retries", .arg = "N", .where = W_SEARCH, .section = "Backend", INT(0, 100),
	 .resume_ok = 1,
	 .help = "retries of a failed connection, timeout, 408/409/429/5xx (default 4; "
		 "backoff with jitter, Retry-After honoured)"},
	{.code = OPT_SRV_INSECURE, .name = "insecure", .where = W_SEARCH, .section = "Backend", SWITCH, .resume_ok = 1,
	 .help = "do NOT check TLS certificates"},
	{.code = OPT_SRV_MAX_REPLY, .name = "max-reply-bytes", .arg = "N", .where = W_SEARCH, .section = "Backend",
	 INT(1024, 1e10), .resume_ok = 1,
	 .help = "a reply larger than N bytes, whole or streamed, is cut off and that request fails "
		 "(default 8388608: 8 MiB)"},
	{.code = OPT_SRV_KEY_FILE, .name = "api-key-file", .arg = "FILE", .where = W_SEARCH, .section = "Backend",
	 TEXT, .resume_ok = 1,
	 .help = "the API key (mode 0600 only); else $CANOPY_API_KEY or $OPENAI_API_KEY; "
		 "never written anywhere"},
	{.code = OPT_SRV_PRM, .name = "prm", .arg = "KIND", .where = W_SEARCH, .section = "Backend", TEXT,
	 .help = "step scores: sim, judge (a model judging each step; default for "
		 "servers), vllm (a reward model on /pooling), logprob (P(+) of a "
		 "Math-Shepherd-style model), or none"},
	{.code = OPT_SRV_PRM_URL, .name = "prm-url", .arg = "BASE", .where = W_SEARCH, .section = "Backend", TEXT,
	 .help = "the step scorer's server (default: the actor's)"},
	{.code = OPT_SRV_PRM_MODEL, .name = "prm-model", .arg = "NAME", .where = W_SEARCH, .section = "Backend", TEXT,
	 .help = "the step scorer's model (default: the actor's)"},
	{.code = OPT_SRV_PRM_BACKEND, .name = "prm-backend", .arg = "NAME", .where = W_SEARCH, .section = "Backend",
	 TEXT,
	 .help = "how the step scorer's own --prm-url is spoken to: openai (the default), llamacpp or ollama "
		 "(without --prm-url: the actor's)"},
	{.code = OPT_SRV_ORM, .name = "orm", .arg = "KIND", .where = W_SEARCH, .section = "Backend", TEXT,
	 .help = "outcome scores, the same kinds (default: from the step scorer)"},
	{.code = OPT_SRV_ORM_URL, .name = "orm-url", .arg = "BASE", .where = W_SEARCH, .section = "Backend", TEXT,
	 .help = "the outcome scorer's server"},
	{.code = OPT_SRV_ORM_MODEL, .name = "orm-model", .arg = "NAME", .where = W_SEARCH, .section = "Backend", TEXT,
	 .help = "the outcome scorer's model"},
	{.code = OPT_SRV_ORM_BACKEND, .name = "orm-backend", .arg = "NAME", .where = W_SEARCH, .section = "Backend",
	 TEXT, .help = "how --orm-url is spoken to, as --prm-backend"},
	{.code = OPT_SRV_CRITIC_URL, .name = "critic-url", .arg = "BASE", .where = W_SEARCH, .section = "Backend",
	 TEXT, .help = "who critiques, reviews and judges (critique, magicore, filter)"},
	{.code = OPT_SRV_CRITIC_MODEL, .name = "critic-model", .arg = "NAME", .where = W_SEARCH, .section = "Backend",
	 TEXT, .help = "the critic's model (default: the actor's)"},
	{.code = OPT_SRV_CRITIC_BACKEND, .name = "critic-backend", .arg = "NAME", .where = W_SEARCH,
	 .section = "Backend", TEXT, .help = "how --critic-url is spoken to (default: as the actor)"},
	{.code = OPT_SRV_DISC_URL, .name = "disc-url", .arg = "BASE", .where = W_SEARCH, .section = "Backend", TEXT,
	 .help = "rStar's discriminator (default: the actor)"},
	{.code = OPT_SRV_DISC_MODEL, .name = "disc-model", .arg = "NAME", .where = W_SEARCH, .section = "Backend",
	 TEXT, .help = "the discriminator's model"},
	{.code = OPT_SRV_DISC_BACKEND, .name = "disc-backend", .arg = "NAME", .where = W_SEARCH, .section = "Backend",
	 TEXT, .help = "how --disc-url is spoken to (default: as the actor)"},
	{.code = OPT_SRV_PROMPTS, .name = "prompts", .arg = "DIR", .where = W_SEARCH | W_PROMPTS, .section = "Backend",
	 TEXT,
	 .help = "prompt templates found in DIR win over those in "
		 "$XDG_CONFIG_HOME/canopy/prompts and the installed ones"},

	/* ---- output ---- */
	{.code = OPT_TRACE, .name = "trace", .arg = "FILE", .where = W_RUN, .section = "Output", TEXT,
	 .help = "journal to FILE (default: a new file under "
		 "$XDG_STATE_HOME/canopy/traces/, printed on stderr)"},
	{.code = OPT_UI, .name = "ui", .where = W_RUN, .section = "Output", SWITCH, .resume_ok = 1,
	 .help = "watch and steer the search in the terminal UI"},
	{.code = OPT_THEME, .name = "theme", .arg = "NAME", .where = W_RUN | W_REPLAY, .section = "Output", TEXT,
	 .resume_ok = 1,
	 .help = "the UI's colours: default, light, mono, high-contrast, forest, or a "
		 "file in $XDG_CONFIG_HOME/canopy/themes"},
	{.code = OPT_PAUSED, .name = "paused", .where = W_RUN, .section = "Output", SWITCH, .resume_ok = 1,
	 .help = "start the UI paused (space runs, s steps)"},
	{.code = OPT_RESUME, .name = "resume", .arg = "TRACE", .where = W_RUN, .section = "Output", TEXT,
	 .resume_ok = 1,
	 .help = "go on with an interrupted run: re-execute what its journal holds from "
		 "TRACE.replies, asking nothing finished again, then carry on and append "
		 "(the server may be given anew with --url, --api-key-file ...)"},
	{.code = OPT_CSV, .name = "csv", .arg = "FILE", .where = W_BENCH | W_GRADE, .section = "Output", TEXT,
	 .help = "also write one row per problem and strategy",
	 .alt_where = W_GRADE, .alt_help = "one row a problem: id, gold, predicted, correct"},
	{.code = OPT_OUT, .name = "out", .arg = "DIR", .where = W_BENCH, .section = "Output", TEXT,
	 .help = "journal every run to DIR/PROBLEM.STRATEGY.jsonl"},
	{.code = OPT_BENCH_RESUME, .name = "resume", .where = W_BENCH, .section = "Output", SWITCH,
	 .help = "with --out: keep the runs DIR has finished, resume the ones it has "
		 "started (canopy run --resume), run the rest"},
	{.code = 'f', .name = "format", .letter = 'f', .arg = "F", .where = W_EXPORT, .section = "Output", TEXT,
	 .help = "json, dot, svg, md or csv"},
	{.code = 'o', .name = "output", .letter = 'o', .arg = "FILE", .where = W_EXPORT | W_IMPORT,
	 .section = "Output", TEXT, .help = "where to write the export (default: stdout)",
	 .alt_where = W_IMPORT, .alt_help = "where to write the trace"},
	{.code = 'v', .name = "show", .letter = 'v', .where = W_RUN, .section = "Output", SWITCH, .resume_ok = 1,
	 .help = "print the search as it grows (nodes, scores, votes)"},
	{.code = 'v', .name = "verbose", .letter = 'v', .where = W_GRADE, .section = "Output", SWITCH,
	 .help = "list every problem graded wrong"},
	{.code = 'q', .name = "quiet", .letter = 'q', .where = W_RUN | W_CHECK, .section = "Output", SWITCH,
	 .resume_ok = 1, .help = "print nothing but the answer",
	 .alt_where = W_CHECK, .alt_help = "print only problems"},
	{.code = 'h', .name = "help", .letter = 'h', .where = ~0u, .section = "Output", SWITCH, .resume_ok = 1,
	 .help = "this help"},
	{.code = 0},
};

/* The search parameters, as entries of their own: run takes each as a flag. */
static struct opt_entry param_entry(enum param_id id)
{
	struct param_range r = param_range(id);
	struct opt_entry e = {
		.code = OPT_PARAM + (int)id,
		.name = param_name(id),
		.arg = param_choices(id) ? param_choices(id) : r.whole ? "N" : "X",
		.where = W_RUN,
		.section = "Search",
		.value = param_choices(id) ? OV_TEXT : r.whole ? OV_INT : OV_REAL,
		.lo = r.lo,
		.hi = r.hi,
		.help = param_help(id),
	};
	return e;
}

const struct opt_entry *options_find(int code, unsigned where)
{
	static _Thread_local struct opt_entry param;
	if (code >= OPT_PARAM && code < OPT_PARAM + P_COUNT && (where & W_RUN)) {
		param = param_entry((enum param_id)(code - OPT_PARAM));
		return &param;
	}
	for (const struct opt_entry *e = opt_table; e->code; e++)
		if (e->code == code && (e->where & where))
			return e;
	return NULL;
}

struct option *options_getopt(unsigned where, char *shorts, size_t shortslen)
{
	size_t n = P_COUNT + 1;
	for (const struct opt_entry *e = opt_table; e->code; e++)
		n++;
	struct option *o = xcalloc(n, sizeof *o);
	size_t k = 0, s = 0;
	if (shortslen)
		shorts[s++] = ':'; /* a missing value is ':' not '?' */
	for (const struct opt_entry *e = opt_table; e->code; e++) {
		if (!(e->where & where))
			continue;
		o[k++] = (struct option){e->name, e->arg ? required_argument : no_argument, NULL, e->code};
		if (e->letter && s + 3 < shortslen) {
			shorts[s++] = e->letter;
			if (e->arg)
				shorts[s++] = ':';
		}
	}
	if (where & W_RUN)
		for (int p = 0; p < P_COUNT; p++)
			o[k++] = (struct option){param_name((enum param_id)p), required_argument, NULL, OPT_PARAM + p};
	if (shortslen)
		shorts[s] = '\0';
	return o;
}

/* "  -v, --show" or "  --seed N", padded to the help column (or on a
 * line of its own when longer). */
static void flag_column(FILE *f, const struct opt_entry *e)
{
	char flag[96];
	int n;
	if (e->letter)
		n = snprintf(flag, sizeof flag, "  -%c, --%s%s%s", e->letter, e->name, e->arg ? " " : "",
			     e->arg ? e->arg : "");
	else
		n = snprintf(flag, sizeof flag, "  --%s%s%s", e->name, e->arg ? " " : "", e->arg ? e->arg : "");
	if (n > HELP_COL - 2)
		fprintf(f, "%s\n%-*s", flag, HELP_COL, "");
	else
		fprintf(f, "%-*s", HELP_COL, flag);
}

static void print_entry(FILE *f, const struct opt_entry *e, unsigned where)
{
	flag_column(f, e);
	wrap(f, e->alt_help && (e->alt_where & where) ? e->alt_help : e->help, HELP_COL);
	if (e->more)
		e->more(f);
}

void options_help(FILE *f, unsigned where)
{
	/* sections in the order the table first names them */
	const char *done[16];
	size_t ndone = 0;
	for (const struct opt_entry *s = opt_table; s->code; s++) {
		if (!(s->where & where) || s->code == 'h')
			continue;
		size_t i = 0;
		while (i < ndone && strcmp(done[i], s->section))
			i++;
		if (i < ndone)
			continue;
		done[ndone++] = s->section;
		fprintf(f, "\n%s:\n", s->section);
		for (const struct opt_entry *e = s; e->code; e++) {
			if (!(e->where & where) || strcmp(e->section, s->section) || e->code == 'h')
				continue;
			print_entry(f, e, where);
			if (e->code == OPT_STRATEGY && (where & W_RUN))
				for (int p = 0; p < P_COUNT; p++) {
					struct opt_entry pe = param_entry((enum param_id)p);
					print_entry(f, &pe, where);
				}
		}
	}
	fprintf(f, "  %-*s%s\n", HELP_COL - 2, "-h, --help", "this help");
}

static void range_text(char *buf, size_t len, double v)
{
	if (v == TRACE_MAX_EXACT)
		snprintf(buf, len, "2^53");
	else
		snprintf(buf, len, "%.15g", v);
}

int parse_real(const char *s, double lo, double hi, double *out)
{
	char *e;
	errno = 0;
	double v = strtod(s, &e);
	if (e == s || *e || errno || !isfinite(v) || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int options_number(int code, unsigned where, const char *arg, double *out, char *err, size_t errlen)
{
	const struct opt_entry *e = options_find(code, where);
	if (!e || (e->value != OV_INT && e->value != OV_REAL)) {
		snprintf(err, errlen, "internal: option %d is not a number", code);
		return -1;
	}
	double v;
	int whole = e->value == OV_INT;
	if (parse_real(arg, e->lo, e->hi, &v) || (whole && v != floor(v))) {
		char lo[32], hi[32];
		range_text(lo, sizeof lo, e->lo);
		range_text(hi, sizeof hi, e->hi);
		snprintf(err, errlen, "--%s takes %s from %s to %s, not '%s'", e->name,
			 whole ? "a whole number" : "a number", lo, hi, arg);
		return -1;
	}
	*out = v;
	return 0;
}

void options_list(FILE *f, unsigned where)
{
	for (const struct opt_entry *e = opt_table; e->code; e++)
		if (e->where & where)
			fprintf(f, "--%s%s%s\n", e->name, e->arg ? " " : "", e->arg ? e->arg : "");
	if (where & W_RUN)
		for (int p = 0; p < P_COUNT; p++) {
			struct opt_entry pe = param_entry((enum param_id)p);
			fprintf(f, "--%s %s\n", pe.name, pe.arg);
		}
}
