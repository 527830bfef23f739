/* vote: answers grouped into clusters by equivalence (answer.c's rules),
 * each with its count, its summed weight and its nodes; the strategies'
 * votes and the UI's votes view are made of these. */
#include "vote.h"

#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "util.h"

/* An answer normalised once, with its value when it is a number, so that
 * grouping N answers into C clusters normalises N times, not N x C. */
struct answer_key {
	char *norm;
	int is_num;
	double num;
};

static void key_make(struct answer_key *k, const char *answer)
{
	k->norm = answer_normalize(answer);
	k->is_num = answer_number(k->norm, &k->num);
}

static int key_equal(const struct answer_key *a, const struct answer_key *b)
{
	if (a->is_num || b->is_num)
		return a->is_num && b->is_num && answer_numbers_equal(a->num, b->num);
	return answer_equal_normalized(a->norm, b->norm);
}

size_t vote_clusters(const struct tree *t, const int32_t *nodes, const double *weight, size_t n,
		     struct vote_cluster **out)
{
	return vote_clusters_assign(t, nodes, weight, n, out, NULL);
}

size_t vote_clusters_assign(const struct tree *t, const int32_t *nodes, const double *weight,
			    size_t n, struct vote_cluster **out, size_t *assign)
{
	struct vote_cluster *c = xcalloc(n ? n : 1, sizeof *c);
	int32_t **members = xcalloc(n ? n : 1, sizeof *members);
	struct answer_key *keys = xcalloc(n ? n : 1, sizeof *keys);
	size_t nc = 0;
	for (size_t i = 0; i < n; i++) {
		const struct node *nd = tree_node(t, nodes[i]);
		if (assign)
			assign[i] = SIZE_MAX;
		if (!nd || !nd->answer)
			continue;
		struct answer_key k;
		key_make(&k, nd->answer);
		size_t j;
		for (j = 0; j < nc; j++)
			if (key_equal(&keys[j], &k))
				break;
		if (j == nc) {
			c[nc].answer = xstrdup(nd->answer);
			members[nc] = xcalloc(n, sizeof **members);
			keys[nc] = k;
			nc++;
		} else {
			free(k.norm);
		}
		members[j][c[j].nnodes++] = nodes[i];
		if (assign)
			assign[i] = j;
		c[j].count++;
		c[j].weight += weight ? weight[i] : 1.0;
	}
	for (size_t j = 0; j < nc; j++) {
		c[j].nodes = members[j];
		free(keys[j].norm);
	}
	free(keys);
	free(members);
	*out = c;
	return nc;
}

void vote_free(struct vote_cluster *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((void *)c[i].answer);
		free((void *)c[i].nodes);
	}
	free(c);
}

size_t vote_winner(const struct vote_cluster *c, size_t n, int by_weight)
{
	size_t best = 0;
	for (size_t i = 1; i < n; i++) {
		double a = by_weight ? c[i].weight : c[i].count;
		double b = by_weight ? c[best].weight : c[best].count;
		if (a > b)
			best = i;
	}
	return best;
}

size_t vote_majority(const char *const *answers, size_t n, size_t *count)
{
	size_t best = 0, best_count = 0;
	for (size_t i = 0; i < n; i++) {
		size_t c = 0;
		for (size_t j = 0; j < n; j++)
			c += answers[i] && answers[j] && answer_equal(answers[i], answers[j]);
		if (c > best_count) {
			best_count = c;
			best = i;
		}
	}
	if (count)
		*count = best_count;
	return best;
}
