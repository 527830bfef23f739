#include "theme.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const element_names[] = {
#define X(id, name) name,
	THEME_ELEMENTS(X)
#undef X
};

struct style {
	short fg, bg;
	int attr;
};

static struct style styles[TE_COUNT];
static int attrs[TE_COUNT];
static char current[64] = "default";
static int colour;

/* The built-in default, and what a terminal without colours falls back
 * to: attributes still mark selection, scores and pruned nodes. */
static void defaults(void)
{
	for (int i = 0; i < TE_COUNT; i++)
		styles[i] = (struct style){-1, -1, 0};
	styles[TE_TITLE] = (struct style){COLOR_WHITE, COLOR_BLUE, A_BOLD};
	styles[TE_STATUS] = (struct style){COLOR_BLACK, COLOR_CYAN, 0};
	styles[TE_SELECTED] = (struct style){COLOR_BLACK, COLOR_YELLOW, 0};
	styles[TE_BEST] = (struct style){COLOR_CYAN, -1, A_BOLD};
	styles[TE_FINAL] = (struct style){COLOR_GREEN, -1, A_BOLD};
	styles[TE_PRUNED] = (struct style){-1, -1, A_DIM};
	styles[TE_PRUNED_USER] = (struct style){COLOR_MAGENTA, -1, A_DIM};
	styles[TE_NEW] = (struct style){COLOR_BLACK, COLOR_MAGENTA, 0};
	styles[TE_ROLLOUT] = (struct style){COLOR_BLACK, COLOR_GREEN, 0};
	styles[TE_ID] = (struct style){COLOR_YELLOW, -1, 0};
	styles[TE_KIND] = (struct style){COLOR_BLUE, -1, A_BOLD};
	styles[TE_SCORE_HIGH] = (struct style){COLOR_GREEN, -1, A_BOLD};
	styles[TE_SCORE_MID] = (struct style){COLOR_YELLOW, -1, 0};
	styles[TE_SCORE_LOW] = (struct style){COLOR_RED, -1, A_BOLD};
	styles[TE_ANSWER] = (struct style){COLOR_MAGENTA, -1, A_BOLD};
	styles[TE_CORRECT] = (struct style){COLOR_GREEN, -1, A_BOLD};
	styles[TE_WRONG] = (struct style){COLOR_RED, -1, A_BOLD};
	styles[TE_MESSAGE] = (struct style){COLOR_YELLOW, -1, 0};
	styles[TE_ERROR] = (struct style){COLOR_WHITE, COLOR_RED, A_BOLD};
	styles[TE_HELP_KEY] = (struct style){COLOR_CYAN, -1, A_BOLD};
	styles[TE_BORDER] = (struct style){COLOR_BLUE, -1, 0};
}

/* Attributes for a terminal without colour. */
static int mono_attr(enum theme_element e)
{
	switch (e) {
	case TE_TITLE:
	case TE_STATUS:
	case TE_SELECTED:
		return A_REVERSE;
	case TE_BEST:
	case TE_FINAL:
	case TE_KIND:
	case TE_ANSWER:
	case TE_CORRECT:
	case TE_HELP_KEY:
		return A_BOLD;
	case TE_PRUNED:
		return A_DIM;
	case TE_PRUNED_USER:
		return A_DIM | A_UNDERLINE;
	case TE_NEW:
	case TE_ERROR:
		return A_STANDOUT;
	case TE_ROLLOUT:
		return A_REVERSE | A_UNDERLINE;
	case TE_WRONG:
	case TE_SCORE_LOW:
		return A_UNDERLINE;
	default:
		return A_NORMAL;
	}
}

static int parse_colour(const char *s, short *out)
{
	static const char *const names[] = {"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"};
	if (!strcasecmp(s, "default")) {
		*out = -1;
		return 0;
	}
	int bright = !strncasecmp(s, "bright-", 7);
	const char *n = bright ? s + 7 : s;
	for (int i = 0; i < 8; i++)
		if (!strcasecmp(n, names[i])) {
			*out = (short)(i + (bright ? 8 : 0));
			return 0;
		}
	char *e;
	long v = strtol(s, &e, 10);
	if (*s && !*e && v >= 0 && v < 256) {
		*out = (short)v;
		return 0;
	}
	return -1;
}

static int parse_attr(const char *s, int *out)
{
	static const struct {
		const char *name;
		int attr;
	} a[] = {{"bold", A_BOLD}, {"dim", A_DIM}, {"reverse", A_REVERSE}, {"underline", A_UNDERLINE},
		 {"standout", A_STANDOUT}, {"normal", A_NORMAL}};
	for (size_t i = 0; i < sizeof a / sizeof a[0]; i++)
		if (!strcasecmp(s, a[i].name)) {
			*out |= a[i].attr;
			return 0;
		}
	return -1;
}

static FILE *open_theme(const char *name, const char *datadir, char *path, size_t len)
{
	if (strchr(name, '/')) {
		snprintf(path, len, "%s", name);
		return fopen(path, "r");
	}
	const char *cfg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char dirs[4][400];
	int nd = 0;
	if (cfg && *cfg)
		snprintf(dirs[nd++], sizeof dirs[0], "%.380s/canopy/themes", cfg);
	else if (home && *home)
		snprintf(dirs[nd++], sizeof dirs[0], "%.370s/.config/canopy/themes", home);
	if (datadir)
		snprintf(dirs[nd++], sizeof dirs[0], "%.399s", datadir);
#ifdef CANOPY_THEMEDIR
	snprintf(dirs[nd++], sizeof dirs[0], "%.399s", CANOPY_THEMEDIR);
#endif
#ifdef CANOPY_SRC_THEMEDIR
	snprintf(dirs[nd++], sizeof dirs[0], "%.399s", CANOPY_SRC_THEMEDIR);
#endif
	for (int i = 0; i < nd; i++) {
		snprintf(path, len, "%.399s/%.200s.theme", dirs[i], name);
		FILE *f = fopen(path, "r");
		if (f)
			return f;
	}
	return NULL;
}

static void apply(void)
{
	for (int i = 0; i < TE_COUNT; i++) {
		if (colour) {
			init_pair((short)(i + 1), styles[i].fg, styles[i].bg);
			attrs[i] = COLOR_PAIR(i + 1) | styles[i].attr;
		} else {
			attrs[i] = mono_attr((enum theme_element)i) | (styles[i].attr & A_REVERSE);
		}
	}
}

int theme_load(const char *name, const char *datadir, char *err, size_t errlen)
{
	defaults();
	colour = has_colors() && !getenv("NO_COLOR") && strcmp(name, "mono");
	if (colour) {
		start_color();
		use_default_colors();
	}
	int rc = 0;
	char path[1024];
	FILE *f = open_theme(name, datadir, path, sizeof path);
	if (!f) {
		if (strcmp(name, "default") && strcmp(name, "mono")) {
			snprintf(err, errlen, "no theme '%s' (looked in $XDG_CONFIG_HOME/canopy/themes and the installed themes)", name);
			rc = -1;
		}
		snprintf(current, sizeof current, "%s", rc ? "default" : name);
		apply();
		return rc;
	}
	char line[512];
	int lineno = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		char *save = NULL, *w = strtok_r(line, " \t\r\n", &save);
		if (!w || *w == '#')
			continue;
		char *el = strtok_r(NULL, " \t\r\n", &save);
		char *fg = strtok_r(NULL, " \t\r\n", &save);
		char *bg = strtok_r(NULL, " \t\r\n", &save);
		int e = -1;
		for (int i = 0; el && i < TE_COUNT; i++)
			if (!strcmp(el, element_names[i]))
				e = i;
		struct style st = {-1, -1, 0};
		int bad = strcmp(w, "color") || e < 0 || !fg || !bg || parse_colour(fg, &st.fg) ||
			  parse_colour(bg, &st.bg);
		for (char *a; !bad && (a = strtok_r(NULL, " \t\r\n", &save));)
			bad = parse_attr(a, &st.attr);
		if (bad) {
			if (!rc)
				snprintf(err, errlen, "%s:%d: expected 'color ELEMENT FG BG [ATTR...]' with a known element",
					 path, lineno);
			rc = -1;
			continue;
		}
		/* a 256-colour theme on an 8-colour terminal: keep the default */
		if (colour && (st.fg >= COLORS || st.bg >= COLORS))
			continue;
		styles[e] = st;
	}
	fclose(f);
	snprintf(current, sizeof current, "%s", name);
	apply();
	return rc;
}

int theme_attr(enum theme_element e)
{
	return attrs[e];
}

const char *theme_name(void)
{
	return current;
}

int theme_has_colour(void)
{
	return colour;
}
