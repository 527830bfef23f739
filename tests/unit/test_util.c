/* util: strings, JSON encoding, the seeded generator. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "util.h"

static void visible(void)
{
	struct strbuf sb;
	sb_init(&sb);
	const char *in = "a\x1b]0;t\x07" "b\x1b[2J\x7f\tc\nd\xc2\x9b\xe2\x80\xae\xff\xc3\x97\\";
	sb_add_visible(&sb, in, strlen(in), 0);
	is_str(sb.s, "a^[]0;t^Gb^[[2J^?\tc\\nd<U+009B><U+202E>\\xFF\xc3\x97\\", "control, C1, bidi and bad bytes shown, the rest kept");
	sb_reset(&sb);
	sb_add_visible(&sb, "x\ny", 3, 1);
	is_str(sb.s, "x\ny", "a newline kept when asked");
	sb_reset(&sb);
	sb_add_visible(&sb, "\xe0\x80\xaf\xed\xa0\x80\xc3", 7, 0);
	is_str(sb.s, "\\xE0\\x80\\xAF\\xED\\xA0\\x80\\xC3", "overlong, surrogate and cut-short sequences are bytes");
	sb_reset(&sb);
	sb_add_visible(&sb, "\xf5\x80\x80\xff", 4, 0);
	is_str(sb.s, "\\xF5\\x80\\x80\\xFF", "no lead byte past F4 starts a character");
	sb_reset(&sb);
	sb_add_visible(&sb, "", 0, 0);
	ok(sb.len == 0, "nothing stays nothing");
	sb_free(&sb);
	ok(util_u32(NAN) == 0 && util_u32(-3) == 0 && util_u32(1e300) == UINT32_MAX && util_u32(7.9) == 7,
	   "util_u32 clamps NAN, negatives and huge values");
	ok(util_i64(1e300) == INT64_MAX && util_i64(-1e300) == INT64_MIN && util_i64(9223372036854775807.0) == INT64_MAX,
	   "util_i64 clamps at both ends, 2^63 included");
	ok(util_i32(-1e10) == INT32_MIN && util_u64(1e30) == UINT64_MAX, "util_i32 and util_u64 likewise");
}

int main(void)
{
	visible();
	struct strbuf sb;
	sb_init(&sb);
	sb_printf(&sb, "%d-%s", 42, "x");
	sb_adds(&sb, "yz");
	is_str(sb.s, "42-xyz", "sb_printf and sb_adds append");
	sb_reset(&sb);
	sb_add_json_string(&sb, "a\"b\\c\n\t\x01", 8);
	is_str(sb.s, "\"a\\\"b\\\\c\\n\\t\\u0001\"", "JSON escapes quote, backslash, controls");
	sb_reset(&sb);
	sb_add_json_string(&sb, "x\xff" "y\xc3\xa9", 5);
	is_str(sb.s, "\"x\xef\xbf\xbdy\xc3\xa9\"", "invalid UTF-8 becomes U+FFFD, valid stays");
	sb_reset(&sb);
	sb_add_json_string(&sb, "\xed\xa0\x80", 3);
	is_str(sb.s, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"", "an encoded surrogate is not valid UTF-8");
	sb_reset(&sb);
	sb_add_csv_string(&sb, "say \"7\", then\nstop", 18);
	is_str(sb.s, "\"say \"\"7\"\", then\nstop\"", "a CSV field is quoted, its quotes doubled, commas and newlines kept");
	sb_reset(&sb);
	FILE *f = tmpfile();
	ok(f && sb_add_file(&sb, f, 0) == 0 && sb.s && !strcmp(sb.s, ""), "an empty file reads as an empty string");
	if (f) {
		fputs("twelve bytes", f);
		rewind(f);
		sb_adds(&sb, ">");
		int whole = sb_add_file(&sb, f, 0);
		is_str(sb.s, ">twelve bytes", "a file is appended whole");
		rewind(f);
		sb_reset(&sb);
		ok(whole == 0 && sb_add_file(&sb, f, 11) == 1, "more than max bytes says so");
		fclose(f);
	}
	sb_reset(&sb);
	sb_add_json_number(&sb, 0.1);
	sb_addc(&sb, ' ');
	sb_add_json_number(&sb, 3);
	sb_addc(&sb, ' ');
	sb_add_json_number(&sb, NAN);
	sb_addc(&sb, ' ');
	sb_add_json_number(&sb, 1.0 / 3.0);
	is_str(sb.s, "0.1 3 null 0.3333333333333333", "numbers: shortest exact form, NaN as null");
	sb_free(&sb);

	struct rng a, b;
	rng_seed(&a, 7);
	rng_seed(&b, 7);
	int same = 1;
	for (int i = 0; i < 1000; i++)
		same &= rng_next(&a) == rng_next(&b);
	ok(same, "the same seed gives the same stream");
	rng_seed(&b, 8);
	ok(rng_next(&a) != rng_next(&b), "another seed gives another stream");
	rng_seed(&a, 1);
	is_int(rng_next(&a), 0xb3f2af6d0fc710c5ull, "the stream is fixed across platforms (xoshiro256**)");
	double sum = 0, sq = 0;
	int in_range = 1;
	for (int i = 0; i < 20000; i++) {
		double n = rng_normal(&a);
		sum += n;
		sq += n * n;
		int r = rng_range(&a, 3, 5);
		in_range &= r >= 3 && r <= 5;
	}
	is_num(sum / 20000, 0, 0.03, "normal draws have mean 0");
	is_num(sqrt(sq / 20000), 1, 0.03, "normal draws have sd 1");
	ok(in_range, "rng_range stays within its bounds");
	ok(hash_str(0, "abc") == hash_str(0, "abc") && hash_str(0, "abc") != hash_str(0, "abd"),
	   "hash_str is stable and sensitive");
	is_int(utf8_seq_len((const unsigned char *)"\xe2\x88\x92", 3), 3, "a 3-byte sequence");
	is_int(utf8_seq_len((const unsigned char *)"\xe2\x88", 2), 0, "a cut sequence is invalid");
	is_int(utf8_seq_len((const unsigned char *)"\xc0\xaf", 2), 0, "an overlong form is invalid");
	return tap_done();
}
