/* A parameter set as the words of a request to the host from inside a jail (nested.h). */
#ifndef PRISON_NESTWORDS_H
#define PRISON_NESTWORDS_H

#include <stddef.h>

#include "api.h"
#include "ctlmsg.h"
#include "error.h"
#include "param.h"

/*
 * A parameter set as the words of a request, which the host parses back
 * into the same set: "name=value" or a boolean's "name" / "a.noname" for
 * each parameter set; one "name=entry" word for each entry of a list
 * (exec.start ...), which the host appends in order; meta.KEY words for
 * the keys of a keyed meta or env; command= and its arguments last.
 * The words point into w's buffer.
 */
struct nest_words {
	char buf[CTL_NEST_MAX];
	const char *words[CTL_NEST_WORDS];
	size_t n, used;
};
/* Append one word to w; -1 with e set when the request would outgrow its bounds. */
PRISON_API int nest_word(struct nest_words *w, const char *word, struct perr *e);
PRISON_API int nest_param_words(const struct paramset *ps, struct nest_words *w, struct perr *e);
/*
 * The words of a request to make or change a child jail (w emptied first):
 * key, when given, then ps without the commands FreeBSD runs in the system
 * environment (exec.prepare, exec.prestart, exec.created, exec.poststart,
 * exec.prestop, exec.poststop, exec.release), which the asking jail runs
 * itself (nest_parent_hooks).
 */
PRISON_API int nest_request_words(const struct paramset *ps, const char *key, struct nest_words *w,
				  struct perr *e);

#endif
