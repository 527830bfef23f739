/* The terminal front-end's loop: the terminal, signals, input, the
 * status and title bars, navigation and the controls.  The views draw;
 * the model applies events; the worker runs the search. */
#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <wchar.h>

#include "answer.h"
#include "calib.h"
#include "cmdline.h"
#include "keys.h"
#include "termbg.h"
#include "theme.h"
#include "ui.h"

#define MIN_COLS 80
#define MIN_ROWS 24

static const struct view_ops *const views[VIEW_COUNT] = {
	[VIEW_TREE] = &view_tree_ops,
	[VIEW_VOTES] = &view_votes_ops,
	[VIEW_ROUNDS] = &view_rounds_ops,
	[VIEW_WHY] = &view_why_ops,
	[VIEW_CALIB] = &view_calib_ops,
	[VIEW_HELP] = &view_help_ops,
};

/* ---- the terminal, always restored ---- */

static volatile sig_atomic_t got_signal;
static int curses_on;

/* CANOPY_UI_TIMINGS=FILE: how long the first frame, each frame after a
 * key and each replay seek took, for tests/bench/bench_ui.sh.  Off unless
 * asked for. */
struct samples {
	double *v;
	size_t n, cap;
};

static struct {
	const char *path;
	double start, first_frame;
	struct samples frames, seeks;
	int after_key;
} timing;

static void sample_add(struct samples *s, double took)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = xrealloc(s->v, s->cap * sizeof *s->v);
	}
	s->v[s->n++] = took;
}

static void timing_frame(double took)
{
	if (!timing.path || !timing.after_key)
		return;
	timing.after_key = 0;
	sample_add(&timing.frames, took);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void sample_write(FILE *f, const char *name, struct samples *s)
{
	fprintf(f, "%ss %zu\n", name, s->n);
	if (s->n) {
		qsort(s->v, s->n, sizeof *s->v, cmp_double);
		fprintf(f, "%s_ms_median %.3f\n", name, s->v[s->n / 2] * 1000);
		fprintf(f, "%s_ms_p95 %.3f\n", name, s->v[s->n * 95 / 100] * 1000);
		fprintf(f, "%s_ms_max %.3f\n", name, s->v[s->n - 1] * 1000);
	}
	free(s->v);
}

static void timing_write(void)
{
	if (!timing.path)
		return;
	FILE *f = fopen(timing.path, "w");
	if (!f)
		return;
	fprintf(f, "first_frame_s %.4f\n", timing.first_frame);
	sample_write(f, "frame", &timing.frames);
	sample_write(f, "seek", &timing.seeks);
	fclose(f);
}

static void restore_terminal(void)
{
	if (curses_on) {
		curses_on = 0;
		endwin();
	}
}

static void on_quit_signal(int sig)
{
	got_signal = sig;
}

static void on_fatal_signal(int sig)
{
	/* put the terminal back, then die as we would have, so that a core
	 * or a sanitizer's report still comes */
	restore_terminal();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_quit_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_fatal_signal;
	sa.sa_flags = SA_RESETHAND;
	int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		sigaction(fatal[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}


static int start_curses(struct ui *u, const char *theme)
{
	setlocale(LC_ALL, "");
	const char *cs = nl_langinfo(CODESET);
	u->utf8 = cs && (!strcasecmp(cs, "UTF-8") || !strcasecmp(cs, "utf8"));
	ui_set_ascii(!u->utf8);
	/* asked before curses owns the terminal, which would read the
	 * answer as keys */
	int light = !theme && termbg_light();
	if (!getenv("ESCDELAY"))
		set_escdelay(25);
	if (!initscr())
		return -1;
	curses_on = 1;
	atexit(restore_terminal);
	raw();
	noecho();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	char err[256] = "";
	if (!theme && light)
		theme = "light"; /* the default theme is unreadable on white */
	if (theme_load(theme ? theme : "default", NULL, err, sizeof err))
		ui_message(u, 1, "%s", err);
	getmaxyx(stdscr, u->rows, u->cols);
	install_signals();
	return 0;
}

static void draw_frame(struct ui *u);

static void draw(struct ui *u)
{
	double t0 = util_now();
	draw_frame(u);
	double took = util_now() - t0;
	if (timing.path && timing.first_frame == 0)
		timing.first_frame = util_now() - timing.start;
	timing_frame(took);
}

static void draw_frame(struct ui *u)
{
	getmaxyx(stdscr, u->rows, u->cols);
	if (u->rows < MIN_ROWS || u->cols < MIN_COLS) {
		erase();
		char msg[160];
		snprintf(msg, sizeof msg, "canopy needs at least %dx%d; this terminal is %dx%d.", MIN_COLS,
			 MIN_ROWS, u->cols, u->rows);
		mvaddnstr(u->rows / 2, 0, msg, u->cols);
		mvaddnstr(u->rows / 2 + 1, 0, "Make it larger, or press q to quit.", u->cols);
		refresh();
		u->dirty = 0;
		return;
	}
	ui_draw_title(u);
	if (tree_count(u->m.tree) == 0) {
		for (int r = 1; r < u->rows - 2; r++) {
			move(r, 0);
			clrtoeol();
		}
		mvaddstr(3, 2, u->m.live ? "Waiting for the search's first event..." : "The trace holds no events.");
	} else {
		views[u->view]->draw(u, 1, 0, u->rows - 3, u->cols);
	}
	ui_draw_status(u);
	if (cmdline_active())
		cmdline_redraw();
	refresh();
	u->dirty = 0;
}

/* ---- actions ---- */

static void move_by(struct ui *u, int n)
{
	int32_t id = u->sel;
	for (; n > 0; n--) {
		int32_t x = ui_next_visible(u, id);
		if (x == NODE_NONE)
			break;
		id = x;
	}
	for (; n < 0; n++) {
		int32_t x = ui_prev_visible(u, id);
		if (x == NODE_NONE)
			break;
		id = x;
	}
	ui_select(u, id);
}

static int32_t last_visible(const struct ui *u)
{
	int32_t id = 0;
	for (int32_t c; !model_is_folded(&u->m, id) && (c = ui_last_shown_child(u, id)) != NODE_NONE;)
		id = c;
	return id;
}

static int matches(const struct ui *u, int32_t id)
{
	const struct node *nd = tree_node(u->m.tree, id);
	return strcasestr(nd->text, u->search) || (nd->answer && strcasestr(nd->answer, u->search));
}

void ui_search_step(struct ui *u, int dir, const char *hint)
{
	if (!u->search[0]) {
		ui_message(u, 1, "no search yet: / and some text");
		return;
	}
	size_t n = tree_count(u->m.tree);
	for (size_t k = 1; k <= n; k++) {
		int32_t id = (int32_t)((u->sel + (long)(dir > 0 ? k : n - k)) % (long)n);
		if (!matches(u, id))
			continue;
		/* which match of how many, and whether it went round the end */
		size_t nth = 0, all = 0;
		for (int32_t i = 0; i < (int32_t)n; i++)
			if (matches(u, i)) {
				all++;
				nth += i <= id;
			}
		int wrapped = dir > 0 ? id <= u->sel : id >= u->sel;
		ui_select(u, id);
		ui_message(u, 0, "/%s: #%d, match %zu of %zu%s%s", u->search, id, nth, all,
			   wrapped ? (dir > 0 ? " (wrapped to the top)" : " (wrapped to the bottom)") : "", hint);
		return;
	}
	ui_message(u, 1, "/%s: no node has that text", u->search);
}

static void send_pending_prunes(struct ui *u)
{
	for (size_t i = 0; i < u->pending_prunes.n; i++) {
		struct command c = {CMD_PRUNE, u->pending_prunes.v[i], 0, 0, 0, 1};
		worker_command(u->m.worker, &c);
	}
	u->pending_prunes.n = 0;
}

void ui_live_command(struct ui *u, const struct command *c)
{
	if (!u->m.live) {
		ui_message(u, 1, "this is a replay: nothing runs to take commands");
		return;
	}
	if (c->kind != CMD_PRUNE)
		send_pending_prunes(u);
	worker_command(u->m.worker, c);
}

static void prune(struct ui *u, int32_t id)
{
	if (id == 0) {
		ui_message(u, 1, "the problem cannot be pruned");
		return;
	}
	if (tree_node(u->m.tree, id)->flags & NF_PRUNED || ui_pending_prune(u, id)) {
		ui_message(u, 1, "#%d is already pruned", id);
		return;
	}
	if (u->ws.state == WORKER_PAUSED) {
		/* held until the search moves on, so it can be undone */
		idlist_push(&u->pending_prunes, id);
		ui_message(u, 0, "#%d will be pruned when the search goes on (u undoes)", id);
	} else {
		struct command c = {CMD_PRUNE, id, 0, 0, 0, 1};
		worker_command(u->m.worker, &c);
	}
}

const char *ui_search_over(const struct ui *u)
{
	return u->ws.state == WORKER_FAILED
		       ? "the search has failed: nothing is left to run (the message above says why)"
		       : "the search has finished: nothing is left to run (canopy run --resume cannot go on "
			 "with it either; start another)";
}

void ui_replay_to(struct ui *u, size_t pos)
{
	char err[512];
	/* the start is the problem itself: an empty screen teaches nothing */
	if (pos < 1 && replay_count(u->m.replay) > 0)
		pos = 1;
	double t0 = util_now();
	if (model_seek(&u->m, pos, err, sizeof err))
		ui_message(u, 1, "%s", err);
	if (timing.path)
		sample_add(&timing.seeks, util_now() - t0);
	if (!tree_node(u->m.tree, u->top))
		u->top = 0;
	if (!tree_node(u->m.tree, u->sel))
		u->sel = tree_count(u->m.tree) ? (int32_t)tree_count(u->m.tree) - 1 : 0;
	ui_select(u, u->sel);
	u->dirty = 1;
}

/* What [ or ] stepped over, in words: "event 48: prune #16 by the search". */
static void say_event(struct ui *u, size_t pos, const char *how)
{
	struct event ev;
	char err[128], what[160] = "";
	if (replay_event(u->m.replay, pos, &ev, err, sizeof err))
		return;
	const char *name = event_type_name(ev.type);
	switch (ev.type) {
	case EV_NODE:
		snprintf(what, sizeof what, "node #%d (%s) under #%d", ev.id, node_kind_name(ev.kind), ev.parent);
		break;
	case EV_SCORE:
		if (!isnan(ev.prm))
			snprintf(what, sizeof what, "score #%d: PRM %.3g", ev.id, ev.prm);
		else
			snprintf(what, sizeof what, "score #%d: ORM %.3g", ev.id, ev.orm);
		break;
	case EV_PRUNE:
		snprintf(what, sizeof what, "prune #%d by %s", ev.id, ev.by_user ? "you" : "the search");
		break;
	case EV_STATS:
		snprintf(what, sizeof what, "stats #%d: N=%u", ev.id, ev.visits);
		break;
	case EV_ANSWER:
		snprintf(what, sizeof what, "answer #%d: %.40s", ev.id, ev.answer ? ev.answer : "");
		break;
	case EV_UNIT:
		snprintf(what, sizeof what, "a %.30s begins", ev.reason ? ev.reason : "unit");
		break;
	case EV_FINAL:
		snprintf(what, sizeof what, "final answer %.40s", ev.answer ? ev.answer : "(none)");
		break;
	default:
		if (ev.id != NODE_NONE)
			snprintf(what, sizeof what, "%s #%d", name, ev.id);
		else
			snprintf(what, sizeof what, "%s", name);
		break;
	}
	ui_message(u, 0, "event %zu%s%s: %s", pos, *how ? " " : "", how, what);
}

static void set_view(struct ui *u, enum ui_view v)
{
	if (v == VIEW_HELP && u->view != VIEW_HELP)
		u->back_view = u->view;
	u->view = v;
	u->dirty = 1;
}

/* n/N with I on: the next PRM inversion in id order, wrapping, with
 * which of how many it is. */
static void inversion_step(struct ui *u, int dir)
{
	const signed char *lab = model_labels(&u->m);
	const struct tree *t = u->m.tree;
	size_t n = tree_count(t), all = 0, nth = 0;
	int32_t to = NODE_NONE, over = NODE_NONE;
	for (size_t k = 1; k <= n && lab; k++) {
		int32_t id = (int32_t)((u->sel + (long)(dir > 0 ? k : n - k)) % (long)n);
		if (to == NODE_NONE && calib_inversion(t, lab, id, &over))
			to = id;
	}
	if (to == NODE_NONE) {
		ui_message(u, 0, "no PRM inversions: no wrong step is scored above a right sibling");
		return;
	}
	for (size_t i = 1; i < n; i++)
		if (calib_inversion(t, lab, (int32_t)i, NULL)) {
			all++;
			if ((int32_t)i <= to)
				nth++;
		}
	ui_select(u, to);
	int32_t o;
	calib_inversion(t, lab, to, &o);
	ui_message(u, 0, "inversion %zu of %zu: #%d (wrong) has PRM %.3f, above its right sibling #%d's %.3f", nth, all,
		   to, tree_node(t, to)->prm, o, tree_node(t, o)->prm);
}

/* After s (live) or { } (replay) in an MCTS search: the rollout just run
 * is highlighted from the root to where it ended, the cursor follows it,
 * and the message says what it did and what it backed up. */
static void follow_rollout(struct ui *u)
{
	u->rollout_len = 0;
	if (!u->show_rollout)
		return;
	struct why_rollout_info info;
	size_t n = model_rollout(&u->m, u->rollout_path, 256, &info);
	u->rollout_len = n < 256 ? n : 256;
	if (!n || info.nth == u->rollout_said)
		return;
	u->rollout_said = info.nth;
	ui_select(u, info.leaf);
	const struct node *leaf = tree_node(u->m.tree, info.leaf);
	char ans[96] = "";
	if (leaf && leaf->answer)
		snprintf(ans, sizeof ans, " (states %.40s%s)", leaf->answer,
			 u->m.gold ? (answer_equal(leaf->answer, u->m.gold) ? ", right" : ", wrong") : "");
	ui_message(u, 0, "rollout %u: %zu selection%s, %zu new node%s, ended at #%d%s; reward %.3f backed up "
			 "through the %zu highlighted nodes (N and Q of each changed; w says how)",
		   info.nth, info.selected, info.selected == 1 ? "" : "s", info.expanded, info.expanded == 1 ? "" : "s",
		   info.leaf, ans, info.reward, n);
}

static void do_action(struct ui *u, enum action a)
{
	const struct tree *t = u->m.tree;
	const struct node *n = tree_node(t, u->sel);
	/* the rollout stays highlighted until the user does something else */
	if (a == A_STEP || a == A_UNIT_FWD || a == A_UNIT_BACK) {
		u->show_rollout = 1;
		u->rollout_said = 0;
	} else if (a != A_REDRAW && a != A_DETAIL && a != A_VIEW_WHY) {
		u->show_rollout = 0;
	}
	u->confirm_quit = a == A_QUIT && u->confirm_quit;
	if (a <= A_SEARCH_PREV && a != A_DETAIL && u->follow && !u->m.live) {
		/* the user moved: playback leaves the cursor where they put it */
		u->follow = 0;
		if (u->m.playing)
			ui_message(u, 0, "playback no longer follows the newest node (F follows again)");
	}
	if (!n && a <= A_SEARCH_PREV) {
		/* nothing to move over yet */
		ui_message(u, 0, "no nodes yet");
		return;
	}
	switch (a) {
	case A_DOWN: move_by(u, 1); break;
	case A_UP: move_by(u, -1); break;
	case A_PAGE_DOWN: move_by(u, ui_tree_height(u) - 1); break;
	case A_PAGE_UP: move_by(u, -(ui_tree_height(u) - 1)); break;
	case A_HOME:
	case A_LIST_TOP: ui_select(u, 0); break;
	case A_END:
	case A_LIST_BOTTOM: ui_select(u, last_visible(u)); break;
	case A_FOLD:
		if (n->first_child != NODE_NONE && !model_is_folded(&u->m, u->sel))
			model_set_folded(&u->m, u->sel, 1);
		else if (n->parent != NODE_NONE)
			ui_select(u, n->parent);
		ui_scroll_to_selection(u);
		break;
	case A_UNFOLD: model_set_folded(&u->m, u->sel, 0); break;
	case A_TOGGLE: model_set_folded(&u->m, u->sel, !model_is_folded(&u->m, u->sel)); break;
	case A_DETAIL: {
		int dw, dh;
		ui_detail_layout(u, u->rows - 3, u->cols, &dw, &dh);
		u->detail = dw || dh ? -1 : 1;
		ui_scroll_to_selection(u);
		break;
	}
	case A_BEST: {
		int32_t b = model_best(&u->m);
		if (b != NODE_NONE) {
			ui_select(u, b);
			ui_message(u, 0, "#%d: the highest score%s (%.3f); the search's own answer is marked %s", b,
				   (tree_node(t, b)->flags & NF_TERMINAL) ? " among nodes that state an answer" : "",
				   model_score(tree_node(t, b)), u->utf8 ? "\xE2\x98\x85" : "*");
		} else {
			ui_message(u, 1, "no scored node yet");
		}
		break;
	}
	case A_FINAL:
		if (tree_final_leaf(t) != NODE_NONE)
			ui_select(u, tree_final_leaf(t));
		else
			ui_message(u, 1, "no final answer yet");
		break;
	case A_PARENT:
		if (n->parent != NODE_NONE)
			ui_select(u, n->parent);
		break;
	case A_NEXT_SIBLING:
		if (n->next_sibling != NODE_NONE)
			ui_select(u, n->next_sibling);
		break;
	case A_PREV_SIBLING: {
		int32_t p = tree_prev_sibling(t, u->sel);
		if (p != NODE_NONE)
			ui_select(u, p);
		break;
	}
	case A_SEARCH:
		u->inversions = 0; /* n and N go back to the text search */
		cmdline_begin(u, CMDLINE_SEARCH, "/", "");
		break;
	case A_SEARCH_NEXT:
	case A_SEARCH_PREV:
		if (u->inversions)
			inversion_step(u, a == A_SEARCH_NEXT ? 1 : -1);
		else
			ui_search_step(u, a == A_SEARCH_NEXT ? 1 : -1, "");
		break;
	case A_INVERSIONS:
		if (!u->m.gold) {
			ui_message(u, 1, "no gold answer: nothing to hold the PRM against");
			break;
		}
		u->inversions = !u->inversions;
		if (u->inversions)
			inversion_step(u, 1);
		else
			ui_message(u, 0, "inversions no longer marked (n/N search text again)");
		break;
	case A_VIEW_TREE: set_view(u, VIEW_TREE); break;
	case A_VIEW_VOTES: set_view(u, VIEW_VOTES); break;
	case A_VIEW_ROUNDS: set_view(u, VIEW_ROUNDS); break;
	case A_VIEW_CALIB: set_view(u, u->view == VIEW_CALIB ? VIEW_TREE : VIEW_CALIB); break;
	case A_HIDE_PRUNED: {
		u->hide_pruned = !u->hide_pruned;
		/* a hidden selection moves up to what is still shown */
		int32_t c = u->sel;
		while (c > 0 && !ui_shown(u, c))
			c = tree_node(t, c)->parent;
		u->top = 0;
		ui_select(u, c);
		ui_message(u, 0, u->hide_pruned ? "pruned subtrees hidden (z shows them)" : "pruned subtrees shown");
		break;
	}
	case A_VIEW_WHY:
		u->scroll[VIEW_WHY] = 0;
		set_view(u, u->view == VIEW_WHY ? VIEW_TREE : VIEW_WHY);
		break;
	case A_NEXT_VIEW: set_view(u, (enum ui_view)((u->view + 1) % VIEW_HELP)); break;
	case A_HELP: set_view(u, u->view == VIEW_HELP ? u->back_view : VIEW_HELP); break;
	case A_COMMAND: cmdline_begin(u, CMDLINE_COMMAND, ":", ""); break;
	case A_BACK:
		if (u->view != VIEW_TREE)
			set_view(u, VIEW_TREE);
		break;
	case A_REDRAW: clearok(curscr, TRUE); break;
	case A_PAUSE:
		if (!u->m.live) {
			u->m.playing = !u->m.playing;
			if (u->m.playing && replay_pos(u->m.replay) == replay_count(u->m.replay))
				ui_replay_to(u, 0);
			u->m.play_debt = 0;
			/* the clock starts now, not at the last wait for a key */
			u->m.play_clock = util_now();
		} else if (u->ws.state == WORKER_RUNNING) {
			worker_pause(u->m.worker);
			ui_message(u, 0, "pausing after this unit of work");
		} else if (u->ws.state == WORKER_PAUSED) {
			send_pending_prunes(u);
			worker_resume(u->m.worker);
			ui_message(u, 0, "running");
		} else {
			ui_message(u, 0, "%s", ui_search_over(u));
		}
		break;
	case A_STEP:
		if (u->ws.state == WORKER_DONE || u->ws.state == WORKER_FAILED) {
			ui_message(u, 0, "%s", ui_search_over(u));
			break;
		}
		send_pending_prunes(u);
		worker_step(u->m.worker);
		break;
	case A_EXPAND: {
		char def[16];
		snprintf(def, sizeof def, "%d", 4);
		cmdline_begin(u, CMDLINE_EXPAND, "expand by how many children? ", def);
		break;
	}
	case A_PRUNE: prune(u, u->sel); break;
	case A_UNDO:
		if (u->pending_prunes.n) {
			int32_t id = u->pending_prunes.v[--u->pending_prunes.n];
			ui_message(u, 0, "prune of #%d undone", id);
		} else {
			ui_message(u, 1, "nothing to undo (a prune already sent cannot be undone)");
		}
		break;
	case A_FOCUS: {
		struct command c = {CMD_FOCUS, u->sel, 0, 0, 0, 1};
		ui_live_command(u, &c);
		break;
	}
	case A_FOLLOW:
		u->follow = !u->follow;
		ui_message(u, 0, u->follow ? "playback follows the newest node" : "playback leaves the cursor alone");
		if (u->follow && tree_count(t))
			ui_select(u, (int32_t)tree_count(t) - 1);
		break;
	case A_FASTER:
	case A_SLOWER:
		if (u->m.live) {
			/* the pause between units of work: halved or doubled */
			double p = u->pace;
			p = a == A_FASTER ? (p < 0.1 ? 0 : p / 2) : (p <= 0 ? 0.25 : fmin(p * 2, 16));
			worker_set_pace(u->m.worker, p);
			u->pace = p;
			if (p > 0)
				ui_message(u, 0, "pace: %.2g s between units of work", p);
			else
				ui_message(u, 0, "pace: no pause between units of work");
		} else if (a == A_FASTER) {
			u->m.speed = fmin(u->m.speed * 2, 100000);
		} else {
			u->m.speed = fmax(u->m.speed / 2, 0.5);
		}
		break;
	case A_EVENT_BACK: {
		u->m.playing = 0;
		size_t p = replay_pos(u->m.replay);
		if (p > 1) {
			ui_replay_to(u, p - 1);
			say_event(u, p, "undone");
		} else {
			ui_message(u, 0, "at the start of the trace");
		}
		break;
	}
	case A_EVENT_FWD: {
		u->m.playing = 0;
		size_t p = replay_pos(u->m.replay);
		if (p < replay_count(u->m.replay)) {
			ui_replay_to(u, p + 1);
			say_event(u, p + 1, "");
		} else {
			ui_message(u, 0, "at the end of the trace");
		}
		break;
	}
	case A_UNIT_BACK:
		u->m.playing = 0;
		ui_replay_to(u, replay_prev_unit(u->m.replay));
		break;
	case A_UNIT_FWD:
		u->m.playing = 0;
		ui_replay_to(u, replay_next_unit(u->m.replay));
		break;
	case A_START:
		u->m.playing = 0;
		ui_replay_to(u, 0);
		break;
	case A_FINISH:
		u->m.playing = 0;
		ui_replay_to(u, replay_count(u->m.replay));
		break;
	case A_QUIT:
		if (u->m.live && (u->ws.state == WORKER_RUNNING || u->ws.state == WORKER_STEPPING) &&
		    !u->confirm_quit) {
			u->confirm_quit = 1;
			ui_message(u, 0, "the search is still running; q again quits (the journal is on disk)");
		} else if (u->m.live && u->ws.state == WORKER_PAUSED && !u->confirm_quit) {
			u->confirm_quit = 1;
			ui_message(u, 0, "the search is paused, not finished; q again quits (canopy run --resume "
					 "goes on from the journal)");
		} else {
			u->quit = 1;
		}
		break;
	case A_NONE:
		break;
	}
	u->dirty = 1;
}

static void on_mouse(struct ui *u)
{
	MEVENT me;
	if (getmouse(&me) != OK || tree_count(u->m.tree) == 0)
		return;
	if ((me.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)) && !u->m.live && me.y == u->rows - 2 &&
	    u->scrub_w > 1 && me.x >= u->scrub_x && me.x < u->scrub_x + u->scrub_w) {
		/* on the scrubber: to that point of the trace */
		size_t cnt = replay_count(u->m.replay);
		ui_replay_to(u, (size_t)llround((double)(me.x - u->scrub_x) / (u->scrub_w - 1) * (double)cnt));
		ui_message(u, 0, "event %zu of %zu", replay_pos(u->m.replay), cnt);
		return;
	}
	if (me.bstate & BUTTON4_PRESSED) {
		move_by(u, -3);
	} else if (me.bstate & BUTTON5_PRESSED) {
		move_by(u, 3);
	} else if ((me.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)) && u->view == VIEW_TREE) {
		int row = me.y - 1;
		int32_t id = u->top;
		for (int r = 0; r < row && id != NODE_NONE; r++)
			id = ui_next_visible(u, id);
		if (row >= 0 && row < ui_tree_height(u) && id != NODE_NONE)
			ui_select(u, id);
	}
	u->dirty = 1;
}

static void on_key(struct ui *u, int key)
{
	u->hint_shown = 1;
	timing.after_key = 1;
	if (u->message[0] && !u->message_is_error)
		u->message[0] = '\0';
	else if (u->message_is_error) {
		u->message[0] = '\0';
		u->message_is_error = 0;
	}
	if (key == KEY_RESIZE) {
		getmaxyx(stdscr, u->rows, u->cols);
		clear();
		ui_scroll_to_selection(u);
		u->dirty = 1;
		return;
	}
	if (key == KEY_MOUSE) {
		on_mouse(u);
		return;
	}
	if (u->rows < MIN_ROWS || u->cols < MIN_COLS) {
		if (key == 'q')
			u->quit = 1;
		return;
	}
	if (views[u->view]->key && views[u->view]->key(u, key)) {
		u->dirty = 1;
		return;
	}
	enum action a = key_action(key, u->mode);
	if (a == A_NONE) {
		if (key != ERR)
			ui_message(u, 1, "no key '%s' here (? for help)", keyname(key) ? keyname(key) : "?");
		return;
	}
	do_action(u, a);
}

/* ---- the loop ---- */

static int flashing(const struct ui *u)
{
	if (!u->m.live)
		return 0;
	double now = util_now();
	size_t n = tree_count(u->m.tree);
	/* the newest nodes are last */
	return n && now - model_born(&u->m, (int32_t)n - 1) < 1.05;
}

static void take_worker(struct ui *u)
{
	struct strbuf lines;
	sb_init(&lines);
	worker_take(u->m.worker, &lines);
	if (lines.len) {
		char err[512];
		if (model_apply_lines(&u->m, lines.s, lines.len, err, sizeof err) < 0)
			ui_message(u, 1, "%s", err);
		u->dirty = 1;
	}
	sb_free(&lines);
	struct worker_status st;
	worker_status(u->m.worker, &st);
	if (st.message_seq != u->seen_message) {
		u->seen_message = st.message_seq;
		ui_message(u, st.state == WORKER_FAILED, "%s", st.message);
	} else if (st.errors > u->ws.errors && st.last_error[0]) {
		/* a failure is news the moment it happens */
		ui_message(u, 1, "%s", st.last_error);
	} else if (st.retrying && (st.retrying != u->ws.retrying || strcmp(st.retry_why, u->ws.retry_why))) {
		ui_message(u, 0, "retrying %d request%s: %s", st.retrying, st.retrying == 1 ? "" : "s", st.retry_why);
	}
	if (memcmp(&st, &u->ws, sizeof st))
		u->dirty = 1;
	u->ws = st;
}

/* The terminal's size as the kernel has it: a resize whose SIGWINCH got
 * lost or delayed (some multiplexers, sanitizer builds) is still seen. */
static void check_size(struct ui *u)
{
	struct winsize ws;
	if (ioctl(1, TIOCGWINSZ, &ws) || !ws.ws_row || !ws.ws_col)
		return;
	if (ws.ws_row != LINES || ws.ws_col != COLS) {
		resizeterm(ws.ws_row, ws.ws_col);
		on_key(u, KEY_RESIZE);
	}
}

static void loop(struct ui *u)
{
	while (!u->quit && !got_signal) {
		if (u->dirty) {
			follow_rollout(u);
			draw(u);
		}
		/* nothing changes: sleep until something does (a second at a
		 * time, to see a resize that sent no signal) */
		int timeout = 1000;
		if (flashing(u))
			timeout = 100;
		if (u->m.live && (u->ws.state == WORKER_RUNNING || u->ws.state == WORKER_STEPPING))
			timeout = timeout < 0 || timeout > 250 ? 250 : timeout; /* the clock */
		if (!u->m.live && u->m.playing)
			timeout = 1000.0 / u->m.speed < 20 ? 20 : (int)(1000.0 / u->m.speed);
		struct pollfd p[2] = {{0, POLLIN, 0}, {u->m.live ? worker_fd(u->m.worker) : -1, POLLIN, 0}};
		int rc = poll(p, 2, timeout);
		if (rc < 0 && errno != EINTR)
			break;
		check_size(u);
		if (u->m.live && (p[1].revents & POLLIN))
			take_worker(u);
		int key;
		while ((key = getch()) != ERR) {
			if (cmdline_active())
				cmdline_key(u, key);
			else
				on_key(u, key);
			if (u->quit)
				break;
		}
		if (!u->m.live && u->m.playing) {
			double now = util_now();
			u->m.play_debt += (now - u->m.play_clock) * u->m.speed;
			u->m.play_clock = now;
			size_t steps = (size_t)u->m.play_debt;
			if (steps) {
				u->m.play_debt -= (double)steps;
				size_t pos = replay_pos(u->m.replay) + steps;
				if (pos >= replay_count(u->m.replay)) {
					pos = replay_count(u->m.replay);
					u->m.playing = 0;
				}
				ui_replay_to(u, pos);
				if (u->follow && tree_count(u->m.tree))
					ui_select(u, (int32_t)tree_count(u->m.tree) - 1);
			}
		}
		if (u->m.live && rc == 0)
			take_worker(u); /* the clock and flashes */
		if (rc == 0 && flashing(u))
			u->dirty = 1;
		if (u->m.live && (u->ws.state == WORKER_RUNNING || u->ws.state == WORKER_STEPPING))
			u->dirty = 1;
	}
}

static void finish_ui(struct ui *u)
{
	sb_free(&u->why_cache);
	cmdline_save_history();
	restore_terminal();
	timing_write();
	idlist_free(&u->pending_prunes);
}

int ui_run_live(struct search *s, struct worker *w, const char *journal, const char *problem,
		const char *gold, const char *strategy, const char *params, const char *backend,
		const struct ui_options *o)
{
	static struct ui u;
	memset(&u, 0, sizeof u);
	u.mode = KM_LIVE;
	u.flash = 1;
	if (o->pace > 0)
		worker_set_pace(w, u.pace = o->pace);
	model_init_live(&u.m, s, w, journal, problem, gold, strategy, params, backend);
	if (start_curses(&u, o->theme)) {
		fprintf(stderr, "canopy: cannot start the terminal UI (TERM=%s)\n", getenv("TERM") ? getenv("TERM") : "");
		model_free(&u.m);
		return 1;
	}
	cmdline_init(&u);
	take_worker(&u);
	if (o->demo)
		/* what to try, on the first screen */
		ui_message(&u, 0, "a demo: a beam search, a level every %.1f s \xC2\xB7 space pauses \xC2\xB7 s steps \xC2\xB7 "
				  "e expands \xC2\xB7 d prunes \xC2\xB7 +/- pace \xC2\xB7 ? help",
			   o->pace);
	u.dirty = 1;
	loop(&u);
	int sig = got_signal;
	finish_ui(&u);
	worker_stop(w);
	/* what the journal holds is the user's work: say where it is */
	fprintf(stderr, "canopy: journal %s\n", journal);
	model_free(&u.m);
	if (sig)
		fprintf(stderr, "canopy: stopped by signal %d\n", sig);
	return sig ? 128 + sig : 0;
}

/* Loading a trace, on a thread of its own, so that the screen can say how
 * far it has got and Esc can stop it. */
struct loading {
	const char *path;
	struct replay_watch watch;
	struct replay *r;
	char err[768], warn[512];
	atomic_int done;
};

static void *load_thread(void *arg)
{
	struct loading *l = arg;
	l->r = replay_open_watched(l->path, &l->watch, l->err, sizeof l->err, l->warn, sizeof l->warn);
	atomic_store(&l->done, 1);
	return NULL;
}

/* The loading screen: the file, a bar, events so far and what the keys
 * do.  Drawn only once loading has taken a moment, so a small trace
 * opens without it. */
static void draw_loading(struct ui *u, struct loading *l, uint64_t total, double t0)
{
	getmaxyx(stdscr, u->rows, u->cols);
	uint64_t done = atomic_load(&l->watch.bytes);
	double frac = total ? (double)done / (double)total : 0;
	if (frac > 1)
		frac = 1;
	erase();
	int y = u->rows / 2 - 1 > 0 ? u->rows / 2 - 1 : 0, w = u->cols - 4 > 10 ? u->cols - 4 : 10;
	attrset(theme_attr(TE_TITLE));
	mvhline(0, 0, ' ', u->cols);
	ui_text(0, 1, u->cols - 2, "canopy \xC2\xB7 reading ", 18);
	ui_text(0, 18, u->cols - 19, l->path, strlen(l->path));
	attrset(theme_attr(TE_NORMAL));
	if (total) { /* a pipe has no size to go by: events only */
		int bar = w - 8;
		mvaddch(y, 2, '[');
		for (int i = 0; i < bar; i++)
			addstr(i < (int)(frac * bar) ? (u->utf8 ? "\xE2\x96\x88" : "#")
						     : (u->utf8 ? "\xC2\xB7" : "."));
		printw("] %3d%%", (int)(frac * 100));
	}
	mvprintw(y + 1, 2, "%llu events in %.1f s", (unsigned long long)atomic_load(&l->watch.events),
		 util_now() - t0);
	ui_text(y + 3, 2, w, "Esc: open what is read so far \xC2\xB7 q: quit", 44);
	refresh();
}

/* Returns the replay, or NULL with the reason in err ("" when the user
 * quit). */
static struct replay *load_replay(struct ui *u, const char *path, char *err, size_t errlen, char *warn,
				  size_t warnlen)
{
	static struct loading l;
	memset(&l, 0, sizeof l);
	l.path = path;
	struct stat st;
	uint64_t total = stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
	pthread_t th;
	if (pthread_create(&th, NULL, load_thread, &l)) {
		load_thread(&l);
	} else {
		double t0 = util_now();
		int quit = 0;
		while (!atomic_load(&l.done)) {
			struct pollfd p = {.fd = 0, .events = POLLIN};
			poll(&p, 1, 100);
			for (int k; (k = getch()) != ERR;)
				if (k == 27 || k == 'q' || k == CTRL_('c') || k == KEY_F(10)) {
					atomic_store(&l.watch.stop, 1);
					quit = k != 27;
				}
			if (got_signal) {
				atomic_store(&l.watch.stop, 1);
				quit = 1;
			}
			if (util_now() - t0 > 0.2 && !atomic_load(&l.done))
				draw_loading(u, &l, total, t0);
		}
		pthread_join(th, NULL);
		if (quit) {
			replay_free(l.r);
			snprintf(err, errlen, "%s", l.r ? "" : l.err);
			return NULL;
		}
	}
	snprintf(err, errlen, "%s", l.err);
	snprintf(warn, warnlen, "%s", l.warn);
	return l.r;
}

int ui_run_replay(const char *path, const struct ui_options *o)
{
	static struct ui u;
	memset(&u, 0, sizeof u);
	timing.path = getenv("CANOPY_UI_TIMINGS");
	timing.start = util_now();
	char err[768], warn[512];
	if (access(path, R_OK)) {
		/* before the screen is taken: the message stays readable */
		fprintf(stderr, "canopy: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (start_curses(&u, o->theme)) {
		fprintf(stderr, "canopy: cannot start the terminal UI (TERM=%s)\n", getenv("TERM") ? getenv("TERM") : "");
		return 1;
	}
	struct replay *r = load_replay(&u, path, err, sizeof err, warn, sizeof warn);
	if (!r) {
		finish_ui(&u);
		if (err[0])
			fprintf(stderr, "%s\n", err);
		return err[0] ? 1 : 0;
	}
	u.mode = KM_REPLAY;
	u.follow = 1;
	model_init_replay(&u.m, r);
	u.m.journal = path;
	if (warn[0])
		ui_message(&u, 1, "%s", warn);
	cmdline_init(&u);
	u.sel = 0;
	u.dirty = 1;
	loop(&u);
	int sig = got_signal;
	finish_ui(&u);
	model_free(&u.m);
	replay_free(r);
	return sig ? 128 + sig : 0;
}
