/* prompt: what canopy asks a model for each kind of request.  The words
 * live in template files (src/prompts/, installed under
 * share/canopy/prompts), so a user can reword one by putting a file of the
 * same name in $XDG_CONFIG_HOME/canopy/prompts or a --prompts directory.
 *
 * A template file holds sections: "[system]" and "[user]" are text with
 * placeholders ({problem} {steps} {scored_steps} {tagged_steps} {next}
 * {feedback}, and {?steps}...{/steps} / {!steps}...{/steps} kept only when
 * there are / are not steps so far; "{{" is a brace); "[stop]", "[tag]",
 * "[good]" and "[bad]" are lists of quoted strings, one a line, with \n \r
 * \t \" \\ escapes.  Lines before the first section starting with '#' are
 * comments. */
#ifndef CANOPY_PROMPT_H
#define CANOPY_PROMPT_H

#include <cjson/cJSON.h>

#include "backend.h"
#include "util.h"

/* X(id, file name without .txt) */
#define PROMPT_NAMES(X)                   \
	X(STEP, "step")                   \
	X(SOLUTION, "solution")           \
	X(SUBQUESTION, "subquestion")     \
	X(REANSWER, "reanswer")           \
	X(REPHRASE, "rephrase")           \
	X(CRITIQUE, "critique")           \
	X(SELF_CRITIQUE, "self-critique") \
	X(REVIEW, "review")               \
	X(PRM_JUDGE, "prm-judge")         \
	X(REFINE, "refine")               \
	X(REVISE, "revise")               \
	X(JUDGE, "judge")                 \
	X(PRM_LOGPROB, "prm-logprob")

enum prompt_id {
#define X(id, name) PROMPT_##id,
	PROMPT_NAMES(X)
#undef X
	PROMPT_COUNT
};

struct prompt_list {
	char **v; /* NULL-terminated */
	size_t n;
};

struct prompt_tmpl {
	char *system, *user; /* system may be NULL: none */
	struct prompt_list stop, tag, good, bad;
	char *path; /* the file it came from */
	char *text; /* the file as it was read */
};

const char *prompt_name(enum prompt_id id);
/* Which template a request is asked with. */
enum prompt_id prompt_for(const struct request *r);

/* Parses one template file's text.  Returns 0, or -1 with
 * "PATH:LINE: what is wrong" in err. */
int prompt_parse(const char *path, const char *text, struct prompt_tmpl *out, char *err, size_t errlen);
void prompt_tmpl_free(struct prompt_tmpl *t);
/* Appends tmpl with r's values put in. */
void prompt_expand(const char *tmpl, const struct request *r, const struct prompt_tmpl *t,
		   size_t nsteps, struct strbuf *out);

/* Loads every template: each file from dir (if given), else the user's
 * $XDG_CONFIG_HOME/canopy/prompts, else the installed set, else the
 * source tree's.  Call once, before any worker thread starts; later calls
 * do nothing.  Returns 0, or -1 with a message. */
int prompts_load(const char *dir, char *err, size_t errlen);
/* The same, with the templates a trace header recorded (its
 * backend.prompts) taking the place of the files: a resumed run asks in
 * the words it began with. */
int prompts_load_recorded(const cJSON *recorded, const char *origin, const char *dir, char *err, size_t errlen);
int prompts_loaded(void);
void prompts_free(void);
const struct prompt_tmpl *prompts_get(enum prompt_id id);
/* Every template as the trace header records it. */
cJSON *prompts_json(void);

/* Fills system and user for r from the loaded templates.  Returns the stop
 * sequences to send (NULL-terminated), or NULL when none. */
const char *const *prompt_build(const struct request *r, struct strbuf *system, struct strbuf *user);
/* The raw text a logprob reward model reads: the problem and the first
 * upto steps, each followed by the step tag. */
void prompt_build_logprob(const struct request *r, size_t upto, struct strbuf *out);

#endif
