/* commands: the ":" commands in one table.  It dispatches them, makes the
 * help screen's list and `canopy help commands` (canopy(1)'s COMMANDS),
 * and tells Tab completion what each command's arguments are; a command
 * that only a live search can do says so in a replay. */
#include "commands.h"

#include <curses.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "params.h"
#include "replay.h"
#include "theme.h"
#include "strategy.h"
#include "ui.h"

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

static void c_set(struct ui *u, char *a1, char *a2)
{
	int p = a1 ? param_lookup(a1) : -1;
	double v;
	char err[200];
	if (p < 0 || !a2) {
		ui_message(u, 1, "usage: set PARAM VALUE (Tab completes the parameter)");
	} else if (param_parse((enum param_id)p, a2, &v, err, sizeof err)) {
		ui_message(u, 1, "%s", err);
	} else if (strategy_lookup(u->m.strategy) && !strategy_uses(strategy_lookup(u->m.strategy), (enum param_id)p)) {
		/* said here and now, not dropped on the search's side */
		struct strbuf who;
		sb_init(&who);
		strategy_users_of((enum param_id)p, &who);
		ui_message(u, 1, "%s applies to %s, not to %s: nothing changed", param_name((enum param_id)p),
			   who.s ? who.s : "no strategy", u->m.strategy);
		sb_free(&who);
	} else if (strategy_lookup(u->m.strategy) &&
		   strategy_check_value(strategy_lookup(u->m.strategy), (enum param_id)p, v, err, sizeof err)) {
		ui_message(u, 1, "%s: nothing changed", err);
	} else {
		struct command c = {CMD_SET, 0, 0, (enum param_id)p, v, 1};
		ui_live_command(u, &c);
	}
}

static void c_expand(struct ui *u, char *a1, char *a2)
{
	int32_t id;
	long k = a2 ? strtol(a2, NULL, 10) : 4;
	if (parse_node(u, a1, &id))
		return;
	if (k < 1 || k > 1024) {
		ui_message(u, 1, "expand takes 1 to 1024 children");
		return;
	}
	struct command c = {CMD_EXPAND, id, (int)k, 0, 0, 1};
	ui_live_command(u, &c);
}

static void c_node_command(struct ui *u, char *a1, enum command_kind kind)
{
	int32_t id;
	if (parse_node(u, a1, &id))
		return;
	struct command c = {kind, id, 0, 0, 0, 1};
	ui_live_command(u, &c);
}

static void c_prune(struct ui *u, char *a1, char *a2)
{
	(void)a2;
	c_node_command(u, a1, CMD_PRUNE);
}

static void c_focus(struct ui *u, char *a1, char *a2)
{
	(void)a2;
	c_node_command(u, a1, CMD_FOCUS);
}

static void c_goto(struct ui *u, char *a1, char *a2)
{
	int32_t id;
	(void)a2;
	if (!parse_node(u, a1, &id))
		ui_select(u, id);
}

/* :seek N, N%, start, end, unit K, or KIND K (round 2, level 3) */
static void c_seek(struct ui *u, char *a1, char *a2)
{
	struct replay *r = u->m.replay;
	size_t n = replay_count(r), pos;
	char *e;
	if (!a1) {
		ui_message(u, 1, "usage: seek N | N%% | start | end | unit K | KIND K (e.g. round 2)");
		return;
	}
	if (!strcmp(a1, "start") || !strcmp(a1, "end")) {
		pos = *a1 == 's' ? 0 : n;
	} else if (a2) {
		long k = strtol(a2, &e, 10);
		if (*e || k < 1) {
			ui_message(u, 1, "seek %s: '%s' is no unit number (1, 2, ...)", a1, a2);
			return;
		}
		pos = replay_find_unit(r, strcmp(a1, "unit") ? a1 : NULL, (size_t)k);
		if (!pos) {
			ui_message(u, 1, "seek: the trace has no %s %ld", a1, k);
			return;
		}
	} else {
		double v = strtod(a1, &e);
		int pct = *e == '%' && !e[1];
		if (e == a1 || (*e && !pct) || v < 0 || (pct && v > 100)) {
			ui_message(u, 1, "seek: '%s' is no position (N, N%%, start, end, unit K, KIND K)", a1);
			return;
		}
		pos = pct ? (size_t)llround(v / 100 * (double)n) : v > (double)n ? n : (size_t)v;
	}
	u->m.playing = 0;
	ui_replay_to(u, pos);
	ui_message(u, 0, "event %zu of %zu", replay_pos(r), n);
}

/* A search that ended takes no more work: say so rather than nothing. */
static int over(struct ui *u)
{
	if (u->ws.state != WORKER_DONE && u->ws.state != WORKER_FAILED)
		return 0;
	ui_message(u, 0, "%s", ui_search_over(u));
	return 1;
}

static void c_step(struct ui *u, char *a1, char *a2)
{
	(void)a1;
	(void)a2;
	if (!over(u))
		worker_step(u->m.worker);
}

static void c_pause(struct ui *u, char *a1, char *a2)
{
	(void)a1;
	(void)a2;
	if (!over(u))
		worker_pause(u->m.worker);
}

static void c_resume(struct ui *u, char *a1, char *a2)
{
	(void)a1;
	(void)a2;
	if (!over(u))
		worker_resume(u->m.worker);
}

static void c_save(struct ui *u, char *a1, char *a2)
{
	char err[700];
	(void)a2;
	if (!a1)
		ui_message(u, 1, "usage: save FILE");
	else if (copy_file(u->m.journal, a1, err, sizeof err))
		ui_message(u, 1, "%s", err);
	else
		ui_message(u, 0, "saved the journal to %s", a1);
}

static void c_export(struct ui *u, char *a1, char *a2)
{
	do_export(u, a1, a2);
}

static void c_theme(struct ui *u, char *a1, char *a2)
{
	char err[300] = "";
	(void)a2;
	if (!a1)
		ui_message(u, 0, "theme %s", theme_name());
	else if (theme_load(a1, NULL, err, sizeof err))
		ui_message(u, 1, "%s", err);
	else
		ui_message(u, 0, "theme %s", a1);
	clear();
}

static void c_flash(struct ui *u, char *a1, char *a2)
{
	(void)a2;
	if (a1 && strcmp(a1, "on") && strcmp(a1, "off")) {
		ui_message(u, 1, "usage: flash on|off");
		return;
	}
	u->flash = a1 ? !strcmp(a1, "on") : !u->flash;
	ui_message(u, 0, "new nodes' ids %s", u->flash ? "flash for a second" : "do not flash");
}

static void c_help(struct ui *u, char *a1, char *a2)
{
	(void)a1;
	(void)a2;
	u->back_view = u->view == VIEW_HELP ? u->back_view : u->view;
	u->view = VIEW_HELP;
}

static void c_quit(struct ui *u, char *a1, char *a2)
{
	(void)a1;
	(void)a2;
	u->quit = 1;
}

const struct ui_command ui_commands[] = {
	{.name = "set", .why_not = "a replay shows a finished search; canopy run --resume goes on with one", .args = "PARAM VALUE", .modes = KM_LIVE, .complete = {UC_PARAM, UC_NONE}, .run = c_set,
	 .help = "change a parameter (width, c, tau, rounds, temperature ...)"},
	{.name = "expand", .why_not = "a replay shows a finished search; canopy run --resume goes on with one", .args = "NODE [K]", .modes = KM_LIVE, .complete = {UC_NODE, UC_NONE}, .run = c_expand,
	 .help = "K more children of NODE by the strategy's own generator (default 4)"},
	{.name = "prune", .why_not = "a replay shows a finished search; canopy run --resume goes on with one", .args = "NODE", .modes = KM_LIVE, .complete = {UC_NODE, UC_NONE}, .run = c_prune,
	 .help = "NODE's subtree leaves the search and the vote; its requests in flight are cancelled"},
	{.name = "focus", .why_not = "a replay shows a finished search; canopy run --resume goes on with one", .args = "NODE", .modes = KM_LIVE, .complete = {UC_NODE, UC_NONE}, .run = c_focus,
	 .help = "MCTS: the next selection goes through NODE"},
	{.name = "goto", .args = "NODE", .modes = KM_ALL, .complete = {UC_NODE, UC_NONE}, .run = c_goto,
	 .help = "select NODE"},
	{.name = "seek", .why_not = "a live search is always at its newest event", .args = "N|N%|unit K|KIND K",
	 .modes = KM_REPLAY, .run = c_seek,
	 .help = "go to event N, N% of the way, the start or end, the K-th unit of work, or the K-th of a kind "
		 "(round 2, level 3)"},
	{.name = "step", .why_not = "in a replay ] steps one event and } one unit of work", .modes = KM_LIVE, .run = c_step, .help = "one unit of work"},
	{.name = "pause", .why_not = "in a replay space plays and pauses", .modes = KM_LIVE, .run = c_pause, .help = "stop after this unit"},
	{.name = "resume", .why_not = "in a replay space plays and pauses", .alias = "run", .modes = KM_LIVE, .run = c_resume, .help = "go on"},
	{.name = "save", .why_not = "a replay is a saved trace already; copy it with your shell", .args = "FILE", .modes = KM_LIVE, .complete = {UC_FILE, UC_NONE}, .run = c_save,
	 .help = "copy the live search's journal to FILE"},
	{.name = "export", .args = "json|dot|svg|md|csv FILE", .modes = KM_ALL, .complete = {UC_FORMAT, UC_FILE},
	 .run = c_export,
	 .help = "write the tree on screen as canopy export would: JSON, DOT, an SVG picture, a Markdown report "
		 "or CSV"},
	{.name = "theme", .args = "NAME", .modes = KM_ALL, .complete = {UC_THEME, UC_NONE}, .run = c_theme,
	 .help = "switch themes: default, light, mono, high-contrast, forest, or your own"},
	{.name = "flash", .why_not = "a replay draws no node as new", .args = "on|off", .modes = KM_LIVE,
	 .run = c_flash, .help = "whether a new node's id flashes for a second (on by default)"},
	{.name = "help", .modes = KM_ALL, .run = c_help, .help = "this screen"},
	{.name = "quit", .alias = "q", .modes = KM_ALL, .run = c_quit,
	 .help = "leave canopy (the journal is already on disk)"},
	{.name = NULL},
};

const struct ui_command *ui_command_lookup(const char *name)
{
	for (const struct ui_command *c = ui_commands; name && c->name; c++)
		if (!strcmp(c->name, name) || (c->alias && !strcmp(c->alias, name)))
			return c;
	return NULL;
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
	u->dirty = 1;
	const struct ui_command *c = ui_command_lookup(cmd);
	if (!c) {
		ui_message(u, 1, "no command '%s' (:help lists them)", cmd);
		return;
	}
	if (!(c->modes & u->mode)) {
		ui_message(u, 1, "%s: only in a %s (%s)", c->name, c->modes == KM_REPLAY ? "replay" : "live search",
			   c->why_not ? c->why_not : c->modes == KM_REPLAY ? "this is a live search" : "this is a replay");
		return;
	}
	c->run(u, a1, a2);
}

void print_ui_commands(FILE *f)
{
	static const char *const modes[] = {"", "live", "replay", ""};
	for (const struct ui_command *c = ui_commands; c->name; c++)
		fprintf(f, "%s%s%s\t%s\t%s\n", c->name, c->args ? " " : "", c->args ? c->args : "", modes[c->modes],
			c->help);
}
