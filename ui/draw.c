/* draw: what the views share for drawing (text cut to columns, score
 * bars, messages, which rows are visible) and the title and status bars
 * that frame every view. */
#include <curses.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "answer.h"
#include "cmdline.h"
#include "keys.h"
#include "theme.h"
#include "ui.h"

/* ---- helpers for the views ---- */

void ui_message(struct ui *u, int error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(u->message, sizeof u->message, fmt, ap);
	va_end(ap);
	u->message_is_error = error;
	u->dirty = 1;
}

int ui_list_key(int *pos, int key, int page)
{
	switch (key) {
	case 'j':
	case KEY_DOWN: ++*pos; break;
	case 'k':
	case KEY_UP: --*pos; break;
	case KEY_NPAGE:
	case CTRL_('f'): *pos += page; break;
	case KEY_PPAGE:
	case CTRL_('b'): *pos -= page; break;
	case 'g':
	case KEY_HOME: *pos = 0; break;
	case 'G':
	case KEY_END: *pos = UI_LIST_END; break;
	default: return 0;
	}
	if (*pos < 0)
		*pos = 0;
	return 1;
}

/* Without a UTF-8 locale the terminal cannot show what models write (6 ×
 * 5, 30 ÷ 3, −2) or canopy's own separators: each is written as the ASCII
 * a person would type, and anything else as one '?' a character. */
static int ascii_only;

void ui_set_ascii(int on)
{
	ascii_only = on;
}

static const struct {
	unsigned cp;
	const char *ascii;
} translit[] = {
	{0x00d7, "x"},	 {0x00f7, "/"},	  {0x2212, "-"},   {0x00b7, "."},   {0x2013, "-"},   {0x2014, "--"},
	{0x2018, "'"},	 {0x2019, "'"},	  {0x201c, "\""},  {0x201d, "\""},  {0x2026, "..."}, {0x2264, "<="},
	{0x2265, ">="},	 {0x2260, "!="},  {0x2248, "~"},   {0x221a, "sqrt"}, {0x00b2, "^2"},  {0x00b3, "^3"},
	{0x00bd, "1/2"}, {0x00bc, "1/4"}, {0x00be, "3/4"}, {0x00b0, " deg"}, {0x2192, "->"},  {0x2190, "<-"},
	{0x2713, "ok"},	 {0x2717, "x"},	  {0x00a0, " "},   {0x03c0, "pi"},  {0x2605, "*"},   {0x25cf, "@"},
	{0x2502, "|"},	 {0x25be, "-"},	  {0x25b8, "+"},   {0x25b6, ">"},   {0x275a, "|"},   {0x00e9, "e"},
};

/* One UTF-8 character of s (at most len bytes): its code point and
 * length, or length 1 and code point 0 for a byte that starts none. */
static size_t utf8_char(const unsigned char *s, size_t len, unsigned *cp)
{
	unsigned c = s[0];
	size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
	if (!n || n > len) {
		*cp = 0;
		return 1;
	}
	unsigned v = n == 1 ? c : c & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*cp = 0;
			return 1;
		}
		v = v << 6 | (s[i] & 0x3f);
	}
	*cp = v;
	return n;
}

/* What ascii mode writes for code point cp (one[] holds a plain one). */
static const char *ascii_of(unsigned cp, char one[2])
{
	if (cp >= 0x20 && cp < 0x7f) {
		one[0] = (char)cp;
		one[1] = '\0';
		return one;
	}
	if (cp < 0x20 || cp == 0x7f)
		return " "; /* a control character: a space, as in UTF-8 */
	for (size_t k = 0; k < sizeof translit / sizeof *translit; k++)
		if (translit[k].cp == cp)
			return translit[k].ascii;
	return "?";
}

/* Writes (draw) or only measures s as ascii mode shows it, in at most w
 * columns. */
static int ascii_text(int draw, int y, int x, int w, const char *s, size_t len)
{
	int cols = 0;
	if (draw)
		move(y, x);
	for (size_t i = 0; i < len && cols < w;) {
		unsigned cp;
		i += utf8_char((const unsigned char *)s + i, len - i, &cp);
		char one[2];
		const char *out = ascii_of(cp, one);
		int l = (int)strlen(out);
		if (cols + l > w)
			break;
		if (draw)
			addstr(out);
		cols += l;
	}
	return cols;
}

int ui_text(int y, int x, int w, const char *s, size_t len)
{
	if (ascii_only)
		return ascii_text(1, y, x, w, s, len);
	/* as many whole characters as fit in w columns */
	mbstate_t st;
	memset(&st, 0, sizeof st);
	size_t i = 0;
	int cols = 0;
	move(y, x);
	while (i < len && cols < w) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s + i, len - i, &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			addch('?');
			cols++;
			i++;
			memset(&st, 0, sizeof st);
			continue;
		}
		int cw = wcwidth(wc);
		if (cw < 0) {
			/* a control character: show it as a space */
			addch(' ');
			cols++;
			i += n;
			continue;
		}
		if (cols + cw > w)
			break;
		addnstr(s + i, (int)n);
		cols += cw;
		i += n;
	}
	return cols;
}

int ui_text_width(const char *s, size_t len, int max)
{
	if (ascii_only)
		return ascii_text(0, 0, 0, max, s, len);
	mbstate_t st;
	memset(&st, 0, sizeof st);
	size_t i = 0;
	int cols = 0;
	while (i < len && cols < max) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s + i, len - i, &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			cols++;
			i++;
			memset(&st, 0, sizeof st);
			continue;
		}
		int cw = wcwidth(wc);
		if (cw < 0)
			cw = 1;
		if (cols + cw > max)
			break;
		cols += cw;
		i += n;
	}
	return cols;
}

int ui_score_attr(double v)
{
	return theme_attr(v >= 0.7 ? TE_SCORE_HIGH : v >= 0.4 ? TE_SCORE_MID : TE_SCORE_LOW);
}

void ui_bar(struct ui *u, int y, int x, int width, double v)
{
	ui_bar_ex(u, y, x, width, v, 0);
}

void ui_bar_ex(struct ui *u, int y, int x, int width, double v, int extra)
{
	if (isnan(v))
		return;
	v = v < 0 ? 0 : v > 1 ? 1 : v;
	int eighths = (int)lround(v * width * 8);
	move(y, x);
	int attr = ui_score_attr(v) | extra;
	for (int i = 0; i < width; i++) {
		int e = eighths - i * 8;
		if (u->utf8) {
			static const char *const blocks[] = {" ", "\xE2\x96\x8F", "\xE2\x96\x8E", "\xE2\x96\x8D",
							     "\xE2\x96\x8C", "\xE2\x96\x8B", "\xE2\x96\x8A",
							     "\xE2\x96\x89", "\xE2\x96\x88"};
			attrset(e > 0 ? attr : theme_attr(TE_PRUNED));
			addstr(e >= 8 ? blocks[8] : e > 0 ? blocks[e] : "\xC2\xB7");
		} else {
			attrset(e >= 4 ? attr : theme_attr(TE_PRUNED));
			addch(e >= 4 ? '#' : '.');
		}
	}
	attrset(A_NORMAL);
}

int ui_pending_prune(const struct ui *u, int32_t id)
{
	const struct tree *t = u->m.tree;
	for (size_t i = 0; i < u->pending_prunes.n; i++)
		for (int32_t c = id; c != NODE_NONE; c = tree_node(t, c)->parent)
			if (c == u->pending_prunes.v[i])
				return 1;
	return 0;
}

void ui_detail_layout(const struct ui *u, int h, int w, int *dw, int *dh)
{
	int fits = w >= 140 || h >= 30;
	int shown = u->detail ? u->detail > 0 : fits;
	*dw = *dh = 0;
	if (!shown)
		return;
	if (w >= 140)
		/* on a very wide screen the tree's text column gets the room:
		 * the pane wraps its text anyway */
		*dw = w >= 180 ? w / 3 : w * 2 / 5;
	else
		*dh = h >= 30 ? h * 2 / 5 : h / 2;
}

int ui_tree_height(const struct ui *u)
{
	int h = u->rows - 3, dw, dh;
	ui_detail_layout(u, h, u->cols, &dw, &dh);
	h -= dh;
	return h > 1 ? h : 1;
}

int ui_shown(const struct ui *u, int32_t id)
{
	const struct node *n = tree_node(u->m.tree, id);
	return n && (id == 0 || !u->hide_pruned || !(n->flags & NF_PRUNED));
}

/* The node's first shown sibling from s on (s itself included). */
static int32_t shown_from(const struct ui *u, int32_t s)
{
	while (s != NODE_NONE && !ui_shown(u, s))
		s = tree_node(u->m.tree, s)->next_sibling;
	return s;
}

int32_t ui_last_shown_child(const struct ui *u, int32_t id)
{
	const struct tree *t = u->m.tree;
	if (!u->hide_pruned)
		return tree_node(t, id)->last_child;
	int32_t last = NODE_NONE;
	for (int32_t c = tree_node(t, id)->first_child; c != NODE_NONE; c = tree_node(t, c)->next_sibling)
		if (ui_shown(u, c))
			last = c;
	return last;
}

int32_t ui_next_visible(const struct ui *u, int32_t id)
{
	const struct tree *t = u->m.tree;
	const struct node *n = tree_node(t, id);
	if (!n)
		return NODE_NONE;
	if (n->first_child != NODE_NONE && !model_is_folded(&u->m, id)) {
		int32_t c = shown_from(u, n->first_child);
		if (c != NODE_NONE)
			return c;
	}
	for (; id != 0; id = tree_node(t, id)->parent) {
		int32_t s = shown_from(u, tree_node(t, id)->next_sibling);
		if (s != NODE_NONE)
			return s;
	}
	return NODE_NONE;
}

int32_t ui_prev_visible(const struct ui *u, int32_t id)
{
	const struct tree *t = u->m.tree;
	if (id <= 0)
		return NODE_NONE;
	int32_t p = tree_prev_sibling(t, id);
	while (p != NODE_NONE && !ui_shown(u, p))
		p = tree_prev_sibling(t, p);
	if (p == NODE_NONE)
		return tree_node(t, id)->parent;
	for (int32_t c; !model_is_folded(&u->m, p) && (c = ui_last_shown_child(u, p)) != NODE_NONE;)
		p = c;
	return p;
}

/* Keeps the selection on screen, moving the top as little as possible. */
void ui_scroll_to_selection(struct ui *u)
{
	int h = ui_tree_height(u);
	if (!tree_node(u->m.tree, u->top))
		u->top = 0;
	/* above the top? */
	for (int32_t c = u->sel; c != NODE_NONE; c = tree_node(u->m.tree, c)->parent)
		if (c == u->top)
			goto below;
	{
		int32_t id = u->top;
		int k = 0;
		for (; id != NODE_NONE && id != u->sel && k < h; k++)
			id = ui_prev_visible(u, id);
		if (id == u->sel) {
			u->top = u->sel;
			return;
		}
	}
below:;
	int32_t id = u->top;
	for (int r = 0; r < h && id != NODE_NONE; r++) {
		if (id == u->sel)
			return;
		id = ui_next_visible(u, id);
	}
	/* put the selection on the last row */
	int32_t top = u->sel;
	for (int r = 1; r < h; r++) {
		int32_t p = ui_prev_visible(u, top);
		if (p == NODE_NONE)
			break;
		top = p;
	}
	u->top = top;
}

void ui_select(struct ui *u, int32_t id)
{
	if (!tree_node(u->m.tree, id)) {
		if (!tree_node(u->m.tree, u->sel))
			u->sel = u->top = 0;
		return;
	}
	for (int32_t c = tree_node(u->m.tree, id)->parent; c != NODE_NONE; c = tree_node(u->m.tree, c)->parent)
		model_set_folded(&u->m, c, 0);
	u->sel = id;
	ui_scroll_to_selection(u);
	u->dirty = 1;
}

/* ---- bars ---- */

void ui_draw_title(struct ui *u)
{
	attrset(theme_attr(TE_TITLE));
	mvhline(0, 0, ' ', u->cols);
	/* on the right the gold and the final answer, decoded from the typed
	 * final event and drawn as text (they come from the trace), each at
	 * most 40 columns */
	const char *gold = u->m.gold, *fa = NULL;
	int correct = -1;
	if (u->m.final.held) {
		fa = u->m.final.ev.answer;
		correct = u->m.final.ev.correct;
	}
	const char *mark = correct == 1 ? (u->utf8 ? "\xE2\x9C\x93" : "ok")
			 : correct == 0 ? (u->utf8 ? "\xE2\x9C\x97" : "WRONG") : NULL;
	/* and why the search chose it, always: "best finished candidate:
	 * PRM 0.814", or why there is none */
	const char *reason = u->m.final.held ? u->m.final.ev.reason : NULL;
	int none = u->m.final.held && !fa;
	int gw = gold ? ui_text_width(gold, strlen(gold), 40) : 0;
	int aw = fa ? ui_text_width(fa, strlen(fa), 40) : 0;
	int mw = mark ? ui_text_width(mark, strlen(mark), 8) : 0;
	int rw = (gold ? 6 + gw : 0) + (fa ? 10 + aw + (mark ? 1 + mw : 0) : 0) + (none ? 12 : 0);
	/* the reason takes what the problem can spare (it keeps 24 columns) */
	int room = u->cols - 12 - 24 - rw - 4;
	int rsw = reason && room > 8 ? ui_text_width(reason, strlen(reason), room) : 0;
	if (rsw)
		rw += 2 + rsw;
	if (rw)
		rw++; /* a space at the end */
	int right_fits = rw && rw < u->cols - 12;
	ui_text(0, 1, 9, "canopy \xC2\xB7", 9);
	int used = 10;
	int avail = u->cols - used - (right_fits ? rw : 0) - 2;
	if (avail > 0)
		ui_text(0, used, avail, u->m.problem, strlen(u->m.problem));
	if (right_fits) {
		attrset(theme_attr(TE_TITLE) | A_BOLD);
		int x = u->cols - rw - 1;
		if (gold) {
			mvaddstr(0, x, " gold ");
			x += 6;
			x += ui_text(0, x, gw, gold, strlen(gold));
		}
		if (fa) {
			ui_text(0, x, 10, " \xC2\xB7 answer ", 11);
			x += 10;
			x += ui_text(0, x, aw, fa, strlen(fa));
			if (mark) {
				mvaddstr(0, x, " ");
				x += 1 + ui_text(0, x + 1, mw, mark, strlen(mark));
			}
		}
		if (none) {
			ui_text(0, x, 12, " \xC2\xB7 no answer", 13);
			x += 12;
		}
		if (rsw) {
			attrset(theme_attr(TE_TITLE));
			ui_text(0, x, 2, ": ", 2);
			x += 2;
			ui_text(0, x, rsw, reason, strlen(reason));
		}
	}
	attrset(A_NORMAL);
}

static const char *state_text(struct ui *u)
{
	if (!u->m.live)
		return u->m.playing ? "playing" : "replay";
	return worker_state_name(u->ws.state);
}

/* The strategy's parameters at the end of the status line, as they are
 * now: one changed by :set (a set event) stands out. */
static void draw_params(struct ui *u, int y, int x)
{
	const char *p = u->m.params ? u->m.params : "";
	while (*p && x < u->cols) {
		size_t l = strcspn(p, " ");
		size_t nl = strcspn(p, "=");
		char name[32];
		snprintf(name, sizeof name, "%.*s", (int)(nl < l ? nl : 0), p);
		int id = param_lookup(name);
		int changed = id >= 0 && (u->m.params_changed >> id & 1);
		attrset(changed ? theme_attr(TE_STATUS) | (int)(A_REVERSE | A_BOLD) : theme_attr(TE_STATUS));
		x += ui_text(y, x, u->cols - x, p, l);
		attrset(theme_attr(TE_STATUS));
		if (p[l] == ' ' && x < u->cols)
			x += ui_text(y, x, 1, " ", 1);
		p += l + (p[l] == ' ');
	}
}

void ui_draw_status(struct ui *u)
{
	int y = u->rows - 2;
	attrset(theme_attr(TE_STATUS));
	mvhline(y, 0, ' ', u->cols);
	char buf[512];
	/* what changes first, the strategy's parameters last: a narrow
	 * terminal cuts the end */
	char budget[64] = "";
	if (u->m.budget_tokens)
		snprintf(budget, sizeof budget, "/%llu", (unsigned long long)u->m.budget_tokens);
	char rbudget[64] = "";
	if (u->m.budget_requests)
		snprintf(rbudget, sizeof rbudget, "/%llu", (unsigned long long)u->m.budget_requests);
	size_t pos = 0, cnt = 0; /* replay: the cursor, for the scrubber */
	if (u->m.live) {
		const struct usage *us = &u->ws.usage;
		/* what went wrong, live: retries under way, failures, warnings */
		char trouble[96] = "";
		if (u->ws.retrying)
			snprintf(trouble, sizeof trouble, ", %d retrying", u->ws.retrying);
		if (u->ws.errors)
			snprintf(trouble + strlen(trouble), sizeof trouble - strlen(trouble), ", %llu failed",
				 (unsigned long long)u->ws.errors);
		if (u->ws.warnings)
			snprintf(trouble + strlen(trouble), sizeof trouble - strlen(trouble), ", %llu warned",
				 (unsigned long long)u->ws.warnings);
		snprintf(buf, sizeof buf, " %s \xC2\xB7 %s %llu \xC2\xB7 %zu nodes \xC2\xB7 %llu%s tokens%s \xC2\xB7 %llu%s requests, %d in flight%s \xC2\xB7 %.1fs \xC2\xB7 %s ",
			     state_text(u), u->m.unit[0] ? u->m.unit : "unit", (unsigned long long)u->m.unit_n,
			     tree_count(u->m.tree), (unsigned long long)us->gen_tokens, budget,
			     us->estimated ? " (est.)" : "", (unsigned long long)us->requests, rbudget,
			     u->ws.inflight, trouble, u->ws.elapsed, u->m.strategy);
	} else {
		pos = replay_pos(u->m.replay);
		cnt = replay_count(u->m.replay);
		/* before the first unit there is no "level 0" to speak of */
		char unit[96] = "";
		if (u->m.unit_n)
			snprintf(unit, sizeof unit, " \xC2\xB7 %s %llu", u->m.unit[0] ? u->m.unit : "unit",
				 (unsigned long long)u->m.unit_n);
		int head = snprintf(buf, sizeof buf, " %s %s %g ev/s ", state_text(u),
				    u->m.playing ? (u->utf8 ? "\xE2\x96\xB6" : ">")
						 : (u->utf8 ? "\xE2\x9D\x9A\xE2\x9D\x9A" : "||"),
				    u->m.speed);
		/* the scrubber: where the cursor is in the trace; a click on it
		 * seeks there */
		u->scrub_w = u->cols >= 100 ? 20 : u->cols >= 80 ? 10 : 0;
		u->scrub_x = ui_text_width(buf, (size_t)head, u->cols);
		if (u->scrub_w)
			head += snprintf(buf + head, sizeof buf - (size_t)head, "%*s ", u->scrub_w, "");
		snprintf(buf + head, sizeof buf - (size_t)head,
			     "event %zu of %zu \xC2\xB7 t %.2fs%s \xC2\xB7 %zu nodes \xC2\xB7 %llu%s tokens \xC2\xB7 %s ", pos,
			     cnt, u->m.last_t, unit, tree_count(u->m.tree), (unsigned long long)u->m.usage.gen_tokens,
			     budget, u->m.strategy);
	}
	draw_params(u, y, ui_text(y, 0, u->cols, buf, strlen(buf)));
	if (!u->m.live && u->scrub_w) {
		int at = cnt ? (int)((double)pos / (double)cnt * (u->scrub_w - 1) + 0.5) : 0;
		move(y, u->scrub_x);
		for (int i = 0; i < u->scrub_w; i++)
			addstr(i == at ? (u->utf8 ? "\xE2\x97\x8F" : "|")
			       : i < at ? (u->utf8 ? "\xE2\x94\x81" : "=")
					: (u->utf8 ? "\xE2\x94\x80" : "-"));
	}
	attrset(A_NORMAL);
	/* the message line */
	move(u->rows - 1, 0);
	clrtoeol();
	if (!cmdline_active()) {
		/* the first hint offers what this mode has */
		const char *hint = u->m.live ? "? for help \xC2\xB7 space pauses \xC2\xB7 s steps \xC2\xB7 arrows move \xC2\xB7 "
					       "Enter shows a node \xC2\xB7 q quits"
					     : "? for help \xC2\xB7 space plays \xC2\xB7 [ ] one event \xC2\xB7 { } one unit \xC2\xB7 "
					       "Enter shows a node \xC2\xB7 q quits";
		const char *msg = u->message[0] ? u->message : !u->hint_shown ? hint : "";
		attrset(theme_attr(u->message_is_error ? TE_ERROR : TE_MESSAGE));
		ui_text(u->rows - 1, 0, u->cols - 1, msg, strlen(msg));
		attrset(A_NORMAL);
	}
}


int ui_has_line(const char *text, const char *line, size_t len)
{
	for (const char *p = text; *p;) {
		size_t l = strcspn(p, "\n");
		if (l == len && !memcmp(p, line, len))
			return 1;
		p += l + (p[l] == '\n');
	}
	return 0;
}
