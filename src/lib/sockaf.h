/*
 * The address families a jail may open: seccomp rules on socket(2) and
 * socketpair(2) derived from a jail's policy (priv.h), in the way of
 * FreeBSD's allow.socket_af.
 */
#ifndef PRISON_SOCKAF_H
#define PRISON_SOCKAF_H

#include <seccomp.h>
#include <stdbool.h>

#include "error.h"
#include "priv.h"

/*
 * Is family af open to a jail of policy p?  AF_UNIX, AF_INET, AF_INET6 and
 * AF_NETLINK always (netlink limited by sockaf_netlink_allowed), AF_PACKET
 * only to a vnet jail with allow.raw_sockets, AF_VSOCK never, the rest only
 * with allow.socket_af.
 */
bool sockaf_allowed(const struct jail_policy *p, int af);
/* Is netlink protocol proto open to a jail of policy p? */
bool sockaf_netlink_allowed(const struct jail_policy *p, int proto);
/* Add the rules refusing every other family and netlink protocol to ctx. */
int sockaf_rules(scmp_filter_ctx ctx, const struct jail_policy *p, struct perr *e);

#endif
