/* The votes view: the answer clusters of the latest vote as a bar chart,
 * by count and by summed weight, heaviest first, the chosen answer and
 * the gold marked; a cursor moves with the list keys, and Enter goes to
 * the cluster's nodes in the tree. */
#include <curses.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "keys.h"
#include "theme.h"
#include "ui.h"
#include "util.h"
#include "why.h"

static const struct vote_cluster *sort_base;

static int by_weight(const void *a, const void *b)
{
	const struct vote_cluster *x = &sort_base[*(const size_t *)a], *y = &sort_base[*(const size_t *)b];
	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* The clusters' indices, heaviest first (the caller frees). */
static size_t *sorted(const struct event *v)
{
	size_t *o = xmalloc((v->nclusters ? v->nclusters : 1) * sizeof *o);
	for (size_t i = 0; i < v->nclusters; i++)
		o[i] = i;
	sort_base = v->clusters;
	qsort(o, v->nclusters, sizeof *o, by_weight);
	return o;
}

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
	/* what the weight is: the journal holds only its number */
	const struct trace_header *hd = model_header(&u->m);
	if (hd) {
		attrset(theme_attr(TE_KIND));
		mvprintw(y + 1, x + 2, "weight = %s", why_weight_meaning(hd));
		attrset(A_NORMAL);
	}
	int r = y + 3, rows = h - 3 > 1 ? h - 3 : 1;
	/* the cursor within the list, and the list scrolled to show it */
	int *cur = &u->scroll[VIEW_VOTES];
	if (*cur >= (int)v->nclusters)
		*cur = v->nclusters ? (int)v->nclusters - 1 : 0;
	size_t top = *cur >= rows ? (size_t)(*cur - rows + 1) : 0;
	size_t *order = sorted(v);
	for (size_t i = top; i < v->nclusters && r < y + h; i++) {
		const struct vote_cluster *c = &v->clusters[order[i]];
		if ((int)i == *cur) {
			attrset(theme_attr(TE_SELECTED));
			mvhline(r, x, ' ', w);
			mvaddstr(r, x, u->utf8 ? "\xE2\x96\xB6" : ">");
			attrset(A_NORMAL);
		}
		double k = c->count, wt = c->weight;
		int is_chosen = v->answer && !strcmp(v->answer, c->answer);
		int is_gold = u->m.gold && answer_equal(c->answer, u->m.gold);
		/* coloured by right or wrong against the gold, with its mark;
		 * the chosen one says so in words on the right */
		attrset(u->m.gold ? theme_attr(is_gold ? TE_CORRECT : TE_WRONG) : (int)A_NORMAL);
		int tw = ui_text(r, x + 2, aw - 2, c->answer, strlen(c->answer));
		if (u->m.gold)
			mvaddstr(r, x + 3 + tw, is_gold ? (u->utf8 ? "\xE2\x9C\x93" : "ok") : (u->utf8 ? "\xE2\x9C\x97" : "x"));
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
	free(order);
}

static int votes_key(struct ui *u, int key)
{
	if (ui_list_key(&u->scroll[VIEW_VOTES], key, u->rows - 6 > 1 ? u->rows - 6 : 1))
		return 1;
	if ((key == '\n' || key == KEY_ENTER || key == 'o') && u->m.vote.held) {
		const struct event *v = &u->m.vote.ev;
		size_t *order = sorted(v);
		size_t i = (size_t)u->scroll[VIEW_VOTES];
		const struct vote_cluster *c = i < v->nclusters ? &v->clusters[order[i]] : NULL;
		free(order);
		if (!c || !c->nnodes) {
			ui_message(u, 1, "this cluster names no nodes");
			return 1;
		}
		/* to the tree, on the cluster's first node; / finds the rest */
		u->view = VIEW_TREE;
		ui_select(u, c->nodes[0]);
		char list[200] = "";
		for (size_t k = 0; k < c->nnodes && strlen(list) < sizeof list - 24; k++)
			snprintf(list + strlen(list), sizeof list - strlen(list), " #%d", c->nodes[k]);
		ui_message(u, 0, "answer %.60s: %zu node%s:%s", c->answer, c->nnodes, c->nnodes == 1 ? "" : "s", list);
		return 1;
	}
	return 0;
}

const struct view_ops view_votes_ops = {
	.name = "votes",
	.draw = votes_draw,
	.key = votes_key,
};
