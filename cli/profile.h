/* profile: named sets of run options in $XDG_CONFIG_HOME/canopy/config,
 * so that `canopy --profile local-qwen` stands for six flags:
 *
 *   [profile local-qwen]
 *   backend = llamacpp
 *   url = http://127.0.0.1:8080
 *   url = http://127.0.0.1:8081
 *   prm = judge
 *
 * Each "name = value" is the run option --name value ("stream = yes" for a
 * flag without a value); options given on the command line win. */
#ifndef CANOPY_PROFILE_H
#define CANOPY_PROFILE_H

#include <stddef.h>

/* Finds --profile NAME in argv and returns a new argv with the profile's
 * options first (the caller frees it with profile_free_argv), or NULL
 * with a message in err.  Without --profile it returns a copy. */
char **profile_expand(int argc, char **argv, int *out_argc, char *err, size_t errlen);
void profile_free_argv(char **argv, int argc);
/* The config file's path (XDG_CONFIG_HOME or ~/.config). */
int profile_path(char *buf, size_t len);

#endif
