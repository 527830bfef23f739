/* termbg: whether the terminal's background is light, to choose a theme
 * that can be read on it. */
#ifndef CANOPY_UI_TERMBG_H
#define CANOPY_UI_TERMBG_H

#include <stddef.h>

/* Reads the luminance (0 black .. 1 white) from a terminal's answer to
 * OSC 11 ("ESC ] 11 ; rgb:RRRR/GGGG/BBBB" then ST or BEL) anywhere in s.
 * 0, or -1 when s holds no such answer. */
int termbg_parse(const char *s, size_t n, double *luma);
/* Asks the terminal on in/out: 1 with luma set, 0 when it did not say
 * within timeout_ms, -1 when in or out is not a terminal.  Must run before
 * curses takes the terminal. */
int termbg_query(int in, int out, int timeout_ms, double *luma);
/* COLORFGBG when set, else the terminal's answer: 1 when light. */
int termbg_light(void);

#endif
