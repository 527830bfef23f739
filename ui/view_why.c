/* The Why pane (w): every decision the journal records about the selected
 * node, each with its formula and numbers (src/why.c, full), then the
 * path from the problem with each step's own verdicts, and the search's
 * answer with its reason.  Scrolled by lines, like the rounds view. */
#include <curses.h>
#include <math.h>
#include <string.h>

#include "calib.h"
#include "theme.h"
#include "ui.h"
#include "why.h"

/* Draws text as lines wrapped to w from row r (rows outside [y, ybot) are
 * skipped); returns the next row. */
static int lines(int r, int y, int ybot, int x, int w, const char *text, int indent, int attr)
{
	for (const char *p = text; p && *p;) {
		size_t l = strcspn(p, "\n");
		/* wrap at spaces, continuation rows indented */
		size_t at = 0;
		int first = 1;
		while (at < l || (first && l == 0)) {
			int lead = first ? indent : indent + 2;
			size_t fit = l - at;
			if ((int)fit > w - lead) {
				fit = (size_t)(w - lead > 1 ? w - lead : 1);
				size_t sp = fit;
				while (sp > 0 && p[at + sp] != ' ')
					sp--;
				if (sp > 0)
					fit = sp;
			}
			if (r >= y && r < ybot) {
				attrset(attr);
				ui_text(r, x + lead, w - lead, p + at, fit);
			}
			r++;
			at += fit;
			while (at < l && p[at] == ' ')
				at++;
			first = 0;
			if (l == 0)
				break;
		}
		p += l + (p[l] == '\n');
	}
	attrset(A_NORMAL);
	return r;
}

static void why_draw(struct ui *u, int y, int x, int h, int w)
{
	const struct tree *t = u->m.tree;
	int ybot = y + h;
	for (int r = 0; r < h; r++) {
		move(y + r, x);
		clrtoeol();
	}
	const struct node *n = tree_node(t, u->sel);
	int off = u->scroll[VIEW_WHY];
	int r = y - off;
	struct strbuf sb;
	sb_init(&sb);
	if (!n) {
		mvaddstr(y + 1, x + 2, "No node yet.");
		ui_draw_title(u);
		return;
	}
	sb_printf(&sb, "Why #%d (%s), at event %llu", u->sel, node_kind_name((enum node_kind)n->kind),
		  (unsigned long long)u->m.events);
	r = lines(r, y, ybot, x, w, sb.s, 1, theme_attr(TE_TITLE) | A_BOLD);
	sb_reset(&sb);
	sb_add(&sb, n->text, strcspn(n->text, "\n") < 200 ? strcspn(n->text, "\n") : 200);
	r = lines(r, y, ybot, x, w, sb.s, 2, A_NORMAL);
	r++;
	sb_reset(&sb);
	model_why(&u->m, u->sel, 1, &sb);
	r = lines(r, y, ybot, x, w, sb.len ? sb.s : "nothing decided about it yet", 2, theme_attr(TE_MESSAGE));
	/* the path: each step's decisions, in brief */
	if (n->depth > 0) {
		r++;
		r = lines(r, y, ybot, x, w, "the path from the problem:", 1, theme_attr(TE_KIND));
		int32_t path[512];
		size_t len = tree_path(t, u->sel, path, 512);
		if (len > 512)
			len = 512;
		for (size_t i = 1; i + 1 < len; i++) {
			const struct node *p = tree_node(t, path[i]);
			sb_reset(&sb);
			sb_printf(&sb, "#%d ", path[i]);
			sb_add(&sb, p->text, strcspn(p->text, "\n") < 80 ? strcspn(p->text, "\n") : 80);
			r = lines(r, y, ybot, x, w, sb.s, 2, A_NORMAL);
			sb_reset(&sb);
			model_why(&u->m, path[i], 0, &sb);
			r = lines(r, y, ybot, x, w, sb.s, 4, theme_attr(TE_MESSAGE));
		}
	}
	if (u->m.final.held) {
		r++;
		sb_reset(&sb);
		sb_adds(&sb, "the search's ");
		why_final(&u->m.final.ev, &sb);
		r = lines(r, y, ybot, x, w, sb.s, 1, theme_attr(TE_ANSWER));
		/* against the gold: where the chosen path passed by a pruned
		 * alternative that scored higher and was right */
		const signed char *lab = model_labels(&u->m);
		int32_t leaf = tree_final_leaf(t), alt = NODE_NONE;
		int32_t at = lab && leaf != NODE_NONE ? calib_lost_at(t, lab, leaf, &alt) : NODE_NONE;
		if (at != NODE_NONE) {
			sb_reset(&sb);
			sb_printf(&sb, "the chosen path first passed by a better one at #%d (PRM %.3f): its sibling #%d "
				       "scored %.3f, was pruned, and an answer reached through it is right",
				  at, tree_node(t, at)->prm, alt, tree_node(t, alt)->prm);
			r = lines(r, y, ybot, x, w, sb.s, 1, theme_attr(TE_WRONG));
		} else if (lab && leaf != NODE_NONE && lab[leaf] == -1) {
			r = lines(r, y, ybot, x, w,
				  "the answer is wrong, but no pruned sibling on its path scored higher and is known "
				  "to be right: the PRM led it there", 1,
				  theme_attr(TE_KIND));
		}
	}
	sb_free(&sb);
	ui_draw_title(u);
	int total = r - (y - off), most = total > h ? total - h : 0;
	if (off > most) {
		u->scroll[VIEW_WHY] = most;
		why_draw(u, y, x, h, w);
	}
}

static int why_key(struct ui *u, int key)
{
	return ui_list_key(&u->scroll[VIEW_WHY], key, u->rows - 4 > 1 ? u->rows - 4 : 1);
}

const struct view_ops view_why_ops = {
	.name = "why",
	.draw = why_draw,
	.key = why_key,
};
