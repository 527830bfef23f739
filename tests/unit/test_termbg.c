/* termbg: reading a terminal's answer to OSC 11, and asking a terminal
 * (a pty whose other end answers as xterm, as tmux, or not at all). */
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "termbg.h"

struct term {
	int master;
	const char *answer; /* written once the question is read; NULL: silent */
};

static void *play_terminal(void *arg)
{
	struct term *t = arg;
	char buf[64];
	size_t n = 0;
	/* wait for the whole question: OSC 11 and the DA request */
	while (n < sizeof buf && !memmem(buf, n, "\033[c", 3)) {
		struct pollfd p = {.fd = t->master, .events = POLLIN};
		if (poll(&p, 1, 2000) <= 0)
			return NULL;
		ssize_t r = read(t->master, buf + n, sizeof buf - n);
		if (r <= 0)
			return NULL;
		n += (size_t)r;
	}
	if (t->answer && write(t->master, t->answer, strlen(t->answer)) < 0)
		return NULL;
	return NULL;
}

/* Asks through a fresh pty whose terminal answers with answer. */
static int ask(const char *answer, int timeout_ms, double *luma)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) || unlockpt(m))
		return -2;
	int s = open(ptsname(m), O_RDWR | O_NOCTTY);
	struct term t = {m, answer};
	pthread_t th;
	pthread_create(&th, NULL, play_terminal, &t);
	int rc = termbg_query(s, s, timeout_ms, luma);
	pthread_join(th, NULL);
	close(s);
	close(m);
	return rc;
}

static int parse(const char *s, double *l)
{
	return termbg_parse(s, strlen(s), l);
}

int main(void)
{
	double l = -1;
	ok(parse("\033]11;rgb:ffff/ffff/ffff\033\\", &l) == 0 && l > 0.99, "xterm's white");
	ok(parse("\033]11;rgb:c0c0/c0c0/c0c0\033\\", &l) == 0 && fabs(l - 0.753) < 0.01,
	   "tmux's white (colour 7) is light");
	ok(parse("\033]11;rgb:1e1e/1e1e/2e2e\007", &l) == 0 && l < 0.2, "a dark one, ended by BEL");
	ok(parse("\033]11;rgb:f/f/f\033\\", &l) == 0 && l > 0.99, "one hex digit a component");
	ok(parse("\033]11;rgba:ff/ff/ff/80\033\\", &l) == 0 && l > 0.99, "rgba");
	ok(parse("junk\033[?1;2c\033]11;rgb:0/0/0\033\\", &l) == 0 && l == 0,
	   "found behind other answers");
	ok(parse("\033]11;rgb:ffff/ffff\033\\", &l) < 0, "two components are not a colour");
	ok(parse("\033]11;rgb:ffff/ffff/ffff", &l) < 0, "a cut-off answer is not one");
	ok(parse("\033]11;#ffffff\033\\", &l) < 0, "an unknown form is not guessed at");
	ok(parse("\033[?62;22c", &l) < 0, "a DA answer alone says nothing");

	setenv("TERM", "xterm-256color", 1);
	l = -1;
	is_int(ask("\033]11;rgb:ffff/ffff/ffff\033\\\033[?1;2c", 2000, &l), 1, "a white xterm says so");
	ok(l > 0.99, "and its luminance is 1");
	is_int(ask("\033[?1;2c", 5000, &l), 0, "a terminal without OSC 11 answers DA only: no colour");
	is_int(ask(NULL, 200, &l), 0, "a terminal that says nothing: no colour, after the timeout");
	is_int(termbg_query(-1, -1, 100, &l), -1, "not a terminal: not asked");
	setenv("TERM", "dumb", 1);
	is_int(ask("\033]11;rgb:ffff/ffff/ffff\033\\\033[?1;2c", 200, &l), -1, "TERM=dumb: not asked");
	return tap_done();
}
