/*
 * meta.KEY and env.KEY, FreeBSD 15's keys within the meta and env
 * parameters.  Each parameter is a text of lines; a line "KEY=value" is
 * key KEY (only the first '=' is syntax), a line without '=' is no key's.
 * Setting a key drops its old line and puts "KEY=value" first, so the
 * newest key leads, as FreeBSD's kernel keeps it; "meta.KEY" alone sets
 * it empty.  Reading a key that is not there gives "".
 *
 * On jail -m the keys given apply to the jail's text as it is then, in
 * the order given: a paramset whose meta holds only keys (keyed) carries
 * them as a fragment of lines, which jail_kv_merge puts in front of the
 * jail's text, dropping the lines of the same keys.
 */
#include "jailkv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int jail_kv_id(const char *name, const char **ret_key)
{
	static const struct {
		const char *prefix;
		int id;
	} kv[] = { { "meta.", P_META }, { "env.", P_ENV } };

	for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++) {
		size_t n = strlen(kv[i].prefix);
		if (strncmp(name, kv[i].prefix, n) == 0 && name[n] != '\0') {
			*ret_key = name + n;
			return kv[i].id;
		}
	}
	return -1;
}

/* The key of a line: its length up to the first '=', or 0 for a line without one. */
static size_t line_key(const char *line, size_t len)
{
	const char *eq = memchr(line, '=', len);

	return eq ? (size_t)(eq - line) : 0;
}

/* Does the line's key appear among the keyed lines of frag? */
static bool key_in(const char *frag, const char *line, size_t len)
{
	size_t k = line_key(line, len);

	if (k == 0)
		return false;
	for (const char *p = frag; *p;) {
		size_t l = strcspn(p, "\n");
		if (line_key(p, l) == k && memcmp(p, line, k) == 0)
			return true;
		p += l + (p[l] == '\n');
	}
	return false;
}

static int append(char *out, size_t len, size_t *at, const char *s, size_t n, struct perr *e)
{
	if (*at && *at + 1 < len)
		out[(*at)++] = '\n';
	if (*at + n >= len)
		return perr_setx(e, EFBIG, "too large (at most %d bytes)", PARAM_META_MAX - 1);
	memcpy(out + *at, s, n);
	*at += n;
	out[*at] = '\0';
	return 0;
}

int jail_kv_merge(const char *frag, const char *base, char *out, size_t len, struct perr *e)
{
	size_t at = 0;

	out[0] = '\0';
	if (*frag && append(out, len, &at, frag, strlen(frag), e) < 0)
		return -1;
	for (const char *p = base ? base : ""; *p;) {
		size_t l = strcspn(p, "\n");
		if (l && !key_in(frag, p, l) && append(out, len, &at, p, l, e) < 0)
			return -1;
		p += l + (p[l] == '\n');
	}
	return 0;
}

int jail_kv_put(const char *base, const char *key, const char *value, char *out, size_t len, struct perr *e)
{
	char line[PARAM_META_MAX + 1];

	if ((size_t)snprintf(line, sizeof(line), "%s=%s", key, value) >= sizeof(line))
		return perr_setx(e, EFBIG, "too large (at most %d bytes)", PARAM_META_MAX - 1);
	if (strchr(key, '\n') || strchr(value, '\n'))
		return perr_setx(e, EINVAL, "a key and its value are one line");
	return jail_kv_merge(line, base, out, len, e);
}

void jail_kv_get(const char *text, const char *key, char *out, size_t len)
{
	size_t k = strlen(key);

	out[0] = '\0';
	for (const char *p = text ? text : ""; *p;) {
		size_t l = strcspn(p, "\n");
		if (line_key(p, l) == k && memcmp(p, key, k) == 0) {
			snprintf(out, len, "%.*s", (int)(l - k - 1), p + k + 1);
			return;
		}
		p += l + (p[l] == '\n');
	}
}
