/*
 * Published ports: the values of the expose parameter, read into rules.
 * One value is
 *
 *     proto:[address:]hostport[-end]:jailport[-end]     or   proto:port
 *
 * with proto tcp or udp, an IPv6 address in brackets ("tcp:[fd00::1]:8080:80"),
 * and a host range as long as the jail's ("udp:5353-5360:5353-5360").  A
 * rule without an address forwards the port on every address of the host,
 * in each family the jail has an address of.  Pure functions: no system
 * calls.
 */
#ifndef PRISON_EXPOSE_H
#define PRISON_EXPOSE_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define EXPOSE_MAX 64
/* A host range mapped onto a different jail range takes one rule per port: at most this many. */
#define EXPOSE_MAX_SHIFTED 256

struct expose_rule {
	int proto;  /* IPPROTO_TCP or IPPROTO_UDP */
	int family; /* AF_INET or AF_INET6 with an address, 0 for every address of the host */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} addr;
	uint16_t host_lo, host_hi, jail_lo, jail_hi;
};

/* One value; -1 with e set, naming the value, when it is not one. */
int expose_parse(const char *word, struct expose_rule *ret, struct perr *e);
/* A list separated by commas or blanks into out; the count, or -1 with e set. */
int expose_parse_list(const char *s, struct expose_rule *out, size_t max, struct perr *e);
/* The canonical text of a rule (as expose_parse reads it back). */
void expose_format(const struct expose_rule *r, char *buf, size_t len);

#endif
