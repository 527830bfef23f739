/* answer: extraction order, normalisation, equivalence (ALGORITHMS.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "tap.h"

static void extract(const char *text, const char *want, const char *what)
{
	char *a = answer_extract(text, strlen(text));
	is_str(a, want, what);
	free(a);
}

static void norm(const char *in, const char *want)
{
	char *n = answer_normalize(in);
	char what[128];
	snprintf(what, sizeof what, "normalise %s", in);
	is_str(n, want, what);
	free(n);
}

int main(void)
{
	extract("so \\boxed{\\frac{1}{2}} and", "\\frac{1}{2}", "boxed with nested braces");
	extract("\\boxed{3} then \\boxed{4}", "4", "the last boxed wins");
	extract("The answer is 7. But \\boxed{9}", "9", "boxed before 'The answer is'");
	extract("work\n#### 1,234\n", "1,234", "GSM8K ####");
	extract("Step 3: 64 / 4 = 16. The answer is 16.", "16", "'The answer is' up to the full stop");
	extract("the answer is: 3.5 dollars.", "3.5 dollars", "a decimal point is not a full stop");
	extract("no answer here", NULL, "nothing to extract");
	extract("\\boxed{unclosed", NULL, "an unclosed box is not an answer");

	norm("$1,000", "1000");
	norm("\\$ 5.", "5");
	norm("18 dollars", "18");
	norm("90^\\circ", "90");
	norm("\\left( 1, 2 \\right)", "(1,2)");
	norm("\\text{(A)}", "(A)");
	norm("\\dfrac{3}{4}", "\\frac{3}{4}");
	norm("1,23", "1,23");
	norm("1000 pens", "1000");
	norm("12 red apples.", "12");
	norm("2 x", "2x");
	norm("3 \\pi", "3\\pi");

	ok(answer_equal("0.5", "\\frac12"), "0.5 = \\frac12");
	ok(answer_equal("1/2", "\\dfrac{1}{2}"), "1/2 = \\dfrac{1}{2}");
	ok(answer_equal("-3", "-3.0"), "-3 = -3.0");
	ok(answer_equal("1,000", "1000"), "thousands separators");
	ok(answer_equal("$18", "18 dollars"), "currency and units");
	ok(answer_equal("50%", "0.5"), "a percentage is a number");
	ok(answer_equal("9.284017269e+12", "9284017268534.4"), "an exponent is a number (within the tolerance)");
	ok(!answer_equal("1e", "1") && !answer_equal("e5", "100000"), "but a bare e is not an exponent");
	ok(answer_equal("(1, 2)", "(1,2.0)"), "tuples element-wise");
	ok(!answer_equal("(1,2)", "[1,2]"), "an open and a closed interval differ");
	ok(!answer_equal("(1,2)", "(1,2,3)"), "tuples of different length differ");
	ok(answer_equal("(a)", "(a)") && !answer_equal("(a)", "(b)"),
	   "one element in brackets is a plain string (its copied part is freed: ASan)");
	ok(!answer_equal("16", "17"), "different numbers");
	ok(answer_equal("0.0000001", "0"), "|x-y| <= 1e-6*max(1,|y|)");
	ok(!answer_equal("0.00001", "0"), "but not beyond the tolerance");
	ok(answer_equal("x+1", "x + 1"), "other answers compare as normalised strings");
	ok(!answer_equal("x+1", "x+2"), "and differ when the strings do");
	ok(!answer_equal(NULL, "1"), "no answer equals nothing");
	return tap_done();
}
