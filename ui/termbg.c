/* termbg: is the terminal's background light?  COLORFGBG says so when the
 * terminal sets it (rxvt, Konsole); otherwise the terminal is asked, with
 * OSC 11, for its background colour.  The question is followed by a
 * Device Attributes request, which every terminal answers, so one that
 * does not know OSC 11 costs a round trip, not a timeout. */
#include "termbg.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "util.h"

/* One colour component of 1 to 4 hex digits, scaled to 0..1. */
static int component(const char **p, const char *end, double *out)
{
	unsigned v = 0;
	int digits = 0;
	while (*p < end && digits < 4) {
		char c = **p;
		int d = c >= '0' && c <= '9' ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10
					       : -1;
		if (d < 0)
			break;
		v = v * 16 + (unsigned)d;
		digits++;
		(*p)++;
	}
	if (!digits)
		return -1;
	*out = v / (double)((1u << (4 * digits)) - 1);
	return 0;
}

int termbg_parse(const char *s, size_t n, double *luma)
{
	const char *end = s + n;
	static const char intro[] = "\033]11;";
	const char *p = NULL;
	for (const char *q = s; q + sizeof intro - 1 <= end; q++)
		if (!memcmp(q, intro, sizeof intro - 1)) {
			p = q + sizeof intro - 1;
			break;
		}
	if (!p)
		return -1;
	/* rgb:R/G/B or rgba:R/G/B/A (xterm, VTE, kitty, tmux) */
	if (end - p >= 5 && !memcmp(p, "rgba:", 5))
		p += 5;
	else if (end - p >= 4 && !memcmp(p, "rgb:", 4))
		p += 4;
	else
		return -1;
	double c[3];
	for (int i = 0; i < 3; i++) {
		if (i && (p >= end || *p++ != '/'))
			return -1;
		if (component(&p, end, &c[i]))
			return -1;
	}
	/* the reply ends with ST (ESC \) or BEL, or another component */
	if (p >= end || (*p != '\033' && *p != '\007' && *p != '/'))
		return -1;
	/* relative luminance, near enough for "light or dark" */
	*luma = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
	return 0;
}

/* Whether buf holds a Device Attributes reply: ESC [ ? ... c. */
static int has_da(const char *buf, size_t n)
{
	for (size_t i = 0; i + 2 < n; i++)
		if (buf[i] == '\033' && buf[i + 1] == '[' && buf[i + 2] == '?')
			for (size_t j = i + 3; j < n; j++) {
				if (buf[j] == 'c')
					return 1;
				if (!((buf[j] >= '0' && buf[j] <= '9') || buf[j] == ';'))
					break;
			}
	return 0;
}

int termbg_query(int in, int out, int timeout_ms, double *luma)
{
	if (!isatty(in) || !isatty(out))
		return -1;
	const char *term = getenv("TERM");
	if (!term || !strcmp(term, "dumb"))
		return -1;
	struct termios old, raw;
	if (tcgetattr(in, &old))
		return -1;
	raw = old;
	raw.c_lflag &= (tcflag_t) ~(ICANON | ECHO);
	raw.c_cc[VMIN] = 0;
	raw.c_cc[VTIME] = 0;
	if (tcsetattr(in, TCSANOW, &raw))
		return -1;
	static const char ask[] = "\033]11;?\033\\\033[c";
	int rc = 0;
	char buf[256];
	size_t n = 0;
	if (write(out, ask, sizeof ask - 1) == (ssize_t)(sizeof ask - 1)) {
		double deadline = util_now() + timeout_ms / 1000.0;
		while (n < sizeof buf && !has_da(buf, n)) {
			int left = (int)((deadline - util_now()) * 1000);
			if (left <= 0)
				break;
			struct pollfd pfd = {.fd = in, .events = POLLIN};
			if (poll(&pfd, 1, left) <= 0)
				break;
			ssize_t r = read(in, buf + n, sizeof buf - n);
			if (r <= 0)
				break;
			n += (size_t)r;
		}
		rc = termbg_parse(buf, n, luma) == 0;
	}
	/* a reply that came too late must not reach the UI as keys */
	tcflush(in, TCIFLUSH);
	tcsetattr(in, TCSANOW, &old);
	return rc;
}

int termbg_light(void)
{
	const char *c = getenv("COLORFGBG");
	const char *bg = c ? strrchr(c, ';') : NULL;
	if (bg) {
		/* "fg;bg" or "fg;default;bg": white (7) or bright white (15) */
		int v = atoi(bg + 1);
		return v == 7 || v == 15;
	}
	double luma;
	return termbg_query(0, 1, 300, &luma) == 1 && luma > 0.5;
}
