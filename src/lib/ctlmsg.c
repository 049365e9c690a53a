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
	else if (has_word(msg, n, "watch ", &at))
		ret->kind = CTL_MSG_WATCH;
	if (ret->kind == CTL_MSG_BAD)
		ret->arg = 0;
	return ret->kind;
}
