#include "expose.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "util.h"

#define EXPOSE_SYNTAX "expected tcp|udp:[address:]hostport[-end]:jailport[-end]"

/* "80" or "8080-8090", ports 1 to 65535, the range not reversed. */
static int parse_range(const char *s, uint16_t *lo, uint16_t *hi)
{
	char buf[16];
	const char *dash = strchr(s, '-');
	long a, b;

	if (strlen(s) >= sizeof(buf))
		return -1;
	snprintf(buf, sizeof(buf), "%s", s);
	if (dash)
		buf[dash - s] = '\0';
	if (!parse_long(buf, 1, 65535, &a))
		return -1;
	b = a;
	if (dash && (!parse_long(dash + 1, 1, 65535, &b) || b < a))
		return -1;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

/* The address part: "[v6]" or a dotted IPv4 address. */
static int parse_addr(const char *s, size_t n, struct expose_rule *r)
{
	char buf[INET6_ADDRSTRLEN + 2];

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (buf[0] == '[' && buf[n - 1] == ']') {
		buf[n - 1] = '\0';
		r->family = AF_INET6;
		return inet_pton(AF_INET6, buf + 1, &r->addr.v6) == 1 ? 0 : -1;
	}
	r->family = AF_INET;
	return inet_pton(AF_INET, buf, &r->addr.v4) == 1 ? 0 : -1;
}

/* What follows "proto:": [address:]hostport[:jailport]. */
static int parse_ports(const char *s, struct expose_rule *r)
{
	const char *ports = s, *colon;

	if (s[0] == '[') {
		const char *end = strchr(s, ']');
		if (!end || end[1] != ':' || parse_addr(s, (size_t)(end - s + 1), r) < 0)
			return -1;
		ports = end + 2;
	} else if ((colon = strchr(s, ':')) && strchr(colon + 1, ':')) {
		if (parse_addr(s, (size_t)(colon - s), r) < 0)
			return -1;
		ports = colon + 1;
	}
	colon = strchr(ports, ':');
	if (!colon) {
		if (parse_range(ports, &r->host_lo, &r->host_hi) < 0)
			return -1;
		r->jail_lo = r->host_lo;
		r->jail_hi = r->host_hi;
		return 0;
	}
	char host[16];
	if ((size_t)(colon - ports) >= sizeof(host))
		return -1;
	memcpy(host, ports, (size_t)(colon - ports));
	host[colon - ports] = '\0';
	if (parse_range(host, &r->host_lo, &r->host_hi) < 0 || parse_range(colon + 1, &r->jail_lo, &r->jail_hi) < 0)
		return -1;
	/* A single jail port takes the whole host range, as a redirection to one service. */
	return 0;
}

int expose_parse(const char *word, struct expose_rule *ret, struct perr *e)
{
	struct expose_rule r = { 0 };
	const char *rest;

	if (strncmp(word, "tcp:", 4) == 0)
		r.proto = IPPROTO_TCP;
	else if (strncmp(word, "udp:", 4) == 0)
		r.proto = IPPROTO_UDP;
	else
		return perr_setx(e, EINVAL, "expose: \"%s\": " EXPOSE_SYNTAX, word);
	rest = word + 4;
	if (parse_ports(rest, &r) < 0)
		return perr_setx(e, EINVAL, "expose: \"%s\": " EXPOSE_SYNTAX, word);
	if (r.jail_lo != r.jail_hi && r.jail_hi - r.jail_lo != r.host_hi - r.host_lo)
		return perr_setx(e, EINVAL, "expose: \"%s\": the host and jail ranges differ in length", word);
	if (r.jail_lo != r.jail_hi && r.jail_lo != r.host_lo && r.host_hi - r.host_lo >= EXPOSE_MAX_SHIFTED)
		return perr_setx(e, EINVAL, "expose: \"%s\": a range moved to other ports is at most %d ports", word,
				 EXPOSE_MAX_SHIFTED);
	*ret = r;
	return 0;
}

/* The same protocol on the same host address (or both on every address). */
static bool same_place(const struct expose_rule *a, const struct expose_rule *b)
{
	if (a->proto != b->proto || a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return a->addr.v4.s_addr == b->addr.v4.s_addr;
	return a->family == 0 || IN6_ARE_ADDR_EQUAL(&a->addr.v6, &b->addr.v6);
}

int expose_parse_list(const char *s, struct expose_rule *out, size_t max, struct perr *e)
{
	char buf[4096], *save = NULL;
	size_t n = 0;

	if (!s)
		return 0;
	if (strlen(s) >= sizeof(buf))
		return perr_setx(e, EINVAL, "expose: too long");
	snprintf(buf, sizeof(buf), "%s", s);
	for (char *t = strtok_r(buf, ", \t\n", &save); t; t = strtok_r(NULL, ", \t\n", &save)) {
		if (n == max)
			return perr_setx(e, EINVAL, "expose: more than %zu published ports", max);
		if (expose_parse(t, &out[n], e) < 0)
			return -1;
		for (size_t i = 0; i < n; i++)
			if (same_place(&out[i], &out[n]) && out[i].host_lo <= out[n].host_hi &&
			    out[n].host_lo <= out[i].host_hi)
				return perr_setx(e, EINVAL, "expose: \"%s\": overlaps another published port", t);
		n++;
	}
	return (int)n;
}

static void format_range(char *buf, size_t len, uint16_t lo, uint16_t hi)
{
	if (lo == hi)
		snprintf(buf, len, "%u", lo);
	else
		snprintf(buf, len, "%u-%u", lo, hi);
}

void expose_format(const struct expose_rule *r, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN + 3] = "", a[INET6_ADDRSTRLEN], h[16], j[16];

	if (r->family == AF_INET && inet_ntop(AF_INET, &r->addr.v4, a, sizeof(a)))
		snprintf(addr, sizeof(addr), "%s:", a);
	else if (r->family == AF_INET6 && inet_ntop(AF_INET6, &r->addr.v6, a, sizeof(a)))
		snprintf(addr, sizeof(addr), "[%s]:", a);
	format_range(h, sizeof(h), r->host_lo, r->host_hi);
	format_range(j, sizeof(j), r->jail_lo, r->jail_hi);
	snprintf(buf, len, "%s:%s%s:%s", r->proto == IPPROTO_TCP ? "tcp" : "udp", addr, h, j);
}
