/* The help view, made from the key table, the command list and the
 * legend below: laid out as lines first (descriptions wrapped to the
 * width), so the scroll is clamped to what there is and the last row
 * says when more lies below. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "keys.h"
#include "theme.h"
#include "ui.h"
#include "util.h"

enum { COL_KEY = 4, KEY_W = 13, CMD_W = 27 };

/* One row of the help: a heading, or a key/command/mark with a piece of
 * its description (continuation rows have no key). */
struct row {
	const char *key; /* NULL: a continuation or a heading */
	const char *text;
	size_t len;
	int heading, keyw;
};

struct rows {
	struct row *v;
	size_t n, cap;
	struct strbuf text; /* texts made for this layout, NUL-separated */
};

/* A text made for this layout, as an offset into r->text: rows point
 * into it only once every text is made, since it moves as it grows. */
static size_t make_text(struct rows *r, const char *fmt, const char *a, const char *b, const char *c)
{
	size_t at = r->text.len;
	sb_printf(&r->text, fmt, a, b, c);
	sb_addc(&r->text, '\0');
	return at;
}

static void rows_free(struct rows *r)
{
	free(r->v);
	sb_free(&r->text);
}

static void push(struct rows *r, struct row x)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->v = xrealloc(r->v, r->cap * sizeof *r->v);
	}
	r->v[r->n++] = x;
}

/* text wrapped at spaces to width columns, one row each piece */
static void wrapped(struct rows *r, const char *key, int keyw, const char *text, int width)
{
	if (width < 10)
		width = 10;
	const char *p = text;
	int first = 1;
	while (*p) {
		size_t len = strlen(p), cut = len;
		if (ui_text_width(p, len, width + 1) > width) {
			/* the last space that leaves the piece within width */
			cut = 0;
			for (size_t i = 1; i < len; i++)
				if (p[i] == ' ' && ui_text_width(p, i, width + 1) <= width)
					cut = i;
			if (!cut)
				cut = (size_t)width; /* one long word: cut it */
		}
		push(r, (struct row){first ? key : NULL, p, cut, 0, keyw});
		first = 0;
		p += cut;
		while (*p == ' ')
			p++;
	}
	if (first)
		push(r, (struct row){key, "", 0, 0, keyw});
}

static void layout(struct ui *u, int w, struct rows *r)
{
	/* the texts made here first, so that they stay where they are */
	size_t trace = 0, shown[64];
	size_t ncmd = 0;
	if (u->m.journal)
		trace = make_text(r, "%s: %s%s", u->m.live ? "Journal" : "Trace", u->m.journal, "");
	for (const struct ui_command *c = ui_commands; c->name && ncmd < 64; c++)
		if (c->modes & u->mode)
			shown[ncmd++] = make_text(r, "%s%s%s", c->name, c->args ? " " : "", c->args ? c->args : "");
	if (u->m.journal) {
		/* which file this is: the one a resume or a replay opens */
		const char *t = r->text.s + trace;
		push(r, (struct row){NULL, t, strlen(t), 0, 0});
		push(r, (struct row){NULL, "", 0, 0, 0});
	}
	push(r, (struct row){NULL, "Keys", 4, 1, 0});
	for (size_t i = 0; i < key_table_len; i++)
		if (key_table[i].modes & u->mode)
			wrapped(r, key_table[i].shown, KEY_W, key_table[i].help, w - COL_KEY - KEY_W - 1);
	push(r, (struct row){NULL, "", 0, 0, 0});
	push(r, (struct row){NULL, "Commands (type : first; Tab completes, Up recalls)", 51, 1, 0});
	size_t k = 0;
	for (const struct ui_command *c = ui_commands; c->name && k < ncmd; c++) {
		if (!(c->modes & u->mode))
			continue; /* what this mode cannot run is not offered */
		wrapped(r, r->text.s + shown[k++], CMD_W, c->help, w - COL_KEY - CMD_W - 1);
	}
	push(r, (struct row){NULL, "", 0, 0, 0});
	push(r, (struct row){NULL, "What the marks mean", 19, 1, 0});
	for (size_t i = 0; i < mark_table_len; i++)
		wrapped(r, u->utf8 ? mark_table[i].mark : mark_table[i].ascii, KEY_W, mark_table[i].what,
			w - COL_KEY - KEY_W - 1);
	push(r, (struct row){NULL, "", 0, 0, 0});
	push(r, (struct row){NULL, "q, Esc or ? returns to where you were.", 38, 0, 0});
}

static void help_draw(struct ui *u, int y, int x, int h, int w)
{
	for (int i = 0; i < h; i++) {
		move(y + i, x);
		clrtoeol();
	}
	struct rows r = {0};
	layout(u, w, &r);
	/* never past the end: the last page is the furthest it goes */
	int most = (int)r.n > h ? (int)r.n - h : 0;
	if (u->scroll[VIEW_HELP] > most)
		u->scroll[VIEW_HELP] = most;
	if (u->scroll[VIEW_HELP] < 0)
		u->scroll[VIEW_HELP] = 0;
	int top = u->scroll[VIEW_HELP], below = (int)r.n - top - h;
	for (int i = 0; i < h && top + i < (int)r.n; i++) {
		const struct row *row = &r.v[top + i];
		int yy = y + i;
		if (below > 0 && i == h - 1) {
			attrset(A_REVERSE);
			char more[64];
			snprintf(more, sizeof more, " %d more below: j, PgDn, End ", below);
			mvaddstr(yy, x + 2, more);
			attrset(A_NORMAL);
			break;
		}
		if (row->heading) {
			attrset(A_BOLD);
			ui_text(yy, x + 2, w - 2, row->text, row->len);
			attrset(A_NORMAL);
			continue;
		}
		if (!row->keyw) {
			ui_text(yy, x + 2, w - 2, row->text, row->len);
			continue;
		}
		if (row->key) {
			attrset(theme_attr(TE_HELP_KEY));
			ui_text(yy, x + COL_KEY, row->keyw, row->key, strlen(row->key));
			attrset(A_NORMAL);
		}
		int tx = x + COL_KEY + row->keyw + 1;
		ui_text(yy, tx, w - (tx - x), row->text, row->len);
	}
	rows_free(&r);
}

static int help_key(struct ui *u, int key)
{
	int page = u->rows - 4 > 1 ? u->rows - 4 : 1;
	if (ui_list_key(&u->scroll[VIEW_HELP], key == ' ' ? KEY_NPAGE : key, page))
		return 1; /* the draw clamps it to what there is */
	switch (key) {
	case 'q':
	case '?':
	case 27:
	case KEY_F(1):
		u->view = u->back_view;
		return 1;
	case ':':
	case KEY_RESIZE:
	case KEY_MOUSE:
	case CTRL_('c'):
	case CTRL_('l'):
	case KEY_F(10):
		return 0; /* the UI's own */
	default:
		/* nothing behind the help moves while it is shown */
		ui_message(u, 0, "q, Esc or ? closes the help");
		return 1;
	}
}

const struct view_ops view_help_ops = {
	.name = "help",
	.draw = help_draw,
	.key = help_key,
};
