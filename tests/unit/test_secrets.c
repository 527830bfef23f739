/* secrets: a URL's credentials are never what canopy writes; an API key
 * with a control character in it is refused (it would add HTTP headers);
 * once a key is loaded the process cannot dump core. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "backend_openai.h"
#include "tap.h"
#include "util.h"

int main(void)
{
	char out[200];
	static const struct {
		const char *in, *want;
	} urls[] = {
		{"http://alice:s3cret@host:8000/v1", "http://***@host:8000/v1"},
		{"https://tok@api.example/v1/chat", "https://***@api.example/v1/chat"},
		{"http://u:p@ss:w@rd@host/", "http://***@host/"},
		{"http://host:8000/a@b", "http://host:8000/a@b"},
		{"http://host?x=a@b", "http://host?x=a@b"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"not a url", "not a url"},
	};
	for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
		url_redact(urls[i].in, out, sizeof out);
		is_str(out, urls[i].want, urls[i].in);
	}
	char *key = NULL, err[300] = "";
	ok(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 1, "before any key the process may dump core");
	setenv("CANOPY_API_KEY", "abc\r\nX-Injected: 1", 1);
	ok(api_key_load(NULL, &key, err, sizeof err) == -1 && !key, "a key holding CR LF is refused");
	ok(strstr(err, "CANOPY_API_KEY: refused: the API key holds a control character") != NULL,
	   "naming the variable and why (%s)", err);
	setenv("CANOPY_API_KEY", "sk-abc\tdef", 1);
	ok(api_key_load(NULL, &key, err, sizeof err) == -1, "a tab too");
	ok(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 1, "a refused key leaves the process as it was");
	setenv("CANOPY_API_KEY", "sk-good-key", 1);
	ok(api_key_load(NULL, &key, err, sizeof err) == 0 && key && !strcmp(key, "sk-good-key"), "a good key loads");
	ok(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0, "and the process can no longer dump core");
	free(key);
	return tap_done();
}
