#include "linefile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void linefile_init(struct linefile *lf, int fd, const char *path)
{
	memset(lf, 0, sizeof *lf);
	lf->fd = fd;
	lf->path = xstrdup(path);
	sb_init(&lf->line);
}

int linefile_write(struct linefile *lf)
{
	if (lf->failed)
		return -1;
	const char *p = lf->line.s;
	size_t n = lf->line.len;
	while (n) {
		ssize_t w = write(lf->fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			snprintf(lf->err, sizeof lf->err, "%s: %s", lf->path, strerror(errno));
			lf->failed = 1;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

const char *linefile_error(const struct linefile *lf)
{
	return lf->failed ? lf->err : NULL;
}

void linefile_close(struct linefile *lf)
{
	if (lf->fd >= 0)
		close(lf->fd);
	lf->fd = -1;
	free(lf->path);
	lf->path = NULL;
	sb_free(&lf->line);
}
