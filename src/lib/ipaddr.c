#include "ipaddr.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "util.h"

static const char *param_name(int family)
{
	return family == AF_INET ? "ip4.addr" : "ip6.addr";
}

/* A dotted IPv4 netmask such as 255.255.255.0 as a prefix length; -1 if not contiguous. */
static int mask_prefix(const char *s)
{
	struct in_addr m;
	uint32_t v;
	int n = 0;

	if (inet_pton(AF_INET, s, &m) != 1)
		return -1;
	v = ntohl(m.s_addr);
	while (v & 0x80000000u) {
		v <<= 1;
		n++;
	}
	return v ? -1 : n;
}

int ipaddr_parse(const char *s, int family, struct ipaddr *ret, struct perr *e)
{
	const char *p = param_name(family), *bar = strchr(s, '|'), *addr = s, *slash;
	int max = family == AF_INET ? 32 : 128;
	char buf[INET6_ADDRSTRLEN + 8];
	size_t len;

	memset(ret, 0, sizeof(*ret));
	ret->family = family;
	if (bar) {
		len = (size_t)(bar - s);
		if (len == 0 || len >= IF_NAMESIZE || memchr(s, '/', len) || memchr(s, ' ', len))
			return perr_setx(e, EINVAL, "%s: \"%s\": \"%.*s\" is not an interface name", p, s, (int)len, s);
		memcpy(ret->iface, s, len);
		ret->iface[len] = '\0';
		addr = bar + 1;
	}
	slash = strchr(addr, '/');
	len = slash ? (size_t)(slash - addr) : strlen(addr);
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1; /* too long for an address: inet_pton refuses it */
	memcpy(buf, addr, len);
	buf[len] = '\0';
	if (inet_pton(family, buf, &ret->a) != 1)
		return perr_setx(e, EINVAL, "%s: \"%s\" is not an IPv%d address", p, buf, family == AF_INET ? 4 : 6);
	ret->prefix = max;
	if (slash) {
		long v;
		if (parse_long(slash + 1, 0, max, &v))
			ret->prefix = (int)v;
		else if (family == AF_INET && (ret->prefix = mask_prefix(slash + 1)) >= 0)
			;
		else
			return perr_setx(e, EINVAL, "%s: \"%s\": prefix \"%s\" is not a number from 0 to %d%s", p, s,
					slash + 1, max, family == AF_INET ? " or a netmask" : "");
	}
	return 0;
}

int ipaddr_parse_list(const char *s, int family, struct ipaddr *ret, size_t max, struct perr *e)
{
	size_t n = 0;
	const char *p = s;

	for (;;) {
		const char *end;
		char item[128];
		size_t len;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' && n == 0)
			return 0;
		end = strchr(p, ',');
		len = end ? (size_t)(end - p) : strlen(p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == 0)
			return perr_setx(e, EINVAL, "%s: \"%s\": empty address in the list", param_name(family), s);
		if (len >= sizeof(item))
			return perr_setx(e, EOVERFLOW, "%s: \"%.*s\" is too long", param_name(family), (int)len, p);
		if (n == max)
			return perr_setx(e, E2BIG, "%s: more than %zu addresses", param_name(family), max);
		memcpy(item, p, len);
		item[len] = '\0';
		if (ipaddr_parse(item, family, &ret[n], e) < 0)
			return -1;
		n++;
		if (!end)
			return (int)n;
		p = end + 1;
	}
}

bool ipaddr_contains(const struct ipaddr *net, const void *addr)
{
	const unsigned char *a = (const unsigned char *)&net->a, *b = addr;
	int bits = net->prefix;

	for (int i = 0; bits > 0; i++, bits -= 8) {
		unsigned char m = bits >= 8 ? 0xff : (unsigned char)(0xff << (8 - bits));
		if ((a[i] & m) != (b[i] & m))
			return false;
	}
	return true;
}
