/* sim_problem: the simulated reasoner's problems: generated word problems
 * (with distractors on demand), and reading a problem text back, a word
 * problem canopy wrote or plain arithmetic such as "What is (17+25)*3-8?".
 * Also the numbers and symbols every part of the sim writes. */
#include "sim.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "sim_int.h"

void sim_cfg_default(struct sim_cfg *c)
{
	c->error_scale = 1.0;
	/* the verifiers' errors on the logit scale (sim_judge.c), and a
	 * critic that misses errors and flags right steps as ProcessBench's
	 * critics do */
	c->prm_noise = 0.5;
	c->orm_noise = 0.8;
	c->critic_recall = 0.7;
	c->critic_false = 0.15;
	c->fix_prob = 0.75;
	c->orm_bias = 0.6;
	c->trap_scale = 1;
}

/* ---- numbers and symbols ---- */

const char *const sim_op_sym[] = {"+", "\xE2\x88\x92", "\xC3\x97", "\xC3\xB7"};

double sim_apply_op(enum sim_op op, double a, double b)
{
	switch (op) {
	case SIM_ADD: return a + b;
	case SIM_SUB: return a - b;
	case SIM_MUL: return a * b;
	case SIM_DIV: return b != 0 ? a / b : NAN;
	}
	return NAN;
}

int sim_same(double a, double b)
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
		double y = sim_apply_op(t->op, x, v);
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
			double y = sim_apply_op(t->op, x, v);
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
	p->steps[p->nsteps] = (struct sim_plan_step){op, a, b, sim_apply_op(op, va, vb)};
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

