/*
 * The sockaddr BPF programs seen from inside: a forked child joins a test
 * cgroup below PREFIX/$PRISON_CGROUP (prison) and tries binds, connects, sends and sockets
 * against the limits the parent set with sockaddr_limit.  Run as root by
 * run_sockaddr.sh, in a network namespace of its own whose lo carries the
 * test addresses (198.18.0.0/15, fd00::/8).  Each check is one that fails
 * when the programs do nothing: the addresses would be free to bind, and
 * the kernel would pick the destination itself as source.
 *
 * usage: sockaddr_test NAME   (NAME-a, NAME-b and NAME-a/sub are made
 * below PREFIX/$PRISON_CGROUP and removed again; run_sockaddr.sh gives the
 * test a context of its own, so the host's jails keep their programs)
 */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../src/lib/cgroup.h"
#include "../../src/lib/runtime.h"
#include "../../src/lib/sockaddr.h"
#include "../../src/lib/util.h"

#define TEST_UID 1073741824u /* far above any real user */

static int failed; /* in the process that runs the checks */

#define CHECK(cond)                                                                     \
	do {                                                                            \
		if (!(cond)) {                                                          \
			failed++;                                                       \
			fprintf(stderr, "  %s:%d: check failed: %s (errno %s)\n", __FILE__, \
				__LINE__, #cond, strerrorname_np(errno) ?: "0");        \
		}                                                                       \
	} while (0)

struct cg {
	char path[512];
	int fd;
	uint64_t id;
};
static struct cg cg_a = { .fd = -1 }, cg_b = { .fd = -1 }, cg_sub = { .fd = -1 };

/* --- sockets --- */

static socklen_t mk(const char *ip, int port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (strchr(ip, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		inet_pton(AF_INET6, ip, &s6->sin6_addr);
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	s4->sin_family = AF_INET;
	s4->sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, ip, &s4->sin_addr);
	return sizeof(*s4);
}

/* "ip" of a socket address, without the port. */
static const char *ip_of(const struct sockaddr_storage *ss)
{
	static char buf[4][INET6_ADDRSTRLEN];
	static int next;
	char *b = buf[next++ % 4];

	if (ss->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, b, INET6_ADDRSTRLEN);
	else
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, b, INET6_ADDRSTRLEN);
	return b;
}

static const char *local_ip(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	memset(&ss, 0, sizeof(ss));
	getsockname(fd, (struct sockaddr *)&ss, &len);
	return ip_of(&ss);
}

static const char *peer_ip(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	memset(&ss, 0, sizeof(ss));
	if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0)
		return "(none)";
	return ip_of(&ss);
}

static int fam(const char *ip)
{
	return strchr(ip, ':') ? AF_INET6 : AF_INET;
}

/* A socket bound to ip:port, or -errno. */
static int bound(int type, const char *ip, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = mk(ip, port, &ss);
	int fd = socket(fam(ip), type | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
		int err = errno;
		close(fd);
		return -err;
	}
	return fd;
}

static int listening(const char *ip, int port)
{
	int fd = bound(SOCK_STREAM, ip, port);

	if (fd >= 0 && listen(fd, 16) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* A socket of ip's family connected to ip:port (unbound before), or -errno. */
static int connected(int type, const char *ip, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = mk(ip, port, &ss);
	int fd = socket(fam(ip), type | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
		int err = errno;
		close(fd);
		return -err;
	}
	return fd;
}

static int send_to(int fd, const char *ip, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = mk(ip, port, &ss);

	return sendto(fd, "x", 1, 0, (struct sockaddr *)&ss, len) == 1 ? 0 : -errno;
}

/* Source address of the datagram waiting on fd. */
static const char *recv_from(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char c;

	memset(&ss, 0, sizeof(ss));
	if (recvfrom(fd, &c, 1, MSG_DONTWAIT, (struct sockaddr *)&ss, &len) != 1)
		return "(nothing)";
	return ip_of(&ss);
}

/* Source address of the connection waiting on a listening fd. */
static const char *accepted_from(int lfd)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	static char buf[INET6_ADDRSTRLEN];

	if (fd < 0)
		return "(nothing)";
	snprintf(buf, sizeof(buf), "%s", peer_ip(fd));
	close(fd);
	return buf;
}

#define CHECK_IP(got, want)                                                             \
	do {                                                                            \
		const char *g_ = (got);                                                 \
		if (strcmp(g_, (want)) != 0) {                                          \
			failed++;                                                       \
			fprintf(stderr, "  %s:%d: %s is %s, not %s\n", __FILE__, __LINE__, #got, g_, (want)); \
		}                                                                       \
	} while (0)

/* --- cgroups and children --- */

static int join(const struct cg *c)
{
	return write_file_at(c->fd, "cgroup.procs", "0");
}

/* Run fn in a child that joined c; its failed checks. */
static int in_jail(const struct cg *c, void (*fn)(void))
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return 1;
	if (pid == 0) {
		failed = 0;
		if (join(c) < 0) {
			perror("join cgroup");
			_exit(100);
		}
		fn();
		_exit(failed > 99 ? 99 : failed);
	}
	if (waitpid(pid, &st, 0) < 0)
		return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

static int make_cg(struct cg *c, const char *parent, const char *name)
{
	struct perr e = { 0 };

	snprintf(c->path, sizeof(c->path), "%s/%s", parent, name);
	if (mkdir(c->path, 0755) < 0) {
		perror(c->path);
		return -1;
	}
	c->fd = open(c->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->fd < 0 || cgroup_id_of_fd(c->fd, &c->id, &e) < 0) {
		fprintf(stderr, "%s: %s\n", c->path, e.msg);
		return -1;
	}
	return 0;
}

static void drop_cg(struct cg *c)
{
	struct perr e = { 0 };

	if (c->fd < 0)
		return;
	if (sockaddr_unlimit(c->id, &e) < 0)
		fprintf(stderr, "unlimit %s: %s\n", c->path, e.msg);
	close(c->fd);
	c->fd = -1;
	if (rmdir(c->path) < 0)
		perror(c->path);
}

/* --- limits --- */

static void add4(struct jail_addrs *a, const char *ip, int prefix)
{
	inet_pton(AF_INET, ip, &a->ip4[a->n4].a);
	a->ip4[a->n4++].prefix = prefix;
}

static void add6(struct jail_addrs *a, const char *ip, int prefix)
{
	inet_pton(AF_INET6, ip, &a->ip6[a->n6].a);
	a->ip6[a->n6++].prefix = prefix;
}

/* Jail A: a primary /32 and a /24 (/64) for source selection. */
static struct jail_addrs jail_a(void)
{
	struct jail_addrs a = { .ip4_mode = NET_NEW, .ip6_mode = NET_NEW, .ip4_saddrsel = true,
				.ip6_saddrsel = true, .root_uid = 0 };

	add4(&a, "198.18.0.1", 32);
	add4(&a, "198.18.1.1", 24);
	add6(&a, "fd00::1", 128);
	add6(&a, "fd00:1::1", 64);
	return a;
}

static struct jail_addrs jail_b(void)
{
	struct jail_addrs a = { .ip4_mode = NET_NEW, .ip6_mode = NET_NEW, .ip4_saddrsel = true,
				.ip6_saddrsel = true };

	add4(&a, "198.18.0.2", 32);
	add6(&a, "fd00::2", 128);
	return a;
}

static int limit(const struct cg *c, const struct jail_addrs *a)
{
	struct perr e = { 0 };

	if (sockaddr_limit(c->id, a, &e) < 0) {
		fprintf(stderr, "sockaddr_limit %s: %s\n", c->path, e.msg);
		return -1;
	}
	return 0;
}

/* --- the checks, run inside --- */

static void bind_checks(void)
{
	int fd;

	CHECK((fd = bound(SOCK_STREAM, "198.18.1.1", 0)) >= 0);
	CHECK_IP(local_ip(fd), "198.18.1.1");
	close(fd);
	CHECK(bound(SOCK_STREAM, "198.18.0.3", 0) == -EADDRNOTAVAIL);
	CHECK(bound(SOCK_DGRAM, "198.18.0.2", 0) == -EADDRNOTAVAIL);
	CHECK((fd = bound(SOCK_STREAM, "0.0.0.0", 0)) >= 0);
	CHECK_IP(local_ip(fd), "198.18.0.1");
	close(fd);
	CHECK((fd = bound(SOCK_DGRAM, "127.0.0.1", 0)) >= 0);
	CHECK_IP(local_ip(fd), "198.18.0.1");
	close(fd);

	CHECK((fd = bound(SOCK_STREAM, "fd00:1::1", 0)) >= 0);
	CHECK_IP(local_ip(fd), "fd00:1::1");
	close(fd);
	CHECK(bound(SOCK_STREAM, "fd00::3", 0) == -EADDRNOTAVAIL);
	CHECK((fd = bound(SOCK_STREAM, "::", 0)) >= 0);
	CHECK_IP(local_ip(fd), "fd00::1");
	close(fd);
	CHECK((fd = bound(SOCK_DGRAM, "::1", 0)) >= 0);
	CHECK_IP(local_ip(fd), "fd00::1");
	close(fd);
	/* A v4-mapped address on an IPv6 socket is held to the IPv4 list. */
	CHECK(bound(SOCK_STREAM, "::ffff:198.18.0.3", 0) == -EADDRNOTAVAIL);
	CHECK((fd = bound(SOCK_STREAM, "::ffff:198.18.1.1", 0)) >= 0);
	close(fd);
}

/* One process, first in A then in B: each wildcard bind lands on its own jail's address. */
static void same_port_checks(void)
{
	int a4, b4, a6, b6;

	CHECK((a4 = listening("0.0.0.0", 40100)) >= 0);
	CHECK((a6 = listening("::", 40100)) >= 0);
	CHECK(join(&cg_b) == 0);
	CHECK((b4 = listening("0.0.0.0", 40100)) >= 0);
	CHECK((b6 = listening("::", 40100)) >= 0);
	CHECK_IP(local_ip(a4), "198.18.0.1");
	CHECK_IP(local_ip(b4), "198.18.0.2");
	CHECK_IP(local_ip(a6), "fd00::1");
	CHECK_IP(local_ip(b6), "fd00::2");
	CHECK(bound(SOCK_STREAM, "198.18.0.1", 40101) == -EADDRNOTAVAIL);
}

static void connect_checks(void)
{
	int fd;

	/* Sources chosen by prefix, else the primary address; servers in the parent. */
	CHECK((fd = connected(SOCK_STREAM, "198.18.1.100", 40200)) >= 0);
	CHECK_IP(local_ip(fd), "198.18.1.1");
	CHECK((fd = connected(SOCK_STREAM, "198.18.2.100", 40200)) >= 0);
	CHECK_IP(local_ip(fd), "198.18.0.1");
	CHECK((fd = connected(SOCK_STREAM, "fd00:1::100", 40200)) >= 0);
	CHECK_IP(local_ip(fd), "fd00:1::1");
	CHECK((fd = connected(SOCK_STREAM, "fd00:2::100", 40200)) >= 0);
	CHECK_IP(local_ip(fd), "fd00::1");
	/* A v4-mapped destination on an IPv6 socket. */
	CHECK((fd = connected(SOCK_STREAM, "::ffff:198.18.1.100", 40201)) >= 0);
	/* Unconnected UDP: sendmsg sets the source. */
	CHECK((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) >= 0);
	CHECK(send_to(fd, "198.18.1.100", 40200) == 0);
	CHECK(send_to(fd, "198.18.2.100", 40200) == 0);
	CHECK((fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0)) >= 0);
	CHECK(send_to(fd, "fd00:1::100", 40200) == 0);
	CHECK(send_to(fd, "fd00:2::100", 40200) == 0);
	/* Connected UDP: connect binds the source. */
	CHECK((fd = connected(SOCK_DGRAM, "198.18.2.100", 40202)) >= 0);
	CHECK_IP(local_ip(fd), "198.18.0.1");
	CHECK(send(fd, "x", 1, 0) == 1);
}

static void nosaddrsel_checks(void)
{
	int fd;

	CHECK((fd = connected(SOCK_STREAM, "198.18.1.100", 40200)) >= 0);
	CHECK_IP(local_ip(fd), "198.18.0.1");
	CHECK((fd = connected(SOCK_STREAM, "fd00:1::100", 40200)) >= 0);
	CHECK_IP(local_ip(fd), "fd00::1");
}

static void loopback_checks(void)
{
	int l, c, u, v;

	CHECK((l = listening("0.0.0.0", 40300)) >= 0);
	CHECK((c = connected(SOCK_STREAM, "127.0.0.1", 40300)) >= 0);
	CHECK_IP(peer_ip(c), "198.18.0.1");
	CHECK_IP(accepted_from(l), "198.18.0.1");
	CHECK((u = bound(SOCK_DGRAM, "127.0.0.1", 40301)) >= 0);
	CHECK((v = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) >= 0);
	CHECK(send_to(v, "127.0.0.1", 40301) == 0);
	CHECK_IP(recv_from(u), "198.18.0.1");

	CHECK((l = listening("::", 40300)) >= 0);
	CHECK((c = connected(SOCK_STREAM, "::1", 40300)) >= 0);
	CHECK_IP(peer_ip(c), "fd00::1");
	CHECK_IP(accepted_from(l), "fd00::1");
	CHECK((u = bound(SOCK_DGRAM, "::1", 40301)) >= 0);
	CHECK((v = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0)) >= 0);
	CHECK(send_to(v, "::1", 40301) == 0);
	CHECK_IP(recv_from(u), "fd00::1");
}

static int port_of(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	memset(&ss, 0, sizeof(ss));
	getsockname(fd, (struct sockaddr *)&ss, &len);
	return ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
					      : ((struct sockaddr_in *)&ss)->sin_port);
}

/* Whether a TCP connection to ip:port is up within 300 ms (a dropped SYN is a timeout). */
static bool connects(const char *ip, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = mk(ip, port, &ss);
	int fd = socket(fam(ip), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), err = 0;
	socklen_t elen = sizeof(err);
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	bool ok;

	if (fd < 0)
		return false;
	if (connect(fd, (struct sockaddr *)&ss, len) < 0 && errno != EINPROGRESS) {
		close(fd);
		return false;
	}
	ok = poll(&p, 1, 300) == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == 0 && err == 0;
	close(fd);
	return ok;
}

/*
 * listen() and sendto() on a socket never bound put it on the wildcard
 * address, which no bind hook sees: only what is sent to the jail's
 * addresses may reach it.
 */
static void unbound_checks(void)
{
	int l4 = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), l6 = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), v;

	CHECK(listen(l4, 8) == 0 && listen(l6, 8) == 0);
	CHECK_IP(local_ip(l4), "0.0.0.0");
	CHECK(connects("198.18.0.1", port_of(l4)));
	CHECK(connects("198.18.1.1", port_of(l4)));
	CHECK(!connects("198.18.0.3", port_of(l4)));
	CHECK(connects("fd00:1::1", port_of(l6)));
	CHECK(!connects("fd00::3", port_of(l6)));

	CHECK(send_to(u, "198.18.1.100", 40200) == 0);
	CHECK_IP(local_ip(u), "0.0.0.0");
	CHECK((v = bound(SOCK_DGRAM, "198.18.0.1", 0)) >= 0);
	CHECK(send_to(v, "198.18.0.3", port_of(u)) == 0);
	usleep(50000);
	CHECK_IP(recv_from(u), "(nothing)");
	CHECK(send_to(v, "198.18.1.1", port_of(u)) == 0);
	usleep(50000);
	CHECK_IP(recv_from(u), "198.18.0.1");
}

static void pktinfo_checks(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_storage ss;
	socklen_t len = mk("198.18.1.100", 40200, &ss);
	char cbuf[CMSG_SPACE(sizeof(struct in_pktinfo))] = { 0 };
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	struct msghdr m = { .msg_name = &ss, .msg_namelen = len, .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
	struct in_pktinfo pi = { 0 };

	/* A source given with IP_PKTINFO must be the jail's too. */
	cm->cmsg_level = IPPROTO_IP;
	cm->cmsg_type = IP_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(pi));
	inet_pton(AF_INET, "198.18.0.3", &pi.ipi_spec_dst);
	memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	errno = 0;
	CHECK(sendmsg(fd, &m, 0) < 0 && errno == EADDRNOTAVAIL);
	close(fd);
	/*
	 * The same on a connected socket, sending without an address: the
	 * kernel runs the sendmsg hook when control data comes with it.
	 */
	CHECK((fd = connected(SOCK_DGRAM, "198.18.1.100", 40200)) >= 0);
	m.msg_name = NULL;
	m.msg_namelen = 0;
	errno = 0;
	CHECK(sendmsg(fd, &m, 0) < 0 && errno == EADDRNOTAVAIL);
	close(fd);
}

static void socket_checks(void)
{
	errno = 0;
	CHECK(socket(AF_INET, SOCK_RAW, IPPROTO_ICMP) < 0 && errno == EPERM);
	errno = 0;
	CHECK(socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6) < 0 && errno == EPERM);
	errno = 0;
	CHECK(socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP) < 0 && errno == EPERM);
	errno = 0;
	CHECK(socket(AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6) < 0 && errno == EPERM);
	/* Plain TCP and UDP stay. */
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	CHECK(fd >= 0);
	close(fd);
}

/* Control: the same sockets outside any jail work, so the refusals above mean something. */
static void socket_control(void)
{
	int fd;

	CHECK((fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP)) >= 0);
	close(fd);
	CHECK((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMP)) >= 0);
	close(fd);
	CHECK((fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMPV6)) >= 0);
	close(fd);
	CHECK((fd = bound(SOCK_STREAM, "198.18.0.3", 0)) >= 0);
	close(fd);
}

static void ip4_disabled_checks(void)
{
	int fd;

	/* A family the jail lacks is not supported, as on FreeBSD; raw and ICMP sockets are refused (EPERM). */
	errno = 0;
	CHECK(socket(AF_INET, SOCK_STREAM, 0) < 0 && errno == EAFNOSUPPORT);
	errno = 0;
	CHECK(socket(AF_INET, SOCK_DGRAM, 0) < 0 && errno == EAFNOSUPPORT);
	CHECK((fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0)) >= 0);
	close(fd);
	/* No IPv4 through the back door of a dual-stack socket either. */
	CHECK(connected(SOCK_STREAM, "::ffff:198.18.1.100", 40201) == -EPERM);
	CHECK(bound(SOCK_STREAM, "::ffff:198.18.0.1", 0) == -EADDRNOTAVAIL);
}

static void ip6_inherit_checks(void)
{
	int fd;

	CHECK((fd = bound(SOCK_STREAM, "fd00::3", 0)) >= 0);
	close(fd);
	CHECK(bound(SOCK_STREAM, "198.18.0.3", 0) == -EADDRNOTAVAIL);
}

static void unlimited_checks(void)
{
	int fd;

	CHECK((fd = bound(SOCK_STREAM, "198.18.0.3", 0)) >= 0);
	close(fd);
	CHECK((fd = bound(SOCK_STREAM, "0.0.0.0", 0)) >= 0);
	CHECK_IP(local_ip(fd), "0.0.0.0");
	close(fd);
}

static void become_test_uid(void)
{
	if (setgroups(0, NULL) < 0 || setgid(TEST_UID) < 0 || setuid(TEST_UID) < 0) {
		perror("setuid");
		failed++;
	}
}

static void reserved_allowed(void)
{
	int fd;

	become_test_uid();
	CHECK((fd = bound(SOCK_STREAM, "198.18.0.1", 80)) >= 0);
	close(fd);
	CHECK((fd = bound(SOCK_STREAM, "0.0.0.0", 81)) >= 0);
	CHECK_IP(local_ip(fd), "198.18.0.1");
	close(fd);
	CHECK((fd = bound(SOCK_DGRAM, "fd00::1", 80)) >= 0);
	close(fd);
	CHECK(bound(SOCK_STREAM, "198.18.0.3", 80) == -EADDRNOTAVAIL);
	/* Unprivileged ports are unaffected. */
	CHECK((fd = bound(SOCK_STREAM, "198.18.0.1", 40400)) >= 0);
	close(fd);
}

static void reserved_refused(void)
{
	become_test_uid();
	CHECK(bound(SOCK_STREAM, "198.18.0.1", 80) == -EACCES);
	CHECK(bound(SOCK_STREAM, "fd00::1", 80) == -EACCES);
}

/* --- the cases, run by the parent --- */

static int report(const char *name, int fails)
{
	printf("sockaddr: %s: %s\n", name, fails ? "FAILED" : "ok");
	fflush(stdout);
	return fails ? 1 : 0;
}

static int case_bind(void)
{
	struct jail_addrs a = jail_a();

	if (limit(&cg_a, &a) < 0)
		return 1;
	return in_jail(&cg_a, bind_checks);
}

static int case_sub_cgroup(void)
{
	/* A process in a cgroup below the jail's is held to the jail's record. */
	return in_jail(&cg_sub, bind_checks);
}

static int case_same_port(void)
{
	struct jail_addrs a = jail_a(), b = jail_b();

	if (limit(&cg_a, &a) < 0 || limit(&cg_b, &b) < 0)
		return 1;
	return in_jail(&cg_a, same_port_checks);
}

/* Servers here, clients in the jail; the sources as the servers see them. */
static int case_connect(void)
{
	struct jail_addrs a = jail_a();
	int l1 = listening("198.18.1.100", 40200), l2 = listening("198.18.2.100", 40200);
	int l3 = listening("fd00:1::100", 40200), l4 = listening("fd00:2::100", 40200);
	int l5 = listening("198.18.1.100", 40201);
	int u1 = bound(SOCK_DGRAM, "198.18.1.100", 40200), u2 = bound(SOCK_DGRAM, "198.18.2.100", 40200);
	int u3 = bound(SOCK_DGRAM, "fd00:1::100", 40200), u4 = bound(SOCK_DGRAM, "fd00:2::100", 40200);
	int u5 = bound(SOCK_DGRAM, "198.18.2.100", 40202);
	int fails;

	failed = 0;
	CHECK(l1 >= 0 && l2 >= 0 && l3 >= 0 && l4 >= 0 && l5 >= 0);
	CHECK(u1 >= 0 && u2 >= 0 && u3 >= 0 && u4 >= 0 && u5 >= 0);
	if (failed || limit(&cg_a, &a) < 0)
		return 1;
	fails = in_jail(&cg_a, connect_checks);
	CHECK_IP(accepted_from(l1), "198.18.1.1");
	CHECK_IP(accepted_from(l2), "198.18.0.1");
	CHECK_IP(accepted_from(l3), "fd00:1::1");
	CHECK_IP(accepted_from(l4), "fd00::1");
	CHECK_IP(accepted_from(l5), "198.18.1.1");
	CHECK_IP(recv_from(u1), "198.18.1.1");
	CHECK_IP(recv_from(u2), "198.18.0.1");
	CHECK_IP(recv_from(u3), "fd00:1::1");
	CHECK_IP(recv_from(u4), "fd00::1");
	CHECK_IP(recv_from(u5), "198.18.0.1");

	a.ip4_saddrsel = a.ip6_saddrsel = false;
	if (limit(&cg_a, &a) < 0)
		return 1;
	fails += in_jail(&cg_a, nosaddrsel_checks);
	CHECK_IP(accepted_from(l1), "198.18.0.1");
	CHECK_IP(accepted_from(l3), "fd00::1");
	fails += in_jail(&cg_a, pktinfo_checks);
	CHECK_IP(recv_from(u1), "(nothing)");
	fails += in_jail(&cg_a, unbound_checks);
	CHECK_IP(recv_from(u1), "198.18.0.1");
	for (int fd = 0, fds[] = { l1, l2, l3, l4, l5, u1, u2, u3, u4, u5 }; fd < 10; fd++)
		close(fds[fd]);
	return fails + failed;
}

static int case_loopback(void)
{
	struct jail_addrs a = jail_a();

	if (limit(&cg_a, &a) < 0)
		return 1;
	return in_jail(&cg_a, loopback_checks);
}

static int case_sockets(void)
{
	struct jail_addrs a = jail_a();
	int fails;

	failed = 0;
	if (limit(&cg_a, &a) < 0)
		return 1;
	fails = in_jail(&cg_a, socket_checks);
	/* The same in inherit mode: raw sockets are refused on the shared stack. */
	a.ip4_mode = a.ip6_mode = NET_INHERIT;
	a.allow_raw = true;
	if (limit(&cg_a, &a) < 0)
		return 1;
	fails += in_jail(&cg_a, socket_checks);
	socket_control();
	return fails + failed;
}

static int case_families(void)
{
	struct jail_addrs a = jail_a();
	int fails;

	a.ip4_mode = NET_DISABLE;
	if (limit(&cg_a, &a) < 0)
		return 1;
	fails = in_jail(&cg_a, ip4_disabled_checks);
	/* new without an address is FreeBSD's jail without IPv4 */
	a = jail_a();
	a.n4 = 0;
	if (limit(&cg_a, &a) < 0)
		return 1;
	fails += in_jail(&cg_a, ip4_disabled_checks);
	a = jail_a();
	a.ip6_mode = NET_INHERIT;
	if (limit(&cg_a, &a) < 0)
		return 1;
	return fails + in_jail(&cg_a, ip6_inherit_checks);
}

static int case_unlimit(void)
{
	struct jail_addrs a = jail_a();
	struct perr e = { 0 };

	if (limit(&cg_a, &a) < 0)
		return 1;
	if (sockaddr_unlimit(cg_a.id, &e) < 0 || sockaddr_unlimit(cg_a.id, &e) < 0) {
		fprintf(stderr, "sockaddr_unlimit: %s\n", e.msg);
		return 1;
	}
	return in_jail(&cg_a, unlimited_checks);
}

static int case_reserved_ports(void)
{
	struct jail_addrs a = jail_a();
	int fails;

	a.root_uid = TEST_UID;
	a.allow_reserved_ports = true;
	if (limit(&cg_a, &a) < 0)
		return 1;
	fails = in_jail(&cg_a, reserved_allowed);
	a.allow_reserved_ports = false;
	if (limit(&cg_a, &a) < 0)
		return 1;
	fails += in_jail(&cg_a, reserved_refused);
	a.allow_reserved_ports = true;
	a.root_uid = TEST_UID + 1;
	if (limit(&cg_a, &a) < 0)
		return 1;
	return fails + in_jail(&cg_a, reserved_refused);
}

/* Detach our program of one hook, as a crash between two attachments would leave it. */
static bool detach_one(const char *parent, enum bpf_attach_type type, const char *name)
{
	_cleanup_close_ int cg = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	__u32 ids[64], cnt = 64, flags = 0;

	if (cg < 0 || bpf_prog_query(cg, type, 0, &flags, ids, &cnt) < 0)
		return false;
	for (__u32 i = 0; i < cnt; i++) {
		_cleanup_close_ int fd = bpf_prog_get_fd_by_id(ids[i]);
		struct bpf_prog_info info;
		__u32 len = sizeof(info);

		memset(&info, 0, sizeof(info));
		if (fd >= 0 && bpf_obj_get_info_by_fd(fd, &info, &len) == 0 && strcmp(info.name, name) == 0)
			return bpf_prog_detach2(fd, cg, type) == 0;
	}
	return false;
}

static void bind_other_works(void)
{
	int fd;

	CHECK((fd = bound(SOCK_STREAM, "198.18.0.3", 0)) >= 0);
	close(fd);
}

/* A set with a hook missing is completed on the map in use: records stay. */
static int case_repair(const char *parent)
{
	struct jail_addrs a = jail_a(), b = jail_b();
	int fails;

	failed = 0;
	if (limit(&cg_a, &a) < 0)
		return 1;
	CHECK(detach_one(parent, BPF_CGROUP_INET4_BIND, "prison_bind4"));
	fails = in_jail(&cg_a, bind_other_works);
	if (limit(&cg_b, &b) < 0)
		return 1;
	fails += in_jail(&cg_a, bind_checks);
	return fails + failed;
}

static int count_ours(const char *parent, enum bpf_attach_type type, const char *name)
{
	_cleanup_close_ int cg = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	__u32 ids[64], cnt = 64, flags = 0;
	int n = 0;

	if (cg < 0 || bpf_prog_query(cg, type, 0, &flags, ids, &cnt) < 0)
		return -1;
	for (__u32 i = 0; i < cnt; i++) {
		_cleanup_close_ int fd = bpf_prog_get_fd_by_id(ids[i]);
		struct bpf_prog_info info;
		__u32 len = sizeof(info);

		memset(&info, 0, sizeof(info));
		if (fd >= 0 && bpf_obj_get_info_by_fd(fd, &info, &len) == 0 && strcmp(info.name, name) == 0)
			n++;
	}
	return n;
}

/* Commands that attach at the same time attach one set (the lock). */
static int case_concurrent_attach(const char *parent)
{
	struct jail_addrs a = jail_a();
	struct perr e = { 0 };
	pid_t pids[6];
	int fails = 0;

	failed = 0;
	if (sockaddr_unlimit(cg_a.id, &e) < 0 || sockaddr_unlimit(cg_b.id, &e) < 0 || sockaddr_detach(&e) < 0) {
		fprintf(stderr, "detach: %s\n", e.msg);
		return 1;
	}
	CHECK(count_ours(parent, BPF_CGROUP_INET4_BIND, "prison_bind4") == 0);
	for (size_t i = 0; i < ARRAY_SIZE(pids); i++)
		if ((pids[i] = fork()) == 0)
			_exit(limit(&cg_a, &a) < 0);
	for (size_t i = 0; i < ARRAY_SIZE(pids); i++) {
		int st = 1;
		if (pids[i] > 0)
			waitpid(pids[i], &st, 0);
		fails += pids[i] < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0;
	}
	CHECK(count_ours(parent, BPF_CGROUP_INET_SOCK_CREATE, "prison_sock") == 1);
	CHECK(count_ours(parent, BPF_CGROUP_INET4_BIND, "prison_bind4") == 1);
	CHECK(count_ours(parent, BPF_CGROUP_INET6_CONNECT, "prison_connect6") == 1);
	CHECK(count_ours(parent, BPF_CGROUP_INET_INGRESS, "prison_ingress") == 1);
	return fails + failed + in_jail(&cg_a, bind_checks);
}

static int case_bad_limits(void)
{
	struct jail_addrs a = jail_a();
	struct perr e = { 0 };

	failed = 0;
	a.n4 = SOCKADDR_MAX_ADDRS + 1;
	CHECK(sockaddr_limit(cg_a.id, &a, &e) < 0 && e.err == EINVAL);
	CHECK(strstr(e.msg, "at most 16") != NULL);
	a = jail_a();
	a.ip6[1].prefix = 129;
	CHECK(sockaddr_limit(cg_a.id, &a, &e) < 0 && e.err == EINVAL);
	a = jail_a();
	a.ip4_mode = 7;
	CHECK(sockaddr_limit(cg_a.id, &a, &e) < 0 && e.err == EINVAL);
	return failed;
}

int main(int argc, char **argv)
{
	struct perr e = { 0 };
	const char *root;
	char parent[512], name[256];
	bool was_attached = false;
	int fails = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: sockaddr_test NAME\n");
		return 2;
	}
	if (runtime_check(&e) < 0 || !(root = cgroup_unified_root(&e)) || sockaddr_attached(&was_attached, &e) < 0) {
		fprintf(stderr, "sockaddr_test: %s\n", e.msg);
		return 1;
	}
	snprintf(parent, sizeof(parent), "%s/%s", root, runtime_cgroup());
	mkdir(parent, 0755);
	snprintf(name, sizeof(name), "%s-a", argv[1]);
	if (make_cg(&cg_a, parent, name) == 0) {
		snprintf(name, sizeof(name), "%s-b", argv[1]);
		if (make_cg(&cg_b, parent, name) == 0 && make_cg(&cg_sub, cg_a.path, "sub") == 0) {
			fails += report("bind to own, other, wildcard and loopback addresses", case_bind());
			fails += report("a sub-cgroup of the jail is held to it", case_sub_cgroup());
			fails += report("two jails bind the same port", case_same_port());
			fails += report("connect and sendmsg take a jail source", case_connect());
			fails += report("loopback reaches the jail's primary address", case_loopback());
			fails += report("raw and ICMP sockets refused", case_sockets());
			fails += report("ip4 disable, ip4 new without address, ip6 inherit", case_families());
			fails += report("unlimit lifts the limits", case_unlimit());
			fails += report("reserved ports for the jail's root only", case_reserved_ports());
			fails += report("bad limits are refused", case_bad_limits());
			fails += report("a missing program is attached again, records kept", case_repair(parent));
			fails += report("concurrent first attachments attach one set", case_concurrent_attach(parent));
		} else {
			fails++;
		}
	} else {
		fails++;
	}
	drop_cg(&cg_sub);
	drop_cg(&cg_b);
	drop_cg(&cg_a);
	if (!was_attached && sockaddr_detach(&e) < 0) {
		fprintf(stderr, "sockaddr_test: %s\n", e.msg);
		fails++;
	}
	printf("sockaddr: %d failed\n", fails);
	return fails != 0;
}
