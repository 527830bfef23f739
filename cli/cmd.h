/* cmd: the subcommands of the canopy program. */
#ifndef CANOPY_CMD_H
#define CANOPY_CMD_H

#include <stdio.h>

/* Exit statuses, as canopy(1) documents them. */
enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_bench(int argc, char **argv);
/* The terminal UI on a live search (demo: the no-argument default). */
int cmd_ui(int argc, char **argv, int demo);
int cmd_replay(int argc, char **argv);
int cmd_prompts(int argc, char **argv);
int cmd_grade(int argc, char **argv);
int cmd_import(int argc, char **argv);

void usage_main(FILE *f);
void usage_run(FILE *f);
void usage_check(FILE *f);
void usage_export(FILE *f);
void usage_bench(FILE *f);
void usage_replay(FILE *f);
void usage_prompts(FILE *f);
void usage_grade(FILE *f);
void usage_import(FILE *f);
/* The key table, and the : commands, as canopy(1) lists them. */
void print_keys(FILE *f);
void print_ui_commands(FILE *f);
/* The same as canopy(1)'s roff (man.c). */
void man_keys(FILE *f);
void man_ui_commands(FILE *f);
void man_marks(FILE *f);
void print_marks(FILE *f);

#endif
