/* One resolved jail of a jail.conf text as a line, for compact checks of the parser. */
#ifndef PRISON_TEST_CONFSHOW_H
#define PRISON_TEST_CONFSHOW_H

#include <stdio.h>
#include <string.h>

#include "../../src/lib/conf.h"

/* "name=value<sep>value param ..." of jail in text, or "ERROR message". */
static inline char *conf_show(const char *text, const char *jail, char sep)
{
	static char out[4096];
	struct conf c = { 0 };
	struct conf_jail j;
	struct perr e = { 0 };
	size_t n = 0;

	out[0] = '\0';
	if (conf_parse_string(&c, text, strlen(text), "t.conf", &e) < 0 || conf_resolve(&c, jail, &j, &e) < 0) {
		snprintf(out, sizeof(out), "ERROR %s", e.msg);
		conf_free(&c);
		return out;
	}
	for (size_t i = 0; i < j.nparams; i++) {
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s", i ? " " : "", j.params[i].name);
		for (size_t v = 0; v < j.params[i].nvalues; v++)
			n += (size_t)snprintf(out + n, sizeof(out) - n, "%c%s", v ? sep : '=', j.params[i].values[v]);
	}
	conf_jail_free(&j);
	conf_free(&c);
	return out;
}

#endif
