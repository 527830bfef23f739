/* answer: find the final answer in a model's text, normalise it, and decide
 * whether two answers are the same (ALGORITHMS.md, "Answers"). */
#ifndef CANOPY_ANSWER_H
#define CANOPY_ANSWER_H

#include <stddef.h>

/* The final answer stated in text, newly allocated, or NULL.  Looks for
 * the last \boxed{...}, then "#### X", then the last "The answer is X". */
char *answer_extract(const char *text, size_t len);
/* A newly allocated normal form of an answer for display and grouping. */
char *answer_normalize(const char *s);
/* Parses a normalised answer as a number (integers, decimals, a/b,
 * \frac{a}{b}, \frac12, percentages); 0 when it is not one. */
int answer_number(const char *norm, double *out);
/* 1 when the two answers are equivalent. */
int answer_equal(const char *a, const char *b);
/* The same for answers already normalised (to compare many at once). */
int answer_equal_normalized(const char *na, const char *nb);
/* |x - y| <= 1e-6 * max(1, |x|, |y|), both finite */
int answer_numbers_equal(double x, double y);

#endif
