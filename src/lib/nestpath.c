#include "nestpath.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* path, made canonical: absolute, no "." or empty part, and no ".." (which would leave the string's meaning). */
int nest_path_canonical(const char *path, char *out, size_t len, struct perr *e)
{
	size_t o = 0;

	if (path[0] != '/')
		return perr_setx(e, EINVAL, "path \"%s\": not an absolute path", path);
	for (const char *p = path; *p;) {
		const char *end;
		while (*p == '/')
			p++;
		end = strchrnul(p, '/');
		if (end == p)
			break;
		if (end - p == 2 && p[0] == '.' && p[1] == '.')
			return perr_setx(e, EINVAL, "path \"%s\": \"..\" is not taken inside a jail", path);
		if (!(end - p == 1 && p[0] == '.')) {
			if (o + (size_t)(end - p) + 2 > len)
				return perr_setx(e, ENAMETOOLONG, "path \"%s\": too long", path);
			out[o++] = '/';
			memcpy(out + o, p, (size_t)(end - p));
			o += (size_t)(end - p);
		}
		p = end;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return 0;
}

const char *nest_relative(const char *parent, const char *full)
{
	size_t n = strlen(parent);

	return strncmp(full, parent, n) == 0 && full[n] == '.' && full[n + 1] ? full + n + 1 : full;
}

void nest_rewrite(const char *parent, const char *msg, char *out, size_t len)
{
	char pat[300];
	size_t o = 0, pl = (size_t)snprintf(pat, sizeof(pat), "\"%s.", parent);

	if (len == 0)
		return;
	for (const char *m = msg; *m && o < len - 1;) {
		if (pl < sizeof(pat) && strncmp(m, pat, pl) == 0) {
			out[o++] = '"';
			m += pl;
		} else {
			out[o++] = *m++;
		}
	}
	out[o] = '\0';
}
