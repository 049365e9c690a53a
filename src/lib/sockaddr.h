/*
 * ip4.addr and ip6.addr on the shared network stack.  One set of cgroup
 * sock_addr BPF programs, attached once to the parent cgroup of all jails,
 * enforces the record that sockaddr_limit writes for a jail's cgroup: bind
 * only to the jail's addresses, wildcard and loopback become the jail's
 * primary address, outgoing sockets take a jail address as source, raw and
 * ICMP sockets and disabled families are refused, and packets for a jail's
 * socket must be addressed to the jail.  There is no daemon and
 * no pin in bpffs: the attached programs are found again through the cgroup
 * (BPF_PROG_QUERY), and their map through the programs.
 */
#ifndef PRISON_SOCKADDR_H
#define PRISON_SOCKADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

#define SOCKADDR_MAX_ADDRS 16

/* ip4 and ip6: FreeBSD's new (the listed addresses), inherit (the host's) and disable. */
enum net_mode { NET_NEW, NET_INHERIT, NET_DISABLE };

struct jail_addrs {            /* what a jail may use on the shared stack */
	int ip4_mode, ip6_mode;    /* enum net_mode; new without addresses is disable */
	bool ip4_saddrsel, ip6_saddrsel;
	bool allow_raw;            /* reserved for vnet; on the shared stack raw stays refused */
	bool allow_reserved_ports; /* root_uid may bind ports below 1024 on the jail's addresses */
	uid_t root_uid;            /* host uid of the jail's root */
	size_t n4, n6;             /* [0] is the primary address of its family */
	struct {
		struct in_addr a;
		int prefix;
	} ip4[SOCKADDR_MAX_ADDRS];
	struct {
		struct in6_addr a;
		int prefix;
	} ip6[SOCKADDR_MAX_ADDRS];
};

/*
 * Limit the sockets of the cgroup (and every cgroup below it) to a; adds or
 * replaces its record, attaching the programs first if they are not yet.
 */
int sockaddr_limit(uint64_t cgroup_id, const struct jail_addrs *a, struct perr *e);
/* Remove the cgroup's record; none (or no programs attached) is fine. */
int sockaddr_unlimit(uint64_t cgroup_id, struct perr *e);
/* The id of the cgroup2 directory dirfd, as bpf_get_current_cgroup_id() sees it. */
int cgroup_id_of_fd(int cgroup_dirfd, uint64_t *id, struct perr *e);
/* Whether this version's programs are attached; -1 with e set on error. */
int sockaddr_attached(bool *ret, struct perr *e);
/*
 * Detach this version's programs (uninstall, tests).  Refused with EBUSY
 * while a cgroup still has a record.
 */
int sockaddr_detach(struct perr *e);

#endif
