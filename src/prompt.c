#include "prompt.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[] = {
#define X(id, name) name,
	PROMPT_NAMES(X)
#undef X
};

const char *prompt_name(enum prompt_id id)
{
	return id < PROMPT_COUNT ? names[id] : "?";
}

enum prompt_id prompt_for(const struct request *r)
{
	switch (r->kind) {
	case REQ_STEP: return PROMPT_STEP;
	case REQ_SOLUTION: return PROMPT_SOLUTION;
	case REQ_SUBQUESTION: return PROMPT_SUBQUESTION;
	case REQ_REANSWER: return PROMPT_REANSWER;
	case REQ_REPHRASE: return PROMPT_REPHRASE;
	case REQ_CRITIQUE: return r->self ? PROMPT_SELF_CRITIQUE : PROMPT_CRITIQUE;
	case REQ_REVIEW: return PROMPT_REVIEW;
	case REQ_PRM: return PROMPT_PRM_JUDGE;
	case REQ_REFINE: return PROMPT_REFINE;
	case REQ_REVISE: return PROMPT_REVISE;
	case REQ_JUDGE:
	case REQ_ORM:
	default: return PROMPT_JUDGE;
	}
}

/* ---- parsing ---- */

enum section { SEC_NONE, SEC_SYSTEM, SEC_USER, SEC_STOP, SEC_TAG, SEC_GOOD, SEC_BAD };

static const char *const placeholders[] = {"problem", "steps", "scored_steps", "tagged_steps", "next",
					   "feedback", NULL};

static int fail(char *err, size_t errlen, const char *path, int line, const char *fmt, const char *a)
{
	char msg[300];
	snprintf(msg, sizeof msg, fmt, a);
	snprintf(err, errlen, "%s:%d: %s", path, line, msg);
	return -1;
}

/* Checks every placeholder of a text section that starts at line0. */
static int check_tmpl(const char *s, const char *path, int line0, char *err, size_t errlen)
{
	int line = line0, open = 0, open_line = 0;
	for (const char *p = s; *p; p++) {
		if (*p == '\n') {
			line++;
			continue;
		}
		if (*p != '{')
			continue;
		if (p[1] == '{') {
			p++;
			continue;
		}
		const char *end = p + 1;
		while (*end && *end != '}' && *end != '\n' && *end != '{')
			end++;
		if (*end != '}')
			return fail(err, errlen, path, line, "'{' without '}' (write {{ for a brace)%s", "");
		char name[40];
		snprintf(name, sizeof name, "%.*s", (int)(end - p - 1), p + 1);
		if (!strcmp(name, "?steps") || !strcmp(name, "!steps")) {
			if (open)
				return fail(err, errlen, path, line, "{%s} inside another {?steps} or {!steps}", name);
			open = 1;
			open_line = line;
		} else if (!strcmp(name, "/steps")) {
			if (!open)
				return fail(err, errlen, path, line, "{/steps} without {?steps} or {!steps} before it%s",
					    "");
			open = 0;
		} else {
			int known = 0;
			for (size_t i = 0; placeholders[i]; i++)
				known |= !strcmp(name, placeholders[i]);
			if (!known)
				return fail(err, errlen, path, line,
					    "unknown placeholder {%s} (known: {problem} {steps} {scored_steps} "
					    "{tagged_steps} {next} {feedback})",
					    name);
		}
		p = end;
	}
	if (open)
		return fail(err, errlen, path, open_line, "{?steps} or {!steps} is never closed with {/steps}%s", "");
	return 0;
}

static void list_add(struct prompt_list *l, char *s)
{
	l->v = xrealloc(l->v, (l->n + 2) * sizeof *l->v);
	l->v[l->n++] = s;
	l->v[l->n] = NULL;
}

static void list_free(struct prompt_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* A quoted string with C-like escapes, alone on its line. */
static char *parse_quoted(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return NULL;
	struct strbuf b;
	sb_init(&b);
	sb_adds(&b, "");
	for (size_t i = 1; i + 1 < n; i++) {
		char c = s[i];
		if (c == '"') {
			sb_free(&b);
			return NULL;
		}
		if (c == '\\') {
			if (i + 2 >= n) {
				sb_free(&b);
				return NULL;
			}
			c = s[++i];
			switch (c) {
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case '"':
			case '\\': break;
			default:
				sb_free(&b);
				return NULL;
			}
		}
		sb_addc(&b, c);
	}
	return sb_steal(&b);
}

static char *finish_text(struct strbuf *b)
{
	/* a blank line before the next section is layout, not prompt */
	while (b->len && b->s[b->len - 1] == '\n')
		b->s[--b->len] = '\0';
	return sb_steal(b);
}

int prompt_parse(const char *path, const char *text, struct prompt_tmpl *out, char *err, size_t errlen)
{
	static const char *const secs[] = {NULL, "system", "user", "stop", "tag", "good", "bad"};
	memset(out, 0, sizeof *out);
	enum section sec = SEC_NONE;
	struct strbuf body;
	sb_init(&body);
	int seen[7] = {0}, body_line = 0, line = 0, started = 0;
	const char *p = text;
	int rc = 0;
	while (*p || sec != SEC_NONE) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		int at_end = !*p;
		line++;
		size_t l = len;
		if (l && p[l - 1] == '\r')
			l--;
		/* a section header, or the end, closes the text being read */
		int header = !at_end && l > 2 && p[0] == '[' && p[l - 1] == ']' && p[1] != '[';
		enum section next = SEC_NONE;
		if (header) {
			for (int i = 1; i < 7; i++)
				if (strlen(secs[i]) == l - 2 && !strncmp(p + 1, secs[i], l - 2))
					next = (enum section)i;
			if (next == SEC_NONE) {
				char name[40];
				snprintf(name, sizeof name, "%.*s", (int)(l < 30 ? l : 30), p);
				rc = fail(err, errlen, path, line,
					  "unknown section %s (known: [system] [user] [stop] [tag] [good] [bad])", name);
				break;
			}
			if (seen[next]) {
				rc = fail(err, errlen, path, line, "a second [%s] section", secs[next]);
				break;
			}
		}
		if ((header || at_end) && (sec == SEC_SYSTEM || sec == SEC_USER)) {
			char *t = finish_text(&body);
			if (!t)
				t = xstrdup("");
			*(sec == SEC_SYSTEM ? &out->system : &out->user) = t;
			if (check_tmpl(t, path, body_line, err, errlen)) {
				rc = -1;
				break;
			}
			sb_init(&body);
		}
		if (at_end)
			break;
		if (header) {
			sec = next;
			seen[sec] = 1;
			body_line = line + 1;
			started = 0;
		} else if (sec == SEC_NONE) {
			size_t i = 0;
			while (i < l && (p[i] == ' ' || p[i] == '\t'))
				i++;
			if (i < l && p[i] != '#') {
				rc = fail(err, errlen, path, line,
					  "text before the first section (a template starts with [system] or [user])%s", "");
				break;
			}
		} else if (sec == SEC_SYSTEM || sec == SEC_USER) {
			if (started)
				sb_addc(&body, '\n');
			sb_add(&body, p, l);
			started = 1;
		} else {
			size_t i = 0;
			while (i < l && (p[i] == ' ' || p[i] == '\t'))
				i++;
			if (i < l && p[i] != '#') {
				char *q = parse_quoted(p, l);
				if (!q) {
					rc = fail(err, errlen, path, line,
						  "[%s] takes quoted strings, one a line, such as \"\\n\\n\"", secs[sec]);
					break;
				}
				struct prompt_list *lists[] = {NULL, NULL, NULL, &out->stop, &out->tag, &out->good,
							       &out->bad};
				list_add(lists[sec], q);
			}
		}
		p += len + (nl ? 1 : 0);
	}
	sb_free(&body);
	if (!rc && !out->user)
		rc = fail(err, errlen, path, line, "no [user] section%s", "");
	if (rc) {
		prompt_tmpl_free(out);
		return -1;
	}
	out->path = xstrdup(path);
	out->text = xstrdup(text);
	return 0;
}

void prompt_tmpl_free(struct prompt_tmpl *t)
{
	free(t->system);
	free(t->user);
	list_free(&t->stop);
	list_free(&t->tag);
	list_free(&t->good);
	list_free(&t->bad);
	free(t->path);
	free(t->text);
	memset(t, 0, sizeof *t);
}

/* ---- expanding ---- */

void prompt_expand(const char *tmpl, const struct request *r, const struct prompt_tmpl *t, size_t nsteps,
		   struct strbuf *out)
{
	if (nsteps > r->nsteps)
		nsteps = r->nsteps;
	sb_adds(out, "");
	for (const char *p = tmpl; *p; p++) {
		if (*p != '{') {
			const char *q = strchr(p, '{');
			size_t n = q ? (size_t)(q - p) : strlen(p);
			sb_add(out, p, n);
			p += n - 1;
			continue;
		}
		if (p[1] == '{') {
			sb_addc(out, '{');
			p++;
			continue;
		}
		const char *end = strchr(p, '}');
		if (!end) { /* cannot happen in a parsed template */
			sb_adds(out, p);
			return;
		}
		size_t n = (size_t)(end - p - 1);
		const char *name = p + 1;
#define IS(s) (n == sizeof(s) - 1 && !strncmp(name, s, n))
		if (IS("?steps") || IS("!steps")) {
			int keep = (name[0] == '?') == (nsteps > 0);
			if (!keep) {
				const char *close = strstr(end, "{/steps}");
				end = close ? close + 7 : end + strlen(end) - 1;
			}
		} else if (IS("problem")) {
			sb_adds(out, r->problem ? r->problem : "");
		} else if (IS("steps") || IS("scored_steps") || IS("tagged_steps")) {
			int scored = name[1] == 'c', tagged = name[0] == 't';
			for (size_t i = 0; i < nsteps; i++) {
				if (i)
					sb_addc(out, '\n');
				sb_adds(out, r->steps[i]);
				if (scored && r->step_scores)
					sb_printf(out, " (Score: %d/10)", (int)lround(r->step_scores[i] * 10));
				if (tagged && t && t->tag.n)
					sb_adds(out, t->tag.v[0]);
			}
		} else if (IS("next")) {
			sb_printf(out, "%zu", nsteps + 1);
		} else if (IS("feedback")) {
			sb_adds(out, r->feedback ? r->feedback : "");
		}
		/* {/steps} of a kept block: nothing to write */
#undef IS
		p = end;
	}
}

/* ---- the loaded set ---- */

static struct prompt_tmpl set[PROMPT_COUNT];
static int set_loaded;

static int load_files(const char *dir, char *err, size_t errlen);

static char *read_file(const char *path, int *missing, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		*missing = errno == ENOENT;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	*missing = 0;
	struct strbuf b;
	sb_init(&b);
	int bad = sb_add_file(&b, f, 0) || memchr(b.s, '\0', b.len) != NULL;
	fclose(f);
	if (bad) {
		snprintf(err, errlen, "%s: cannot be read as text", path);
		sb_free(&b);
		return NULL;
	}
	return sb_steal(&b);
}

/* What a template of this kind cannot do without, wherever it came from
 * (a file, or a trace header that may have been edited). */
static int check_complete(int id, const struct prompt_tmpl *t, const char *where, char *err, size_t errlen)
{
	if (id == PROMPT_PRM_LOGPROB && (!t->tag.n || !t->good.n || !t->bad.n)) {
		snprintf(err, errlen, "%s: a logprob template needs [tag], [good] and [bad]", where);
		return -1;
	}
	return 0;
}

/* One template as a trace header recorded it. */
static int from_json(const cJSON *o, const char *origin, struct prompt_tmpl *t, char *err, size_t errlen)
{
	memset(t, 0, sizeof *t);
	const cJSON *sys = cJSON_GetObjectItemCaseSensitive(o, "system");
	const cJSON *user = cJSON_GetObjectItemCaseSensitive(o, "user");
	if (!cJSON_IsString(user) || (sys && !cJSON_IsString(sys))) {
		snprintf(err, errlen, "%s: a template needs a \"user\" string", origin);
		return -1;
	}
	if (check_tmpl(user->valuestring, origin, 1, err, errlen) ||
	    (sys && check_tmpl(sys->valuestring, origin, 1, err, errlen)))
		return -1;
	t->user = xstrdup(user->valuestring);
	t->system = sys ? xstrdup(sys->valuestring) : NULL;
	static const char *const keys[] = {"stop", "tag", "good", "bad"};
	struct prompt_list *lists[] = {&t->stop, &t->tag, &t->good, &t->bad};
	for (int k = 0; k < 4; k++) {
		const cJSON *e;
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(o, keys[k])) {
			if (cJSON_IsString(e))
				list_add(lists[k], xstrdup(e->valuestring));
		}
	}
	t->path = xstrdup(origin);
	t->text = xstrdup("");
	return 0;
}

int prompts_load_recorded(const cJSON *recorded, const char *origin, const char *dir, char *err, size_t errlen)
{
	if (set_loaded)
		return 0;
	for (int id = 0; id < PROMPT_COUNT && recorded; id++) {
		const cJSON *o = cJSON_GetObjectItemCaseSensitive(recorded, names[id]);
		char where[600];
		snprintf(where, sizeof where, "%s (prompts.%s)", origin, names[id]);
		if (o && (from_json(o, where, &set[id], err, errlen) || check_complete(id, &set[id], where, err, errlen))) {
			for (int k = 0; k < PROMPT_COUNT; k++)
				prompt_tmpl_free(&set[k]);
			return -1;
		}
	}
	return load_files(dir, err, errlen);
}

int prompts_load(const char *dir, char *err, size_t errlen)
{
	if (set_loaded)
		return 0;
	return load_files(dir, err, errlen);
}

/* Every template not set yet, from its file. */
static int load_files(const char *dir, char *err, size_t errlen)
{
	char dirs[4][400];
	int nd = 0;
	if (dir && *dir)
		snprintf(dirs[nd++], sizeof dirs[0], "%.399s", dir);
	const char *cfg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	if (cfg && *cfg)
		snprintf(dirs[nd++], sizeof dirs[0], "%.380s/canopy/prompts", cfg);
	else if (home && *home)
		snprintf(dirs[nd++], sizeof dirs[0], "%.370s/.config/canopy/prompts", home);
#ifdef CANOPY_PROMPTDIR
	snprintf(dirs[nd++], sizeof dirs[0], "%.399s", CANOPY_PROMPTDIR);
#endif
#ifdef CANOPY_SRC_PROMPTDIR
	snprintf(dirs[nd++], sizeof dirs[0], "%.399s", CANOPY_SRC_PROMPTDIR);
#endif
	for (int id = 0; id < PROMPT_COUNT; id++) {
		char *text = NULL, path[512] = "";
		if (set[id].user)
			continue; /* recorded in a trace */
		for (int d = 0; d < nd && !text; d++) {
			int missing;
			snprintf(path, sizeof path, "%.399s/%.40s.txt", dirs[d], names[id]);
			text = read_file(path, &missing, err, errlen);
			if (!text && !missing)
				goto bad; /* there, but unreadable: say so */
		}
		if (!text) {
			struct strbuf where;
			sb_init(&where);
			for (int d = 0; d < nd; d++)
				sb_printf(&where, "%s%s", d ? ", " : "", dirs[d]);
			snprintf(err, errlen, "no prompt template %s.txt (looked in %s)", names[id],
				 where.s ? where.s : "no directory");
			sb_free(&where);
			goto bad;
		}
		int rc = prompt_parse(path, text, &set[id], err, errlen);
		free(text);
		if (rc)
			goto bad;
		if (check_complete(id, &set[id], path, err, errlen))
			goto bad;
	}
	set_loaded = 1;
	return 0;
bad:
	for (int id = 0; id < PROMPT_COUNT; id++)
		prompt_tmpl_free(&set[id]);
	return -1;
}

int prompts_loaded(void) { return set_loaded; }

void prompts_free(void)
{
	for (int id = 0; id < PROMPT_COUNT; id++)
		prompt_tmpl_free(&set[id]);
	set_loaded = 0;
}

const struct prompt_tmpl *prompts_get(enum prompt_id id)
{
	return set_loaded && id < PROMPT_COUNT ? &set[id] : NULL;
}

static void add_list(cJSON *o, const char *key, const struct prompt_list *l)
{
	if (!l->n)
		return;
	cJSON *a = cJSON_AddArrayToObject(o, key);
	for (size_t i = 0; i < l->n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(l->v[i]));
}

cJSON *prompts_json(void)
{
	cJSON *o = cJSON_CreateObject();
	for (int id = 0; set_loaded && id < PROMPT_COUNT; id++) {
		const struct prompt_tmpl *t = &set[id];
		cJSON *p = cJSON_AddObjectToObject(o, names[id]);
		if (t->system)
			cJSON_AddStringToObject(p, "system", t->system);
		cJSON_AddStringToObject(p, "user", t->user);
		add_list(p, "stop", &t->stop);
		add_list(p, "tag", &t->tag);
		add_list(p, "good", &t->good);
		add_list(p, "bad", &t->bad);
	}
	return o;
}

const char *const *prompt_build(const struct request *r, struct strbuf *system, struct strbuf *user)
{
	sb_reset(system);
	sb_reset(user);
	sb_adds(system, "");
	sb_adds(user, "");
	const struct prompt_tmpl *t = prompts_get(prompt_for(r));
	if (!t)
		return NULL; /* not loaded: a programming error the tests catch */
	if (t->system)
		prompt_expand(t->system, r, t, r->nsteps, system);
	prompt_expand(t->user, r, t, r->nsteps, user);
	return t->stop.n ? (const char *const *)t->stop.v : NULL;
}

void prompt_build_logprob(const struct request *r, size_t upto, struct strbuf *out)
{
	sb_reset(out);
	sb_adds(out, "");
	const struct prompt_tmpl *t = prompts_get(PROMPT_PRM_LOGPROB);
	if (t)
		prompt_expand(t->user, r, t, upto, out);
}
