/* options: every command-line option of every subcommand in one table
 * (as tmux's cmd_entry tables): its flag, its argument, which subcommands
 * take it, its range, and its help.  The table makes getopt_long's
 * arrays, each --help, the numeric checks (so an option accepts the same
 * range wherever it is given) and `canopy help options`, against which
 * the docs test holds canopy(1) and README.md. */
#ifndef CANOPY_OPTIONS_H
#define CANOPY_OPTIONS_H

#include <getopt.h>
#include <stdio.h>

#include "params.h"

/* Which subcommands take an option. */
enum opt_where {
	W_RUN = 1 << 0, /* canopy run, and the UI on a live search */
	W_BENCH = 1 << 1,
	W_CHECK = 1 << 2,
	W_EXPORT = 1 << 3,
	W_GRADE = 1 << 4,
	W_IMPORT = 1 << 5,
	W_REPLAY = 1 << 6,
	W_PROMPTS = 1 << 7,
	W_SEARCH = W_RUN | W_BENCH,
};

/* getopt_long's codes.  A one-letter option's code is its letter. */
enum opt_code {
	OPT_SRV_BACKEND = 800,
	OPT_SRV_URL,
	OPT_SRV_MODEL,
	OPT_SRV_API,
	OPT_SRV_STREAM,
	OPT_SRV_TIMEOUT,
	OPT_SRV_STALL_TIMEOUT,
	OPT_SRV_RETRIES,
	OPT_SRV_INSECURE,
	OPT_SRV_KEY_FILE,
	OPT_SRV_PRM,
	OPT_SRV_PRM_URL,
	OPT_SRV_PRM_MODEL,
	OPT_SRV_ORM,
	OPT_SRV_ORM_URL,
	OPT_SRV_ORM_MODEL,
	OPT_SRV_CRITIC_URL,
	OPT_SRV_CRITIC_MODEL,
	OPT_SRV_DISC_URL,
	OPT_SRV_DISC_MODEL,
	OPT_SRV_PRM_BACKEND,
	OPT_SRV_ORM_BACKEND,
	OPT_SRV_CRITIC_BACKEND,
	OPT_SRV_DISC_BACKEND,
	OPT_SRV_PROMPTS,
	OPT_SRV_MAX_REPLY,
	OPT_SRV_LAST,
	OPT_SIM_LATENCY = 900,
	OPT_SIM_ERROR_SCALE,
	OPT_SIM_PRM_NOISE,
	OPT_SIM_ORM_NOISE,
	OPT_SIM_CRITIC_RECALL,
	OPT_SIM_CRITIC_FALSE,
	OPT_SIM_ORM_BIAS,
	OPT_SIM_TRAP_SCALE,
	OPT_SIM_LAST,
	OPT_STRATEGY = 1000,
	OPT_PROBLEM,
	OPT_PROBLEM_FILE,
	OPT_ANSWER,
	OPT_DIFFICULTY,
	OPT_SEED,
	OPT_BUDGET,
	OPT_MAX_INFLIGHT,
	OPT_JOBS,
	OPT_TRACE,
	OPT_UI,
	OPT_PROFILE,
	OPT_THEME,
	OPT_PAUSED,
	OPT_RESUME,
	OPT_PROBLEMS,
	OPT_REPEATS,
	OPT_TRAPS,
	OPT_STRATEGIES,
	OPT_CSV,
	OPT_DATASET,
	OPT_FORMAT,
	OPT_LIMIT,
	OPT_OFFSET,
	OPT_SAMPLE,
	OPT_OUT,
	OPT_BENCH_RESUME,
	OPT_BUDGETS,
	OPT_UNIT,
	OPT_PLOT,
	OPT_COMPUTE_OPTIMAL,
	OPT_PREDICTIONS,
	OPT_FROM,
	OPT_INDEX,
	OPT_GOLD,
	OPT_PROMPTS_DIR,
	OPT_PARAM = 1100, /* OPT_PARAM + a search parameter's id */
};

enum opt_value {
	OV_NONE, /* a switch */
	OV_TEXT,
	OV_INT,  /* a whole number in [lo, hi] */
	OV_REAL, /* a number in [lo, hi] */
};

struct opt_entry {
	int code;
	const char *name;  /* --name */
	char letter;       /* -l too, or 0 */
	const char *arg;   /* the argument as help shows it; NULL for a switch */
	unsigned where;
	const char *section;
	enum opt_value value;
	double lo, hi;
	int resume_ok;     /* run: may be given with --resume (it does not shape the search) */
	const char *help;  /* wrapped to fit 80 columns */
	unsigned alt_where; /* these subcommands say it with alt_help instead */
	const char *alt_help;
	void (*more)(FILE *f); /* further lines (the strategies, the backends ...) */
};

extern const struct opt_entry opt_table[];

/* The table's entry for code as subcommand where takes it, or NULL.  The
 * search parameters (OPT_PARAM + id) come from params' table. */
const struct opt_entry *options_find(int code, unsigned where);
/* getopt_long's array for where (freed by the caller), and its short
 * option string (":vqh" ...) in shorts. */
struct option *options_getopt(unsigned where, char *shorts, size_t shortslen);
/* The help's option lines for where, under their section headings. */
void options_help(FILE *f, unsigned where);
/* Checks arg against code's type and range; 0, or -1 with "--name takes
 * a whole number from LO to HI, not 'ARG'" in err. */
int options_number(int code, unsigned where, const char *arg, double *out, char *err, size_t errlen);
/* s as a finite number in [lo, hi]: 0, or -1 (nothing else after it). */
int parse_real(const char *s, double lo, double hi, double *out);
/* Every option of where, one a line: "--name ARG" (for canopy help options). */
void options_list(FILE *f, unsigned where);
/* A "more" line: NAME in a narrow column, then TEXT wrapped under it. */
void options_more_line(FILE *f, const char *name, const char *text);

#endif
