/*
 * Root test of the netlink module.  Run by tests/net/run_netlink.sh inside
 * a private network namespace it made with unshare -n: the host's links,
 * routes and firewall are never touched.  The "jails" are further
 * namespaces held by fd.  Addresses are from 198.18.0.0/15 and fd00::/8
 * only, and nothing routes outside.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "../../src/lib/netlink.h"
#include "../unit/unit.h"
#include "nettest.h"

#define CHECK_PREFIX(s, p) CHECK(strncmp((s), (p), strlen(p)) == 0)
/* A call that must succeed; its message is shown when it does not. */
#define CHECK_OK(call)                                              \
	do {                                                        \
		int ok_ = (call) >= 0;                              \
		CHECK(ok_);                                         \
		if (!ok_)                                           \
			fprintf(stderr, "    error: %s\n", e.msg); \
	} while (0)
/* A call that must fail with message msg. */
#define CHECK_FAIL(call, want_)                                                 \
	do {                                                                    \
		CHECK((call) < 0);                                              \
		CHECK_STR(e.msg, want_);                                        \
		if (strcmp(e.msg, want_) != 0)                                  \
			fprintf(stderr, "    got: %s\n    want: %s\n", e.msg, want_); \
	} while (0)

static struct nl *host, *jail;
static int jail_ns = -1, jail2_ns = -1, host_ns = -1, devnull = -1;
static int bridge;

static ino_t ns_inode(void)
{
	struct stat st;

	return stat("/proc/thread-self/ns/net", &st) == 0 ? st.st_ino : 0;
}

static void test_open(void)
{
	struct perr e = { 0 };
	ino_t before = ns_inode();
	struct nl *nl;
	char want[128];

	host = nl_open(-1, &e);
	CHECK(host != NULL);
	jail = nl_open(jail_ns, &e);
	CHECK(jail != NULL);
	CHECK(ns_inode() == before);
	nl = nl_open(devnull, &e);
	CHECK(nl == NULL);
	snprintf(want, sizeof(want), "fd %d is not a network namespace", devnull);
	CHECK_STR(e.msg, want);
	CHECK(nl_open(1000, &e) == NULL);
	CHECK_STR(e.msg, "network namespace fd 1000: Bad file descriptor");
	CHECK(ns_inode() == before);
	if (!host || !jail) {
		fprintf(stderr, "cannot go on: %s\n", e.msg);
		exit(1);
	}
}

static void test_bridge(void)
{
	struct perr e = { 0 };
	bool created = false;
	struct nl_link l;
	char kind[16];
	int again;

	bridge = nl_bridge_ensure(host, "pbr0", &created, &e);
	CHECK(bridge > 0);
	CHECK(created);
	again = nl_bridge_ensure(host, "pbr0", &created, &e);
	CHECK(again == bridge);
	CHECK(!created);
	CHECK_OK(nl_link_kind(host, bridge, kind, sizeof(kind), &e));
	CHECK_STR(kind, "bridge");
	CHECK(nl_link_get(host, bridge, NULL, &l, &e) == 1);
	CHECK(l.flags & IFF_UP);
	CHECK_STR(l.name, "pbr0");
	CHECK(nl_ifindex(host, "pbr0", &e) == bridge);
	CHECK(nl_ifindex(host, "nosuch0", &e) == 0);
	CHECK_OK(nl_link_kind(host, 1, kind, sizeof(kind), &e));
	CHECK_STR(kind, "");
	CHECK(nl_bridge_ensure(host, "lo", &created, &e) < 0);
	CHECK_STR(e.msg, "bridge \"lo\": exists and is a physical interface, not a bridge");
	CHECK(nl_bridge_ensure(host, "bad name", &created, &e) < 0);
	CHECK_STR(e.msg, "interface name \"bad name\": contains a blank or control character");
}

static void test_veth(void)
{
	struct perr e = { 0 };
	char kind[16], want[160];
	int a, b;

	CHECK_OK(nl_veth_create(host, "pj1a", "pj1b", jail_ns, &e));
	a = nl_ifindex(host, "pj1a", &e);
	CHECK(a > 0);
	CHECK_OK(nl_link_kind(host, a, kind, sizeof(kind), &e));
	CHECK_STR(kind, "veth");
	/* The peer was born in the jail's namespace and never appeared here. */
	CHECK(nl_ifindex(host, "pj1b", &e) == 0);
	b = nl_ifindex(jail, "pj1b", &e);
	CHECK(b > 0);
	CHECK_OK(nl_link_kind(jail, b, kind, sizeof(kind), &e));
	CHECK_STR(kind, "veth");

	CHECK(nl_veth_create(host, "pj1a", "pj9b", jail_ns, &e) < 0);
	CHECK_STR(e.msg, "veth \"pj1a\": File exists");
	CHECK(e.err == EEXIST);
	CHECK(nl_veth_create(host, "pj9a", "pj1b", jail_ns, &e) < 0);
	CHECK_STR(e.msg, "veth \"pj9a\": peer \"pj1b\": File exists");
	CHECK(nl_ifindex(host, "pj9a", &e) == 0);  /* nothing half made */
	CHECK(nl_ifindex(jail, "pj9b", &e) == 0);

	CHECK(nl_veth_create(host, "pj9a", "pj9b", devnull, &e) < 0);
	snprintf(want, sizeof(want), "veth \"pj9a\": peer \"pj9b\": fd %d is not a network namespace", devnull);
	CHECK_STR(e.msg, want);
	CHECK(nl_veth_create(host, "pj9a", "pj9b", 1000, &e) < 0);
	CHECK_STR(e.msg, "veth \"pj9a\": peer \"pj9b\": network namespace fd 1000: Bad file descriptor");
	CHECK(nl_veth_create(host, "pj9a", "a/b", jail_ns, &e) < 0);
	CHECK_STR(e.msg, "interface name \"a/b\": contains '/'");
	CHECK(nl_veth_create(host, "pj9a-much-too-long", "x", jail_ns, &e) < 0);
	CHECK_STR(e.msg, "interface name \"pj9a-much-too-l...\": longer than 15 bytes");
	CHECK(nl_ifindex(host, "pj9a", &e) == 0);
}

static void test_master(void)
{
	struct perr e = { 0 };
	char *show[] = { "sh", "-c", "ip -o -d link show pj1a | grep -q 'master pbr0 '", NULL };
	struct nl_link l;
	bool created = true;
	int a = nl_ifindex(host, "pj1a", &e);

	CHECK_OK(nl_link_set_master(host, a, bridge, &e));
	CHECK_OK(nl_link_set_up(host, a, true, &e));
	CHECK(nl_link_get(host, a, NULL, &l, &e) == 1);
	CHECK(l.master == bridge);
	CHECK(l.flags & IFF_UP);
	/* The same seen by another tool. */
	CHECK(nettest_run(-1, 1, show) == 0);

	/* Created on the bridge and up in one request. */
	CHECK_OK(nl_veth_create_on(host, "pj2a", "pj2b", jail2_ns, bridge, &e));
	CHECK(nl_link_get(host, 0, "pj2a", &l, &e) == 1);
	CHECK(l.master == bridge);
	CHECK(l.flags & IFF_UP);
	/* A bridge that is not one: the kernel refuses, the pair is not left behind. */
	CHECK(nl_veth_create_on(host, "pj9a", "pj9b", jail2_ns, a, &e) < 0);
	CHECK_PREFIX(e.msg, "veth \"pj9a\": ");
	CHECK(nl_ifindex(host, "pj9a", &e) == 0);

	CHECK(nl_link_set_master(host, a, 99999, &e) < 0);
	CHECK_PREFIX(e.msg, "interface \"pj1a\": attach to bridge 99999: ");
	/* The kernel leaves the old bridge before it looks for the new one. */
	CHECK(nl_link_get(host, a, NULL, &l, &e) == 1);
	CHECK(l.master == 0);
	CHECK_OK(nl_link_set_master(host, a, bridge, &e));
	CHECK(nl_bridge_ensure(host, "pj1a", &created, &e) < 0);
	CHECK_STR(e.msg, "bridge \"pj1a\": exists and is a veth link, not a bridge");
	CHECK(!created);
}

static void addr(int family, const char *text, void *ret)
{
	if (inet_pton(family, text, ret) != 1) {
		fprintf(stderr, "bad address %s\n", text);
		exit(2);
	}
}

static void test_addresses(void)
{
	struct perr e = { 0 };
	struct in_addr br4, j4, gw_far;
	struct in6_addr br6, j6;
	struct nl *jail2;
	int b = nl_ifindex(jail, "pj1b", &e);
	int lo = nl_ifindex(jail, "lo", &e);

	addr(AF_INET, "198.18.0.1", &br4);
	addr(AF_INET6, "fd00:1::1", &br6);
	CHECK_OK(nl_addr_add(host, bridge, AF_INET, &br4, 24, &e));
	CHECK_OK(nl_addr_add(host, bridge, AF_INET6, &br6, 64, &e));
	CHECK(nl_addr_add(host, bridge, AF_INET, &br4, 24, &e) < 0);
	CHECK_PREFIX(e.msg, "add address 198.18.0.1/24 on interface \"pbr0\": File exists");

	addr(AF_INET, "198.18.0.2", &j4);
	addr(AF_INET6, "fd00:1::2", &j6);
	CHECK(lo > 0 && b > 0);
	CHECK_OK(nl_link_set_up(jail, lo, true, &e));
	CHECK_OK(nl_link_set_up(jail, b, true, &e));
	CHECK_OK(nl_addr_add(jail, b, AF_INET, &j4, 24, &e));
	CHECK_OK(nl_addr_add(jail, b, AF_INET6, &j6, 64, &e));
	CHECK_OK(nl_route_default(jail, AF_INET, &br4, &e));
	CHECK_OK(nl_route_default(jail, AF_INET6, &br6, &e));
	/* Set, not added: a second time replaces it. */
	CHECK_OK(nl_route_default(jail, AF_INET, &br4, &e));
	addr(AF_INET, "198.19.9.9", &gw_far);
	CHECK(nl_route_default(jail, AF_INET, &gw_far, &e) < 0);
	CHECK_PREFIX(e.msg, "default route via 198.19.9.9: Network is unreachable");
	CHECK(nl_addr_add(jail, b, AF_INET, &j4, 33, &e) < 0);
	CHECK_STR(e.msg, "prefix length /33: Invalid argument");
	CHECK(nl_addr_add(jail, b, AF_PACKET, &j4, 24, &e) < 0);

	/* The second jail, on the same bridge, for traffic between jails. */
	jail2 = nl_open(jail2_ns, &e);
	CHECK(jail2 != NULL);
	if (jail2) {
		struct in_addr j2;
		int b2 = nl_ifindex(jail2, "pj2b", &e);
		addr(AF_INET, "198.18.0.3", &j2);
		CHECK_OK(nl_link_set_up(jail2, b2, true, &e));
		CHECK_OK(nl_addr_add(jail2, b2, AF_INET, &j2, 24, &e));
		nl_close(jail2);
	}
}

static char *ping_cmd(void)
{
	return access("/usr/bin/ping", X_OK) == 0 || access("/bin/ping", X_OK) == 0 ? "ping" : NULL;
}

static int ping(int netns, const char *to)
{
	char *iputils[] = { "ping", "-c1", "-W1", (char *)to, NULL };
	char *busybox[] = { "busybox", "ping", "-c1", "-W1", (char *)to, NULL };

	return nettest_run(netns, 1, ping_cmd() ? iputils : busybox);
}

static void test_ping(void)
{
	if (getenv("NETTEST_DEBUG")) {
		char *a[] = { "ip", "-d", "addr", NULL };
		char *r[] = { "ip", "route", NULL };
		char *r6[] = { "ip", "-6", "route", NULL };
		nettest_run(jail_ns, 0, a);
		nettest_run(jail_ns, 0, r);
		nettest_run(jail_ns, 0, r6);
		nettest_run(-1, 0, a);
	}
	CHECK(ping(jail_ns, "198.18.0.1") == 0);
	CHECK(ping(jail_ns, "fd00:1::1") == 0);
	CHECK(ping(jail2_ns, "198.18.0.2") == 0);
	/* Nothing answers outside the bridge's network. */
	CHECK(ping(jail2_ns, "198.18.1.1") != 0);
}

/*
 * vnet.interface: an interface moved in keeps its name, and comes back to
 * the host under it.  A dummy stands for a physical interface; kernels
 * built without it get an ifb, then one end of a veth pair.
 */
static void test_move(void)
{
	char *dummy[] = { "ip", "link", "add", "pdum0", "type", "dummy", NULL };
	char *ifb[] = { "ip", "link", "add", "pdum0", "type", "ifb", NULL };
	char *veth[] = { "ip", "link", "add", "pdum0", "type", "veth", "peer", "name", "pdum0p", NULL };
	struct perr e = { 0 };
	char want[200];
	int d, j;

	if (nettest_run(-1, 1, dummy) != 0) {
		fprintf(stderr, "note: no dummy interfaces in this kernel, ");
		if (nettest_run(-1, 1, ifb) == 0) {
			fprintf(stderr, "an ifb stands in\n");
		} else {
			fprintf(stderr, "a veth stands in\n");
			CHECK(nettest_run(-1, 0, veth) == 0);
		}
	}
	d = nl_ifindex(host, "pdum0", &e);
	CHECK(d > 0);
	CHECK_OK(nl_link_move(host, d, jail_ns, NULL, &e));
	CHECK(nl_ifindex(host, "pdum0", &e) == 0);
	j = nl_ifindex(jail, "pdum0", &e);
	CHECK(j > 0);
	CHECK(nl_link_return(jail, "pdum0", host_ns, &e) == 1);
	CHECK(nl_ifindex(jail, "pdum0", &e) == 0);
	d = nl_ifindex(host, "pdum0", &e);
	CHECK(d > 0);
	CHECK(nl_link_return(jail, "pdum0", host_ns, &e) == 0);

	/* Renamed on the way in (vnet.interface as eth1), named back on the way out. */
	CHECK_OK(nl_link_move(host, d, jail_ns, "eth1", &e));
	j = nl_ifindex(jail, "eth1", &e);
	CHECK(j > 0);
	CHECK(nl_ifindex(jail, "pdum0", &e) == 0);
	CHECK_OK(nl_link_move(jail, j, host_ns, "pdum0", &e));
	d = nl_ifindex(host, "pdum0", &e);
	CHECK(d > 0);

	/* From the two namespace fds alone. */
	CHECK_OK(nl_link_move(host, d, jail_ns, NULL, &e));
	CHECK(nl_link_return_fd(jail_ns, host_ns, "pdum0", &e) == 1);
	d = nl_ifindex(host, "pdum0", &e);
	CHECK(d > 0);

	CHECK(nl_link_move(host, d, devnull, NULL, &e) < 0);
	snprintf(want, sizeof(want), "interface \"pdum0\": move: fd %d is not a network namespace", devnull);
	CHECK_STR(e.msg, want);
	CHECK(nl_link_move(host, bridge, jail_ns, NULL, &e) < 0);
	snprintf(want, sizeof(want), "interface \"pbr0\": move to network namespace fd %d: ", jail_ns);
	CHECK_PREFIX(e.msg, want);
	CHECK(nl_link_return_fd(devnull, host_ns, "pdum0", &e) < 0);
	snprintf(want, sizeof(want), "return interface \"pdum0\": fd %d is not a network namespace", devnull);
	CHECK_STR(e.msg, want);

	CHECK_OK(nl_link_rename(host, d, "pdum1", &e));
	CHECK(nl_ifindex(host, "pdum1", &e) == d);
	CHECK(nl_link_rename(host, d, "pj1a", &e) < 0);
	CHECK_STR(e.msg, "interface \"pdum1\": rename to \"pj1a\": File exists");
	CHECK_OK(nl_link_rename(host, d, "pdum0", &e));
}

static void test_delete(void)
{
	struct perr e = { 0 };
	struct in_addr j4;
	char want[64];
	int a = nl_ifindex(host, "pj1a", &e);
	int b = nl_ifindex(jail, "pj1b", &e);
	int d = nl_ifindex(host, "pdum0", &e);

	addr(AF_INET, "198.18.0.2", &j4);
	CHECK_OK(nl_addr_del(jail, b, AF_INET, &j4, 24, &e));
	CHECK(nl_addr_del(jail, b, AF_INET, &j4, 24, &e) < 0);
	CHECK_PREFIX(e.msg, "delete address 198.18.0.2/24 on interface \"pj1b\": Cannot assign requested address");

	CHECK_OK(nl_link_delete(host, a, &e));
	CHECK(nl_ifindex(host, "pj1a", &e) == 0);
	CHECK(nl_ifindex(jail, "pj1b", &e) == 0);  /* the pair went as a whole */
	CHECK(nl_link_delete(host, a, &e) < 0);
	snprintf(want, sizeof(want), "interface %d: delete: No such device", a);
	CHECK_STR(e.msg, want);
	CHECK_OK(nl_link_delete(host, nl_ifindex(host, "pj2a", &e), &e));
	CHECK_OK(nl_link_delete(host, d, &e));
	d = nl_ifindex(host, "pdum0p", &e);
	if (d > 0)
		CHECK_OK(nl_link_delete(host, d, &e));
	CHECK_OK(nl_link_delete_many(host, NULL, 0, &e));
	{
		struct nl *jail2 = nl_open(jail2_ns, &e);
		int many[4];
		char a2[IFNAMSIZ], b2[IFNAMSIZ];
		struct nl_link l;
		for (int i = 0; i < 3; i++) {
			snprintf(a2, sizeof(a2), "pj%da", 10 + i);
			snprintf(b2, sizeof(b2), "pj%db", 10 + i);
			CHECK_OK(nl_veth_create_on(host, a2, b2, jail2_ns, bridge, &e));
			many[i] = nl_ifindex(host, a2, &e);
		}
		many[3] = 99999;  /* already gone: counts as deleted */
		CHECK_OK(nl_link_delete_many(host, many, 4, &e));
		for (int i = 0; i < 3; i++)
			CHECK(nl_link_get(host, many[i], NULL, &l, &e) == 0);
		CHECK(nl_ifindex(host, "pbr0", &e) == bridge);
		CHECK(jail2 && nl_ifindex(jail2, "pj11b", &e) == 0);
		nl_close(jail2);
		/* lo cannot be deleted: nothing is, and it is back in group 0. */
		CHECK(nl_link_delete_many(host, &(int){ 1 }, 1, &e) < 0);
		CHECK_PREFIX(e.msg, "delete a batch of 1 interfaces: ");
		CHECK(nl_link_get(host, 1, NULL, &l, &e) == 1);
		CHECK(l.group == 0);
	}
	CHECK_OK(nl_link_delete(host, bridge, &e));
	CHECK(nl_ifindex(host, "pbr0", &e) == 0);
	CHECK(nl_link_delete(host, 1, &e) < 0);
	CHECK_PREFIX(e.msg, "interface \"lo\": delete: ");
}

static void setup(void)
{
	host_ns = nettest_self();
	jail_ns = nettest_new_netns();
	jail2_ns = nettest_new_netns();
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static void teardown(void)
{
	nl_close(jail);
	nl_close(host);
	close(jail_ns);
	close(jail2_ns);
	close(host_ns);
	close(devnull);
}

int main(void)
{
	void (*tests[])(void) = { test_open, test_bridge, test_veth, test_master, test_addresses,
				  test_ping, test_move, test_delete };
	int failed_tests = 0;

	setup();
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		int before = unit_failed;
		tests[i]();
		failed_tests += unit_failed != before;
	}
	teardown();
	printf("%zu %d\n", sizeof(tests) / sizeof(tests[0]) - (size_t)failed_tests, failed_tests);
	return unit_failed != 0;
}
