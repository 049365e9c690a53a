/*
 * vnet jails over rtnetlink, in-process: FreeBSD's epair becomes a veth
 * pair, if_bridge a Linux bridge, vnet.interface an interface moved into
 * the jail's network namespace.  One struct nl is one socket bound to one
 * network namespace; a caller doing many operations (a thousand jails on
 * one bridge) keeps it open for the whole batch.
 *
 * Every request asks for the kernel's acknowledgement; a failure becomes a
 * message naming the object, e.g. `veth "pj3a": File exists`, with the
 * kernel's extended-ack text after it when there is one.  Functions return
 * -1 with e set on failure.
 */
#ifndef PRISON_NETLINK_H
#define PRISON_NETLINK_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct nl;

/*
 * A socket in the network namespace netns_fd (-1: the caller's), for one
 * thread at a time (requests and replies share its buffers).  The
 * calling thread enters that namespace only to create the socket and is
 * back in its own before nl_open returns, on every path.
 */
struct nl *nl_open(int netns_fd, struct perr *e);
void nl_close(struct nl *nl);

static inline void nl_closep(struct nl **nl)
{
	nl_close(*nl);
}
#define _cleanup_nl_ __attribute__((cleanup(nl_closep)))

/* 0 if fd is a network namespace fd, -1 with e naming fd otherwise. */
int netns_fd_check(int fd, struct perr *e);

struct nl_link {
	int ifindex;
	int master;          /* ifindex of the bridge it is a port of, 0 if none */
	unsigned int flags;  /* IFF_UP and friends */
	unsigned int group;  /* IFLA_GROUP, 0 by default */
	char name[IFNAMSIZ];
	char kind[16];       /* "veth", "bridge", ...; "" for a physical or loopback one */
	unsigned char perm[32]; /* IFLA_PERM_ADDRESS: the hardware's own address, if it has one */
	unsigned int perm_len;  /* 0: none (a virtual link, or a kernel before 5.6) */
	int link;               /* IFLA_LINK: a veth's peer, a vlan's lower link (0: none) */
	int link_nsid;          /* IFLA_LINK_NETNSID: the namespace link is in, as this one numbers it; -1: this one */
};

/* By ifindex (> 0) or else by name: 1 and *ret filled, 0 absent, -1 error. */
int nl_link_get(struct nl *nl, int ifindex, const char *name, struct nl_link *ret, struct perr *e);
/* 0 absent, > 0 the index, -1 error. */
int nl_ifindex(struct nl *nl, const char *name, struct perr *e);
/* The id nl's namespace gives the namespace netns_fd (RTM_GETNSID) into *ret, -1 when it has none. */
int nl_nsid_of(struct nl *nl, int netns_fd, int *ret, struct perr *e);
/* The link's kind into kind: "veth", "bridge", "" (physical). */
int nl_link_kind(struct nl *nl, int ifindex, char *kind, size_t len, struct perr *e);

/*
 * A veth pair: host_name here, peer_name created directly in the network
 * namespace peer_netns_fd (-1: here too).  One request, so the pair exists
 * whole or not at all.
 */
int nl_veth_create(struct nl *nl, const char *host_name, const char *peer_name, int peer_netns_fd,
		   struct perr *e);
/*
 * The same pair with the host end already a port of bridge master_ifindex
 * and up, in one request: the kernel removes the pair again if it cannot
 * attach it, so no pair is ever left off its bridge.  It is not faster
 * than creating, attaching and bringing up in three requests (the
 * kernel's work dominates both; see bench/vnet_netlink.sh).  A second
 * request then keeps the host end free of IPv6 addresses (a bridge port
 * uses none); if it fails, the pair is deleted.  Both ends have one queue
 * each way (either kind of pair).
 */
int nl_veth_create_on(struct nl *nl, const char *host_name, const char *peer_name, int peer_netns_fd,
		      int master_ifindex, struct perr *e);
/*
 * The bridge name, created if missing (*created true) and set up; an
 * existing link of another kind is an error.  Returns its ifindex.
 */
int nl_bridge_ensure(struct nl *nl, const char *name, bool *created, struct perr *e);

/*
 * master_ifindex 0 detaches the link from its bridge.  The kernel leaves
 * the former bridge before it looks up the new one, so a failed change
 * leaves the link on no bridge.
 */
int nl_link_set_master(struct nl *nl, int ifindex, int master_ifindex, struct perr *e);
int nl_link_set_up(struct nl *nl, int ifindex, bool up, struct perr *e);
/* Into netns_fd, renamed to new_name there unless it is NULL. */
int nl_link_move(struct nl *nl, int ifindex, int netns_fd, const char *new_name, struct perr *e);
int nl_link_rename(struct nl *nl, int ifindex, const char *name, struct perr *e);
/* The link's MAC address (a veth end still down, say). */
int nl_link_set_ether(struct nl *nl, int ifindex, const uint8_t mac[6], struct perr *e);
/* Deleting one end of a veth pair deletes both. */
int nl_link_delete(struct nl *nl, int ifindex, struct perr *e);
/*
 * Many links at once, for the teardown of many jails.  The kernel waits
 * for an RCU grace period per deleted link (some 16 ms here), but once per
 * batch when links are deleted by group: so each link is put in a group of
 * prison's own, 0x70720000 to 0x7072ffff, and the group deleted in one
 * request.  A group number shared by chance with another prison's batch
 * only deletes links both wanted deleted; links of users must not be put in
 * these groups.  A link already gone counts as deleted.  If one cannot be
 * put in the group, those before it are deleted and the error names it.
 * The kernel deletes a group whole or not at all: if it refuses (a
 * physical interface cannot be deleted), none is deleted and all are back
 * in group 0, the default.
 */
int nl_link_delete_many(struct nl *nl, const int *ifindex, size_t n, struct perr *e);

/*
 * vnet.interface on jail removal.  When a network namespace is destroyed
 * the kernel sends physical interfaces back to the initial namespace, but
 * destroys virtual ones (veth, dummy...) and never returns anything to a
 * namespace other than the initial one.  So prison returns each interface
 * it moved in, under its own name, while the jail's namespace still
 * exists: name is looked up in jail (an nl opened in the jail's namespace)
 * and moved to host_netns_fd.  1 moved, 0 not there (the jail deleted or
 * renamed it), -1 error.
 */
int nl_link_return(struct nl *jail, const char *name, int host_netns_fd, struct perr *e);
/* The same from the two namespace fds, for a caller with no nl open in the jail. */
int nl_link_return_fd(int jail_netns_fd, int host_netns_fd, const char *name, struct perr *e);

/*
 * family AF_INET or AF_INET6, addr a struct in_addr or in6_addr.  IPv6
 * addresses are added with IFA_F_NODAD, usable at once.
 */
int nl_addr_add(struct nl *nl, int ifindex, int family, const void *addr, int prefix, struct perr *e);
int nl_addr_del(struct nl *nl, int ifindex, int family, const void *addr, int prefix, struct perr *e);
struct nl_addr4 {
	struct in_addr a;
	int prefix;
};
/* The IPv4 addresses of interface ifindex, at most max of them: the count, or -1 (E2BIG beyond max). */
int nl_addr4_list(struct nl *nl, int ifindex, struct nl_addr4 *out, int max, struct perr *e);
/* Set (create or replace) the default route of family via gateway in the main table. */
int nl_route_default(struct nl *nl, int family, const void *gateway, struct perr *e);
/*
 * A policy rule of family at priority that sends a lookup to table (what
 * the table lacks falls through to the rules after it): every lookup, or
 * with by_uid those of sockets whose owner's host uid is in [uid_start,
 * uid_end] (FRA_UID_RANGE, Linux 4.10).
 */
struct nl_rule {
	int family;
	uint32_t table, priority;
	bool by_uid;
	uint32_t uid_start, uid_end;
};
int nl_rule_add(struct nl *nl, const struct nl_rule *r, struct perr *e);
/* The rule that matches r's family, priority, table and uid range (ENOENT when there is none). */
int nl_rule_delete(struct nl *nl, const struct nl_rule *r, struct perr *e);
/* The rules of family at priority that send lookups to a table, into a new array *ret (free it). */
int nl_rule_list(struct nl *nl, int family, uint32_t priority, struct nl_rule **ret, size_t *ret_n, struct perr *e);

#endif
