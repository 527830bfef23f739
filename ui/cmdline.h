/* cmdline: the bottom line as a GNU readline prompt (":" commands, "/"
 * searches, answers to questions), fed from the UI's own key input. */
#ifndef CANOPY_CMDLINE_H
#define CANOPY_CMDLINE_H

#include "commands.h"

struct ui;

enum cmdline_kind { CMDLINE_COMMAND, CMDLINE_SEARCH, CMDLINE_EXPAND };

void cmdline_init(struct ui *u);
int cmdline_active(void);
void cmdline_begin(struct ui *u, enum cmdline_kind kind, const char *prompt, const char *initial);
void cmdline_key(struct ui *u, int key);
void cmdline_redraw(void);
void cmdline_save_history(void);

#endif
