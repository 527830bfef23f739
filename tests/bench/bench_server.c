/* bench_server: a modelled OpenAI-compatible completions server for the
 * benchmarks.  Every POST is answered after exactly latency + 12 tokens x
 * per-token milliseconds, however many are in flight, from one poll loop:
 * the Python fake server in tests/ adds its own per-request cost when
 * many requests come at once, and that would be measured as canopy's.
 * It answers like tests/fake_server.py (the same small solution, critiques
 * that say Correct, a step a level, the answer at --depth); it listens on
 * 127.0.0.1 only and exits after --lifetime seconds. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXC 1024

struct conn {
	int fd;
	char *in;
	size_t len, cap;
	char *out;
	size_t olen, osent;
	double due; /* when the reply goes out; 0: none pending */
};

static struct conn conns[MAXC];
static double latency_ms, per_token_ms;
static int depth = 2;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t count(const char *hay, size_t n, const char *needle)
{
	size_t k = 0, l = strlen(needle);
	for (const char *p = hay; (p = memmem(p, n - (size_t)(p - hay), needle, l)); p += l)
		k++;
	return k;
}

/* The reply to a request body, as tests/fake_server.py would give it. */
static void reply(struct conn *c, const char *body, size_t blen)
{
	char text[512];
	if (memmem(body, blen, "Correctness of the step", 23))
		snprintf(text, sizeof text, "Step 1: 6 \\u00d7 7 = 42.\\nCorrectness of the step: Correct\\n"
					    "Explanation: right.\\n\\nCorrectness of the final answer: Correct");
	else if (memmem(body, blen, "[[correct]]", 11))
		snprintf(text, sizeof text, "It checks out. [[correct]]");
	else if (memmem(body, blen, "next step", 9)) {
		/* the steps so far: those in the prompt, not the stop list */
		size_t k = count(body, blen, "\\nStep ") + 1;
		const char *st = memmem(body, blen, "\"stop\":[", 8);
		const char *se = st ? memchr(st, ']', blen - (size_t)(st - body)) : NULL;
		if (st && se)
			k -= count(st, (size_t)(se - st), "\\nStep ");
		if ((int)k >= depth)
			snprintf(text, sizeof text, "Step %zu: 42 + 0 = 42. The answer is 42.", k);
		else
			snprintf(text, sizeof text, "Step %zu: 6 \\u00d7 7 = 42.", k);
	} else
		snprintf(text, sizeof text, "Step 1: 6 \\u00d7 7 = 42.\\nStep 2: 42 + 0 = 42. The answer is 42.");
	int n = 1;
	const char *np = memmem(body, blen, "\"n\":", 4);
	if (np)
		n = atoi(np + 4) > 0 ? atoi(np + 4) : 1;
	char *json = NULL;
	size_t jlen = 0;
	FILE *f = open_memstream(&json, &jlen);
	fprintf(f, "{\"id\":\"b\",\"object\":\"text_completion\",\"choices\":[");
	for (int i = 0; i < n; i++)
		fprintf(f, "%s{\"index\":%d,\"text\":\"%s\",\"finish_reason\":\"stop\"}", i ? "," : "", i, text);
	fprintf(f, "],\"usage\":{\"prompt_tokens\":50,\"completion_tokens\":%d,\"total_tokens\":%d}}", 12 * n,
		50 + 12 * n);
	fclose(f);
	free(c->out);
	c->out = NULL;
	c->olen = c->osent = 0;
	f = open_memstream(&c->out, &c->olen);
	fprintf(f, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s", jlen,
		json);
	fclose(f);
	free(json);
	c->due = now() + (latency_ms + per_token_ms * 12) / 1000.0;
}

/* A whole request in the buffer: answer it (later) and drop it. */
static void take_request(struct conn *c)
{
	char *end = memmem(c->in, c->len, "\r\n\r\n", 4);
	if (!end || c->due)
		return;
	size_t head = (size_t)(end - c->in) + 4, body = 0;
	char *cl = memmem(c->in, head, "Content-Length:", 15);
	if (!cl)
		cl = memmem(c->in, head, "content-length:", 15);
	if (cl)
		body = (size_t)strtoul(cl + 15, NULL, 10);
	if (c->len < head + body)
		return;
	reply(c, c->in + head, body);
	memmove(c->in, c->in + head + body, c->len - head - body);
	c->len -= head + body;
}

static void drop(struct conn *c)
{
	close(c->fd);
	free(c->in);
	free(c->out);
	memset(c, 0, sizeof *c);
	c->fd = -1;
}

int main(int argc, char **argv)
{
	const char *port_file = NULL;
	double lifetime = 120;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--port-file"))
			port_file = argv[i + 1];
		else if (!strcmp(argv[i], "--latency-ms"))
			latency_ms = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--per-token-ms"))
			per_token_ms = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--depth"))
			depth = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--lifetime"))
			lifetime = atof(argv[i + 1]);
	}
	if (!port_file) {
		fprintf(stderr, "usage: bench_server --port-file F [--latency-ms X] [--per-token-ms Y] [--depth D]\n");
		return 2;
	}
	int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int one = 1;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof a;
	if (bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 1024) ||
	    getsockname(ls, (struct sockaddr *)&a, &al)) {
		perror("bench_server");
		return 1;
	}
	char tmp[600];
	snprintf(tmp, sizeof tmp, "%s.tmp", port_file);
	FILE *pf = fopen(tmp, "w");
	fprintf(pf, "%d", ntohs(a.sin_port));
	fclose(pf);
	rename(tmp, port_file);
	for (int i = 0; i < MAXC; i++)
		conns[i].fd = -1;
	double stop = now() + lifetime;
	struct pollfd pfd[MAXC + 1];
	int idx[MAXC + 1];
	while (now() < stop) {
		int n = 0;
		pfd[n] = (struct pollfd){ls, POLLIN, 0};
		idx[n++] = -1;
		double next = stop;
		for (int i = 0; i < MAXC; i++) {
			struct conn *c = &conns[i];
			if (c->fd < 0)
				continue;
			short ev = POLLIN;
			if (c->due && c->due <= now())
				ev |= POLLOUT;
			else if (c->due && c->due < next)
				next = c->due;
			pfd[n] = (struct pollfd){c->fd, ev, 0};
			idx[n++] = i;
		}
		int wait_ms = (int)((next - now()) * 1000) + 1;
		if (poll(pfd, (nfds_t)n, wait_ms < 0 ? 0 : wait_ms) < 0 && errno != EINTR)
			break;
		for (int k = 0; k < n; k++) {
			if (idx[k] < 0) {
				if (!(pfd[k].revents & POLLIN))
					continue;
				int fd;
				while ((fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
					int slot = -1;
					for (int i = 0; i < MAXC && slot < 0; i++)
						if (conns[i].fd < 0)
							slot = i;
					if (slot < 0) {
						close(fd);
						continue;
					}
					setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
					conns[slot].fd = fd;
				}
				continue;
			}
			struct conn *c = &conns[idx[k]];
			if (pfd[k].revents & POLLIN) {
				if (c->cap - c->len < 65536) {
					c->cap = c->cap ? c->cap * 2 : 131072;
					c->in = realloc(c->in, c->cap);
				}
				ssize_t r = read(c->fd, c->in + c->len, c->cap - c->len);
				if (r <= 0) {
					drop(c);
					continue;
				}
				c->len += (size_t)r;
				take_request(c);
			}
			if ((pfd[k].revents & POLLOUT) && c->due) {
				ssize_t w = write(c->fd, c->out + c->osent, c->olen - c->osent);
				if (w < 0) {
					drop(c);
					continue;
				}
				c->osent += (size_t)w;
				if (c->osent == c->olen) {
					c->due = 0;
					take_request(c); /* one that came behind it */
				}
			}
			if (pfd[k].revents & (POLLERR | POLLHUP))
				drop(c);
		}
	}
	return 0;
}
