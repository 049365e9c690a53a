/*
 * Links over rtnetlink: look one up, create a veth pair (the peer directly
 * in the jail's namespace) or a bridge, attach, bring up, move between
 * namespaces, rename, delete.  Each is one request on the caller's socket.
 */
#include "nlmsg.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/if_addr.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ifname.h"

struct link_reply {
	struct nl_link *link;
	bool found;
};

static int on_linkinfo(const struct nlattr *attr, void *data)
{
	struct nl_link *l = data;

	if (mnl_attr_get_type(attr) == IFLA_INFO_KIND && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		snprintf(l->kind, sizeof(l->kind), "%s", mnl_attr_get_str(attr));
	return MNL_CB_OK;
}

static int on_link_attr(const struct nlattr *attr, void *data)
{
	struct nl_link *l = data;

	switch (mnl_attr_get_type(attr)) {
	case IFLA_IFNAME:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			snprintf(l->name, sizeof(l->name), "%s", mnl_attr_get_str(attr));
		break;
	case IFLA_MASTER:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			l->master = (int)mnl_attr_get_u32(attr);
		break;
	case IFLA_GROUP:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			l->group = mnl_attr_get_u32(attr);
		break;
	case IFLA_LINKINFO:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) == 0)
			mnl_attr_parse_nested(attr, on_linkinfo, l);
		break;
	case IFLA_LINK:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			l->link = (int)mnl_attr_get_u32(attr);
		break;
	case IFLA_LINK_NETNSID:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			l->link_nsid = (int)mnl_attr_get_u32(attr);
		break;
	case IFLA_PERM_ADDRESS:
		if (mnl_attr_get_payload_len(attr) <= sizeof(l->perm)) {
			l->perm_len = mnl_attr_get_payload_len(attr);
			memcpy(l->perm, mnl_attr_get_payload(attr), l->perm_len);
		}
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

static int on_link(const struct nlmsghdr *nlh, void *data)
{
	struct link_reply *r = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != RTM_NEWLINK || mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return MNL_CB_OK;
	memset(r->link, 0, sizeof(*r->link));
	r->link->ifindex = ifi->ifi_index;
	r->link->flags = ifi->ifi_flags;
	r->link->link_nsid = -1;
	mnl_attr_parse(nlh, sizeof(*ifi), on_link_attr, r->link);
	r->found = true;
	return MNL_CB_OK;
}

int nl_link_get(struct nl *nl, int ifindex, const char *name, struct nl_link *ret, struct perr *e)
{
	struct link_reply r = { .link = ret };
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;

	memset(ret, 0, sizeof(*ret));
	if (ifindex <= 0 && !name)
		return perr_set(e, EINVAL, "interface %d", ifindex);
	if (ifindex <= 0 && ifname_check(name, e) < 0)
		return -1;
	nlh = nl_msg(nl, RTM_GETLINK, 0, sizeof(*ifi), (void **)&ifi);
	ifi->ifi_family = AF_UNSPEC;
	if (ifindex > 0)
		ifi->ifi_index = ifindex;
	else
		nl_put_str(nl, nlh, IFLA_IFNAME, name);
	/* Counters are the bulk of a link's reply and nobody here reads them. */
	nl_put_u32(nl, nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	if (nl_talk(nl, nlh, on_link, &r, e) < 0) {
		if (e->err == ENODEV)
			return 0;
		return ifindex > 0 ? perr_prefix(e, "interface %d", ifindex) : perr_prefix(e, "interface \"%s\"", name);
	}
	return r.found ? 1 : 0;
}

int nl_ifindex(struct nl *nl, const char *name, struct perr *e)
{
	struct nl_link l;
	int r = nl_link_get(nl, 0, name, &l, e);

	return r <= 0 ? r : l.ifindex;
}

static int on_nsid_attr(const struct nlattr *attr, void *data)
{
	if (mnl_attr_get_type(attr) == NETNSA_NSID && mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
		*(int *)data = (int)mnl_attr_get_u32(attr);
	return MNL_CB_OK;
}

static int on_nsid(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type == RTM_NEWNSID && mnl_nlmsg_get_payload_len(nlh) >= sizeof(struct rtgenmsg))
		mnl_attr_parse(nlh, sizeof(struct rtgenmsg), on_nsid_attr, data);
	return MNL_CB_OK;
}

int nl_nsid_of(struct nl *nl, int netns_fd, int *ret, struct perr *e)
{
	struct rtgenmsg *g;
	struct nlmsghdr *nlh = nl_msg(nl, RTM_GETNSID, 0, sizeof(*g), (void **)&g);

	*ret = -1;
	g->rtgen_family = AF_UNSPEC;
	nl_put_u32(nl, nlh, NETNSA_FD, (uint32_t)netns_fd);
	if (nl_talk(nl, nlh, on_nsid, ret, e) < 0)
		return perr_prefix(e, "id of network namespace fd %d", netns_fd);
	return 0;
}

int nl_link_kind(struct nl *nl, int ifindex, char *kind, size_t len, struct perr *e)
{
	struct nl_link l;
	int r = nl_link_get(nl, ifindex, NULL, &l, e);

	if (r < 0)
		return -1;
	if (r == 0)
		return perr_set(e, ENODEV, "interface %d", ifindex);
	snprintf(kind, len, "%s", l.kind);
	return 0;
}

/*
 * Failure of a request on ifindex: name the interface if it still has a
 * name we can read (only on this error path does it cost a request).
 */
static int link_fail(struct nl *nl, int ifindex, struct perr *e, const char *what)
{
	struct perr ignored = { 0 };
	struct nl_link l;

	if (nl_link_get(nl, ifindex, NULL, &l, &ignored) == 1)
		return perr_prefix(e, "interface \"%s\": %s", l.name, what);
	return perr_prefix(e, "interface %d: %s", ifindex, what);
}

/* A request to change the existing link ifindex. */
static struct nlmsghdr *link_msg(struct nl *nl, int ifindex, struct ifinfomsg **ret_ifi)
{
	struct nlmsghdr *nlh = nl_msg(nl, RTM_NEWLINK, 0, sizeof(**ret_ifi), (void **)ret_ifi);

	(*ret_ifi)->ifi_family = AF_UNSPEC;
	(*ret_ifi)->ifi_index = ifindex;
	return nlh;
}

static int veth_create(struct nl *nl, const char *host_name, const char *peer_name, int peer_netns_fd,
		       int master_ifindex, struct perr *e)
{
	struct nlattr *linkinfo, *data, *peer;
	struct ifinfomsg *ifi, *peer_ifi;
	struct nlmsghdr *nlh;

	if (ifname_check(host_name, e) < 0 || ifname_check(peer_name, e) < 0)
		return -1;
	if (peer_netns_fd >= 0 && netns_fd_check(peer_netns_fd, e) < 0)
		return perr_prefix(e, "veth \"%s\": peer \"%s\"", host_name, peer_name);
	nlh = nl_msg(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifi), (void **)&ifi);
	ifi->ifi_family = AF_UNSPEC;
	nl_put_str(nl, nlh, IFLA_IFNAME, host_name);
	/*
	 * One queue each way on either end.  A veth allocates as many as the
	 * machine has possible CPUs (each with its NAPI context, qdisc and
	 * stats) but uses one unless ethtool -L raises it, which only XDP on
	 * many cores wants; the rest would be kept for the jail's lifetime.
	 */
	nl_put_u32(nl, nlh, IFLA_NUM_TX_QUEUES, 1);
	nl_put_u32(nl, nlh, IFLA_NUM_RX_QUEUES, 1);
	if (master_ifindex > 0) {
		nl_put_u32(nl, nlh, IFLA_MASTER, (uint32_t)master_ifindex);
		ifi->ifi_flags = IFF_UP;
		ifi->ifi_change = IFF_UP;
	}
	linkinfo = nl_nest_start(nl, nlh, IFLA_LINKINFO);
	nl_put_str(nl, nlh, IFLA_INFO_KIND, "veth");
	data = nl_nest_start(nl, nlh, IFLA_INFO_DATA);
	/* The peer is described as a link of its own: an ifinfomsg, then its attributes. */
	peer = nl_nest_start(nl, nlh, VETH_INFO_PEER);
	peer_ifi = nl_reserve(nl, nlh, sizeof(*peer_ifi));
	if (peer_ifi)
		peer_ifi->ifi_family = AF_UNSPEC;
	nl_put_str(nl, nlh, IFLA_IFNAME, peer_name);
	nl_put_u32(nl, nlh, IFLA_NUM_TX_QUEUES, 1);
	nl_put_u32(nl, nlh, IFLA_NUM_RX_QUEUES, 1);
	if (peer_netns_fd >= 0)
		nl_put_u32(nl, nlh, IFLA_NET_NS_FD, (uint32_t)peer_netns_fd);
	nl_nest_end(nlh, peer);
	nl_nest_end(nlh, data);
	nl_nest_end(nlh, linkinfo);
	if (nl_talk(nl, nlh, NULL, NULL, e) == 0)
		return 0;
	/* The kernel says File exists for either name: tell which when it is the peer. */
	if (e->err == EEXIST) {
		struct perr ignored = { 0 };
		if (nl_ifindex(nl, host_name, &ignored) == 0)
			return perr_prefix(e, "veth \"%s\": peer \"%s\"", host_name, peer_name);
	}
	return perr_prefix(e, "veth \"%s\"", host_name);
}

int nl_veth_create(struct nl *nl, const char *host_name, const char *peer_name, int peer_netns_fd,
		   struct perr *e)
{
	return veth_create(nl, host_name, peer_name, peer_netns_fd, 0, e);
}

/* A request to change the existing link called name (no index at hand). */
static struct nlmsghdr *link_msg_named(struct nl *nl, uint16_t type, const char *name)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = nl_msg(nl, type, 0, sizeof(*ifi), (void **)&ifi);

	ifi->ifi_family = AF_UNSPEC;
	nl_put_str(nl, nlh, IFLA_IFNAME, name);
	return nlh;
}

/*
 * No IPv6 address of its own for a bridge port: the bridge takes every
 * frame the port receives, so an address there serves nothing, and it
 * would cost a link-local address with its routes, neighbour entries for
 * the router solicitations, MLD reports and duplicate address detection
 * it sends, and those packets flooded to every other port.  The kernel
 * refuses IFLA_AF_SPEC in a creating request, so this is a second one; it
 * comes before the pair has a carrier (the jail's end is still down),
 * when the kernel has made no address yet.  A kernel without IPv6 has
 * nothing to turn off.
 */
static int no_ipv6_addrconf(struct nl *nl, const char *name, struct perr *e)
{
	struct nlmsghdr *nlh = link_msg_named(nl, RTM_NEWLINK, name);
	struct nlattr *spec = nl_nest_start(nl, nlh, IFLA_AF_SPEC), *inet6 = nl_nest_start(nl, nlh, AF_INET6);
	uint8_t mode = IN6_ADDR_GEN_MODE_NONE;

	nl_put(nl, nlh, IFLA_INET6_ADDR_GEN_MODE, sizeof(mode), &mode);
	nl_nest_end(nlh, inet6);
	nl_nest_end(nlh, spec);
	if (nl_talk(nl, nlh, NULL, NULL, e) == 0 || e->err == EAFNOSUPPORT)
		return 0;
	return perr_prefix(e, "veth \"%s\": turn off IPv6 address generation", name);
}

int nl_veth_create_on(struct nl *nl, const char *host_name, const char *peer_name, int peer_netns_fd,
		      int master_ifindex, struct perr *e)
{
	struct perr ignored = { 0 };

	if (master_ifindex <= 0)
		return perr_set(e, EINVAL, "veth \"%s\": bridge %d", host_name, master_ifindex);
	if (veth_create(nl, host_name, peer_name, peer_netns_fd, master_ifindex, e) < 0)
		return -1;
	if (no_ipv6_addrconf(nl, host_name, e) == 0)
		return 0;
	/* The pair goes whole: deleting either end deletes both. */
	nl_talk(nl, link_msg_named(nl, RTM_DELLINK, host_name), NULL, NULL, &ignored);
	return -1;
}

int nl_bridge_ensure(struct nl *nl, const char *name, bool *created, struct perr *e)
{
	struct nlattr *linkinfo;
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;
	struct nl_link l;
	int r;

	*created = false;
	if (ifname_check(name, e) < 0)
		return -1;
	nlh = nl_msg(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifi), (void **)&ifi);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	nl_put_str(nl, nlh, IFLA_IFNAME, name);
	linkinfo = nl_nest_start(nl, nlh, IFLA_LINKINFO);
	nl_put_str(nl, nlh, IFLA_INFO_KIND, "bridge");
	nl_nest_end(nlh, linkinfo);
	if (nl_talk(nl, nlh, NULL, NULL, e) == 0)
		*created = true;
	else if (e->err != EEXIST)
		return perr_prefix(e, "bridge \"%s\"", name);
	/*
	 * Exclusive create first and look second: two prisons starting jails
	 * on the same bridge at once both end up using the one bridge.
	 */
	r = nl_link_get(nl, 0, name, &l, e);
	if (r < 0) {
		/* Only a failing socket gets here; undo the creation by name, having no index. */
		if (*created) {
			struct perr ignored = { 0 };
			nl_talk(nl, link_msg_named(nl, RTM_DELLINK, name), NULL, NULL, &ignored);
			*created = false;
		}
		return perr_prefix(e, "bridge");
	}
	if (r == 0)
		return perr_set(e, ENODEV, "bridge \"%s\": deleted while being set up", name);
	if (strcmp(l.kind, "bridge") != 0)
		return perr_setx(e, EEXIST, "bridge \"%s\": exists and is %s%s%s, not a bridge", name,
				 l.kind[0] ? "a " : "a physical interface", l.kind, l.kind[0] ? " link" : "");
	if (!(l.flags & IFF_UP) && nl_link_set_up(nl, l.ifindex, true, e) < 0)
		return -1;
	return l.ifindex;
}

int nl_link_set_master(struct nl *nl, int ifindex, int master_ifindex, struct perr *e)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = link_msg(nl, ifindex, &ifi);
	char what[64];

	nl_put_u32(nl, nlh, IFLA_MASTER, (uint32_t)(master_ifindex > 0 ? master_ifindex : 0));
	if (nl_talk(nl, nlh, NULL, NULL, e) == 0)
		return 0;
	if (master_ifindex > 0) {
		struct perr ignored = { 0 };
		struct nl_link m;
		if (nl_link_get(nl, master_ifindex, NULL, &m, &ignored) == 1)
			snprintf(what, sizeof(what), "attach to bridge \"%s\"", m.name);
		else
			snprintf(what, sizeof(what), "attach to bridge %d", master_ifindex);
	} else {
		snprintf(what, sizeof(what), "detach from its bridge");
	}
	return link_fail(nl, ifindex, e, what);
}

int nl_link_set_ether(struct nl *nl, int ifindex, const uint8_t mac[6], struct perr *e)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = link_msg(nl, ifindex, &ifi);

	nl_put(nl, nlh, IFLA_ADDRESS, 6, mac);
	if (nl_talk(nl, nlh, NULL, NULL, e) < 0)
		return link_fail(nl, ifindex, e, "set its MAC address");
	return 0;
}

int nl_link_set_up(struct nl *nl, int ifindex, bool up, struct perr *e)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = link_msg(nl, ifindex, &ifi);

	ifi->ifi_flags = up ? IFF_UP : 0;
	ifi->ifi_change = IFF_UP;
	if (nl_talk(nl, nlh, NULL, NULL, e) < 0)
		return link_fail(nl, ifindex, e, up ? "set up" : "set down");
	return 0;
}

int nl_link_move(struct nl *nl, int ifindex, int netns_fd, const char *new_name, struct perr *e)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;
	char what[64];

	if (new_name && ifname_check(new_name, e) < 0)
		return -1;
	if (netns_fd_check(netns_fd, e) < 0)
		return link_fail(nl, ifindex, e, "move");
	nlh = link_msg(nl, ifindex, &ifi);
	nl_put_u32(nl, nlh, IFLA_NET_NS_FD, (uint32_t)netns_fd);
	/* With a name, the kernel renames it as it enters the other namespace. */
	if (new_name)
		nl_put_str(nl, nlh, IFLA_IFNAME, new_name);
	if (nl_talk(nl, nlh, NULL, NULL, e) == 0)
		return 0;
	if (new_name)
		snprintf(what, sizeof(what), "move to network namespace fd %d as \"%s\"", netns_fd, new_name);
	else
		snprintf(what, sizeof(what), "move to network namespace fd %d", netns_fd);
	return link_fail(nl, ifindex, e, what);
}

int nl_link_rename(struct nl *nl, int ifindex, const char *name, struct perr *e)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;
	char what[64];

	if (ifname_check(name, e) < 0)
		return -1;
	nlh = link_msg(nl, ifindex, &ifi);
	nl_put_str(nl, nlh, IFLA_IFNAME, name);
	if (nl_talk(nl, nlh, NULL, NULL, e) == 0)
		return 0;
	snprintf(what, sizeof(what), "rename to \"%s\"", name);
	return link_fail(nl, ifindex, e, what);
}

int nl_link_delete(struct nl *nl, int ifindex, struct perr *e)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = nl_msg(nl, RTM_DELLINK, 0, sizeof(*ifi), (void **)&ifi);

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	if (nl_talk(nl, nlh, NULL, NULL, e) < 0)
		return link_fail(nl, ifindex, e, "delete");
	return 0;
}

#define NL_GROUP_BASE 0x70720000u

/*
 * Delete group in one request.  The kernel deletes a group whole or not at
 * all (not when one of them, a physical one, cannot be deleted): then the
 * links get back the default group, where prison's own links were.
 */
static int group_delete(struct nl *nl, uint32_t group, const int *ifindex, size_t n, struct perr *e)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = nl_msg(nl, RTM_DELLINK, 0, sizeof(*ifi), (void **)&ifi);

	ifi->ifi_family = AF_UNSPEC;
	nl_put_u32(nl, nlh, IFLA_GROUP, group);
	if (nl_talk(nl, nlh, NULL, NULL, e) == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		struct perr ignored = { 0 };
		nlh = link_msg(nl, ifindex[i], &ifi);
		nl_put_u32(nl, nlh, IFLA_GROUP, 0);
		nl_talk(nl, nlh, NULL, NULL, &ignored);
	}
	return -1;
}

int nl_link_delete_many(struct nl *nl, const int *ifindex, size_t n, struct perr *e)
{
	uint32_t group = NL_GROUP_BASE | (((uint32_t)getpid() * 2654435761u + nl->seq) & 0xffffu);
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;
	size_t marked = 0;

	for (size_t i = 0; i < n; i++) {
		nlh = link_msg(nl, ifindex[i], &ifi);
		nl_put_u32(nl, nlh, IFLA_GROUP, group);
		if (nl_talk(nl, nlh, NULL, NULL, e) == 0) {
			marked++;
			continue;
		}
		if (e->err == ENODEV)
			continue;
		/* Those already in the group are deleted all the same: deleting was the point. */
		if (marked > 0) {
			struct perr ignored = { 0 };
			group_delete(nl, group, ifindex, i, &ignored);
		}
		return link_fail(nl, ifindex[i], e, "delete");
	}
	if (marked > 0 && group_delete(nl, group, ifindex, n, e) < 0)
		return perr_prefix(e, "delete a batch of %zu interfaces", marked);
	return 0;
}

int nl_link_return(struct nl *jail, const char *name, int host_netns_fd, struct perr *e)
{
	int ifindex = nl_ifindex(jail, name, e);

	if (ifindex <= 0)
		return ifindex;
	if (nl_link_move(jail, ifindex, host_netns_fd, NULL, e) < 0)
		return -1;
	return 1;
}

int nl_link_return_fd(int jail_netns_fd, int host_netns_fd, const char *name, struct perr *e)
{
	struct nl *jail = nl_open(jail_netns_fd, e);
	int r;

	if (!jail)
		return perr_prefix(e, "return interface \"%s\"", name);
	r = nl_link_return(jail, name, host_netns_fd, e);
	nl_close(jail);
	return r;
}
