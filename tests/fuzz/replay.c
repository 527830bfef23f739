/* replay: every file of tests/fuzz/corpus/NAME through target NAME, as
 * a TAP test, in any build (no libFuzzer needed): the seeds and every
 * input a fuzzer once crashed on stay checked by make check, under ASan,
 * UBSan and TSan in CI.  Usage: replay CORPUS-DIR. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "targets.h"
#include "util.h"

static char *read_all(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct strbuf sb;
	sb_init(&sb);
	int bad = sb_add_file(&sb, f, 0);
	fclose(f);
	if (bad) {
		sb_free(&sb);
		return NULL;
	}
	*n = sb.len;
	return sb.s ? sb.s : xstrdup("");
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	char buf[600];
	const char *src = getenv("SRCDIR");
	snprintf(buf, sizeof buf, "%s/tests/fuzz/corpus", src ? src : ".");
	const char *root = argc > 1 ? argv[1] : buf;
	for (const struct fuzz_target *t = fuzz_targets; t->name; t++) {
		char dir[700];
		snprintf(dir, sizeof dir, "%.600s/%s", root, t->name);
		DIR *d = opendir(dir);
		if (!d) {
			ok(0, "%s: a corpus in %s", t->name, dir);
			continue;
		}
		char **names = NULL;
		size_t nn = 0;
		struct dirent *e;
		while ((e = readdir(d)))
			if (e->d_name[0] != '.') {
				names = xrealloc(names, (nn + 1) * sizeof *names);
				names[nn++] = xstrdup(e->d_name);
			}
		closedir(d);
		qsort(names, nn, sizeof *names, by_name);
		size_t ran = 0;
		for (size_t i = 0; i < nn; i++) {
			char path[1200];
			snprintf(path, sizeof path, "%.700s/%.400s", dir, names[i]);
			size_t n = 0;
			char *data = read_all(path, &n);
			if (data) {
				/* a crash ends the program: TAP then shows the plan short */
				t->run((const uint8_t *)data, n);
				ran++;
			}
			free(data);
			free(names[i]);
		}
		free(names);
		ok(ran > 0 && ran == nn, "%s (%s): %zu corpus inputs run", t->name, t->what, ran);
	}
	return tap_done();
}
