#include "jailconf.h"

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

int jailconf_load(struct conf *c, const char *file, struct perr *e)
{
	glob_t g;
	bool any = false;

	if (file)
		return conf_parse_file(c, file, e);
	if (access(JAIL_CONF, F_OK) == 0) {
		if (conf_parse_file(c, JAIL_CONF, e) < 0)
			return -1;
		any = true;
	}
	if (glob(JAIL_CONF_DIR "/*.conf", 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++) {
			if (conf_parse_file(c, g.gl_pathv[i], e) < 0) {
				globfree(&g);
				return -1;
			}
			any = true;
		}
		globfree(&g);
	}
	if (!any)
		return perr_set(e, ENOENT, "%s", JAIL_CONF);
	return 0;
}

/* jail.conf parameters of FreeBSD that prison does not carry out yet: refused by name. */
static const char *const later[] = {
	"exec.clean", "exec.system_jail_user", "exec.consolelog", "exec.fib", "mount", "mount.fstab", "mount.devfs",
	"mount.fdescfs", "mount.procfs", "ip4", "ip6", "ip4.addr", "ip6.addr", "ip4.saddrsel",
	"ip6.saddrsel", "ip4.nosaddrsel", "ip6.nosaddrsel", "interface", "vnet", "vnet.interface",
	"ip_hostname", "depend", "cpuset.id", "host.hostuuid", "host.hostid",
};

int jailconf_params(const struct conf_jail *j, struct paramset *ps, struct perr *e)
{
	char word[4096];
	int used;

	if (param_set(ps, P_NAME, j->name, e) < 0)
		return -1;
	for (size_t i = 0; i < j->nparams; i++) {
		const struct conf_param *p = &j->params[i];
		const char *name = p->name;
		if (strcmp(name, "name") == 0)
			continue;
		for (size_t k = 0; k < ARRAY_SIZE(later); k++)
			if (strcmp(name, later[k]) == 0)
				return perr_set(e, 0, "%s: not supported yet", name);
		/* In jail.conf, command is exec.start: a command line for /bin/sh. */
		if (strcmp(name, "command") == 0)
			name = "exec.start";
		int id = param_lookup(name);
		if (id >= 0 && param_table[id].type == PT_LIST) {
			/* Each value is one command: no joining, commas stay in the commands. */
			if (p->nvalues == 0)
				return perr_set(e, 0, "%s: missing value", name);
			if (param_set_argv(ps, id, p->values, (int)p->nvalues, e) < 0)
				return -1;
			continue;
		}
		if (p->nvalues == 0) {
			snprintf(word, sizeof(word), "%s", name);
		} else {
			size_t n = (size_t)snprintf(word, sizeof(word), "%s=", name);
			for (size_t v = 0; v < p->nvalues && n < sizeof(word); v++)
				n += (size_t)snprintf(word + n, sizeof(word) - n, "%s%s", v ? "," : "", p->values[v]);
			if (n >= sizeof(word))
				return perr_set(e, 0, "%s: value too long", name);
		}
		if (param_parse_word(ps, word, NULL, 0, &used, e) < 0)
			return -1;
	}
	return 0;
}

void jailconf_print_value(FILE *f, const char *s)
{
	int q = !*s ? '"' : strchr(s, '\'') ? '"' : strchr(s, '"') ? '\'' : strpbrk(s, " \t") ? '"' : 0;

	if (q)
		putc(q, f);
	for (; *s; s++) {
		if (*s == '\\' || *s == q)
			putc('\\', f);
		putc(*s, f);
	}
	if (q)
		putc(q, f);
}
