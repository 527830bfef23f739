/* linefile: an append-only file of lines, each sent with one write(2) so
 * that a crash can tear at most the last one.  The first failure sticks:
 * later writes are refused and the error names the file.  The trace
 * journal and its replies journal are both written this way. */
#ifndef CANOPY_LINEFILE_H
#define CANOPY_LINEFILE_H

#include "util.h"

struct linefile {
	int fd;
	char *path;
	struct strbuf line; /* filled by the caller, sent by linefile_write */
	int failed;
	char err[512];
};

/* Takes fd over; path is copied. */
void linefile_init(struct linefile *lf, int fd, const char *path);
/* Writes line whole; -1 (and from then on) when it could not. */
int linefile_write(struct linefile *lf);
/* "PATH: why" after a failed write, else NULL. */
const char *linefile_error(const struct linefile *lf);
/* Closes fd and frees what init made. */
void linefile_close(struct linefile *lf);

#endif
