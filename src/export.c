#include "export.h"
#include "export_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "calib.h"
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
	if (!isfinite(v)) {
		/* a trace may hold 1e999: JSON has no infinity */
		sb_adds(sb, "null");
		return;
	}
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

/* At most max characters of s as a DOT string's inside: cut between
 * characters, never inside one; control characters and bytes that are
 * not UTF-8 left out (graphviz warns on them, and a terminal would run
 * them); quotes and backslashes escaped. */
static void dot_escape(struct strbuf *sb, const char *s, size_t n, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t shown = 0, i = 0;
	while (i < n) {
		uint32_t cp;
		size_t len = (size_t)utf8_decode(p + i, n - i, &cp);
		if (!len) {
			i++;
			continue;
		}
		if (shown >= max) {
			sb_adds(sb, "...");
			break;
		}
		if (cp == '"' || cp == '\\')
			sb_addc(sb, '\\');
		if (cp == '\n' || cp == '\r' || cp == '\t')
			sb_addc(sb, ' ');
		else if (cp >= 0x20 && !(cp >= 0x7F && cp <= 0x9F))
			sb_add(sb, s + i, len);
		shown++;
		i += len;
	}
}

/* Red (0) through yellow to green (1), as Graphviz "#rrggbb". */
void export_score_colour(double v, char *buf, size_t len)
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
		export_score_colour(n->prm, colour, sizeof colour);
		sb_printf(&sb, "  n%zu [label=\"#%zu %s\\n", i, i, node_kind_name(n->kind));
		dot_escape(&sb, n->text, n->text_len, 60);
		if (!isnan(n->prm))
			sb_printf(&sb, "\\nPRM %.2f", n->prm);
		if (!isnan(n->orm))
			sb_printf(&sb, "  ORM %.2f", n->orm);
		if (n->visits)
			sb_printf(&sb, "\\nN=%u Q/N=%.2f", n->visits, n->value / n->visits);
		else if (!isnan(n->q))
			sb_printf(&sb, "\\nmean=%.2f", n->q); /* a mean without counts (an import) */
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

/* Text from the trace in Markdown: the characters HTML would take as
 * markup are entities, so a node's "<script>" stays text. */
static void md_text(struct strbuf *sb, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '<')
			sb_adds(sb, "&lt;");
		else if (s[i] == '>')
			sb_adds(sb, "&gt;");
		else if (s[i] == '&')
			sb_adds(sb, "&amp;");
		else if ((unsigned char)s[i] >= 0x20 || s[i] == '\n' || s[i] == '\t')
			sb_addc(sb, s[i]);
	}
}

/* md_text as a string, for the lines written with sb_printf (freed by
 * the caller). */
static char *md_esc(const char *s)
{
	struct strbuf sb;
	sb_init(&sb);
	if (s)
		md_text(&sb, s, strlen(s));
	return s ? sb_steal(&sb) : NULL;
}

/* Text for a table cell: one line, pipes escaped. */
static void md_cell(struct strbuf *sb, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '|')
			sb_adds(sb, "\\|");
		else if (s[i] == '\n')
			sb_adds(sb, "<br>");
		else if (s[i] != '\r')
			md_text(sb, s + i, 1);
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

static void md_hist(struct strbuf *sb, const char *title, const struct calib_hist *h)
{
	sb_printf(sb, "### %s\n\n", title);
	if (!h->nright && !h->nwrong) {
		sb_adds(sb, "None labelled.\n\n");
		return;
	}
	sb_printf(sb, "%zu right, %zu wrong; AUC ", h->nright, h->nwrong);
	if (isnan(h->auc))
		sb_adds(sb, "not defined (it needs both)");
	else
		sb_printf(sb, "%.3f", h->auc);
	sb_adds(sb, ".\n\n| score | right | wrong |\n|---|---|---|\n");
	for (int b = CALIB_BINS - 1; b >= 0; b--)
		sb_printf(sb, "| %.1f-%.1f | %zu | %zu |\n", b / (double)CALIB_BINS, (b + 1) / (double)CALIB_BINS,
			  h->right[b], h->wrong[b]);
	sb_addc(sb, '\n');
}

/* The calibration panel of the UI (c), as tables. */
static void md_calibration(struct strbuf *sb, const struct tree *t, const char *gold)
{
	size_t n = tree_count(t), inv = 0;
	signed char *lab = xmalloc(n);
	calib_labels(t, gold, lab);
	struct calib_hist steps, sp, so;
	calib_steps(t, lab, &steps);
	calib_solutions(t, lab, &sp, &so);
	for (size_t i = 1; i < n; i++)
		inv += (size_t)calib_inversion(t, lab, (int32_t)i, NULL);
	sb_adds(sb, "## The PRM against the gold\n\nA step is right when an answer reached through it is right, "
		    "wrong when answers were reached and none is; a solution by its own answer.\n\n");
	sb_printf(sb, "PRM inversions (a wrong step scored above a right sibling): %zu.\n\n", inv);
	md_hist(sb, "Steps: PRM", &steps);
	md_hist(sb, "Solutions: PRM", &sp);
	if (so.nright || so.nwrong)
		md_hist(sb, "Solutions: ORM", &so);
	free(lab);
}

static int write_md(FILE *f, const struct export_input *in)
{
	const struct tree *t = in->tree;
	struct strbuf sb;
	sb_init(&sb);
	/* everything from the trace is text here, never markup */
	char *strategy = md_esc(in->strategy), *problem = md_esc(in->problem), *params = md_esc(in->params);
	char *gold = md_esc(in->gold), *final_answer = md_esc(in->final_answer);
	char *final_reason = md_esc(in->final_reason), *from = md_esc(in->imported_from);
	size_t plen = strlen(in->problem);
	sb_printf(&sb, "# %s: ", strategy);
	md_text(&sb, in->problem, plen > 80 ? 80 : plen);
	sb_printf(&sb, "%s\n\n", plen > 80 ? "..." : "");
	sb_adds(&sb, "**Problem.** ");
	sb_adds(&sb, problem);
	sb_adds(&sb, "\n\n");
	sb_printf(&sb, "- **Strategy:** %s%s%s%s\n", strategy, params && *params ? " (" : "",
		  params && *params ? params : "", params && *params ? ")" : "");
	if (gold)
		sb_printf(&sb, "- **Gold answer:** %s\n", gold);
	if (in->has_final) {
		sb_printf(&sb, "- **Final answer:** %s%s", final_answer ? final_answer : "none",
			  in->final_correct == 1 ? " (correct)" : in->final_correct == 0 ? " (wrong)" : "");
		if (in->final_node >= 0)
			sb_printf(&sb, " at node #%d", in->final_node);
		sb_addc(&sb, '\n');
		if (final_reason && *final_reason)
			sb_printf(&sb, "- **Why:** %s\n", final_reason);
	} else {
		sb_adds(&sb, "- **Final answer:** not chosen (the search did not finish)\n");
	}
	sb_printf(&sb, "- **Tree:** %zu nodes\n", tree_count(t));
	if (in->imported_from)
		/* nothing was spent here, and the source does not say */
		sb_printf(&sb, "- **Source:** imported from %s output, which records no token or request counts\n\n",
			  from);
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
		if (v->answer) {
			sb_adds(&sb, "\nChosen: **");
			md_text(&sb, v->answer, strlen(v->answer));
			sb_adds(&sb, "**.\n");
		}
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
				md_text(&sb, p, l);
				sb_adds(&sb, "\n");
				p += l + (nl ? 1 : 0);
			}
			if (n->answer) {
				sb_adds(&sb, "\nIts answer: ");
				md_text(&sb, n->answer, strlen(n->answer));
				sb_printf(&sb, "%s\n",
					  in->gold ? (answer_equal(n->answer, in->gold) ? " (right)" : " (wrong)") : "");
			}
			sb_addc(&sb, '\n');
		}
	}
	/* the PRM against the gold */
	if (in->gold && tree_count(t))
		md_calibration(&sb, t, in->gold);
	const struct event *dv = in->difficulty;
	if (dv) {
		sb_adds(&sb, "## Difficulty\n\nMAgICoRe judged the problem **");
		md_text(&sb, dv->label ? dv->label : "?", strlen(dv->label ? dv->label : "?"));
		sb_adds(&sb, "**:");
		for (size_t i = 0; i < dv->nvals; i++) {
			sb_addc(&sb, ' ');
			md_text(&sb, dv->keys[i], strlen(dv->keys[i]));
			sb_printf(&sb, " %.3f;", dv->vals[i]);
		}
		sb_adds(&sb, "\n\n");
	}
	sb_adds(&sb, "---\nMade by canopy export.\n");
	free(strategy);
	free(problem);
	free(params);
	free(gold);
	free(final_answer);
	free(final_reason);
	free(from);
	fwrite(sb.s, 1, sb.len, f);
	sb_free(&sb);
	return ferror(f) ? -1 : 0;
}

int export_write(FILE *f, const struct export_input *in, enum export_format fmt)
{
	switch (fmt) {
	case EXPORT_JSON: return write_json(f, in);
	case EXPORT_DOT: return write_dot(f, in);
	case EXPORT_SVG: return export_write_svg(f, in);
	case EXPORT_MD: return write_md(f, in);
	case EXPORT_CSV: return write_csv(f, in);
	}
	return -1;
}
