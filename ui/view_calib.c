/* The calibration view (c): the PRM (and ORM) held against the gold.  For
 * steps and for solutions, a histogram of scores for the right ones and
 * the wrong ones side by side, and the AUC: how often a right one scores
 * above a wrong one.  Labels come from the answers (calib.c says how). */
#include <curses.h>
#include <math.h>
#include <string.h>

#include "calib.h"
#include "theme.h"
#include "ui.h"

/* One panel: a title, ten rows of two bars, the counts and the AUC.
 * Returns the next row. */
static int panel(struct ui *u, int y, int ybot, int x, int w, const char *title, const struct calib_hist *h)
{
	if (y >= ybot)
		return y;
	attrset(A_BOLD);
	mvaddstr(y, x + 2, title);
	attrset(A_NORMAL);
	if (!h->nright && !h->nwrong) {
		mvaddstr(y + 1, x + 4, "none labelled: no right or wrong answer below any of them");
		return y + 3;
	}
	if (!isnan(h->auc))
		printw("   AUC %.3f", h->auc);
	else
		printw("   AUC: needs right and wrong ones both");
	printw("   (%zu right, %zu wrong)", h->nright, h->nwrong);
	y++;
	size_t most = 1;
	for (int b = 0; b < CALIB_BINS; b++) {
		most = h->right[b] > most ? h->right[b] : most;
		most = h->wrong[b] > most ? h->wrong[b] : most;
	}
	int bw = (w - 30) / 2 > 4 ? (w - 30) / 2 : 4;
	if (y < ybot) {
		attrset(theme_attr(TE_KIND));
		mvprintw(y, x + 4, "%-9s %-*s %s", "score", bw + 6, "right", "wrong");
		attrset(A_NORMAL);
		y++;
	}
	for (int b = CALIB_BINS - 1; b >= 0 && y < ybot; b--, y++) {
		mvprintw(y, x + 4, "%.1f-%.1f", b / (double)CALIB_BINS, (b + 1) / (double)CALIB_BINS);
		int cx = x + 14;
		int r = (int)lround((double)h->right[b] / (double)most * bw);
		int wr = (int)lround((double)h->wrong[b] / (double)most * bw);
		attrset(theme_attr(TE_CORRECT));
		for (int i = 0; i < r; i++)
			mvaddstr(y, cx + i, u->utf8 ? "\xE2\x96\x88" : "#");
		attrset(A_NORMAL);
		mvprintw(y, cx + bw + 1, "%-5zu", h->right[b]);
		cx += bw + 7;
		attrset(theme_attr(TE_WRONG));
		for (int i = 0; i < wr; i++)
			mvaddstr(y, cx + i, u->utf8 ? "\xE2\x96\x88" : "#");
		attrset(A_NORMAL);
		mvprintw(y, cx + bw + 1, "%zu", h->wrong[b]);
	}
	return y + 1;
}

static void calib_draw(struct ui *u, int y, int x, int h, int w)
{
	int ybot = y + h;
	for (int r = 0; r < h; r++) {
		move(y + r, x);
		clrtoeol();
	}
	const signed char *lab = model_labels(&u->m);
	if (!lab) {
		mvaddstr(y + 1, x + 2, "No gold answer: there is nothing to hold the scores against.");
		return;
	}
	const struct tree *t = u->m.tree;
	struct calib_hist steps, sp, so;
	calib_steps(t, lab, &steps);
	calib_solutions(t, lab, &sp, &so);
	size_t inv = 0;
	for (size_t i = 1; i < tree_count(t); i++)
		inv += (size_t)calib_inversion(t, lab, (int32_t)i, NULL);
	attrset(theme_attr(TE_KIND));
	mvaddstr(y, x + 2, "A step is right when an answer reached through it is right, wrong when answers were");
	mvaddstr(y + 1, x + 2, "reached and none is; a solution by its own answer.");
	attrset(A_NORMAL);
	mvprintw(y + 2, x + 2, "PRM inversions (a wrong step scored above a right sibling): %zu   (I marks them, n/N go "
			       "through them)",
		 inv);
	int r = y + 4;
	r = panel(u, r, ybot, x, w, "steps: PRM", &steps);
	r = panel(u, r, ybot, x, w, "solutions: PRM (last step)", &sp);
	if (so.nright || so.nwrong)
		panel(u, r, ybot, x, w, "solutions: ORM", &so);
}

static int calib_key(struct ui *u, int key)
{
	(void)u;
	(void)key;
	return 0;
}

const struct view_ops view_calib_ops = {
	.name = "calibration",
	.draw = calib_draw,
	.key = calib_key,
};
