/* import_refine: the outputs of two critique-and-refine methods.
 *
 * magicore (MAgICoRe's refined_K.json, a list of problems): k solutions
 * in "reasoning" (or "iter0_reasoning") with their answers "pred", ORM
 * scores "orm_scores" and per-step PRM scores "prm_scores"; every round n
 * of refinement adds "iterN_reasoning", "iterN_pred", "iterN_orm",
 * "iterN_prm" (a copy of round 0 when the problem was judged easy), and
 * "iterN_top_*" the top k the final weighted vote ran over.
 *
 * mathcritique (MathCritique's results, JSON Lines): one record a
 * solution, {idx, dataset_type, question, answer, origin_response,
 * critic, new_response}; each round appends one record a chain, whose
 * origin_response is its chain's last new_response.  Linked by the
 * file's order, never by text: texts repeat.
 *
 * In canopy both are the rounds view's picture: solutions, critiques and
 * refinements hung under what they judge or refine, then the vote. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "critique.h"
#include "import.h"
#include "util.h"

/* ---- shared ---- */

/* The node of kind solution or refinement with exactly this text. */
static int32_t find_solution(const struct tree *t, const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 1; i < tree_count(t); i++) {
		const struct node *nd = tree_node(t, (int32_t)i);
		if ((nd->kind == NODE_SOLUTION || nd->kind == NODE_REFINEMENT) && node_text_is(nd, s, n))
			return (int32_t)i;
	}
	return NODE_NONE;
}

/* ---- magicore ---- */

struct mround {
	const cJSON *reasoning, *pred, *orm, *prm;
};

static const cJSON *field2(const cJSON *o, const char *a, const char *b)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, a);
	return v || !b ? v : cJSON_GetObjectItemCaseSensitive(o, b);
}

static int mround_get(struct imp *im, const cJSON *rec, int n, struct mround *r, size_t k)
{
	char a[4][32];
	static const char *const what[4] = {"reasoning", "pred", "orm", "prm"};
	for (int i = 0; i < 4; i++)
		snprintf(a[i], sizeof a[i], "iter%d_%s", n, what[i]);
	r->reasoning = field2(rec, a[0], n ? NULL : "reasoning");
	r->pred = field2(rec, a[1], n ? NULL : "pred");
	r->orm = field2(rec, a[2], n ? NULL : "orm_scores");
	r->prm = field2(rec, a[3], n ? NULL : "prm_scores");
	if (!r->reasoning)
		return 0;
	const cJSON *arr[4] = {r->reasoning, r->pred, r->orm, r->prm};
	for (int i = 0; i < 4; i++)
		if (arr[i] && !cJSON_IsNull(arr[i]) &&
		    (!cJSON_IsArray(arr[i]) || (size_t)cJSON_GetArraySize(arr[i]) != k))
			return imp_fail(im, "%s: not a list of %zu (one a solution)", a[i], k);
	return 1;
}

static double product(const cJSON *list)
{
	if (cJSON_IsNumber(list))
		return list->valuedouble;
	if (!cJSON_IsArray(list) || !list->child)
		return NAN;
	double p = 1;
	for (const cJSON *x = list->child; x; x = x->next)
		p *= cJSON_IsNumber(x) ? x->valuedouble : NAN;
	return p;
}

static int32_t magicore_node(struct imp *im, int32_t parent, enum node_kind kind, int round,
			     const struct mround *r, size_t i)
{
	const cJSON *text = cJSON_GetArrayItem(r->reasoning, (int)i);
	if (!cJSON_IsString(text)) {
		imp_fail(im, "iter%d_reasoning[%zu]: not a string", round, i);
		return NODE_NONE;
	}
	int32_t id = imp_node(im, parent, kind, text->valuestring, strlen(text->valuestring), 0, 0,
			      kind == NODE_SOLUTION ? -1 : round);
	/* MAgICoRe's own parse of the answer, when it made one */
	const cJSON *p = r->pred ? cJSON_GetArrayItem(r->pred, (int)i) : NULL;
	char *a = p ? imp_text(p) : answer_extract(text->valuestring, strlen(text->valuestring));
	imp_answer(im, id, a);
	free(a);
	const cJSON *o = r->orm ? cJSON_GetArrayItem(r->orm, (int)i) : NULL;
	imp_score(im, id, r->prm ? product(cJSON_GetArrayItem(r->prm, (int)i)) : NAN,
		  cJSON_IsNumber(o) ? o->valuedouble : NAN);
	return id;
}

static int same_texts(const cJSON *a, const cJSON *b)
{
	return cJSON_Compare(a, b, 1);
}

static int convert_magicore(struct imp *im, const cJSON *rec, const struct import_opts *o)
{
	(void)o;
	const cJSON *q = imp_get(im, rec, "question", cJSON_String, 1, NULL);
	const cJSON *r0 = q ? field2(rec, "iter0_reasoning", "reasoning") : NULL;
	if (q && !cJSON_IsArray(r0))
		imp_fail(im, "reasoning: missing (the k solutions, a list of texts)");
	if (imp_failed(im))
		return -1;
	size_t k = (size_t)cJSON_GetArraySize(r0);
	struct mround round0;
	int rounds = 0;
	if (mround_get(im, rec, 0, &round0, k) < 0)
		return -1;
	for (;;) {
		char key[32];
		snprintf(key, sizeof key, "iter%d_reasoning", rounds + 1);
		if (!cJSON_GetObjectItemCaseSensitive(rec, key))
			break;
		rounds++;
	}
	char *gold = imp_text(cJSON_GetObjectItemCaseSensitive(rec, "gold_answer"));
	cJSON *st = cJSON_CreateObject();
	cJSON_AddStringToObject(st, "name", "magicore");
	cJSON_AddNumberToObject(st, "k", (double)k);
	cJSON_AddNumberToObject(st, "rounds", rounds);
	imp_begin(im, q->valuestring, gold, st, NULL);
	free(gold);
	imp_auto_answer(im, 0);
	imp_unit(im, "sample");
	int32_t *cur = xcalloc(k ? k : 1, sizeof *cur), *first = xcalloc(k ? k : 1, sizeof *first),
		*prev = xcalloc(k ? k : 1, sizeof *prev);
	for (size_t i = 0; i < k && !imp_failed(im); i++)
		first[i] = prev[i] = cur[i] = magicore_node(im, 0, NODE_SOLUTION, 0, &round0, i);
	for (int n = 1; n <= rounds && !imp_failed(im); n++) {
		struct mround rn;
		if (mround_get(im, rec, n, &rn, k) < 0)
			break;
		/* the last round's conditions are the ones the file keeps */
		const char *keys[2];
		double vals[2];
		size_t nv = 0;
		static const char *const conds[] = {"cond1", "cond2"};
		for (int c = 0; c < 2 && n == rounds; c++) {
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(rec, conds[c]);
			if (cJSON_IsString(v)) {
				keys[nv] = conds[c];
				vals[nv++] = !strcmp(v->valuestring, "true");
			}
		}
		int easy = same_texts(rn.reasoning, round0.reasoning);
		imp_unit(im, "round");
		imp_verdict(im, NODE_NONE, "difficulty", easy ? "easy" : "hard", keys, vals, nv);
		memcpy(prev, cur, k * sizeof *cur);
		if (easy) {
			/* nothing refined: refine.py copies round 0 (iter{n} =
			 * iter0), so the next round refines the first solutions */
			memcpy(cur, first, k * sizeof *cur);
			continue;
		}
		for (size_t i = 0; i < k && !imp_failed(im); i++)
			cur[i] = magicore_node(im, cur[i], NODE_REFINEMENT, n, &rn, i);
	}
	/* the final weighted vote: over the top k when the file has them */
	if (!imp_failed(im)) {
		char key[4][40];
		static const char *const what[4] = {"reasoning", "pred", "orm", "prm"};
		const cJSON *top[4];
		for (int i = 0; i < 4; i++) {
			snprintf(key[i], sizeof key[i], "iter%d_top_%s", rounds, what[i]);
			top[i] = cJSON_GetObjectItemCaseSensitive(rec, key[i]);
		}
		int32_t *nodes = NULL;
		double *w = NULL;
		size_t nn = 0;
		if (rounds && cJSON_IsArray(top[0])) {
			/* each of the top k is one of the solutions the last
			 * round chose from (refine.py: iter{n} and iter{n+1}, or
			 * iter{n} alone), matched by text and ORM score, each
			 * solution once: texts repeat (a refinement that changed
			 * nothing) and must not all name one node */
			size_t tk = (size_t)cJSON_GetArraySize(top[0]);
			nodes = xcalloc(tk ? tk : 1, sizeof *nodes);
			w = xcalloc(tk ? tk : 1, sizeof *w);
			int32_t *pool = xcalloc(2 * k + 1, sizeof *pool);
			size_t npool = 0;
			for (size_t i = 0; i < k; i++)
				pool[npool++] = prev[i];
			for (size_t i = 0; i < k; i++)
				if (cur[i] != prev[i])
					pool[npool++] = cur[i];
			unsigned char *taken = xcalloc(npool ? npool : 1, 1);
			for (size_t i = 0; i < tk; i++) {
				const cJSON *t = cJSON_GetArrayItem(top[0], (int)i);
				const cJSON *tov = cJSON_GetArrayItem(top[2], (int)i);
				int32_t id = NODE_NONE;
				for (int pass = 0; pass < 2 && id == NODE_NONE && cJSON_IsString(t); pass++)
					for (size_t j = 0; j < npool && id == NODE_NONE; j++) {
						const struct node *nd = tree_node(imp_tree(im), pool[j]);
						if (taken[j] || !node_text_is(nd, t->valuestring, strlen(t->valuestring)))
							continue;
						/* first pass: the ORM score agrees too */
						if (pass == 0 && cJSON_IsNumber(tov) &&
						    !(fabs((double)nd->orm - tov->valuedouble) < 1e-6))
							continue;
						taken[j] = 1;
						id = pool[j];
					}
				if (id == NODE_NONE && cJSON_IsString(t))
					id = find_solution(imp_tree(im), t->valuestring);
				if (id == NODE_NONE)
					continue;
				const cJSON *ov = cJSON_GetArrayItem(top[2], (int)i);
				double pv = product(cJSON_GetArrayItem(top[3], (int)i));
				nodes[nn] = id;
				w[nn++] = (cJSON_IsNumber(ov) ? ov->valuedouble : 0) + (isnan(pv) ? 0 : pv);
			}
			free(pool);
			free(taken);
		} else {
			size_t total = tree_count(imp_tree(im));
			nodes = xcalloc(total, sizeof *nodes);
			w = xcalloc(total, sizeof *w);
			for (size_t i = 1; i < total; i++) {
				const struct node *nd = tree_node(imp_tree(im), (int32_t)i);
				nodes[nn] = (int32_t)i;
				w[nn++] = (isnan(nd->orm) ? 0 : nd->orm) + (isnan(nd->prm) ? 0 : nd->prm);
			}
		}
		int32_t vnode;
		const char *ans = imp_vote(im, nodes, w, nn, 1, &vnode);
		imp_final(im, ans, vnode, "weighted vote: ORM + product of the step PRM scores, by answer");
		free(nodes);
		free(w);
	}
	free(cur);
	free(first);
	free(prev);
	return imp_failed(im) ? -1 : 0;
}

const struct import_format import_magicore = {
	.name = "magicore",
	.what = "MAgICoRe refined_K.json: k solutions and their rounds of refinement (--index: the problem)",
	.record = convert_magicore,
};

/* ---- mathcritique ---- */

/* A problem's key: dataset_type and idx, else the question. */
static char *mc_key(const cJSON *rec)
{
	const cJSON *idx = cJSON_GetObjectItemCaseSensitive(rec, "idx");
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(rec, "dataset_type");
	const cJSON *q = cJSON_GetObjectItemCaseSensitive(rec, "question");
	struct strbuf sb;
	sb_init(&sb);
	if (cJSON_IsNumber(idx) || cJSON_IsString(idx)) {
		char *i = imp_text(idx);
		sb_printf(&sb, "%s#%s", cJSON_IsString(type) ? type->valuestring : "", i);
		free(i);
	} else {
		sb_printf(&sb, "?%s", cJSON_IsString(q) ? q->valuestring : "");
	}
	return sb_steal(&sb);
}

/* Whether a problem's refined records (ids, in file order) make rounds
 * of k: each record after the first k continues (its origin_response is
 * the new_response of) a record of the round before. */
static int mc_rounds_fit(const struct import_records *r, const size_t *ids, size_t n, size_t k)
{
	int fits = n % k == 0;
	for (size_t j = k; j < n && fits; j++) {
		const char *orig = cJSON_GetObjectItemCaseSensitive(r->v[ids[j]], "origin_response")->valuestring;
		size_t from = (j / k - 1) * k;
		int found = 0;
		for (size_t q = from; q < from + k && !found; q++)
			found = !strcmp(cJSON_GetObjectItemCaseSensitive(r->v[ids[q]], "new_response")->valuestring, orig);
		fits = found;
	}
	return fits;
}

static int convert_mathcritique(struct imp *im, const struct import_opts *o)
{
	struct import_records r;
	if (imp_read_records(im, o->path, &r))
		return -1;
	/* the problems, in order of first appearance */
	char **keys = xcalloc(r.n, sizeof *keys);
	size_t nkeys = 0;
	char *want = NULL;
	long index = o->index < 0 ? 0 : o->index;
	size_t *members = xcalloc(r.n, sizeof *members), nm = 0;
	size_t *keyof = xcalloc(r.n ? r.n : 1, sizeof *keyof); /* each record's problem */
	for (size_t i = 0; i < r.n; i++) {
		if (!cJSON_IsObject(r.v[i])) {
			imp_where(im, o->path, r.line[i], (long)i);
			imp_fail(im, "not an object");
			break;
		}
		char *key = mc_key(r.v[i]);
		size_t k;
		for (k = 0; k < nkeys; k++)
			if (!strcmp(keys[k], key))
				break;
		if (k == nkeys)
			keys[nkeys++] = key;
		else
			free(key);
		keyof[i] = k;
		if ((long)k == index) {
			if (!want)
				want = keys[k];
			members[nm++] = i;
		}
	}
	if (!imp_failed(im) && !want)
		imp_fail(im, "--index %ld: the file holds %zu problem%s (0 to %zu)", index, nkeys,
			 nkeys == 1 ? "" : "s", nkeys ? nkeys - 1 : 0);
	const cJSON *first = nm ? r.v[members[0]] : NULL;
	if (first) {
		imp_where(im, o->path, r.line[members[0]], (long)members[0]);
		const cJSON *q = imp_get(im, first, "question", cJSON_String, 1, NULL);
		for (size_t m = 0; m < nm && q; m++) {
			imp_where(im, o->path, r.line[members[m]], (long)members[m]);
			if (!imp_get(im, r.v[members[m]], "origin_response", cJSON_String, 1, NULL))
				break;
		}
		if (!imp_failed(im)) {
			char *ga = imp_text(cJSON_GetObjectItemCaseSensitive(first, "answer"));
			/* the gold is a whole solution ("#### 18", \boxed{}) */
			char *gold = ga ? answer_extract(ga, strlen(ga)) : NULL;
			if (!gold && ga)
				gold = xstrdup(ga);
			cJSON *st = cJSON_CreateObject();
			cJSON_AddStringToObject(st, "name", "mathcritique");
			cJSON *extra = cJSON_CreateObject();
			static const char *const carry[] = {"actor_model", "critic_model", "dataset_type", "idx"};
			for (size_t c = 0; c < 4; c++) {
				const cJSON *v = NULL;
				for (size_t m = 0; m < nm && !v; m++)
					v = cJSON_GetObjectItemCaseSensitive(r.v[members[m]], carry[c]);
				if (v)
					cJSON_AddItemToObject(extra, carry[c], cJSON_Duplicate(v, 1));
			}
			imp_begin(im, q->valuestring, gold, st, extra);
			free(ga);
			free(gold);
		}
	}
	/* Linked by the file's order, never by text (a right answer, or a
	 * T=0 copy, is written the same by several chains): the problem's
	 * records are rounds of K, one per chain, K the first size for which
	 * every later record continues a chain of the round before
	 * (evaluate-all.sh appends each round's records; test_filter.py
	 * sorts by idx, stably).  A record without a critique or refinement
	 * (an original the test pass wrote as it was) is a chain of its own. */
	size_t *refd = xcalloc(nm ? nm : 1, sizeof *refd), *plain = xcalloc(nm ? nm : 1, sizeof *plain), np = 0;
	size_t nref = 0;
	for (size_t m = 0; m < nm; m++) {
		if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(r.v[members[m]], "new_response")))
			refd[nref++] = m;
		else
			plain[np++] = m;
	}
	/* K is one for the whole file (sample_num): the first that fits
	 * every problem's records; when another fits them all too, the
	 * rounds are a guess, and the import says so */
	size_t K = 0, also = 0, fewest = SIZE_MAX;
	if (!imp_failed(im)) {
		/* each problem's refined records, in file order, gathered
		 * once: pids[pstart[p] .. pstart[p + 1]) */
		size_t *pstart = xcalloc(nkeys + 1, sizeof *pstart), *pids = xcalloc(r.n ? r.n : 1, sizeof *pids);
		size_t *nnew = xcalloc(nkeys ? nkeys : 1, sizeof *nnew), *fill = xcalloc(nkeys ? nkeys : 1, sizeof *fill);
		unsigned char *linked = xcalloc(r.n ? r.n : 1, 1);
		for (size_t i = 0; i < r.n; i++) {
			int refined = cJSON_IsString(cJSON_GetObjectItemCaseSensitive(r.v[i], "new_response"));
			linked[i] = refined && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(r.v[i], "origin_response"));
			nnew[keyof[i]] += (size_t)refined;
			pstart[keyof[i] + 1] += linked[i];
		}
		for (size_t p = 0; p < nkeys; p++)
			pstart[p + 1] += pstart[p];
		for (size_t i = 0; i < r.n; i++)
			if (linked[i])
				pids[pstart[keyof[i]] + fill[keyof[i]]++] = i;
		free(linked);
		for (size_t p = 0; p < nkeys; p++)
			if (nnew[p] && nnew[p] < fewest)
				fewest = nnew[p];
		for (size_t k = 1; k <= nref && (!K || !also); k++) {
			int fits = 1;
			for (size_t p = 0; p < nkeys && fits; p++)
				fits = mc_rounds_fit(&r, pids + pstart[p], pstart[p + 1] - pstart[p], k);
			if (fits && !K)
				K = k;
			else if (fits && k < fewest)
				also = k; /* a second reading with rounds too (one round of all always fits) */
		}
		free(pstart);
		free(pids);
		free(nnew);
		free(fill);
	}
	if (K && also && !imp_failed(im))
		imp_warn(im, "%s: the records make rounds of %zu (a chain each) or of %zu alike; taken as %zu chains",
			 o->path, K, also, K);
	int32_t *chain = xcalloc((nref > 0 ? nref : 1) + np, sizeof *chain);
	int32_t *votes = xcalloc(nm ? nm : 1, sizeof *votes);
	size_t nvotes = 0;
	if (!imp_failed(im) && nref && !K) {
		imp_where(im, o->path, r.line[members[refd[0]]], (long)members[refd[0]]);
		imp_fail(im, "the records of problem %ld do not make rounds: some origin_response is no earlier round's "
			     "new_response", index);
	}
	if (!imp_failed(im)) {
		imp_unit(im, "sample");
		/* round 0: each chain's first response, the originals after */
		for (size_t c = 0; c < K; c++) {
			const char *orig = cJSON_GetObjectItemCaseSensitive(r.v[members[refd[c]]], "origin_response")->valuestring;
			chain[c] = imp_node(im, 0, NODE_SOLUTION, orig, strlen(orig), 0, 0, -1);
		}
		for (size_t q = 0; q < np; q++) {
			const char *orig = cJSON_GetObjectItemCaseSensitive(r.v[members[plain[q]]], "origin_response")->valuestring;
			int32_t id = imp_node(im, 0, NODE_SOLUTION, orig, strlen(orig), 0, 0, -1);
			votes[nvotes++] = id;
		}
	}
	unsigned char *used = xcalloc(K ? K : 1, 1);
	for (size_t j = 0; j < nref && !imp_failed(im); j++) {
		size_t round = j / K + 1, pos = j % K;
		const cJSON *rec = r.v[members[refd[j]]];
		imp_where(im, o->path, r.line[members[refd[j]]], (long)members[refd[j]]);
		if (pos == 0) {
			imp_unit(im, "round");
			memset(used, 0, K);
		}
		/* the chain it continues: the same place if that chain's last
		 * response is its origin_response, else the first such chain */
		const char *orig = cJSON_GetObjectItemCaseSensitive(rec, "origin_response")->valuestring;
		size_t c = SIZE_MAX;
		for (size_t t = 0; t < K && c == SIZE_MAX; t++) {
			size_t cand = (pos + t) % K;
			const struct node *cn = tree_node(imp_tree(im), chain[cand]);
			if (!used[cand] && node_text_is(cn, orig, strlen(orig)))
				c = cand;
		}
		if (c == SIZE_MAX) {
			imp_fail(im, "round %zu: its origin_response is no chain's last response", round);
			break;
		}
		used[c] = 1;
		int32_t parent = chain[c];
		const cJSON *crit = cJSON_GetObjectItemCaseSensitive(rec, "critic");
		if (cJSON_IsString(crit)) {
			imp_auto_answer(im, 0); /* a critique states no answer */
			int32_t cn = imp_node(im, parent, NODE_CRITIQUE, crit->valuestring, strlen(crit->valuestring), 0, 0,
					      (int)round);
			imp_auto_answer(im, 1);
			struct critique_summary cs;
			critique_parse(crit->valuestring, &cs);
			static const char *const ck[] = {"steps", "wrong_steps", "first_wrong"};
			double cv[3] = {cs.steps, cs.wrong, cs.first_wrong};
			imp_verdict(im, cn, "critique", cs.wrong || cs.final_wrong ? "wrong" : "correct", ck, cv, 3);
			parent = cn;
		}
		const char *nr = cJSON_GetObjectItemCaseSensitive(rec, "new_response")->valuestring;
		chain[c] = imp_node(im, parent, NODE_REFINEMENT, nr, strlen(nr), 0, 0, (int)round);
		votes[nvotes++] = chain[c];
	}
	if (!imp_failed(im)) {
		/* test_filter.py --mode majority: every record of the results
		 * file votes with its response (new_response, else its
		 * origin_response), the most common answer, the first of equals */
		int32_t vnode;
		const char *ans = imp_vote(im, votes, NULL, nvotes, 0, &vnode);
		char reason[160];
		snprintf(reason, sizeof reason,
			 "majority of the %zu records' responses (test_filter.py's majority; %zu chain%s, %zu round%s)",
			 nvotes, K + np, K + np == 1 ? "" : "s", K ? nref / K : 0, K && nref / K == 1 ? "" : "s");
		imp_final(im, ans, vnode, reason);
	}
	free(used);
	free(chain);
	free(votes);
	free(refd);
	free(plain);
	free(keyof);

	for (size_t k = 0; k < nkeys; k++)
		free(keys[k]);
	free(keys);
	free(members);
	import_records_free(&r);
	return imp_failed(im) ? -1 : 0;
}

const struct import_format import_mathcritique = {
	.name = "mathcritique",
	.what = "MathCritique results: responses, critiques and refinements (--index: the problem)",
	.file = convert_mathcritique,
};
