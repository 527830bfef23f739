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
static char *critique_with(const struct sim_problem *p, const char *const *steps, size_t nsteps,
			   const double *scores,
			   double recall, double false_alarm, struct rng *r)
{
	/* errors in harder problems are harder to see (ProcessBench) */
	recall = clampd(recall * (1.15 - 0.05 * p->difficulty), 0, 1);
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
		else if (rng_uniform(r) < false_alarm)
			false_flag = rng_range(r, 0, (int)nsteps - 1);
	} else if (first < 0 && nsteps && rng_uniform(r) < false_alarm) {
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
	return critique_with(p, steps, nsteps, NULL, c->critic_recall, c->critic_false, r);
}

/* A model reviewing its own answer finds its own mistakes less often than
 * another model does, and "finds" mistakes in right answers more often:
 * intrinsic self-correction does not help on average (Huang et al. 2023,
 * "Large Language Models Cannot Self-Correct Reasoning Yet"). */
char *sim_self_critique(const struct sim_problem *p, const struct sim_cfg *c,
			const char *const *steps, size_t nsteps, struct rng *r)
{
	return critique_with(p, steps, nsteps, NULL, c->critic_recall * 0.35, clampd(2 * c->critic_false, 0, 0.9), r);
}

char *sim_review(const struct sim_problem *p, const struct sim_cfg *c,
		 const char *const *steps, const double *scores, size_t nsteps, struct rng *r)
{
	return critique_with(p, steps, nsteps, scores, c->critic_recall, c->critic_false, r);
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
	double say_wrong = right ? c->critic_false * 1.5 : c->critic_recall * (trap ? 0.6 : 1.0);
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

char *sim_revise(const struct sim_problem *p, const struct sim_cfg *c, const char *const *steps, size_t nsteps,
		 double temp, struct rng *r)
{
	/* what the model sees in its own attempt: a self-critique's findings
	 * (Huang et al.: as often wrong as right), then a refiner's fix */
	char *crit = sim_self_critique(p, c, steps, nsteps, r);
	char *out = sim_refine(p, c, steps, nsteps, crit, temp, r);
	free(crit);
	return out;
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

/* ---- the reward models ----
 *
 * Real PRMs and ORMs are far from oracles: open PRMs often miss the first
 * wrong step and flag right ones, more so on harder problems (Zheng et
 * al. 2024, ProcessBench), and an ORM's best-of-N gain flattens out and
 * turns over as N grows because it believes some wrong answers (Lightman
 * et al. 2023; Snell et al. 2024).  So the sim's verifiers score on the
 * logit scale: a right step (every step so far right, Math-Shepherd's
 * label) at +sep/2, a wrong one at -sep/2, the separation shrinking with
 * the problem's difficulty, plus errors that do not average away:
 *   - along the path (AR(1), rho 0.8): a PRM that likes a solution likes
 *     its next step too;
 *   - per answer: every solution reaching the same answer shares it, for
 *     the PRM's answering step and for the ORM (orm_bias);
 *   - per step or per solution (prm_noise, orm_noise).
 * With the defaults the solution-level AUC of the PRM's last step is about
 * 0.9 at difficulty 1 and 0.7 at 9, 0.78 on the default mix (the ORM's
 * 0.86); tests/bench/sim_verifiers.sh prints them. */

static double sigmoid(double x)
{
	return 1.0 / (1.0 + exp(-x));
}

/* The separation of right from wrong on the logit scale at difficulty d:
 * 2.08 at 1, 1.0 at 10 (with an error of about unit sd, AUC 0.93 to 0.76
 * before traps and clamping take their share). */
static double separation(const struct sim_problem *p)
{
	int d = p->difficulty < 1 ? 1 : p->difficulty > 10 ? 10 : p->difficulty;
	return 2.2 - 0.12 * d;
}

#define SIM_PATH_SD 0.7   /* the error a path carries from step to step */
#define SIM_PATH_RHO 0.8
#define SIM_ANSWER_SD 0.5 /* the PRM's error about an answer */

/* An error about an answer: seeded by the problem and the answer alone,
 * so every solution, every run and every search that reaches it shares it. */
static double answer_error(const struct sim_problem *p, const char *tag, double claim)
{
	char v[40];
	sim_format_number(claim, v, sizeof v);
	struct rng b;
	rng_seed(&b, hash_str(hash_str(hash_str(0x0b1a5, tag), p->text), v));
	return rng_normal(&b);
}

void sim_prm(const struct sim_problem *p, const struct sim_cfg *c, uint64_t seed,
	     const char *const *steps, size_t nsteps, double *out)
{
	struct step_info *info = xcalloc(nsteps ? nsteps : 1, sizeof *info);
	struct sim_state st;
	sim_replay(p, steps, nsteps, &st, info);
	double sep = separation(p), path = 0;
	int trapped = 0;
	for (size_t i = 0; i < nsteps; i++) {
		const struct step_info *si = &info[i];
		struct rng r;
		rng_seed(&r, prefix_seed(seed, "prm", p, steps, i + 1));
		double eta = rng_normal(&r), e = rng_normal(&r);
		path = i == 0 ? SIM_PATH_SD * eta
			      : SIM_PATH_RHO * path + sqrt(1 - SIM_PATH_RHO * SIM_PATH_RHO) * SIM_PATH_SD * eta;
		trapped |= si->trap;
		double mean;
		if (si->prefix_ok)
			mean = sep / 2;
		else if (trapped && si->v != SV_SLIP && si->v != SV_SKIP)
			mean = 0; /* a plausible wrong quantity, and what follows from it */
		else
			mean = -sep / 2;
		double z = mean + path + c->prm_noise * e;
		if (si->answered)
			z += SIM_ANSWER_SD * answer_error(p, "prm", si->claim);
		out[i] = clampd(sigmoid(z), 0.01, 0.99);
	}
	free(info);
}

double sim_orm(const struct sim_problem *p, const struct sim_cfg *c, uint64_t seed,
	       const char *const *steps, size_t nsteps)
{
	struct sim_state st;
	sim_replay(p, steps, nsteps, &st, NULL);
	double sep = separation(p);
	double mean = !st.answered ? -sep : st.prefix_ok && sim_same(st.claim, p->answer) ? sep / 2
		      : sim_same(st.claim, p->answer)                                     ? sep / 4
											  : -sep / 2;
	/* A real reward model is wrong about an answer, not about each
	 * solution by itself: it believes some wrong answers and doubts some
	 * right ones, whoever writes them.  That error does not average away
	 * over many samples, and a search that selects by the ORM drifts
	 * towards the answers it believes. */
	if (st.answered)
		mean += c->orm_bias * answer_error(p, "orm", st.claim);
	struct rng r;
	rng_seed(&r, prefix_seed(seed, "orm", p, steps, nsteps));
	return clampd(sigmoid(mean + c->orm_noise * rng_normal(&r)), 0.01, 0.99);
}
