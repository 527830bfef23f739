/* The help view, made from the key table and the command list. */
#include <curses.h>
#include <string.h>

#include "keys.h"
#include "theme.h"
#include "ui.h"

extern const char *const ui_command_help[];

static void help_draw(struct ui *u, int y, int x, int h, int w)
{
	for (int r = 0; r < h; r++) {
		move(y + r, x);
		clrtoeol();
	}
	int r = y - u->scroll[VIEW_HELP], ybot = y + h;
	const char *titles[] = {"Keys", "Commands (type : first; Tab completes, Up recalls)"};
	(void)w;
	for (int part = 0; part < 2; part++) {
		if (r >= y && r < ybot) {
			attrset(A_BOLD);
			mvaddstr(r, x + 2, titles[part]);
			attrset(A_NORMAL);
		}
		r++;
		if (part == 0) {
			for (size_t i = 0; i < key_table_len; i++, r++) {
				if (!(key_table[i].modes & u->mode)) {
					r--;
					continue;
				}
				if (r < y || r >= ybot)
					continue;
				attrset(theme_attr(TE_HELP_KEY));
				mvprintw(r, x + 4, "%-12s", key_table[i].shown);
				attrset(A_NORMAL);
				printw("%s", key_table[i].help);
			}
		} else {
			for (size_t i = 0; ui_command_help[i]; i += 2, r++) {
				if (r < y || r >= ybot)
					continue;
				attrset(theme_attr(TE_HELP_KEY));
				mvprintw(r, x + 4, "%-26s", ui_command_help[i]);
				attrset(A_NORMAL);
				printw("%s", ui_command_help[i + 1]);
			}
		}
		r++;
	}
	if (r < ybot && r >= y)
		mvaddstr(r, x + 2, "q or ? returns to where you were.");
}

static int help_key(struct ui *u, int key)
{
	if (key == 'j' || key == KEY_DOWN || key == KEY_NPAGE) {
		u->scroll[VIEW_HELP] += key == KEY_NPAGE ? 10 : 1;
		return 1;
	}
	if ((key == 'k' || key == KEY_UP || key == KEY_PPAGE) && u->scroll[VIEW_HELP] > 0) {
		u->scroll[VIEW_HELP] -= key == KEY_PPAGE ? (u->scroll[VIEW_HELP] < 10 ? u->scroll[VIEW_HELP] : 10) : 1;
		return 1;
	}
	if (key == 'q' || key == '?' || key == 27) {
		u->view = u->back_view;
		return 1;
	}
	return 0;
}

const struct view_ops view_help_ops = {
	.name = "help",
	.draw = help_draw,
	.key = help_key,
};
