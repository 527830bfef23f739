/* import_rstar: rStar's tree dumps.  With --save_tree rStar writes, after
 * every rollout i, "Question NNNN - Rollout i.tree": the whole tree, a
 * node a line, indented four dashes a level:
 *
 *   [U-0: Q: 1.6; N: 3; V: None; UCT: 666] User: <question>
 *                                          Ground truth: <gold solution>
 *   ----[TS-1: Q: 0.8; N: 2; V: None; UCT: 1.97] OST: <one-step thought>
 *   --------[[(T) DA-4: Q: 0.8; N: 1; V: 0.8; UCT: 2.1]] Ans: <answer>
 *
 * (T) marks a valid solution, [[...]] the solution rStar chose; types U
 * (question), RU (rephrased, A5), DA (direct answer, A2), SQ (sub-question
 * and its answer, A3), RS (re-answer, A4), TS (one-step thought, A1).
 * "Question NNNN - Answer.json" beside them has the gold answer.  In
 * canopy: a unit a rollout, each node as it first appears, N and Q as they
 * change, V as rStar's confidence, and the last chosen solution. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "answer.h"
#include "import.h"
#include "util.h"

struct rnode {
	long id; /* rStar's */
	int depth;
	int type; /* index into import_rstar_types[] */
	int solution, chosen;
	double q, v, uct;
	long n;
	size_t line;
	struct strbuf text; /* the details, continuation lines joined */
	size_t detail_col;  /* where the details start on the first line */
};

/* rStar's node types, as its dumps (and OpenR's port's) name them. */
const struct rstar_type import_rstar_types[] = {
	{"U", "User: ", "the question", NODE_PROBLEM, 0},
	{"RU", "Reph-User: ", "the question rephrased (A5)", NODE_REPHRASE, 5},
	{"DA", "Ans: ", "a direct answer (A2)", NODE_SOLUTION, 2},
	{"SQ", "", "a sub-question and its answer (A3)", NODE_SUBQUESTION, 3}, /* keeps "Q: ...\nA: ..." */
	{"RS", "Re-Ans: ", "a re-answer (A4)", NODE_REANSWER, 4},
	{"TS", "OST: ", "a one-step thought (A1)", NODE_STEP, 1},
};
const size_t import_rstar_ntypes = sizeof import_rstar_types / sizeof import_rstar_types[0];
#define MAX_RID (1L << 24) /* rStar numbers nodes from a counter */

int import_rstar_name(const char *p, long *id, const char **end)
{
	for (size_t i = 0; i < import_rstar_ntypes; i++) {
		size_t l = strlen(import_rstar_types[i].tag);
		if (strncmp(p, import_rstar_types[i].tag, l) || p[l] != '-' || !isdigit((unsigned char)p[l + 1]))
			continue;
		char *e;
		long n = strtol(p + l + 1, &e, 10);
		if (n >= MAX_RID)
			return -1;
		*id = n;
		*end = e;
		return (int)i;
	}
	return -1;
}

static int parse_num(const char **p, const char *label, double *out)
{
	size_t l = strlen(label);
	if (strncmp(*p, label, l))
		return -1;
	*p += l;
	if (!strncmp(*p, "None", 4)) {
		*out = NAN;
		*p += 4;
		return 0;
	}
	char *end;
	*out = strtod(*p, &end);
	if (end == *p)
		return -1;
	*p = end;
	return 0;
}

/* A node line, or 0 when the line is not one (a continuation). */
static int parse_node_line(const char *s, struct rnode *n)
{
	memset(n, 0, sizeof *n);
	const char *p = s;
	size_t dashes = 0;
	while (*p == '-') {
		p++;
		dashes++;
	}
	if (dashes % 4 || *p != '[')
		return 0;
	p++;
	if (*p == '[') {
		n->chosen = 1;
		p++;
	}
	if (!strncmp(p, "(T) ", 4)) {
		n->solution = 1;
		p += 4;
	}
	n->type = import_rstar_name(p, &n->id, &p);
	if (n->type < 0)
		return 0;
	double nn;
	if (parse_num(&p, ": Q: ", &n->q) || parse_num(&p, "; N: ", &nn) || parse_num(&p, "; V: ", &n->v) ||
	    parse_num(&p, "; UCT: ", &n->uct) || *p != ']')
		return 0;
	n->n = (long)util_i64(nn); /* a file's number: NAN or 1e300 alike */
	p++;
	if (n->chosen) {
		if (*p != ']')
			return 0;
		p++;
	}
	if (*p == ' ')
		p++;
	n->depth = (int)(dashes / 4);
	n->detail_col = (size_t)(p - s);
	sb_init(&n->text);
	sb_adds(&n->text, p);
	return 1;
}

struct snapshot {
	struct rnode *v;
	size_t n;
};

static void snapshot_free(struct snapshot *s)
{
	for (size_t i = 0; i < s->n; i++)
		sb_free(&s->v[i].text);
	free(s->v);
	memset(s, 0, sizeof *s);
}

static int is_rule(const char *s)
{
	size_t n = 0;
	while (s[n] == '=')
		n++;
	return n >= 10 && (!s[n] || s[n] == '\n' || s[n] == '\r');
}

static void trim_end(struct strbuf *sb)
{
	while (sb->len && isspace((unsigned char)sb->s[sb->len - 1]))
		sb->s[--sb->len] = '\0';
}

static int read_tree(struct imp *im, const char *path, struct snapshot *out)
{
	memset(out, 0, sizeof *out);
	imp_where(im, path, 0, -1);
	FILE *f = fopen(path, "r");
	if (!f)
		return imp_fail(im, "%s", strerror(errno));
	char *line = NULL;
	size_t cap = 0, lineno = 0, ncap = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (is_rule(line))
			break; /* the end of the tree */
		struct rnode n;
		if (parse_node_line(line, &n)) {
			n.line = lineno;
			if (!out->n && (n.depth || import_rstar_types[n.type].kind != NODE_PROBLEM)) {
				imp_where(im, path, lineno, -1);
				sb_free(&n.text);
				imp_fail(im, "the first node must be the question (U-0), at depth 0");
				break;
			}
			if (out->n && (n.depth < 1 || n.depth > out->v[out->n - 1].depth + 1)) {
				imp_where(im, path, lineno, -1);
				sb_free(&n.text);
				imp_fail(im, "node %s-%ld is %d levels deep under a node %d deep", import_rstar_types[n.type].tag,
					 n.id, n.depth, out->v[out->n - 1].depth);
				break;
			}
			if (out->n == ncap)
				out->v = xrealloc(out->v, (ncap = ncap ? ncap * 2 : 64) * sizeof *out->v);
			out->v[out->n++] = n;
		} else if (line[0] == '-' && strstr(line, "[") && strspn(line, "-") % 4 == 0 &&
			   line[strspn(line, "-")] == '[') {
			imp_where(im, path, lineno, -1);
			imp_fail(im, "a node line canopy cannot read (expected \"[TYPE-ID: Q: q; N: n; V: v; UCT: u] ...\")");
			break;
		} else if (out->n) {
			struct strbuf *t = &out->v[out->n - 1].text;
			sb_addc(t, '\n');
			sb_adds(t, line);
		} else if (len) {
			imp_where(im, path, lineno, -1);
			imp_fail(im, "not an rStar tree line (expected \"[U-0: Q: ...; N: ...; V: ...; UCT: ...] User: ...\")");
			break;
		}
	}
	free(line);
	fclose(f);
	if (!imp_failed(im) && !out->n) {
		imp_where(im, path, 0, -1);
		imp_fail(im, "no tree in it");
	}
	for (size_t i = 0; i < out->n; i++)
		trim_end(&out->v[i].text);
	return imp_failed(im) ? -1 : 0;
}

/* The question and the "Ground truth:" line of the root's details. */
static void split_root(const struct rnode *r, char **question, char **truth)
{
	const char *s = r->text.s;
	const char *g = NULL;
	for (const char *p = s; (p = strchr(p, '\n'));) {
		p++;
		const char *q = p;
		while (*q == ' ')
			q++;
		if (!strncmp(q, "Ground truth: ", 14))
			g = p;
	}
	size_t qlen = g ? (size_t)(g - s) : strlen(s);
	const char *q = s;
	if (!strncmp(q, "User: ", 6)) {
		q += 6;
		qlen -= 6;
	}
	while (qlen && isspace((unsigned char)q[qlen - 1]))
		qlen--;
	*question = xstrndup(q, qlen);
	*truth = NULL;
	if (g) {
		while (*g == ' ')
			g++;
		*truth = xstrdup(g + 14);
	}
}

/* A node's text without its label; a sub-question's "A:" line loses the
 * indent rStar aligns it with. */
static void node_text(const struct rnode *n, struct strbuf *out)
{
	const char *s = n->text.s;
	const char *pre = import_rstar_types[n->type].prefix;
	if (*pre && !strncmp(s, pre, strlen(pre)))
		s += strlen(pre);
	for (const char *p = s; *p; p++) {
		sb_addc(out, *p);
		if (*p == '\n' && import_rstar_types[n->type].kind == NODE_SUBQUESTION) {
			size_t sp = 0;
			while (p[1 + sp] == ' ')
				sp++;
			if (sp == n->detail_col && !strncmp(p + 1 + sp, "A: ", 3))
				p += sp;
		}
	}
}

struct rollout_file {
	long rollout;
	char *path;
};

static int cmp_rollout(const void *a, const void *b)
{
	const struct rollout_file *x = a, *y = b;
	return x->rollout < y->rollout ? -1 : x->rollout > y->rollout;
}

/* "Question NNNN - Rollout I.tree": 1 with q and i set. */
static int rollout_name(const char *name, long *q, long *i)
{
	int end = 0;
	if (sscanf(name, "Question %ld - Rollout %ld.tree%n", q, i, &end) == 2 && end &&
	    !name[end])
		return 1;
	return 0;
}

static char *join_path(const char *dir, const char *name)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_printf(&sb, "%s%s%s", dir, dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/", name);
	return sb_steal(&sb);
}

/* The rollout files of question q in dir (q < 0: the lowest there). */
static int list_rollouts(struct imp *im, const char *dir, long *q, struct rollout_file **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	DIR *d = opendir(dir);
	if (!d)
		return imp_fail(im, "%s", strerror(errno));
	size_t cap = 0;
	long lowest = -1, highest = -1;
	struct dirent *e;
	while ((e = readdir(d))) {
		long qq, ii;
		if (!rollout_name(e->d_name, &qq, &ii))
			continue;
		if (lowest < 0 || qq < lowest)
			lowest = qq;
		if (qq > highest)
			highest = qq;
		if (*q >= 0 && qq != *q)
			continue;
		if (*n == cap)
			*out = xrealloc(*out, (cap = cap ? cap * 2 : 16) * sizeof **out);
		(*out)[*n].rollout = ii;
		(*out)[*n].path = join_path(dir, e->d_name);
		(*n)++;
	}
	closedir(d);
	if (*q < 0 && lowest >= 0) {
		/* no --index: the lowest question; drop the others */
		size_t k = 0;
		for (size_t i = 0; i < *n; i++) {
			long qq, ii;
			const char *base = strrchr((*out)[i].path, '/');
			rollout_name(base ? base + 1 : (*out)[i].path, &qq, &ii);
			if (qq == lowest)
				(*out)[k++] = (*out)[i];
			else
				free((*out)[i].path);
		}
		*n = k;
		*q = lowest;
	}
	if (!*n) {
		if (lowest >= 0)
			imp_fail(im, "--index %ld: no \"Question %04ld - Rollout *.tree\" here (questions %ld to %ld are)",
				 *q, *q, lowest, highest);
		else
			imp_fail(im, "no \"Question NNNN - Rollout I.tree\" files here (run rStar with --save_tree)");
		return -1;
	}
	qsort(*out, *n, sizeof **out, cmp_rollout);
	return 0;
}

/* Gold and model answers from "Question NNNN - Answer.json", if there. */
static void read_answer_json(const char *dir, long q, char **gold, char **model)
{
	*gold = *model = NULL;
	char name[64];
	snprintf(name, sizeof name, "Question %04ld - Answer.json", q);
	char *path = join_path(dir, name);
	FILE *f = fopen(path, "r");
	free(path);
	if (!f)
		return;
	struct strbuf sb;
	sb_init(&sb);
	sb_add_file(&sb, f, 0); /* the answers are optional: unreadable is absent */
	fclose(f);
	cJSON *j = cJSON_Parse(sb.s);
	sb_free(&sb);
	*gold = imp_text(cJSON_GetObjectItemCaseSensitive(j, "gold_answer"));
	*model = imp_text(cJSON_GetObjectItemCaseSensitive(j, "model_answer"));
	cJSON_Delete(j);
}

/* What canopy already holds: rStar's ids to ours, and each node's N and
 * Q as last recorded. */
struct known {
	struct imp_ids by_rid;
	long *n; /* by canopy id */
	double *q;
	size_t cap;
};

static void known_add(struct known *k, long rid, int32_t id)
{
	imp_ids_set(&k->by_rid, rid, id);
	if ((size_t)id >= k->cap) {
		size_t cap = k->cap ? k->cap : 64;
		while (cap <= (size_t)id)
			cap *= 2;
		k->n = xrealloc(k->n, cap * sizeof *k->n);
		k->q = xrealloc(k->q, cap * sizeof *k->q);
		k->cap = cap;
	}
	k->n[id] = 0;
	k->q[id] = 0;
}

static int convert(struct imp *im, const struct import_opts *o)
{
	struct stat st;
	if (stat(o->path, &st))
		return imp_fail(im, "%s", strerror(errno));
	struct rollout_file *files = NULL;
	size_t nfiles = 0;
	long q = o->index;
	char *dir;
	if (S_ISDIR(st.st_mode)) {
		dir = xstrdup(o->path);
		if (list_rollouts(im, o->path, &q, &files, &nfiles)) {
			free(dir);
			return -1;
		}
	} else {
		const char *slash = strrchr(o->path, '/');
		dir = slash ? xstrndup(o->path, (size_t)(slash - o->path)) : xstrdup(".");
		long ii;
		if (!rollout_name(slash ? slash + 1 : o->path, &q, &ii)) {
			q = -1;
			ii = 0;
		}
		files = xcalloc(1, sizeof *files);
		files[0].rollout = ii;
		files[0].path = xstrdup(o->path);
		nfiles = 1;
	}
	char *gold_json = NULL, *model_answer = NULL;
	if (q >= 0)
		read_answer_json(dir, q, &gold_json, &model_answer);
	struct known k = {0};
	struct snapshot snap = {0};
	long chosen = -1;
	for (size_t fi = 0; fi < nfiles && !imp_failed(im); fi++) {
		snapshot_free(&snap);
		if (read_tree(im, files[fi].path, &snap))
			break;
		if (fi == 0) {
			char *question, *truth;
			split_root(&snap.v[0], &question, &truth);
			char *gold = gold_json ? xstrdup(gold_json) : truth ? answer_extract(truth, strlen(truth)) : NULL;
			if (!gold && truth && strlen(truth) < 80)
				gold = xstrdup(truth);
			cJSON *strat = cJSON_CreateObject();
			cJSON_AddStringToObject(strat, "name", "rstar");
			cJSON_AddNumberToObject(strat, "rollouts", (double)nfiles);
			cJSON *extra = cJSON_CreateObject();
			if (q >= 0)
				cJSON_AddNumberToObject(extra, "question", (double)q);
			imp_begin(im, question, gold, strat, extra);
			/* a sub-answer says "The answer is" too: only (T) nodes
			 * are solutions */
			imp_auto_answer(im, 0);
			free(question);
			free(truth);
			free(gold);
			known_add(&k, snap.v[0].id, 0);
		} else if (imp_ids_get(&k.by_rid, snap.v[0].id) != 0) {
			imp_where(im, files[fi].path, snap.v[0].line, -1);
			imp_fail(im, "the root is U-%ld, not the first rollout's", snap.v[0].id);
			break;
		}
		imp_unit(im, "rollout");
		/* parents by depth as the lines go by */
		int32_t stack[256];
		chosen = -1;
		for (size_t i = 0; i < snap.n && !imp_failed(im); i++) {
			const struct rnode *n = &snap.v[i];
			imp_where(im, files[fi].path, n->line, -1);
			if (n->depth >= (int)(sizeof stack / sizeof *stack)) {
				imp_fail(im, "deeper than %zu levels", sizeof stack / sizeof *stack);
				break;
			}
			int32_t id = imp_ids_get(&k.by_rid, n->id);
			if (i && id == 0) {
				imp_fail(im, "%s-%ld has the question's number", import_rstar_types[n->type].tag, n->id);
				break;
			}
			int fresh = id == NODE_NONE;
			if (fresh) {
				struct strbuf t;
				sb_init(&t);
				node_text(n, &t);
				id = imp_node(im, stack[n->depth - 1], import_rstar_types[n->type].kind, t.s ? t.s : "", t.len, 0,
					      import_rstar_types[n->type].action, -1);
				sb_free(&t);
				if (id == NODE_NONE)
					break;
				known_add(&k, n->id, id);
				if (n->solution) {
					const struct node *nd = tree_node(imp_tree(im), id);
					char *a = answer_extract(nd->text, nd->text_len);
					imp_answer(im, id, a);
					free(a);
				}
				if (!isnan(n->v)) {
					/* rStar's node value: the share of sampled
					 * answers agreeing (A2, A3, A4) */
					static const char *const keys[] = {"confidence"};
					const struct node *nd = tree_node(imp_tree(im), id);
					imp_verdict(im, id, "confidence", nd->answer ? nd->answer : "none", keys, &n->v, 1);
				}
			} else if (n->depth && tree_node(imp_tree(im), id)->parent != stack[n->depth - 1]) {
				imp_fail(im, "%s-%ld moved to another parent", import_rstar_types[n->type].tag, n->id);
				break;
			}
			stack[n->depth] = id;
			if (n->n != k.n[id] || n->q != k.q[id]) {
				/* rStar's Q is the sum of rewards, as canopy's value;
				 * an unvisited node's UCT is printed as 999 */
				imp_stats(im, id, (uint32_t)n->n, n->q, n->depth && n->n ? n->uct : NAN, NAN);
				k.n[id] = n->n;
				k.q[id] = n->q;
			}
			if (n->chosen)
				chosen = id;
		}
	}
	if (!imp_failed(im)) {
		const struct node *cn = chosen >= 0 ? tree_node(imp_tree(im), (int32_t)chosen) : NULL;
		if (cn) {
			imp_final(im, cn->answer, (int32_t)chosen, "rStar's chosen solution after the last rollout");
		} else if (model_answer) {
			imp_final(im, model_answer, NODE_NONE, "the model answer of rStar's Answer.json");
		} else {
			imp_final(im, NULL, NODE_NONE, "the dump marks no chosen solution");
		}
	}
	snapshot_free(&snap);
	for (size_t i = 0; i < nfiles; i++)
		free(files[i].path);
	free(files);
	free(dir);
	free(gold_json);
	free(model_answer);
	imp_ids_free(&k.by_rid);
	free(k.n);
	free(k.q);
	return imp_failed(im) ? -1 : 0;
}

const struct import_format import_rstar = {
	.name = "rstar",
	.what = "rStar --save_tree dumps: a directory of \"Question N - Rollout I.tree\" (--index: N) or one file",
	.file = convert,
};
