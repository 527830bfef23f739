/* critique: reading a critic's step-by-step verdicts.  The critic format
 * is MathCritique's: a block a step ("Step k: ..." or "Step sentence:
 * ..."), each with "Correctness of the step: Correct|Wrong", then
 * "Correctness of the final answer: Correct|Wrong". */
#ifndef CANOPY_CRITIQUE_H
#define CANOPY_CRITIQUE_H

struct critique_summary {
	int steps, wrong;
	int first_wrong; /* 1-based, 0 when none */
	int final_wrong; /* "Correctness of the final answer: Wrong" */
	int final_seen;
};

/* Fills out from text; returns the number of steps judged wrong. */
int critique_parse(const char *text, struct critique_summary *out);

#endif
