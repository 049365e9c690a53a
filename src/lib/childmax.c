/*
 * children.max and children.cur on running jails, as FreeBSD's kern_jail.c
 * keeps them:
 *
 * - a jail's children.max may be raised or lowered with jail -m; below its
 *   parent's own children.max, as a jail can never give a child more room
 *   than it has (for a jail of the host there is no such bound);
 * - lowering it keeps the children there are (FreeBSD refuses only new
 *   ones), and pulls each descendant's children.max down to what is left at
 *   its depth: max - 1 for a child, max - 2 for a grandchild, never below 0;
 * - children.cur is recounted from the registry where a decision rests on
 *   it, since a creator killed between the child's record and the parent's
 *   count leaves the stored number off by one.
 */
#include "childmax.h"

#include <stdio.h>
#include <stdlib.h>

#include "util.h"

#define CHILDMAX_DEPTH 32

static int set_long(struct paramset *ps, int id, long v, struct perr *e)
{
	char num[24];

	snprintf(num, sizeof(num), "%ld", v);
	return param_set(ps, id, num, e);
}

int jail_children_recount(struct registry *reg, struct jail_record *rec, struct perr *e)
{
	int *kids = NULL;
	size_t n = 0;

	if (jail_list_children(reg, rec->jid, &kids, &n, e) < 0)
		return -1;
	free(kids);
	if ((long)n != param_int(&rec->params, P_CHILDREN_CUR)) {
		if (set_long(&rec->params, P_CHILDREN_CUR, (long)n, e) < 0 || registry_write(reg, rec, NULL, e) < 0)
			return -1;
		jail_tell_children(rec);
	}
	return (int)n;
}

int jail_childmax_within(const struct jail_record *parent, long want, struct perr *e)
{
	long room = param_int(&parent->params, P_CHILDREN_MAX);

	if (want >= room)
		return perr_setx(e, EPERM, "children.max: %ld is not below %ld, the parent jail \"%s\"'s", want, room,
				 parent->name);
	return 0;
}

int jail_childmax_check(struct registry *reg, const struct jail_record *rec, long want, struct perr *e)
{
	_cleanup_record_ struct jail_record parent = { 0 };
	int pjid = (int)param_int(&rec->params, P_PARENT);

	if (pjid <= 0 || !registry_read(reg, pjid, &parent))
		return 0;
	return jail_childmax_within(&parent, want, e);
}

/* The children of jid at depth level (1 for its own) get at most max - level. */
static int clamp_below(struct registry *reg, int jid, long max, int level, struct perr *e)
{
	int *kids = NULL;
	size_t n = 0;
	int r = 0;

	if (level > CHILDMAX_DEPTH)
		return 0;
	if (jail_list_children(reg, jid, &kids, &n, e) < 0)
		return -1;
	for (size_t i = 0; i < n && r == 0; i++) {
		_cleanup_record_ struct jail_record kid = { 0 };
		long room = max > level ? max - level : 0;
		if (!registry_read(reg, kids[i], &kid))
			continue;
		if (param_int(&kid.params, P_CHILDREN_MAX) > room &&
		    (set_long(&kid.params, P_CHILDREN_MAX, room, e) < 0 || registry_write(reg, &kid, NULL, e) < 0))
			r = -1;
		if (r == 0)
			r = clamp_below(reg, kid.jid, max, level + 1, e);
	}
	free(kids);
	return r;
}

int jail_childmax_clamp(struct registry *reg, const struct jail_record *rec, struct perr *e)
{
	return clamp_below(reg, rec->jid, param_int(&rec->params, P_CHILDREN_MAX), 1, e);
}
