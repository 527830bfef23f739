/* prompt: the shipped templates say what the prompts always said, a
 * user's file overrides one template, and a broken template is refused
 * with FILE:LINE. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "prompt.h"
#include "tap.h"

static const char *const two_steps[] = {"Step 1: 6 × 7 = 42.", "Step 2: 42 + 1 = 43."};

static struct request req(enum req_kind k, size_t nsteps)
{
	struct request r;
	request_init(&r, k);
	r.problem = "What is 6*7+1?";
	r.steps = two_steps;
	r.nsteps = nsteps;
	return r;
}

static void built(enum req_kind k, size_t nsteps, int self, const char *want_user, const char *what)
{
	struct request r = req(k, nsteps);
	r.self = self;
	struct strbuf sys, user;
	sb_init(&sys);
	sb_init(&user);
	prompt_build(&r, &sys, &user);
	is_str(user.s, want_user, what);
	sb_free(&sys);
	sb_free(&user);
}

static int parse_fails(const char *text, const char *want, const char *what)
{
	struct prompt_tmpl t;
	char err[400] = "";
	int rc = prompt_parse("t.txt", text, &t, err, sizeof err);
	ok(rc == -1 && strstr(err, want), "%s: '%s'", what, err);
	if (!rc)
		prompt_tmpl_free(&t);
	return rc;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

int main(void)
{
	char err[600] = "";
	/* the shipped set, from the source tree */
	char dir[600];
	const char *src = getenv("SRCDIR");
	snprintf(dir, sizeof dir, "%s/src/prompts", src ? src : ".");
	setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
	ok(prompts_load(dir, err, sizeof err) == 0, "the shipped templates load: %s", err);
	for (int id = 0; id < PROMPT_COUNT; id++)
		ok(prompts_get((enum prompt_id)id) && prompts_get((enum prompt_id)id)->user[0],
		   "template %s has a user part", prompt_name((enum prompt_id)id));

	/* what each kind asks, word for word */
	built(REQ_STEP, 0, 0,
	      "Problem: What is 6*7+1?\n\nWrite only the next step, as \"Step 1: ...\". If it reaches the final "
	      "answer, end it with \"The answer is X.\"",
	      "step, from the problem");
	built(REQ_STEP, 2, 0,
	      "Problem: What is 6*7+1?\n\nThe solution so far:\nStep 1: 6 × 7 = 42.\nStep 2: 42 + 1 = 43.\n\n"
	      "Write only the next step, as \"Step 3: ...\". If it reaches the final answer, end it with "
	      "\"The answer is X.\"",
	      "step, after two steps: the steps and {next} = 3");
	built(REQ_SOLUTION, 0, 0, "Problem: What is 6*7+1?\n\nSolve it step by step and give the answer.",
	      "solution from scratch: the {!steps} branch");
	built(REQ_SOLUTION, 1, 0,
	      "Problem: What is 6*7+1?\n\nContinue this solution:\nStep 1: 6 × 7 = 42.\n\nWrite the remaining "
	      "steps and the answer.",
	      "solution continued: the {?steps} branch");
	{
		struct request r = req(REQ_STEP, 2);
		struct strbuf sys, user;
		sb_init(&sys);
		sb_init(&user);
		const char *const *stop = prompt_build(&r, &sys, &user);
		ok(stop && !strcmp(stop[0], "\n\n") && !strcmp(stop[1], "\nStep ") && !stop[2],
		   "a step stops at a blank line or the next \"Step \"");
		ok(strstr(sys.s, "one step per line") != NULL, "the solver's system prompt");
		r.kind = REQ_CRITIQUE;
		ok(prompt_build(&r, &sys, &user) == NULL, "a critique has no stop");
		ok(strstr(sys.s, "careful critic") != NULL, "a critic's system prompt");
		r.self = 1;
		prompt_build(&r, &sys, &user);
		ok(strstr(sys.s, "your own solutions") != NULL, "self-critique has its own system prompt");
		ok(strstr(user.s, "Correctness of the step: Correct") != NULL, "the critique asks for the marker canopy reads");
		double sc[] = {0.92, 0.31};
		r.kind = REQ_REVIEW;
		r.step_scores = sc;
		prompt_build(&r, &sys, &user);
		ok(strstr(user.s, "Step 1: 6 × 7 = 42. (Score: 9/10)\nStep 2: 42 + 1 = 43. (Score: 3/10)") != NULL,
		   "a review shows each step's score");
		r.kind = REQ_REFINE;
		r.feedback = "Step 2 adds 1 {twice}.";
		prompt_build(&r, &sys, &user);
		ok(strstr(user.s, "The critique:\nStep 2 adds 1 {twice}.\n\n") != NULL,
		   "the feedback goes in as it is, braces and all");
		r.kind = REQ_REVISE;
		r.feedback = "Attempt 1:\nStep 1: 6 × 7 = 41.";
		prompt_build(&r, &sys, &user);
		ok(strstr(user.s, "Your earlier attempts:\nAttempt 1:\nStep 1: 6 × 7 = 41.\n\nYour latest attempt:\nStep 1: 6 × 7 = 42.") !=
			   NULL && strstr(user.s, "write a new, better solution"),
		   "a revision sees the earlier attempts, then the latest, and is asked for a new solution");
		r.kind = REQ_ORM;
		prompt_build(&r, &sys, &user);
		ok(strstr(user.s, "[[correct]]") && strstr(user.s, "[[wrong]]") && strstr(user.s, "look for problems") &&
			   strstr(user.s, "step by step"),
		   "an ORM judge asks, as Chen et al.'s filter does, for a review that looks for problems, step by step, "
		   "ending in [[correct]] or [[wrong]]");
		r.kind = REQ_PRM;
		prompt_build_logprob(&r, 1, &user);
		is_str(user.s, "What is 6*7+1? Step 1: 6 × 7 = 42. ки", "logprob PRM text up to step 1 ends in the tag");
		prompt_build_logprob(&r, 2, &user);
		is_str(user.s, "What is 6*7+1? Step 1: 6 × 7 = 42. ки\nStep 2: 42 + 1 = 43. ки",
		       "up to step 2: every step tagged, one a line");
		const struct prompt_tmpl *lp = prompts_get(PROMPT_PRM_LOGPROB);
		ok(lp->good.n == 1 && !strcmp(lp->good.v[0], "+") && !strcmp(lp->bad.v[0], "-"),
		   "the logprob template reads + against -");
		sb_free(&sys);
		sb_free(&user);
	}
	cJSON *j = prompts_json();
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(j, "step");
	ok(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(st, "user")) &&
		   cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(st, "stop")) == 2,
	   "the header copy has each template's text and stops");
	cJSON_Delete(j);
	prompts_free();

	/* a user's own step.txt wins; the rest still come from the set */
	char tmp[] = "/tmp/canopy-prompt-XXXXXX";
	ok(mkdtemp(tmp) != NULL, "a temporary config home");
	char path[700];
	snprintf(path, sizeof path, "%s/canopy", tmp);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/canopy/prompts", tmp);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/canopy/prompts/step.txt", tmp);
	write_file(path, "# mine\n[user]\nQ: {problem} next {next}\n\n\n[stop]\n\"\\n\"\n");
	setenv("XDG_CONFIG_HOME", tmp, 1);
	ok(prompts_load(NULL, err, sizeof err) == 0, "loads with an override: %s", err);
	built(REQ_STEP, 2, 0, "Q: What is 6*7+1? next 3", "the user's step template, trailing blank lines dropped");
	ok(prompts_get(PROMPT_STEP)->system == NULL, "no [system]: no system message");
	ok(strstr(prompts_get(PROMPT_STEP)->path, tmp) == prompts_get(PROMPT_STEP)->path,
	   "the template remembers the file it came from");
	built(REQ_SOLUTION, 0, 0, "Problem: What is 6*7+1?\n\nSolve it step by step and give the answer.",
	      "the other templates are the shipped ones");
	prompts_free();
	/* a broken override stops the load with its line */
	write_file(path, "[user]\nQ: {problem}\nnext {nxt}\n");
	ok(prompts_load(NULL, err, sizeof err) == -1 && strstr(err, "step.txt:3: unknown placeholder {nxt}"),
	   "a broken user template is refused with FILE:LINE: %s", err);
	ok(!prompts_loaded(), "and nothing is half loaded");
	unlink(path);
	snprintf(path, sizeof path, "%s/canopy/prompts", tmp);
	rmdir(path);
	snprintf(path, sizeof path, "%s/canopy", tmp);
	rmdir(path);
	rmdir(tmp);

	/* the parser's rules */
	parse_fails("[user]\n{?steps}a\n", "t.txt:2: {?steps} or {!steps} is never closed", "unclosed block");
	parse_fails("[user]\na {/steps}\n", "t.txt:2: {/steps} without", "a close without an open");
	parse_fails("[user]\n{?steps}{!steps}x{/steps}\n", "t.txt:2: {!steps} inside", "nested blocks");
	parse_fails("[user]\nx\n\n{problem\n", "t.txt:4: '{' without '}'", "an unclosed brace");
	parse_fails("hello\n[user]\nx\n", "t.txt:1: text before the first section", "text before a section");
	parse_fails("[user]\nx\n[stops]\n", "t.txt:3: unknown section [stops]", "an unknown section");
	parse_fails("[user]\nx\n[user]\ny\n", "t.txt:3: a second [user]", "a repeated section");
	parse_fails("[system]\nx\n", "no [user] section", "no user part");
	parse_fails("[user]\nx\n[stop]\n\\n\n", "t.txt:4: [stop] takes quoted strings", "an unquoted stop");
	parse_fails("[user]\nx\n[stop]\n\"a\\q\"\n", "t.txt:4:", "an unknown escape");
	{
		struct prompt_tmpl t;
		ok(prompt_parse("t.txt", "# c\r\n[user]\r\n{{literal}} {problem}\r\n[stop]\r\n# why\r\n\"\\t\\\"\"\r\n", &t,
				err, sizeof err) == 0,
		   "CRLF, comments and escapes parse: %s", err);
		struct request r = req(REQ_STEP, 0);
		struct strbuf out;
		sb_init(&out);
		prompt_expand(t.user, &r, &t, 0, &out);
		is_str(out.s, "{literal}} What is 6*7+1?", "{{ is a brace; CR dropped");
		ok(t.stop.n == 1 && !strcmp(t.stop.v[0], "\t\""), "an escaped stop string");
		sb_free(&out);
		prompt_tmpl_free(&t);
	}
	return tap_done();
}
