/*
 * Network interface names, checked before they reach the kernel so that a
 * bad name in jail.conf is refused with a message naming it, and the names
 * prison gives the two ends of a jail's veth pair (FreeBSD's epairNa and
 * epairNb).  Pure functions: no system calls.
 */
#ifndef PRISON_IFNAME_H
#define PRISON_IFNAME_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/*
 * 0 if name is one the kernel takes as it is: 1 to IFNAMSIZ-1 bytes, not
 * "." or "..", no '/', ':' (alias syntax) or '%' (the kernel would read it
 * as a pattern such as "eth%d" and pick a number), no blank or control
 * character.  -1 with e set otherwise.
 */
int ifname_check(const char *name, struct perr *e);

/*
 * The veth pair of jail jid: "pj<jid>a" on the host, "pj<jid>b" in the
 * jail.  Any jid from 0 to UINT32_MAX fits IFNAMSIZ ("pj4294967295a" is 13
 * bytes).  -1 with e set for a jid out of that range.
 */
int ifname_jail_pair(long long jid, char ret_host[IFNAMSIZ], char ret_jail[IFNAMSIZ], struct perr *e);

/*
 * The stable MAC address of interface ifname of jail name: a hash of both,
 * locally administered and unicast, so that a jail keeps its address (and
 * its DHCP lease and SLAAC address) across restarts.
 */
void ifname_jail_ether(const char *jail, const char *ifname, uint8_t ret[6]);

#endif
