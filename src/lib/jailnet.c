#include "jailnet.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "fibrule.h"
#include "hostaddr.h"
#include "ifmove.h"
#include "ifname.h"
#include "ipaddr.h"
#include "jailproc.h"
#include "netlink.h"
#include "sockaddr.h"
#include "pin.h"
#include "util.h"

/* A string parameter with a value: jls -s writes unset ones as name="". */
static const char *given(const struct paramset *ps, int id)
{
	const char *s = param_str(ps, id);

	return s && *s ? s : NULL;
}

bool jailnet_vnet(const struct paramset *ps)
{
	const char *v = param_str(ps, P_VNET);

	return v && strcmp(v, "new") == 0;
}

static int parse_addrs(const struct paramset *ps, int id, int family, struct ipaddr *out, size_t max,
		       struct perr *e)
{
	const char *s = param_str(ps, id);
	int n;

	if (!s || !*s)
		return 0;
	/* The parser's messages name ip4.addr or ip6.addr already. */
	n = ipaddr_parse_list(s, family, out, max, e);
	return n;
}

/* The errno that says what kind of failure a getaddrinfo error is. */
static int gai_errno(int r)
{
	switch (r) {
	case EAI_SYSTEM:
		return errno;
	case EAI_AGAIN:
		return EAGAIN;
	case EAI_MEMORY:
		return ENOMEM;
	default:
		return ENOENT;
	}
}

/* One resolved address, at the end of its family's list unless the list has it. */
static void add_resolved(const struct addrinfo *a, char *v4, size_t len4, char *v6, size_t len6)
{
	char buf[INET6_ADDRSTRLEN];

	if (a->ai_family == AF_INET &&
	    inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)a->ai_addr)->sin_addr, buf, sizeof(buf)))
		(void)csv_add_unique(v4, len4, buf);
	else if (a->ai_family == AF_INET6 &&
		 inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)a->ai_addr)->sin6_addr, buf, sizeof(buf)))
		(void)csv_add_unique(v6, len6, buf);
}

/* Added to what was given, as FreeBSD does. */
static int add_to_param(struct paramset *ps, int id, const char *found, struct perr *e)
{
	const char *have = param_str(ps, id);
	char joined[8192];

	if (!*found)
		return 0;
	snprintf(joined, sizeof(joined), "%s%s%s", have && *have ? have : "", have && *have ? "," : "", found);
	return param_set(ps, id, joined, e);
}

/* jail -h / ip_hostname: every address host.hostname resolves to, the first of each family first. */
static int resolve_hostname(struct paramset *ps, struct perr *e)
{
	const char *host = param_str(ps, P_HOSTNAME);
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
	char v4[2048] = "", v6[4096] = "";
	int r;

	if (!host || !*host)
		return perr_setx(e, EINVAL, "ip_hostname: no host.hostname to resolve");
	r = getaddrinfo(host, NULL, &hints, &res);
	if (r != 0)
		return perr_setx(e, gai_errno(r), "ip_hostname: %s: %s", host, gai_strerror(r));
	for (struct addrinfo *a = res; a; a = a->ai_next)
		add_resolved(a, v4, sizeof(v4), v6, sizeof(v6));
	freeaddrinfo(res);
	if (add_to_param(ps, P_IP4_ADDR, v4, e) < 0 || add_to_param(ps, P_IP6_ADDR, v6, e) < 0)
		return -1;
	return 0;
}

static int settle_family(struct paramset *ps, int mode_id, int addr_id, bool vnet, struct perr *e)
{
	const char *mode = param_str(ps, mode_id), *addr = param_str(ps, addr_id);
	bool has = addr && *addr;

	if (vnet) {
		/* A stack of its own: every address of it is the jail's. */
		if (mode && strcmp(mode, "new") != 0)
			return perr_setx(e, EINVAL, "%s=%s: a vnet jail has a network stack of its own", param_table[mode_id].name, mode);
		return param_set(ps, mode_id, "new", e);
	}
	if (!mode)
		return param_set(ps, mode_id, has ? "new" : "disable", e);
	if (has && strcmp(mode, "new") != 0)
		return perr_setx(e, EINVAL, "%s: addresses need %s=new, not %s", param_table[addr_id].name,
				param_table[mode_id].name, mode);
	return 0;
}

/* The vnet.* parameters need vnet; interface= is for the host's stack only. */
static int check_vnet_only(const struct paramset *ps, bool vnet, struct perr *e)
{
	static const int vnet_only[] = { P_VNET_INTERFACE, P_VNET_BRIDGE, P_VNET_DEFAULTROUTER, P_VNET_DEFAULTROUTER6 };

	if (vnet && given(ps, P_INTERFACE))
		return perr_setx(e, EINVAL, "interface: a vnet jail's addresses go on its own interfaces (vnet.bridge)");
	if (vnet)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(vnet_only); i++)
		if (given(ps, vnet_only[i]))
			return perr_setx(e, EINVAL, "%s needs vnet", param_table[vnet_only[i]].name);
	return 0;
}

static int check_ifnames(const struct paramset *ps, struct perr *e)
{
	static const int single[] = { P_INTERFACE, P_VNET_BRIDGE, P_VNET_IFNAME };
	const char *s;

	for (size_t i = 0; i < ARRAY_SIZE(single); i++)
		if ((s = given(ps, single[i])) && ifname_check(s, e) < 0)
			return perr_prefix(e, "%s", param_table[single[i]].name);
	if ((s = given(ps, P_VNET_INTERFACE))) {
		char buf[1024], *save = NULL;
		snprintf(buf, sizeof(buf), "%s", s);
		for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			/* HOST, or HOST:INSIDE for the name it has in the jail. */
			char *inside = strchr(t, ':');
			if (inside)
				*inside++ = '\0';
			if (ifname_check(t, e) < 0 || (inside && ifname_check(inside, e) < 0))
				return perr_prefix(e, "vnet.interface");
		}
	}
	return 0;
}

static int check_routers(const struct paramset *ps, struct perr *e)
{
	for (int k = 0; k < 2; k++) {
		struct ipaddr gw;
		int id = k ? P_VNET_DEFAULTROUTER6 : P_VNET_DEFAULTROUTER;
		const char *s = given(ps, id);
		if (s && ipaddr_parse(s, k ? AF_INET6 : AF_INET, &gw, e) < 0)
			return perr_setx(e, EINVAL, "%s: \"%s\" is not an IPv%d address", param_table[id].name, s,
					 k ? 6 : 4);
	}
	return 0;
}

int jailnet_settle(struct paramset *ps, struct perr *e)
{
	struct ipaddr a[SOCKADDR_MAX_ADDRS];
	bool vnet = jailnet_vnet(ps);
	const char *v = param_str(ps, P_VNET);

	if (v && strcmp(v, "disable") == 0)
		return perr_setx(e, EINVAL, "vnet: invalid value \"disable\" (expected new or inherit)");
	if (param_bool(ps, P_IP_HOSTNAME) && resolve_hostname(ps, e) < 0)
		return -1;
	if (parse_addrs(ps, P_IP4_ADDR, AF_INET, a, SOCKADDR_MAX_ADDRS, e) < 0 ||
	    parse_addrs(ps, P_IP6_ADDR, AF_INET6, a, SOCKADDR_MAX_ADDRS, e) < 0)
		return -1;
	if (settle_family(ps, P_IP4, P_IP4_ADDR, vnet, e) < 0 || settle_family(ps, P_IP6, P_IP6_ADDR, vnet, e) < 0)
		return -1;
	if (check_vnet_only(ps, vnet, e) < 0 || check_ifnames(ps, e) < 0)
		return -1;
	/* FIB N is table N, on either stack (fibrule.h). */
	if (fibrule_check(ps, e) < 0)
		return -1;
	return check_routers(ps, e);
}

bool jailnet_inherits_list(const struct paramset *ps, int family)
{
	const char *mode = param_str(ps, family == AF_INET ? P_IP4 : P_IP6);

	return mode && strcmp(mode, "inherit") == 0 && param_str(ps, family == AF_INET ? P_IP4_ADDR : P_IP6_ADDR) &&
	       param_int(ps, P_PARENT) > 0;
}

static int mode_of(const struct paramset *ps, int family)
{
	const char *m = param_str(ps, family == AF_INET ? P_IP4 : P_IP6);

	if (m && strcmp(m, "inherit") == 0)
		return jailnet_inherits_list(ps, family) ? NET_NEW : NET_INHERIT;
	if (m && strcmp(m, "new") == 0)
		return NET_NEW;
	return NET_DISABLE;
}

static int cgroup_id(const struct cg_path *cg, uint64_t *id, struct perr *e)
{
	_cleanup_close_ int fd = cgroup_open(cg, e);

	if (fd < 0)
		return -1;
	return cgroup_id_of_fd(fd, id, e);
}

/* The record of the jail's sockets in the sockaddr map, from its parameters. */
static int limits_of(const struct jail_record *rec, struct jail_addrs *lim, struct perr *e)
{
	const struct paramset *ps = &rec->params;
	struct ipaddr a[SOCKADDR_MAX_ADDRS];
	int n;

	*lim = (struct jail_addrs){ 0 };
	lim->ip4_mode = mode_of(ps, AF_INET);
	lim->ip6_mode = mode_of(ps, AF_INET6);
	lim->allow_reserved_ports = param_bool(ps, P_ALLOW_RESERVED_PORTS);
	lim->ip4_saddrsel = param_bool(ps, P_IP4_SADDRSEL);
	lim->ip6_saddrsel = param_bool(ps, P_IP6_SADDRSEL);
	lim->root_uid = (uid_t)rec->uid_base;
	n = parse_addrs(ps, P_IP4_ADDR, AF_INET, a, SOCKADDR_MAX_ADDRS, e);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		lim->ip4[i].a = a[i].a.v4;
		lim->ip4[i].prefix = a[i].prefix;
	}
	lim->n4 = (size_t)n;
	n = parse_addrs(ps, P_IP6_ADDR, AF_INET6, a, SOCKADDR_MAX_ADDRS, e);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		lim->ip6[i].a = a[i].a.v6;
		lim->ip6[i].prefix = a[i].prefix;
	}
	lim->n6 = (size_t)n;
	return 0;
}

/* The jail's addresses: held to them by the sockaddr map, and those on host interfaces added. */
static int host_addresses(const struct jail_record *rec, struct perr *e)
{
	struct jail_addrs lim;
	uint64_t id;

	if (limits_of(rec, &lim, e) < 0)
		return -1;
	/*
	 * The host's whole stack for both families: nothing to hold, and no
	 * map entry to pay for unless it is the one that lets jail root bind
	 * a reserved port (it lacks CAP_NET_BIND_SERVICE on the host's stack).
	 */
	if (lim.ip4_mode == NET_INHERIT && lim.ip6_mode == NET_INHERIT && !lim.allow_reserved_ports)
		return hostaddr_add(&rec->params, e);
	if (cgroup_id(&rec->cg, &id, e) < 0 || sockaddr_limit(id, &lim, e) < 0)
		return -1;
	/* A failed add took back what it added, and only that. */
	if (hostaddr_add(&rec->params, e) < 0) {
		struct perr ignore = { 0 };
		(void)sockaddr_unlimit(id, &ignore);
		return -1;
	}
	return 0;
}

int jailnet_setup_host(const struct jail_record *rec, struct perr *e)
{
	if (jailnet_vnet(&rec->params))
		return 0;
	/* The FIB rules last: a failure there is undone with the addresses (jailnet_release). */
	if (host_addresses(rec, e) < 0)
		return -1;
	return fibrule_add(rec, e);
}

int jailnet_relimit(const struct jail_record *rec, struct perr *e)
{
	struct jail_addrs lim;
	uint64_t id;

	if (jailnet_vnet(&rec->params))
		return 0;
	/* Written even when it holds nothing: then it, not an ancestor's, is the one that counts. */
	if (limits_of(rec, &lim, e) < 0 || cgroup_id(&rec->cg, &id, e) < 0)
		return -1;
	return sockaddr_limit(id, &lim, e);
}

/* An idle jail's network namespace, from its pin (pin.h). */
static int pinned_netns(const struct jail_record *rec, struct perr *e)
{
	struct pin_set pins;
	int fd;

	if (pin_open(rec->jid, &pins, e) < 0)
		return -1;
	fd = TAKE_FD(pins.fd[PIN_NET]);
	pin_set_close(&pins);
	return fd;
}

/*
 * The jail's network namespace: its pin where it has one, which is the
 * namespace every jailinit it gets joins, and which stays there while a
 * jailinit going idle is a zombie whose /proc/PID/ns is gone already;
 * otherwise through its jailinit, checked to still be that process.
 */
static int open_jail_netns(const struct jail_record *rec, struct perr *e)
{
	char path[64];
	_cleanup_close_ int fd = -1;

	if (pin_exists(rec->jid))
		return pinned_netns(rec, e);
	if (!process_alive(rec->init_pid, rec->init_start))
		return perr_set(e, ESRCH, "jail %d has no jailinit", rec->jid);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)rec->init_pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return perr_set(e, errno, "%s", path);
	/* The pid could have been reused between the check and the open. */
	if (!process_alive(rec->init_pid, rec->init_start))
		return perr_set(e, ESRCH, "jail %d has no jailinit", rec->jid);
	return TAKE_FD(fd);
}

/* ip4.addr, ip6.addr and the default routes, on the jail's end of its veth pair. */
static int jail_addresses(const struct paramset *ps, struct nl *jail, int idx, struct perr *e)
{
	struct ipaddr a[SOCKADDR_MAX_ADDRS], gw;

	for (int k = 0; k < 2; k++) {
		int family = k ? AF_INET6 : AF_INET;
		int n = parse_addrs(ps, k ? P_IP6_ADDR : P_IP4_ADDR, family, a, SOCKADDR_MAX_ADDRS, e);
		if (n < 0)
			return -1;
		for (int i = 0; i < n; i++)
			if (nl_addr_add(jail, idx, family, &a[i].a, a[i].prefix, e) < 0)
				return -1;
		const char *g = given(ps, k ? P_VNET_DEFAULTROUTER6 : P_VNET_DEFAULTROUTER);
		if (g && (ipaddr_parse(g, family, &gw, e) < 0 || nl_route_default(jail, family, &gw.a, e) < 0))
			return -1;
	}
	return 0;
}

static int bridge_link(const struct jail_record *rec, int netns, struct nl *host, struct nl *jail, struct perr *e)
{
	const struct paramset *ps = &rec->params;
	const char *bridge = given(ps, P_VNET_BRIDGE), *ifname = given(ps, P_VNET_IFNAME);
	char hname[IFNAMSIZ], jname[IFNAMSIZ];
	bool created;
	int br, idx;

	if (ifname_jail_pair(rec->jid, hname, jname, e) < 0)
		return -1;
	br = nl_bridge_ensure(host, bridge, &created, e);
	if (br < 0)
		return -1;
	if (nl_veth_create_on(host, hname, jname, netns, br, e) < 0) {
		/* A Linux bridge numbers its ports in 10 bits, 0 unused. */
		if (e->err == EXFULL)
			return perr_setx(e, EXFULL,
					 "vnet.bridge %s: its 1023 ports are all taken (a Linux bridge has no more): "
					 "put further jails on another bridge",
					 bridge);
		return -1;
	}
	idx = nl_ifindex(jail, jname, e);
	if (idx <= 0)
		return idx == 0 ? perr_setx(e, ENOENT, "veth \"%s\" did not reach the jail", jname) : -1;
	if (ifname && strcmp(ifname, jname) != 0 && nl_link_rename(jail, idx, ifname, e) < 0)
		return -1;
	/* A MAC of its own, the same at every start: leases and SLAAC addresses survive a restart. */
	uint8_t mac[6];
	ifname_jail_ether(rec->name, ifname ? ifname : jname, mac);
	if (nl_link_set_ether(jail, idx, mac, e) < 0)
		return -1;
	if (nl_link_set_up(jail, idx, true, e) < 0)
		return -1;
	return jail_addresses(ps, jail, idx, e);
}

/*
 * exec.fib in a vnet jail: FIB N is table N of the jail's own stack, which
 * a rule of that stack puts before the main table (FIB 0) for every
 * process of the jail (fibrule.h; those of the shared stack are fibrule.c's).
 */
static int fib_rules(const struct paramset *ps, struct nl *jail, struct perr *e)
{
	long fib = param_int(ps, P_EXEC_FIB);

	if (fib <= 0)
		return 0;
	for (int k = 0; k < 2; k++) {
		struct nl_rule r = { .family = k ? AF_INET6 : AF_INET, .table = (uint32_t)fib,
				     .priority = FIB_RULE_PRIORITY };
		if (nl_rule_add(jail, &r, e) < 0)
			return perr_prefix(e, "exec.fib");
	}
	return 0;
}

int jailnet_setup_vnet(const struct jail_record *rec, struct perr *e)
{
	const struct paramset *ps = &rec->params;
	_cleanup_close_ int netns = -1;
	_cleanup_nl_ struct nl *host = NULL;
	_cleanup_nl_ struct nl *jail = NULL;
	const char *moved = given(ps, P_VNET_INTERFACE);
	int lo;

	if (!jailnet_vnet(ps))
		return 0;
	netns = open_jail_netns(rec, e);
	if (netns < 0)
		return -1;
	if (!(host = nl_open(-1, e)) || !(jail = nl_open(netns, e)))
		return -1;
	lo = nl_ifindex(jail, "lo", e);
	if (lo == 0)
		return perr_setx(e, ENOENT, "the jail's network namespace has no lo");
	if (lo < 0 || nl_link_set_up(jail, lo, true, e) < 0)
		return -1;
	if (moved && ifmove_in(rec->jid, host, netns, moved, e) < 0)
		return -1;
	if (given(ps, P_VNET_BRIDGE) && bridge_link(rec, netns, host, jail, e) < 0)
		return -1;
	return fib_rules(ps, jail, e);
}

int jailnet_hold(const struct jail_record *rec)
{
	struct perr ignore = { 0 };

	if (!jailnet_vnet(&rec->params) || !given(&rec->params, P_VNET_INTERFACE))
		return -1;
	return open_jail_netns(rec, &ignore);
}

int jailnet_return(const struct jail_record *rec, int netns, struct perr *e)
{
	_cleanup_close_ int opened = -1;
	int r = 0;

	if (!jailnet_vnet(&rec->params) || !given(&rec->params, P_VNET_INTERFACE))
		return 0;
	if (netns < 0) {
		opened = open_jail_netns(rec, e);
		netns = opened;
	}
	if (netns >= 0)
		r = ifmove_back(rec->jid, netns, e);
	/* Handed back or not, the record goes: the jail does. */
	ifmove_forget(rec->jid);
	return netns < 0 ? -1 : r;
}

void jailnet_release(const struct jail_record *rec)
{
	struct perr e = { 0 };
	uint64_t id;

	if (jailnet_vnet(&rec->params)) {
		char hname[IFNAMSIZ], jname[IFNAMSIZ];
		struct nl *host;
		int idx;
		/* The namespace takes the jail's end with it, but only later: the host end goes now. */
		if (given(&rec->params, P_VNET_BRIDGE) && ifname_jail_pair(rec->jid, hname, jname, &e) == 0 &&
		    (host = nl_open(-1, &e))) {
			idx = nl_ifindex(host, hname, &e);
			if (idx > 0)
				(void)nl_link_delete(host, idx, &e);
			nl_close(host);
		}
		return;
	}
	fibrule_remove(rec);
	(void)hostaddr_remove(&rec->params, &e);
	if (cgroup_id(&rec->cg, &id, &e) == 0)
		(void)sockaddr_unlimit(id, &e);
}
