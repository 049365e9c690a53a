#include "jailenv.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* A line that is a variable: a name of letters, digits and '_', not starting with a digit, then '='. */
static size_t name_len(const char *line)
{
	size_t n = strspn(line, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

	if (n == 0 || line[n] != '=' || (line[0] >= '0' && line[0] <= '9'))
		return 0;
	return n;
}

static bool same_name(const char *var, const char *line, size_t n)
{
	return strncmp(var, line, n) == 0 && var[n] == '=';
}

/* The variables of env, each taking the place of base's of that name or a new one. */
static size_t add_lines(char *text, char **out, size_t k, size_t first, size_t max)
{
	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t n = name_len(line), i;
		if (n == 0)
			continue;
		for (i = first; i < k && !same_name(out[i], line, n); i++)
			;
		if (i < k)
			out[i] = line;
		else if (k < max - 1)
			out[k++] = line;
	}
	return k;
}

char **jailenv_merge(char *const *base, const char *env, char *text, size_t textlen, char **out, size_t max)
{
	size_t k = 0;

	if (max == 0)
		return out;
	for (; base && base[k] && k < max - 1; k++)
		out[k] = base[k];
	/* An env longer than text is given none of its variables rather than a cut one. */
	if (env && textlen > 0 && (size_t)snprintf(text, textlen, "%s", env) < textlen) {
		k = add_lines(text, out, k, 0, max);
	}
	out[k] = NULL;
	return out;
}
