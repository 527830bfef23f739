/* commands: the ":" commands, one table (see commands.c). */
#ifndef CANOPY_UI_COMMANDS_H
#define CANOPY_UI_COMMANDS_H

#include <stdio.h>

#include "keys.h"

struct ui;

/* What Tab completes for an argument. */
enum ui_complete { UC_NONE, UC_PARAM, UC_NODE, UC_FILE, UC_FORMAT, UC_THEME };

struct ui_command {
	const char *name, *alias;
	const char *args; /* as help shows them, NULL: none */
	const char *help;
	int modes;        /* KM_LIVE, KM_REPLAY or KM_ALL */
	const char *why_not; /* a live-only command in a replay: what to do instead */
	enum ui_complete complete[2];
	void (*run)(struct ui *u, char *a1, char *a2);
};

extern const struct ui_command ui_commands[];

/* By name or alias; NULL when there is none. */
const struct ui_command *ui_command_lookup(const char *name);
/* Runs one command line (":" already stripped); also used by tests. */
void ui_run_command(struct ui *u, const char *line);
/* The table as canopy(1) lists it: "name ARGS<TAB>mode<TAB>help". */
void print_ui_commands(FILE *f);

#endif
