/* linefile: whole lines appended, and the first failure sticks with the
 * file's name in it (what the trace and replies journals rely on). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linefile.h"
#include "tap.h"

int main(void)
{
	char path[] = "/tmp/canopy-linefile-XXXXXX";
	int fd = mkstemp(path);
	ok(fd >= 0, "a temporary file");
	struct linefile lf;
	linefile_init(&lf, fd, path);
	sb_adds(&lf.line, "{\"a\":1}\n");
	int r1 = linefile_write(&lf);
	sb_reset(&lf.line);
	sb_adds(&lf.line, "{\"b\":2}\n");
	int r2 = linefile_write(&lf);
	ok(r1 == 0 && r2 == 0 && linefile_error(&lf) == NULL, "two lines written, no error");
	linefile_close(&lf);
	char buf[64] = "";
	FILE *f = fopen(path, "r");
	size_t got = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
	if (f)
		fclose(f);
	buf[got] = '\0';
	is_str(buf, "{\"a\":1}\n{\"b\":2}\n", "the file holds them in order");
	unlink(path);

	/* a full disk: the error names the file, and the next line is refused
	 * without trying (a journal with a hole would be worse than a short one) */
	fd = open("/dev/full", O_WRONLY);
	if (fd < 0) {
		tap_skip("no /dev/full");
		return tap_done();
	}
	linefile_init(&lf, fd, "/dev/full");
	sb_adds(&lf.line, "x\n");
	is_int(linefile_write(&lf), -1, "a write to a full disk fails");
	const char *e = linefile_error(&lf);
	ok(e && !strncmp(e, "/dev/full: ", 11), "naming the file: %s", e ? e : "(none)");
	close(lf.fd);
	lf.fd = open("/dev/null", O_WRONLY);
	is_int(linefile_write(&lf), -1, "and it sticks: later lines are refused");
	linefile_close(&lf);
	return tap_done();
}
