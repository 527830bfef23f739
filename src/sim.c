/* sim: the simulated reasoner's solutions: reading the steps of any
 * text (what each claims, whether it follows), and writing steps with the
 * mistakes of a real model (slips, wrong operands, skipped steps,
 * distractors taken).  Problems are sim_problem.c's; the verifiers' and
 * critics' judgements sim_judge.c's. */
#include "sim.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "sim_int.h"

/* ---- reading steps ---- */

static int read_number(const char **ps, double *out)
{
	const char *s = *ps;
	if (!(isdigit((unsigned char)*s) ||
	      (*s == '-' && isdigit((unsigned char)s[1]))))
		return 0;
	char *e;
	*out = strtod(s, &e);
	*ps = e;
	return 1;
}

static int read_op(const char **ps, enum sim_op *op)
{
	const char *s = *ps;
	static const struct {
		const char *sym;
		enum sim_op op;
	} ops[] = {{"+", SIM_ADD}, {"-", SIM_SUB}, {"\xE2\x88\x92", SIM_SUB}, {"*", SIM_MUL},
		   {"\xC3\x97", SIM_MUL}, {"x", SIM_MUL}, {"/", SIM_DIV}, {"\xC3\xB7", SIM_DIV}};
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		size_t n = strlen(ops[i].sym);
		if (!strncmp(s, ops[i].sym, n)) {
			*op = ops[i].op;
			*ps = s + n;
			return 1;
		}
	}
	return 0;
}

/* Finds "A op B = C" in a step's text. */
static int parse_arith(const char *text, struct arith *ar)
{
	for (const char *s = text; *s; s++) {
		if (s > text && (isdigit((unsigned char)s[-1]) || s[-1] == '.'))
			continue;
		const char *p = s;
		if (!read_number(&p, &ar->a))
			continue;
		while (*p == ' ')
			p++;
		if (!read_op(&p, &ar->op))
			continue;
		while (*p == ' ')
			p++;
		if (!read_number(&p, &ar->b))
			continue;
		while (*p == ' ')
			p++;
		if (*p++ != '=')
			continue;
		while (*p == ' ')
			p++;
		if (!read_number(&p, &ar->c))
			continue;
		return 1;
	}
	return 0;
}

static double resolve(const struct sim_problem *p, const struct sim_state *st,
		      struct sim_operand o)
{
	int guard = 0;
	while (o.ref >= 0 && guard++ < SIM_MAX_STEPS) {
		if (st->have[o.ref])
			return st->vals[o.ref];
		o = p->steps[o.ref].a; /* a skipped step: what it started from */
	}
	return o.ref >= 0 ? NAN : o.val;
}

static int read_claim(const char *text, double *out)
{
	char *a = answer_extract(text, strlen(text));
	if (!a)
		return 0;
	char *n = answer_normalize(a);
	int ok = answer_number(n, out);
	free(a);
	free(n);
	return ok;
}

/* Replays the steps against the plan: where the solution stands, which
 * values it claims, and a verdict on each step. */
void sim_replay(const struct sim_problem *p, const char *const *steps, size_t n, struct sim_state *st,
		struct step_info *info)
{
	memset(st, 0, sizeof *st);
	st->prefix_ok = 1;
	st->last = NAN;
	for (size_t i = 0; i < n; i++) {
		struct step_info si;
		memset(&si, 0, sizeof si);
		si.plan = -1;
		si.v = SV_NONE;
		const char *t = steps[i];
		int reanswer = !strncmp(t, "Re-answer", 9);
		si.has_arith = parse_arith(t, &si.ar);
		if (si.has_arith) {
			int j;
			int skip = 0;
			if (reanswer && st->pos > 0) {
				j = st->pos - 1;
			} else if (reanswer || st->pos >= p->nsteps) {
				j = -1;
			} else if (si.ar.op == p->steps[st->pos].op) {
				j = st->pos;
			} else if (st->pos + 1 < p->nsteps && si.ar.op == p->steps[st->pos + 1].op &&
				   p->steps[st->pos + 1].a.ref == st->pos) {
				j = st->pos + 1;
				skip = 1;
			} else {
				j = st->pos;
			}
			if (j < 0) {
				si.v = SV_EXTRA;
			} else {
				const struct sim_plan_step *ps = &p->steps[j];
				si.plan = j;
				if (skip) {
					si.ea = resolve(p, st, p->steps[st->pos].a);
					si.eb = resolve(p, st, p->steps[st->pos].b);
					si.ec = sim_apply_op(p->steps[st->pos].op, si.ea, si.eb);
				} else {
					si.ea = resolve(p, st, ps->a);
					si.eb = resolve(p, st, ps->b);
					si.ec = sim_apply_op(ps->op, si.ea, si.eb);
				}
				int operands = (sim_same(si.ar.a, si.ea) && sim_same(si.ar.b, si.eb)) ||
					       ((ps->op == SIM_ADD || ps->op == SIM_MUL) &&
						sim_same(si.ar.a, si.eb) && sim_same(si.ar.b, si.ea));
				int arith = sim_same(si.ar.c, sim_apply_op(si.ar.op, si.ar.a, si.ar.b));
				if (skip)
					si.v = SV_SKIP;
				else if (!operands)
					si.v = SV_OPERAND;
				else if (!arith)
					si.v = SV_SLIP;
				else
					si.v = SV_OK;
				si.trap = si.v == SV_OPERAND && p->has_distractor &&
					  sim_same(si.ar.b, p->distractor);
				st->vals[j] = si.ar.c;
				st->have[j] = 1;
				if (!reanswer)
					st->pos = j + 1;
			}
			if (!reanswer)
				st->nsteps++;
			st->last = si.ar.c;
		}
		double claim;
		if (read_claim(t, &claim)) {
			si.answered = 1;
			si.claim = claim;
			st->answered = 1;
			st->claim = claim;
			if (!si.has_arith) /* a bare "The answer is X" */
				si.v = sim_same(claim, st->last) ? SV_OK : SV_SLIP;
		}
		if (si.v != SV_OK && si.v != SV_NONE)
			st->prefix_ok = 0;
		si.prefix_ok = st->prefix_ok;
		if (info)
			info[i] = si;
	}
}

int sim_steps_correct(const struct sim_problem *p, const char *const *steps, size_t nsteps)
{
	struct sim_state st;
	sim_replay(p, steps, nsteps, &st, NULL);
	return st.prefix_ok && st.answered && sim_same(st.claim, p->answer);
}

double sim_logprob(const struct sim_problem *p, const char *const *steps, size_t nsteps, const char *text,
		   uint64_t seed)
{
	const char **all = xcalloc(nsteps + 1, sizeof *all);
	if (nsteps)
		memcpy(all, steps, nsteps * sizeof *all);
	all[nsteps] = text;
	struct sim_state st;
	sim_replay(p, all, nsteps + 1, &st, NULL);
	free(all);
	struct rng r;
	rng_seed(&r, hash_str(hash_u64(seed, 0x10970b), text));
	double lp = -0.4 - (st.prefix_ok ? 0 : 0.35) + 0.2 * rng_normal(&r);
	return lp < -0.01 ? lp : -0.01;
}

/* ---- writing steps ---- */

struct gen {
	double a, b, c;
	enum sim_op op;
	int newpos;
};

static double mistake_prob(const struct sim_problem *p, const struct sim_cfg *c, int j, double temp)
{
	double base = (0.01 + 0.022 * p->difficulty) * (0.35 + 0.8 * temp);
	double hard = p->steps[j].op == SIM_MUL || p->steps[j].op == SIM_DIV ? 1.25 : 0.75;
	return clampd(base * hard * c->error_scale, 0, 0.9);
}

static double slip(double v, struct rng *r, int whole)
{
	static const double deltas[] = {1, -1, 2, -2, 10, -10, 3, -4};
	double d = deltas[rng_range(r, 0, 7)];
	double w = v + d;
	if (whole && w < 0)
		w = v + fabs(d);
	if (!whole && fabs(v - round(v)) > 1e-9)
		w = v + d / 10.0;
	return w;
}

/* Decides what the solver writes for the next plan step, mistakes and
 * all.  forced: 1 writes the correct step, -1 a slip (a refiner that was
 * told a right step is wrong and "fixes" it), 0 as the error model says. */
static void gen_step(const struct sim_problem *p, const struct sim_cfg *c, const struct sim_state *st,
		     double temp, struct rng *r, int forced, struct gen *g)
{
	int j = st->pos;
	const struct sim_plan_step *ps = &p->steps[j];
	g->op = ps->op;
	g->a = resolve(p, st, ps->a);
	g->b = resolve(p, st, ps->b);
	g->newpos = j + 1;
	double u = rng_uniform(r), v = rng_uniform(r);
	int kind = forced < 0 ? 1 : 0; /* 0 correct, 1 slip, 2 operand, 3 skip */
	/* Told that a right step is wrong, a refiner makes the plausible
	 * change, and the same one each time: the tempting irrelevant number
	 * where the step has one, else one fixed misreading of this step.
	 * Random slips would scatter over many answers and never outvote
	 * anything; real over-corrections agree. */
	struct rng fixed = {0};
	if (forced < 0)
		rng_seed(&fixed, hash_u64(hash_str(0x0c0aec7, p->text), (uint64_t)j));
	if (forced < 0 && p->has_distractor && j == p->trap) {
		g->b = p->distractor;
		kind = 0;
	}
	if (!forced) {
		if (j == p->trap && p->has_distractor &&
		    u < clampd((0.35 + 0.04 * p->difficulty) * (0.6 + 0.5 * temp) * c->error_scale, 0, 0.9)) {
			g->b = p->distractor;
		} else if (u < mistake_prob(p, c, j, temp)) {
			kind = v < 0.5 ? 1 : v < 0.75 ? 2 : 3;
		}
	}
	if (kind == 3 && !(j + 1 < p->nsteps && p->steps[j + 1].a.ref == j))
		kind = 1;
	if (kind == 2 && p->nnumbers > 1) {
		double nb = p->numbers[rng_range(r, 0, p->nnumbers - 1)];
		g->b = sim_same(nb, g->b) ? g->b + 1 : nb;
	}
	if (kind == 3) {
		const struct sim_plan_step *nx = &p->steps[j + 1];
		g->op = nx->op;
		g->b = resolve(p, st, nx->b);
		g->newpos = j + 2;
	}
	if (g->op == SIM_DIV && g->b == 0)
		g->b = 1;
	g->c = sim_apply_op(g->op, g->a, g->b);
	if (kind == 1)
		g->c = slip(g->c, forced < 0 ? &fixed : r, p->unit[0] != '\0');
}

static void add_arith(struct strbuf *sb, const struct sim_problem *p, const struct gen *g)
{
	char a[40], b[40], c[40];
	sim_format_number(g->a, a, sizeof a);
	sim_format_number(g->b, b, sizeof b);
	sim_format_number(g->c, c, sizeof c);
	sb_printf(sb, "%s %s %s = %s%s%s.", a, sim_op_sym[g->op], b, c, p->unit[0] ? " " : "", p->unit);
}

static void add_answer_if_done(struct strbuf *sb, const struct sim_problem *p, const struct gen *g)
{
	if (g->newpos >= p->nsteps) {
		char c[40];
		sim_format_number(g->c, c, sizeof c);
		sb_printf(sb, " The answer is %s.", c);
	}
}

static char *write_step(const struct sim_problem *p, const struct sim_cfg *c, const struct sim_state *st,
			double temp, struct rng *r, int forced)
{
	struct strbuf sb;
	sb_init(&sb);
	if (st->pos >= p->nsteps) {
		char v[40];
		sim_format_number(isnan(st->last) ? p->answer : st->last, v, sizeof v);
		sb_printf(&sb, "The answer is %s.", v);
		return sb_steal(&sb);
	}
	struct gen g;
	gen_step(p, c, st, temp, r, forced, &g);
	sb_printf(&sb, "Step %d: ", st->nsteps + 1);
	add_arith(&sb, p, &g);
	add_answer_if_done(&sb, p, &g);
	return sb_steal(&sb);
}

char *sim_next_step(const struct sim_problem *p, const struct sim_cfg *c,
		    const char *const *steps, size_t nsteps, double temp, struct rng *r)
{
	struct sim_state st;
	sim_replay(p, steps, nsteps, &st, NULL);
	return write_step(p, c, &st, temp, r, 0);
}

/* Continues from the given steps to an answer; returns the new steps
 * joined by newlines.  first_forced: write the first new step correctly. */
char *sim_continue_solution(const struct sim_problem *p, const struct sim_cfg *c, const char *const *steps,
			    size_t nsteps, double temp, struct rng *r, int first_forced)
{
	size_t cap = nsteps + SIM_MAX_STEPS + 4, n = nsteps;
	const char **all = xcalloc(cap, sizeof *all);
	char **mine = xcalloc(cap, sizeof *mine);
	if (nsteps)
		memcpy(all, steps, nsteps * sizeof *all);
	struct strbuf sb;
	sb_init(&sb);
	for (int k = 0; n < cap; k++) {
		struct sim_state st;
		sim_replay(p, all, n, &st, NULL);
		if (st.answered)
			break;
		char *s = write_step(p, c, &st, temp, r, k == 0 ? first_forced : 0);
		mine[n] = s;
		all[n++] = s;
		if (sb.len)
			sb_addc(&sb, '\n');
		sb_adds(&sb, s);
	}
	if (!sb.len) {
		/* asked to go on from a solution that already states its
		 * answer (rStar's A2 after such a step): a model restates it */
		struct sim_state st;
		sim_replay(p, all, n, &st, NULL);
		char v[40];
		sim_format_number(st.claim, v, sizeof v);
		sb_printf(&sb, "The answer is %s.", v);
	}
	for (size_t i = nsteps; i < n; i++)
		free(mine[i]);
	free(mine);
	free(all);
	return sb_steal(&sb);
}

char *sim_solution(const struct sim_problem *p, const struct sim_cfg *c,
		   const char *const *steps, size_t nsteps, double temp, struct rng *r)
{
	return sim_continue_solution(p, c, steps, nsteps, temp, r, 0);
}

static const char *const subq_phrase[] = {
	"How many %s are there after adding %s?",
	"How many %s are left after taking away %s?",
	"How many %s are there after multiplying by %s?",
	"How many %s are in each of %s equal parts?",
};

char *sim_subquestion(const struct sim_problem *p, const struct sim_cfg *c,
		      const char *const *steps, size_t nsteps, double temp, struct rng *r)
{
	struct sim_state st;
	sim_replay(p, steps, nsteps, &st, NULL);
	if (st.pos >= p->nsteps)
		return write_step(p, c, &st, temp, r, 0);
	struct gen g;
	gen_step(p, c, &st, temp, r, 0, &g);
	struct strbuf sb;
	sb_init(&sb);
	char a[40], b[40];
	sim_format_number(g.a, a, sizeof a);
	sim_format_number(g.b, b, sizeof b);
	sb_printf(&sb, "Sub-question %d: ", st.nsteps + 1);
	if (p->unit[0])
		sb_printf(&sb, subq_phrase[g.op], p->unit, b);
	else
		sb_printf(&sb, "What is %s %s %s?", a, sim_op_sym[g.op], b);
	sb_adds(&sb, " Answer: ");
	add_arith(&sb, p, &g);
	add_answer_if_done(&sb, p, &g);
	return sb_steal(&sb);
}

char *sim_reanswer(const struct sim_problem *p, const struct sim_cfg *c,
		   const char *const *steps, size_t nsteps, double temp, struct rng *r)
{
	/* answer the last sub-question again, from where it started */
	struct sim_state st;
	size_t before = nsteps;
	while (before > 0 && !parse_arith(steps[before - 1], &(struct arith){0}))
		before--;
	if (before == 0)
		return sim_next_step(p, c, steps, nsteps, temp, r);
	sim_replay(p, steps, before - 1, &st, NULL);
	if (st.pos >= p->nsteps)
		return sim_next_step(p, c, steps, nsteps, temp, r);
	struct gen g;
	gen_step(p, c, &st, temp, r, 0, &g);
	struct strbuf sb;
	sb_init(&sb);
	sb_adds(&sb, "Re-answer: ");
	add_arith(&sb, p, &g);
	add_answer_if_done(&sb, p, &g);
	return sb_steal(&sb);
}

char *sim_rephrase(const struct sim_problem *p)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_adds(&sb, "Rephrased: Given:");
	const char *s = p->text;
	int k = 1;
	while (*s) {
		const char *e = s;
		while (*e && !((*e == '.' || *e == '?') && (e[1] == ' ' || e[1] == '\0')))
			e++;
		int question = *e == '?';
		if (question)
			sb_printf(&sb, " Question: %.*s?", (int)(e - s), s);
		else
			sb_printf(&sb, " (%d) %.*s.", k++, (int)(e - s), s);
		s = *e ? e + 1 : e;
		while (*s == ' ')
			s++;
	}
	return sb_steal(&sb);
}

