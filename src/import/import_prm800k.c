/* import_prm800k: OpenAI's PRM800K labelled steps.  Each record is one
 * labelled solution: at every step the labeller rated one or more
 * candidate completions (-1, 0, +1) and chose one (or wrote their own),
 * which the next step continues.  In canopy: the candidates are
 * siblings scored (rating + 1) / 2, the chosen ones are the path.  A
 * phase 2 record also holds the generated solution that was rated, whole
 * (pre_generated_steps, _answer, _verifier_score): its path and answer. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "util.h"

/* "...\n\n# Answer\n\n28800": PRM800K's last step states the answer so,
 * on a line of its own. */
static char *stated_answer(const char *text)
{
	static const char mark[] = "# Answer";
	const char *at = NULL;
	for (const char *p = text; (p = strstr(p, mark)); p++)
		if (p == text || p[-1] == '\n')
			at = p;
	if (!at)
		return NULL;
	const char *p = at + sizeof mark - 1;
	while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t' || *p == ':')
		p++;
	size_t n = strlen(p);
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	return n ? xstrndup(p, n) : NULL;
}

/* One rated completion: a node under parent, its rating as a score and
 * a verdict.  human: the labeller wrote it. */
static int32_t completion(struct imp *im, int32_t parent, const cJSON *c, const char *where,
			  int human)
{
	const cJSON *text = imp_get(im, c, "text", cJSON_String, 1, where);
	if (!text)
		return NODE_NONE;
	const cJSON *rating = imp_get(im, c, "rating", cJSON_Number, 0, where);
	if (imp_failed(im))
		return NODE_NONE;
	int32_t id = imp_node(im, parent, NODE_STEP, text->valuestring, strlen(text->valuestring), 0, 0, -1);
	char *a = stated_answer(text->valuestring);
	if (a && !tree_node(imp_tree(im), id)->answer)
		imp_answer(im, id, a);
	free(a);
	if (rating) {
		double r = rating->valuedouble;
		if (r != -1 && r != 0 && r != 1)
			return imp_fail(im, "%s.rating: %g, not -1, 0 or 1", where, r), NODE_NONE;
		imp_score(im, id, (r + 1) / 2, NAN);
		const cJSON *fl = cJSON_GetObjectItemCaseSensitive(c, "flagged");
		static const char *const keys[] = {"rating", "flagged", "human"};
		double vals[3] = {r, cJSON_IsTrue(fl), human};
		imp_verdict(im, id, "rating", r > 0 ? "good" : r < 0 ? "bad" : "neutral", keys, vals, 3);
	} else if (human) {
		static const char *const keys[] = {"human"};
		static const double one = 1;
		imp_verdict(im, id, "rating", "human", keys, &one, 1);
	}
	return id;
}

static int convert(struct imp *im, const cJSON *rec, const struct import_opts *o)
{
	(void)o;
	const cJSON *q = imp_get(im, rec, "question", cJSON_Object, 1, NULL);
	const cJSON *problem = q ? imp_get(im, q, "problem", cJSON_String, 1, "question") : NULL;
	const cJSON *label = problem ? imp_get(im, rec, "label", cJSON_Object, 1, NULL) : NULL;
	const cJSON *steps = label ? imp_get(im, label, "steps", cJSON_Array, 1, "label") : NULL;
	if (!steps)
		return -1;
	char *gold = imp_text(cJSON_GetObjectItemCaseSensitive(q, "ground_truth_answer"));
	const cJSON *fin = imp_get(im, label, "finish_reason", cJSON_String, 0, "label");
	cJSON *st = cJSON_CreateObject();
	cJSON_AddStringToObject(st, "name", "prm800k");
	if (fin)
		cJSON_AddStringToObject(st, "finish_reason", fin->valuestring);
	const cJSON *gen = cJSON_GetObjectItemCaseSensitive(rec, "generation");
	if (cJSON_IsNumber(gen))
		cJSON_AddNumberToObject(st, "generation", gen->valuedouble);
	imp_begin(im, problem->valuestring, gold, st, NULL);
	free(gold);
	int32_t cur = 0, last = 0;
	size_t i = 0;
	const cJSON *s;
	cJSON_ArrayForEach(s, steps) {
		char where[64];
		snprintf(where, sizeof where, "label.steps[%zu]", i);
		if (!cJSON_IsObject(s)) {
			imp_fail(im, "%s: not an object", where);
			break;
		}
		if (cur == NODE_NONE) {
			imp_fail(im, "%s: a step after one with no chosen completion", where);
			break;
		}
		imp_unit(im, "step");
		const cJSON *comps = imp_get(im, s, "completions", cJSON_Array, 1, where);
		if (!comps)
			break;
		size_t nc = (size_t)cJSON_GetArraySize(comps), j = 0;
		int32_t *ids = xcalloc(nc ? nc : 1, sizeof *ids);
		const cJSON *c;
		cJSON_ArrayForEach(c, comps) {
			char cw[128];
			snprintf(cw, sizeof cw, "%s.completions[%zu]", where, j);
			ids[j++] = completion(im, cur, c, cw, 0);
		}
		/* phase 1: an object; older dumps: the text alone */
		const cJSON *h = cJSON_GetObjectItemCaseSensitive(s, "human_completion");
		int32_t hid = NODE_NONE;
		char hw[128];
		snprintf(hw, sizeof hw, "%s.human_completion", where);
		if (cJSON_IsObject(h))
			hid = completion(im, cur, h, hw, 1);
		else if (cJSON_IsString(h))
			hid = imp_node(im, cur, NODE_STEP, h->valuestring, strlen(h->valuestring), 0, 0, -1);
		const cJSON *ch = cJSON_GetObjectItemCaseSensitive(s, "chosen_completion");
		int32_t next = NODE_NONE;
		if (cJSON_IsNumber(ch)) {
			double k = ch->valuedouble;
			if (k < 0 || k >= (double)nc || k != floor(k))
				imp_fail(im, "%s.chosen_completion: %g, but there are %zu completions", where, k, nc);
			else
				next = ids[(size_t)k];
		} else if (ch && !cJSON_IsNull(ch)) {
			imp_fail(im, "%s.chosen_completion: not a number or null", where);
		} else {
			next = hid; /* the labeller's own, or the end */
		}
		free(ids);
		if (next != NODE_NONE) {
			imp_keep(im, (int64_t)i + 1, &next, 1);
			last = next;
		}
		cur = next;
		i++;
		if (imp_failed(im))
			break;
	}
	/* phase 2: the generated solution the labellers rated, whole, with
	 * its answer and the PRM score it was chosen by (pre_generated_*);
	 * its first steps are the rated ones, the rest were never rated
	 * (labelling stops at the first error) */
	const cJSON *pg = cJSON_GetObjectItemCaseSensitive(q, "pre_generated_steps");
	int32_t pend = NODE_NONE;
	if (!imp_failed(im) && cJSON_IsArray(pg)) {
		int32_t at = 0;
		size_t k = 0, rated = 0;
		const cJSON *step;
		cJSON_ArrayForEach(step, pg) {
			if (!cJSON_IsString(step)) {
				imp_fail(im, "question.pre_generated_steps[%zu]: not a string", k);
				break;
			}
			size_t len = strlen(step->valuestring);
			int32_t found = tree_child_with_text(imp_tree(im), at, step->valuestring, len);
			if (found == NODE_NONE) {
				if (!k || at != 0)
					imp_unit(im, "unrated");
				found = imp_node(im, at, NODE_STEP, step->valuestring, len, 0, 0, -1);
			} else {
				rated++;
			}
			at = found;
			k++;
		}
		if (!imp_failed(im) && k) {
			pend = at;
			const cJSON *pa = cJSON_GetObjectItemCaseSensitive(q, "pre_generated_answer");
			if (cJSON_IsString(pa) && !tree_node(imp_tree(im), pend)->answer)
				imp_answer(im, pend, pa->valuestring);
			const cJSON *vs = cJSON_GetObjectItemCaseSensitive(q, "pre_generated_verifier_score");
			static const char *const keys[] = {"score", "steps", "rated"};
			double vals[3] = {cJSON_IsNumber(vs) ? vs->valuedouble : NAN, (double)k, (double)rated};
			imp_verdict(im, pend, "verifier", "the PRM's score of the generated solution (pre_generated_verifier_score)",
				    keys, vals, cJSON_IsNumber(vs) ? 3 : 0);
			if (cJSON_IsNumber(vs))
				imp_score(im, pend, NAN, vs->valuedouble);
		}
	}
	if (!imp_failed(im)) {
		char reason[200];
		if (pend != NODE_NONE) {
			/* the answer the data set records for the solution */
			snprintf(reason, sizeof reason, "the generated solution's answer (pre_generated_answer)%s%s",
				 fin ? "; the labelling's finish_reason: " : "", fin ? fin->valuestring : "");
			imp_final(im, tree_node(imp_tree(im), pend)->answer, pend, reason);
		} else {
			/* the path ends at the last chosen completion */
			const struct node *ln = tree_node(imp_tree(im), last);
			snprintf(reason, sizeof reason, "the labelled path%s%s", fin ? "; finish_reason: " : "",
				 fin ? fin->valuestring : "");
			imp_final(im, ln->answer, last, reason);
		}
	}
	return imp_failed(im) ? -1 : 0;
}

const struct import_format import_prm800k = {
	.name = "prm800k",
	.what = "PRM800K labelled steps (JSON or JSON Lines; --index picks the record)",
	.record = convert,
};
