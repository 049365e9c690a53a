#include "jailsub.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipaddr.h"
#include "jailnet.h"
#include "jailstate.h"
#include "priv.h"
#include "sockaddr.h"
#include "util.h"

#define SUB_MAX_DEPTH 32

/* What the parent may use of one family: everything, nothing, or a list. */
struct reach {
	bool all;
	int n;
	struct ipaddr a[SOCKADDR_MAX_ADDRS];
};

static bool vnet_of(const struct paramset *ps)
{
	const char *v = param_str(ps, P_VNET);

	return v && strcmp(v, "new") == 0;
}

/* The addresses jail rec may use of family, following ip4=inherit up to the host. */
static int reach_of(struct registry *reg, const struct jail_record *rec, int family, struct reach *ret,
		    struct perr *e)
{
	int mode_id = family == AF_INET ? P_IP4 : P_IP6, addr_id = family == AF_INET ? P_IP4_ADDR : P_IP6_ADDR;
	const struct jail_record *at = rec;
	struct jail_record up = { 0 };
	int r = 0;

	*ret = (struct reach){ .all = true };
	for (int depth = 0; depth < SUB_MAX_DEPTH; depth++) {
		const char *mode = param_str(&at->params, mode_id), *list = param_str(&at->params, addr_id);
		/* An inheriting child with a list holds its parent's as it is now, kept so by narrowing. */
		bool held = mode && (strcmp(mode, "new") == 0 || jailnet_inherits_list(&at->params, family));
		if (vnet_of(&at->params) || !mode || strcmp(mode, "inherit") != 0 || held) {
			/* A vnet jail's addresses are on its own stack: none of the host's is its to pass on. */
			ret->all = false;
			if (!vnet_of(&at->params) && held) {
				ret->n = ipaddr_parse_list(list ? list : "", family, ret->a, SOCKADDR_MAX_ADDRS, e);
				r = ret->n < 0 ? -1 : 0;
			}
			break;
		}
		int pjid = (int)param_int(&at->params, P_PARENT);
		if (pjid <= 0)
			break;
		record_free(&up);
		memset(&up, 0, sizeof(up));
		if (!registry_read(reg, pjid, &up)) {
			r = perr_setx(e, ENOENT, "the parent jail %d of jail %d is gone", pjid, at->jid);
			break;
		}
		at = &up;
	}
	record_free(&up);
	return r;
}

static bool reaches(const struct reach *p, const struct ipaddr *a)
{
	size_t len = a->family == AF_INET ? sizeof(a->a.v4) : sizeof(a->a.v6);

	if (p->all)
		return true;
	for (int i = 0; i < p->n; i++)
		if (memcmp(&p->a[i].a, &a->a, len) == 0)
			return true;
	return false;
}

/*
 * ip4=inherit: the jail keeps it, and under a parent held to addresses
 * holds the parent's list in ip4.addr (as FreeBSD's jls shows it), empty
 * when the parent has none; under one with every address, no list.  It is
 * rewritten whenever the parent's addresses change (jail_child_narrow).
 */
static int inherit_from(struct paramset *ps, int family, const struct reach *p, struct perr *e)
{
	char list[SOCKADDR_MAX_ADDRS * (INET6_ADDRSTRLEN + 1)] = "", one[INET6_ADDRSTRLEN];
	int addr_id = family == AF_INET ? P_IP4_ADDR : P_IP6_ADDR;

	if (p->all) {
		param_unset(ps, addr_id);
		return 0;
	}
	for (int i = 0; i < p->n; i++)
		if (!inet_ntop(family, &p->a[i].a, one, sizeof(one)) || !csv_add_unique(list, sizeof(list), one))
			return perr_setx(e, E2BIG, "%s: the parent's addresses do not fit", param_table[addr_id].name);
	return param_set(ps, addr_id, list, e);
}

static int check_family(struct registry *reg, const struct jail_record *parent, struct paramset *ps, int family,
			struct perr *e)
{
	int mode_id = family == AF_INET ? P_IP4 : P_IP6, addr_id = family == AF_INET ? P_IP4_ADDR : P_IP6_ADDR;
	const char *mode = param_str(ps, mode_id), *list = param_str(ps, addr_id);
	struct ipaddr a[SOCKADDR_MAX_ADDRS];
	struct reach p;
	char text[INET6_ADDRSTRLEN];
	int n;

	if (reach_of(reg, parent, family, &p, e) < 0)
		return -1;
	if (mode && strcmp(mode, "inherit") == 0)
		return inherit_from(ps, family, &p, e);
	n = ipaddr_parse_list(list ? list : "", family, a, SOCKADDR_MAX_ADDRS, e);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (!reaches(&p, &a[i])) {
			inet_ntop(family, &a[i].a, text, sizeof(text));
			return perr_setx(e, EPERM, "%s: %s is not an address of the parent jail \"%s\"",
					 param_table[addr_id].name, text, parent->name);
		}
	return 0;
}

/*
 * allow.*: only what the parent has; what the child does not name follows
 * the parent down.  Those FreeBSD has and Linux gives no meaning (stored
 * only) are held to the parent's too, as kern_jail.c holds them.
 */
static int check_allow(const struct jail_record *parent, struct paramset *ps, struct perr *e)
{
	for (int i = 0; i < P__COUNT; i++) {
		if (param_table[i].type != PT_BOOL || strncmp(param_table[i].name, "allow.", 6) != 0 ||
		    param_bool(&parent->params, i))
			continue;
		if (!param_str(ps, i) && i >= P_ALLOW_SET_HOSTNAME && i <= P_ALLOW_ABSTRACT_UNIX) {
			if (param_set(ps, i, "false", e) < 0)
				return -1;
		} else if (param_bool(ps, i)) {
			return perr_setx(e, EPERM, "%s: the parent jail \"%s\" does not have it", param_table[i].name,
					 parent->name);
		}
	}
	return 0;
}

/* The levels a child can only hold at its parent's or above (kern_jail.c: EPERM below). */
static const int levels[] = { P_SECURELEVEL, P_ENFORCE_STATFS };

static int check_levels(const struct jail_record *parent, const struct paramset *ps, struct perr *e)
{
	for (size_t k = 0; k < ARRAY_SIZE(levels); k++) {
		int i = levels[k];
		long p = param_int(&parent->params, i), v = param_int(ps, i);

		if (v < p)
			return perr_setx(e, EPERM, "%s: %ld is below the parent jail \"%s\"'s %ld", param_table[i].name,
					 v, parent->name, p);
	}
	return 0;
}

/* A level not given, or one a parent raised above a descendant's: the parent's, as FreeBSD's kern_jail.c sets it. */
static int raise_levels(const struct jail_record *parent, struct paramset *ps, bool given_too, bool *changed,
			struct perr *e)
{
	char num[24];

	for (size_t k = 0; k < ARRAY_SIZE(levels); k++) {
		int i = levels[k];
		long p = param_int(&parent->params, i);

		if (param_int(ps, i) >= p || (!given_too && param_str(ps, i)))
			continue;
		*changed = true;
		snprintf(num, sizeof(num), "%ld", p);
		if (param_set(ps, i, num, e) < 0)
			return -1;
	}
	return 0;
}

bool jail_allow_changeable(int i)
{
	return param_table[i].type == PT_BOOL && strncmp(param_table[i].name, "allow.", 6) == 0 &&
	       !(param_table[i].flags & (PF_CREATE | PF_RDONLY));
}

int jail_within_parent(struct registry *reg, const struct jail_record *rec, struct perr *e)
{
	_cleanup_record_ struct jail_record parent = { 0 };
	int pjid = (int)param_int(&rec->params, P_PARENT);

	if (pjid <= 0 || !registry_read(reg, pjid, &parent))
		return 0;
	for (int i = 0; i < P__COUNT; i++)
		if (jail_allow_changeable(i) && param_bool(&rec->params, i) && !param_bool(&parent.params, i))
			return perr_setx(e, EPERM, "%s: the parent jail \"%s\" does not have it", param_table[i].name,
					 parent.name);
	return check_levels(&parent, &rec->params, e);
}

/*
 * exec.fib of a child on the host's stack: its parent's table there, so
 * that no child routes by a table the parent may not.  That is the
 * parent's exec.fib, or 0 (main) under a vnet parent, whose table is one
 * of its own stack.  Unset, it follows the parent's; another is refused.
 */
static int check_fib(const struct jail_record *parent, struct paramset *ps, struct perr *e)
{
	long have = vnet_of(&parent->params) ? 0 : param_int(&parent->params, P_EXEC_FIB);
	char num[24];

	if (param_str(ps, P_EXEC_FIB)) {
		if (param_int(ps, P_EXEC_FIB) == have)
			return 0;
		return perr_setx(e, EPERM, "exec.fib: %ld is not the FIB of the parent jail \"%s\" on the host's stack (%ld)",
				 param_int(ps, P_EXEC_FIB), parent->name, have);
	}
	snprintf(num, sizeof(num), "%ld", have);
	return have ? param_set(ps, P_EXEC_FIB, num, e) : 0;
}

int jail_child_check(struct registry *reg, const struct jail_record *parent, struct paramset *ps, struct perr *e)
{
	bool unused = false;

	if (check_allow(parent, ps, e) < 0 || raise_levels(parent, ps, false, &unused, e) < 0 ||
	    check_levels(parent, ps, e) < 0)
		return -1;
	/* A vnet child has a stack of its own, with addresses and tables of its own. */
	if (vnet_of(ps))
		return 0;
	if (check_family(reg, parent, ps, AF_INET, e) < 0 || check_family(reg, parent, ps, AF_INET6, e) < 0)
		return -1;
	return check_fib(parent, ps, e);
}

/* The items of list that parent reaches, in their order and as written; *dropped when one is not. */
static int keep_reached(const struct reach *p, const char *list, int family, char *out, size_t len, bool *dropped,
			struct perr *e)
{
	char copy[SOCKADDR_MAX_ADDRS * 64], *save = NULL;

	*out = '\0';
	*dropped = false;
	if (snprintf(copy, sizeof(copy), "%s", list ? list : "") >= (int)sizeof(copy))
		return perr_setx(e, E2BIG, "address list too long");
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		struct ipaddr a;
		t += strspn(t, " \t");
		if (!*t)
			continue;
		if (ipaddr_parse(t, family, &a, e) < 0)
			return -1;
		if (!reaches(p, &a))
			*dropped = true;
		else if (!csv_add_unique(out, len, t))
			return perr_setx(e, E2BIG, "address list too long");
	}
	return 0;
}

/*
 * One family of kid after its parent's addresses changed, as FreeBSD's
 * prison_restrict_ip4/6 do: a child that inherits gets the parent's list,
 * one with its own keeps those of its addresses the parent still has, and
 * is left with none of the family when none remains.
 */
static int narrow_family(struct registry *reg, const struct jail_record *parent, struct paramset *kid, int family,
			 bool *changed, struct perr *e)
{
	int mode_id = family == AF_INET ? P_IP4 : P_IP6, addr_id = family == AF_INET ? P_IP4_ADDR : P_IP6_ADDR;
	const char *mode = param_str(kid, mode_id);
	char keep[SOCKADDR_MAX_ADDRS * 64];
	struct reach p;
	bool dropped;

	if (reach_of(reg, parent, family, &p, e) < 0)
		return -1;
	if (p.all || !mode || strcmp(mode, "disable") == 0)
		return 0;
	if (strcmp(mode, "inherit") == 0) {
		*changed = true;
		return inherit_from(kid, family, &p, e);
	}
	if (keep_reached(&p, param_str(kid, addr_id), family, keep, sizeof(keep), &dropped, e) < 0)
		return perr_prefix(e, "%s", param_table[addr_id].name);
	if (!dropped)
		return 0;
	*changed = true;
	if (param_set(kid, addr_id, keep, e) < 0)
		return -1;
	return *keep ? 0 : param_set(kid, mode_id, "disable", e);
}

/*
 * An allow bit the parent lost goes from its descendants, and a level the
 * parent raised raises theirs, as kern_jail.c passes both on.
 */
static int follow_parent(const struct jail_record *parent, struct paramset *kid, bool *changed, struct perr *e)
{
	for (int i = 0; i < P__COUNT; i++) {
		if (!jail_allow_changeable(i) || param_bool(&parent->params, i) || !param_bool(kid, i))
			continue;
		*changed = true;
		if (param_set(kid, i, "false", e) < 0)
			return -1;
	}
	return raise_levels(parent, kid, true, changed, e);
}

static int narrow_kid(struct registry *reg, const struct jail_record *parent, struct jail_record *kid, int depth,
		      struct perr *e)
{
	bool changed = false;

	/* A vnet child's addresses are on a stack of its own, and so are its children's. */
	if (vnet_of(&kid->params))
		return 0;
	if (narrow_family(reg, parent, &kid->params, AF_INET, &changed, e) < 0 ||
	    narrow_family(reg, parent, &kid->params, AF_INET6, &changed, e) < 0)
		return perr_prefix(e, "child jail \"%s\"", kid->name);
	if (follow_parent(parent, &kid->params, &changed, e) < 0)
		return -1;
	if (changed) {
		jail_policy_from_params(&kid->policy, &kid->params);
		if (jailnet_relimit(kid, e) < 0 || registry_write(reg, kid, NULL, e) < 0)
			return perr_prefix(e, "child jail \"%s\"", kid->name);
	}
	return jail_child_narrow(reg, kid, depth + 1, e);
}

int jail_child_narrow(struct registry *reg, const struct jail_record *parent, int depth, struct perr *e)
{
	int *kids = NULL;
	size_t n = 0;
	int r = 0;

	if (depth > SUB_MAX_DEPTH)
		return 0;
	if (jail_list_children(reg, parent->jid, &kids, &n, e) < 0)
		return -1;
	for (size_t i = 0; i < n && r == 0; i++) {
		_cleanup_record_ struct jail_record kid = { 0 };
		if (registry_read(reg, kids[i], &kid))
			r = narrow_kid(reg, parent, &kid, depth, e);
	}
	free(kids);
	return r;
}

int jail_addrs_within_parent(struct registry *reg, struct jail_record *rec, struct perr *e)
{
	_cleanup_record_ struct jail_record parent = { 0 };
	int pjid = (int)param_int(&rec->params, P_PARENT);
	struct paramset *ps = &rec->params;

	if (pjid <= 0 || !registry_read(reg, pjid, &parent))
		return 0;
	/* A family rec inherits is the parent's whole reach already (narrowing saw to it): nothing changes. */
	if (check_family(reg, &parent, ps, AF_INET, e) < 0 || check_family(reg, &parent, ps, AF_INET6, e) < 0)
		return -1;
	if (param_bool(ps, P_ALLOW_RESERVED_PORTS) && !param_bool(&parent.params, P_ALLOW_RESERVED_PORTS))
		return perr_setx(e, EPERM, "allow.reserved_ports: the parent jail \"%s\" does not have it", parent.name);
	return 0;
}
