/* canopy grade: a file of answers made elsewhere, graded against a data
 * set's gold answers with the same rules canopy's own runs use. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "cmd.h"
#include "options.h"
#include "cmd_common.h"
#include "dataset.h"
#include "util.h"

void usage_grade(FILE *f)
{
	fprintf(f,
		"usage: canopy grade --dataset FILE --predictions FILE [--format F]\n"
		"                    [--csv FILE] [-v]\n"
		"\n"
		"Grades answers made elsewhere against a data set's gold answers, by the\n"
		"rules canopy's runs use (boxed, \"####\" or \"The answer is\" extracted;\n"
		"numbers, fractions, percentages and tuples compared as such).\n");
	options_help(f, W_GRADE);
	fprintf(f, "\nExit status: 0 graded, 1 a file is unreadable or malformed, 2 bad usage.\n");
}

struct pred {
	char *id;   /* NULL: by position */
	char *text;
	size_t line;
};

static const char *const text_keys[] = {"prediction", "answer", "output", "response", "completion",
					"model_output", "text", NULL};
static const char *const id_keys[] = {"id", "unique_id", "idx", "ID", NULL};

static int load_predictions(const char *path, struct pred **out, size_t *n, char *err, size_t errlen)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	char *line = NULL;
	size_t cap = 0, lineno = 0, pc = 0;
	ssize_t len;
	int rc = 0;
	*out = NULL;
	*n = 0;
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		size_t l = (size_t)len;
		while (l && (line[l - 1] == '\n' || line[l - 1] == '\r'))
			l--;
		if (*n == pc) {
			pc = pc ? pc * 2 : 256;
			*out = xrealloc(*out, pc * sizeof **out);
		}
		struct pred *p = &(*out)[*n];
		memset(p, 0, sizeof *p);
		p->line = lineno;
		if (l && line[0] == '{') {
			cJSON *o = cJSON_ParseWithLength(line, l);
			const char *t = NULL;
			for (size_t k = 0; o && text_keys[k] && !t; k++) {
				const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, text_keys[k]);
				if (cJSON_IsString(v))
					t = v->valuestring;
				else if (cJSON_IsNumber(v)) {
					char buf[64];
					snprintf(buf, sizeof buf, "%.15g", v->valuedouble);
					p->text = xstrdup(buf);
					t = p->text;
				}
			}
			if (!o || !t) {
				snprintf(err, errlen, "%s:%zu: %s", path, lineno,
					 o ? "no answer in it (\"prediction\", \"answer\", \"output\" ...)"
					   : "not a JSON object");
				cJSON_Delete(o);
				rc = -1;
				break;
			}
			if (!p->text)
				p->text = xstrdup(t);
			for (size_t k = 0; id_keys[k] && !p->id; k++) {
				const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, id_keys[k]);
				char buf[64];
				if (cJSON_IsString(v))
					p->id = xstrdup(v->valuestring);
				else if (cJSON_IsNumber(v)) {
					snprintf(buf, sizeof buf, "%.0f", v->valuedouble);
					p->id = xstrdup(buf);
				}
			}
			cJSON_Delete(o);
		} else {
			p->text = xstrndup(line, l);
		}
		(*n)++;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return rc;
}

/* The answer a prediction states: extracted when it says it as a model
 * would, else the whole text. */
static char *predicted_answer(const char *text)
{
	char *a = answer_extract(text, strlen(text));
	return a ? a : xstrdup(text);
}

int cmd_grade(int argc, char **argv)
{
	char shorts[16];
	struct option *opts = options_getopt(W_GRADE, shorts, sizeof shorts);
	const char *data = NULL, *preds = NULL, *csv = NULL;
	enum ds_format fmt = DS_AUTO;
	int verbose = 0, c, bad = 0;
	optind = 1;
	opterr = 0;
	while (!bad && (c = getopt_long(argc, argv, shorts, opts, NULL)) != -1) {
		switch (c) {
		case OPT_DATASET: data = optarg; break;
		case OPT_PREDICTIONS: preds = optarg; break;
		case OPT_CSV: csv = optarg; break;
		case 'v': verbose = 1; break;
		case OPT_FORMAT:
			if (dataset_format_parse(optarg, &fmt)) {
				say(stderr, "canopy grade: --format takes gsm8k, math500, svamp or gsmhard, not '%s'\n",
					optarg);
				bad = 1;
			}
			break;
		case 'h': usage_grade(stdout); free(opts); return EXIT_OK;
		case ':':
			say(stderr, "canopy grade: this option needs a value: %s\n", argv[optind - 1]);
			bad = 1;
			break;
		default:
			say(stderr, "canopy grade: unknown option: %s (try canopy grade --help)\n", argv[optind - 1]);
			bad = 1;
			break;
		}
	}
	free(opts);
	if (bad)
		return EXIT_USAGE;
	if (!data || !preds || optind < argc) {
		fprintf(stderr, "canopy grade: give --dataset FILE and --predictions FILE (try canopy grade --help)\n");
		return EXIT_USAGE;
	}
	char err[700];
	struct dataset ds;
	if (dataset_load(data, fmt, &ds, err, sizeof err)) {
		say(stderr, "canopy grade: %s\n", err);
		return EXIT_FAILED;
	}
	struct pred *p = NULL;
	size_t np = 0;
	if (load_predictions(preds, &p, &np, err, sizeof err)) {
		say(stderr, "canopy grade: %s\n", err);
		dataset_free(&ds);
		return EXIT_FAILED;
	}
	int status = EXIT_OK;
	/* by id when the predictions carry ids, else by position */
	char **given = xcalloc(ds.n ? ds.n : 1, sizeof *given);
	for (size_t i = 0; i < np; i++) {
		size_t at = i;
		if (p[i].id) {
			at = ds.n;
			for (size_t k = 0; k < ds.n; k++)
				if (!strcmp(ds.v[k].id, p[i].id)) {
					at = k;
					break;
				}
			if (at == ds.n) {
				say(stderr, "canopy grade: %s:%zu: no problem \"%s\" in %s\n", preds, p[i].line, p[i].id,
					data);
				status = EXIT_FAILED;
				break;
			}
		} else if (at >= ds.n) {
			say(stderr, "canopy grade: %s:%zu: more answers than %s has problems (%zu)\n", preds,
				p[i].line, data, ds.n);
			status = EXIT_FAILED;
			break;
		}
		given[at] = p[i].text;
	}
	FILE *cf = NULL;
	if (status == EXIT_OK && csv && !(cf = fopen(csv, "w"))) {
		say(stderr, "canopy grade: %s: %s\n", csv, strerror(errno));
		status = EXIT_FAILED;
	}
	if (status == EXIT_OK) {
		unsigned correct = 0, answered = 0;
		if (cf)
			fprintf(cf, "id,gold,predicted,correct\n");
		for (size_t i = 0; i < ds.n; i++) {
			char *a = given[i] ? predicted_answer(given[i]) : NULL;
			int ok = a && answer_equal(a, ds.v[i].gold);
			correct += ok;
			answered += a != NULL;
			if (verbose && !ok)
				say(stdout, "%s: %s, gold %s\n", ds.v[i].id, a ? a : "no answer", ds.v[i].gold);
			if (cf) {
				csv_field(cf, ds.v[i].id);
				fputc(',', cf);
				csv_field(cf, ds.v[i].gold);
				fputc(',', cf);
				csv_field(cf, a ? a : "");
				fprintf(cf, ",%d\n", ok);
			}
			free(a);
		}
		double lo, hi;
		wilson_interval(correct, (unsigned)ds.n, &lo, &hi);
		say(stdout, "%s: %u of %zu correct, accuracy %.3f [%.3f, %.3f] (%zu answered)\n", data, correct, ds.n,
		       ds.n ? (double)correct / (double)ds.n : 0.0, lo, hi, (size_t)answered);
		if (cf && fclose(cf)) {
			say(stderr, "canopy grade: %s: %s\n", csv, strerror(errno));
			status = EXIT_FAILED;
		}
	} else if (cf) {
		fclose(cf);
	}
	free(given);
	for (size_t i = 0; i < np; i++) {
		free(p[i].id);
		free(p[i].text);
	}
	free(p);
	dataset_free(&ds);
	return status;
}
