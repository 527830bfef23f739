/* critique: reading a critic's step-by-step verdicts. */
#include <stdlib.h>
#include <string.h>

#include "critique.h"

/* The verdict after a "Correctness of ...:" label: 1 wrong, 0 otherwise. */
static int says_wrong(const char *v)
{
	while (*v == ' ' || *v == '*' || *v == '[')
		v++;
	return !strncmp(v, "Wrong", 5) || !strncmp(v, "wrong", 5) || !strncmp(v, "Incorrect", 9) ||
	       !strncmp(v, "incorrect", 9);
}

int critique_parse(const char *text, struct critique_summary *out)
{
	static const char step_lbl[] = "Correctness of the step:";
	static const char final_lbl[] = "Correctness of the final answer:";
	memset(out, 0, sizeof *out);
	int step = 0;
	for (const char *p = text; *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		const char *q = p;
		/* critics dress their labels in Markdown: "**Step 2:**", "- " */
		while (q < p + len && (*q == ' ' || *q == '*' || *q == '#' || *q == '-'))
			q++;
		size_t rest = len - (size_t)(q - p);
		if (rest > 5 && !strncmp(q, "Step ", 5) && q[5] >= '0' && q[5] <= '9') {
			step = atoi(q + 5);
			out->steps++;
		} else if (rest >= 14 && !strncmp(q, "Step sentence:", 14)) {
			/* MathCritique's critic repeats each step, unnumbered */
			out->steps++;
			step = out->steps;
		} else if (rest >= sizeof step_lbl - 1 && !strncmp(q, step_lbl, sizeof step_lbl - 1)) {
			if (says_wrong(q + sizeof step_lbl - 1)) {
				out->wrong++;
				if (!out->first_wrong)
					out->first_wrong = step ? step : out->steps;
			}
		} else if (rest >= sizeof final_lbl - 1 && !strncmp(q, final_lbl, sizeof final_lbl - 1)) {
			out->final_seen = 1;
			out->final_wrong = says_wrong(q + sizeof final_lbl - 1);
		}
		p += len + (eol != NULL);
	}
	return out->wrong;
}
