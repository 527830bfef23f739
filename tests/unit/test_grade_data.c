/* The grader on the real data sets in ../shared/data (skipped when they
 * are not there): every gold solution of GSM8K and MATH-500, read as a
 * model's output, grades correct; every gold answer stated the ways
 * models state it grades correct; every gold answer graded against
 * another problem's (a different string) grades wrong; each exception is
 * listed with its reason.  The loaders read every line of all four sets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "dataset.h"
#include "tap.h"

static int load(const char *dir, const char *file, struct dataset *ds, enum ds_format want, size_t lines)
{
	char path[700], err[800];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	if (dataset_load(path, DS_AUTO, ds, err, sizeof err)) {
		ok(0, "%s loads: %s", file, err);
		return -1;
	}
	ok(ds->format == want && ds->n == lines, "%s: %zu problems, format %s", file, ds->n,
	   dataset_format_name(ds->format));
	return 0;
}

/* Gold solutions, read as outputs, grade as their gold answers. */
static void self_grade(const struct dataset *ds, const char *name)
{
	size_t bad = 0, with = 0;
	for (size_t i = 0; i < ds->n; i++) {
		const struct ds_item *it = &ds->v[i];
		if (!it->solution)
			continue;
		with++;
		char *a = answer_extract(it->solution, strlen(it->solution));
		if (!answer_equal(a, it->gold)) {
			bad++;
			printf("#   %s %s: the solution's answer \"%s\" is not the gold \"%s\"\n", name, it->id,
			       a ? a : "(none found)", it->gold);
		}
		free(a);
	}
	ok(with == ds->n && bad == 0, "%s: all %zu gold solutions grade correct (%zu exceptions)", name, with, bad);
}

/* Gold answers in the shapes models write them. */
static void stated(const struct dataset *ds, const char *name)
{
	static const char *const forms[] = {"The answer is $%s$.", "So the answer is %s.\n",
					    "Therefore \\boxed{%s}", "\\boxed{ %s }.\n", "#### %s\n"};
	for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
		size_t bad = 0;
		for (size_t i = 0; i < ds->n; i++) {
			char text[8192];
			snprintf(text, sizeof text, forms[f], ds->v[i].gold);
			char *a = answer_extract(text, strlen(text));
			if (!answer_equal(a, ds->v[i].gold)) {
				bad++;
				printf("#   %s %s: \"%s\" read as \"%s\"\n", name, ds->v[i].id, text, a ? a : "(none)");
			}
			free(a);
		}
		char what[64];
		snprintf(what, sizeof what, forms[f], "X");
		for (char *p = what; *p; p++)
			if (*p == '\n')
				*p = ' ';
		ok(!bad, "%s: every gold answer written as '%s' grades correct (%zu exceptions)", name, what, bad);
	}
}

/* Each gold answer against the next problem's, when the two differ. */
static void paired(const struct dataset *ds, const char *name)
{
	size_t pairs = 0, bad = 0;
	for (size_t i = 0; i < ds->n; i++) {
		const char *a = ds->v[i].gold, *b = ds->v[(i + 1) % ds->n].gold;
		if (!strcmp(a, b))
			continue;
		pairs++;
		if (answer_equal(a, b)) {
			bad++;
			printf("#   %s: \"%s\" (%s) graded equal to \"%s\"\n", name, a, ds->v[i].id, b);
		}
	}
	ok(pairs > ds->n / 2 && !bad, "%s: %zu gold answers against another problem's grade wrong (%zu exceptions)",
	   name, pairs, bad);
}

int main(void)
{
	const char *dir = getenv("SHARED_DATA");
	char probe[700];
	snprintf(probe, sizeof probe, "%s/gsm8k_test.jsonl", dir ? dir : "");
	FILE *f = dir ? fopen(probe, "r") : NULL;
	if (!f) {
		tap_skip("../shared/data is not here");
		return tap_done();
	}
	fclose(f);
	struct dataset gsm, math, svamp, hard;
	if (!load(dir, "gsm8k_test.jsonl", &gsm, DS_GSM8K, 1319)) {
		self_grade(&gsm, "GSM8K");
		stated(&gsm, "GSM8K");
		paired(&gsm, "GSM8K");
		dataset_free(&gsm);
	}
	if (!load(dir, "math500_test.jsonl", &math, DS_MATH500, 500)) {
		self_grade(&math, "MATH-500");
		stated(&math, "MATH-500");
		paired(&math, "MATH-500");
		dataset_free(&math);
	}
	if (!load(dir, "svamp_test.jsonl", &svamp, DS_SVAMP, 1000)) {
		stated(&svamp, "SVAMP");
		paired(&svamp, "SVAMP");
		ok(!strcmp(svamp.v[0].gold, "145") && strstr(svamp.v[0].problem, "93 groups. How big"),
		   "SVAMP: the float 145.0 is \"145\"; body and question joined with a full stop");
		dataset_free(&svamp);
	}
	if (!load(dir, "gsm_hard_test.jsonl", &hard, DS_GSMHARD, 1319)) {
		stated(&hard, "GSM-Hard");
		paired(&hard, "GSM-Hard");
		/* a non-integer target compares within the tolerance */
		size_t frac = 0, near = 0;
		for (size_t i = 0; i < hard.n; i++) {
			double v;
			if (!strchr(hard.v[i].gold, '.') || !answer_number(hard.v[i].gold, &v))
				continue;
			frac++;
			char r[64];
			snprintf(r, sizeof r, "%.10g", v);
			near += answer_equal(r, hard.v[i].gold);
		}
		ok(frac > 0 && near == frac, "GSM-Hard: %zu non-integer targets match when rounded to 10 digits", frac);
		dataset_free(&hard);
	}
	return tap_done();
}
