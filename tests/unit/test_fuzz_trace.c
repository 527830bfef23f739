/* The loader never crashes, whatever the bytes: mutate a real journal
 * thousands of ways (bit flips, cuts, inserted garbage, swapped and
 * repeated lines) and load each.  Run under ASan/UBSan in CI. */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend_sim.h"
#include "search.h"
#include "tap.h"
#include "trace.h"
#include "util.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	rewind(f);
	char *b = malloc(*len + 1);
	*len = fread(b, 1, *len, f);
	fclose(f);
	return b;
}

static void spit(const char *path, const char *b, size_t n)
{
	FILE *f = fopen(path, "wb");
	fwrite(b, 1, n, f);
	fclose(f);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 4000;
	char dir[] = "/tmp/canopy-fuzz-XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	char src[256], dst[256];
	snprintf(src, sizeof src, "%s/src.jsonl", dir);
	snprintf(dst, sizeof dst, "%s/m.jsonl", dir);

	/* a real journal: a beam search with every common event type */
	struct sim_cfg sc;
	sim_cfg_default(&sc);
	struct backend *be = backend_sim_new(&sc, NULL);
	struct sim_problem p;
	sim_problem_generate(3, 6, &p);
	struct search_config cfg = {0};
	cfg.strategy = &strategy_beam;
	cfg.problem = p.text;
	cfg.gold = "1";
	cfg.seed = 3;
	cfg.backend = be;
	cfg.trace_path = src;
	cfg.params.v[P_N] = 8;
	cfg.params.set[P_N] = 1;
	char err[768];
	struct search *s = search_new(&cfg, err, sizeof err);
	ok(s && search_run(s) == 0, "a beam search makes the seed journal");
	search_free(s);
	backend_free(be);

	size_t len;
	char *orig = slurp(src, &len);
	regex_t re;
	regcomp(&re, "^/tmp/canopy-fuzz-[^:]*/m\\.jsonl(:[0-9]+)?: ", REG_EXTENDED);
	struct rng r;
	rng_seed(&r, 12345);
	int bad_msgs = 0, accepted = 0, rejected = 0;
	char *buf = malloc(len * 2 + 4096);
	for (int i = 0; i < rounds; i++) {
		size_t n = len;
		memcpy(buf, orig, len);
		int kinds = rng_range(&r, 1, 3);
		for (int k = 0; k < kinds; k++) {
			switch (rng_range(&r, 0, 6)) {
			case 0: /* flip bits */
				for (int j = rng_range(&r, 1, 8); j > 0 && n; j--)
					buf[rng_next(&r) % n] ^= (char)(1 << rng_range(&r, 0, 7));
				break;
			case 1: /* cut the file */
				n = n ? rng_next(&r) % n : 0;
				break;
			case 2: { /* delete a range */
				if (n < 2)
					break;
				size_t a = rng_next(&r) % n, b = a + rng_next(&r) % (n - a);
				memmove(buf + a, buf + b, n - b);
				n -= b - a;
				break;
			}
			case 3: { /* insert random bytes */
				size_t at = n ? rng_next(&r) % n : 0, m = (size_t)rng_range(&r, 1, 40);
				memmove(buf + at + m, buf + at, n - at);
				for (size_t j = 0; j < m; j++)
					buf[at + j] = (char)rng_next(&r);
				n += m;
				break;
			}
			case 4: { /* insert JSON-ish tokens */
				static const char *tok[] = {"{", "}", "\"", ",", ":", "[", "]", "\\u", "null",
							    "-1", "1e999", "\"id\":", "\n", "\\", "\xff"};
				const char *t = tok[rng_range(&r, 0, 14)];
				size_t at = n ? rng_next(&r) % n : 0, m = strlen(t);
				memmove(buf + at + m, buf + at, n - at);
				memcpy(buf + at, t, m);
				n += m;
				break;
			}
			case 5: { /* repeat a line */
				size_t at = n ? rng_next(&r) % n : 0;
				while (at > 0 && buf[at - 1] != '\n')
					at--;
				size_t e = at;
				while (e < n && buf[e] != '\n')
					e++;
				if (e < n)
					e++;
				if (n + (e - at) < len * 2 + 4000) {
					memmove(buf + e + (e - at), buf + e, n - e);
					memcpy(buf + e, buf + at, e - at);
					n += e - at;
				}
				break;
			}
			default: /* change a digit */
				for (size_t j = 0; j < 20 && n; j++) {
					size_t at = rng_next(&r) % n;
					if (buf[at] >= '0' && buf[at] <= '9') {
						buf[at] = (char)('0' + rng_range(&r, 0, 9));
						break;
					}
				}
				break;
			}
		}
		spit(dst, buf, n);
		struct trace tr;
		char warn[512];
		if (trace_load(dst, &tr, NULL, NULL, err, sizeof err, warn, sizeof warn) == 0) {
			accepted++;
			trace_free(&tr);
		} else {
			rejected++;
			if (regexec(&re, err, 0, NULL, 0)) {
				if (bad_msgs++ < 5)
					printf("# message without FILE:LINE: %s\n", err);
			}
		}
	}
	/* a crash never reaches the plan line, and the harness fails it */
	is_int(bad_msgs, 0, "every rejection names FILE:LINE");
	ok(rejected > rounds / 2, "most mutations are caught (%d rejected, %d accepted)", rejected, accepted);
	regfree(&re);
	free(buf);
	free(orig);
	unlink(src);
	unlink(dst);
	char rp[300];
	snprintf(rp, sizeof rp, "%s.replies", src); /* the run that wrote src made it */
	unlink(rp);
	rmdir(dir);
	return tap_done();
}
