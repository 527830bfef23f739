/* sim_judge: the simulated verifiers: the PRM's step scores, the ORM's,
 * the critic's and reviewer's findings, the refiner's fixes, and the
 * judges' verdicts, each erring as the sim_cfg says. */
#include "sim.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "sim_int.h"
/* ---- judging ---- */

static void explain(struct strbuf *sb, const struct sim_problem *p, const struct step_info *si)
{
	char a[40], b[40], c[40], w[40];
	sim_format_number(si->ea, a, sizeof a);
	sim_format_number(si->eb, b, sizeof b);
	sim_format_number(si->ec, c, sizeof c);
	/* the plan step the verdict is about; a step read from a damaged
	 * journal may name none (or the first, for a skip) */
	int has_plan = si->plan >= 0 && si->plan < p->nsteps;
	int has_before = si->plan >= 1 && si->plan <= p->nsteps;
	switch (si->v) {
	case SV_SLIP:
		if (!has_plan)
			goto other;
		sim_format_number(si->ar.c, w, sizeof w);
		sb_printf(sb, "%s %s %s is %s, not %s.", a, sim_op_sym[p->steps[si->plan].op], b, c, w);
		break;
	case SV_OPERAND:
		sim_format_number(si->ar.b, w, sizeof w);
		if (si->trap)
			sb_printf(sb, "The %s is not part of the question; the step should use %s.", w, b);
		else
			sb_printf(sb, "It uses %s where it should use %s.", w, b);
		break;
	case SV_SKIP:
		if (!has_before)
			goto other;
		sb_printf(sb, "It skips a step: %s %s %s = %s has to come first.", a,
			  sim_op_sym[p->steps[si->plan - 1].op], b, c);
		break;
	default:
	other:
		sb_adds(sb, "It does not follow from the previous steps.");
		break;
	}
}

/* A critique in the MathCritique shape.  recall(i) is the chance of
 * noticing that step i, the first wrong one, is wrong. */
static char *critique_with(const struct sim_problem *p, const struct sim_cfg *c,
			   const char *const *steps, size_t nsteps, const double *scores,
			   double recall, struct rng *r)
{
	struct step_info *info = xcalloc(nsteps ? nsteps : 1, sizeof *info);
	struct sim_state st;
	sim_replay(p, steps, nsteps, &st, info);
	long first = -1;
	for (size_t i = 0; i < nsteps && first < 0; i++)
		if (info[i].v != SV_OK && info[i].v != SV_NONE)
			first = (long)i;
	if (first >= 0 && scores && scores[first] >= 0.6)
		recall *= 0.3; /* a step the PRM liked gets only a glance */
	if (first >= 0 && info[first].trap)
		recall *= 0.7; /* a plausible wrong quantity is harder to see */
	int found = first >= 0 && rng_uniform(r) < recall;
	long false_flag = -1;
	if (first < 0 && nsteps && scores) {
		/* a reviewer told to look at low-scored steps finds fault with
		 * the lowest one when it is below 6/10, right or not */
		size_t low = 0;
		for (size_t i = 1; i < nsteps; i++)
			if (scores[i] < scores[low])
				low = i;
		if (scores[low] < 0.6 && rng_uniform(r) < 0.5)
			false_flag = (long)low;
		else if (rng_uniform(r) < c->critic_false)
			false_flag = rng_range(r, 0, (int)nsteps - 1);
	} else if (first < 0 && nsteps && rng_uniform(r) < c->critic_false) {
		false_flag = rng_range(r, 0, (int)nsteps - 1);
	}
	struct strbuf sb;
	sb_init(&sb);
	for (size_t i = 0; i < nsteps; i++) {
		const char *t = steps[i];
		if (!strncmp(t, "Step ", 5)) {
			const char *colon = strchr(t, ':');
			t = colon ? colon + 1 : t;
			while (*t == ' ')
				t++;
		}
		sb_printf(&sb, "%sStep %zu: %s", i ? "\n" : "", i + 1, t);
		if (scores)
			sb_printf(&sb, " (Score: %d/10)", (int)lround(scores[i] * 10));
		sb_addc(&sb, '\n');
		if (found && (long)i == first) {
			sb_adds(&sb, "Correctness of the step: Wrong\nExplanation: ");
			explain(&sb, p, &info[i]);
			sb_addc(&sb, '\n');
		} else if (found && (long)i > first) {
			sb_printf(&sb, "Correctness of the step: Wrong\nExplanation: It builds on the mistake in step %ld.\n",
				  first + 1);
		} else if ((long)i == false_flag) {
			sb_adds(&sb, "Correctness of the step: Wrong\nExplanation: This calculation looks doubtful.\n");
		} else {
			sb_adds(&sb, "Correctness of the step: Correct\nExplanation: The calculation is right.\n");
		}
	}
	sb_printf(&sb, "\nCorrectness of the final answer: %s", found || false_flag >= 0 ? "Wrong" : "Correct");
	free(info);
	return sb_steal(&sb);
}

char *sim_critique(const struct sim_problem *p, const struct sim_cfg *c,
		   const char *const *steps, size_t nsteps, struct rng *r)
{
	return critique_with(p, c, steps, nsteps, NULL, c->critic_recall, r);
}

char *sim_self_critique(const struct sim_problem *p, const struct sim_cfg *c,
			const char *const *steps, size_t nsteps, struct rng *r)
{
	return critique_with(p, c, steps, nsteps, NULL, c->critic_recall * 0.5, r);
}

char *sim_review(const struct sim_problem *p, const struct sim_cfg *c,
		 const char *const *steps, const double *scores, size_t nsteps, struct rng *r)
{
	return critique_with(p, c, steps, nsteps, scores, c->critic_recall, r);
}

char *sim_judge(const struct sim_problem *p, const struct sim_cfg *c,
		const char *const *steps, size_t nsteps, struct rng *r)
{
	struct step_info *info = xcalloc(nsteps ? nsteps : 1, sizeof *info);
	struct sim_state st;
	sim_replay(p, steps, nsteps, &st, info);
	int right = st.prefix_ok && st.answered && sim_same(st.claim, p->answer);
	int trap = 0;
	for (size_t i = 0; i < nsteps; i++)
		trap |= info[i].trap;
	free(info);
	double say_wrong = right ? c->critic_false * 3 : c->critic_recall * (trap ? 0.6 : 1.0);
	int wrong = rng_uniform(r) < say_wrong;
	char claim[40];
	sim_format_number(st.claim, claim, sizeof claim);
	struct strbuf sb;
	sb_init(&sb);
	if (!st.answered)
		sb_adds(&sb, "The solution never states an answer. [[wrong]]");
	else if (wrong)
		sb_printf(&sb, "I checked each step; the final answer %s does not follow. [[wrong]]", claim);
	else
		sb_printf(&sb, "I checked each step; the final answer %s is right. [[correct]]", claim);
	return sb_steal(&sb);
}

/* The 1-based number of the first step a critique calls wrong, or 0. */
static size_t first_flagged(const char *critique)
{
	size_t step = 0;
	for (const char *s = critique; (s = strstr(s, "Step ")); s += 5) {
		const char *line_start = s;
		if (line_start != critique && line_start[-1] != '\n')
			continue;
		size_t k = (size_t)strtoul(s + 5, NULL, 10);
		const char *verdict = strstr(s, "Correctness of the step:");
		const char *next = strstr(s + 5, "\nStep ");
		if (!verdict || (next && verdict > next))
			continue;
		verdict += 24;
		while (*verdict == ' ')
			verdict++;
		if (!strncmp(verdict, "Wrong", 5)) {
			step = k;
			break;
		}
	}
	return step;
}

char *sim_refine(const struct sim_problem *p, const struct sim_cfg *c,
		 const char *const *steps, size_t nsteps, const char *critique,
		 double temp, struct rng *r)
{
	size_t k = first_flagged(critique);
	if (k == 0 || k > nsteps) {
		struct strbuf sb;
		sb_init(&sb);
		for (size_t i = 0; i < nsteps; i++)
			sb_printf(&sb, "%s%s", i ? "\n" : "", steps[i]);
		return sb_steal(&sb);
	}
	/* keep the steps before the flagged one, rewrite from there.  A step
	 * that was in fact right, flagged anyway, is "corrected" into a wrong
	 * one more often than not: refiners comply with their feedback. */
	struct step_info *info = xcalloc(nsteps, sizeof *info);
	struct sim_state st;
	sim_replay(p, steps, nsteps, &st, info);
	int was_right = info[k - 1].v == SV_OK || info[k - 1].v == SV_NONE;
	free(info);
	int mode;
	if (was_right)
		mode = rng_uniform(r) < 0.6 ? -1 : 1;
	else
		mode = rng_uniform(r) < c->fix_prob ? 1 : 0;
	char *rest = sim_continue_solution(p, c, steps, k - 1, temp, r, mode);
	struct strbuf sb;
	sb_init(&sb);
	for (size_t i = 0; i + 1 < k; i++)
		sb_printf(&sb, "%s\n", steps[i]);
	sb_adds(&sb, rest);
	free(rest);
	return sb_steal(&sb);
}

static uint64_t prefix_seed(uint64_t seed, const char *tag, const struct sim_problem *p,
			    const char *const *steps, size_t n)
{
	uint64_t h = hash_str(hash_u64(seed, 0x9e11), tag);
	h = hash_str(h, p->text);
	for (size_t i = 0; i < n; i++)
		h = hash_str(hash_u64(h, i), steps[i]);
	return h;
}

void sim_prm(const struct sim_problem *p, const struct sim_cfg *c, uint64_t seed,
	     const char *const *steps, size_t nsteps, double *out)
{
	struct step_info *info = xcalloc(nsteps ? nsteps : 1, sizeof *info);
	struct sim_state st;
	sim_replay(p, steps, nsteps, &st, info);
	int before_ok = 1;
	for (size_t i = 0; i < nsteps; i++) {
		const struct step_info *si = &info[i];
		double mean;
		if (si->v == SV_OK || si->v == SV_NONE)
			mean = before_ok ? 0.82 : 0.42;
		else if (si->trap)
			mean = 0.55; /* a plausible-looking wrong quantity */
		else
			mean = 0.2;
		if (si->answered && si->prefix_ok)
			mean += 0.06;
		before_ok = si->prefix_ok;
		struct rng r;
		rng_seed(&r, prefix_seed(seed, "prm", p, steps, i + 1));
		out[i] = clampd(mean + c->prm_noise * rng_normal(&r), 0.01, 0.99);
	}
	free(info);
}

double sim_orm(const struct sim_problem *p, const struct sim_cfg *c, uint64_t seed,
	       const char *const *steps, size_t nsteps)
{
	struct sim_state st;
	sim_replay(p, steps, nsteps, &st, NULL);
	double mean = !st.answered ? 0.1 : sim_same(st.claim, p->answer) ? 0.78 : 0.3;
	if (st.answered && c->orm_bias > 0) {
		/* A real reward model is wrong about an answer, not about each
		 * solution by itself: it believes some wrong answers and doubts
		 * some right ones, whoever writes them.  That error does not
		 * average away over many samples, and a search that selects by
		 * the ORM (MAgICoRe's top-k) drifts towards the answers it
		 * believes.  Seeded by the problem and the answer, not the run. */
		char claim[40];
		sim_format_number(st.claim, claim, sizeof claim);
		struct rng b;
		rng_seed(&b, hash_str(hash_str(0x0b1a5, p->text), claim));
		mean += c->orm_bias * rng_normal(&b);
	}
	struct rng r;
	rng_seed(&r, prefix_seed(seed, "orm", p, steps, nsteps));
	return clampd(mean + c->orm_noise * rng_normal(&r), 0.01, 0.99);
}

