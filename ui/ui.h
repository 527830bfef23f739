/* ui: the terminal front-end.  ncurses on the main thread; the search,
 * when live, on the worker thread. */
#ifndef CANOPY_UI_H
#define CANOPY_UI_H

#include "idlist.h"
#include "model.h"

enum ui_view { VIEW_TREE, VIEW_VOTES, VIEW_ROUNDS, VIEW_WHY, VIEW_CALIB, VIEW_HELP, VIEW_COUNT };

struct ui {
	struct model m;
	int mode;   /* KM_LIVE or KM_REPLAY */
	enum ui_view view, back_view;
	int32_t sel, top;
	int rows, cols;
	int scrub_x, scrub_w; /* replay: the status line's scrubber, as last drawn */
	int utf8;
	char message[512];
	int message_is_error;
	uint64_t seen_message;
	char search[256];
	int quit, confirm_quit;
	struct worker_status ws;
	struct idlist pending_prunes; /* live, paused: prunes not yet sent */
	int scroll[VIEW_COUNT];
	int hint_shown;
	int flash;  /* a new node's id flashes (:flash on|off) */
	double pace; /* live: seconds between units of work (+ and -) */
	int follow; /* replay: playback selects the newest node (F; off when the user moves) */
	int detail; /* the detail pane: 0 as the size allows, 1 shown, -1 hidden (Enter) */
	int hide_pruned; /* z: pruned subtrees are left out of the tree view */
	int inversions;  /* I: PRM inversions marked, and n/N go through them */
	struct strbuf why_cache; /* the detail pane's why, for why_sel at why_events */
	int why_valid;
	int32_t why_sel;
	uint64_t why_events;
	/* MCTS, after s or { }: the rollout just run, highlighted and followed */
	int show_rollout;
	uint32_t rollout_said; /* the rollout whose message was given */
	int32_t rollout_path[256];
	size_t rollout_len;
	int dirty;
};

struct view_ops {
	const char *name;
	void (*draw)(struct ui *u, int y, int x, int h, int w);
	/* 1 when the view used the key */
	int (*key)(struct ui *u, int key);
};

extern const struct view_ops view_tree_ops, view_votes_ops, view_rounds_ops, view_why_ops, view_calib_ops,
	view_help_ops;

/* Opens the UI on a live search (the worker already runs it) or on a
 * replay; returns the exit status. */
struct ui_options {
	const char *theme;
	int start_paused;
	int demo;    /* canopy alone: say on the first screen what to try */
	double pace; /* live: seconds between units of work (0: none) */
};
int ui_run_live(struct search *s, struct worker *w, const char *journal, const char *problem,
		const char *gold, const char *strategy, const char *params, const char *backend,
		const struct ui_options *o);
int ui_run_replay(const char *path, const struct ui_options *o);

/* ---- shared by the views ---- */
/* Whether line (len bytes, no newline) is one of text's lines: what the
 * rounds view and a refinement's row compare versions by. */
int ui_has_line(const char *text, const char *line, size_t len);
/* Whether a node is drawn in the tree view (z hides pruned subtrees). */
int ui_shown(const struct ui *u, int32_t id);
int32_t ui_last_shown_child(const struct ui *u, int32_t id);
int32_t ui_next_visible(const struct ui *u, int32_t id);
int32_t ui_prev_visible(const struct ui *u, int32_t id);
void ui_select(struct ui *u, int32_t id); /* unfolds ancestors, scrolls */
void ui_scroll_to_selection(struct ui *u);
/* Selects the next node (dir -1: the one before) whose text or answer
 * holds the / search, wrapping round; hint ends the message. */
void ui_search_step(struct ui *u, int dir, const char *hint);
/* The bars above and below every view (draw.c). */
void ui_draw_title(struct ui *u);
void ui_draw_status(struct ui *u);
void ui_message(struct ui *u, int error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int ui_tree_height(const struct ui *u);
/* Where the tree view's detail pane goes in h rows by w columns: right,
 * dw columns, on a wide screen; below, dh rows, on a tall one; on a small
 * one only when Enter asked for it (half the rows); never when Enter hid
 * it.  Both 0: no pane. */
void ui_detail_layout(const struct ui *u, int h, int w, int *dw, int *dh);
/* Draws a score bar of width cells at (y, x); mono-safe (characters). */
void ui_bar(struct ui *u, int y, int x, int width, double v);
/* The same with extra attributes on the filled part (A_DIM: a pruned node's). */
void ui_bar_ex(struct ui *u, int y, int x, int width, double v, int extra);
int ui_score_attr(double v);
/* Writes at most w columns of s (UTF-8) at (y, x); returns columns used. */
int ui_text(int y, int x, int w, const char *s, size_t len);
/* Without a UTF-8 locale: ui_text writes each character as ASCII
 * (x for ×, / for ÷, - for −, . for ·), else '?'. */
void ui_set_ascii(int on);
/* The columns ui_text would fill with s, at most max. */
int ui_text_width(const char *s, size_t len, int max);
int ui_pending_prune(const struct ui *u, int32_t id);
/* Replay: moves the trace to position pos (events applied), keeping the
 * selection where it can. */
void ui_replay_to(struct ui *u, size_t pos);
/* Live, once the search has ended: why pausing, stepping or resuming
 * does nothing. */
const char *ui_search_over(const struct ui *u);
/* The list keys every view takes (j k, arrows, PgDn PgUp, ^F ^B, Home
 * End, g G) applied to *pos, a page being page rows; 1 when key was one.
 * End goes past any end: the view's draw clamps *pos to what it holds. */
int ui_list_key(int *pos, int key, int page);
#define UI_LIST_END (1 << 28)
const char *ui_kind_label(const struct node *n);
/* Sends a user's command to the live search (prunes held while paused
 * go first). */
void ui_live_command(struct ui *u, const struct command *c);

#endif
