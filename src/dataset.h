/* dataset: benchmark problems with gold answers, read from JSON Lines in
 * the formats of GSM8K ({question, answer ending in "#### N"}), MATH-500
 * ({problem, solution, answer, ...}), SVAMP ({Body, Question, Answer, ...})
 * and GSM-Hard ({input, code, target, ...}), told apart by their fields. */
#ifndef CANOPY_DATASET_H
#define CANOPY_DATASET_H

#include <stddef.h>
#include <stdint.h>

enum ds_format { DS_AUTO, DS_GSM8K, DS_MATH500, DS_SVAMP, DS_GSMHARD };

struct ds_item {
	char *id;       /* the set's own id, else the line number */
	char *problem;  /* the question as a model should see it */
	char *gold;     /* the gold answer */
	char *solution; /* the set's worked solution, or NULL */
	size_t line;    /* where it is in the file */
};

struct dataset {
	enum ds_format format;
	struct ds_item *v;
	size_t n;
};

const char *dataset_format_name(enum ds_format f);
/* gsm8k, math500, svamp, gsmhard (and "auto"); -1 when unknown. */
int dataset_format_parse(const char *s, enum ds_format *out);

/* Reads every line of path.  A line that is not a JSON object of the
 * format, or a format that cannot be told from the first line, is an error
 * "PATH:LINE: what is wrong".  Returns 0 or -1. */
int dataset_load(const char *path, enum ds_format format, struct dataset *ds, char *err, size_t errlen);
void dataset_free(struct dataset *ds);

/* Keeps the items from offset on, at most limit of them (0: all), then,
 * when sample > 0, a seeded random sample of that many in the set's
 * order. */
void dataset_select(struct dataset *ds, size_t offset, size_t limit, size_t sample, uint64_t seed);

#endif
