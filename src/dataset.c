#include "dataset.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char *const names[] = {"auto", "gsm8k", "math500", "svamp", "gsmhard"};

const char *dataset_format_name(enum ds_format f)
{
	return (unsigned)f < sizeof names / sizeof names[0] ? names[f] : "?";
}

int dataset_format_parse(const char *s, enum ds_format *out)
{
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(s, names[i])) {
			*out = (enum ds_format)i;
			return 0;
		}
	return -1;
}

static const char *str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int has(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key) != NULL;
}

static enum ds_format detect(const cJSON *o)
{
	if (has(o, "question") && has(o, "answer"))
		return DS_GSM8K;
	if (has(o, "problem") && has(o, "answer"))
		return DS_MATH500;
	if (has(o, "Body") && has(o, "Question") && has(o, "Answer"))
		return DS_SVAMP;
	if (has(o, "input") && has(o, "target"))
		return DS_GSMHARD;
	return DS_AUTO;
}

/* A number as a gold answer: 145.0 is "145", 2.5 stays "2.5". */
static char *number_text(double v)
{
	char buf[64];
	if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, sizeof buf, "%.0f", v);
	else
		snprintf(buf, sizeof buf, "%.15g", v);
	return xstrdup(buf);
}

static const char *const needs[] = {
	NULL,
	"\"question\" and \"answer\" strings, the answer ending in \"#### N\" (GSM8K)",
	"\"problem\" and \"answer\" strings (MATH-500)",
	"\"Body\" and \"Question\" strings and a number \"Answer\" (SVAMP)",
	"an \"input\" string and a number \"target\" (GSM-Hard)",
};

/* One line's item, or a reason it is not one. */
static int item_of(const cJSON *o, enum ds_format f, size_t line, struct ds_item *it, char *why, size_t whylen)
{
	memset(it, 0, sizeof *it);
	it->line = line;
	char idbuf[32];
	snprintf(idbuf, sizeof idbuf, "%zu", line);
	switch (f) {
	case DS_GSM8K: {
		const char *q = str(o, "question"), *a = str(o, "answer");
		const char *h = a ? strstr(a, "####") : NULL;
		if (!q || !h)
			break;
		const char *g = h + 4;
		while (*g == ' ')
			g++;
		size_t gl = strcspn(g, "\n");
		while (gl && g[gl - 1] == ' ')
			gl--;
		if (!gl)
			break;
		it->problem = xstrdup(q);
		it->gold = xstrndup(g, gl);
		it->solution = xstrdup(a);
		it->id = xstrdup(idbuf);
		return 0;
	}
	case DS_MATH500: {
		const char *p = str(o, "problem"), *a = str(o, "answer"), *s = str(o, "solution");
		if (!p || !a)
			break;
		it->problem = xstrdup(p);
		it->gold = xstrdup(a);
		it->solution = s ? xstrdup(s) : NULL;
		const char *id = str(o, "unique_id");
		it->id = xstrdup(id ? id : idbuf);
		return 0;
	}
	case DS_SVAMP: {
		const char *b = str(o, "Body"), *q = str(o, "Question");
		const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "Answer");
		if (!b || !q || !cJSON_IsNumber(a))
			break;
		struct strbuf sb;
		sb_init(&sb);
		size_t bl = strlen(b);
		while (bl && b[bl - 1] == ' ')
			bl--;
		/* the body sometimes stops without its full stop */
		sb_printf(&sb, "%.*s%s %s", (int)bl, b, bl && strchr(".!?", b[bl - 1]) ? "" : ".", q);
		it->problem = sb_steal(&sb);
		it->gold = number_text(a->valuedouble);
		const char *id = str(o, "ID");
		it->id = xstrdup(id ? id : idbuf);
		return 0;
	}
	case DS_GSMHARD: {
		const char *in = str(o, "input");
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "target");
		if (!in || !cJSON_IsNumber(t))
			break;
		it->problem = xstrdup(in);
		it->gold = number_text(t->valuedouble);
		const cJSON *idx = cJSON_GetObjectItemCaseSensitive(o, "idx");
		if (cJSON_IsNumber(idx))
			snprintf(idbuf, sizeof idbuf, "%.0f", idx->valuedouble);
		it->id = xstrdup(idbuf);
		return 0;
	}
	default:
		break;
	}
	snprintf(why, whylen, "expected %s", f < DS_AUTO + 5 && needs[f] ? needs[f] : "a known format");
	return -1;
}

static void item_free(struct ds_item *it)
{
	free(it->id);
	free(it->problem);
	free(it->gold);
	free(it->solution);
}

int dataset_load(const char *path, enum ds_format format, struct dataset *ds, char *err, size_t errlen)
{
	memset(ds, 0, sizeof *ds);
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	char *line = NULL;
	size_t cap = 0, icap = 0, lineno = 0;
	ssize_t n;
	int rc = 0;
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		size_t l = (size_t)n;
		while (l && (line[l - 1] == '\n' || line[l - 1] == '\r'))
			l--;
		if (!l)
			continue; /* blank lines are nothing */
		cJSON *o = cJSON_ParseWithLength(line, l);
		if (!cJSON_IsObject(o)) {
			snprintf(err, errlen, "%s:%zu: not a JSON object", path, lineno);
			cJSON_Delete(o);
			rc = -1;
			break;
		}
		if (format == DS_AUTO) {
			format = detect(o);
			if (format == DS_AUTO) {
				snprintf(err, errlen,
					 "%s:%zu: not a data set canopy knows (GSM8K, MATH-500, SVAMP, GSM-Hard); "
					 "give --format",
					 path, lineno);
				cJSON_Delete(o);
				rc = -1;
				break;
			}
		}
		if (ds->n == icap) {
			icap = icap ? icap * 2 : 256;
			ds->v = xrealloc(ds->v, icap * sizeof *ds->v);
		}
		char why[200];
		if (item_of(o, format, lineno, &ds->v[ds->n], why, sizeof why)) {
			snprintf(err, errlen, "%s:%zu: %s", path, lineno, why);
			cJSON_Delete(o);
			rc = -1;
			break;
		}
		ds->n++;
		cJSON_Delete(o);
	}
	if (!rc && ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	free(line);
	fclose(f);
	if (!rc && !ds->n) {
		snprintf(err, errlen, "%s: no problems in it", path);
		rc = -1;
	}
	ds->format = format;
	if (rc)
		dataset_free(ds);
	return rc;
}

void dataset_free(struct dataset *ds)
{
	for (size_t i = 0; i < ds->n; i++)
		item_free(&ds->v[i]);
	free(ds->v);
	memset(ds, 0, sizeof *ds);
}

void dataset_select(struct dataset *ds, size_t offset, size_t limit, size_t sample, uint64_t seed)
{
	size_t from = offset < ds->n ? offset : ds->n;
	/* limit may be anything: compared with what is left, never added */
	size_t to = limit && limit < ds->n - from ? from + limit : ds->n;
	for (size_t i = 0; i < from; i++)
		item_free(&ds->v[i]);
	for (size_t i = to; i < ds->n; i++)
		item_free(&ds->v[i]);
	memmove(ds->v, ds->v + from, (to - from) * sizeof *ds->v);
	ds->n = to - from;
	if (!sample || sample >= ds->n)
		return;
	/* choose which to keep by a seeded shuffle of the indexes, then keep
	 * them in the set's order so runs read like the file */
	size_t *idx = xcalloc(ds->n, sizeof *idx);
	unsigned char *keep = xcalloc(ds->n, 1);
	for (size_t i = 0; i < ds->n; i++)
		idx[i] = i;
	struct rng r;
	rng_seed(&r, hash_u64(seed, 0x5a3e1e));
	for (size_t i = 0; i < sample; i++) {
		size_t j = i + (size_t)(rng_next(&r) % (ds->n - i));
		size_t t = idx[i];
		idx[i] = idx[j];
		idx[j] = t;
		keep[idx[i]] = 1;
	}
	size_t k = 0;
	for (size_t i = 0; i < ds->n; i++) {
		if (keep[i])
			ds->v[k++] = ds->v[i];
		else
			item_free(&ds->v[i]);
	}
	ds->n = k;
	free(idx);
	free(keep);
}
