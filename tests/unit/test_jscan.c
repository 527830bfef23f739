/* jscan: the line scanner must accept JSON and reject everything else. */
#include <string.h>

#include "jscan.h"
#include "tap.h"

static int scan(const char *s)
{
	struct jobject o;
	char err[128];
	size_t pos;
	return jscan_object(s, strlen(s), &o, err, sizeof err, &pos);
}

int main(void)
{
	struct jobject o;
	char err[128];
	size_t pos;
	const char *line = "{\"a\": 1.5e2, \"b\":\"x\\u00e9\\n\", \"c\":[1,{\"d\":null}], \"e\":true, \"f\":-0}";
	ok(!jscan_object(line, strlen(line), &o, err, sizeof err, &pos), "a valid object scans");
	is_int(o.n, 5, "five fields");
	const struct jfield *f = jobject_get(&o, "a");
	ok(f && f->type == JT_NUMBER && f->num == 150, "numbers are read");
	f = jobject_get(&o, "b");
	struct strbuf sb;
	sb_init(&sb);
	jstring_decode(f->raw, f->rawlen, &sb);
	is_str(sb.s, "x\xc3\xa9\n", "escapes decode to UTF-8");
	sb_reset(&sb);
	const char *sur = "\"\\ud83d\\ude00\"";
	jstring_decode(sur, strlen(sur), &sb);
	is_str(sb.s, "\xf0\x9f\x98\x80", "surrogate pairs join");
	sb_free(&sb);
	ok(jobject_get(&o, "c")->type == JT_ARRAY, "arrays are kept as raw spans");
	ok(jobject_get(&o, "e")->boolean == 1, "booleans");

	const char *bad[] = {
		"", "[]", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{\"a\":01}", "{\"a\":1.}",
		"{\"a\":-}", "{\"a\":tru}", "{\"a\":\"x}", "{\"a\":\"\\q\"}", "{\"a\":\"\\u12\"}",
		"{\"a\":\"\x01\"}", "{\"a\":\"\xff\"}", "{\"a\":1} x", "{a:1}", "{\"a\":[1,2}",
		"{\"a\":1 \"b\":2}", "{\"a\":NaN}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ok(scan(bad[i]) == -1, "rejects malformed line %zu", i + 1);

	char deep[200];
	strcpy(deep, "{\"a\":");
	for (int i = 0; i < 70; i++)
		strcat(deep, "[");
	ok(scan(deep) == -1, "nesting deeper than the limit is refused, not recursed");
	ok(jscan_object("{\"a\":1", 6, &o, err, sizeof err, &pos) == -1 && pos == 6,
	   "the error position points at the end of a cut object");
	return tap_done();
}
