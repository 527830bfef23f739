#include "cmdline.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <readline/history.h>
#include <readline/readline.h>

#include "export.h"
#include "params.h"
#include "theme.h"
#include "ui.h"

/* name and help, two by two; the help screen and completion use it */
const char *const ui_command_help[] = {
	"set PARAM VALUE", "change a parameter (width, c, tau, rounds, temperature ...)",
	"expand NODE [K]", "K more children of NODE by the strategy's generator",
	"prune NODE", "NODE's subtree leaves the search and the vote",
	"focus NODE", "MCTS: the next selection goes through NODE",
	"goto NODE", "select NODE",
	"step", "one unit of work",
	"pause, resume", "stop after this unit, or go on",
	"save FILE", "copy the journal to FILE",
	"export json|dot|svg|md|csv FILE", "write the tree as JSON, DOT, SVG, a Markdown report or CSV",
	"theme NAME", "default, light, mono, high-contrast, forest, or your own",
	"help", "this screen",
	"quit", "leave canopy (the journal is already on disk)",
	NULL, NULL,
};

static const char *const command_names[] = {"set", "expand", "prune", "focus", "goto", "step",
					    "pause", "resume", "save", "export", "theme", "help", "quit", NULL};

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
			/* the first match from here */
			char cmd[300];
			snprintf(cmd, sizeof cmd, "search-next");
			ui_run_command(u, cmd);
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

static char *generator(const char *text, int state)
{
	static size_t i, j;
	static int stage;
	if (!state) {
		i = j = 0;
		stage = 0;
	}
	size_t len = strlen(text);
	/* the first word is a command; after "set" a parameter; after
	 * "theme" a theme; elsewhere node ids */
	const char *line = rl_line_buffer;
	int first = rl_point <= (int)len || !strchr(line, ' ') || (size_t)(strchr(line, ' ') - line) >= (size_t)rl_point;
	if (first) {
		while (command_names[i])
			if (!strncmp(command_names[i++], text, len))
				return strdup(command_names[i - 1]);
		return NULL;
	}
	if (!strncmp(line, "set ", 4) && !strchr(line + 4, ' ')) {
		while (i < P_COUNT)
			if (!strncmp(param_name((enum param_id)i++), text, len))
				return strdup(param_name((enum param_id)(i - 1)));
		return NULL;
	}
	if (!strncmp(line, "theme ", 6)) {
		static const char *const themes[] = {"default", "light", "mono", "high-contrast", "forest", NULL};
		while (themes[i])
			if (!strncmp(themes[i++], text, len))
				return strdup(themes[i - 1]);
		return NULL;
	}
	if (!strncmp(line, "export ", 7) && !strchr(line + 7, ' ')) {
		static const char *const fmts[] = {"json", "dot", "svg", "md", "csv", NULL};
		while (fmts[i])
			if (!strncmp(fmts[i++], text, len))
				return strdup(fmts[i - 1]);
		return NULL;
	}
	(void)stage;
	/* node ids: the selected one first, then its children */
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
	attrset(theme_attr(TE_MESSAGE));
	mvaddnstr(active_ui->rows - 2, 0, buf, active_ui->cols);
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

/* ---- the commands ---- */

static int parse_node(struct ui *u, const char *s, int32_t *out)
{
	if (!s) {
		*out = u->sel;
		return 0;
	}
	if (*s == '#')
		s++;
	char *e;
	long v = strtol(s, &e, 10);
	if (*s && !*e && v >= 0 && tree_node(u->m.tree, (int32_t)v)) {
		*out = (int32_t)v;
		return 0;
	}
	ui_message(u, 1, "no node '%s'", s);
	return -1;
}

static int copy_file(const char *from, const char *to, char *err, size_t errlen)
{
	FILE *in = fopen(from, "rb");
	if (!in) {
		snprintf(err, errlen, "%s: %s", from, strerror(errno));
		return -1;
	}
	FILE *out = fopen(to, "wb");
	if (!out) {
		snprintf(err, errlen, "%s: %s", to, strerror(errno));
		fclose(in);
		return -1;
	}
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		fwrite(buf, 1, n, out);
	int bad = ferror(in) | ferror(out);
	fclose(in);
	if (fclose(out) || bad) {
		snprintf(err, errlen, "%s: write error", to);
		return -1;
	}
	return 0;
}

static void do_export(struct ui *u, const char *fmt, const char *file)
{
	int f = fmt ? export_format_parse(fmt) : -1;
	if (f < 0 || !file) {
		ui_message(u, 1, "usage: export json|dot|svg|md|csv FILE");
		return;
	}
	/* the views' tree and facts */
	struct export_input in;
	memset(&in, 0, sizeof in);
	in.problem = u->m.problem;
	in.gold = u->m.gold;
	in.strategy = u->m.strategy;
	in.params = u->m.params;
	in.tree = u->m.tree;
	in.final_node = NODE_NONE;
	in.final_correct = -1;
	in.vote = u->m.vote.held ? &u->m.vote.ev : NULL;
	in.difficulty = u->m.difficulty.held ? &u->m.difficulty.ev : NULL;
	in.usage = u->m.usage;
	in.imported_from = u->m.imported_from;
	if (u->m.final.held) {
		const struct event *fin = &u->m.final.ev;
		in.has_final = 1;
		in.final_answer = fin->answer;
		in.final_reason = fin->reason;
		in.final_node = fin->id;
		in.final_correct = fin->correct;
	}
	FILE *out = fopen(file, "w");
	if (!out) {
		ui_message(u, 1, "%s: %s", file, strerror(errno));
		return;
	}
	int rc = export_write(out, &in, (enum export_format)f);
	if (fclose(out) || rc)
		ui_message(u, 1, "%s: write error", file);
	else
		ui_message(u, 0, "wrote %s (%zu nodes)", file, tree_count(u->m.tree));
}

void ui_run_command(struct ui *u, const char *line)
{
	char buf[512];
	snprintf(buf, sizeof buf, "%s", line);
	char *save = NULL;
	char *cmd = strtok_r(buf, " \t", &save);
	char *a1 = strtok_r(NULL, " \t", &save);
	char *a2 = strtok_r(NULL, " \t", &save);
	if (!cmd)
		return;
	int32_t id;
	if (!strcmp(cmd, "search-next")) {
		/* internal: after a / search */
		size_t n = tree_count(u->m.tree);
		for (size_t k = 1; k <= n; k++) {
			int32_t c = (int32_t)((u->sel + (long)k) % (long)n);
			const struct node *nd = tree_node(u->m.tree, c);
			if (strcasestr(nd->text, u->search) || (nd->answer && strcasestr(nd->answer, u->search))) {
				ui_select(u, c);
				ui_message(u, 0, "/%s: #%d (n for the next)", u->search, c);
				return;
			}
		}
		ui_message(u, 1, "/%s: no node has that text", u->search);
	} else if (!strcmp(cmd, "set")) {
		int p = a1 ? param_lookup(a1) : -1;
		double v;
		char err[200];
		if (p < 0 || !a2) {
			ui_message(u, 1, "usage: set PARAM VALUE (Tab completes the parameter)");
		} else if (param_parse((enum param_id)p, a2, &v, err, sizeof err)) {
			ui_message(u, 1, "%s", err);
		} else {
			struct command c = {CMD_SET, 0, 0, (enum param_id)p, v, 1};
			ui_live_command(u, &c);
		}
	} else if (!strcmp(cmd, "expand")) {
		long k = a2 ? strtol(a2, NULL, 10) : 4;
		if (!parse_node(u, a1, &id)) {
			if (k < 1 || k > 1024) {
				ui_message(u, 1, "expand takes 1 to 1024 children");
				return;
			}
			struct command c = {CMD_EXPAND, id, (int)k, 0, 0, 1};
			ui_live_command(u, &c);
		}
	} else if (!strcmp(cmd, "prune")) {
		if (!parse_node(u, a1, &id)) {
			struct command c = {CMD_PRUNE, id, 0, 0, 0, 1};
			ui_live_command(u, &c);
		}
	} else if (!strcmp(cmd, "focus")) {
		if (!parse_node(u, a1, &id)) {
			struct command c = {CMD_FOCUS, id, 0, 0, 0, 1};
			ui_live_command(u, &c);
		}
	} else if (!strcmp(cmd, "goto")) {
		if (!parse_node(u, a1, &id))
			ui_select(u, id);
	} else if (!strcmp(cmd, "step") || !strcmp(cmd, "pause") || !strcmp(cmd, "resume") ||
		   !strcmp(cmd, "run")) {
		if (!u->m.live) {
			ui_message(u, 1, "this is a replay: space plays it");
			return;
		}
		if (!strcmp(cmd, "step"))
			worker_step(u->m.worker);
		else if (!strcmp(cmd, "pause"))
			worker_pause(u->m.worker);
		else
			worker_resume(u->m.worker);
	} else if (!strcmp(cmd, "save")) {
		char err[700];
		const char *from = u->m.live ? u->m.journal : NULL;
		if (!a1) {
			ui_message(u, 1, "usage: save FILE");
		} else if (!from && !u->m.live) {
			ui_message(u, 1, "a replay is a saved trace already; use your shell to copy it");
		} else if (copy_file(from, a1, err, sizeof err)) {
			ui_message(u, 1, "%s", err);
		} else {
			ui_message(u, 0, "saved the journal to %s", a1);
		}
	} else if (!strcmp(cmd, "export")) {
		do_export(u, a1, a2);
	} else if (!strcmp(cmd, "theme")) {
		char err[300] = "";
		if (!a1) {
			ui_message(u, 0, "theme %s", theme_name());
		} else if (theme_load(a1, NULL, err, sizeof err)) {
			ui_message(u, 1, "%s", err);
		} else {
			ui_message(u, 0, "theme %s", a1);
		}
		clear();
	} else if (!strcmp(cmd, "help")) {
		u->back_view = u->view == VIEW_HELP ? u->back_view : u->view;
		u->view = VIEW_HELP;
	} else if (!strcmp(cmd, "quit") || !strcmp(cmd, "q")) {
		u->quit = 1;
	} else {
		ui_message(u, 1, "no command '%s' (:help lists them)", cmd);
	}
	u->dirty = 1;
}
