/* import_sal: Hugging Face search-and-learn's result rows (best-of-N,
 * beam search, DVTS): {problem, answer, completions: [N texts], scores:
 * [N lists of per-step PRM scores], pred, completion_tokens}.  In canopy:
 * each completion a chain of steps cut at "\n\n" as its PRM cut them (the
 * number of scores says which PRM's count: one a piece for RLHFlow and
 * Qwen, an empty last piece included; none for it in Math-Shepherd's),
 * scored step by step; completions that share steps (beam search, DVTS)
 * share nodes; a vote over their answers, and pred as the final answer. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "import.h"
#include "steps.h"
#include "util.h"

/* The pieces between "\n\n", as Python's str.split("\n\n") makes them
 * (empty ones included); each piece keeps its text without the
 * separator. */
static size_t sal_pieces(const char *text, struct step_span **out)
{
	size_t n = 0, cap = 8;
	struct step_span *sp = xcalloc(cap, sizeof *sp);
	const char *p = text;
	for (;;) {
		const char *q = strstr(p, "\n\n");
		if (n == cap)
			sp = xrealloc(sp, (cap *= 2) * sizeof *sp);
		sp[n].p = p;
		sp[n].n = q ? (size_t)(q - p) : strlen(p);
		n++;
		if (!q)
			break;
		p = q + 2;
	}
	*out = sp;
	return n;
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
		size_t k;
		/* A PRM scores the pieces between "\n\n" (search-and-learn's
		 * step separator), each by its own count: RLHFlow's splits
		 * with str.split (an empty piece after a closing blank line is
		 * scored too) and so does Qwen-2.5-Math-PRM (an <extra_0> after
		 * every piece, the last included); Math-Shepherd tags " ки"
		 * before each "\n\n", and at the end only when the text does
		 * not end in one.  The count of scores says which was used. */
		size_t npieces = sal_pieces(text, &sp);
		int trailing_blank = strlen(text) >= 2 && !strcmp(text + strlen(text) - 2, "\n\n");
		if (cJSON_IsArray(sc) && ns == npieces)
			k = npieces; /* RLHFlow, Qwen: every piece, empty ones too */
		else if (cJSON_IsArray(sc) && trailing_blank && ns + 1 == npieces)
			k = ns; /* Math-Shepherd: no score for the empty last piece */
		else if (!cJSON_IsArray(sc) || ns == 0) {
			/* unscored (or a PRM that scored none): the non-empty pieces */
			free(sp);
			k = steps_split(text, strlen(text), &sp);
			if (cJSON_IsArray(sc) && ns == 0)
				sc = NULL;
		} else
			k = 0; /* counted some other way */
		int one_node = sc && cJSON_IsArray(sc) && k == 0;
		if (one_node && !npieces)
			sp = xrealloc(sp, sizeof *sp);
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
		/* the answer is read from the whole completion and belongs to
		 * its last piece (which may be the empty one a PRM scored) */
		imp_auto_answer(im, 0);
		for (size_t i = 0; i < k && !imp_failed(im); i++) {
			uint32_t t = i + 1 == k ? left
					: (uint32_t)((double)tok * (double)sp[i].n / (double)(total ? total : 1));
			if (t > left)
				t = left;
			left -= t;
			int32_t id = tree_child_with_text(imp_tree(im), cur, sp[i].p, sp[i].n);
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
				if (!sp[i].n && sc) {
					/* say what an empty step is doing in the tree */
					static const char *const keys[] = {"piece"};
					double pv = (double)i + 1;
					imp_verdict(im, id, "empty piece",
						    "the PRM scored the empty piece after a blank line (RLHFlow and "
						    "Qwen split with str.split)",
						    keys, &pv, 1);
				}
			}
			cur = id;
		}
		imp_auto_answer(im, 1);
		if (cur > 0 && !tree_node(imp_tree(im), cur)->answer) {
			char *a = answer_extract(text, strlen(text));
			if (a)
				imp_answer(im, cur, a);
			free(a);
		}
		free(sp);
		last[j] = cur;
		agg[j] = tree_node(imp_tree(im), cur)->prm; /* "last", the default aggregation */
		j++;
	}
	if (mismatched)
		imp_warn(im, "%zu completion%s had a number of scores no PRM convention gives for its \"\\n\\n\" pieces "
			     "(RLHFlow and Qwen: one a piece; Math-Shepherd: none for an empty last one); "
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
