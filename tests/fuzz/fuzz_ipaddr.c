/*
 * ip4.addr and ip6.addr values (ipaddr.h), the input tried as both: every
 * address of a list that parses prints back as "[iface|]addr/prefix" that
 * parses to the same address, the prefix within the family's bounds, and
 * an address lies in its own prefix.
 */
#include "fuzz.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include "../../src/lib/ipaddr.h"

#define MAX_ADDRS 16

static void check(const struct ipaddr *a, int family)
{
	char addr[INET6_ADDRSTRLEN], text[INET6_ADDRSTRLEN + IF_NAMESIZE + 8];
	struct ipaddr again;
	struct perr e = { 0 };

	FUZZ_ASSERT(a->family == family);
	FUZZ_ASSERT(a->prefix >= 0 && a->prefix <= (family == AF_INET ? 32 : 128));
	FUZZ_ASSERT(strlen(a->iface) < IF_NAMESIZE && !strpbrk(a->iface, "|/ ,"));
	FUZZ_ASSERT(inet_ntop(family, &a->a, addr, sizeof(addr)) != NULL);
	snprintf(text, sizeof(text), "%s%s%s/%d", a->iface, a->iface[0] ? "|" : "", addr, a->prefix);
	FUZZ_ASSERT(ipaddr_parse(text, family, &again, &e) == 0);
	FUZZ_ASSERT(again.prefix == a->prefix && strcmp(again.iface, a->iface) == 0 &&
		    memcmp(&again.a, &a->a, family == AF_INET ? 4 : 16) == 0);
	FUZZ_ASSERT(ipaddr_contains(a, &a->a));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int families[] = { AF_INET, AF_INET6 };
	char *s = fuzz_string(data, size);
	struct ipaddr list[MAX_ADDRS];
	struct perr e = { 0 };

	for (size_t f = 0; f < 2; f++) {
		int n = ipaddr_parse_list(s, families[f], list, MAX_ADDRS, &e);
		if (n < 0) {
			FUZZ_ASSERT(e.msg[0] != '\0' && e.err != 0);
			continue;
		}
		FUZZ_ASSERT(n <= MAX_ADDRS);
		for (int i = 0; i < n; i++)
			check(&list[i], families[f]);
	}
	free(s);
	return 0;
}
