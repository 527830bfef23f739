/* The tree view: one line a node, and the selected node's detail beside
 * or below it.  Only the rows on screen are walked, so a frame costs the
 * same for a hundred nodes or a million. */
#include <curses.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "calib.h"
#include "steps.h"
#include "theme.h"
#include "ui.h"

const char *ui_kind_label(const struct node *n)
{
	static const char *const rstar[] = {"", "A1", "A2", "A3", "A4", "A5"};
	if (n->action >= 1 && n->action <= 5)
		return rstar[n->action];
	switch ((enum node_kind)n->kind) {
	case NODE_PROBLEM: return "problem";
	case NODE_SOLUTION: return "solution";
	case NODE_CRITIQUE: return "critique";
	case NODE_REFINEMENT: return "refined";
	case NODE_REVIEW: return "review";
	case NODE_REPHRASE: return "rephrase";
	case NODE_SUBQUESTION: return "subq";
	case NODE_REANSWER: return "reanswer";
	case NODE_ANSWER: return "answer";
	default: return "";
	}
}

/* Lines of a that b also has; *na gets a's non-empty lines. */
static size_t common_lines(const char *a, const char *b, size_t *na)
{
	size_t same = 0;
	*na = 0;
	for (const char *p = a; *p;) {
		size_t l = strcspn(p, "\n");
		if (l) {
			(*na)++;
			same += (size_t)ui_has_line(b, p, l);
		}
		p += l + (p[l] == '\n');
	}
	return same;
}

static int row_summary(struct ui *u, int32_t id, const struct node *n, char *buf, size_t len)
{
	switch ((enum node_kind)n->kind) {
	case NODE_SOLUTION: {
		struct step_span *sp;
		size_t k = steps_split(n->text, n->text_len, &sp);
		free(sp);
		snprintf(buf, len, "[%zu step%s]", k, k == 1 ? "" : "s");
		return 1;
	}
	case NODE_CRITIQUE:
	case NODE_REVIEW: {
		char v[48];
		/* filter's verdict is on the answer it reviewed: the parent */
		if (!model_verdict(&u->m, id, v, sizeof v) && !model_verdict(&u->m, n->parent, v, sizeof v))
			return 0;
		snprintf(buf, len, "[%s]", v);
		return 1;
	}
	case NODE_REFINEMENT: {
		/* against what it refined: the nearest solution or refinement
		 * above it */
		const struct tree *t = u->m.tree;
		int32_t a = n->parent;
		while (a > 0 && tree_node(t, a)->kind != NODE_SOLUTION && tree_node(t, a)->kind != NODE_REFINEMENT)
			a = tree_node(t, a)->parent;
		if (a <= 0)
			return 0;
		size_t lines, same = common_lines(n->text, tree_node(t, a)->text, &lines);
		if (lines == same)
			snprintf(buf, len, "[unchanged from #%d]", a);
		else
			snprintf(buf, len, "[%zu of %zu lines changed from #%d]", lines - same, lines, a);
		return 1;
	}
	default:
		return 0;
	}
}

static void draw_row(struct ui *u, int y, int x, int w, int32_t id, double now)
{
	const struct tree *t = u->m.tree;
	const struct node *n = tree_node(t, id);
	int selected = id == u->sel;
	int pending = ui_pending_prune(u, id);
	int pruned = (n->flags & NF_PRUNED) || pending;
	int by_user = pending || (n->flags & NF_BY_USER);
	/* a new node's id flashes (the whole row did, and a live beam level
	 * is most of the rows); :flash off stops it */
	int fresh = u->flash && u->m.live && now - model_born(&u->m, id) < 1.0;
	int in_rollout = 0;
	for (size_t i = 0; i < u->rollout_len && !in_rollout; i++)
		in_rollout = u->rollout_path[i] == id;
	int base = selected ? theme_attr(TE_SELECTED)
		   : in_rollout ? theme_attr(TE_ROLLOUT)
		   : pruned ? theme_attr(by_user ? TE_PRUNED_USER : TE_PRUNED)
			    : theme_attr(TE_NORMAL);
	attrset(base);
	mvhline(y, x, ' ', w);
	/* right: score, bar, visits, answer */
	int right = w >= 100 ? 40 : w >= 70 ? 30 : 18;
	int rx = x + w - right;
	double sc = !isnan(n->prm) ? n->prm : n->orm;
	if (!isnan(sc)) {
		if (!selected)
			attrset(ui_score_attr(sc) | (pruned ? A_DIM : 0));
		mvprintw(y, rx, "%.2f", sc);
		attrset(base);
		ui_bar_ex(u, y, rx + 5, right >= 30 ? 8 : 5, sc, pruned && !selected ? A_DIM : 0);
	}
	int cx = rx + (right >= 30 ? 14 : 11);
	if (n->visits && right >= 30) {
		/* Q is the sum, Q/N the mean: said so wherever they are shown */
		mvprintw(y, cx, "N=%-3u Q/N=%.2f", n->visits, n->value / n->visits);
		cx += 15;
	} else if (!isnan(n->q) && right >= 30) {
		/* a mean without counts (imported): no N to show */
		mvprintw(y, cx, "    mean=%.2f", n->q);
		cx += 15;
	}
	if (n->answer && cx < x + w - 2) {
		/* against the gold when it is known: right or wrong, in its
		 * colour (the search's choice is the mark on the left) */
		int ok_ = u->m.gold ? answer_equal(n->answer, u->m.gold) : -1;
		const char *mk = ok_ < 0 ? NULL : ok_ ? (u->utf8 ? "\xE2\x9C\x93" : "ok") : (u->utf8 ? "\xE2\x9C\x97" : "x");
		int mkw = mk ? (u->utf8 ? 2 : (int)strlen(mk) + 1) : 0;
		attrset(selected ? base : theme_attr(ok_ < 0 ? TE_ANSWER : ok_ ? TE_CORRECT : TE_WRONG));
		mvaddstr(y, cx, u->utf8 ? "\xE2\x86\x92" : ">");
		int aw = ui_text(y, cx + 1, x + w - cx - 1 - mkw, n->answer, strlen(n->answer));
		if (mk && cx + 1 + aw + mkw <= x + w) {
			mvaddstr(y, cx + 1 + aw, " ");
			addstr(mk);
		}
		attrset(base);
	}
	/* left: markers, indent, fold, id, kind, text */
	int cx2 = x;
	const char *mark = " ";
	int mattr = base;
	if (pruned) {
		/* who took it out: the search (×) or you (⊗) */
		mark = by_user ? (u->utf8 ? "\xE2\x8A\x97" : "X") : (u->utf8 ? "\xC3\x97" : "x");
		mattr = selected ? base : theme_attr(by_user ? TE_PRUNED_USER : TE_PRUNED);
	} else if (u->inversions && model_labels(&u->m) && calib_inversion(t, model_labels(&u->m), id, NULL)) {
		/* I: a wrong step the PRM put above a right sibling */
		mark = "!";
		mattr = selected ? base : theme_attr(TE_WRONG);
	} else if (id == tree_final_leaf(t)) {
		/* what the search itself chose, as its final event says: no
		 * other notion of "best" is marked */
		mark = u->utf8 ? "\xE2\x98\x85" : "*";
		mattr = selected ? base : theme_attr(TE_BEST);
	} else if (n->flags & NF_FINAL) {
		mark = u->utf8 ? "\xE2\x97\x8F" : "@";
		mattr = selected ? base : theme_attr(TE_FINAL);
	}
	attrset(mattr);
	mvaddstr(y, cx2, mark);
	attrset(base);
	cx2 += 2;
	int depth = (int)n->depth, max_indent = (w - right) / 3;
	int indent = depth * 2 > max_indent ? max_indent : depth * 2;
	cx2 += indent;
	const char *glyph = n->nchildren == 0 ? " "
			    : model_is_folded(&u->m, id) ? (u->utf8 ? "\xE2\x96\xB8" : "+")
			    : (u->utf8 ? "\xE2\x96\xBE" : "-");
	mvaddstr(y, cx2, glyph);
	cx2 += 2;
	if (!selected)
		attrset(pruned ? base : fresh ? theme_attr(TE_NEW) : theme_attr(TE_ID));
	char idbuf[24];
	int il = snprintf(idbuf, sizeof idbuf, "#%d", id);
	if (cx2 + il < rx)
		mvaddstr(y, cx2, idbuf);
	cx2 += il + 1;
	const char *kind = ui_kind_label(n);
	if (*kind && cx2 + (int)strlen(kind) < rx) {
		if (!selected)
			attrset(pruned ? base : theme_attr(TE_KIND));
		mvaddstr(y, cx2, kind);
		cx2 += (int)strlen(kind) + 1;
	}
	/* a row that is not one step says what it is: a solution's steps, a
	 * critique's verdict, what a refinement changed */
	char what[64];
	if (row_summary(u, id, n, what, sizeof what) && cx2 + (int)strlen(what) + 2 < rx) {
		if (!selected)
			attrset(pruned ? base : theme_attr(TE_MESSAGE));
		mvaddstr(y, cx2, what);
		cx2 += (int)strlen(what) + 1;
	}
	attrset(base);
	if (cx2 < rx - 1) {
		/* the first line of the text, newlines shown as spaces */
		const char *s = n->text;
		size_t l = strcspn(s, "\n");
		ui_text(y, cx2, rx - 1 - cx2, s, l);
	}
	attrset(A_NORMAL);
}

/* Draws s wrapped at spaces from row *y up to ybot; 1 when all of it fit. */
static int wrap(int *y, int ybot, int x, int w, const char *s, size_t len, int attr)
{
	attrset(attr);
	const char *p = s, *end = s + len;
	while (p < end && *y < ybot) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		/* break at the last space that fits */
		const char *cut = le;
		int cols = 0;
		for (const char *q = p; q < le; q++) {
			if ((*q & 0xC0) != 0x80)
				cols++;
			if (cols > w) {
				const char *sp = q;
				while (sp > p && *sp != ' ')
					sp--;
				cut = sp > p ? sp : q;
				break;
			}
		}
		ui_text(*y, x, w, p, (size_t)(cut - p));
		(*y)++;
		p = cut < le ? cut + (*cut == ' ') : le + (nl != NULL);
	}
	attrset(A_NORMAL);
	return p >= end;
}

static void draw_detail(struct ui *u, int y, int x, int h, int w)
{
	const struct tree *t = u->m.tree;
	const struct node *n = tree_node(t, u->sel);
	int ybot = y + h;
	attrset(theme_attr(TE_BORDER));
	mvhline(y, x, u->utf8 ? 0 : '-', w);
	if (u->utf8)
		mvhline(y, x, ACS_HLINE, w);
	attrset(theme_attr(TE_TITLE));
	mvprintw(y, x + 1, " #%d %s ", u->sel, node_kind_name((enum node_kind)n->kind));
	attrset(A_NORMAL);
	y++;
	if (y >= ybot)
		return;
	move(y, x);
	printw("depth %u  tokens %u", n->depth, n->tokens);
	if (!isnan(n->prm))
		printw("  PRM %.3f", n->prm);
	if (!isnan(n->orm))
		printw("  ORM %.3f", n->orm);
	if (n->visits)
		printw("  N=%u Q=%.3f Q/N=%.3f", n->visits, n->value, n->value / n->visits);
	else if (!isnan(n->q))
		printw("  mean %.3f (its source records no visit counts)", n->q);
	if (!isnan(n->uct))
		printw("  UCT %.3f", n->uct);
	if (!isnan(n->prior))
		printw("  prior %.3f", n->prior);
	if (n->round >= 0)
		printw("  round %d", n->round);
	y++;
	if (n->answer && y < ybot) {
		attrset(theme_attr(TE_ANSWER));
		mvprintw(y, x, "answer: %.*s", w - 20, n->answer);
		if (u->m.gold) {
			int ok = answer_equal(n->answer, u->m.gold);
			attrset(theme_attr(ok ? TE_CORRECT : TE_WRONG));
			printw(ok ? "  (correct)" : "  (wrong; gold %s)", u->m.gold);
		}
		y++;
	}
	/* why: the decisions about it, from the journal, in at most half of
	 * what is left (w shows them all) */
	/* kept while neither the node nor the cursor moved: a node with a
	 * long history (an MCTS root) is told once, not every frame */
	struct strbuf *why = &u->why_cache;
	if (!u->why_valid || u->why_sel != u->sel || u->why_events != u->m.events) {
		sb_reset(why);
		model_why(&u->m, u->sel, 0, why);
		if (n->flags & NF_FINAL && u->sel != tree_final_leaf(t))
			sb_adds(why, "on the path to the search's answer\n");
		u->why_valid = 1;
		u->why_sel = u->sel;
		u->why_events = u->m.events;
	}
	if (why->len && y < ybot) {
		int ywhy = y + ((ybot - y) / 2 > 2 ? (ybot - y) / 2 : 2);
		if (ywhy > ybot)
			ywhy = ybot;
		if (!wrap(&y, ywhy, x, w, why->s, why->len - 1, theme_attr(TE_MESSAGE))) {
			/* cut: say where the rest is */
			attrset(theme_attr(TE_KIND));
			mvaddstr(y - 1, x, "\xE2\x80\xA6 w: the whole why");
			clrtoeol();
		}
	}
	attrset(A_NORMAL);
	y++;
	wrap(&y, ybot - 2, x, w, n->text, n->text_len, A_NORMAL);
	/* the path from the problem: where did it go wrong? */
	if (y + 2 >= ybot || n->depth == 0)
		return;
	y++;
	attrset(theme_attr(TE_KIND));
	mvaddstr(y++, x, "path from the problem:");
	attrset(A_NORMAL);
	int32_t path[512];
	size_t len = tree_path(t, u->sel, path, 512);
	if (len > 512)
		len = 512;
	size_t first = len > (size_t)(ybot - y) + 1 ? len - (size_t)(ybot - y) : 1;
	for (size_t i = first; i < len && y < ybot; i++, y++) {
		const struct node *p = tree_node(t, path[i]);
		double sc = !isnan(p->prm) ? p->prm : p->orm;
		if (!isnan(sc)) {
			attrset(ui_score_attr(sc));
			mvprintw(y, x, "%.2f", sc);
			attrset(A_NORMAL);
			ui_bar(u, y, x + 5, 6, sc);
		}
		attrset(path[i] == u->sel ? A_BOLD : A_NORMAL);
		ui_text(y, x + 12, w - 12, p->text, strcspn(p->text, "\n"));
	}
	attrset(A_NORMAL);
}

static void tree_draw(struct ui *u, int y, int x, int h, int w)
{
	/* the detail pane goes right on a wide screen, below on a tall one */
	int dw, dh;
	ui_detail_layout(u, h, w, &dw, &dh);
	int th = h - dh, tw = w - (dw ? dw + 1 : 0);
	double now = util_now();
	int32_t id = u->top;
	for (int r = 0; r < th; r++) {
		if (id == NODE_NONE) {
			move(y + r, x);
			clrtoeol();
			continue;
		}
		draw_row(u, y + r, x, tw, id, now);
		id = ui_next_visible(u, id);
	}
	if (dw) {
		attrset(theme_attr(TE_BORDER));
		for (int r = 0; r < h; r++)
			mvaddch(y + r, x + tw, u->utf8 ? ACS_VLINE : '|');
		attrset(A_NORMAL);
		for (int r = 0; r < h; r++) {
			move(y + r, x + tw + 1);
			clrtoeol();
		}
		draw_detail(u, y, x + tw + 2, h, dw - 2);
	} else if (dh) {
		for (int r = 0; r < dh; r++) {
			move(y + th + r, x);
			clrtoeol();
		}
		draw_detail(u, y + th, x, dh, w);
	}
}

const struct view_ops view_tree_ops = {
	.name = "tree",
	.draw = tree_draw,
	.key = NULL,
};
