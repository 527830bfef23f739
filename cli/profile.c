#include "profile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int profile_path(char *buf, size_t len)
{
	const char *cfg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	if (cfg && *cfg == '/')
		snprintf(buf, len, "%s/canopy/config", cfg);
	else if (home && *home)
		snprintf(buf, len, "%s/.config/canopy/config", home);
	else
		return -1;
	return 0;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	char *e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static void push(char ***v, int *n, const char *s)
{
	*v = xrealloc(*v, (size_t)(*n + 2) * sizeof **v);
	(*v)[(*n)++] = xstrdup(s);
	(*v)[*n] = NULL;
}

char **profile_expand(int argc, char **argv, int *out_argc, char *err, size_t errlen)
{
	const char *name = NULL;
	int at = -1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--profile") && i + 1 < argc) {
			name = argv[i + 1];
			at = i;
		} else if (!strncmp(argv[i], "--profile=", 10)) {
			name = argv[i] + 10;
			at = i;
		}
	}
	char **v = NULL;
	int n = 0;
	push(&v, &n, argv[0]);
	if (name) {
		char path[600];
		if (profile_path(path, sizeof path)) {
			snprintf(err, errlen, "--profile: neither XDG_CONFIG_HOME nor HOME is set");
			profile_free_argv(v, n);
			return NULL;
		}
		FILE *f = fopen(path, "r");
		if (!f) {
			snprintf(err, errlen, "--profile %s: %s: %s", name, path, strerror(errno));
			profile_free_argv(v, n);
			return NULL;
		}
		char line[1024], want[300];
		snprintf(want, sizeof want, "[profile %s]", name);
		int in = 0, found = 0, lineno = 0;
		while (fgets(line, sizeof line, f)) {
			lineno++;
			char *l = trim(line);
			if (!*l || *l == '#')
				continue;
			if (*l == '[') {
				in = !strcmp(l, want);
				found |= in;
				continue;
			}
			if (!in)
				continue;
			char *eq = strchr(l, '=');
			if (!eq) {
				snprintf(err, errlen, "%s:%d: expected 'name = value'", path, lineno);
				fclose(f);
				profile_free_argv(v, n);
				return NULL;
			}
			*eq = '\0';
			char *k = trim(l), *val = trim(eq + 1);
			if (!strcmp(k, "api_key") || !strcmp(k, "api-key")) {
				snprintf(err, errlen, "%s:%d: keys do not belong in the config; use api-key-file = FILE (mode 0600)",
					 path, lineno);
				fclose(f);
				profile_free_argv(v, n);
				return NULL;
			}
			char opt[300];
			snprintf(opt, sizeof opt, "--%s", k);
			for (char *p = opt; *p; p++)
				if (*p == '_')
					*p = '-';
			push(&v, &n, opt);
			if (strcmp(val, "yes") && strcmp(val, "true"))
				push(&v, &n, val);
		}
		fclose(f);
		if (!found) {
			snprintf(err, errlen, "--profile: no [profile %s] in %s", name, path);
			profile_free_argv(v, n);
			return NULL;
		}
	}
	/* then the command line, which wins, without --profile itself */
	for (int i = 1; i < argc; i++) {
		if (i == at) {
			if (!strcmp(argv[i], "--profile"))
				i++;
			continue;
		}
		push(&v, &n, argv[i]);
	}
	*out_argc = n;
	return v;
}

void profile_free_argv(char **argv, int argc)
{
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}
