#include "calib.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "util.h"

struct prefix {
	uint64_t h;
	int32_t id;
};

static int by_hash(const void *a, const void *b)
{
	uint64_t x = ((const struct prefix *)a)->h, y = ((const struct prefix *)b)->h;
	return (x > y) - (x < y);
}

void calib_labels(const struct tree *t, const char *gold, signed char *label)
{
	size_t n = tree_count(t);
	memset(label, 0, n);
	if (!gold || !n)
		return;
	/* children come after their parents: one pass from the newest up */
	for (size_t i = n; i-- > 0;) {
		const struct node *nd = tree_node(t, (int32_t)i);
		if (nd->answer && node_kind_states_answer((enum node_kind)nd->kind))
			label[i] = answer_equal(nd->answer, gold) ? 1 : label[i] == 1 ? 1 : -1;
		if (i > 0 && label[i]) {
			signed char *p = &label[nd->parent];
			if (label[i] == 1 || *p == 0)
				*p = label[i] == 1 ? 1 : -1;
		}
	}
	/* a step whose whole path, text for text, is a labelled step's is
	 * the same partial solution: it shares the label (a beam prunes
	 * copies of what it keeps) */
	struct prefix *pf = xcalloc(n, sizeof *pf);
	uint64_t *h = xcalloc(n, sizeof *h);
	for (size_t i = 0; i < n; i++) {
		const struct node *nd = tree_node(t, (int32_t)i);
		h[i] = hash_bytes(i ? h[nd->parent] : 1469598103934665603ull, nd->text, nd->text_len);
		pf[i] = (struct prefix){h[i], (int32_t)i};
	}
	qsort(pf, n, sizeof *pf, by_hash);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		signed char l = 0;
		for (; j < n && pf[j].h == pf[i].h; j++)
			if (label[pf[j].id] == 1 || (label[pf[j].id] == -1 && l == 0))
				l = label[pf[j].id];
		for (size_t k = i; k < j && l; k++)
			if (!label[pf[k].id])
				label[pf[k].id] = l;
		i = j;
	}
	free(pf);
	free(h);
}

int calib_inversion(const struct tree *t, const signed char *label, int32_t id, int32_t *over)
{
	const struct node *n = tree_node(t, id);
	if (!n || id == 0 || label[id] != -1 || isnan(n->prm))
		return 0;
	int32_t best = NODE_NONE;
	for (int32_t s = tree_node(t, n->parent)->first_child; s != NODE_NONE; s = tree_node(t, s)->next_sibling) {
		const struct node *sn = tree_node(t, s);
		if (label[s] == 1 && !isnan(sn->prm) && sn->prm < n->prm &&
		    (best == NODE_NONE || sn->prm < tree_node(t, best)->prm))
			best = s;
	}
	if (over)
		*over = best;
	return best != NODE_NONE;
}

static void add(struct calib_hist *h, double v, int right)
{
	if (isnan(v) || !right)
		return;
	/* scores are floats: 0.9f is 0.89999998, which belongs in 0.9-1.0 */
	int b = (int)floor(v * CALIB_BINS + 1e-6);
	b = b < 0 ? 0 : b >= CALIB_BINS ? CALIB_BINS - 1 : b;
	if (right > 0) {
		h->right[b]++;
		h->nright++;
	} else {
		h->wrong[b]++;
		h->nwrong++;
	}
}

struct scored {
	double v;
	int right;
};

static int by_value(const void *a, const void *b)
{
	double x = ((const struct scored *)a)->v, y = ((const struct scored *)b)->v;
	return (x > y) - (x < y);
}

/* Mann-Whitney: over every (right, wrong) pair, how often the right one
 * scores higher, ties counting half. */
static double auc(struct scored *s, size_t n)
{
	qsort(s, n, sizeof *s, by_value);
	double wins = 0;
	size_t nr = 0, nw = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i, r = 0, w = 0;
		while (j < n && s[j].v == s[i].v) {
			r += s[j].right > 0;
			w += s[j].right < 0;
			j++;
		}
		/* each right one here beats the wrong ones below it, ties half */
		wins += (double)r * (double)nw + 0.5 * (double)r * (double)w;
		nr += r;
		nw += w;
		i = j;
	}
	return nr && nw ? wins / ((double)nr * (double)nw) : NAN;
}

static void finish(struct calib_hist *h, struct scored *s, size_t n)
{
	h->auc = auc(s, n);
}

void calib_steps(const struct tree *t, const signed char *label, struct calib_hist *prm)
{
	memset(prm, 0, sizeof *prm);
	size_t n = tree_count(t), k = 0;
	struct scored *s = xcalloc(n ? n : 1, sizeof *s);
	for (size_t i = 1; i < n; i++) {
		const struct node *nd = tree_node(t, (int32_t)i);
		if (nd->answer || isnan(nd->prm) || !label[i])
			continue;
		add(prm, nd->prm, label[i]);
		s[k++] = (struct scored){nd->prm, label[i]};
	}
	finish(prm, s, k);
	free(s);
}

/* A solution the calibration counts: a node stating an answer (not one
 * quoting it), labelled.  The same for one trace's view and for bench's
 * pooled AUC, so that the two agree. */
static int labelled_solution(const struct node *nd, signed char label)
{
	return nd->answer && label && node_kind_states_answer((enum node_kind)nd->kind);
}

void calib_solutions(const struct tree *t, const signed char *label, struct calib_hist *prm, struct calib_hist *orm)
{
	memset(prm, 0, sizeof *prm);
	memset(orm, 0, sizeof *orm);
	size_t n = tree_count(t), kp = 0, ko = 0;
	struct scored *sp = xcalloc(n ? n : 1, sizeof *sp), *so = xcalloc(n ? n : 1, sizeof *so);
	for (size_t i = 1; i < n; i++) {
		const struct node *nd = tree_node(t, (int32_t)i);
		if (!labelled_solution(nd, label[i]))
			continue;
		if (!isnan(nd->prm)) {
			add(prm, nd->prm, label[i]);
			sp[kp++] = (struct scored){nd->prm, label[i]};
		}
		if (!isnan(nd->orm)) {
			add(orm, nd->orm, label[i]);
			so[ko++] = (struct scored){nd->orm, label[i]};
		}
	}
	finish(prm, sp, kp);
	finish(orm, so, ko);
	free(sp);
	free(so);
}

int32_t calib_lost_at(const struct tree *t, const signed char *label, int32_t leaf, int32_t *alt)
{
	if (!tree_node(t, leaf) || label[leaf] != -1)
		return NODE_NONE; /* nothing was lost on the way to a right answer */
	int32_t path[1024];
	size_t len = tree_path(t, leaf, path, 1024);
	if (len > 1024)
		len = 1024;
	for (size_t i = 1; i < len; i++) {
		const struct node *on = tree_node(t, path[i]);
		for (int32_t s = tree_node(t, on->parent)->first_child; s != NODE_NONE;
		     s = tree_node(t, s)->next_sibling) {
			const struct node *sn = tree_node(t, s);
			if (s != path[i] && (sn->flags & NF_PRUNED) && label[s] == 1 && !isnan(sn->prm) &&
			    (isnan(on->prm) || sn->prm > on->prm)) {
				*alt = s;
				return path[i];
			}
		}
	}
	return NODE_NONE;
}

static void pool_push(struct calib_pool *p, int which, double v, signed char right)
{
	if (p->n[which] == p->cap[which]) {
		p->cap[which] = p->cap[which] ? 2 * p->cap[which] : 256;
		p->v[which] = xrealloc(p->v[which], p->cap[which] * sizeof *p->v[which]);
		p->right[which] = xrealloc(p->right[which], p->cap[which] * sizeof *p->right[which]);
	}
	p->v[which][p->n[which]] = v;
	p->right[which][p->n[which]++] = right;
}

void calib_pool_add(struct calib_pool *p, const struct tree *t, const char *gold)
{
	size_t n = tree_count(t);
	if (!gold || !n)
		return;
	signed char *label = xcalloc(n, 1);
	calib_labels(t, gold, label);
	for (size_t i = 1; i < n; i++) {
		const struct node *nd = tree_node(t, (int32_t)i);
		if (!labelled_solution(nd, label[i]))
			continue;
		if (!isnan(nd->prm))
			pool_push(p, 0, nd->prm, label[i]);
		if (!isnan(nd->orm))
			pool_push(p, 1, nd->orm, label[i]);
	}
	free(label);
}

double calib_pool_auc(const struct calib_pool *p, int which, size_t *nright, size_t *nwrong)
{
	size_t n = p->n[which];
	struct scored *s = xcalloc(n ? n : 1, sizeof *s);
	size_t r = 0;
	for (size_t i = 0; i < n; i++) {
		s[i] = (struct scored){p->v[which][i], p->right[which][i]};
		r += p->right[which][i] > 0;
	}
	double a = auc(s, n);
	free(s);
	*nright = r;
	*nwrong = n - r;
	return a;
}

void calib_pool_free(struct calib_pool *p)
{
	for (int w = 0; w < 2; w++) {
		free(p->v[w]);
		free(p->right[w]);
	}
	memset(p, 0, sizeof *p);
}

void calib_mean_sd(const double *x, size_t n, double *mean, double *sd)
{
	double mu = 0, sq = 0;
	for (size_t i = 0; i < n; i++)
		mu += x[i];
	mu /= n ? (double)n : 1;
	for (size_t i = 0; i < n; i++)
		sq += (x[i] - mu) * (x[i] - mu);
	*mean = mu;
	*sd = sqrt(sq / (n ? (double)n : 1));
}

double calib_sign_test(unsigned a, unsigned b)
{
	unsigned n = a + b, k = a < b ? a : b;
	if (!n)
		return 1;
	/* 2 P(X <= k), X ~ Bin(n, 1/2), each term in logs to stay finite */
	double sum = 0;
	for (unsigned i = 0; i <= k; i++)
		sum += exp(lgamma(n + 1.0) - lgamma(i + 1.0) - lgamma(n - i + 1.0) - n * log(2.0));
	return fmin(1, 2 * sum);
}
