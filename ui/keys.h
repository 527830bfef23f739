/* keys: every key binding in one table.  It drives the key dispatch, the
 * help screen (?) and the KEYS section of canopy(1) (`canopy help keys`),
 * so the three cannot drift apart.
 * X(action, "keys as shown", key1, key2, key3, modes, "what it does") */
#ifndef CANOPY_KEYS_H
#define CANOPY_KEYS_H

#include <curses.h>

enum key_mode { KM_ALL = 3, KM_LIVE = 1, KM_REPLAY = 2 };

#define CTRL_(c) ((c) & 0x1f)

#define KEY_TABLE(X)                                                                                 \
	X(DOWN, "j, Down", 'j', KEY_DOWN, 0, KM_ALL, "move down")                                   \
	X(UP, "k, Up", 'k', KEY_UP, 0, KM_ALL, "move up")                                           \
	X(PAGE_DOWN, "PgDn, ^F", KEY_NPAGE, CTRL_('f'), 0, KM_ALL, "page down")                     \
	X(PAGE_UP, "PgUp, ^B", KEY_PPAGE, CTRL_('b'), 0, KM_ALL, "page up")                         \
	X(HOME, "Home", KEY_HOME, 0, 0, KM_ALL, "the first node")                                   \
	X(END, "End", KEY_END, 0, 0, KM_ALL, "the last node")                                       \
	X(LIST_TOP, "g", 'g', 0, 0, KM_LIVE, "the first node (in a replay: the start of the trace)")     \
	X(LIST_BOTTOM, "G", 'G', 0, 0, KM_LIVE, "the last node (in a replay: the end of the trace)")     \
	X(FOLD, "h, Left", 'h', KEY_LEFT, 0, KM_ALL, "fold the node (or go to its parent)")         \
	X(UNFOLD, "l, Right", 'l', KEY_RIGHT, 0, KM_ALL, "unfold the node")                         \
	X(TOGGLE, "o", 'o', 0, 0, KM_ALL, "fold or unfold")                                         \
	X(DETAIL, "Enter", '\n', KEY_ENTER, '\r', KM_ALL,                                           \
	  "show the selected node's whole text and path (the detail pane), or hide it")             \
	X(BEST, "b", 'b', 0, 0, KM_ALL, "jump to the highest-scoring node")                                    \
	X(FINAL, "a", 'a', 0, 0, KM_ALL, "jump to the final answer")                                \
	X(PARENT, "p", 'p', 0, 0, KM_ALL, "jump to the parent")                                     \
	X(NEXT_SIBLING, ">", '>', 0, 0, KM_ALL, "jump to the next sibling")                         \
	X(PREV_SIBLING, "<", '<', 0, 0, KM_ALL, "jump to the previous sibling")                     \
	X(HIDE_PRUNED, "z", 'z', 0, 0, KM_ALL, "hide or show pruned subtrees")                     \
	X(INVERSIONS, "I", 'I', 0, 0, KM_ALL,                                                      \
	  "mark PRM inversions (a wrong step scored above a right sibling); n/N then go through them") \
	X(SEARCH, "/", '/', 0, 0, KM_ALL, "search node text")                                       \
	X(SEARCH_NEXT, "n", 'n', 0, 0, KM_ALL, "next match")                                        \
	X(SEARCH_PREV, "N", 'N', 0, 0, KM_ALL, "previous match")                                    \
	X(VIEW_TREE, "t", 't', 0, 0, KM_ALL, "the tree view")                                       \
	X(VIEW_VOTES, "v", 'v', 0, 0, KM_ALL, "the votes view")                                     \
	X(VIEW_ROUNDS, "r", 'r', 0, 0, KM_ALL, "the rounds view (critique, selfrefine, magicore)")  \
	X(VIEW_CALIB, "c", 'c', 0, 0, KM_ALL,                                                       \
	  "the calibration view: PRM and ORM scores of right and wrong steps and solutions, the AUC") \
	X(VIEW_WHY, "w", 'w', 0, 0, KM_ALL,                                                         \
	  "why: every decision about the selected node, with its formula and numbers (w again: back)") \
	X(NEXT_VIEW, "Tab", '\t', 0, 0, KM_ALL, "the next view")                                    \
	X(HELP, "?, F1", '?', KEY_F(1), 0, KM_ALL, "this help")                                     \
	X(BACK, "Esc", 27, 0, 0, KM_ALL, "back to the tree from another view")                      \
	X(REDRAW, "^L", CTRL_('l'), 0, 0, KM_ALL, "redraw the screen")                              \
	X(COMMAND, ":", ':', 0, 0, KM_ALL, "a command (:help lists them)")                          \
	X(PAUSE, "space", ' ', 0, 0, KM_ALL, "pause or resume the search; play or pause a replay")  \
	X(STEP, "s", 's', 0, 0, KM_LIVE, "one unit of work (a level, a rollout, a round)")          \
	X(EXPAND, "e", 'e', 0, 0, KM_LIVE, "expand the node: ask for K more children")              \
	X(PRUNE, "d", 'd', 0, 0, KM_LIVE, "prune the subtree (undo with u while paused)")           \
	X(UNDO, "u", 'u', 0, 0, KM_LIVE, "undo a prune not yet sent")                               \
	X(FOCUS, "f", 'f', 0, 0, KM_LIVE, "MCTS: the next selection goes through the node")        \
	X(FOLLOW, "F", 'F', 0, 0, KM_REPLAY,                                                        \
	  "playback follows the newest node, or leaves the cursor alone (off as soon as you move)") \
	X(FASTER, "+", '+', '=', 0, KM_ALL, "play faster (live: a shorter pause between units)")     \
	X(SLOWER, "-", '-', 0, 0, KM_ALL, "play slower (live: a longer pause between units)")        \
	X(EVENT_BACK, "[", '[', 0, 0, KM_REPLAY, "one event back")                                  \
	X(EVENT_FWD, "]", ']', 0, 0, KM_REPLAY, "one event forward")                                \
	X(UNIT_BACK, "{", '{', 0, 0, KM_REPLAY, "one unit of work back")                            \
	X(UNIT_FWD, "}", '}', 0, 0, KM_REPLAY, "one unit of work forward")                          \
	X(START, "g", 'g', 0, 0, KM_REPLAY, "the start of the trace")                               \
	X(FINISH, "G", 'G', 0, 0, KM_REPLAY, "the end of the trace")                                \
	X(QUIT, "q, ^C, F10", 'q', CTRL_('c'), KEY_F(10), KM_ALL,                                   \
	  "quit (asks first while a search runs or waits paused, unfinished)")

enum action {
#define X(id, shown, k1, k2, k3, modes, help) A_##id,
	KEY_TABLE(X)
#undef X
	A_NONE
};

struct key_binding {
	enum action action;
	const char *shown;
	int keys[3];
	int modes;
	const char *help;
};

extern const struct key_binding key_table[];
extern const size_t key_table_len;

/* What every mark, number and colour on the screen means: the help's
 * legend and canopy(1)'s MARKS (canopy help marks). */
struct mark_entry {
	const char *mark, *ascii, *what; /* UTF-8, ASCII, meaning */
};
extern const struct mark_entry mark_table[];
extern const size_t mark_table_len;

/* The action bound to key in mode, or A_NONE. */
enum action key_action(int key, int mode);

#endif
