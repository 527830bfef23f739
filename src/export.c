#include "export.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int export_format_parse(const char *s)
{
	if (!strcmp(s, "json"))
		return EXPORT_JSON;
	if (!strcmp(s, "dot"))
		return EXPORT_DOT;
	return -1;
}

static void json_node_fields(struct strbuf *sb, const struct tree *t, int32_t id)
{
	const struct node *n = tree_node(t, id);
	sb_printf(sb, "{\"id\":%d,\"kind\":\"%s\",\"text\":", id, node_kind_name(n->kind));
	sb_add_json_string(sb, n->text, n->text_len);
	if (!isnan(n->prm)) {
		sb_adds(sb, ",\"prm\":");
		sb_add_json_number(sb, n->prm);
	}
	if (!isnan(n->orm)) {
		sb_adds(sb, ",\"orm\":");
		sb_add_json_number(sb, n->orm);
	}
	if (!isnan(n->prior)) {
		sb_adds(sb, ",\"prior\":");
		sb_add_json_number(sb, n->prior);
	}
	if (n->visits) {
		sb_printf(sb, ",\"visits\":%u,\"value\":", n->visits);
		sb_add_json_number(sb, n->value);
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
static int write_json(FILE *f, const struct trace *tr)
{
	const struct tree *t = tr->tree;
	struct strbuf sb;
	sb_init(&sb);
	sb_adds(&sb, "{\"problem\":");
	sb_add_json_string(&sb, tr->header.problem, strlen(tr->header.problem));
	sb_adds(&sb, ",\"gold\":");
	if (tr->header.gold)
		sb_add_json_string(&sb, tr->header.gold, strlen(tr->header.gold));
	else
		sb_adds(&sb, "null");
	sb_adds(&sb, ",\"strategy\":");
	sb_add_json_string(&sb, tr->header.strategy, strlen(tr->header.strategy));
	sb_adds(&sb, ",\"final\":");
	if (tr->has_final) {
		sb_adds(&sb, "{\"answer\":");
		if (tr->final_answer)
			sb_add_json_string(&sb, tr->final_answer, strlen(tr->final_answer));
		else
			sb_adds(&sb, "null");
		sb_printf(&sb, ",\"node\":%d", tr->final_node);
		if (tr->final_correct >= 0)
			sb_printf(&sb, ",\"correct\":%s", tr->final_correct ? "true" : "false");
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

static int write_dot(FILE *f, const struct trace *tr)
{
	const struct tree *t = tr->tree;
	struct strbuf sb;
	sb_init(&sb);
	sb_adds(&sb, "digraph canopy {\n"
		     "  graph [rankdir=TB, label=\"");
	dot_escape(&sb, tr->header.problem, strlen(tr->header.problem), 120);
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
			sb_printf(&sb, "\\nN=%u Q=%.2f", n->visits, n->value);
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

int export_write(FILE *f, const struct trace *tr, enum export_format fmt)
{
	return fmt == EXPORT_DOT ? write_dot(f, tr) : write_json(f, tr);
}
