/*
 * Benchmark of vnet set-up: N veth pairs, each with its peer in a network
 * namespace of its own, on one bridge, then deleted.  Three ways in the
 * same run: one netlink request per pair (nl_veth_create_on) and one
 * batch delete (nl_link_delete_many); the request-per-step path (create,
 * look up, attach, up; delete one by one); and the ip command (ip link add
 * ... type veth peer ... netns, ip link set master up; ip link del), the
 * floor any shell script pays.  Run by bench/vnet_netlink.sh inside a
 * private network namespace; prints the median time per pair (for the
 * batch delete, the batch's time divided by N).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "../../src/lib/netlink.h"
#include "nettest.h"

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static double median_us(int64_t *t, int n)
{
	qsort(t, (size_t)n, sizeof(*t), cmp64);
	return (n % 2 ? (double)t[n / 2] : (double)(t[n / 2 - 1] + t[n / 2]) / 2) / 1000.0;
}

static void die(const char *what, const struct perr *e)
{
	fprintf(stderr, "netlink_bench: %s: %s\n", what, e ? e->msg : strerror(errno));
	exit(1);
}

enum way { ONE_REQUEST, PER_STEP, IP_COMMAND };

static void create(enum way way, struct nl *nl, int i, int ns, int bridge)
{
	char a[IFNAMSIZ], b[IFNAMSIZ], path[64];
	struct perr e = { 0 };
	int idx;

	snprintf(a, sizeof(a), "pj%da", i);
	snprintf(b, sizeof(b), "pj%db", i);
	switch (way) {
	case ONE_REQUEST:
		if (nl_veth_create_on(nl, a, b, ns, bridge, &e) < 0)
			die("create", &e);
		break;
	case PER_STEP:
		if (nl_veth_create(nl, a, b, ns, &e) < 0 || (idx = nl_ifindex(nl, a, &e)) <= 0 ||
		    nl_link_set_master(nl, idx, bridge, &e) < 0 || nl_link_set_up(nl, idx, true, &e) < 0)
			die("create", &e);
		break;
	case IP_COMMAND: {
		char *add[] = { "ip", "link", "add", a, "type", "veth", "peer", "name", b, "netns", path, NULL };
		char *set[] = { "ip", "link", "set", a, "master", "pbench0", "up", NULL };
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)getpid(), ns);
		if (nettest_run(-1, 0, add) != 0 || nettest_run(-1, 0, set) != 0)
			die("ip link add", NULL);
		break;
	}
	}
}

static void delete(enum way way, struct nl *nl, int i)
{
	char a[IFNAMSIZ];
	struct perr e = { 0 };
	int idx;

	snprintf(a, sizeof(a), "pj%da", i);
	if (way == IP_COMMAND) {
		char *del[] = { "ip", "link", "del", a, NULL };
		if (nettest_run(-1, 0, del) != 0)
			die("ip link del", NULL);
		return;
	}
	if ((idx = nl_ifindex(nl, a, &e)) <= 0 || nl_link_delete(nl, idx, &e) < 0)
		die("delete", &e);
}

int main(int argc, char **argv)
{
	static const char *const names[] = { "netlink, 1 request; batch delete", "netlink, 4 requests; 1 delete each",
					     "ip link add + ip link set (floor)" };
	int n = argc > 1 ? atoi(argv[1]) : 1000;
	struct rlimit rl;
	struct perr e = { 0 };
	int64_t *tc, *td, t0;
	int *ns, bridge;
	bool created;
	struct nl *nl;
	double base = 0;

	if (n < 1 || n > 100000)
		die("N out of range", NULL);
	/* One fd per namespace. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)n + 64) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	ns = calloc((size_t)n, sizeof(*ns));
	tc = calloc((size_t)n, sizeof(*tc));
	td = calloc((size_t)n, sizeof(*td));
	if (!ns || !tc || !td)
		die("calloc", NULL);
	t0 = now_ns();
	for (int i = 0; i < n; i++)
		ns[i] = nettest_new_netns();
	printf("%d network namespaces made in %.0f ms (not counted below)\n", n, (double)(now_ns() - t0) / 1e6);
	nl = nl_open(-1, &e);
	if (!nl)
		die("nl_open", &e);
	bridge = nl_bridge_ensure(nl, "pbench0", &created, &e);
	if (bridge < 0)
		die("bridge", &e);
	printf("%-36s %14s %14s %12s\n", "per veth pair, median", "create+attach", "delete", "all, total");
	for (enum way way = ONE_REQUEST; way <= IP_COMMAND; way++) {
		int64_t start = now_ns(), total;
		for (int i = 0; i < n; i++) {
			int64_t t = now_ns();
			create(way, nl, i, ns[i], bridge);
			tc[i] = now_ns() - t;
		}
		if (way == ONE_REQUEST) {
			int64_t t = now_ns();
			int *idx = calloc((size_t)n, sizeof(*idx));
			char a[IFNAMSIZ];
			if (!idx)
				die("calloc", NULL);
			for (int i = 0; i < n; i++) {
				snprintf(a, sizeof(a), "pj%da", i);
				idx[i] = nl_ifindex(nl, a, &e);
			}
			if (nl_link_delete_many(nl, idx, (size_t)n, &e) < 0)
				die("delete", &e);
			free(idx);
			for (int i = 0; i < n; i++)
				td[i] = (now_ns() - t) / n;
		} else {
			for (int i = 0; i < n; i++) {
				int64_t t = now_ns();
				delete(way, nl, i);
				td[i] = now_ns() - t;
			}
		}
		total = now_ns() - start;
		double c = median_us(tc, n), d = median_us(td, n);
		printf("%-36s %11.1f us %11.1f us %9.0f ms\n", names[way], c, d, (double)total / 1e6);
		if (way == ONE_REQUEST)
			base = c;
		else if (way == IP_COMMAND && base > 0)
			printf("create+attach: ip takes %.1fx the time of one netlink request\n", c / base);
	}
	{
		int idx = nl_ifindex(nl, "pbench0", &e);
		if (idx > 0)
			nl_link_delete(nl, idx, &e);
	}
	nl_close(nl);
	for (int i = 0; i < n; i++)
		close(ns[i]);
	free(ns);
	free(tc);
	free(td);
	return 0;
}
