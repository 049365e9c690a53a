#include "ctlmsg.h"

#include <string.h>

/* A decimal number of at most six digits, no sign, no blank, within max. */
static int decimal(const char *s, size_t n, long max, long *ret)
{
	long v = 0;

	if (n == 0 || n > 6)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v > max)
		return -1;
	*ret = v;
	return 0;
}

static int has_word(const char *msg, size_t n, const char *word, size_t *rest)
{
	size_t len = strlen(word);

	if (n < len || memcmp(msg, word, len) != 0)
		return 0;
	*rest = len;
	return 1;
}

enum ctl_msg_kind ctl_msg_decode(const char *msg, size_t n, struct ctl_msg *ret)
{
	size_t at;

	ret->kind = CTL_MSG_BAD;
	ret->arg = 0;
	if (memchr(msg, '\0', n))
		return CTL_MSG_BAD;
	if (n == 4 && memcmp(msg, "hold", 4) == 0)
		ret->kind = CTL_MSG_HOLD;
	else if (n == 7 && memcmp(msg, "release", 7) == 0)
		ret->kind = CTL_MSG_RELEASE;
	else if (has_word(msg, n, "persist ", &at) && decimal(msg + at, n - at, 1, &ret->arg) == 0 && n - at == 1)
		ret->kind = CTL_MSG_PERSIST;
	else if (has_word(msg, n, "stop ", &at) && decimal(msg + at, n - at, CTL_STOP_MAX, &ret->arg) == 0)
		ret->kind = CTL_MSG_STOP;
	else if (has_word(msg, n, "children ", &at) && decimal(msg + at, n - at, 999999, &ret->arg) == 0)
		ret->kind = CTL_MSG_CHILDREN;
	else if (has_word(msg, n, "watch ", &at))
		ret->kind = CTL_MSG_WATCH;
	if (ret->kind == CTL_MSG_BAD)
		ret->arg = 0;
	return ret->kind;
}

static const char *const nest_verbs[CTL_NEST__COUNT] = {
	[CTL_NEST_CREATE] = "create", [CTL_NEST_MODIFY] = "modify", [CTL_NEST_REMOVE] = "remove",
	[CTL_NEST_LIST] = "list",     [CTL_NEST_EXEC] = "exec",
};

enum ctl_nest_verb ctl_nest_decode(const char *msg, size_t n, struct ctl_nest *ret)
{
	const char *end = msg + n, *word;
	size_t at;

	ret->verb = CTL_NEST_BAD;
	ret->nwords = 0;
	if (n == 0 || n > CTL_NEST_MAX || msg[n - 1] != '\0')
		return CTL_NEST_BAD;
	at = strlen(msg) + 1;
	for (int v = CTL_NEST_CREATE; v < CTL_NEST__COUNT; v++)
		if (strcmp(msg, nest_verbs[v]) == 0)
			ret->verb = (enum ctl_nest_verb)v;
	if (ret->verb == CTL_NEST_BAD)
		return CTL_NEST_BAD;
	/* The last byte is a NUL, so every strlen below ends inside the packet. */
	for (word = msg + at; word < end; word += strlen(word) + 1) {
		if (ret->nwords == CTL_NEST_WORDS) {
			ret->verb = CTL_NEST_BAD;
			ret->nwords = 0;
			return CTL_NEST_BAD;
		}
		ret->words[ret->nwords++] = word;
	}
	if (ret->verb == CTL_NEST_LIST && ret->nwords > 0) {
		ret->verb = CTL_NEST_BAD;
		ret->nwords = 0;
	}
	return ret->verb;
}

size_t ctl_nest_encode(enum ctl_nest_verb verb, const char *const *words, size_t nwords, char *buf, size_t len)
{
	size_t at = 0;

	if (verb <= CTL_NEST_BAD || verb >= CTL_NEST__COUNT || nwords > CTL_NEST_WORDS)
		return 0;
	if (len > CTL_NEST_MAX)
		len = CTL_NEST_MAX;
	for (size_t i = 0; i <= nwords; i++) {
		const char *w = i == 0 ? nest_verbs[verb] : words[i - 1];
		size_t wl = strlen(w) + 1;
		if (wl > len - at)
			return 0;
		memcpy(buf + at, w, wl);
		at += wl;
	}
	return at;
}
