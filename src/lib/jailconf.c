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

/*
 * A section named by a number is the jail's jid, as in FreeBSD; a name
 * parameter there names the jail, which is otherwise named by its jid
 * (what FreeBSD's kernel does with a jail created without a name).
 */
static int numeric_section(const struct conf_jail *j, struct paramset *ps, struct perr *e)
{
	const struct conf_param *name = conf_jail_param(j, param_table[P_NAME].name);

	if (param_set(ps, P_JID, j->name, e) < 0)
		return -1;
	if (name && name->nvalues != 1)
		return perr_setx(e, EINVAL, "%s: name: takes one value", j->name);
	return param_set(ps, P_NAME, name ? name->values[0] : j->name, e);
}

int jailconf_params(const struct conf_jail *j, struct paramset *ps, struct perr *e)
{
	if ((j->numeric ? numeric_section(j, ps, e) : param_set(ps, P_NAME, j->name, e)) < 0)
		return -1;
	for (size_t i = 0; i < j->nparams; i++) {
		const struct conf_param *p = &j->params[i];
		if (param_parse_conf(ps, p->name, p->values, p->nvalues, e) < 0)
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

struct order {
	const struct conf *c;
	const char **all; /* configured jails */
	size_t nall;
	char *state;      /* per jail: 0 new, 1 on the path, 2 placed */
	struct conf_jail *jails; /* each jail resolved once, on first use */
	char *resolved;
	const char **out;
	size_t nout;
	struct perr *e;
};

static long index_of_n(const struct order *o, const char *name, size_t len)
{
	for (size_t i = 0; i < o->nall; i++)
		if (strncmp(o->all[i], name, len) == 0 && o->all[i][len] == '\0')
			return (long)i;
	return -1;
}

static long index_of(const struct order *o, const char *name)
{
	return index_of_n(o, name, strlen(name));
}

/*
 * The section of jail i's parent (web for web.php), or -1 if it has none
 * in the file.  A parent is made before its children and removed after
 * them, as FreeBSD orders them: it counts as a dependency.
 */
static long parent_of(const struct order *o, size_t i)
{
	const char *dot = strrchr(o->all[i], '.');

	return dot ? index_of_n(o, o->all[i], (size_t)(dot - o->all[i])) : -1;
}

/* The depend list of jail i (NULL if none); -1 in *r when the jail cannot be resolved. */
static const struct conf_param *deps_of(struct order *o, size_t i, struct perr *e, int *r)
{
	*r = 0;
	if (!o->resolved[i]) {
		if (conf_resolve(o->c, o->all[i], &o->jails[i], e) < 0) {
			*r = -1;
			return NULL;
		}
		o->resolved[i] = 1;
	}
	return conf_jail_param(&o->jails[i], param_table[P_DEPEND].name);
}

/* Depth first: a jail is placed after everything it depends on. */
static int visit(struct order *o, size_t i)
{
	const struct conf_param *dep;
	int r = 0;

	if (o->state[i] == 2)
		return 0;
	if (o->state[i] == 1)
		return perr_setx(o->e, ELOOP, "%s: depends on itself through depend", o->all[i]);
	o->state[i] = 1;
	dep = deps_of(o, i, o->e, &r);
	if (r < 0)
		return -1;
	if (parent_of(o, i) >= 0)
		r = visit(o, (size_t)parent_of(o, i));
	for (size_t k = 0; dep && k < dep->nvalues && r == 0; k++) {
		long d = index_of(o, dep->values[k]);
		if (d < 0)
			r = perr_setx(o->e, ENOENT, "%s: depends on \"%s\", which is not configured", o->all[i], dep->values[k]);
		else
			r = visit(o, (size_t)d);
	}
	if (r == 0) {
		o->state[i] = 2;
		o->out[o->nout++] = o->all[i];
	}
	return r;
}

/* Does jail i depend, directly or not, on one of the marked jails? */
static bool reaches(struct order *o, size_t i, const char *marked, char *seen)
{
	struct perr ignore = { 0 };
	const struct conf_param *dep;
	bool found = false;
	int r;

	if (marked[i])
		return true;
	if (seen[i])
		return false;
	seen[i] = 1;
	dep = deps_of(o, i, &ignore, &r);
	found = parent_of(o, i) >= 0 && reaches(o, (size_t)parent_of(o, i), marked, seen);
	for (size_t k = 0; dep && k < dep->nvalues && !found; k++) {
		long d = index_of(o, dep->values[k]);
		found = d >= 0 && reaches(o, (size_t)d, marked, seen);
	}
	return found;
}

static void order_free(struct order *o)
{
	for (size_t i = 0; o->resolved && i < o->nall; i++)
		if (o->resolved[i])
			conf_jail_free(&o->jails[i]);
	free(o->jails);
	free(o->resolved);
	free(o->out);
	free(o->state);
	free((void *)o->all);
}

static int order_init(struct order *o, const struct conf *c, size_t n, struct perr *e)
{
	*o = (struct order){ .c = c, .e = e };
	o->nall = conf_jail_names(c, &o->all);
	o->state = calloc(o->nall + 1, 1);
	o->resolved = calloc(o->nall + 1, 1);
	o->jails = calloc(o->nall + 1, sizeof(*o->jails));
	o->out = calloc(o->nall + n + 1, sizeof(char *));
	if (!o->all || !o->state || !o->resolved || !o->jails || !o->out)
		return perr_set(e, ENOMEM, "depend");
	return 0;
}

/* The jails asked for (all of them when none is named), marked. */
static int mark_names(const struct order *o, char *const *names, size_t n, char *marked, struct perr *e)
{
	if (n == 0)
		memset(marked, 1, o->nall);
	for (size_t i = 0; i < n; i++) {
		long k = index_of(o, names[i]);
		if (k < 0)
			return perr_setx(e, ENOENT, "%s: jail \"%s\" is not in the configuration", names[i], names[i]);
		marked[k] = 1;
	}
	return 0;
}

/* The creation order of everything, read backwards, kept where a marked jail is reached. */
static int order_for_remove(struct order *o, const char *marked, char *seen, struct perr *e)
{
	const char **all_order;
	size_t nall_order;

	for (size_t i = 0; i < o->nall; i++)
		if (visit(o, i) < 0)
			return -1;
	all_order = o->out;
	nall_order = o->nout;
	o->nout = 0;
	o->out = calloc(o->nall + 1, sizeof(char *));
	if (!o->out) {
		free(all_order);
		return perr_set(e, ENOMEM, "depend");
	}
	for (size_t i = nall_order; i-- > 0;) {
		size_t k = (size_t)index_of(o, all_order[i]);
		memset(seen, 0, o->nall);
		if (reaches(o, k, marked, seen))
			o->out[o->nout++] = all_order[i];
	}
	free(all_order);
	return 0;
}

int jailconf_order(const struct conf *c, char *const *names, size_t n, bool for_remove, const char ***ret,
		   size_t *ret_n, struct perr *e)
{
	struct order o;
	char *marked = NULL, *seen = NULL;
	int r = -1;

	if (order_init(&o, c, n, e) < 0)
		goto out;
	marked = calloc(o.nall + 1, 1);
	seen = calloc(o.nall + 1, 1);
	if (!marked || !seen) {
		perr_set(e, ENOMEM, "depend");
		goto out;
	}
	if (mark_names(&o, names, n, marked, e) < 0)
		goto out;
	if (for_remove) {
		if (order_for_remove(&o, marked, seen, e) < 0)
			goto out;
	} else {
		for (size_t i = 0; i < o.nall; i++)
			if (marked[i] && visit(&o, i) < 0)
				goto out;
	}
	*ret = TAKE_PTR(o.out);
	*ret_n = o.nout;
	r = 0;
out:
	order_free(&o);
	free(marked);
	free(seen);
	return r;
}
