#include "natrules.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "expose.h"
#include "ifname.h"
#include "ipaddr.h"
#include "sockaddr.h"

/* What one jail's rules are made from, read once from its parameters. */
struct natjail {
	bool vnet;
	const char *bridge;       /* a vnet jail's bridge, or NULL */
	const char *nat[2];       /* ip4.nat, ip6.nat: an interface, "auto", or NULL */
	char addr[2][SOCKADDR_MAX_ADDRS][INET6_ADDRSTRLEN];
	int naddr[2];
	struct expose_rule rules[EXPOSE_MAX];
	int nrules;
};

static const char *given(const struct paramset *ps, int id)
{
	const char *s = param_str(ps, id);

	return s && *s ? s : NULL;
}

static int read_addrs(const struct paramset *ps, int k, struct natjail *j, struct perr *e)
{
	struct ipaddr a[SOCKADDR_MAX_ADDRS];
	int family = k ? AF_INET6 : AF_INET;
	const char *s = given(ps, k ? P_IP6_ADDR : P_IP4_ADDR);
	int n = s ? ipaddr_parse_list(s, family, a, SOCKADDR_MAX_ADDRS, e) : 0;

	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++)
		inet_ntop(family, &a[i].a, j->addr[k][i], sizeof(j->addr[k][i]));
	j->naddr[k] = n;
	return 0;
}

static int check_nat(const struct natjail *j, int k, struct perr *e)
{
	const char *name = k ? "ip6.nat" : "ip4.nat";

	if (!j->nat[k])
		return 0;
	if (strcmp(j->nat[k], "auto") != 0 && ifname_check(j->nat[k], e) < 0)
		return perr_prefix(e, "%s", name);
	if (!j->naddr[k])
		return perr_setx(e, EINVAL, "%s: the jail has no IPv%d address to masquerade", name, k ? 6 : 4);
	return 0;
}

/* Each published port has an address of the jail to go to. */
static int check_rules(const struct natjail *j, struct perr *e)
{
	for (int i = 0; i < j->nrules; i++) {
		const struct expose_rule *r = &j->rules[i];
		char buf[96];
		int k = r->family == AF_INET6;
		expose_format(r, buf, sizeof(buf));
		if (r->family && !j->naddr[k])
			return perr_setx(e, EINVAL, "expose: \"%s\": the jail has no IPv%d address", buf, k ? 6 : 4);
		if (!r->family && !j->naddr[0] && !j->naddr[1])
			return perr_setx(e, EINVAL, "expose: \"%s\": the jail has no address", buf);
	}
	return 0;
}

static int read_jail(const struct paramset *ps, struct natjail *j, struct perr *e)
{
	const char *v = param_str(ps, P_VNET);

	memset(j, 0, sizeof(*j));
	j->vnet = v && strcmp(v, "new") == 0;
	j->bridge = j->vnet ? given(ps, P_VNET_BRIDGE) : NULL;
	j->nat[0] = given(ps, P_IP4_NAT);
	j->nat[1] = given(ps, P_IP6_NAT);
	if (read_addrs(ps, 0, j, e) < 0 || read_addrs(ps, 1, j, e) < 0)
		return -1;
	j->nrules = expose_parse_list(given(ps, P_EXPOSE), j->rules, EXPOSE_MAX, e);
	if (j->nrules < 0)
		return -1;
	if (j->vnet && (j->nrules || j->nat[0] || j->nat[1]) && !j->bridge)
		return perr_setx(e, EINVAL, "%s: a vnet jail is reached through vnet.bridge",
				 j->nrules ? "expose" : j->nat[0] ? "ip4.nat" : "ip6.nat");
	if (check_nat(j, 0, e) < 0 || check_nat(j, 1, e) < 0)
		return -1;
	return check_rules(j, e);
}

/* Does the jail publish a port in family k (0 IPv4, 1 IPv6)? */
static bool publishes(const struct natjail *j, int k)
{
	for (int i = 0; i < j->nrules; i++)
		if (j->naddr[k] && (!j->rules[i].family || (j->rules[i].family == AF_INET6) == k))
			return true;
	return false;
}

int natrules_check(const struct paramset *ps, struct natrules_need *ret, struct perr *e)
{
	struct natjail *j = calloc(1, sizeof(*j));

	memset(ret, 0, sizeof(*ret));
	if (!j)
		return perr_set(e, ENOMEM, "expose");
	if (read_jail(ps, j, e) < 0) {
		free(j);
		return -1;
	}
	ret->any = j->nrules || j->nat[0] || j->nat[1];
	ret->forward4 = j->vnet && (j->nat[0] || publishes(j, 0));
	ret->forward6 = j->vnet && (j->nat[1] || publishes(j, 1));
	ret->localnet = j->vnet && publishes(j, 0);
	free(j);
	return 0;
}

/* ---- the rules ---- */

static const char *const fam_word[2] = { "ip", "ip6" };
static const char *const nfproto[2] = { "ipv4", "ipv6" };

/* "198.19.0.2" or "[fd00::2]", with ":port" when port is not 0. */
static void target(char *buf, size_t len, int k, const char *addr, unsigned port)
{
	if (!port)
		snprintf(buf, len, k ? "[%s]" : "%s", addr);
	else
		snprintf(buf, len, k ? "[%s]:%u" : "%s:%u", addr, port);
}

/* The match of the host address: the one given, or any local address of the host. */
static void host_match(char *buf, size_t len, const struct expose_rule *r, int k)
{
	char a[INET6_ADDRSTRLEN];

	if (r->family) {
		inet_ntop(r->family, &r->addr, a, sizeof(a));
		snprintf(buf, len, "%s daddr %s", fam_word[k], a);
	} else {
		snprintf(buf, len, "meta nfproto %s fib daddr type local", nfproto[k]);
	}
}

/* One published port (or range) in family k, to the jail's first address of that family. */
static void write_rdr(FILE *f, const char *chain, const struct natjail *j, const struct expose_rule *r, int k)
{
	const char *proto = r->proto == IPPROTO_TCP ? "tcp" : "udp";
	char match[128], to[INET6_ADDRSTRLEN + 16];

	host_match(match, sizeof(match), r, k);
	if (r->jail_lo == r->jail_hi || r->jail_lo == r->host_lo) {
		/* A range kept as it is needs no port in the target: the port stays. */
		target(to, sizeof(to), k, j->addr[k][0], r->jail_lo == r->jail_hi ? r->jail_lo : 0);
		if (r->host_lo == r->host_hi)
			fprintf(f, "add rule %s %s %s dport %u dnat %s to %s\n", chain, match, proto, r->host_lo, fam_word[k], to);
		else
			fprintf(f, "add rule %s %s %s dport %u-%u dnat %s to %s\n", chain, match, proto, r->host_lo,
				r->host_hi, fam_word[k], to);
		return;
	}
	/* A range moved to other ports: one rule a port (at most EXPOSE_MAX_SHIFTED). */
	for (unsigned p = r->host_lo; p <= r->host_hi; p++) {
		target(to, sizeof(to), k, j->addr[k][0], r->jail_lo + (p - r->host_lo));
		fprintf(f, "add rule %s %s %s dport %u dnat %s to %s\n", chain, match, proto, p, fam_word[k], to);
	}
}

static void write_masquerade(FILE *f, const char *chain, const struct natjail *j, int k)
{
	for (int i = 0; i < j->naddr[k]; i++) {
		if (strcmp(j->nat[k], "auto") != 0)
			fprintf(f, "add rule %s %s saddr %s oifname \"%s\" masquerade\n", chain, fam_word[k], j->addr[k][i],
				j->nat[k]);
		else if (j->bridge)
			fprintf(f, "add rule %s %s saddr %s oifname != { \"lo\", \"%s\" } masquerade\n", chain, fam_word[k],
				j->addr[k][i], j->bridge);
		else
			fprintf(f, "add rule %s %s saddr %s oifname != \"lo\" masquerade\n", chain, fam_word[k],
				j->addr[k][i]);
	}
}

int natrules_write(FILE *f, const char *table, int jid, const struct paramset *ps, struct perr *e)
{
	struct natjail *j = calloc(1, sizeof(*j));
	char rdr[300], nat[300];

	if (!j)
		return perr_set(e, ENOMEM, "expose");
	if (read_jail(ps, j, e) < 0) {
		free(j);
		return -1;
	}
	snprintf(rdr, sizeof(rdr), "inet %s jail%d_rdr", table, jid);
	snprintf(nat, sizeof(nat), "inet %s jail%d_nat", table, jid);
	for (int i = 0; i < j->nrules; i++)
		for (int k = 0; k < 2; k++)
			if (j->naddr[k] && (!j->rules[i].family || (j->rules[i].family == AF_INET6) == k))
				write_rdr(f, rdr, j, &j->rules[i], k);
	for (int k = 0; k < 2; k++)
		if (j->nat[k])
			write_masquerade(f, nat, j, k);
	/*
	 * The host's 127.0.0.1 forwarded to a vnet jail leaves over the
	 * bridge (route_localnet): its source becomes the bridge's address,
	 * or the jail would answer its own loopback.
	 */
	if (j->vnet && publishes(j, 0))
		fprintf(f, "add rule %s ip saddr 127.0.0.0/8 ip daddr %s ct status dnat masquerade\n", nat, j->addr[0][0]);
	free(j);
	return 0;
}
