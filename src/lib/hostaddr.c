#include "hostaddr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ipaddr.h"
#include "netlink.h"
#include "sockaddr.h"
#include "util.h"

/* One interface's IPv4 addresses beyond this are not looked after when an address of the jail goes. */
#define HOSTADDR_SNAPSHOT_MAX 256

/*
 * The jail's addresses that go on a host interface (their own, or
 * interface=), with that interface in iface; the count, or -1.  out has
 * room for both families.
 */
static int addresses_on_interfaces(const struct paramset *ps, struct ipaddr out[2 * SOCKADDR_MAX_ADDRS],
				   struct perr *e)
{
	const char *iface = param_str(ps, P_INTERFACE);
	size_t n = 0;

	if (iface && !*iface)
		iface = NULL;
	for (int k = 0; k < 2; k++) {
		const char *list = param_str(ps, k ? P_IP6_ADDR : P_IP4_ADDR);
		int got = list && *list ? ipaddr_parse_list(list, k ? AF_INET6 : AF_INET, out + n, SOCKADDR_MAX_ADDRS, e)
					: 0;
		if (got < 0)
			return -1;
		for (int i = 0; i < got; i++) {
			if (!out[n].iface[0] && !iface)
				memmove(out + n, out + n + 1, (size_t)(got - i - 1) * sizeof(*out));
			else if (!out[n].iface[0])
				snprintf(out[n++].iface, sizeof(out->iface), "%s", iface);
			else
				n++;
		}
	}
	return (int)n;
}

static bool same_address(const struct ipaddr *x, const struct ipaddr *y)
{
	size_t len = x->family == AF_INET ? sizeof(x->a.v4) : sizeof(x->a.v6);

	return x->family == y->family && x->prefix == y->prefix && strcmp(x->iface, y->iface) == 0 &&
	       memcmp(&x->a, &y->a, len) == 0;
}

static bool listed(const struct ipaddr *list, int n, const struct ipaddr *a)
{
	for (int i = 0; i < n; i++)
		if (same_address(&list[i], a))
			return true;
	return false;
}

static int add_one(struct nl *nl, const struct ipaddr *a, struct perr *e)
{
	int idx = nl_ifindex(nl, a->iface, e);

	if (idx <= 0)
		return idx == 0 ? perr_setx(e, ENOENT, "interface \"%s\" does not exist", a->iface) : -1;
	return nl_addr_add(nl, idx, a->family, &a->a, a->prefix, e);
}

static bool in_snapshot(const struct nl_addr4 *list, int n, const struct nl_addr4 *a)
{
	for (int i = 0; i < n; i++)
		if (list[i].a.s_addr == a->a.s_addr && list[i].prefix == a->prefix)
			return true;
	return false;
}

static bool dropped_too(const struct ipaddr *drop, int ndrop, const char *iface, const struct nl_addr4 *a)
{
	for (int i = 0; i < ndrop; i++)
		if (drop[i].family == AF_INET && drop[i].a.v4.s_addr == a->a.s_addr && drop[i].prefix == a->prefix &&
		    strcmp(drop[i].iface, iface) == 0)
			return true;
	return false;
}

/*
 * Remove a, errors ignored.  Removing the primary IPv4 address of a subnet
 * takes the interface's secondaries in it along (unless the interface has
 * promote_secondaries), which may be the admin's or another jail's: those
 * that vanished with it, and are not going themselves, are put back.
 */
static void remove_one(struct nl *nl, const struct ipaddr *a, const struct ipaddr *drop, int ndrop)
{
	struct nl_addr4 before[HOSTADDR_SNAPSHOT_MAX], after[HOSTADDR_SNAPSHOT_MAX];
	struct perr ignore = { 0 };
	int idx = nl_ifindex(nl, a->iface, &ignore), nb = -1, na;

	if (idx <= 0)
		return;
	if (a->family == AF_INET)
		nb = nl_addr4_list(nl, idx, before, HOSTADDR_SNAPSHOT_MAX, &ignore);
	if (nl_addr_del(nl, idx, a->family, &a->a, a->prefix, &ignore) < 0 || nb <= 0)
		return;
	na = nl_addr4_list(nl, idx, after, HOSTADDR_SNAPSHOT_MAX, &ignore);
	for (int i = 0; na >= 0 && i < nb; i++)
		if (!in_snapshot(after, na, &before[i]) && !dropped_too(drop, ndrop, a->iface, &before[i]) &&
		    !(before[i].a.s_addr == a->a.v4.s_addr && before[i].prefix == a->prefix))
			(void)nl_addr_add(nl, idx, AF_INET, &before[i].a, before[i].prefix, &ignore);
}

/*
 * A jail's addresses on host interfaces taken from was to now: the new ones
 * added first, then the dropped ones removed.  When an add fails, what this
 * call added goes again and nothing is removed, so an address that was
 * there before (the admin's own, refused as existing) is never taken away.
 */
static int move_addresses(const struct ipaddr *was, int nwas, const struct ipaddr *now, int nnow, struct perr *e)
{
	struct ipaddr drop[2 * SOCKADDR_MAX_ADDRS];
	_cleanup_nl_ struct nl *nl = NULL;
	int i, ndrop = 0;

	if (nwas == 0 && nnow == 0)
		return 0;
	nl = nl_open(-1, e);
	if (!nl)
		return nnow > 0 ? -1 : 0;
	for (i = 0; i < nnow; i++)
		if (!listed(was, nwas, &now[i]) && add_one(nl, &now[i], e) < 0)
			break;
	if (i < nnow) {
		while (i-- > 0)
			if (!listed(was, nwas, &now[i]))
				remove_one(nl, &now[i], NULL, 0);
		return -1;
	}
	for (i = 0; i < nwas; i++)
		if (!listed(now, nnow, &was[i]))
			drop[ndrop++] = was[i];
	for (i = 0; i < ndrop; i++)
		remove_one(nl, &drop[i], drop + i + 1, ndrop - i - 1);
	return 0;
}

int hostaddr_add(const struct paramset *ps, struct perr *e)
{
	struct ipaddr a[2 * SOCKADDR_MAX_ADDRS];
	int n = addresses_on_interfaces(ps, a, e);

	return n <= 0 ? n : move_addresses(NULL, 0, a, n, e);
}

int hostaddr_remove(const struct paramset *ps, struct perr *e)
{
	struct ipaddr a[2 * SOCKADDR_MAX_ADDRS];
	int n = addresses_on_interfaces(ps, a, e);

	return n <= 0 ? n : move_addresses(a, n, NULL, 0, e);
}

int hostaddr_move(const struct paramset *before, const struct paramset *after, struct perr *e)
{
	struct ipaddr was[2 * SOCKADDR_MAX_ADDRS], now[2 * SOCKADDR_MAX_ADDRS];
	int nwas = addresses_on_interfaces(before, was, e), nnow;

	if (nwas < 0)
		return -1;
	nnow = addresses_on_interfaces(after, now, e);
	if (nnow < 0)
		return -1;
	return move_addresses(was, nwas, now, nnow, e);
}
