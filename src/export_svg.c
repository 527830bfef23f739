/* export_svg: the tree as a self-contained SVG picture, left to right,
 * coloured by PRM score, the path to the answer thick, pruned nodes
 * dashed; a large tree drawn as its final path, the path's siblings and
 * a count of the rest. */
#include "export.h"
#include "export_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "util.h"

/* ---- SVG: the tree as a picture ---- */

/* XML text of at most max characters (UTF-8 aware), "..." when cut. */
static void xml_text(struct strbuf *sb, const char *s, size_t n, size_t max)
{
	/* XML 1.0 allows tab, newline, CR, U+0020-U+D7FF, U+E000-U+FFFD and
	 * the planes above: everything else is left out (a byte that is
	 * not UTF-8 becomes U+FFFD), so xmllint takes the file whatever the
	 * text; C1 controls go too */
	const unsigned char *p = (const unsigned char *)s;
	size_t shown = 0, i = 0;
	while (i < n) {
		uint32_t cp;
		size_t len = (size_t)utf8_decode(p + i, n - i, &cp);
		if (shown++ == max) {
			sb_adds(sb, "...");
			return;
		}
		if (!len) {
			sb_adds(sb, "\xEF\xBF\xBD");
			i++;
			continue;
		}
		switch (cp) {
		case '<': sb_adds(sb, "&lt;"); break;
		case '>': sb_adds(sb, "&gt;"); break;
		case '&': sb_adds(sb, "&amp;"); break;
		case '"': sb_adds(sb, "&quot;"); break;
		case '\n': case '\r': case '\t': sb_addc(sb, ' '); break;
		default:
			if (cp >= 0x20 && !(cp >= 0x7F && cp <= 0x9F) && cp != 0xFFFE && cp != 0xFFFF)
				sb_add(sb, s + i, len);
			else
				shown--;
		}
		i += len;
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

int export_write_svg(FILE *f, const struct export_input *in)
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
		export_score_colour(i / 10.0, colour, sizeof colour);
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
		export_score_colour(n->prm, colour, sizeof colour);
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
			sb_printf(&sb, " · mean=%.2f", n->q); /* a mean without counts (an import) */
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

