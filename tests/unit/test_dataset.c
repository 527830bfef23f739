/* dataset: each format read from lines written by hand, told apart by its
 * fields; every malformed line named with FILE:LINE; selection by offset,
 * limit and a seeded sample. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dataset.h"
#include "tap.h"
#include "util.h"

static char path[] = "/tmp/canopy-ds-XXXXXX";

static void write_lines(const char *text)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static int load_err(const char *text, enum ds_format fmt, const char *want, const char *what)
{
	write_lines(text);
	struct dataset ds;
	char err[600] = "";
	int rc = dataset_load(path, fmt, &ds, err, sizeof err);
	char full[700];
	snprintf(full, sizeof full, "%s%s", path, want);
	ok(rc == -1 && !strcmp(err, full), "%s: %s", what, err);
	if (!rc)
		dataset_free(&ds);
	return rc;
}

int main(void)
{
	int fd = mkstemp(path);
	close(fd);
	struct dataset ds;
	char err[600];

	write_lines("{\"question\": \"Tom has 3 apples.\", \"answer\": \"3 + 0 = <<3+0=3>>3\\n#### 3\"}\n"
		    "\n"
		    "{\"question\": \"Ann has 1,200.\", \"answer\": \"x\\n#### 1,200\"}\n");
	ok(dataset_load(path, DS_AUTO, &ds, err, sizeof err) == 0, "GSM8K lines load: %s", err);
	ok(ds.format == DS_GSM8K && ds.n == 2, "told apart as GSM8K, a blank line skipped");
	is_str(ds.v[1].gold, "1,200", "the gold answer is what follows ####");
	is_str(ds.v[1].id, "3", "an item without an id is known by its line");
	ok(ds.v[0].solution && strstr(ds.v[0].solution, "<<3+0=3>>"), "the worked solution is kept");
	dataset_free(&ds);

	write_lines("{\"problem\": \"What is $1+1$?\", \"solution\": \"\\\\boxed{2}\", \"answer\": \"2\", "
		    "\"unique_id\": \"test/a/1.json\"}\n");
	ok(dataset_load(path, DS_AUTO, &ds, err, sizeof err) == 0 && ds.format == DS_MATH500 &&
		   !strcmp(ds.v[0].id, "test/a/1.json") && !strcmp(ds.v[0].gold, "2"),
	   "MATH-500: problem, answer and unique_id");
	dataset_free(&ds);

	write_lines("{\"Body\": \"Sam has 5 cars\", \"Question\": \"How many now?\", \"Answer\": 7.0, \"ID\": \"c-1\"}\n"
		    "{\"Body\": \"Ann has 2.\", \"Question\": \"Half?\", \"Answer\": 2.5, \"ID\": \"c-2\"}\n");
	ok(dataset_load(path, DS_AUTO, &ds, err, sizeof err) == 0 && ds.format == DS_SVAMP, "SVAMP loads");
	is_str(ds.v[0].problem, "Sam has 5 cars. How many now?", "body and question joined with a full stop");
	is_str(ds.v[1].problem, "Ann has 2. Half?", "but not a second one");
	is_str(ds.v[0].gold, "7", "7.0 is 7");
	is_str(ds.v[1].gold, "2.5", "2.5 stays 2.5");
	dataset_free(&ds);

	write_lines("{\"input\": \"How much?\", \"code\": \"...\", \"target\": 5466.666666666667, \"idx\": 4}\n");
	ok(dataset_load(path, DS_AUTO, &ds, err, sizeof err) == 0 && ds.format == DS_GSMHARD &&
		   !strcmp(ds.v[0].id, "4") && !strcmp(ds.v[0].gold, "5466.66666666667"),
	   "GSM-Hard: a float target to 15 digits, idx as the id (%s)", ds.n ? ds.v[0].gold : "");
	dataset_free(&ds);

	load_err("{\"question\": \"q\", \"answer\": \"a\\n#### 1\"}\nnot json\n", DS_AUTO, ":2: not a JSON object",
		 "a line that is not JSON");
	load_err("{\"question\": \"q\", \"answer\": \"no marker\"}\n", DS_AUTO,
		 ":1: expected \"question\" and \"answer\" strings, the answer ending in \"#### N\" (GSM8K)",
		 "a GSM8K answer without ####");
	load_err("{\"foo\": 1}\n", DS_AUTO,
		 ":1: not a data set canopy knows (GSM8K, MATH-500, SVAMP, GSM-Hard); give --format",
		 "an unknown shape");
	load_err("{\"problem\": \"p\", \"answer\": \"1\"}\n", DS_SVAMP,
		 ":1: expected \"Body\" and \"Question\" strings and a number \"Answer\" (SVAMP)",
		 "--format svamp on another shape");
	load_err("", DS_AUTO, ": no problems in it", "an empty file");

	/* selection */
	struct strbuf sb;
	sb_init(&sb);
	for (int i = 0; i < 20; i++)
		sb_printf(&sb, "{\"input\": \"q%d\", \"target\": %d, \"idx\": %d}\n", i, i, i);
	write_lines(sb.s);
	sb_free(&sb);
	dataset_load(path, DS_AUTO, &ds, err, sizeof err);
	dataset_select(&ds, 5, 10, 0, 0);
	ok(ds.n == 10 && !strcmp(ds.v[0].id, "5") && !strcmp(ds.v[9].id, "14"), "--offset 5 --limit 10: items 5..14");
	dataset_free(&ds);
	dataset_load(path, DS_AUTO, &ds, err, sizeof err);
	dataset_select(&ds, 0, 0, 4, 7);
	char a[64] = "";
	for (size_t i = 0; i < ds.n; i++)
		snprintf(a + strlen(a), sizeof a - strlen(a), "%s,", ds.v[i].id);
	int ordered = 1;
	for (size_t i = 1; i < ds.n; i++)
		ordered &= atoi(ds.v[i].id) > atoi(ds.v[i - 1].id);
	ok(ds.n == 4 && ordered, "--sample 4: four, in the set's order (%s)", a);
	dataset_free(&ds);
	dataset_load(path, DS_AUTO, &ds, err, sizeof err);
	dataset_select(&ds, 0, 0, 4, 7);
	char b[64] = "";
	for (size_t i = 0; i < ds.n; i++)
		snprintf(b + strlen(b), sizeof b - strlen(b), "%s,", ds.v[i].id);
	is_str(b, a, "the same seed, the same sample");
	dataset_free(&ds);
	dataset_load(path, DS_AUTO, &ds, err, sizeof err);
	dataset_select(&ds, 0, 0, 4, 8);
	char c[64] = "";
	for (size_t i = 0; i < ds.n; i++)
		snprintf(c + strlen(c), sizeof c - strlen(c), "%s,", ds.v[i].id);
	ok(strcmp(c, a), "another seed, another sample (%s)", c);
	dataset_free(&ds);
	unlink(path);
	return tap_done();
}
