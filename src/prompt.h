/* prompt: what canopy asks a model for each kind of request, as a system
 * and a user message (chat) or one text (completions). */
#ifndef CANOPY_PROMPT_H
#define CANOPY_PROMPT_H

#include "backend.h"
#include "util.h"

/* Fills system and user for r.  Returns the stop sequences to send
 * (NULL-terminated, static), or NULL when none. */
const char *const *prompt_build(const struct request *r, struct strbuf *system, struct strbuf *user);

#endif
