/* dialect: how each kind of model server is spoken to.  One entry a
 * server kind (--backend NAME): its routes, what a request body holds,
 * what its replies and streams look like, and what it can do (n samples
 * in one request, llama.cpp's slots).  Adding a server kind, or a quirk of
 * a real server, is one entry here; backend_openai reads only the table. */
#ifndef CANOPY_DIALECT_H
#define CANOPY_DIALECT_H

#include <cjson/cJSON.h>

#include "backend.h"

enum dialect_stream {
	DS_SSE_CHOICES, /* OpenAI: "data: {choices:[{delta}]}" events, then [DONE] */
	DS_SSE_NATIVE,  /* llama.cpp: "data: {content, stop}" events */
	DS_NDJSON,      /* Ollama: one object a line, "done": true at the end */
};

/* What one generation body is made of. */
struct dialect_gen {
	const struct request *r;
	const char *system, *user;
	const char *const *stop; /* NULL-terminated, or NULL */
	int chat;                /* OpenAI: the chat route, else completions */
	int n;                   /* samples in this call */
	int max_tokens;          /* the request's, lowered to fit the server's context */
	int sample_offset;       /* the first sample's number (its seed) */
	int slot;                /* llama.cpp's id_slot, -1: the server's choice */
	int stream;
	int judging;             /* a judge's greedy verdict, not a sample */
};

struct dialect {
	const char *name; /* --backend NAME and the trace's backend.kind */
	const char *doc;  /* one line for --help and canopy(1) */
	int native;       /* its own route, taking the prompt as raw text */
	int needs_model;  /* the route wants the server's model name */
	int takes_n;      /* n samples in one request (until the server refuses) */
	int ncmpl;        /* llama.cpp's n_cmpl: samples of one prompt in one call */
	const char *health; /* GET before the first request (ready?), or NULL */
	const char *props;  /* GET for the slot count (total_slots), or NULL */
	/* POST {messages} -> {prompt}: the model's chat template applied by
	 * the server, for a native route that takes raw text; or NULL */
	const char *template_route;
	int props_quiet;    /* a server without props is not worth a warning
			       (asked in case it is llama.cpp's /v1) */
	const char *route_chat, *route_text; /* generation */
	const char *route_score;             /* a logprob score */
	enum dialect_stream stream;
	/* what a server says when it refuses n > 1, whatever its status
	 * (llama.cpp's /v1 answers 500): then each sample is asked alone */
	const char *const *n_refusals;
	/* a native reply's, and a streamed object's, fields */
	const char *text_key, *done_key, *gen_tokens_key, *prompt_tokens_key;
	/* adds the dialect's fields to a generation body and to a logprob
	 * score's body (the model and prompt are in already) */
	void (*generate)(cJSON *body, const struct dialect_gen *g);
	void (*score)(cJSON *body, int slot);
};

extern const struct dialect dialect_openai, dialect_llamacpp, dialect_ollama;
/* Every dialect, NULL-terminated: --backend's choices, in order. */
extern const struct dialect *const dialect_list[];

/* By --backend name; NULL when none is called that. */
const struct dialect *dialect_lookup(const char *name);
/* "openai, llamacpp or ollama", for messages. */
const char *dialect_names(void);

#endif
