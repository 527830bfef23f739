/* man: canopy(1)'s generated lists, in roff, from the tables the program
 * runs on: the keys, the marks, the ":" commands and the subcommands.  `make
 * update-man` puts them between the marker comments of man/canopy.1, and
 * the docs test fails when the page and the program disagree. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "commands.h"
#include "keys.h"

/* Text safe for roff: backslashes and minus signs escaped, and a line
 * that would start with a control character guarded. */
static void roff(FILE *f, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", f);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
	}
}

/* A help line as a sentence: its first letter capitalised. */
static void sentence(FILE *f, const char *s)
{
	char first[2] = {(char)toupper((unsigned char)s[0]), 0};
	if (!*s)
		return;
	roff(f, first);
	roff(f, s + 1);
}

/* What a key or command's modes add to its line (both: nothing). */
static const char *const modes[] = {"", " (live)", " (replay)", ""};

void man_keys(FILE *f)
{
	for (size_t i = 0; i < key_table_len; i++) {
		fputs(".TP\n.B ", f);
		roff(f, key_table[i].shown);
		fputc('\n', f);
		sentence(f, key_table[i].help);
		fprintf(f, "%s\n", modes[key_table[i].modes]);
	}
}

void man_ui_commands(FILE *f)
{
	for (const struct ui_command *c = ui_commands; c->name; c++) {
		fputs(".TP\n", f);
		if (c->args) {
			fputs(".BI ", f);
			roff(f, c->name);
			fputs(" \" ", f);
			roff(f, c->args);
			fputs("\"\n", f);
		} else {
			fputs(".B ", f);
			roff(f, c->name);
			fputc('\n', f);
		}
		sentence(f, c->help);
		if (c->alias) {
			fputs(" (also ", f);
			roff(f, c->alias);
			fputc(')', f);
		}
		fprintf(f, "%s.\n", modes[c->modes]);
	}
}

/* A mark as roff: a non-ASCII character as \[uXXXX], which groff draws
 * in any output and warns about in none. */
static void roff_utf8(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned c = *p, n = 0;
		if (c < 0x80) {
			char one[2] = {(char)c, 0};
			roff(f, one);
			p++;
			continue;
		}
		n = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
		c &= n == 3 ? 0x07 : n == 2 ? 0x0F : 0x1F;
		p++;
		for (unsigned i = 0; i < n && (*p & 0xC0) == 0x80; i++)
			c = c << 6 | (*p++ & 0x3F);
		fprintf(f, "\\[u%04X]", c);
	}
}

void man_marks(FILE *f)
{
	for (size_t i = 0; i < mark_table_len; i++) {
		fputs(".TP\n.B ", f);
		roff_utf8(f, mark_table[i].mark);
		if (strcmp(mark_table[i].mark, mark_table[i].ascii)) {
			fputs(" \\fR(ASCII: ", f);
			roff(f, mark_table[i].ascii);
			fputc(')', f);
		}
		fputc('\n', f);
		sentence(f, mark_table[i].what);
		fputs(".\n", f);
	}
}

void print_marks(FILE *f)
{
	for (size_t i = 0; i < mark_table_len; i++)
		fprintf(f, "%s\t%s\t%s\n", mark_table[i].mark, mark_table[i].ascii, mark_table[i].what);
}
