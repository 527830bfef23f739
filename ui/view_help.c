/* The help view, made from the key table and the command list. */
#include <curses.h>
#include <string.h>

#include "commands.h"
#include "keys.h"
#include "theme.h"
#include "ui.h"

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
			for (const struct ui_command *c = ui_commands; c->name; c++) {
				if (!(c->modes & u->mode))
					continue; /* what this mode cannot run is not offered */
				if (r >= y && r < ybot) {
					char shown[64];
					snprintf(shown, sizeof shown, "%s%s%s", c->name, c->args ? " " : "", c->args ? c->args : "");
					attrset(theme_attr(TE_HELP_KEY));
					mvprintw(r, x + 4, "%-26s", shown);
					attrset(A_NORMAL);
					printw("%s", c->help);
				}
				r++;
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
