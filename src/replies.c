#include "replies.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linefile.h"
#include "util.h"

void replies_path(const char *trace, char *out, size_t len)
{
	snprintf(out, len, "%s.replies", trace);
}

/* ---- writing ---- */

struct replies_writer {
	struct linefile out;
};

static struct replies_writer *writer_new(int fd, const char *path)
{
	struct replies_writer *w = xcalloc(1, sizeof *w);
	linefile_init(&w->out, fd, path);
	return w;
}

struct replies_writer *replies_writer_create(const char *path, const char *created, char *err, size_t errlen)
{
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	struct replies_writer *w = writer_new(fd, path);
	sb_printf(&w->out.line, "{\"canopy_replies\":%d,\"created\":", REPLIES_VERSION);
	sb_add_json_string(&w->out.line, created, strlen(created));
	sb_adds(&w->out.line, "}\n");
	if (linefile_write(&w->out)) {
		snprintf(err, errlen, "%s", linefile_error(&w->out));
		replies_writer_close(w);
		return NULL;
	}
	return w;
}

struct replies_writer *replies_writer_reopen(int fd, const char *path, uint64_t keep, char *err, size_t errlen)
{
	if (fd < 0)
		fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || ftruncate(fd, (off_t)keep) || lseek(fd, 0, SEEK_END) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	return writer_new(fd, path);
}

int replies_writer_put(struct replies_writer *w, const struct request *r, uint64_t seq)
{
	if (w->out.failed)
		return -1;
	struct strbuf *b = &w->out.line;
	sb_reset(b);
	static const char *const status[] = {"pending", "ok", "failed", "cancelled"};
	sb_printf(b, "{\"seq\":%llu,\"kind\":\"%s\",\"node\":%d,\"status\":\"%s\"", (unsigned long long)seq,
		  req_kind_name(r->kind), r->node, status[r->status]);
	if (r->ntexts) {
		sb_adds(b, ",\"texts\":[");
		for (size_t i = 0; i < r->ntexts; i++) {
			if (i)
				sb_addc(b, ',');
			sb_add_json_string(b, r->texts[i], strlen(r->texts[i]));
		}
		sb_adds(b, "],\"tokens\":[");
		for (size_t i = 0; i < r->ntexts; i++)
			sb_printf(b, "%s%u", i ? "," : "", r->tokens ? r->tokens[i] : 0);
		sb_addc(b, ']');
		if (r->lps) {
			sb_adds(b, ",\"lps\":[");
			for (size_t i = 0; i < r->ntexts; i++) {
				if (i)
					sb_addc(b, ',');
				sb_add_json_number(b, r->lps[i]);
			}
			sb_addc(b, ']');
		}
	}
	if (r->nscores) {
		sb_adds(b, ",\"scores\":[");
		for (size_t i = 0; i < r->nscores; i++) {
			if (i)
				sb_addc(b, ',');
			sb_add_json_number(b, r->scores[i]);
		}
		sb_addc(b, ']');
	}
	sb_printf(b, ",\"gen\":%u,\"prompt\":%u", r->gen_tokens, r->prompt_tokens);
	if (r->estimated)
		sb_adds(b, ",\"estimated\":true");
	if (r->status == REQ_FAILED) {
		const char *e = r->error ? r->error : "";
		sb_adds(b, ",\"error\":");
		sb_add_json_string(b, e, strlen(e));
		if (r->fatal)
			sb_adds(b, ",\"fatal\":true");
	}
	sb_adds(b, "}\n");
	return linefile_write(&w->out);
}

const char *replies_writer_error(const struct replies_writer *w)
{
	return linefile_error(&w->out);
}

void replies_writer_close(struct replies_writer *w)
{
	if (!w)
		return;
	linefile_close(&w->out);
	free(w);
}

/* ---- reading ---- */

static int bad(char *err, size_t errlen, const char *path, size_t line, const char *what)
{
	snprintf(err, errlen, "%s:%zu: %s", path, line, what);
	return -1;
}

static int kind_of(const char *name, enum req_kind *k)
{
	for (int i = 0; i < REQ_KIND_COUNT; i++)
		if (!strcmp(name, req_kind_name((enum req_kind)i))) {
			*k = (enum req_kind)i;
			return 0;
		}
	return -1;
}

static int parse_reply(const cJSON *j, struct reply *p, char *why, size_t whylen)
{
	const cJSON *seq = cJSON_GetObjectItemCaseSensitive(j, "seq");
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(j, "kind");
	const cJSON *node = cJSON_GetObjectItemCaseSensitive(j, "node");
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(j, "status");
	if (!cJSON_IsNumber(seq) || !cJSON_IsString(kind) || !cJSON_IsNumber(node) || !cJSON_IsString(st)) {
		snprintf(why, whylen, "a reply needs \"seq\", \"kind\", \"node\" and \"status\"");
		return -1;
	}
	if (kind_of(kind->valuestring, &p->kind)) {
		snprintf(why, whylen, "unknown request kind \"%.40s\"", kind->valuestring);
		return -1;
	}
	p->seq = util_u64(seq->valuedouble);
	p->node = util_i32(node->valuedouble);
	if (!strcmp(st->valuestring, "ok"))
		p->status = REQ_OK;
	else if (!strcmp(st->valuestring, "failed"))
		p->status = REQ_FAILED;
	else if (!strcmp(st->valuestring, "cancelled"))
		p->status = REQ_CANCELLED;
	else {
		snprintf(why, whylen, "unknown status \"%.40s\"", st->valuestring);
		return -1;
	}
	const cJSON *texts = cJSON_GetObjectItemCaseSensitive(j, "texts");
	const cJSON *tokens = cJSON_GetObjectItemCaseSensitive(j, "tokens");
	int nt = cJSON_GetArraySize(texts);
	if (texts && (!cJSON_IsArray(texts) || !cJSON_IsArray(tokens) || cJSON_GetArraySize(tokens) != nt)) {
		snprintf(why, whylen, "\"texts\" and \"tokens\" must be arrays of one length");
		return -1;
	}
	if (nt > 0) {
		p->texts = xcalloc((size_t)nt, sizeof *p->texts);
		p->tokens = xcalloc((size_t)nt, sizeof *p->tokens);
		for (int i = 0; i < nt; i++) {
			const cJSON *t = cJSON_GetArrayItem(texts, i), *k = cJSON_GetArrayItem(tokens, i);
			if (!cJSON_IsString(t) || !cJSON_IsNumber(k)) {
				snprintf(why, whylen, "a text must be a string and its tokens a number");
				return -1;
			}
			p->texts[i] = xstrdup(t->valuestring);
			p->tokens[i] = util_u32(k->valuedouble);
			p->ntexts++;
		}
		const cJSON *lps = cJSON_GetObjectItemCaseSensitive(j, "lps");
		if (lps) {
			if (!cJSON_IsArray(lps) || cJSON_GetArraySize(lps) != nt) {
				snprintf(why, whylen, "\"lps\" must be an array as long as \"texts\"");
				return -1;
			}
			p->lps = xcalloc((size_t)nt, sizeof *p->lps);
			for (int i = 0; i < nt; i++) {
				const cJSON *v = cJSON_GetArrayItem(lps, i);
				p->lps[i] = cJSON_IsNumber(v) ? v->valuedouble : NAN;
			}
		}
	}
	const cJSON *scores = cJSON_GetObjectItemCaseSensitive(j, "scores");
	int ns = cJSON_GetArraySize(scores);
	if (scores && !cJSON_IsArray(scores)) {
		snprintf(why, whylen, "\"scores\" must be an array");
		return -1;
	}
	if (ns > 0) {
		p->scores = xcalloc((size_t)ns, sizeof *p->scores);
		for (int i = 0; i < ns; i++) {
			const cJSON *v = cJSON_GetArrayItem(scores, i);
			p->scores[i] = cJSON_IsNumber(v) ? v->valuedouble : NAN;
		}
		p->nscores = (size_t)ns;
	}
	const cJSON *gen = cJSON_GetObjectItemCaseSensitive(j, "gen");
	const cJSON *prompt = cJSON_GetObjectItemCaseSensitive(j, "prompt");
	p->gen_tokens = cJSON_IsNumber(gen) ? util_u32(gen->valuedouble) : 0;
	p->prompt_tokens = cJSON_IsNumber(prompt) ? util_u32(prompt->valuedouble) : 0;
	p->estimated = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "estimated"));
	p->fatal = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "fatal"));
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
	if (cJSON_IsString(e))
		p->error = xstrdup(e->valuestring);
	return 0;
}

static void reply_free(struct reply *p)
{
	for (size_t i = 0; i < p->ntexts; i++)
		free(p->texts[i]);
	free(p->texts);
	free(p->tokens);
	free(p->lps);
	free(p->scores);
	free(p->error);
}

int replies_load(const char *path, const char *created, struct replies *out, char *err, size_t errlen,
		 char *warn, size_t warnlen)
{
	memset(out, 0, sizeof *out);
	if (warn && warnlen)
		warn[0] = '\0';
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	struct strbuf all;
	sb_init(&all);
	int unread = sb_add_file(&all, f, 0);
	fclose(f);
	if (unread) {
		snprintf(err, errlen, "%s: read error", path);
		sb_free(&all);
		return -1;
	}
	size_t cap = 0, line = 0;
	const char *p = all.s, *endp = all.s + all.len;
	char why[300];
	int rc = 0;
	while (p < endp) {
		const char *nl = memchr(p, '\n', (size_t)(endp - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(endp - p);
		line++;
		cJSON *j = cJSON_ParseWithLength(p, len);
		if (!j) {
			if (!nl) {
				/* an interrupted writer leaves at most this */
				if (warn)
					snprintf(warn, warnlen, "%s:%zu: warning: torn last line ignored", path, line);
				break;
			}
			rc = bad(err, errlen, path, line, "not a JSON object");
			break;
		}
		if (line == 1) {
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "canopy_replies");
			const cJSON *c = cJSON_GetObjectItemCaseSensitive(j, "created");
			if (!cJSON_IsNumber(v) || v->valuedouble != REPLIES_VERSION)
				rc = bad(err, errlen, path, line, "not a canopy replies file (version 1)");
			else if (!cJSON_IsString(c) || (created && strcmp(c->valuestring, created)))
				rc = bad(err, errlen, path, line,
					 "these replies belong to another run (their \"created\" differs from the trace's)");
			out->header_end = (uint64_t)(p - all.s) + len + (nl ? 1 : 0);
		} else {
			if (out->n == cap) {
				cap = cap ? cap * 2 : 256;
				out->v = xrealloc(out->v, cap * sizeof *out->v);
			}
			struct reply *rp = &out->v[out->n];
			memset(rp, 0, sizeof *rp);
			if (parse_reply(j, rp, why, sizeof why)) {
				reply_free(rp);
				rc = bad(err, errlen, path, line, why);
			} else {
				rp->end = (uint64_t)(p - all.s) + len + (nl ? 1 : 0);
				out->n++;
			}
		}
		cJSON_Delete(j);
		if (rc)
			break;
		if (!nl)
			break;
		p = nl + 1;
	}
	if (!rc && line == 0)
		rc = bad(err, errlen, path, 1, "empty: no header line");
	sb_free(&all);
	if (rc)
		replies_free(out);
	return rc;
}

void replies_free(struct replies *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		reply_free(&rs->v[i]);
	free(rs->v);
	memset(rs, 0, sizeof *rs);
}

void replies_truncate(struct replies *rs, size_t n)
{
	for (size_t i = n; i < rs->n; i++)
		reply_free(&rs->v[i]);
	if (n < rs->n)
		rs->n = n;
}

void reply_fill(const struct reply *rep, struct request *r)
{
	request_clear_results(r);
	r->status = rep->status;
	r->fatal = rep->fatal;
	r->estimated = rep->estimated;
	r->gen_tokens = rep->gen_tokens;
	r->prompt_tokens = rep->prompt_tokens;
	if (rep->error)
		r->error = xstrdup(rep->error);
	if (rep->ntexts) {
		r->texts = xcalloc(rep->ntexts, sizeof *r->texts);
		r->tokens = xcalloc(rep->ntexts, sizeof *r->tokens);
		for (size_t i = 0; i < rep->ntexts; i++) {
			r->texts[i] = xstrdup(rep->texts[i]);
			r->tokens[i] = rep->tokens[i];
		}
		r->ntexts = rep->ntexts;
		if (rep->lps) {
			r->lps = xcalloc(rep->ntexts, sizeof *r->lps);
			memcpy(r->lps, rep->lps, rep->ntexts * sizeof *r->lps);
		}
	}
	if (rep->nscores) {
		r->scores = xcalloc(rep->nscores, sizeof *r->scores);
		memcpy(r->scores, rep->scores, rep->nscores * sizeof *r->scores);
		r->nscores = rep->nscores;
	}
}
