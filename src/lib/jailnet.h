/*
 * A jail's networking, FreeBSD's two kinds.  On the shared host stack
 * (vnet = inherit) the jail keeps the creator's network namespace and the
 * sock_addr BPF programs hold its sockets to ip4.addr / ip6.addr, with
 * addresses optionally added to a host interface.  A vnet jail has a
 * network namespace of its own, owned by its user namespace, wired to the
 * creator's namespace over netlink: a veth pair to a bridge, interfaces
 * moved in and handed back.  "Host" is always the network namespace of the
 * jail command at work.
 */
#ifndef PRISON_JAILNET_H
#define PRISON_JAILNET_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "param.h"
#include "registry.h"

/*
 * Check the networking parameters and settle them before anything exists:
 * resolve host.hostname for ip_hostname, and set ip4 / ip6 to what they
 * mean (new when addresses are given, else disable, as FreeBSD does).
 */
int jailnet_settle(struct paramset *ps, struct perr *e);
bool jailnet_vnet(const struct paramset *ps);
/*
 * Whether ps is a child's ip4=inherit (family AF_INET) or ip6=inherit held
 * to its parent's addresses: jailsub.c keeps that list in ip4.addr.
 */
bool jailnet_inherits_list(const struct paramset *ps, int family);
/* Before the jail's first process: the address limits of its cgroup and the addresses on interface. */
int jailnet_setup_host(const struct jail_record *rec, struct perr *e);
/*
 * A running shared-stack jail's record in the sockaddr map rewritten from
 * its parameters, in one map update: its sockets see the new addresses at
 * their next bind or connect.
 */
int jailnet_relimit(const struct jail_record *rec, struct perr *e);
/* Once jailinit stands in the new network namespace: loopback, veth and bridge, moved interfaces. */
int jailnet_setup_vnet(const struct jail_record *rec, struct perr *e);
/*
 * vnet.interface: the jail's network namespace held open (-1 when there is
 * nothing to hand back), taken before its processes are stopped...
 */
int jailnet_hold(const struct jail_record *rec);
/*
 * ...and the interfaces that went in handed back from it once they are
 * gone, by identity (ifmove.h).  netns -1: opened through jailinit, for a
 * jail whose creation failed before anything of it ran.
 */
int jailnet_return(const struct jail_record *rec, int netns, struct perr *e);
/* Whatever of the above is left, undone; errors are ignored, as in any teardown. */
void jailnet_release(const struct jail_record *rec);

#endif
