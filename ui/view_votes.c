/* The votes view: the answer clusters of the latest vote as a bar chart,
 * by count and by summed weight, the chosen answer and the gold marked. */
#include <curses.h>
#include <math.h>
#include <string.h>

#include "answer.h"
#include "theme.h"
#include "ui.h"

static void votes_draw(struct ui *u, int y, int x, int h, int w)
{
	for (int r = 0; r < h; r++) {
		move(y + r, x);
		clrtoeol();
	}
	if (!u->m.vote.held) {
		mvaddstr(y + 1, x + 2, "No vote yet: the strategy votes when it chooses its answer.");
		return;
	}
	const struct event *v = &u->m.vote.ev;
	double maxc = 0, maxw = 0, total = 0;
	for (size_t i = 0; i < v->nclusters; i++) {
		maxc = fmax(maxc, v->clusters[i].count);
		maxw = fmax(maxw, v->clusters[i].weight);
		total += v->clusters[i].count;
	}
	attrset(A_BOLD);
	mvprintw(y, x + 2, "%zu answers from %.0f votes", v->nclusters, total);
	if (u->m.gold) {
		addstr("   gold answer: ");
		int cx = getcurx(stdscr);
		ui_text(y, cx, w - cx, u->m.gold, strlen(u->m.gold));
	}
	attrset(A_NORMAL);
	int aw = 14, bw = (w - aw - 40) / 2;
	if (bw < 6)
		bw = 6;
	mvprintw(y + 2, x + 2, "%-*s %-*s %-*s", aw, "answer", bw + 8, "count", bw + 8, "weight");
	int r = y + 3;
	for (size_t i = (size_t)u->scroll[VIEW_VOTES]; i < v->nclusters && r < y + h; i++) {
		const struct vote_cluster *c = &v->clusters[i];
		double k = c->count, wt = c->weight;
		int is_chosen = v->answer && !strcmp(v->answer, c->answer);
		int is_gold = u->m.gold && answer_equal(c->answer, u->m.gold);
		attrset(is_chosen ? theme_attr(TE_FINAL) : (int)A_NORMAL);
		ui_text(r, x + 2, aw, c->answer, strlen(c->answer));
		attrset(A_NORMAL);
		ui_bar(u, r, x + 3 + aw, bw, maxc > 0 ? k / maxc : 0);
		mvprintw(r, x + 4 + aw + bw, "%-6.0f", k);
		ui_bar(u, r, x + 12 + aw + bw, bw, maxw > 0 ? wt / maxw : 0);
		mvprintw(r, x + 13 + aw + 2 * bw, "%-8.3f", wt);
		int mx = x + 22 + aw + 2 * bw;
		if (is_chosen) {
			attrset(theme_attr(TE_FINAL));
			mvaddstr(r, mx, u->utf8 ? "\xE2\x86\x90 chosen" : "<- chosen");
			mx += 10;
		}
		if (is_gold) {
			attrset(theme_attr(TE_CORRECT));
			mvaddstr(r, mx, "(gold)");
		}
		attrset(A_NORMAL);
		r++;
	}
}

static int votes_key(struct ui *u, int key)
{
	if (key == 'j' || key == KEY_DOWN) {
		u->scroll[VIEW_VOTES]++;
		return 1;
	}
	if ((key == 'k' || key == KEY_UP) && u->scroll[VIEW_VOTES] > 0) {
		u->scroll[VIEW_VOTES]--;
		return 1;
	}
	return 0;
}

const struct view_ops view_votes_ops = {
	.name = "votes",
	.draw = votes_draw,
	.key = votes_key,
};
