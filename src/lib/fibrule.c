#include "fibrule.h"

#include <stdlib.h>
#include <sys/socket.h>

#include "idrange.h"
#include "netlink.h"
#include "util.h"

static const int families[] = { AF_INET, AF_INET6 };

int fibrule_check(const struct paramset *ps, struct perr *e)
{
	long fib = param_int(ps, P_EXEC_FIB);

	if (fib >= 253 && fib <= 255)
		return perr_setx(e, EINVAL, "exec.fib: %ld is one of the kernel's own tables (253 to 255)", fib);
	return 0;
}

static struct nl_rule rule_of(const struct jail_record *rec, int family)
{
	return (struct nl_rule){ .family = family,
				 .table = (uint32_t)param_int(&rec->params, P_EXEC_FIB),
				 .priority = FIB_RULE_PRIORITY,
				 .by_uid = true,
				 .uid_start = (uint32_t)rec->uid_base,
				 .uid_end = (uint32_t)(rec->uid_base + (IDRANGE_SIZE - 1)) };
}

/* Rules of prison's are the ones at its priority whose uid range is one of the pool. */
static unsigned long base_of(const struct nl_rule *r)
{
	return r->by_uid ? idrange_base_of(r->uid_start, r->uid_end) : 0;
}

/* prison's rules in nl's namespace, both families, with base[i] the range of v[i]. */
struct found {
	struct nl_rule *v;
	unsigned long *base;
	size_t n;
};

static void found_free(struct found *f)
{
	free(f->v);
	free(f->base);
	*f = (struct found){ 0 };
}

static int found_add(struct found *f, const struct nl_rule *r, size_t n, struct perr *e)
{
	struct nl_rule *v = realloc(f->v, (f->n + n) * sizeof(*v));
	unsigned long *b;

	if (v)
		f->v = v;
	b = v ? realloc(f->base, (f->n + n) * sizeof(*b)) : NULL;
	if (!b)
		return perr_set(e, ENOMEM, "exec.fib rules");
	f->base = b;
	for (size_t i = 0; i < n; i++) {
		unsigned long base = base_of(&r[i]);
		if (!base)
			continue;
		f->v[f->n] = r[i];
		f->base[f->n++] = base;
	}
	return 0;
}

static int list_ours(struct nl *nl, struct found *ret, struct perr *e)
{
	*ret = (struct found){ 0 };
	for (size_t k = 0; k < ARRAY_SIZE(families); k++) {
		struct nl_rule *v;
		size_t n;
		int r;
		if (nl_rule_list(nl, families[k], FIB_RULE_PRIORITY, &v, &n, e) < 0) {
			found_free(ret);
			return -1;
		}
		r = n ? found_add(ret, v, n, e) : 0;
		free(v);
		if (r < 0) {
			found_free(ret);
			return -1;
		}
	}
	return 0;
}

/* A rule of the range the new jail has was left by a jail that had it before: the range is this jail's now. */
static void drop_leftovers(struct nl *nl, unsigned long base)
{
	struct perr ignore = { 0 };
	struct found f;

	if (list_ours(nl, &f, &ignore) < 0)
		return;
	for (size_t i = 0; i < f.n; i++)
		if (f.base[i] == base)
			(void)nl_rule_delete(nl, &f.v[i], &ignore);
	found_free(&f);
}

int fibrule_add(const struct jail_record *rec, struct perr *e)
{
	_cleanup_nl_ struct nl *nl = NULL;
	long fib = param_int(&rec->params, P_EXEC_FIB);
	size_t k;

	/* Where no rule was ever made this boot, there is no leftover to look for. */
	if (rec->uid_base == 0 || (fib <= 0 && !idrange_rules_marked()))
		return 0;
	if (fib <= 0) {
		/* Best effort, as any clearing of leftovers: the jail itself asks for no rule. */
		struct perr ignore = { 0 };
		if ((nl = nl_open(-1, &ignore)))
			drop_leftovers(nl, rec->uid_base);
		return 0;
	}
	if (idrange_mark_rules(e) < 0 || !(nl = nl_open(-1, e)))
		return perr_prefix(e, "exec.fib");
	drop_leftovers(nl, rec->uid_base);
	for (k = 0; k < ARRAY_SIZE(families); k++) {
		struct nl_rule r = rule_of(rec, families[k]);
		if (nl_rule_add(nl, &r, e) < 0)
			break;
	}
	if (k == ARRAY_SIZE(families))
		return 0;
	while (k-- > 0) {
		struct nl_rule r = rule_of(rec, families[k]);
		struct perr ignore = { 0 };
		(void)nl_rule_delete(nl, &r, &ignore);
	}
	return perr_prefix(e, "exec.fib");
}

struct removal {
	struct nl *nl;
	const struct nl_rule *v;
	size_t per; /* rules per range: v[i * per .. i * per + per) */
};

static void remove_rules(size_t i, void *arg)
{
	struct removal *rm = arg;
	struct perr ignore = { 0 };

	for (size_t k = 0; k < rm->per; k++)
		(void)nl_rule_delete(rm->nl, &rm->v[i * rm->per + k], &ignore);
}

void fibrule_remove(const struct jail_record *rec)
{
	_cleanup_nl_ struct nl *nl = NULL;
	struct perr ignore = { 0 };
	struct nl_rule v[ARRAY_SIZE(families)];
	unsigned long base = rec->uid_base;

	if (base == 0 || param_int(&rec->params, P_EXEC_FIB) <= 0 || !(nl = nl_open(-1, &ignore)))
		return;
	for (size_t k = 0; k < ARRAY_SIZE(families); k++)
		v[k] = rule_of(rec, families[k]);
	struct removal rm = { .nl = nl, .v = v, .per = ARRAY_SIZE(families) };
	/* A range taken by another jail since (this one's processes long gone) has that jail's rules now. */
	(void)idrange_each_unheld(&base, 1, rec, remove_rules, &rm, &ignore);
}

void fibrule_sweep(void)
{
	_cleanup_nl_ struct nl *nl = NULL;
	struct perr ignore = { 0 };
	struct found f;

	if (!idrange_rules_marked() || !(nl = nl_open(-1, &ignore)) || list_ours(nl, &f, &ignore) < 0)
		return;
	struct removal rm = { .nl = nl, .v = f.v, .per = 1 };
	(void)idrange_each_unheld(f.base, f.n, NULL, remove_rules, &rm, &ignore);
	found_free(&f);
}
