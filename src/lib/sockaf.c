#include "sockaf.h"

#include <errno.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include "util.h"

/*
 * Families are compared on their low 32 bits, as the kernel reads them (an
 * int): garbage in the upper half of the register must not walk around a
 * rule.  A rule with GE compares all 64 bits, so such garbage is refused,
 * which is the safe side.
 *
 * libseccomp turns every rule on socket(2) for the 32-bit x86 entry points
 * into one on the socketcall(2) multiplexer too.  Its arguments are in
 * memory, which a filter cannot read, so a 32-bit program that makes its
 * sockets through socketcall(2) gets none at all; the direct socket(2)
 * entry point (Linux 4.3) is filtered like the 64-bit one.  Every family
 * rule therefore has one action, EAFNOSUPPORT: libseccomp refuses a second
 * action for the same socketcall(2) case.
 */
#define LOW32 0xffffffffULL

bool sockaf_allowed(const struct jail_policy *p, int af)
{
	switch (af) {
	case AF_UNIX:
	case AF_INET:
	case AF_INET6:
	case AF_NETLINK:
		return true;
	case AF_PACKET:
		/*
		 * Raw frames of a stack of its own only: on the shared stack they
		 * bypass the address limits.  The kernel holds this already, by
		 * CAP_NET_RAW over the network namespace (the host's is out of
		 * reach, a vnet jail's is kept only with allow.raw_sockets), and
		 * answers EPERM as for any raw socket: no rule is added.
		 */
		return p->vnet && p->raw_sockets;
	case AF_VSOCK:
		/* The hypervisor's and other guests' services: no jail has any business there. */
		return false;
	default:
		return p->socket_af;
	}
}

/*
 * NETLINK_ROUTE is FreeBSD's PF_ROUTE (getifaddrs(3) and getaddrinfo(3)
 * need it); changes through it need CAP_NET_ADMIN over the network
 * namespace, which a jail on the shared stack lacks.  The protocols that
 * administer or show a stack (sock_diag lists every socket of it, netfilter,
 * xfrm, generic netlink for the devices) are a vnet jail's, its stack being
 * its own; on the shared stack they would show the host's, whatever
 * allow.socket_af says.
 */
bool sockaf_netlink_allowed(const struct jail_policy *p, int proto)
{
	if (proto == NETLINK_ROUTE)
		return true;
	if (!p->vnet)
		return false;
	if (p->socket_af)
		return true;
	return proto == NETLINK_SOCK_DIAG || proto == NETLINK_XFRM || proto == NETLINK_NETFILTER ||
	       proto == NETLINK_GENERIC;
}

static int rule(scmp_filter_ctx ctx, int err, int nr, unsigned n, struct scmp_arg_cmp a, struct scmp_arg_cmp b,
		struct perr *e)
{
	int r = n == 1 ? seccomp_rule_add(ctx, SCMP_ACT_ERRNO(err), nr, 1, a)
		       : seccomp_rule_add(ctx, SCMP_ACT_ERRNO(err), nr, 2, a, b);

	/*
	 * A rule whose socketcall(2) part would differ in action from one
	 * already there is refused whole, on every architecture: no error may
	 * be passed over.
	 */
	if (r < 0)
		return perr_set(e, -r, "seccomp rule for socket");
	return 0;
}

/* Refuse family af (or every family from af up, with GE) on both calls. */
static int deny_family(scmp_filter_ctx ctx, int err, struct scmp_arg_cmp cmp, struct perr *e)
{
	if (rule(ctx, err, SCMP_SYS(socket), 1, cmp, cmp, e) < 0 ||
	    rule(ctx, err, SCMP_SYS(socketpair), 1, cmp, cmp, e) < 0)
		return -1;
	return 0;
}

static int netlink_rules(scmp_filter_ctx ctx, const struct jail_policy *p, struct perr *e)
{
	struct scmp_arg_cmp nl = SCMP_A0(SCMP_CMP_MASKED_EQ, LOW32, AF_NETLINK);

	if (!p->vnet)
		return rule(ctx, EPROTONOSUPPORT, SCMP_SYS(socket), 2, nl, SCMP_A2(SCMP_CMP_GT, NETLINK_ROUTE), e);
	if (p->socket_af)
		return 0;
	for (int proto = 1; proto < MAX_LINKS; proto++) {
		struct scmp_arg_cmp pr = SCMP_A2(SCMP_CMP_MASKED_EQ, LOW32, (scmp_datum_t)proto);
		/* Past the last one a vnet jail may have, one rule for all. */
		bool rest = proto > NETLINK_GENERIC;
		if (rest)
			pr = SCMP_A2(SCMP_CMP_GE, (scmp_datum_t)proto);
		if (!sockaf_netlink_allowed(p, proto) && rule(ctx, EPROTONOSUPPORT, SCMP_SYS(socket), 2, nl, pr, e) < 0)
			return -1;
		if (rest)
			break;
	}
	return 0;
}

/*
 * A refused family gets EAFNOSUPPORT, the kernel's own answer for a family
 * it does not have, which programs already take as "not here" (FreeBSD
 * says EPROTONOSUPPORT); a refused netlink protocol EPROTONOSUPPORT.
 */
int sockaf_rules(scmp_filter_ctx ctx, const struct jail_policy *p, struct perr *e)
{
	/* Every family above the packet one is refused together, unless allow.socket_af opens them. */
	int last = p->socket_af ? AF_MAX - 1 : AF_PACKET;

	for (int af = 0; af <= last; af++)
		if (af != AF_PACKET && !sockaf_allowed(p, af) &&
		    deny_family(ctx, EAFNOSUPPORT, SCMP_A0(SCMP_CMP_MASKED_EQ, LOW32, (scmp_datum_t)af), e) < 0)
			return -1;
	if (!p->socket_af && deny_family(ctx, EAFNOSUPPORT, SCMP_A0(SCMP_CMP_GE, AF_PACKET + 1), e) < 0)
		return -1;
	return netlink_rules(ctx, p, e);
}
