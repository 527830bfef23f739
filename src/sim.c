#include "sim.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"

void sim_cfg_default(struct sim_cfg *c)
{
	c->error_scale = 1.0;
	c->prm_noise = 0.12;
	c->orm_noise = 0.12;
	c->critic_recall = 0.8;
	c->critic_false = 0.05;
	c->fix_prob = 0.75;
	c->orm_bias = 0;
	c->trap_scale = 1;
}

/* ---- numbers and symbols ---- */

static const char *const op_sym[] = {"+", "\xE2\x88\x92", "\xC3\x97", "\xC3\xB7"};

static double apply_op(enum sim_op op, double a, double b)
{
	switch (op) {
	case SIM_ADD: return a + b;
	case SIM_SUB: return a - b;
	case SIM_MUL: return a * b;
	case SIM_DIV: return b != 0 ? a / b : NAN;
	}
	return NAN;
}

static int same(double a, double b)
{
	return fabs(a - b) <= 1e-9 * fmax(1.0, fabs(b));
}

void sim_format_number(double v, char *buf, size_t len)
{
	if (!isfinite(v)) {
		snprintf(buf, len, "undefined");
		return;
	}
	if (fabs(v - round(v)) < 1e-9 && fabs(v) < 1e15) {
		snprintf(buf, len, "%lld", (long long)llround(v));
		return;
	}
	snprintf(buf, len, "%.4f", v);
	char *e = buf + strlen(buf) - 1;
	while (*e == '0')
		*e-- = '\0';
	if (*e == '.')
		*e = '\0';
}

uint32_t sim_tokens(const char *s)
{
	/* words of up to six letters are one token, longer ones one per
	 * four letters; numbers one per three digits; symbols one each */
	uint32_t n = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		if (isspace(*p)) {
			p++;
		} else if (isalpha(*p)) {
			size_t k = 0;
			while (isalpha(p[k]))
				k++;
			n += k <= 6 ? 1 : (uint32_t)(k + 3) / 4;
			p += k;
		} else if (isdigit(*p)) {
			size_t k = 0;
			while (isdigit(p[k]))
				k++;
			n += (uint32_t)(k + 2) / 3;
			p += k;
		} else {
			int l = utf8_seq_len(p, strlen((const char *)p));
			p += l ? l : 1;
			n++;
		}
	}
	return n ? n : 1;
}

/* ---- word problems ---- */

static const char *const names[] = {"Mia", "Noah", "Ava", "Liam", "Zoe", "Omar",
				    "Lena", "Ravi", "Sofia", "Kenji", "Amara", "Diego"};
static const char name_she[] = {1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0};
static const char *const units[] = {"rolls", "marbles", "stickers", "apples", "pencils",
				    "cookies", "stamps", "shells", "cards", "beads"};

/* One sentence shape per operation; the parser recognises a sentence by
 * its key phrase. */
struct wtemplate {
	enum sim_op op;
	const char *key;
	const char *fmt; /* %1$s pronoun, %2$s number, %3$s unit */
};

static const struct wtemplate wtemplates[] = {
	{SIM_ADD, " buys ", "Then %s buys %s more %s."},
	{SIM_ADD, " finds ", "Then %s finds %s more %s."},
	{SIM_SUB, " gives away ", "Then %s gives away %s %s."},
	{SIM_SUB, " sells ", "Then %s sells %s %s."},
	{SIM_MUL, " times as large", "Then the number of %3$s %1$s has becomes %2$s times as large."},
	{SIM_DIV, " equally into ", "Then %s splits the %3$s equally into %2$s bags and keeps one bag."},
};
#define NTEMPLATES (sizeof wtemplates / sizeof wtemplates[0])

/* How hard a problem is for the simulated solver, from what the text
 * shows: its number of operations and the size of its numbers.  Generated
 * and parsed problems go through the same function, so the error model
 * is the same whichever way the sim met the problem. */
static int structural_difficulty(const struct sim_problem *p)
{
	double big = 0;
	for (int i = 0; i < p->nnumbers; i++)
		big = fmax(big, fabs(p->numbers[i]));
	double d = (p->nsteps - 2) * 1.8 + 1 + (big > 30 ? 1 : 0);
	return (int)clampd(round(d), 1, 10);
}

static void add_number(struct sim_problem *p, double v)
{
	if (p->nnumbers < SIM_MAX_NUMBERS)
		p->numbers[p->nnumbers++] = v;
}

void sim_problem_generate(uint64_t seed, int difficulty, struct sim_problem *p)
{
	sim_problem_generate_mix(seed, difficulty, 1, p);
}

void sim_problem_generate_mix(uint64_t seed, int difficulty, double trap_scale, struct sim_problem *p)
{
	struct rng r;
	rng_seed(&r, hash_u64(0x5eed, seed));
	memset(p, 0, sizeof *p);
	p->trap = -1;
	int d = difficulty >= 1 && difficulty <= 10 ? difficulty : rng_range(&r, 3, 8);
	p->difficulty = d;
	int ni = rng_range(&r, 0, (int)(sizeof names / sizeof names[0]) - 1);
	const char *name = names[ni], *pron = name_she[ni] ? "she" : "he";
	const char *unit = units[rng_range(&r, 0, (int)(sizeof units / sizeof units[0]) - 1)];
	snprintf(p->unit, sizeof p->unit, "%s", unit);
	int k = 2 + (d - 1) * 5 / 9; /* 2 steps at difficulty 1, 7 at 10 */

	char buf[256], na[32], nb[32];
	double a = rng_range(&r, 2, 5 + 2 * d), b = rng_range(&r, 3, 6 + 2 * d);
	snprintf(na, sizeof na, "%.0f", a);
	snprintf(nb, sizeof nb, "%.0f", b);
	snprintf(p->text, sizeof p->text, "%s has %s boxes with %s %s in each box.", name, na, nb, unit);
	add_number(p, a);
	add_number(p, b);
	p->steps[0] = (struct sim_plan_step){SIM_MUL, {-1, a}, {-1, b}, a * b};
	double x = a * b;
	int distractor_at = d >= 4 && rng_uniform(&r) < (0.3 + 0.05 * d) * trap_scale ? rng_range(&r, 1, k - 1) : -1;
	for (int i = 1; i < k; i++) {
		if (i == distractor_at) {
			/* an irrelevant number; the step after it is the trap */
			p->has_distractor = 1;
			p->distractor = rng_range(&r, 3, 9 + 2 * d);
			p->trap = i;
			snprintf(na, sizeof na, "%.0f", p->distractor);
			snprintf(buf, sizeof buf, " %s's neighbour has %s %s.", name, na, unit);
			strncat(p->text, buf, sizeof p->text - strlen(p->text) - 1);
			add_number(p, p->distractor);
		}
		const struct wtemplate *t;
		double v;
		for (;;) {
			t = &wtemplates[rng_range(&r, 0, NTEMPLATES - 1)];
			if (t->op == SIM_ADD) {
				v = rng_range(&r, 2, 10 * d);
			} else if (t->op == SIM_SUB) {
				if (x < 4)
					continue;
				v = rng_range(&r, 1, (int)fmin(x - 1, 10.0 * d));
			} else if (t->op == SIM_MUL) {
				if (x > 5000)
					continue;
				v = rng_range(&r, 2, d < 5 ? 3 : 4);
			} else {
				int divs[16], nd = 0;
				for (int q = 2; q <= 12 && nd < 16; q++)
					if (fmod(x, q) == 0 && x / q >= 2)
						divs[nd++] = q;
				if (!nd)
					continue;
				v = divs[rng_range(&r, 0, nd - 1)];
			}
			break;
		}
		snprintf(nb, sizeof nb, "%.0f", v);
		snprintf(buf, sizeof buf, " ");
		size_t off = strlen(buf);
		snprintf(buf + off, sizeof buf - off, t->fmt, pron, nb, unit);
		strncat(p->text, buf, sizeof p->text - strlen(p->text) - 1);
		add_number(p, v);
		double y = apply_op(t->op, x, v);
		p->steps[i] = (struct sim_plan_step){t->op, {i - 1, 0}, {-1, v}, y};
		x = y;
	}
	snprintf(buf, sizeof buf, " How many %s does %s have now?", unit, name);
	strncat(p->text, buf, sizeof p->text - strlen(p->text) - 1);
	p->nsteps = k;
	p->answer = x;
	p->difficulty = structural_difficulty(p);
}

/* ---- understanding a problem text ---- */

static int read_int_after(const char *s, const char *end, double *out, const char **next)
{
	while (s < end && !isdigit((unsigned char)*s))
		s++;
	if (s >= end)
		return 0;
	char *e;
	*out = strtod(s, &e);
	*next = e;
	return 1;
}

static int parse_word_problem(const char *text, struct sim_problem *p)
{
	const char *s = text;
	const char *first_end = strstr(s, ". ");
	if (!first_end || !strstr(text, " boxes with ") || strstr(text, " boxes with ") > first_end)
		return 0;
	const char *q;
	double a, b;
	if (!read_int_after(s, first_end, &a, &q) || !read_int_after(q, first_end, &b, &q))
		return 0;
	/* the unit is the word after the second number */
	while (*q == ' ')
		q++;
	size_t ul = strcspn(q, " .");
	if (ul == 0 || ul >= sizeof p->unit)
		return 0;
	memcpy(p->unit, q, ul);
	p->unit[ul] = '\0';
	add_number(p, a);
	add_number(p, b);
	p->steps[0] = (struct sim_plan_step){SIM_MUL, {-1, a}, {-1, b}, a * b};
	double x = a * b;
	int k = 1;
	s = first_end + 2;
	while (*s) {
		const char *e = s;
		while (*e && !((*e == '.' || *e == '?') && (e[1] == ' ' || e[1] == '\0')))
			e++;
		size_t n = (size_t)(e - s);
		char sent[256];
		if (n >= sizeof sent)
			return 0;
		memcpy(sent, s, n);
		sent[n] = '\0';
		double v;
		const char *rest;
		if (strstr(sent, "'s neighbour has ")) {
			if (!read_int_after(sent, sent + n, &v, &rest))
				return 0;
			p->has_distractor = 1;
			p->distractor = v;
			p->trap = k;
			add_number(p, v);
		} else if (!strncmp(sent, "How many", 8)) {
			break;
		} else {
			const struct wtemplate *t = NULL;
			for (size_t i = 0; i < NTEMPLATES && !t; i++)
				if (strstr(sent, wtemplates[i].key))
					t = &wtemplates[i];
			if (!t || !read_int_after(sent, sent + n, &v, &rest) || k >= SIM_MAX_STEPS)
				return 0;
			add_number(p, v);
			double y = apply_op(t->op, x, v);
			p->steps[k] = (struct sim_plan_step){t->op, {k - 1, 0}, {-1, v}, y};
			x = y;
			k++;
		}
		s = *e ? e + 1 : e;
		while (*s == ' ')
			s++;
	}
	p->nsteps = k;
	p->answer = x;
	p->difficulty = structural_difficulty(p);
	return 1;
}

/* Recursive descent over + - * / ( ): every operator becomes a plan step,
 * in the order a person would work them out. */
struct exparser {
	const char *s;
	struct sim_problem *p;
	const char *err;
};

static struct sim_operand ex_sum(struct exparser *x);

static void ex_ws(struct exparser *x)
{
	while (*x->s == ' ')
		x->s++;
}

static struct sim_operand ex_emit(struct exparser *x, enum sim_op op, struct sim_operand a,
				  struct sim_operand b)
{
	struct sim_problem *p = x->p;
	struct sim_operand r = {-1, 0};
	if (p->nsteps >= SIM_MAX_STEPS) {
		x->err = "too many operations (at most 16)";
		return r;
	}
	double va = a.ref >= 0 ? p->steps[a.ref].result : a.val;
	double vb = b.ref >= 0 ? p->steps[b.ref].result : b.val;
	if (op == SIM_DIV && vb == 0) {
		x->err = "division by zero";
		return r;
	}
	p->steps[p->nsteps] = (struct sim_plan_step){op, a, b, apply_op(op, va, vb)};
	r.ref = p->nsteps++;
	return r;
}

static struct sim_operand ex_atom(struct exparser *x)
{
	struct sim_operand r = {-1, 0};
	ex_ws(x);
	if (*x->s == '(') {
		x->s++;
		r = ex_sum(x);
		ex_ws(x);
		if (*x->s != ')') {
			if (!x->err)
				x->err = "unbalanced parentheses";
			return r;
		}
		x->s++;
		return r;
	}
	if (*x->s == '-') {
		x->s++;
		struct sim_operand v = ex_atom(x);
		if (v.ref < 0) {
			v.val = -v.val;
			return v;
		}
		return ex_emit(x, SIM_SUB, (struct sim_operand){-1, 0}, v);
	}
	if (!isdigit((unsigned char)*x->s) && *x->s != '.') {
		if (!x->err)
			x->err = "expected a number";
		return r;
	}
	char *e;
	r.val = strtod(x->s, &e);
	x->s = e;
	add_number(x->p, r.val);
	return r;
}

static struct sim_operand ex_product(struct exparser *x)
{
	struct sim_operand a = ex_atom(x);
	for (;;) {
		ex_ws(x);
		if (x->err || (*x->s != '*' && *x->s != '/'))
			return a;
		enum sim_op op = *x->s++ == '*' ? SIM_MUL : SIM_DIV;
		a = ex_emit(x, op, a, ex_atom(x));
	}
}

static struct sim_operand ex_sum(struct exparser *x)
{
	struct sim_operand a = ex_product(x);
	for (;;) {
		ex_ws(x);
		if (x->err || (*x->s != '+' && *x->s != '-'))
			return a;
		enum sim_op op = *x->s++ == '+' ? SIM_ADD : SIM_SUB;
		a = ex_emit(x, op, a, ex_product(x));
	}
}

int sim_problem_parse(const char *text, struct sim_problem *p, char *err, size_t errlen)
{
	memset(p, 0, sizeof *p);
	p->trap = -1;
	if (strlen(text) >= sizeof p->text) {
		snprintf(err, errlen, "problem text is too long for the sim backend (%zu bytes)",
			 sizeof p->text - 1);
		return -1;
	}
	snprintf(p->text, sizeof p->text, "%s", text);
	if (parse_word_problem(text, p))
		return 0;
	memset(p, 0, sizeof *p);
	p->trap = -1;
	snprintf(p->text, sizeof p->text, "%s", text);
	/* a bare arithmetic question: take the longest run of arithmetic */
	char expr[512];
	size_t best = 0, bstart = 0;
	struct strbuf norm;
	sb_init(&norm);
	for (const char *s = text; *s; s++) {
		if (!strncmp(s, "\xC3\x97", 2)) { /* × */
			sb_addc(&norm, '*');
			s++;
		} else if (!strncmp(s, "\xC3\xB7", 2)) { /* ÷ */
			sb_addc(&norm, '/');
			s++;
		} else if (!strncmp(s, "\xE2\x88\x92", 3)) { /* − */
			sb_addc(&norm, '-');
			s += 2;
		} else {
			sb_addc(&norm, *s);
		}
	}
	for (size_t i = 0; i < norm.len;) {
		if (!strchr("0123456789.+-*/() ", norm.s[i])) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < norm.len && strchr("0123456789.+-*/() ", norm.s[j]))
			j++;
		size_t digits = 0;
		for (size_t k = i; k < j; k++)
			digits += isdigit((unsigned char)norm.s[k]) != 0;
		if (digits && j - i > best) {
			best = j - i;
			bstart = i;
		}
		i = j;
	}
	if (!best || best >= sizeof expr) {
		sb_free(&norm);
		snprintf(err, errlen, "the sim backend cannot read this problem "
				      "(it knows its own word problems and arithmetic such as \"What is (17+25)*3-8?\")");
		return -1;
	}
	memcpy(expr, norm.s + bstart, best);
	expr[best] = '\0';
	sb_free(&norm);
	/* a trailing full stop belongs to the sentence, not the number */
	size_t el = strlen(expr);
	while (el && (expr[el - 1] == ' ' || expr[el - 1] == '.'))
		expr[--el] = '\0';
	struct exparser x = {expr, p, NULL};
	struct sim_operand res = ex_sum(&x);
	ex_ws(&x);
	if (!x.err && *x.s)
		x.err = "unexpected character";
	if (!x.err && p->nsteps == 0)
		x.err = "there is nothing to calculate";
	if (x.err) {
		snprintf(err, errlen, "cannot read the arithmetic \"%s\": %s (at column %d)", expr,
			 x.err, (int)(x.s - expr) + 1);
		return -1;
	}
	p->answer = res.ref >= 0 ? p->steps[res.ref].result : res.val;
	p->difficulty = structural_difficulty(p);
	return 0;
}

/* ---- reading steps ---- */

struct arith {
	double a, b, c;
	enum sim_op op;
};

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

enum step_verdict { SV_OK, SV_SLIP, SV_OPERAND, SV_SKIP, SV_EXTRA, SV_NONE };

struct step_info {
	enum step_verdict v;
	int plan;            /* plan step it performed, or -1 */
	double ea, eb, ec;   /* what it should have computed */
	int has_arith;
	struct arith ar;
	int prefix_ok;       /* this and every earlier step are right */
	int answered;
	double claim;        /* the answer it states */
	int trap;            /* a wrong operand that is the distractor */
};

struct sim_state {
	int pos;
	double vals[SIM_MAX_STEPS];
	int have[SIM_MAX_STEPS];
	int nsteps;   /* arithmetic steps so far, for numbering */
	int prefix_ok;
	int answered;
	double claim;
	double last;  /* the last claimed value */
};

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
static void replay(const struct sim_problem *p, const char *const *steps, size_t n,
		   struct sim_state *st, struct step_info *info)
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
					si.ec = apply_op(p->steps[st->pos].op, si.ea, si.eb);
				} else {
					si.ea = resolve(p, st, ps->a);
					si.eb = resolve(p, st, ps->b);
					si.ec = apply_op(ps->op, si.ea, si.eb);
				}
				int operands = (same(si.ar.a, si.ea) && same(si.ar.b, si.eb)) ||
					       ((ps->op == SIM_ADD || ps->op == SIM_MUL) &&
						same(si.ar.a, si.eb) && same(si.ar.b, si.ea));
				int arith = same(si.ar.c, apply_op(si.ar.op, si.ar.a, si.ar.b));
				if (skip)
					si.v = SV_SKIP;
				else if (!operands)
					si.v = SV_OPERAND;
				else if (!arith)
					si.v = SV_SLIP;
				else
					si.v = SV_OK;
				si.trap = si.v == SV_OPERAND && p->has_distractor &&
					  same(si.ar.b, p->distractor);
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
				si.v = same(claim, st->last) ? SV_OK : SV_SLIP;
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
	replay(p, steps, nsteps, &st, NULL);
	return st.prefix_ok && st.answered && same(st.claim, p->answer);
}

double sim_logprob(const struct sim_problem *p, const char *const *steps, size_t nsteps, const char *text,
		   uint64_t seed)
{
	const char **all = xcalloc(nsteps + 1, sizeof *all);
	if (nsteps)
		memcpy(all, steps, nsteps * sizeof *all);
	all[nsteps] = text;
	struct sim_state st;
	replay(p, all, nsteps + 1, &st, NULL);
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
		g->b = same(nb, g->b) ? g->b + 1 : nb;
	}
	if (kind == 3) {
		const struct sim_plan_step *nx = &p->steps[j + 1];
		g->op = nx->op;
		g->b = resolve(p, st, nx->b);
		g->newpos = j + 2;
	}
	if (g->op == SIM_DIV && g->b == 0)
		g->b = 1;
	g->c = apply_op(g->op, g->a, g->b);
	if (kind == 1)
		g->c = slip(g->c, forced < 0 ? &fixed : r, p->unit[0] != '\0');
}

static void add_arith(struct strbuf *sb, const struct sim_problem *p, const struct gen *g)
{
	char a[40], b[40], c[40];
	sim_format_number(g->a, a, sizeof a);
	sim_format_number(g->b, b, sizeof b);
	sim_format_number(g->c, c, sizeof c);
	sb_printf(sb, "%s %s %s = %s%s%s.", a, op_sym[g->op], b, c, p->unit[0] ? " " : "", p->unit);
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
	replay(p, steps, nsteps, &st, NULL);
	return write_step(p, c, &st, temp, r, 0);
}

/* Continues from the given steps to an answer; returns the new steps
 * joined by newlines.  first_forced: write the first new step correctly. */
static char *continue_solution(const struct sim_problem *p, const struct sim_cfg *c,
			       const char *const *steps, size_t nsteps, double temp, struct rng *r,
			       int first_forced /* as gen_step's forced */)
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
		replay(p, all, n, &st, NULL);
		if (st.answered)
			break;
		char *s = write_step(p, c, &st, temp, r, k == 0 ? first_forced : 0);
		mine[n] = s;
		all[n++] = s;
		if (sb.len)
			sb_addc(&sb, '\n');
		sb_adds(&sb, s);
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
	return continue_solution(p, c, steps, nsteps, temp, r, 0);
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
	replay(p, steps, nsteps, &st, NULL);
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
		sb_printf(&sb, "What is %s %s %s?", a, op_sym[g.op], b);
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
	replay(p, steps, before - 1, &st, NULL);
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

/* ---- judging ---- */

static void explain(struct strbuf *sb, const struct sim_problem *p, const struct step_info *si)
{
	char a[40], b[40], c[40], w[40];
	sim_format_number(si->ea, a, sizeof a);
	sim_format_number(si->eb, b, sizeof b);
	sim_format_number(si->ec, c, sizeof c);
	switch (si->v) {
	case SV_SLIP:
		sim_format_number(si->ar.c, w, sizeof w);
		sb_printf(sb, "%s %s %s is %s, not %s.", a, op_sym[p->steps[si->plan].op], b, c, w);
		break;
	case SV_OPERAND:
		sim_format_number(si->ar.b, w, sizeof w);
		if (si->trap)
			sb_printf(sb, "The %s is not part of the question; the step should use %s.", w, b);
		else
			sb_printf(sb, "It uses %s where it should use %s.", w, b);
		break;
	case SV_SKIP:
		sb_printf(sb, "It skips a step: %s %s %s = %s has to come first.", a,
			  op_sym[p->steps[si->plan - 1].op], b, c);
		break;
	default:
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
	replay(p, steps, nsteps, &st, info);
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
	replay(p, steps, nsteps, &st, info);
	int right = st.prefix_ok && st.answered && same(st.claim, p->answer);
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
	replay(p, steps, nsteps, &st, info);
	int was_right = info[k - 1].v == SV_OK || info[k - 1].v == SV_NONE;
	free(info);
	int mode;
	if (was_right)
		mode = rng_uniform(r) < 0.6 ? -1 : 1;
	else
		mode = rng_uniform(r) < c->fix_prob ? 1 : 0;
	char *rest = continue_solution(p, c, steps, k - 1, temp, r, mode);
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
	replay(p, steps, nsteps, &st, info);
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
	replay(p, steps, nsteps, &st, NULL);
	double mean = !st.answered ? 0.1 : same(st.claim, p->answer) ? 0.78 : 0.3;
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
