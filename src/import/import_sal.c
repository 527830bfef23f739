/* import_sal: Hugging Face search-and-learn's result rows (best-of-N,
 * beam search, DVTS): {problem, answer, completions: [N texts], scores:
 * [N lists of per-step PRM scores], pred, completion_tokens}.  In canopy:
 * each completion a chain of steps (cut at blank lines, as its PRM cut
 * them) scored step by step; completions that share steps (beam search)
 * share nodes; a vote over their answers, and pred as the final answer. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "steps.h"
#include "util.h"

/* The child of parent whose text is exactly this, or NODE_NONE. */
static int32_t child_with_text(const struct tree *t, int32_t parent, const char *s, size_t n)
{
	for (int32_t c = tree_node(t, parent)->first_child; c != NODE_NONE; c = tree_node(t, c)->next_sibling) {
		const struct node *cn = tree_node(t, c);
		if (cn->text_len == n && !memcmp(cn->text, s, n))
			return c;
	}
	return NODE_NONE;
}

static int convert(struct imp *im, const cJSON *rec, const struct import_opts *o)
{
	(void)o;
	const cJSON *problem = imp_get(im, rec, "problem", cJSON_String, 1, NULL);
	const cJSON *comps = problem ? imp_get(im, rec, "completions", cJSON_Array, 1, NULL) : NULL;
	const cJSON *scores = comps ? imp_get(im, rec, "scores", cJSON_Array, 0, NULL) : NULL;
	size_t n = comps ? (size_t)cJSON_GetArraySize(comps) : 0;
	if (comps && !n)
		imp_fail(im, "completions: empty");
	if (scores && (size_t)cJSON_GetArraySize(scores) != n)
		imp_fail(im, "scores: %d lists for %zu completions", cJSON_GetArraySize(scores), n);
	if (imp_failed(im))
		return -1;
	const cJSON *tokens = cJSON_GetObjectItemCaseSensitive(rec, "completion_tokens");
	if (!cJSON_IsArray(tokens) || (size_t)cJSON_GetArraySize(tokens) != n)
		tokens = NULL;
	char *gold = imp_text(cJSON_GetObjectItemCaseSensitive(rec, "answer"));
	cJSON *st = cJSON_CreateObject();
	cJSON_AddStringToObject(st, "name", "search-and-learn");
	cJSON_AddNumberToObject(st, "n", (double)n);
	imp_begin(im, problem->valuestring, gold, st, NULL);
	free(gold);
	int32_t *last = xcalloc(n, sizeof *last);
	double *agg = xcalloc(n, sizeof *agg);
	size_t mismatched = 0;
	const cJSON *c;
	size_t j = 0;
	cJSON_ArrayForEach(c, comps) {
		if (imp_failed(im))
			break;
		last[j] = NODE_NONE;
		agg[j] = NAN;
		if (!cJSON_IsString(c)) {
			imp_fail(im, "completions[%zu]: not a string", j);
			break;
		}
		const cJSON *sc = scores ? cJSON_GetArrayItem(scores, (int)j) : NULL;
		size_t ns = 0;
		if (cJSON_IsArray(sc)) {
			/* beam search nests one more level: [[s1, s2, ...]] */
			if (cJSON_GetArraySize(sc) == 1 && cJSON_IsArray(sc->child))
				sc = sc->child;
			ns = (size_t)cJSON_GetArraySize(sc);
			for (const cJSON *x = sc->child; x; x = x->next)
				if (!cJSON_IsNumber(x)) {
					imp_fail(im, "scores[%zu]: not a list of numbers", j);
					break;
				}
		} else if (sc && !cJSON_IsNumber(sc)) {
			imp_fail(im, "scores[%zu]: not a list of numbers", j);
		}
		if (imp_failed(im))
			break;
		imp_unit(im, "sample");
		const char *text = c->valuestring;
		struct step_span *sp;
		size_t k = steps_split(text, strlen(text), &sp);
		/* a PRM that scored none of the steps: they are kept, unscored */
		if (cJSON_IsArray(sc) && ns == 0)
			sc = NULL;
		int one_node = sc && cJSON_IsArray(sc) && ns != k;
		if (one_node) {
			/* a PRM that cut the steps otherwise: keep the whole
			 * completion, scored by its last step */
			mismatched++;
			sp[0].p = text;
			sp[0].n = strlen(text);
			k = 1;
		}
		if (!k) {
			sp = xrealloc(sp, sizeof *sp);
			sp[0].p = text;
			sp[0].n = 0;
			k = 1;
		}
		const cJSON *tk = tokens ? cJSON_GetArrayItem(tokens, (int)j) : NULL;
		uint32_t tok = cJSON_IsNumber(tk) ? util_u32(tk->valuedouble) : 0;
		size_t total = 0;
		for (size_t i = 0; i < k; i++)
			total += sp[i].n;
		int32_t cur = 0;
		uint32_t left = tok;
		for (size_t i = 0; i < k && !imp_failed(im); i++) {
			uint32_t t = i + 1 == k ? left
					: (uint32_t)((double)tok * (double)sp[i].n / (double)(total ? total : 1));
			if (t > left)
				t = left;
			left -= t;
			int32_t id = child_with_text(imp_tree(im), cur, sp[i].p, sp[i].n);
			if (id == NODE_NONE) {
				id = imp_node(im, cur, NODE_STEP, sp[i].p, sp[i].n, t, 0, -1);
				if (id == NODE_NONE)
					break;
				double s = NAN;
				if (cJSON_IsNumber(sc))
					s = i + 1 == k ? sc->valuedouble : NAN;
				else if (sc)
					s = one_node ? cJSON_GetArrayItem(sc, (int)ns - 1)->valuedouble
						     : cJSON_GetArrayItem(sc, (int)i)->valuedouble;
				imp_score(im, id, s, NAN);
			}
			cur = id;
		}
		free(sp);
		last[j] = cur;
		agg[j] = tree_node(imp_tree(im), cur)->prm; /* "last", the default aggregation */
		j++;
	}
	if (mismatched)
		imp_warn(im, "%zu completion%s had a number of scores other than its blank-line steps; "
			     "each is one node scored by its last score",
			 mismatched, mismatched == 1 ? "" : "s");
	if (!imp_failed(im)) {
		int32_t vnode;
		for (size_t i = 0; i < n; i++)
			if (isnan(agg[i]))
				agg[i] = 0;
		const char *maj = imp_vote(im, last, agg, n, 1, &vnode);
		/* pred: the completion search-and-learn chose */
		const cJSON *pred = cJSON_GetObjectItemCaseSensitive(rec, "pred");
		int32_t pnode = NODE_NONE;
		size_t i = 0;
		for (const cJSON *x = comps->child; x && cJSON_IsString(pred); x = x->next, i++)
			if (!strcmp(x->valuestring, pred->valuestring)) {
				pnode = last[i];
				break;
			}
		if (pnode != NODE_NONE)
			imp_final(im, tree_node(imp_tree(im), pnode)->answer, pnode,
				  "pred: the completion with the best PRM score");
		else
			imp_final(im, maj, vnode, "weighted vote: PRM scores (last step) summed by answer");
	}
	free(last);
	free(agg);
	return imp_failed(im) ? -1 : 0;
}

const struct import_format import_sal = {
	.name = "search-and-learn",
	.what = "search-and-learn result rows: completions with per-step scores (JSON Lines; --index: the row)",
	.record = convert,
};
