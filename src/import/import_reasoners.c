/* import_reasoners: llm-reasoners' TreeLog, {"logs": [snapshot, ...]}, a
 * snapshot of the MCTS tree after every iteration: {"nodes": {id: {id,
 * data, selected_edge}}, "edges": {id: {id, source, target, data: {Q,
 * reward, ...}}}}.  In canopy: one unit an iteration, a node for each
 * node as it first appears (named by its latest state), its edge's Q
 * and reward as they change, the visits a custom factory writes ("#
 * visited"), and the MCTS's own output: the max-reward path.  A
 * BeamSearch TreeLog (one snapshot, no Q) is labelled beam search, its
 * path the highest-reward edges. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "import.h"
#include "util.h"

#define MAX_ID (1 << 24)

struct edge {
	long source, target, id;
	const cJSON *data;
};

struct known {
	int32_t *canopy;  /* by source id: our node, or NODE_NONE */
	double *q, *reward;
	/* the node's latest state and incoming edge's data over all the
	 * snapshots (NULL: none yet), read before the import proper */
	const cJSON **latest, **latest_edge;
	size_t cap;
};

static void known_grow(struct known *k, long id)
{
	if ((size_t)id < k->cap)
		return;
	size_t cap = k->cap ? k->cap : 64;
	while (cap <= (size_t)id)
		cap *= 2;
	k->canopy = xrealloc(k->canopy, cap * sizeof *k->canopy);
	k->q = xrealloc(k->q, cap * sizeof *k->q);
	k->reward = xrealloc(k->reward, cap * sizeof *k->reward);
	k->latest = xrealloc(k->latest, cap * sizeof *k->latest);
	k->latest_edge = xrealloc(k->latest_edge, cap * sizeof *k->latest_edge);
	for (size_t i = k->cap; i < cap; i++) {
		k->canopy[i] = NODE_NONE;
		k->q[i] = k->reward[i] = NAN;
		k->latest[i] = k->latest_edge[i] = NULL;
	}
	k->cap = cap;
}

/* An id as the logs write it: a number, or a string of digits (a JSON
 * object's key).  -1 when it is neither. */
static long id_of_str(const char *s)
{
	if (!s || !*s)
		return -1;
	char *end;
	long n = strtol(s, &end, 10);
	return !*end && n >= 0 && n < MAX_ID ? n : -1;
}

static long id_of(const cJSON *v)
{
	if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < MAX_ID &&
	    v->valuedouble == floor(v->valuedouble))
		return (long)util_i64(v->valuedouble);
	return cJSON_IsString(v) ? id_of_str(v->valuestring) : -1;
}

/* A node's id: its "id", else its key in the "nodes" object. */
static long node_id(const cJSON *nd)
{
	long id = id_of(cJSON_GetObjectItemCaseSensitive(nd, "id"));
	return id >= 0 ? id : id_of_str(nd->string);
}

static void render_value(struct strbuf *sb, const cJSON *v)
{
	if (cJSON_IsString(v)) {
		sb_adds(sb, v->valuestring);
	} else if (cJSON_IsArray(v)) {
		/* a state's named tuple (sub_question, sub_answer, confidence) */
		int first = 1;
		for (const cJSON *e = v->child; e; e = e->next) {
			if (!first)
				sb_addc(sb, '\n');
			first = 0;
			render_value(sb, e);
		}
	} else if (cJSON_IsObject(v)) {
		int first = 1;
		for (const cJSON *e = v->child; e; e = e->next) {
			if (!first)
				sb_addc(sb, '\n');
			first = 0;
			sb_printf(sb, "%s: ", e->string);
			render_value(sb, e);
		}
	} else {
		char *s = cJSON_PrintUnformatted(v);
		sb_adds(sb, s);
		free(s);
	}
}

/* What a node's state adds to its parent's: the keys that are new or
 * changed (a state is usually a list, so the new key is the new step). */
static void node_text(struct strbuf *sb, const cJSON *edge_data, const cJSON *data,
		      const cJSON *parent_data)
{
	/* the action names the step; what the node's data adds (a custom
	 * factory's block state, goals satisfied) follows it */
	const cJSON *action = cJSON_GetObjectItemCaseSensitive(edge_data, "action");
	if (cJSON_IsString(action) && action->valuestring[0])
		sb_adds(sb, action->valuestring);
	if (cJSON_IsObject(data)) {
		for (const cJSON *e = data->child; e; e = e->next) {
			/* drawing hints, and the visits (shown as N) */
			if (!strcmp(e->string, "color") || !strcmp(e->string, "# visited"))
				continue;
			const cJSON *pe = cJSON_IsObject(parent_data)
						  ? cJSON_GetObjectItemCaseSensitive(parent_data, e->string)
						  : NULL;
			if (pe && cJSON_Compare(pe, e, 1))
				continue;
			if (sb->len)
				sb_addc(sb, '\n');
			char *end;
			strtol(e->string, &end, 10);
			if (*end) /* a named field: say which */
				sb_printf(sb, "%s: ", e->string);
			render_value(sb, e);
		}
	} else if (data && !cJSON_IsNull(data)) {
		render_value(sb, data);
	}
}

static int cmp_edge(const void *a, const void *b)
{
	const struct edge *x = a, *y = b;
	if (x->source != y->source)
		return x->source < y->source ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The numbers an edge carries, for its verdict: all but Q. */
static void edge_verdict(struct imp *im, int32_t id, const cJSON *data, const char *label)
{
	const char *keys[16];
	double vals[16];
	size_t n = 0;
	for (const cJSON *e = cJSON_IsObject(data) ? data->child : NULL; e && n < 16; e = e->next)
		if (cJSON_IsNumber(e) && strcmp(e->string, "Q")) {
			keys[n] = e->string;
			vals[n++] = e->valuedouble;
		}
	if (n)
		imp_verdict(im, id, "edge", label, keys, vals, n);
}

/* MCTS's output over the imported tree: rewards as its edges record
 * them, through the nodes it visited (a state in some snapshot), to a
 * leaf with an answer (RAP's: its last sub-question answers the problem). */
struct out_walk {
	const struct known *k;
	const struct tree *t;
	long *src;      /* by canopy id: the log's */
	size_t missing; /* steps whose edge records no reward */
};

static double out_reward(void *ctx, int32_t x)
{
	struct out_walk *w = ctx;
	long sx = w->src[x];
	double r = (size_t)sx < w->k->cap ? w->k->reward[sx] : NAN;
	w->missing += isnan(r);
	return r;
}

static int out_enter(void *ctx, int32_t x)
{
	const struct out_walk *w = ctx;
	long sx = w->src[x];
	return (size_t)sx < w->k->cap && w->k->latest[sx];
}

static int out_terminal(void *ctx, int32_t x)
{
	const struct node *n = tree_node(((const struct out_walk *)ctx)->t, x);
	return n->first_child == NODE_NONE && n->answer &&
	       (!strstr(n->text, "question: ") || strstr(n->text, "Now we can answer"));
}

static const struct tree_path_ops out_walk_ops = {
	.reward = out_reward,
	.enter = out_enter,
	.terminal = out_terminal,
};

static const cJSON *data_num(const cJSON *data, const char *const *names)
{
	for (size_t i = 0; names[i]; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(data, names[i]);
		if (cJSON_IsNumber(v))
			return v;
	}
	return NULL;
}

static int convert(struct imp *im, const cJSON *rec, const struct import_opts *o)
{
	const cJSON *logs = imp_get(im, rec, "logs", cJSON_Array, 1, NULL);
	size_t nlogs = logs ? (size_t)cJSON_GetArraySize(logs) : 0;
	if (logs && !nlogs)
		imp_fail(im, "logs: empty");
	if (imp_failed(im))
		return -1;
	/* A node first seen unexpanded has no state yet (data {}); a later
	 * snapshot fills it.  Its text is its latest state's, read first,
	 * so no "(node N)" placeholder stays once the state is known. */
	struct known k = {0};
	int any_q = 0, rap = 0;
	{
		const cJSON *sn;
		cJSON_ArrayForEach(sn, logs) {
			const cJSON *ns = cJSON_GetObjectItemCaseSensitive(sn, "nodes");
			const cJSON *es = cJSON_GetObjectItemCaseSensitive(sn, "edges");
			const cJSON *nd, *e;
			cJSON_ArrayForEach(nd, ns) {
				long id = node_id(nd);
				const cJSON *d = cJSON_GetObjectItemCaseSensitive(nd, "data");
				if (id < 0 || !cJSON_IsObject(d) || !d->child)
					continue;
				known_grow(&k, id);
				k.latest[id] = d;
			}
			cJSON_ArrayForEach(e, es) {
				long tg = id_of(cJSON_GetObjectItemCaseSensitive(e, "target"));
				const cJSON *d = cJSON_GetObjectItemCaseSensitive(e, "data");
				any_q |= cJSON_IsObject(d) && cJSON_GetObjectItemCaseSensitive(d, "Q") != NULL;
				rap |= cJSON_IsObject(d) && cJSON_GetObjectItemCaseSensitive(d, "r_useful") != NULL;
				if (tg >= 0 && (size_t)tg < k.cap && cJSON_IsObject(d))
					k.latest_edge[tg] = d;
			}
		}
	}
	/* the strategy is named after the search that wrote the log:
	 * MCTS's edges carry Q, BeamSearch's a reward and an action */
	int beam = !any_q && nlogs == 1;
	cJSON *st = cJSON_CreateObject();
	cJSON_AddStringToObject(st, "name", beam ? "llm-reasoners beam search" : "llm-reasoners mcts");
	cJSON_AddNumberToObject(st, beam ? "snapshots" : "iterations", (double)nlogs);
	imp_begin(im, o->problem ? o->problem : "(the TreeLog does not record the problem: give --problem)",
		  NULL, st, NULL);
	/* every step of a RAP state says "The answer is ..." of its
	 * sub-question: only the leaves' answers are the problem's */
	imp_auto_answer(im, 0);
	long root = -1;
	struct edge *edges = NULL;
	size_t ecap = 0;
	const cJSON **ndata = NULL; /* by source id, this snapshot */
	size_t ndcap = 0;
	long *sel = NULL;
	const cJSON *snap;
	size_t si = 0;
	size_t ne = 0;
	cJSON_ArrayForEach(snap, logs) {
		if (imp_failed(im))
			break;
		char where[48];
		snprintf(where, sizeof where, "logs[%zu]", si);
		const cJSON *nodes = imp_get(im, snap, "nodes", cJSON_Object | cJSON_Array, 1, where);
		const cJSON *es = nodes ? imp_get(im, snap, "edges", cJSON_Object | cJSON_Array, 1, where) : NULL;
		if (!es)
			break;
		imp_unit(im, "iteration");
		/* the nodes' data, by id */
		const cJSON *nd;
		long maxid = -1;
		cJSON_ArrayForEach(nd, nodes) {
			long id = node_id(nd);
			if (id < 0) {
				imp_fail(im, "%s.nodes: a node without a whole-number \"id\"", where);
				break;
			}
			if (id > maxid)
				maxid = id;
		}
		if (imp_failed(im))
			break;
		if ((size_t)maxid + 1 > ndcap) {
			ndata = xrealloc(ndata, ((size_t)maxid + 1) * sizeof *ndata);
			sel = xrealloc(sel, ((size_t)maxid + 1) * sizeof *sel);
			ndcap = (size_t)maxid + 1;
		}
		for (size_t i = 0; i < ndcap; i++) {
			ndata[i] = NULL;
			sel[i] = -1;
		}
		known_grow(&k, maxid);
		cJSON_ArrayForEach(nd, nodes) {
			long id = node_id(nd);
			ndata[id] = cJSON_GetObjectItemCaseSensitive(nd, "data");
			if (!ndata[id])
				ndata[id] = nd; /* present, without data */
			sel[id] = id_of(cJSON_GetObjectItemCaseSensitive(nd, "selected_edge"));
		}
		/* the edges, grouped by source */
		ne = 0;
		const cJSON *e;
		cJSON_ArrayForEach(e, es) {
			if (ne == ecap)
				edges = xrealloc(edges, (ecap = ecap ? ecap * 2 : 64) * sizeof *edges);
			struct edge *x = &edges[ne];
			x->id = id_of(cJSON_GetObjectItemCaseSensitive(e, "id"));
			x->source = id_of(cJSON_GetObjectItemCaseSensitive(e, "source"));
			x->target = id_of(cJSON_GetObjectItemCaseSensitive(e, "target"));
			x->data = cJSON_GetObjectItemCaseSensitive(e, "data");
			if (x->source < 0 || x->target < 0 || x->source > maxid || x->target > maxid ||
			    !ndata[x->source] || !ndata[x->target]) {
				imp_fail(im, "%s.edges: edge %ld joins nodes that are not in the snapshot", where, x->id);
				break;
			}
			if (x->id < 0)
				x->id = (long)ne;
			ne++;
		}
		if (imp_failed(im))
			break;
		qsort(edges, ne, sizeof *edges, cmp_edge);
		/* the root: the one node no edge leads to */
		unsigned char *has_parent = xcalloc((size_t)maxid + 1, 1);
		for (size_t i = 0; i < ne; i++)
			has_parent[edges[i].target] = 1;
		long sroot = -1;
		size_t roots = 0;
		for (long i = 0; i <= maxid; i++)
			if (ndata[i] && !has_parent[i]) {
				sroot = i;
				roots++;
			}
		free(has_parent);
		if (roots != 1) {
			imp_fail(im, "%s: %zu nodes without a parent; a tree has one", where, roots);
			break;
		}
		if (root < 0) {
			root = sroot;
			known_grow(&k, root);
			k.canopy[root] = 0;
		} else if (root != sroot) {
			imp_fail(im, "%s: the root is node %ld, in logs[0] it was %ld", where, sroot, root);
			break;
		}
		/* breadth first from the root: parents before children, and
		 * siblings in the order of their edges */
		long *queue = xcalloc((size_t)maxid + 2, sizeof *queue);
		size_t qh = 0, qt = 0;
		queue[qt++] = root;
		while (qh < qt && !imp_failed(im)) {
			long u = queue[qh++];
			/* the edges out of u: binary search for the first */
			size_t lo = 0, hi = ne;
			while (lo < hi) {
				size_t mid = (lo + hi) / 2;
				if (edges[mid].source < u)
					lo = mid + 1;
				else
					hi = mid;
			}
			for (size_t i = lo; i < ne && edges[i].source == u; i++) {
				const struct edge *x = &edges[i];
				long v = x->target;
				if (qt > (size_t)maxid) {
					imp_fail(im, "%s: the edges make a cycle", where);
					break;
				}
				queue[qt++] = v;
				int32_t id = k.canopy[v];
				int fresh = id == NODE_NONE;
				if (fresh) {
					struct strbuf sb;
					sb_init(&sb);
					const cJSON *dv = k.latest[v] ? k.latest[v] : ndata[v];
					const cJSON *du = k.latest[u] ? k.latest[u] : ndata[u];
					const cJSON *ev = k.latest_edge[v] ? k.latest_edge[v] : x->data;
					node_text(&sb, ev, dv, du);
					if (!sb.len)
						sb_printf(&sb, "(node %ld, never expanded: the log holds no state for it)", v);
					id = imp_node(im, k.canopy[u], NODE_STEP, sb.s, sb.len, 0, 0, -1);
					sb_free(&sb);
					k.canopy[v] = id;
					if (id == NODE_NONE)
						break;
				} else if (tree_node(imp_tree(im), id)->parent != k.canopy[u]) {
					imp_fail(im, "%s: node %ld moved to another parent", where, v);
					break;
				}
				static const char *const qk[] = {"Q", "q", NULL};
				static const char *const rk[] = {"reward", "fast_reward", NULL};
				static const char *const nk[] = {"N", "visits", "visit_count", "n_visits", NULL};
				static const char *const vk[] = {"# visited", "visited", "N", "visits", NULL};
				const cJSON *qv = data_num(x->data, qk), *rv = data_num(x->data, rk);
				const cJSON *nv = data_num(x->data, nk);
				/* the notebook's node factories write the visits into
				 * the node's data ("# visited") */
				if (!nv && cJSON_IsObject(ndata[v]))
					nv = data_num(ndata[v], vk);
				double q = qv ? qv->valuedouble : NAN, rw = rv ? rv->valuedouble : NAN;
				if (rv && (fresh || rw != k.reward[v])) {
					if (rw >= 0 && rw <= 1)
						imp_score(im, id, rw, NAN);
					edge_verdict(im, id, x->data, "reward");
					k.reward[v] = rw;
				} else if (!rv && fresh) {
					/* a verdict without a reward key (intuition,
					 * self_eval): kept all the same */
					edge_verdict(im, id, x->data, "fast reward");
				}
				if (qv && (fresh || q != k.q[v] || nv)) {
					if (nv && nv->valuedouble >= 1)
						imp_stats(im, id, util_u32(nv->valuedouble), q * nv->valuedouble, NAN, NAN);
					else
						imp_stats(im, id, 0, 0, NAN, q);
					k.q[v] = q;
				}
			}
		}
		free(queue);
		si++;
	}
	const struct tree *t = imp_tree(im);
	for (size_t i = 1; i < tree_count(t) && !imp_failed(im); i++) {
		const struct node *nd = tree_node(t, (int32_t)i);
		if (nd->first_child != NODE_NONE)
			continue;
		char *a = answer_extract(nd->text, nd->text_len);
		imp_answer(im, (int32_t)i, a);
		free(a);
	}
	/* the last snapshot's selected edges: the last iteration's path, then
	 * the highest Q (from_mcts_results), or the highest reward (beam) */
	int32_t sel_last = 0;
	if (!imp_failed(im) && root >= 0) {
		long u = root;
		size_t hops = 0;
		for (;;) {
			long se = (size_t)u < ndcap ? sel[u] : -1;
			if (se < 0 || hops++ > ndcap)
				break;
			long v = -1;
			/* edges, ndata and sel hold the last snapshot */
			for (size_t i = 0; i < ne; i++)
				if (edges[i].source == u && edges[i].id == se)
					v = edges[i].target;
			if (v < 0 || (size_t)v >= k.cap || k.canopy[v] == NODE_NONE)
				break;
			sel_last = k.canopy[v];
			u = v;
		}
	}
	if (!imp_failed(im) && root >= 0 && beam) {
		char reason[160];
		snprintf(reason, sizeof reason, "the highest-reward edges BeamSearch's TreeLog marks, from the root");
		imp_final(im, sel_last ? tree_node(t, sel_last)->answer : NULL, sel_last, reason);
	} else if (!imp_failed(im) && root >= 0) {
		/* MCTS's own output (output_strategy 'max_reward', its default):
		 * of the visited paths to a terminal node, the one whose step
		 * rewards make the highest cum_reward (sum, its default; RAP's
		 * GSM8K example passes np.mean, recognised by its r_useful) */
		size_t nn = tree_count(t);
		struct out_walk w = {.k = &k, .t = t, .src = xcalloc(nn, sizeof *w.src)};
		for (size_t i = 0; i < k.cap; i++)
			if (k.canopy[i] != NODE_NONE && (size_t)k.canopy[i] < nn)
				w.src[k.canopy[i]] = (long)i;
		double pick_v = 0;
		unsigned len = 0;
		int32_t pick = tree_max_reward_path(t, &out_walk_ops, &w, rap, &pick_v, &len);
		free(w.src);
		char reason[320];
		if (w.missing) {
			/* the edge factory wrote no rewards (demo.ipynb's writes Q,
			 * intuition and self_eval): the output cannot be recomputed */
			snprintf(reason, sizeof reason,
				 "the log's selected edges (the last iteration's path, then the highest Q): its edges record "
				 "no step rewards, so MCTS's max-reward output cannot be worked out from it");
			imp_final(im, sel_last ? tree_node(t, sel_last)->answer : NULL, sel_last, reason);
		} else if (pick != NODE_NONE) {
			int n = snprintf(reason, sizeof reason,
					 "llm-reasoners' MCTS output (output_strategy max_reward): of the visited paths to an "
					 "answer, the highest cum_reward, %s of its %u step rewards = %.3f%s",
					 rap ? "the mean" : "the sum", len, pick_v,
					 rap ? " (np.mean, as RAP's GSM8K example sets it)" : " (its default, sum)");
			if (sel_last && sel_last != pick && n > 0 && (size_t)n < sizeof reason)
				snprintf(reason + n, sizeof reason - (size_t)n,
					 "; the log's selected edges (the last iteration's path) end at #%d", sel_last);
			imp_final(im, tree_node(t, pick)->answer, pick, reason);
		} else {
			imp_final(im, NULL, NODE_NONE, "no visited path reaches an answer");
		}
	}
	free(edges);
	free(ndata);
	free(sel);
	free(k.canopy);
	free(k.q);
	free(k.reward);
	free(k.latest);
	free(k.latest_edge);
	return imp_failed(im) ? -1 : 0;
}

const struct import_format import_reasoners = {
	.name = "llm-reasoners",
	.what = "llm-reasoners TreeLog JSON: one snapshot of the MCTS tree an iteration",
	.record = convert,
};
