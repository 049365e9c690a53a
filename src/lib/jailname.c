#include "jailname.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

/* A name is a file name in the registry and a word in jls's output and the logs: no blank, no control character. */
static bool has_space_or_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return true;
	return false;
}

int jail_check_name(const char *name, int jid, struct perr *e)
{
	const char *last = strrchr(name, '.');
	long n;

	if (!*name)
		return perr_setx(e, EINVAL, "name: must not be empty");
	if (strlen(name) > 255)
		return perr_setx(e, EOVERFLOW, "name: too long");
	if (strpbrk(name, "/*") || has_space_or_control(name))
		return perr_setx(e, EINVAL, "name \"%s\": must not contain '/', '*' or white space", name);
	if (name[0] == '.' || (last && last[1] == '\0') || strstr(name, ".."))
		return perr_setx(e, EINVAL, "name \"%s\": an empty part before, after or between dots", name);
	last = last ? last + 1 : name;
	if (parse_long(last, 0, LONG_MAX, &n) && n != jid)
		return perr_setx(e, EINVAL, "name cannot be numeric (unless it is the jid)");
	return 0;
}

bool jail_name_parent(const char *name, char *buf, size_t len)
{
	const char *dot = strrchr(name, '.');

	if (!dot || len == 0)
		return false;
	snprintf(buf, len, "%.*s", (int)(dot - name), name);
	return true;
}
