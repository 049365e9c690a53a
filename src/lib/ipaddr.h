/*
 * FreeBSD's ip4.addr and ip6.addr values: "addr", "addr/prefix" and
 * "iface|addr/prefix", several separated by commas.  Pure parsing: the
 * interface part is handed back so that the caller can add the address to
 * that interface; the prefix is what source address selection matches.
 */
#ifndef PRISON_IPADDR_H
#define PRISON_IPADDR_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"

struct ipaddr {
	int family;             /* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} a;
	int prefix;             /* 32 or 128 when none was given */
	char iface[IF_NAMESIZE]; /* "" when none was given */
};

/* One "[iface|]addr[/prefix]" of family; 0, or -1 with e set. */
int ipaddr_parse(const char *s, int family, struct ipaddr *ret, struct perr *e);
/*
 * A comma-separated list of at most max addresses (blanks around items are
 * ignored; an empty string is an empty list); the count, or -1 with e set.
 */
int ipaddr_parse_list(const char *s, int family, struct ipaddr *ret, size_t max, struct perr *e);
/* Whether addr lies in the prefix of net (both of family). */
bool ipaddr_contains(const struct ipaddr *net, const void *addr);

#endif
