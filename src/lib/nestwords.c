#include "nestwords.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int nest_word(struct nest_words *w, const char *word, struct perr *e)
{
	size_t len = strlen(word) + 1;

	if (w->n == CTL_NEST_WORDS || len > sizeof(w->buf) - w->used)
		return perr_setx(e, E2BIG, "the request is too long (at most %d words, %d bytes)", CTL_NEST_WORDS,
				 CTL_NEST_MAX);
	memcpy(w->buf + w->used, word, len);
	w->words[w->n++] = w->buf + w->used;
	w->used += len;
	return 0;
}

/* "name=value" into w, the value as it is. */
static int value_word(struct nest_words *w, const char *name, const char *value, struct perr *e)
{
	_cleanup_free_ char *word = NULL;

	if (asprintf(&word, "%s=%s", name, value) < 0)
		return perr_set(e, ENOMEM, "%s", name);
	return nest_word(w, word, e);
}

/* A keyed meta or env: its lines, oldest first, as name.KEY=value words, so that the host puts them back in order. */
static int keyed_words(struct nest_words *w, const char *name, const char *text, struct perr *e)
{
	size_t len = strlen(text);

	while (len > 0) {
		size_t start = len;
		while (start > 0 && text[start - 1] != '\n')
			start--;
		if (len > start) {
			_cleanup_free_ char *word = NULL;
			if (asprintf(&word, "%s.%.*s", name, (int)(len - start), text + start) < 0)
				return perr_set(e, ENOMEM, "%s", name);
			if (nest_word(w, word, e) < 0)
				return -1;
		}
		len = start > 0 ? start - 1 : 0;
	}
	return 0;
}

/* The words of one parameter other than a command. */
static int one_param_words(const struct paramset *ps, int id, struct nest_words *w, struct perr *e)
{
	const struct param_def *d = &param_table[id];
	const struct param_value *v = &ps->v[id];
	char word[300];

	if (d->type == PT_LIST) {
		for (char **a = v->argv; a && *a; a++)
			if (value_word(w, d->name, *a, e) < 0)
				return -1;
		return 0;
	}
	if (v->keyed)
		return keyed_words(w, d->name, v->str, e);
	if (d->type != PT_BOOL)
		return value_word(w, d->name, v->str, e);
	if (param_format(ps, id, false, word, sizeof(word)) < 0)
		return perr_setx(e, EINVAL, "%s", d->name);
	return nest_word(w, word, e);
}

int nest_param_words(const struct paramset *ps, struct nest_words *w, struct perr *e)
{
	for (int id = 0; id < P__COUNT; id++)
		if (ps->v[id].set && param_table[id].type != PT_ARGV && one_param_words(ps, id, w, e) < 0)
			return -1;
	for (int id = 0; id < P__COUNT; id++) {
		const struct param_value *v = &ps->v[id];
		if (!v->set || param_table[id].type != PT_ARGV || !v->argv || !v->argv[0])
			continue;
		if (value_word(w, param_table[id].name, v->argv[0], e) < 0)
			return -1;
		for (char **a = v->argv + 1; *a; a++)
			if (nest_word(w, *a, e) < 0)
				return -1;
	}
	return 0;
}

/* The commands FreeBSD runs in the system environment, which for a child is the jail that asks: run there, never sent. */
static const int parent_side[] = { P_EXEC_PREPARE, P_EXEC_PRESTART, P_EXEC_CREATED, P_EXEC_POSTSTART,
				   P_EXEC_PRESTOP,  P_EXEC_POSTSTOP, P_EXEC_RELEASE };

int nest_request_words(const struct paramset *ps, const char *key, struct nest_words *w, struct perr *e)
{
	struct paramset sent _cleanup_params_ = { 0 };

	w->n = w->used = 0;
	if (param_copy(&sent, ps) < 0)
		return perr_setx(e, ENOMEM, "parameters");
	for (size_t i = 0; i < ARRAY_SIZE(parent_side); i++)
		param_unset(&sent, parent_side[i]);
	if (key && nest_word(w, key, e) < 0)
		return -1;
	return nest_param_words(&sent, w, e);
}
