/* sim: the simulated reasoner reads problems and steps from text, makes
 * mistakes at the rates it should, and judges like a noisy PRM/critic. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "sim.h"
#include "tap.h"

/* Splits a newline-joined solution into an array of steps (in place). */
static size_t split(char *text, const char **steps, size_t max)
{
	size_t n = 0;
	for (char *s = strtok(text, "\n"); s && n < max; s = strtok(NULL, "\n"))
		steps[n++] = s;
	return n;
}

static double claim_of(const char *const *steps, size_t n)
{
	char *a = answer_extract(steps[n - 1], strlen(steps[n - 1]));
	double v = NAN;
	if (a) {
		char *nn = answer_normalize(a);
		answer_number(nn, &v);
		free(nn);
		free(a);
	}
	return v;
}

/* Share of sampled solutions with the wrong final answer. */
static double error_rate(int difficulty, double temp, int samples)
{
	struct sim_cfg c;
	sim_cfg_default(&c);
	int wrong = 0;
	for (int i = 0; i < samples; i++) {
		struct sim_problem p;
		sim_problem_generate((uint64_t)i, difficulty, &p);
		struct rng r;
		rng_seed(&r, (uint64_t)i * 7 + 1);
		char *sol = sim_solution(&p, &c, NULL, 0, temp, &r);
		const char *steps[32];
		size_t n = split(sol, steps, 32);
		double v = claim_of(steps, n);
		wrong += !(fabs(v - p.answer) < 1e-9);
		free(sol);
	}
	return (double)wrong / samples;
}

/* A right solution of p, newline-joined (the sim makes no mistakes). */
static char *right_solution(const struct sim_problem *p, uint64_t seed)
{
	struct sim_cfg c;
	sim_cfg_default(&c);
	c.error_scale = 0;
	struct rng r;
	rng_seed(&r, seed);
	return sim_solution(p, &c, NULL, 0, 0.8, &r);
}

/* The error models that make refining every problem hurt (MAgICoRe's
 * finding): how many problems hold a trap, an ORM that is wrong about an
 * answer rather than a solution, over-corrections that agree, a critic's
 * false alarms. */
static void test_realism(void)
{
	/* at difficulty 7 a trap is drawn with chance 0.3 + 0.05 * 7 = 0.65 */
	int traps[3] = {0, 0, 0}, same = 1;
	const double scales[3] = {0, 1, 0.5};
	for (int k = 0; k < 3; k++) {
		for (uint64_t i = 0; i < 600; i++) {
			struct sim_problem p, q;
			sim_problem_generate_mix(i, 7, scales[k], &p);
			traps[k] += p.has_distractor;
			if (k == 1) {
				sim_problem_generate(i, 7, &q);
				same &= !strcmp(p.text, q.text);
			}
		}
	}
	is_int(traps[0], 0, "--sim-trap-scale 0: no problem holds a trap");
	is_num(traps[1] / 600.0, 0.65, 0.05, "scale 1: 65% at difficulty 7, as before");
	ok(same, "and exactly the problems it always made");
	is_num(traps[2] / 600.0, 0.325, 0.05, "scale 0.5: half as many");

	struct sim_cfg c;
	sim_cfg_default(&c);
	c.orm_noise = 0;
	c.orm_bias = 0.1;
	double sum = 0, sum2 = 0, cross = 0, wsum = 0, wsum2 = 0;
	int shared = 1, seedless = 1, n = 300;
	for (int i = 0; i < n; i++) {
		struct sim_problem p;
		sim_problem_generate_mix((uint64_t)i, 5, 0, &p);
		char *sol = right_solution(&p, (uint64_t)i);
		const char *steps[40];
		size_t k = split(sol, steps, 36);
		double right = sim_orm(&p, &c, 1, steps, k);
		seedless &= right == sim_orm(&p, &c, 99, steps, k);
		/* the same wrong answer written two ways */
		char wrong[64];
		char num[40];
		sim_format_number(p.answer + 1, num, sizeof num);
		snprintf(wrong, sizeof wrong, "The answer is %s.", num);
		steps[k - 1] = wrong;
		double w1 = sim_orm(&p, &c, 1, steps, k);
		steps[k - 1] = "Let me check the units once more.";
		steps[k] = wrong;
		double w2 = sim_orm(&p, &c, 7, steps, k + 1);
		shared &= w1 == w2;
		/* on the logit scale, about the means: +sep/2 for a right
		 * answer, -sep/2 for a wrong one, sep = 2.2 - 0.12 d */
		double er = log(right / (1 - right)) - 0.8, ew = log(w1 / (1 - w1)) + 0.8;
		sum += er;
		sum2 += er * er;
		wsum += ew;
		wsum2 += ew * ew;
		cross += er * ew;
		free(sol);
	}
	is_num(sqrt(sum2 / n - (sum / n) * (sum / n)), 0.1, 0.015, "--sim-orm-bias 0.1: a right answer's ORM error has sd 0.1 (logit scale)");
	is_num(sqrt(wsum2 / n - (wsum / n) * (wsum / n)), 0.1, 0.015, "and a wrong answer's too");
	ok(shared, "two different solutions reaching the same answer share it");
	ok(seedless, "whatever the run's seed: it is the model's opinion of the answer");
	double corr = (cross / n - (sum / n) * (wsum / n)) /
		      sqrt((sum2 / n - (sum / n) * (sum / n)) * (wsum2 / n - (wsum / n) * (wsum / n)));
	ok(fabs(corr) < 0.2, "the errors about different answers are independent (correlation %.2f)", corr);

	/* over-corrections: a right step 2 flagged wrong gets the same wrong
	 * fix however often the refiner is asked */
	sim_cfg_default(&c);
	c.error_scale = 0;
	struct sim_problem p;
	uint64_t seed = 0;
	do
		sim_problem_generate_mix(++seed, 6, 0, &p);
	while (p.nsteps < 4);
	char *sol = right_solution(&p, 1);
	const char *steps[40];
	size_t k = split(sol, steps, 40);
	const char *flag = "Step 1: fine\nCorrectness of the step: Correct\n"
			   "Step 2: doubtful\nCorrectness of the step: Wrong\nExplanation: This looks doubtful.\n";
	int overcorrected = 0, distinct = 0;
	double first = NAN;
	for (uint64_t i = 0; i < 60; i++) {
		struct rng r;
		rng_seed(&r, i);
		char *ref = sim_refine(&p, &c, steps, k, flag, 0.8, &r);
		const char *rs[40];
		size_t rn = split(ref, rs, 40);
		if (!sim_steps_correct(&p, rs, rn)) {
			double v = claim_of(rs, rn);
			if (!overcorrected++)
				first = v;
			else if (v != first)
				distinct++;
		}
		free(ref);
	}
	ok(overcorrected >= 20 && overcorrected <= 50, "a refiner told a right step is wrong often breaks it (%d of 60)",
	   overcorrected);
	is_int(distinct, 0, "and every over-correction reaches the same wrong answer");
	free(sol);

	/* with a trap at the flagged step the over-correction takes the bait */
	seed = 0;
	do
		sim_problem_generate(++seed, 8, &p);
	while (!p.has_distractor);
	sol = right_solution(&p, 2);
	k = split(sol, steps, 40);
	char trapflag[200];
	snprintf(trapflag, sizeof trapflag, "Step %d: x\nCorrectness of the step: Wrong\nExplanation: doubtful\n",
		 p.trap + 1);
	char dnum[40];
	sim_format_number(p.distractor, dnum, sizeof dnum);
	int bait = 0, wrongs = 0;
	for (uint64_t i = 0; i < 40; i++) {
		struct rng r;
		rng_seed(&r, i);
		char *ref = sim_refine(&p, &c, steps, k, trapflag, 0.8, &r);
		const char *rs[40];
		size_t rn = split(ref, rs, 40);
		if (!sim_steps_correct(&p, rs, rn)) {
			wrongs++;
			bait += rn > (size_t)p.trap && strstr(rs[p.trap], dnum) != NULL;
		}
		free(ref);
	}
	ok(wrongs > 0 && bait == wrongs, "over-correcting the trap step uses the irrelevant %s (%d of %d)", dnum, bait,
	   wrongs);
	free(sol);

	/* a critic's false alarms on a right solution, as configured */
	sim_cfg_default(&c);
	c.critic_false = 0.3;
	sol = right_solution(&p, 3);
	k = split(sol, steps, 40);
	int alarms = 0;
	for (uint64_t i = 0; i < 600; i++) {
		struct rng r;
		rng_seed(&r, i);
		char *crit = sim_critique(&p, &c, steps, k, &r);
		alarms += strstr(crit, "Correctness of the final answer: Wrong") != NULL;
		free(crit);
	}
	is_num(alarms / 600.0, 0.3, 0.05, "--sim-critic-false 0.3: a critic calls 30% of right solutions wrong");
	free(sol);
}

/* Steps no sim wrote (a damaged replies journal, another model's text):
 * every judge reads them without reading outside the plan.  Run under
 * ASan in CI, where a read past an array is a failure. */
static void garbage_steps(void)
{
	struct sim_problem p;
	char err[200];
	ok(!sim_problem_parse("What is (17+25)*3-8?", &p, err, sizeof err), "a problem to judge against");
	struct sim_cfg c;
	sim_cfg_default(&c);
	c.critic_recall = 1;
	struct rng r;
	rng_seed(&r, 7);
	static const char *const ops[] = {"+", "\xE2\x88\x92", "\xC3\x97", "\xC3\xB7", "*", "-"};
	static const char *const heads[] = {"", "Step 1: ", "Re-answer: ", "Step 9: ", "The answer is "};
	int survived = 1;
	for (int trial = 0; trial < 3000; trial++) {
		char buf[8][96];
		const char *steps[8];
		size_t n = 1 + rng_next(&r) % 8;
		for (size_t i = 0; i < n; i++) {
			unsigned a = (unsigned)(rng_next(&r) % 200), b = (unsigned)(rng_next(&r) % 200);
			snprintf(buf[i], sizeof buf[i], "%s%u %s %u = %u.%s", heads[rng_next(&r) % 5], a,
				 ops[rng_next(&r) % 6], b, (unsigned)(rng_next(&r) % 400),
				 rng_next(&r) % 4 ? "" : " The answer is 118.");
			steps[i] = buf[i];
		}
		double scores[8];
		sim_prm(&p, &c, (uint64_t)trial, steps, n, scores);
		char *k = sim_critique(&p, &c, steps, n, &r);
		char *v = sim_review(&p, &c, steps, scores, n, &r);
		char *f = sim_refine(&p, &c, steps, n, k, 0.7, &r);
		survived &= k && v && f;
		free(k);
		free(v);
		free(f);
	}
	ok(survived, "3000 step lists no sim wrote: critic, reviewer, refiner and PRM answer each");
}

int main(void)
{
	garbage_steps();
	struct sim_cfg c;
	sim_cfg_default(&c);
	struct sim_problem p, q;
	char err[256];

	/* ---- problems ---- */
	sim_problem_generate(42, 6, &p);
	sim_problem_generate(42, 6, &q);
	ok(!strcmp(p.text, q.text) && p.answer == q.answer, "a seed always gives the same problem");
	sim_problem_generate(43, 6, &q);
	ok(strcmp(p.text, q.text), "another seed, another problem");
	ok(strstr(p.text, "How many") != NULL, "the problem asks a question: %s", p.text);
	struct sim_problem back;
	int all_parse = 1, all_same = 1;
	for (uint64_t seed = 0; seed < 300; seed++) {
		sim_problem_generate(seed, 0, &q);
		if (sim_problem_parse(q.text, &back, err, sizeof err)) {
			all_parse = 0;
			printf("# %s: %s\n", q.text, err);
		} else if (back.nsteps != q.nsteps || back.answer != q.answer ||
			   back.has_distractor != q.has_distractor) {
			all_same = 0;
			printf("# read back differently: %s\n", q.text);
		}
	}
	ok(all_parse, "the sim reads back every problem it writes");
	ok(all_same, "and understands the same steps, answer and distractor");
	sim_problem_generate(5, 1, &q);
	is_int(q.nsteps, 2, "difficulty 1 has two steps");
	sim_problem_generate(5, 10, &q);
	is_int(q.nsteps, 7, "difficulty 10 has seven steps");

	ok(!sim_problem_parse("What is (17+25)*3-8?", &q, err, sizeof err), "reads a typed arithmetic question");
	is_int(q.nsteps, 3, "(17+25)*3-8 takes three steps");
	is_num(q.answer, 118, 0, "and its answer is 118");
	ok(!sim_problem_parse("Compute 2 \xc3\x97 (3 \xe2\x88\x92 1) \xc3\xb7 4.", &q, err, sizeof err) &&
	   q.answer == 1, "reads \xc3\x97 \xc3\xb7 \xe2\x88\x92 and ignores the full stop");
	ok(!sim_problem_parse("What is -3 * -(2+1)?", &q, err, sizeof err) && q.answer == 9, "unary minus");
	ok(sim_problem_parse("Tell me a story.", &q, err, sizeof err) == -1 && strstr(err, "cannot read this problem"),
	   "a question it cannot read is refused clearly");
	ok(sim_problem_parse("What is (2+3?", &q, err, sizeof err) == -1 && strstr(err, "unbalanced parentheses"),
	   "unbalanced parentheses are named");
	ok(sim_problem_parse("What is 4/0?", &q, err, sizeof err) == -1 && strstr(err, "division by zero"),
	   "division by zero is named");
	ok(sim_problem_parse("What is 7?", &q, err, sizeof err) == -1 && strstr(err, "nothing to calculate"),
	   "a bare number is not a problem");

	/* ---- solving ---- */
	c.error_scale = 0;
	sim_problem_generate(42, 8, &p);
	struct rng r;
	rng_seed(&r, 1);
	char *sol = sim_solution(&p, &c, NULL, 0, 0.8, &r);
	const char *steps[32];
	size_t n = split(sol, steps, 32);
	is_int(n, p.nsteps, "without mistakes a solution has one step per operation");
	ok(!strncmp(steps[0], "Step 1: ", 8) && strstr(steps[0], " = "), "steps read like 'Step 1: a \xc3\x97 b = c units.'");
	ok(strstr(steps[n - 1], "The answer is") != NULL, "the last step states the answer");
	is_num(claim_of(steps, n), p.answer, 0, "and it is the right one");
	ok(sim_steps_correct(&p, steps, n), "every step checks out");
	free(sol);
	c.error_scale = 1;

	double easy = error_rate(2, 0.2, 600), hard = error_rate(9, 1.0, 600);
	double hot = error_rate(6, 1.2, 600), cold = error_rate(6, 0.0, 600);
	printf("# wrong answers: d2 T0.2 %.2f, d9 T1.0 %.2f; d6 T0 %.2f, d6 T1.2 %.2f\n", easy, hard, cold, hot);
	ok(easy < 0.15, "easy problems are mostly solved (%.2f wrong)", easy);
	ok(hard > 0.4, "hard ones mostly are not (%.2f wrong)", hard);
	ok(hot > cold + 0.1, "mistakes grow with temperature (%.2f > %.2f)", hot, cold);

	/* a mistake propagates: a slipped first step makes the answer wrong */
	sim_problem_generate(7, 4, &p);
	char a0[32], b0[32], wrongc[32], buf[256];
	sim_format_number(p.steps[0].a.val, a0, sizeof a0);
	sim_format_number(p.steps[0].b.val, b0, sizeof b0);
	sim_format_number(p.steps[0].result + 10, wrongc, sizeof wrongc);
	snprintf(buf, sizeof buf, "Step 1: %s \xc3\x97 %s = %s %s.", a0, b0, wrongc, p.unit);
	const char *pre[1] = {buf};
	c.error_scale = 0;
	rng_seed(&r, 2);
	sol = sim_solution(&p, &c, pre, 1, 0.8, &r);
	const char *all[32] = {buf};
	n = 1 + split(sol, all + 1, 31);
	ok(fabs(claim_of(all, n) - p.answer) > 1e-9, "a slipped step 1 carries into a wrong answer");
	ok(!sim_steps_correct(&p, all, n), "and the solution is not correct");

	/* ---- judging ---- */
	double prm[32];
	sim_prm(&p, &c, 9, all, n, prm);
	ok(prm[0] < 0.5, "the PRM scores the slipped step low (%.2f)", prm[0]);
	double prm2[32];
	sim_prm(&p, &c, 9, all, n, prm2);
	ok(!memcmp(prm, prm2, n * sizeof *prm), "the same prefix always gets the same score");
	double right = 0, wrong = 0;
	int nr = 0, nw = 0;
	struct sim_cfg noisy;
	sim_cfg_default(&noisy);
	for (int i = 0; i < 400; i++) {
		struct sim_problem pp;
		sim_problem_generate((uint64_t)i, 7, &pp);
		rng_seed(&r, (uint64_t)i);
		char *s = sim_solution(&pp, &noisy, NULL, 0, 1.0, &r);
		const char *st[32];
		size_t k = split(s, st, 32);
		double sc[32];
		sim_prm(&pp, &noisy, 1, st, k, sc);
		double o = sim_orm(&pp, &noisy, 1, st, k);
		if (sim_steps_correct(&pp, st, k)) {
			right += o;
			nr++;
		} else {
			wrong += o;
			nw++;
		}
		free(s);
	}
	ok(nr > 20 && nw > 20 && right / nr > wrong / nw + 0.3,
	   "the ORM prefers right solutions (%.2f vs %.2f)", right / nr, wrong / nw);

	/* critic: finds the first wrong step with the configured recall */
	int found = 0, trials = 500;
	for (int i = 0; i < trials; i++) {
		rng_seed(&r, (uint64_t)i);
		char *crit = sim_critique(&p, &noisy, all, n, &r);
		if (strstr(crit, "Step 1:") && strstr(crit, "Correctness of the step: Wrong") &&
		    strstr(crit, "Correctness of the step: Wrong") < strstr(crit, "Step 2:"))
			found++;
		if (i == 0)
			ok(strstr(crit, "Correctness of the final answer:") != NULL, "the critique has the MathCritique shape");
		free(crit);
	}
	is_num((double)found / trials, noisy.critic_recall, 0.06, "the critic's recall is as configured");
	rng_seed(&r, 3);
	char *crit = sim_critique(&p, &c, all, n, &r);
	c.critic_recall = 1;
	free(crit);
	rng_seed(&r, 3);
	crit = sim_critique(&p, &c, all, n, &r);
	ok(strstr(crit, "is ") && strstr(crit, "not "), "the explanation names the right value: %.60s", strstr(crit, "Explanation"));

	/* refiner: keeps the steps before the flagged one and fixes it */
	c.fix_prob = 1;
	rng_seed(&r, 4);
	char *ref = sim_refine(&p, &c, all, n, crit, 0.7, &r);
	const char *rs[32];
	size_t rn = split(ref, rs, 32);
	ok(sim_steps_correct(&p, rs, rn), "a refinement that fixes the flagged step is correct");
	free(ref);
	free(crit);
	free(sol); /* the steps in all[] point into it */

	/* ---- rStar actions ---- */
	rng_seed(&r, 5);
	char *sq = sim_subquestion(&p, &c, NULL, 0, 0.7, &r);
	ok(!strncmp(sq, "Sub-question 1: ", 16) && strstr(sq, "Answer: "), "A3 asks and answers a sub-question");
	const char *path[2] = {sq, NULL};
	char *re = sim_reanswer(&p, &c, path, 1, 0.7, &r);
	ok(!strncmp(re, "Re-answer: ", 11), "A4 answers it again");
	path[1] = re;
	char *next = sim_next_step(&p, &c, path, 2, 0.7, &r);
	ok(!strncmp(next, "Step 2: ", 8), "after a re-answer the next step is step 2: %s", next);
	char *rp = sim_rephrase(&p);
	ok(!strncmp(rp, "Rephrased: Given: (1) ", 22) && strstr(rp, "Question: How many"), "A5 lists the conditions");
	free(sq);
	free(re);
	free(next);
	free(rp);

	ok(sim_tokens("Step 2: 14 \xc3\x97 6 = 84 rolls.") >= 8, "token counts are plausible");
	char nb[40];
	sim_format_number(2.5, nb, sizeof nb);
	is_str(nb, "2.5", "decimals print short");
	sim_format_number(84, nb, sizeof nb);
	is_str(nb, "84", "integers print whole");

	test_realism();
	return tap_done();
}
