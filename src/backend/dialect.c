/* dialect: the table of server kinds (see dialect.h), with each one's
 * request fields.  The seeds are cut to the width each server takes:
 * OpenAI-compatible servers 52 bits, llama.cpp and Ollama 31. */
#include "dialect.h"

#include <string.h>

#include "util.h"

static double seed_of(const struct dialect_gen *g, int drop_bits)
{
	return (double)(hash_u64(g->r->seed, (uint64_t)g->sample_offset) >> drop_bits);
}

static void add_stop(cJSON *o, const struct dialect_gen *g)
{
	if (!g->stop || g->judging)
		return;
	cJSON *st = cJSON_AddArrayToObject(o, "stop");
	for (const char *const *s = g->stop; *s; s++)
		cJSON_AddItemToArray(st, cJSON_CreateString(*s));
}

/* ---- OpenAI-compatible: vLLM, SGLang, llama.cpp's /v1, OpenAI ... ---- */

static void openai_generate(cJSON *b, const struct dialect_gen *g)
{
	const struct request *r = g->r;
	cJSON_AddNumberToObject(b, "n", g->n);
	/* scoring by a judge is greedy; generation samples */
	cJSON_AddNumberToObject(b, "temperature", g->judging ? 0 : r->temperature);
	cJSON_AddNumberToObject(b, "top_p", r->top_p);
	cJSON_AddNumberToObject(b, "max_tokens", g->max_tokens);
	cJSON_AddNumberToObject(b, "seed", seed_of(g, 12));
	add_stop(b, g);
	if (r->logprobs) {
		/* how likely each generated token was (PUCT's priors) */
		if (g->chat)
			cJSON_AddTrueToObject(b, "logprobs");
		else
			cJSON_AddNumberToObject(b, "logprobs", 1);
	}
	if (g->stream) {
		cJSON_AddTrueToObject(b, "stream");
		cJSON *so = cJSON_AddObjectToObject(b, "stream_options");
		cJSON_AddTrueToObject(so, "include_usage");
	}
}

static void openai_score(cJSON *b, int slot)
{
	(void)slot;
	cJSON_AddNumberToObject(b, "max_tokens", 1);
	cJSON_AddNumberToObject(b, "temperature", 0);
	cJSON_AddNumberToObject(b, "logprobs", 5); /* OpenAI's limit on completions */
}

static const char *const openai_n_refusals[] = {
	"Only one completion choice is allowed", /* llama.cpp's /v1 (HTTP 500) */
	NULL,
};

const struct dialect dialect_openai = {
	.name = "openai",
	.doc = "an OpenAI-compatible server (vLLM, SGLang, llama.cpp's /v1, OpenAI): chat or completions",
	.needs_model = 1,
	.takes_n = 1,
	.props = "/props", /* llama.cpp's /v1 is served beside it: its slots */
	.props_quiet = 1,
	.route_chat = "/v1/chat/completions",
	.route_text = "/v1/completions",
	.route_score = "/v1/completions",
	.stream = DS_SSE_CHOICES,
	.n_refusals = openai_n_refusals,
	.generate = openai_generate,
	.score = openai_score,
};

/* ---- llama.cpp's own /completion ---- */

static void llamacpp_generate(cJSON *b, const struct dialect_gen *g)
{
	const struct request *r = g->r;
	cJSON_AddNumberToObject(b, "n_predict", g->max_tokens);
	/* requests that share a prefix reuse the server's KV cache */
	cJSON_AddTrueToObject(b, "cache_prompt");
	if (g->slot >= 0)
		cJSON_AddNumberToObject(b, "id_slot", g->slot);
	if (g->n > 1)
		/* several samples of one prompt, sharing its evaluation, on
		 * builds that have it */
		cJSON_AddNumberToObject(b, "n_cmpl", g->n);
	if (r->logprobs)
		cJSON_AddNumberToObject(b, "n_probs", 1);
	cJSON_AddBoolToObject(b, "stream", g->stream);
	cJSON_AddNumberToObject(b, "temperature", g->judging ? 0 : r->temperature);
	cJSON_AddNumberToObject(b, "top_p", r->top_p);
	cJSON_AddNumberToObject(b, "seed", seed_of(g, 33));
	add_stop(b, g);
}

static void llamacpp_score(cJSON *b, int slot)
{
	cJSON_AddNumberToObject(b, "n_predict", 1);
	cJSON_AddNumberToObject(b, "n_probs", 10);
	/* older servers report probabilities after sampling: at temperature
	 * 1 those are the model's own */
	cJSON_AddNumberToObject(b, "temperature", 1);
	cJSON_AddTrueToObject(b, "cache_prompt");
	if (slot >= 0)
		cJSON_AddNumberToObject(b, "id_slot", slot);
	cJSON_AddFalseToObject(b, "stream");
}

const struct dialect dialect_llamacpp = {
	.name = "llamacpp",
	.doc = "llama.cpp's llama-server, native /completion: its slots, prompt cache and n_cmpl",
	.native = 1,
	.ncmpl = 1,
	.health = "/health",
	.props = "/props",
	.template_route = "/apply-template",
	.route_chat = "/completion",
	.route_text = "/completion",
	.route_score = "/completion",
	.stream = DS_SSE_NATIVE,
	.text_key = "content",
	.done_key = "stop",
	.gen_tokens_key = "tokens_predicted",
	.prompt_tokens_key = "tokens_evaluated",
	.generate = llamacpp_generate,
	.score = llamacpp_score,
};

/* ---- Ollama's /api/generate ---- */

static void ollama_generate(cJSON *b, const struct dialect_gen *g)
{
	const struct request *r = g->r;
	cJSON_AddBoolToObject(b, "stream", g->stream);
	if (r->logprobs)
		cJSON_AddTrueToObject(b, "logprobs");
	/* the sampling settings go in "options" */
	cJSON *opt = cJSON_AddObjectToObject(b, "options");
	cJSON_AddNumberToObject(opt, "num_predict", g->max_tokens);
	cJSON_AddNumberToObject(opt, "temperature", g->judging ? 0 : r->temperature);
	cJSON_AddNumberToObject(opt, "top_p", r->top_p);
	cJSON_AddNumberToObject(opt, "seed", seed_of(g, 33));
	add_stop(opt, g);
}

static void ollama_score(cJSON *b, int slot)
{
	(void)slot;
	cJSON_AddTrueToObject(b, "raw");
	cJSON_AddFalseToObject(b, "stream");
	cJSON_AddTrueToObject(b, "logprobs");
	cJSON_AddNumberToObject(b, "top_logprobs", 10);
	cJSON *opt = cJSON_AddObjectToObject(b, "options");
	cJSON_AddNumberToObject(opt, "num_predict", 1);
	cJSON_AddNumberToObject(opt, "temperature", 0);
}

const struct dialect dialect_ollama = {
	.name = "ollama",
	.doc = "Ollama's /api/generate (its /v1 is --backend openai)",
	.native = 1,
	.needs_model = 1,
	.route_chat = "/api/generate",
	.route_text = "/api/generate",
	.route_score = "/api/generate",
	.stream = DS_NDJSON,
	.text_key = "response",
	.done_key = "done",
	.gen_tokens_key = "eval_count",
	.prompt_tokens_key = "prompt_eval_count",
	.generate = ollama_generate,
	.score = ollama_score,
};

const struct dialect *const dialect_list[] = {&dialect_openai, &dialect_llamacpp, &dialect_ollama, NULL};

const struct dialect *dialect_lookup(const char *name)
{
	for (const struct dialect *const *d = dialect_list; name && *d; d++)
		if (!strcmp((*d)->name, name))
			return *d;
	return NULL;
}

const char *dialect_names(void)
{
	static char buf[128];
	if (!buf[0]) {
		size_t n = 0;
		while (dialect_list[n])
			n++;
		for (size_t i = 0; i < n; i++)
			snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", dialect_list[i]->name,
				 i + 2 < n ? ", " : i + 1 < n ? " or " : "");
	}
	return buf;
}

