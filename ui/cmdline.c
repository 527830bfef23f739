#include "cmdline.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <readline/history.h>
#include <readline/readline.h>

#include "commands.h"
#include "params.h"
#include "theme.h"
#include "ui.h"

static struct ui *active_ui;
static int active;
static enum cmdline_kind kind;
static int pending_key, have_key;
static char history_path[600];

static int rl_getc_from_ui(FILE *f)
{
	(void)f;
	have_key = 0;
	return pending_key;
}

static int rl_input_avail(void)
{
	return have_key;
}

void cmdline_redraw(void)
{
	if (!active || !active_ui)
		return;
	struct ui *u = active_ui;
	int y = u->rows - 1;
	move(y, 0);
	clrtoeol();
	attrset(A_BOLD);
	const char *prompt = rl_display_prompt ? rl_display_prompt : "";
	mvaddstr(y, 0, prompt);
	attrset(A_NORMAL);
	int px = (int)strlen(prompt);
	int w = u->cols - px - 1;
	/* keep the cursor in view on a long line */
	int start = rl_point > w ? rl_point - w : 0;
	addnstr(rl_line_buffer + start, w);
	move(y, px + rl_point - start);
	curs_set(1);
	refresh();
}

static void prep_term(int meta)
{
	(void)meta; /* the terminal is curses' */
}

static void deprep_term(void)
{
}

static void done(void)
{
	rl_callback_handler_remove();
	active = 0;
	curs_set(0);
	if (active_ui)
		active_ui->dirty = 1;
}

static void on_line(char *line)
{
	struct ui *u = active_ui;
	enum cmdline_kind k = kind;
	done();
	if (!line)
		return; /* ^D */
	if (*line && k != CMDLINE_EXPAND)
		add_history(line);
	switch (k) {
	case CMDLINE_COMMAND:
		ui_run_command(u, line);
		break;
	case CMDLINE_SEARCH:
		if (*line) {
			snprintf(u->search, sizeof u->search, "%s", line);
			ui_search_step(u, 1, " (n for the next)"); /* the first match from here */
		}
		break;
	case CMDLINE_EXPAND: {
		char *e;
		long k2 = strtol(line, &e, 10);
		if (*line && !*e && k2 > 0 && k2 <= 1024) {
			struct command c = {CMD_EXPAND, u->sel, (int)k2, 0, 0, 1};
			ui_live_command(u, &c);
			ui_message(u, 0, "expanding #%d by %ld", u->sel, k2);
		} else if (*line) {
			ui_message(u, 1, "expand takes a number of children from 1 to 1024, not '%s'", line);
		}
		break;
	}
	}
	free(line);
}

/* ---- completion ---- */

/* The words Tab offers for the argument of kind what. */
static const char *const theme_names[] = {"default", "light", "mono", "high-contrast", "forest", NULL};
static const char *const export_names[] = {"json", "dot", "svg", "md", "csv", NULL};

/* The commands, then each command's arguments as its table entry says. */
static char *generator(const char *text, int state)
{
	static size_t i, j;
	static enum ui_complete what;
	static int word;
	size_t len = strlen(text);
	if (!state) {
		i = j = 0;
		/* which word of the line is being completed */
		const char *line = rl_line_buffer;
		int start = rl_point - (int)len, inword = 0;
		word = 0;
		for (int k = 0; k < start && line[k]; k++) {
			if (line[k] != ' ' && !inword)
				inword = 1;
			else if (line[k] == ' ' && inword) {
				inword = 0;
				word++;
			}
		}
		what = UC_NONE;
		if (word > 0) {
			char name[32];
			size_t n = strcspn(line, " ");
			snprintf(name, sizeof name, "%.*s", (int)(n < 31 ? n : 31), line);
			const struct ui_command *c = ui_command_lookup(name);
			if (c && word <= 2)
				what = c->complete[word - 1];
		}
	}
	if (word == 0) {
		/* the commands this mode can run */
		while (ui_commands[i].name) {
			const struct ui_command *c = &ui_commands[i++];
			if ((!active_ui || (c->modes & active_ui->mode)) && !strncmp(c->name, text, len))
				return strdup(c->name);
		}
		return NULL;
	}
	switch (what) {
	case UC_PARAM:
		while (i < P_COUNT)
			if (!strncmp(param_name((enum param_id)i++), text, len))
				return strdup(param_name((enum param_id)(i - 1)));
		return NULL;
	case UC_THEME:
	case UC_FORMAT: {
		const char *const *names = what == UC_THEME ? theme_names : export_names;
		while (names[i])
			if (!strncmp(names[i++], text, len))
				return strdup(names[i - 1]);
		return NULL;
	}
	case UC_FILE:
		return rl_filename_completion_function(text, state);
	case UC_NODE:
		break;
	case UC_NONE:
		return NULL;
	}
	/* node ids: the selected one first, then the others in order */
	if (active_ui) {
		const struct tree *t = active_ui->m.tree;
		char buf[24];
		if (j == 0) {
			j = 1;
			snprintf(buf, sizeof buf, "%d", active_ui->sel);
			if (!strncmp(buf, text, len))
				return strdup(buf);
		}
		size_t n = tree_count(t);
		while (j <= n && j < 100000) {
			snprintf(buf, sizeof buf, "%zu", j - 1);
			j++;
			if (len && !strncmp(buf, text, len))
				return strdup(buf);
		}
	}
	return NULL;
}

static char **complete(const char *text, int start, int end)
{
	(void)start;
	(void)end;
	rl_attempted_completion_over = 1;
	return rl_completion_matches(text, generator);
}

/* Several matches: show them on the message line, not on stdout. */
static void show_matches(char **matches, int n, int maxlen)
{
	(void)maxlen;
	if (!active_ui)
		return;
	char buf[400] = "";
	size_t used = 0;
	for (int i = 1; i <= n && used < sizeof buf - 40; i++)
		used += (size_t)snprintf(buf + used, sizeof buf - used, "%s ", matches[i]);
	/* above the status bar, which stays as it was (the view under the
	 * strip is drawn again at the next change); names of files are
	 * anyone's text: drawn safely */
	int y = active_ui->rows - 3 > 0 ? active_ui->rows - 3 : 0;
	attrset(theme_attr(TE_MESSAGE));
	move(y, 0);
	clrtoeol();
	ui_text(y, 0, active_ui->cols, buf, strlen(buf));
	attrset(A_NORMAL);
	cmdline_redraw();
}

void cmdline_init(struct ui *u)
{
	active_ui = u;
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_getc_function = rl_getc_from_ui;
	rl_input_available_hook = rl_input_avail;
	rl_redisplay_function = cmdline_redraw;
	rl_prep_term_function = prep_term;
	rl_deprep_term_function = deprep_term;
	rl_attempted_completion_function = complete;
	rl_completion_display_matches_hook = show_matches;
	rl_readline_name = "canopy";
	using_history();
	stifle_history(1000);
	const char *data = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	if (data && *data == '/')
		snprintf(history_path, sizeof history_path, "%s/canopy/history", data);
	else if (home && *home)
		snprintf(history_path, sizeof history_path, "%s/.local/share/canopy/history", home);
	if (history_path[0])
		read_history(history_path);
}

void cmdline_save_history(void)
{
	if (!history_path[0])
		return;
	/* make the directories on the way */
	char dir[600];
	snprintf(dir, sizeof dir, "%s", history_path);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(dir, 0700);
		*p = '/';
	}
	write_history(history_path);
}

int cmdline_active(void)
{
	return active;
}

void cmdline_begin(struct ui *u, enum cmdline_kind k, const char *prompt, const char *initial)
{
	active_ui = u;
	kind = k;
	active = 1;
	rl_callback_handler_install(prompt, on_line);
	if (initial && *initial) {
		rl_insert_text(initial);
		rl_point = rl_end;
	}
	u->dirty = 1;
	cmdline_redraw();
}

static void feed(int c)
{
	pending_key = c;
	have_key = 1;
	rl_callback_read_char();
}

static void feed_seq(const char *s)
{
	for (; *s && active; s++)
		feed((unsigned char)*s);
}

void cmdline_key(struct ui *u, int key)
{
	(void)u;
	switch (key) {
	case 27: /* Escape cancels */
	case 7:  /* ^G too */
		done();
		return;
	case KEY_RESIZE:
		getmaxyx(stdscr, active_ui->rows, active_ui->cols);
		active_ui->dirty = 1;
		return;
	case KEY_LEFT: feed_seq("\033[D"); return;
	case KEY_RIGHT: feed_seq("\033[C"); return;
	case KEY_UP: feed_seq("\033[A"); return;
	case KEY_DOWN: feed_seq("\033[B"); return;
	case KEY_HOME: feed_seq("\033[H"); return;
	case KEY_END: feed_seq("\033[F"); return;
	case KEY_DC: feed_seq("\033[3~"); return;
	case KEY_BACKSPACE: feed(127); return;
	case KEY_ENTER: feed('\n'); return;
	default:
		if (key >= 0 && key < 256)
			feed(key);
	}
}

