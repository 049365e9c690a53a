/*
 * Addresses, the default route and policy rules over rtnetlink, for the
 * jail's side of its veth pair, the host's bridge and exec.fib.
 */
#include "nlmsg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static int addr_len(int family, int prefix, struct perr *e)
{
	if (family == AF_INET && prefix >= 0 && prefix <= 32)
		return 4;
	if (family == AF_INET6 && prefix >= 0 && prefix <= 128)
		return 16;
	if (family != AF_INET && family != AF_INET6)
		return perr_set(e, EAFNOSUPPORT, "address family %d", family);
	return perr_set(e, EINVAL, "prefix length /%d", prefix);
}

/* "198.18.0.2/24 on interface \"pj3b\"" for a message; only called on error paths. */
static int addr_fail(struct nl *nl, int ifindex, int family, const void *addr, int prefix, const char *what,
		     struct perr *e)
{
	struct perr ignored = { 0 };
	char text[INET6_ADDRSTRLEN];
	struct nl_link l;

	if (!inet_ntop(family, addr, text, sizeof(text)))
		snprintf(text, sizeof(text), "?");
	if (nl_link_get(nl, ifindex, NULL, &l, &ignored) == 1)
		return perr_prefix(e, "%s address %s/%d on interface \"%s\"", what, text, prefix, l.name);
	return perr_prefix(e, "%s address %s/%d on interface %d", what, text, prefix, ifindex);
}

static int addr_change(struct nl *nl, uint16_t type, uint16_t flags, int ifindex, int family, const void *addr,
		       int prefix, struct perr *e)
{
	struct ifaddrmsg *ifa;
	struct nlmsghdr *nlh;
	int len = addr_len(family, prefix, e);

	if (len < 0)
		return -1;
	nlh = nl_msg(nl, type, flags, sizeof(*ifa), (void **)&ifa);
	ifa->ifa_family = (unsigned char)family;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_index = (unsigned int)ifindex;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	/*
	 * Duplicate address detection would keep a new IPv6 address
	 * tentative (unusable) for a second or more; a jail's addresses are
	 * assigned by its configuration and must work at once.
	 */
	if (family == AF_INET6)
		ifa->ifa_flags = IFA_F_NODAD;
	nl_put(nl, nlh, IFA_LOCAL, (size_t)len, addr);
	nl_put(nl, nlh, IFA_ADDRESS, (size_t)len, addr);
	if (nl_talk(nl, nlh, NULL, NULL, e) < 0)
		return addr_fail(nl, ifindex, family, addr, prefix, type == RTM_NEWADDR ? "add" : "delete", e);
	return 0;
}

int nl_addr_add(struct nl *nl, int ifindex, int family, const void *addr, int prefix, struct perr *e)
{
	return addr_change(nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, ifindex, family, addr, prefix, e);
}

int nl_addr_del(struct nl *nl, int ifindex, int family, const void *addr, int prefix, struct perr *e)
{
	return addr_change(nl, RTM_DELADDR, 0, ifindex, family, addr, prefix, e);
}

int nl_route_default(struct nl *nl, int family, const void *gateway, struct perr *e)
{
	char text[INET6_ADDRSTRLEN];
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	int len = addr_len(family, 0, e);

	if (len < 0)
		return -1;
	nlh = nl_msg(nl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, sizeof(*rtm), (void **)&rtm);
	rtm->rtm_family = (unsigned char)family;
	rtm->rtm_dst_len = 0;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	nl_put(nl, nlh, RTA_GATEWAY, (size_t)len, gateway);
	if (nl_talk(nl, nlh, NULL, NULL, e) == 0)
		return 0;
	if (!inet_ntop(family, gateway, text, sizeof(text)))
		snprintf(text, sizeof(text), "?");
	return perr_prefix(e, "default route via %s", text);
}

static const char *family_name(int family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}

/* The rule's request: its family, priority, table and uid range, as nl_rule_add and nl_rule_delete send it. */
static struct nlmsghdr *rule_msg(struct nl *nl, uint16_t type, uint16_t flags, const struct nl_rule *r)
{
	struct fib_rule_hdr *frh;
	struct nlmsghdr *nlh = nl_msg(nl, type, flags, sizeof(*frh), (void **)&frh);

	frh->family = (unsigned char)r->family;
	frh->action = FR_ACT_TO_TBL;
	/* The header holds 8 bits; FRA_TABLE all 32, and the kernel reads it first. */
	frh->table = r->table < 256 ? (unsigned char)r->table : RT_TABLE_UNSPEC;
	nl_put(nl, nlh, FRA_TABLE, sizeof(r->table), &r->table);
	nl_put(nl, nlh, FRA_PRIORITY, sizeof(r->priority), &r->priority);
	if (r->by_uid) {
		struct fib_rule_uid_range u = { .start = r->uid_start, .end = r->uid_end };
		nl_put(nl, nlh, FRA_UID_RANGE, sizeof(u), &u);
	}
	return nlh;
}

static int rule_fail(const struct nl_rule *r, const char *what, struct perr *e)
{
	if (r->by_uid)
		return perr_prefix(e, "%s %s rule uidrange %u-%u to table %u", what, family_name(r->family),
				   r->uid_start, r->uid_end, r->table);
	return perr_prefix(e, "%s %s rule to table %u", what, family_name(r->family), r->table);
}

int nl_rule_add(struct nl *nl, const struct nl_rule *r, struct perr *e)
{
	if (nl_talk(nl, rule_msg(nl, RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, r), NULL, NULL, e) == 0)
		return 0;
	return rule_fail(r, "add", e);
}

int nl_rule_delete(struct nl *nl, const struct nl_rule *r, struct perr *e)
{
	if (nl_talk(nl, rule_msg(nl, RTM_DELRULE, 0, r), NULL, NULL, e) == 0)
		return 0;
	return rule_fail(r, "delete", e);
}

struct rule_reply {
	int family;
	uint32_t priority;
	struct nl_rule *v;
	size_t n, cap;
	bool nomem;
};

static int on_rule_attr(const struct nlattr *attr, void *data)
{
	struct nl_rule *r = data;
	const void *p = mnl_attr_get_payload(attr);
	uint16_t len = mnl_attr_get_payload_len(attr);

	switch (mnl_attr_get_type(attr)) {
	case FRA_TABLE:
		if (len == sizeof(uint32_t))
			memcpy(&r->table, p, sizeof(r->table));
		break;
	case FRA_PRIORITY:
		if (len == sizeof(uint32_t))
			memcpy(&r->priority, p, sizeof(r->priority));
		break;
	case FRA_UID_RANGE:
		if (len == sizeof(struct fib_rule_uid_range)) {
			struct fib_rule_uid_range u;
			memcpy(&u, p, sizeof(u));
			r->by_uid = true;
			r->uid_start = u.start;
			r->uid_end = u.end;
		}
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

static int on_rule(const struct nlmsghdr *nlh, void *data)
{
	struct rule_reply *rr = data;
	const struct fib_rule_hdr *frh = mnl_nlmsg_get_payload(nlh);
	struct nl_rule r = { 0 };
	struct nl_rule *v;

	if (nlh->nlmsg_type != RTM_NEWRULE || mnl_nlmsg_get_payload_len(nlh) < sizeof(*frh) ||
	    frh->family != rr->family || frh->action != FR_ACT_TO_TBL)
		return MNL_CB_OK;
	r.family = frh->family;
	r.table = frh->table;
	mnl_attr_parse(nlh, sizeof(*frh), on_rule_attr, &r);
	if (r.priority != rr->priority)
		return MNL_CB_OK;
	v = array_grow(rr->v, rr->n, &rr->cap, sizeof(*v), 16);
	if (!v) {
		rr->nomem = true;
		return MNL_CB_OK;
	}
	rr->v = v;
	rr->v[rr->n++] = r;
	return MNL_CB_OK;
}

int nl_rule_list(struct nl *nl, int family, uint32_t priority, struct nl_rule **ret, size_t *ret_n, struct perr *e)
{
	struct rule_reply rr = { .family = family, .priority = priority };
	struct fib_rule_hdr *frh;
	struct nlmsghdr *nlh = nl_msg(nl, RTM_GETRULE, NLM_F_DUMP, sizeof(*frh), (void **)&frh);

	*ret = NULL;
	*ret_n = 0;
	frh->family = (unsigned char)family;
	if (nl_talk(nl, nlh, on_rule, &rr, e) < 0 || rr.nomem) {
		free(rr.v);
		if (rr.nomem)
			return perr_set(e, ENOMEM, "list the %s rules", family_name(family));
		return perr_prefix(e, "list the %s rules", family_name(family));
	}
	*ret = rr.v;
	*ret_n = rr.n;
	return 0;
}

struct addr4_reply {
	int ifindex;
	struct nl_addr4 *out;
	int max, n;
	bool overflow;
};

struct addr4_seen {
	struct in_addr a;
	bool local;
};

static int on_addr4_attr(const struct nlattr *attr, void *data)
{
	struct addr4_seen *seen = data;

	if (mnl_attr_get_type(attr) == IFA_LOCAL && mnl_attr_get_payload_len(attr) == sizeof(seen->a)) {
		memcpy(&seen->a, mnl_attr_get_payload(attr), sizeof(seen->a));
		seen->local = true;
	}
	return MNL_CB_OK;
}

static int on_addr4(const struct nlmsghdr *nlh, void *data)
{
	struct addr4_reply *r = data;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct addr4_seen seen = { 0 };

	if (nlh->nlmsg_type != RTM_NEWADDR || mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa) ||
	    ifa->ifa_family != AF_INET || (int)ifa->ifa_index != r->ifindex)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ifa), on_addr4_attr, &seen);
	if (!seen.local)
		return MNL_CB_OK;
	if (r->n < r->max)
		r->out[r->n++] = (struct nl_addr4){ .a = seen.a, .prefix = ifa->ifa_prefixlen };
	else
		r->overflow = true;
	return MNL_CB_OK;
}

int nl_addr4_list(struct nl *nl, int ifindex, struct nl_addr4 *out, int max, struct perr *e)
{
	struct addr4_reply r = { .ifindex = ifindex, .out = out, .max = max };
	struct ifaddrmsg *ifa;
	struct nlmsghdr *nlh = nl_msg(nl, RTM_GETADDR, NLM_F_DUMP, sizeof(*ifa), (void **)&ifa);

	ifa->ifa_family = AF_INET;
	ifa->ifa_index = (unsigned int)ifindex;
	if (nl_talk(nl, nlh, on_addr4, &r, e) < 0)
		return perr_prefix(e, "list the IPv4 addresses of interface %d", ifindex);
	if (r.overflow)
		return perr_setx(e, E2BIG, "interface %d has more than %d IPv4 addresses", ifindex, max);
	return r.n;
}
