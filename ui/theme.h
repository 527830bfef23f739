/* theme: colours and attributes by element, read from a theme file
 * (themes/NAME.theme, or $XDG_CONFIG_HOME/canopy/themes/NAME.theme):
 *   color ELEMENT FOREGROUND BACKGROUND [ATTRIBUTE...]
 * with colour names (default black red green yellow blue magenta cyan
 * white, bright-*), 256-colour indices, and attributes bold dim reverse
 * underline standout.  Without colours (NO_COLOR, or a terminal that has
 * none) every element falls back to attributes alone. */
#ifndef CANOPY_THEME_H
#define CANOPY_THEME_H

#include <stddef.h>

#define THEME_ELEMENTS(X)                        \
	X(NORMAL, "normal")                      \
	X(TITLE, "title")                        \
	X(STATUS, "status")                      \
	X(SELECTED, "tree.selected")             \
	X(BEST, "tree.best")                     \
	X(FINAL, "tree.final")                   \
	X(PRUNED, "tree.pruned")                 \
	X(PRUNED_USER, "tree.pruned.user")       \
	X(NEW, "tree.new")                       \
	X(ROLLOUT, "tree.rollout")               \
	X(ID, "tree.id")                         \
	X(KIND, "tree.kind")                     \
	X(SCORE_HIGH, "score.high")              \
	X(SCORE_MID, "score.mid")                \
	X(SCORE_LOW, "score.low")                \
	X(ANSWER, "answer")                      \
	X(CORRECT, "correct")                    \
	X(WRONG, "wrong")                        \
	X(MESSAGE, "message")                    \
	X(ERROR, "error")                        \
	X(HELP_KEY, "help.key")                  \
	X(BORDER, "border")

enum theme_element {
#define X(id, name) TE_##id,
	THEME_ELEMENTS(X)
#undef X
	TE_COUNT
};

/* Loads a theme by name or path; falls back to the built-in default.
 * Returns 0, or -1 with a message (the default is in force then). */
int theme_load(const char *name, const char *datadir, char *err, size_t errlen);
/* The curses attribute (colour pair included) of an element. */
int theme_attr(enum theme_element e);
const char *theme_name(void);
int theme_has_colour(void);

#endif
