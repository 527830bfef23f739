#include "prompt.h"

#include <math.h>
#include <string.h>

static const char system_solver[] =
	"You solve math word problems step by step. Write one step per line, as "
	"\"Step k: ...\", and end with \"The answer is X.\" where X is the final answer.";

static void steps_block(struct strbuf *u, const struct request *r, const char *title, int scores)
{
	if (!r->nsteps)
		return;
	sb_printf(u, "%s\n", title);
	for (size_t i = 0; i < r->nsteps; i++) {
		sb_adds(u, r->steps[i]);
		if (scores && r->step_scores)
			sb_printf(u, " (Score: %d/10)", (int)lround(r->step_scores[i] * 10));
		sb_addc(u, '\n');
	}
	sb_addc(u, '\n');
}

const char *const *prompt_build(const struct request *r, struct strbuf *system, struct strbuf *user)
{
	static const char *const stop_step[] = {"\n\n", "\nStep ", NULL};
	sb_reset(system);
	sb_reset(user);
	sb_adds(system, system_solver);
	sb_printf(user, "Problem: %s\n\n", r->problem);
	switch (r->kind) {
	case REQ_STEP:
		steps_block(user, r, "The solution so far:", 0);
		sb_printf(user, "Write only the next step, as \"Step %zu: ...\". If it reaches the final answer, "
				"end it with \"The answer is X.\"",
			  r->nsteps + 1);
		return stop_step;
	case REQ_SOLUTION:
		steps_block(user, r, "Continue this solution:", 0);
		sb_adds(user, r->nsteps ? "Write the remaining steps and the answer."
					: "Solve it step by step and give the answer.");
		return NULL;
	case REQ_SUBQUESTION:
		steps_block(user, r, "The solution so far:", 0);
		sb_printf(user, "Ask the next sub-question and answer it, as \"Sub-question %zu: ... Answer: ...\".",
			  r->nsteps + 1);
		return stop_step;
	case REQ_REANSWER:
		steps_block(user, r, "The solution so far:", 0);
		sb_adds(user, "Answer the last sub-question again, carefully, as \"Re-answer: ...\".");
		return stop_step;
	case REQ_REPHRASE:
		sb_adds(user, "Rephrase the problem as a list of its conditions, as "
			      "\"Rephrased: Given: (1) ... (2) ... Question: ...\".");
		return stop_step;
	case REQ_CRITIQUE:
	case REQ_REVIEW:
	case REQ_PRM:
		sb_reset(system);
		sb_adds(system, r->self && r->kind == REQ_CRITIQUE
					? "You check your own solutions to math problems step by step, honestly."
					: "You are a careful critic of solutions to math problems.");
		steps_block(user, r, "The solution:", r->kind == REQ_REVIEW);
		if (r->kind == REQ_REVIEW)
			sb_adds(user, "Each step carries a reward model's score. Look hardest at the steps scored "
				      "below 6/10. ");
		sb_adds(user, "Write a step-by-step critique. For each step write \"Step k: <the step>\", then "
			      "\"Correctness of the step: Correct\" or \"Correctness of the step: Wrong\", then "
			      "\"Explanation: ...\". End with \"Correctness of the final answer: Correct\" or "
			      "\"Correctness of the final answer: Wrong\".");
		return NULL;
	case REQ_REFINE:
		steps_block(user, r, "Your solution:", 0);
		sb_printf(user, "The critique:\n%s\n\n", r->feedback ? r->feedback : "");
		sb_adds(user, "I have made a step-by-step critique of your solution. Please read it and write a new "
			      "solution that corrects it.");
		return NULL;
	case REQ_JUDGE:
	case REQ_ORM:
		sb_reset(system);
		sb_adds(system, "You review solutions to math problems.");
		steps_block(user, r, "The solution:", 0);
		sb_adds(user, "Is the final answer right? Think it through, then conclude with [[correct]] or "
			      "[[wrong]].");
		return NULL;
	default:
		return NULL;
	}
}
