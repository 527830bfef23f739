#include "export.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "util.h"

int export_format_parse(const char *s)
{
	static const char *const names[] = {"json", "dot", "svg", "md", "csv"};
	for (int i = 0; i < 5; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

/* A score as the journal wrote it: six significant digits (the tree keeps
 * floats, whose long tails are noise). */
static void num6(struct strbuf *sb, double v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%.6g", v);
	sb_adds(sb, buf);
}

static void json_node_fields(struct strbuf *sb, const struct tree *t, int32_t id)
{
	const struct node *n = tree_node(t, id);
	sb_printf(sb, "{\"id\":%d,\"kind\":\"%s\",\"text\":", id, node_kind_name(n->kind));
	sb_add_json_string(sb, n->text, n->text_len);
	if (!isnan(n->prm)) {
		sb_adds(sb, ",\"prm\":");
		num6(sb, n->prm);
	}
	if (!isnan(n->orm)) {
		sb_adds(sb, ",\"orm\":");
		num6(sb, n->orm);
	}
	if (!isnan(n->prior)) {
		sb_adds(sb, ",\"prior\":");
		num6(sb, n->prior);
	}
	if (n->visits) {
		sb_printf(sb, ",\"visits\":%u,\"value\":", n->visits);
		sb_add_json_number(sb, n->value);
	}
	if (!isnan(n->q)) {
		sb_adds(sb, ",\"q\":");
		num6(sb, n->q);
	}
	if (n->answer) {
		sb_adds(sb, ",\"answer\":");
		sb_add_json_string(sb, n->answer, strlen(n->answer));
	}
	if (n->action)
		sb_printf(sb, ",\"action\":%d", n->action);
	if (n->round >= 0)
		sb_printf(sb, ",\"round\":%d", n->round);
	sb_printf(sb, ",\"tokens\":%u", n->tokens);
	if (n->flags & NF_PRUNED)
		sb_adds(sb, ",\"pruned\":true");
	if (n->flags & NF_TERMINAL)
		sb_adds(sb, ",\"terminal\":true");
	if (n->flags & NF_FINAL)
		sb_adds(sb, ",\"final\":true");
	sb_adds(sb, ",\"children\":[");
}

/* Iterative preorder walk: a tree can be deeper than the C stack. */
static int write_json(FILE *f, const struct export_input *in)
{
	const struct tree *t = in->tree;
	struct strbuf sb;
	sb_init(&sb);
	sb_adds(&sb, "{\"problem\":");
	sb_add_json_string(&sb, in->problem, strlen(in->problem));
	sb_adds(&sb, ",\"gold\":");
	if (in->gold)
		sb_add_json_string(&sb, in->gold, strlen(in->gold));
	else
		sb_adds(&sb, "null");
	sb_adds(&sb, ",\"strategy\":");
	sb_add_json_string(&sb, in->strategy, strlen(in->strategy));
	sb_adds(&sb, ",\"final\":");
	if (in->has_final) {
		sb_adds(&sb, "{\"answer\":");
		if (in->final_answer)
			sb_add_json_string(&sb, in->final_answer, strlen(in->final_answer));
		else
			sb_adds(&sb, "null");
		sb_printf(&sb, ",\"node\":%d", in->final_node);
		if (in->final_correct >= 0)
			sb_printf(&sb, ",\"correct\":%s", in->final_correct ? "true" : "false");
		sb_addc(&sb, '}');
	} else {
		sb_adds(&sb, "null");
	}
	sb_adds(&sb, ",\"tree\":");
	if (tree_count(t) == 0) {
		sb_adds(&sb, "null");
	} else {
		int32_t cur = 0;
		for (;;) {
			json_node_fields(&sb, t, cur);
			const struct node *n = tree_node(t, cur);
			if (n->first_child != NODE_NONE) {
				cur = n->first_child;
				continue;
			}
			/* close this node and every ancestor that has no more
			 * children, then go on with the next sibling */
			for (;;) {
				sb_adds(&sb, "]}");
				n = tree_node(t, cur);
				if (cur == 0)
					goto done;
				if (n->next_sibling != NODE_NONE) {
					sb_addc(&sb, ',');
					cur = n->next_sibling;
					break;
				}
				cur = n->parent;
			}
			if (sb.len > (1 << 20)) {
				fwrite(sb.s, 1, sb.len, f);
				sb_reset(&sb);
			}
		}
	}
done:
	sb_adds(&sb, "}\n");
	fwrite(sb.s, 1, sb.len, f);
	sb_free(&sb);
	return ferror(f) ? -1 : 0;
}

static void dot_escape(struct strbuf *sb, const char *s, size_t n, size_t max)
{
	size_t shown = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (shown >= max) {
			sb_adds(sb, "...");
			break;
		}
		if (c == '"' || c == '\\')
			sb_addc(sb, '\\');
		if (c == '\n' || c == '\r' || c == '\t')
			c = ' ';
		sb_addc(sb, (char)c);
		if ((c & 0xC0) != 0x80)
			shown++;
	}
}

/* Red (0) through yellow to green (1), as Graphviz "#rrggbb". */
static void score_colour(double v, char *buf, size_t len)
{
	if (isnan(v)) {
		snprintf(buf, len, "#eeeeee");
		return;
	}
	v = clampd(v, 0, 1);
	int r = v < 0.5 ? 255 : (int)(255 * (1 - v) * 2);
	int g = v < 0.5 ? (int)(255 * v * 2) : 255;
	/* pastel, so the black label stays readable */
	r = 128 + r / 2;
	g = 128 + g / 2;
	snprintf(buf, len, "#%02x%02x%02x", r, g, 128);
}

static int write_dot(FILE *f, const struct export_input *in)
{
	const struct tree *t = in->tree;
	struct strbuf sb;
	sb_init(&sb);
	sb_adds(&sb, "digraph canopy {\n"
		     "  graph [rankdir=TB, label=\"");
	dot_escape(&sb, in->problem, strlen(in->problem), 120);
	sb_adds(&sb, "\", labelloc=t];\n"
		     "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10];\n");
	for (size_t i = 0; i < tree_count(t); i++) {
		const struct node *n = tree_node(t, (int32_t)i);
		char colour[16];
		score_colour(n->prm, colour, sizeof colour);
		sb_printf(&sb, "  n%zu [label=\"#%zu %s\\n", i, i, node_kind_name(n->kind));
		dot_escape(&sb, n->text, n->text_len, 60);
		if (!isnan(n->prm))
			sb_printf(&sb, "\\nPRM %.2f", n->prm);
		if (!isnan(n->orm))
			sb_printf(&sb, "  ORM %.2f", n->orm);
		if (n->visits)
			sb_printf(&sb, "\\nN=%u Q/N=%.2f", n->visits, n->value / n->visits);
		else if (!isnan(n->q))
			sb_printf(&sb, "\\nQ=%.2f", n->q);
		if (n->answer) {
			sb_adds(&sb, "\\nanswer: ");
			dot_escape(&sb, n->answer, strlen(n->answer), 30);
		}
		sb_printf(&sb, "\", fillcolor=\"%s\"", colour);
		if (n->flags & NF_PRUNED)
			sb_adds(&sb, ", style=\"rounded,filled,dashed\", fontcolor=\"#777777\"");
		if (n->flags & NF_FINAL)
			sb_adds(&sb, ", penwidth=3");
		sb_adds(&sb, "];\n");
		if (n->parent != NODE_NONE)
			sb_printf(&sb, "  n%d -> n%zu%s;\n", n->parent, i,
				  n->flags & NF_FINAL ? " [penwidth=3]" : "");
		if (sb.len > (1 << 20)) {
			fwrite(sb.s, 1, sb.len, f);
			sb_reset(&sb);
		}
	}
	sb_adds(&sb, "}\n");
	fwrite(sb.s, 1, sb.len, f);
	sb_free(&sb);
	return ferror(f) ? -1 : 0;
}

/* ---- reading a trace for exporting ---- */

static int keep_lines(void *ctx, const struct event *ev, uint64_t line)
{
	struct export_doc *d = ctx;
	(void)line;
	if (ev->type == EV_VOTE)
		event_hold_set(&d->vote, ev);
	else if (ev->type == EV_VERDICT && ev->reason && !strcmp(ev->reason, "difficulty"))
		event_hold_set(&d->difficulty, ev); else if (ev->type == EV_FINAL) {
		sb_reset(&d->reason);
		sb_adds(&d->reason, ev->reason ? ev->reason : "");
	}
	return 0;
}

int export_load(const char *path, struct export_doc *d, char *err, size_t errlen, char *warn, size_t warnlen)
{
	memset(d, 0, sizeof *d);
	if (trace_load(path, &d->tr, keep_lines, d, err, errlen, warn, warnlen)) {
		event_hold_clear(&d->vote);
		event_hold_clear(&d->difficulty);
		sb_free(&d->reason);
		return -1;
	}
	const struct trace *tr = &d->tr;
	/* the strategy's parameters as "name=value ..." */
	header_params_string(&tr->header, 0, &d->params);
	struct export_input *in = &d->in;
	in->problem = tr->header.problem;
	in->gold = tr->header.gold;
	in->strategy = tr->header.strategy;
	in->params = d->params.s;
	in->tree = tr->tree;
	in->has_final = tr->has_final;
	in->final_answer = tr->final_answer;
	in->final_reason = d->reason.s;
	in->final_node = tr->final_node;
	in->final_correct = tr->final_correct;
	in->vote = d->vote.held ? &d->vote.ev : NULL;
	in->difficulty = d->difficulty.held ? &d->difficulty.ev : NULL;
	in->usage = tr->usage;
	in->imported_from = header_imported_from(&tr->header);
	return 0;
}

void export_doc_free(struct export_doc *d)
{
	trace_free(&d->tr);
	event_hold_clear(&d->vote);
	event_hold_clear(&d->difficulty);
	sb_free(&d->reason);
	sb_free(&d->params);
	memset(d, 0, sizeof *d);
}

/* ---- CSV: one row a node ---- */

static void csv_num(struct strbuf *sb, double v)
{
	sb_addc(sb, ',');
	if (!isnan(v))
		num6(sb, v);
}

static int write_csv(FILE *f, const struct export_input *in)
{
	const struct tree *t = in->tree;
	struct strbuf sb;
	sb_init(&sb);
	sb_adds(&sb, "id,parent,depth,kind,text,prm,orm,prior,visits,value,answer,tokens,action,round,pruned,"
		     "terminal,final,q\n");
	for (size_t i = 0; i < tree_count(t); i++) {
		const struct node *n = tree_node(t, (int32_t)i);
		sb_printf(&sb, "%zu,", i);
		if (n->parent != NODE_NONE)
			sb_printf(&sb, "%d", n->parent);
		sb_printf(&sb, ",%u,%s,", n->depth, node_kind_name(n->kind));
		sb_add_csv_string(&sb, n->text, n->text_len);
		csv_num(&sb, n->prm);
		csv_num(&sb, n->orm);
		csv_num(&sb, n->prior);
		sb_printf(&sb, ",%u", n->visits);
		csv_num(&sb, n->visits ? n->value : NAN);
		sb_addc(&sb, ',');
		if (n->answer)
			sb_add_csv_string(&sb, n->answer, strlen(n->answer));
		sb_printf(&sb, ",%u,", n->tokens);
		if (n->action)
			sb_printf(&sb, "%d", n->action);
		sb_addc(&sb, ',');
		if (n->round >= 0)
			sb_printf(&sb, "%d", n->round);
		sb_printf(&sb, ",%d,%d,%d", !!(n->flags & NF_PRUNED), !!(n->flags & NF_TERMINAL),
			  !!(n->flags & NF_FINAL));
		csv_num(&sb, n->q);
		sb_addc(&sb, '\n');
		if (sb.len > (1 << 20)) {
			fwrite(sb.s, 1, sb.len, f);
			sb_reset(&sb);
		}
	}
	fwrite(sb.s, 1, sb.len, f);
	sb_free(&sb);
	return ferror(f) ? -1 : 0;
}

/* ---- Markdown: a report for teaching ---- */

/* Text for a table cell: one line, pipes escaped. */
static void md_cell(struct strbuf *sb, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '|')
			sb_adds(sb, "\\|");
		else if (s[i] == '\n')
			sb_adds(sb, "<br>");
		else if (s[i] != '\r')
			sb_addc(sb, s[i]);
	}
}

static void md_num(struct strbuf *sb, double v)
{
	if (isnan(v))
		sb_adds(sb, " |");
	else
		sb_printf(sb, " %.3f |", v);
}

/* The nodes from the root to id, root first. */
static size_t path_to(const struct tree *t, int32_t id, int32_t **out)
{
	size_t len = tree_path(t, id, NULL, 0);
	*out = xcalloc(len ? len : 1, sizeof **out);
	tree_path(t, id, *out, len);
	return len;
}

static int write_md(FILE *f, const struct export_input *in)
{
	const struct tree *t = in->tree;
	struct strbuf sb;
	sb_init(&sb);
	size_t plen = strlen(in->problem);
	sb_printf(&sb, "# %s: %.*s%s\n\n", in->strategy, (int)(plen > 80 ? 80 : plen), in->problem,
		  plen > 80 ? "..." : "");
	sb_adds(&sb, "**Problem.** ");
	sb_adds(&sb, in->problem);
	sb_adds(&sb, "\n\n");
	sb_printf(&sb, "- **Strategy:** %s%s%s%s\n", in->strategy, in->params && *in->params ? " (" : "",
		  in->params && *in->params ? in->params : "", in->params && *in->params ? ")" : "");
	if (in->gold)
		sb_printf(&sb, "- **Gold answer:** %s\n", in->gold);
	if (in->has_final) {
		sb_printf(&sb, "- **Final answer:** %s%s", in->final_answer ? in->final_answer : "none",
			  in->final_correct == 1 ? " (correct)" : in->final_correct == 0 ? " (wrong)" : "");
		if (in->final_node >= 0)
			sb_printf(&sb, " at node #%d", in->final_node);
		sb_addc(&sb, '\n');
		if (in->final_reason && *in->final_reason)
			sb_printf(&sb, "- **Why:** %s\n", in->final_reason);
	} else {
		sb_adds(&sb, "- **Final answer:** not chosen (the search did not finish)\n");
	}
	sb_printf(&sb, "- **Tree:** %zu nodes\n", tree_count(t));
	if (in->imported_from)
		/* nothing was spent here, and the source does not say */
		sb_printf(&sb, "- **Source:** imported from %s output, which records no token or request counts\n\n",
			  in->imported_from);
	else
		sb_printf(&sb,
			  "- **Spent:** %llu generated tokens, %llu prompt tokens, %llu requests (%llu to scorers)%s\n\n",
			  (unsigned long long)in->usage.gen_tokens, (unsigned long long)in->usage.prompt_tokens,
			  (unsigned long long)in->usage.requests, (unsigned long long)in->usage.scorer_calls,
			  in->usage.estimated ? ", some token counts estimated" : "");
	/* the path to the answer */
	int32_t end = in->final_node >= 0 ? in->final_node : tree_final_leaf(t);
	if (end >= 0 && tree_node(t, end)) {
		int32_t *ids;
		size_t len = path_to(t, end, &ids);
		sb_adds(&sb, "## The path to the answer\n\n| node | kind | text | PRM | ORM | N | Q/N |\n"
			     "|---|---|---|---|---|---|---|\n");
		for (size_t i = 1; i < len; i++) {
			const struct node *n = tree_node(t, ids[i]);
			sb_printf(&sb, "| #%d | %s | ", ids[i], node_kind_name(n->kind));
			md_cell(&sb, n->text, n->text_len);
			sb_adds(&sb, " |");
			md_num(&sb, n->prm);
			md_num(&sb, n->orm);
			if (n->visits)
				sb_printf(&sb, " %u | %.3f |\n", n->visits, n->value / n->visits);
			else if (!isnan(n->q))
				sb_printf(&sb, " | %.3f |\n", n->q);
			else
				sb_adds(&sb, " | |\n");
		}
		sb_addc(&sb, '\n');
		free(ids);
	}
	/* the vote */
	const struct event *v = in->vote;
	if (v && v->nclusters) {
		sb_adds(&sb, "## The vote\n\n| answer | votes | weight | nodes |\n|---|---|---|---|\n");
		for (size_t i = 0; i < v->nclusters; i++) {
			const struct vote_cluster *c = &v->clusters[i];
			sb_adds(&sb, "| ");
			md_cell(&sb, c->answer, strlen(c->answer));
			sb_printf(&sb, " | %u | %.3f | ", c->count, c->weight);
			for (size_t j = 0; j < c->nnodes; j++) {
				if (j == 12) {
					sb_adds(&sb, "...");
					break;
				}
				sb_printf(&sb, "#%d ", c->nodes[j]);
			}
			sb_adds(&sb, "|\n");
		}
		if (v->answer)
			sb_printf(&sb, "\nChosen: **%s**.\n", v->answer);
		sb_addc(&sb, '\n');
	}
	/* the rounds of critique and refinement */
	int last_round = -1;
	for (size_t i = 0; i < tree_count(t); i++)
		if (tree_node(t, (int32_t)i)->round > last_round)
			last_round = tree_node(t, (int32_t)i)->round;
	if (last_round >= 0)
		sb_adds(&sb, "## Rounds of critique and refinement\n\n");
	for (int r = 0; r <= last_round; r++) {
		sb_printf(&sb, "### Round %d\n\n", r);
		for (size_t i = 0; i < tree_count(t); i++) {
			const struct node *n = tree_node(t, (int32_t)i);
			if (n->round != r)
				continue;
			sb_printf(&sb, "**%s #%zu** (on #%d)%s:\n\n", node_kind_name(n->kind), i, n->parent,
				  n->answer ? "" : "");
			/* each line quoted */
			const char *p = n->text, *e = n->text + n->text_len;
			while (p < e) {
				const char *nl = memchr(p, '\n', (size_t)(e - p));
				size_t l = nl ? (size_t)(nl - p) : (size_t)(e - p);
				sb_adds(&sb, "> ");
				sb_add(&sb, p, l);
				sb_adds(&sb, "\n");
				p += l + (nl ? 1 : 0);
			}
			if (n->answer)
				sb_printf(&sb, "\nIts answer: %s%s\n", n->answer,
					  in->gold ? (answer_equal(n->answer, in->gold) ? " (right)" : " (wrong)") : "");
			sb_addc(&sb, '\n');
		}
	}
	const struct event *dv = in->difficulty;
	if (dv) {
		sb_printf(&sb, "## Difficulty\n\nMAgICoRe judged the problem **%s**:", dv->label ? dv->label : "?");
		for (size_t i = 0; i < dv->nvals; i++)
			sb_printf(&sb, " %s %.3f;", dv->keys[i], dv->vals[i]);
		sb_adds(&sb, "\n\n");
	}
	sb_adds(&sb, "---\nMade by canopy export.\n");
	fwrite(sb.s, 1, sb.len, f);
	sb_free(&sb);
	return ferror(f) ? -1 : 0;
}

/* ---- SVG: the tree as a picture ---- */

/* XML text of at most max characters (UTF-8 aware), "..." when cut. */
static void xml_text(struct strbuf *sb, const char *s, size_t n, size_t max)
{
	size_t shown = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c & 0xC0) != 0x80 && shown++ == max) {
			sb_adds(sb, "...");
			return;
		}
		switch (c) {
		case '<': sb_adds(sb, "&lt;"); break;
		case '>': sb_adds(sb, "&gt;"); break;
		case '&': sb_adds(sb, "&amp;"); break;
		case '"': sb_adds(sb, "&quot;"); break;
		case '\n': case '\r': case '\t': sb_addc(sb, ' '); break;
		default:
			if (c >= 0x20) /* no control characters in XML */
				sb_addc(sb, (char)c);
		}
	}
}

/* Where a text line breaks: about w characters, at a space when one is near. */
static size_t line_break(const char *s, size_t n, size_t w)
{
	size_t chars = 0, i = 0, last_space = 0;
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c & 0xC0) == 0x80)
			continue;
		if (chars == w)
			break;
		if (c == ' ' || c == '\n')
			last_space = i;
		chars++;
	}
	if (i < n && last_space > i / 2)
		return last_space + 1;
	return i;
}

struct vis {
	int32_t node;     /* NODE_NONE: a summary box */
	int parent;       /* index into the vis array, -1 for the root */
	size_t hidden;    /* a summary: how many nodes it stands for */
	int depth;
	double x;
	int first_child, last_child, next;
};

static size_t subtree_size(const struct tree *t, int32_t id)
{
	size_t n = 0;
	int32_t stack_top = id;
	/* iterative: a deep tree must not overflow the stack */
	struct idstack {
		int32_t *v;
		size_t n, cap;
	} st = {0};
	st.v = xmalloc(64 * sizeof *st.v);
	st.cap = 64;
	st.v[st.n++] = stack_top;
	while (st.n) {
		int32_t cur = st.v[--st.n];
		n++;
		for (int32_t c = tree_node(t, cur)->first_child; c != NODE_NONE; c = tree_node(t, c)->next_sibling) {
			if (st.n == st.cap) {
				st.cap *= 2;
				st.v = xrealloc(st.v, st.cap * sizeof *st.v);
			}
			st.v[st.n++] = c;
		}
	}
	free(st.v);
	return n;
}

static double node_score(const struct node *n)
{
	return !isnan(n->prm) ? n->prm : !isnan(n->orm) ? n->orm : n->visits ? n->value / n->visits : -1;
}

struct vis_list {
	struct vis *v;
	size_t n, cap;
};

static int vis_add(struct vis_list *l, int32_t node, int parent, size_t hidden, int depth)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	struct vis *v = &l->v[l->n];
	*v = (struct vis){node, parent, hidden, depth, 0, -1, -1, -1};
	if (parent >= 0) {
		struct vis *p = &l->v[parent];
		if (p->last_child >= 0)
			l->v[p->last_child].next = (int)l->n;
		else
			p->first_child = (int)l->n;
		p->last_child = (int)l->n;
	}
	return (int)l->n++;
}

/* What to draw: everything for a small tree; for a big one the path to the
 * answer, up to 8 best children of each node on it, and a box counting
 * what is left out. */
static void choose(const struct tree *t, int32_t end, struct vis_list *l)
{
	size_t count = tree_count(t);
	if (count <= EXPORT_SVG_FULL) {
		int *at = xcalloc(count, sizeof *at);
		for (size_t i = 0; i < count; i++) {
			const struct node *n = tree_node(t, (int32_t)i);
			at[i] = vis_add(l, (int32_t)i, n->parent == NODE_NONE ? -1 : at[n->parent], 0, (int)n->depth);
		}
		free(at);
		return;
	}
	unsigned char *on = xcalloc(count, 1);
	for (int32_t id = end; id != NODE_NONE && id >= 0; id = tree_node(t, id)->parent)
		on[id] = 1;
	int cur = vis_add(l, 0, -1, 0, 0);
	int32_t id = 0;
	for (;;) {
		/* the children of a path node: the path child and the best others */
		int32_t kids[8];
		size_t nk = 0, total = 0, shown_size = 0;
		int32_t next = NODE_NONE;
		for (int32_t c = tree_node(t, id)->first_child; c != NODE_NONE; c = tree_node(t, c)->next_sibling) {
			total++;
			if (on[c])
				next = c;
		}
		if (next != NODE_NONE)
			kids[nk++] = next;
		while (nk < 8) {
			int32_t best = NODE_NONE;
			for (int32_t c = tree_node(t, id)->first_child; c != NODE_NONE; c = tree_node(t, c)->next_sibling) {
				int taken = 0;
				for (size_t k = 0; k < nk; k++)
					taken |= kids[k] == c;
				if (!taken && (best == NODE_NONE || node_score(tree_node(t, c)) > node_score(tree_node(t, best))))
					best = c;
			}
			if (best == NODE_NONE)
				break;
			kids[nk++] = best;
		}
		int next_vis = -1;
		for (size_t k = 0; k < nk; k++) {
			int v = vis_add(l, kids[k], cur, 0, (int)tree_node(t, kids[k])->depth);
			if (kids[k] == next)
				next_vis = v;
			else if (tree_node(t, kids[k])->first_child != NODE_NONE)
				vis_add(l, NODE_NONE, v, subtree_size(t, kids[k]) - 1, (int)tree_node(t, kids[k])->depth + 1);
			shown_size += subtree_size(t, kids[k]);
		}
		if (total > nk) {
			size_t all = subtree_size(t, id) - 1;
			vis_add(l, NODE_NONE, cur, all - shown_size, (int)tree_node(t, id)->depth + 1);
		}
		if (next == NODE_NONE)
			break;
		id = next;
		cur = next_vis;
	}
	free(on);
}

static int write_svg(FILE *f, const struct export_input *in)
{
	const struct tree *t = in->tree;
	struct vis_list l = {0};
	int32_t end = in->final_node >= 0 ? in->final_node : tree_final_leaf(t);
	if (tree_count(t))
		choose(t, end, &l);
	/* left to right, as a reasoning path reads: depth across, siblings
	 * down; a pruned leaf takes a short box; a parent sits level with the
	 * middle of its children */
	const double BW = 250, BH = 60, SH = 24, GX = 46, GY = 10, TOP = 86, LEFT = 20;
	/* each node's band of height: its own box, or its children's bands
	 * stacked, whichever is taller (children come after their parents in
	 * the array, so one pass backwards and one forwards) */
	double *yv = xcalloc(l.n ? l.n : 1, sizeof *yv), *span = xcalloc(l.n ? l.n : 1, sizeof *span);
	double *top = xcalloc(l.n ? l.n : 1, sizeof *top), cursor = TOP;
	int maxdepth = 0;
#define BOXH(v) ((v)->node == NODE_NONE || (tree_node(t, (v)->node)->flags & NF_PRUNED) ? SH : BH)
	for (size_t i = l.n; i-- > 0;) {
		double kids = 0;
		for (int c = l.v[i].first_child; c >= 0; c = l.v[c].next)
			kids += span[c];
		double own = BOXH(&l.v[i]) + GY;
		span[i] = kids > own ? kids : own;
		if (l.v[i].depth > maxdepth)
			maxdepth = l.v[i].depth;
	}
	for (size_t i = 0; i < l.n; i++) {
		if (i == 0)
			top[0] = TOP;
		double kids = 0;
		for (int c = l.v[i].first_child; c >= 0; c = l.v[c].next)
			kids += span[c];
		double at = top[i] + (span[i] - kids) / 2;
		for (int c = l.v[i].first_child; c >= 0; c = l.v[c].next) {
			top[c] = at;
			at += span[c];
		}
		yv[i] = top[i] + (span[i] - (BOXH(&l.v[i]) + GY)) / 2;
	}
	if (l.n)
		cursor = TOP + span[0];
	free(span);
	free(top);
	double width = LEFT * 2 + (maxdepth + 1) * (BW + GX), height = cursor + 20;
	if (width < 760)
		width = 760;
	struct strbuf sb;
	sb_init(&sb);
	sb_printf(&sb,
		  "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" "
		  "height=\"%.0f\" font-family=\"sans-serif\" font-size=\"11\">\n"
		  "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
		  width, height, width, height);
	sb_printf(&sb, "<text x=\"%.0f\" y=\"26\" font-size=\"15\" font-weight=\"bold\">", LEFT);
	xml_text(&sb, in->problem, strlen(in->problem), 140);
	sb_printf(&sb, "</text>\n<text x=\"%.0f\" y=\"46\">", LEFT);
	xml_text(&sb, in->strategy, strlen(in->strategy), 40);
	if (in->params && *in->params) {
		sb_adds(&sb, " (");
		xml_text(&sb, in->params, strlen(in->params), 100);
		sb_adds(&sb, ")");
	}
	sb_printf(&sb, " · %zu nodes", tree_count(t));
	if (in->has_final) {
		sb_adds(&sb, " · answer ");
		xml_text(&sb, in->final_answer ? in->final_answer : "none",
			 strlen(in->final_answer ? in->final_answer : "none"), 40);
		sb_adds(&sb, in->final_correct == 1 ? " (correct)" : in->final_correct == 0 ? " (wrong)" : "");
	}
	if (tree_count(t) > EXPORT_SVG_FULL)
		sb_printf(&sb, " · showing the path to the answer and its best siblings");
	sb_adds(&sb, "</text>\n");
	/* the legend */
	sb_printf(&sb, "<text x=\"%.0f\" y=\"68\">PRM score:</text>\n", LEFT);
	for (int i = 0; i <= 10; i++) {
		char colour[16];
		score_colour(i / 10.0, colour, sizeof colour);
		sb_printf(&sb, "<rect x=\"%.0f\" y=\"58\" width=\"14\" height=\"12\" fill=\"%s\"/>\n", LEFT + 70 + i * 14,
			  colour);
	}
	sb_printf(&sb, "<text x=\"%.0f\" y=\"68\">0 to 1 · thick: the path to the answer · dashed: pruned</text>\n",
		  LEFT + 70 + 11 * 14 + 8);
	/* edges under the boxes, from a parent's right side to its child's left */
	for (size_t i = 1; i < l.n; i++) {
		const struct vis *v = &l.v[i], *p = &l.v[v->parent];
		int on_path = v->node != NODE_NONE && (tree_node(t, v->node)->flags & NF_FINAL);
		double x1 = LEFT + p->depth * (BW + GX) + BW, y1 = yv[v->parent] + BOXH(p) / 2;
		double x2 = LEFT + v->depth * (BW + GX), y2 = yv[i] + BOXH(v) / 2, xm = (x1 + x2) / 2;
		sb_printf(&sb, "<path d=\"M%.1f %.1f C%.1f %.1f %.1f %.1f %.1f %.1f\" fill=\"none\" stroke=\"%s\" "
			       "stroke-width=\"%d\"/>\n",
			  x1, y1, xm, y1, xm, y2, x2, y2, on_path ? "#222" : "#aaa", on_path ? 3 : 1);
	}
	for (size_t i = 0; i < l.n; i++) {
		const struct vis *v = &l.v[i];
		double x = LEFT + v->depth * (BW + GX), y = yv[i];
		if (v->node == NODE_NONE) {
			sb_printf(&sb,
				  "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.0f\" height=\"%.0f\" rx=\"6\" fill=\"#f7f7f7\" "
				  "stroke=\"#bbb\" stroke-dasharray=\"2,2\"/>\n<text x=\"%.1f\" y=\"%.1f\" fill=\"#666\">+ %zu "
				  "more node%s</text>\n",
				  x, y, BW, SH, x + 8, y + 16, v->hidden, v->hidden == 1 ? "" : "s");
			continue;
		}
		const struct node *n = tree_node(t, v->node);
		char colour[16];
		score_colour(n->prm, colour, sizeof colour);
		int pruned = n->flags & NF_PRUNED, fin = n->flags & NF_FINAL;
		sb_printf(&sb, "<g><title>#%d ", v->node);
		xml_text(&sb, n->text, n->text_len, 400);
		sb_printf(&sb,
			  "</title><rect x=\"%.1f\" y=\"%.1f\" width=\"%.0f\" height=\"%.0f\" rx=\"6\" fill=\"%s\" "
			  "stroke=\"%s\" stroke-width=\"%d\"%s/>\n",
			  x, y, BW, BOXH(v), pruned ? "#eeeeee" : colour, fin ? "#222" : "#777", fin ? 3 : 1,
			  pruned ? " stroke-dasharray=\"4,3\"" : "");
		sb_printf(&sb, "<text x=\"%.1f\" y=\"%.1f\" font-weight=\"bold\"%s>#%d %s", x + 6, y + 14,
			  pruned ? " fill=\"#777\"" : "", v->node, node_kind_name(n->kind));
		if (!isnan(n->prm))
			sb_printf(&sb, " · PRM %.2f", n->prm);
		if (n->visits)
			sb_printf(&sb, " · N=%u Q/N=%.2f", n->visits, n->value / n->visits);
		else if (!isnan(n->q))
			sb_printf(&sb, " · Q=%.2f", n->q);
		if (pruned) {
			/* a short box: the header and the start of the text */
			sb_adds(&sb, " · pruned</text>\n");
			sb_adds(&sb, "</g>\n");
			continue;
		}
		sb_adds(&sb, "</text>\n");
		/* two lines of the text */
		const char *p = n->text;
		size_t left = n->text_len;
		for (int line = 0; line < 2 && left; line++) {
			size_t cut = line == 1 ? left : line_break(p, left, 44);
			sb_printf(&sb, "<text x=\"%.1f\" y=\"%.1f\">", x + 6, y + 28 + line * 12);
			xml_text(&sb, p, cut, 44);
			sb_adds(&sb, "</text>\n");
			p += cut;
			left -= cut;
		}
		if (n->answer) {
			sb_printf(&sb, "<text x=\"%.1f\" y=\"%.1f\" font-style=\"italic\">answer: ", x + 6, y + BH - 5);
			xml_text(&sb, n->answer, strlen(n->answer), 24);
			sb_adds(&sb, "</text>\n");
		}
		sb_adds(&sb, "</g>\n");
		if (sb.len > (1 << 20)) {
			fwrite(sb.s, 1, sb.len, f);
			sb_reset(&sb);
		}
	}
	sb_adds(&sb, "</svg>\n");
	fwrite(sb.s, 1, sb.len, f);
	sb_free(&sb);
	free(l.v);
	free(yv);
#undef BOXH
	return ferror(f) ? -1 : 0;
}

int export_write(FILE *f, const struct export_input *in, enum export_format fmt)
{
	switch (fmt) {
	case EXPORT_JSON: return write_json(f, in);
	case EXPORT_DOT: return write_dot(f, in);
	case EXPORT_SVG: return write_svg(f, in);
	case EXPORT_MD: return write_md(f, in);
	case EXPORT_CSV: return write_csv(f, in);
	}
	return -1;
}
