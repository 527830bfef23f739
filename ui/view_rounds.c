/* The rounds view: each chain's solution, then round by round the
 * critique (or review) next to the refinement it led to, with the steps
 * that changed marked; MAgICoRe's easy/hard verdict and its numbers on
 * top. */
#include <curses.h>
#include <math.h>
#include <string.h>

#include "answer.h"
#include "theme.h"
#include "ui.h"

static int draw_lines(int y, int ybot, int x, int w, const char *text, const char *before)
{
	for (const char *p = text; *p && y < ybot;) {
		size_t l = strcspn(p, "\n");
		int changed = before && !ui_has_line(before, p, l);
		if (changed) {
			attrset(theme_attr(TE_MESSAGE) | A_BOLD);
			mvaddstr(y, x, "~");
		}
		ui_text(y, x + 2, w - 2, p, l);
		attrset(A_NORMAL);
		y++;
		p += l + (p[l] == '\n');
	}
	return y;
}

/* "refinement #7 -> 140 (correct)": a round's new version and its answer
 * against the gold. */
static void draw_result(struct ui *u, int y, int x, const char *what, int32_t id, const struct node *n)
{
	mvprintw(y, x, "%s #%d%s%s", what, id, n->answer ? " -> " : "", n->answer ? n->answer : "");
	if (n->answer && u->m.gold) {
		int ok = answer_equal(n->answer, u->m.gold);
		attrset(theme_attr(ok ? TE_CORRECT : TE_WRONG));
		printw(ok ? " (correct)" : " (wrong)");
	}
}

static void rounds_draw(struct ui *u, int y, int x, int h, int w)
{
	const struct tree *t = u->m.tree;
	int ybot = y + h;
	for (int r = 0; r < h; r++) {
		move(y + r, x);
		clrtoeol();
	}
	/* scrolled by lines, so every round of every chain can be reached:
	 * drawing starts off rows above the view; what falls above it is not
	 * drawn (a negative row) or is the title, drawn again at the end, and
	 * what falls below is the status bar's, drawn after */
	int off = u->scroll[VIEW_ROUNDS];
	int r = y - off;
	if (u->m.difficulty.held) {
		/* an imported verdict carries only what its tool recorded: each
		 * number is shown when it is there */
		const struct event *v = &u->m.difficulty.ev;
		double z = event_value(v, "cond1_mean_z");
		double co = event_value(v, "c_orm"), cp = event_value(v, "c_prm");
		int easy = v->label && !strcmp(v->label, "easy");
		attrset(theme_attr(easy ? TE_CORRECT : TE_WRONG));
		mvprintw(r++, x + 1, "MAgICoRe: %s", easy ? "easy (answered by weighted vote)" : "hard (refined)");
		attrset(A_NORMAL);
		if (!isnan(z))
			mvprintw(r++, x + 3, "condition 1: mean normalised reward of the majority %+.3f (easy if >= 0)", z);
		if (!isnan(co) && !isnan(cp))
			mvprintw(r++, x + 3, "condition 2: confidence ORM %.3f, PRM %.3f (easy if both >= 0.5)", co, cp);
		if (isnan(z) && (isnan(co) || isnan(cp))) {
			/* what the verdict does hold, by name */
			move(r++, x + 3);
			addstr("the trace records");
			for (size_t i = 0; i < v->nvals && getcurx(stdscr) < x + w - 24; i++) {
				/* names come from the trace: drawn as text */
				int cx = getcurx(stdscr) + 1;
				cx += ui_text(r - 1, cx, 20, v->keys[i], strlen(v->keys[i]));
				mvprintw(r - 1, cx, " %.3g;", v->vals[i]);
			}
			if (!v->nvals)
				addstr(" no numbers for it");
		}
		r++;
	}
	int chains = 0;
	int half = (w - 4) / 2;
	for (int32_t c = tree_node(t, 0)->first_child; c != NODE_NONE && r < ybot;
	     c = tree_node(t, c)->next_sibling) {
		const struct node *sol = tree_node(t, c);
		if (sol->kind != NODE_SOLUTION)
			continue;
		chains++;
		attrset(A_BOLD);
		mvprintw(r++, x + 1, "chain %d: solution #%d%s%s", chains, c, sol->answer ? ", answer " : "",
			 sol->answer ? sol->answer : "");
		attrset(A_NORMAL);
		const char *before = sol->text;
		/* follow critique -> refinement down the chain */
		int32_t cur = c;
		for (;;) {
			int32_t crit = NODE_NONE, ref = NODE_NONE;
			for (int32_t k = tree_node(t, cur)->first_child; k != NODE_NONE; k = tree_node(t, k)->next_sibling)
				if (tree_node(t, k)->kind == NODE_CRITIQUE || tree_node(t, k)->kind == NODE_REVIEW)
					crit = k;
			if (crit == NODE_NONE && r < ybot) {
				/* no critique: a sequential revision (revise) or a
				 * refinement whose feedback the trace does not hold
				 * (MAgICoRe's own output): each one under cur, in
				 * order, then on down from the last */
				int revise = u->m.strategy && !strcmp(u->m.strategy, "revise");
				int32_t rev = NODE_NONE;
				for (int32_t k = tree_node(t, cur)->first_child; k != NODE_NONE && r < ybot;
				     k = tree_node(t, k)->next_sibling) {
					const struct node *rn = tree_node(t, k);
					if (rn->kind != NODE_REFINEMENT)
						continue;
					rev = k;
					attrset(theme_attr(TE_KIND));
					mvprintw(r, x + 1, "round %d  %s of #%d%s", rn->round, revise ? "revision" : "refinement",
						 cur, revise ? "" : " (no feedback kept)");
					draw_result(u, r, x + 3 + half, revise ? "revision" : "refinement", k, rn);
					attrset(A_NORMAL);
					r++;
					int rl = draw_lines(r, ybot, x + 3, half, before, NULL);
					int rr = draw_lines(r, ybot, x + 3 + half, half, rn->text, before);
					r = (rl > rr ? rl : rr) + 1;
				}
				if (rev == NODE_NONE)
					break;
				before = tree_node(t, rev)->text;
				cur = rev;
				continue;
			}
			if (crit == NODE_NONE || r >= ybot)
				break;
			for (int32_t k = tree_node(t, crit)->first_child; k != NODE_NONE; k = tree_node(t, k)->next_sibling)
				if (tree_node(t, k)->kind == NODE_REFINEMENT)
					ref = k;
			const struct node *cn = tree_node(t, crit);
			attrset(theme_attr(TE_KIND));
			mvprintw(r, x + 1, "round %d  %s #%d", cn->round, node_kind_name((enum node_kind)cn->kind), crit);
			if (ref != NODE_NONE) {
				const struct node *rn = tree_node(t, ref);
				draw_result(u, r, x + 3 + half, "refinement", ref, rn);
			} else {
				mvprintw(r, x + 3 + half, "no refinement: nothing found wrong");
			}
			attrset(A_NORMAL);
			r++;
			/* the critique's verdict lines, then the refinement */
			int rl = r, rr = r, wrong = 0;
			for (const char *p = cn->text; *p && rl < ybot;) {
				size_t l = strcspn(p, "\n");
				if (l && (strstr(p, "Wrong") && strstr(p, "Wrong") < p + l)) {
					attrset(theme_attr(TE_WRONG));
					ui_text(rl++, x + 3, half - 2, p, l);
					attrset(A_NORMAL);
					wrong = 1;
				} else if (l && !strncmp(p, "Step ", 5)) {
					ui_text(rl++, x + 3, half - 2, p, l);
					wrong = 0;
				} else if (l && wrong && !strncmp(p, "Explanation:", 12)) {
					/* why the critic said so */
					attrset(theme_attr(TE_MESSAGE));
					ui_text(rl++, x + 5, half - 4, p, l);
					attrset(A_NORMAL);
				}
				p += l + (p[l] == '\n');
			}
			if (ref != NODE_NONE)
				rr = draw_lines(rr, ybot, x + 3 + half, half, tree_node(t, ref)->text, before);
			r = (rl > rr ? rl : rr) + 1;
			if (ref == NODE_NONE)
				break;
			before = tree_node(t, ref)->text;
			cur = ref;
		}
		r++;
	}
	if (!chains)
		mvaddstr(y + 1, x + 2, "No rounds: this view is for critique, selfrefine, magicore and revise searches.");
	ui_draw_title(u);
	/* never scrolled past the last page (End goes there) */
	int total = r - (y - off), most = total > h ? total - h : 0;
	if (off > most && r < ybot) {
		u->scroll[VIEW_ROUNDS] = most;
		rounds_draw(u, y, x, h, w);
	}
}

static int rounds_key(struct ui *u, int key)
{
	return ui_list_key(&u->scroll[VIEW_ROUNDS], key, u->rows - 4 > 1 ? u->rows - 4 : 1);
}

const struct view_ops view_rounds_ops = {
	.name = "rounds",
	.draw = rounds_draw,
	.key = rounds_key,
};
