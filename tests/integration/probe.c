/*
 * A static probe run as a jail's payload: it tries one privileged
 * operation and prints "ok" or the errno name, so a test can assert what
 * the kernel and the filter answered from inside.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <linux/mman.h>
#include <sys/swap.h>
#include <sys/wait.h>
#include <time.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <pthread.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <sys/xattr.h>
#include <stdlib.h>
#include <unistd.h>

/* Touch memory a megabyte at a time, saying how far it got, until stopped. */
static int hog(long mb)
{
	for (long i = 1; i <= mb; i++) {
		char *p = malloc(1 << 20);
		if (!p)
			return 1;
		memset(p, (int)i, 1 << 20);
		printf("%ld\n", i);
		fflush(stdout);
	}
	return 0;
}

/* Touch MB megabytes, then keep them for SECONDS. */
static int hold(long mb, long seconds)
{
	for (long i = 0; i < mb; i++) {
		char *p = malloc(1 << 20);
		if (!p)
			return 1;
		memset(p, (int)i + 1, 1 << 20);
	}
	sleep((unsigned)seconds);
	return 0;
}

/* Fork children that wait, until fork fails or n are made; print the count. */
static int forks(long n)
{
	long made = 0;

	for (; made < n; made++) {
		pid_t p = fork();
		if (p < 0)
			break;
		if (p == 0) {
			pause();
			_exit(0);
		}
	}
	printf("%ld\n", made);
	fflush(stdout);
	/* End the children (this process ignores it), then reap them. */
	signal(SIGTERM, SIG_IGN);
	kill(0, SIGTERM);
	while (wait(NULL) > 0)
		;
	return 0;
}

/* chain FILE: where each process of the chain writes its pid when SIGTERM comes. */
static int chain_fd = -1;

static void chain_caught(int sig)
{
	char buf[16], *p = buf + sizeof(buf);
	unsigned v = (unsigned)getpid();

	(void)sig;
	*--p = '\n';
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	if (write(chain_fd, p, (size_t)(buf + sizeof(buf) - p)) < 0)
		_exit(2);
	_exit(0);
}

/*
 * A chain that grows without end: each process forks the next and waits,
 * so one process is always forking.  The handler is inherited, so every
 * process catches SIGTERM from its first instruction; one that is never
 * signalled would fork on for ever.
 */
static int chain(const char *file)
{
	struct sigaction sa = { .sa_handler = chain_caught };
	struct timespec ms = { 0, 200000 };

	chain_fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (chain_fd < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
		return 1;
	for (;;) {
		nanosleep(&ms, NULL);
		pid_t p = fork();
		if (p > 0)
			for (;;)
				pause();
	}
}

static volatile int spinning = 1;

static void *spin_thread(void *arg)
{
	(void)arg;
	while (spinning)
		;
	return NULL;
}

/* Keep THREADS threads busy for SECONDS. */
static int spin(long seconds, long threads)
{
	pthread_t t[64];

	if (threads > 64)
		threads = 64;
	for (long i = 1; i < threads; i++)
		pthread_create(&t[i], NULL, spin_thread, NULL);
	time_t end = time(NULL) + seconds;
	while (time(NULL) < end)
		;
	spinning = 0;
	for (long i = 1; i < threads; i++)
		pthread_join(t[i], NULL);
	return 0;
}

/* Open /dev/null until refused; print the highest count reached. */
static int openmany(void)
{
	long n = 0;

	while (n < 100000 && open("/dev/null", O_RDONLY) >= 0)
		n++;
	printf("%ld %s\n", n, strerrorname_np(errno));
	return 0;
}

/* Make SysV shared memory segments until refused; print the count, remove them. */
static int shmmany(void)
{
	int ids[10000];
	long n = 0;

	while (n < 10000) {
		long id = syscall(SYS_shmget, 0, 4096, 01600);
		if (id < 0)
			break;
		ids[n++] = (int)id;
	}
	printf("%ld %s\n", n, strerrorname_np(errno));
	for (long i = 0; i < n; i++)
		syscall(SYS_shmctl, ids[i], 0 /* IPC_RMID */, NULL);
	return 0;
}

/*
 * Make up to n kernel objects of one kind the kernel counts per user (a
 * UTS namespace, kept by an fd on it, or an inotify instance), print how
 * many and why it stopped ("ok" if it did not), then keep them for secs.
 */
static int fill(const char *kind, long n, long secs)
{
	long made = 0;
	int err = 0;

	for (; made < n; made++) {
		int fd;
		if (!strcmp(kind, "uts"))
			fd = unshare(CLONE_NEWUTS) < 0 ? -1 : open("/proc/self/ns/uts", O_RDONLY);
		else
			fd = (int)syscall(SYS_inotify_init1, 0);
		if (fd < 0) {
			err = errno;
			break;
		}
	}
	printf("%ld %s\n", made, err ? strerrorname_np(err) : "ok");
	fflush(stdout);
	sleep((unsigned)secs);
	return 0;
}

/* The host uid owning the user namespace at path (NS_GET_OWNER_UID). */
static int nsowner(const char *path)
{
	int fd = open(path, O_RDONLY);
	unsigned int uid;

	if (fd < 0 || ioctl(fd, _IO(0xb7, 0x4), &uid) < 0) {
		printf("%s\n", strerrorname_np(errno));
		return 1;
	}
	printf("%u\n", uid);
	return 0;
}

static int result(long r);

/* "ADDR PORT" into a socket address of the right family. */
static socklen_t sockaddr_of(const char *addr, const char *port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (strchr(addr, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((unsigned short)atoi(port));
		inet_pton(AF_INET6, addr, &s6->sin6_addr);
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	s4->sin_family = AF_INET;
	s4->sin_port = htons((unsigned short)atoi(port));
	inet_pton(AF_INET, addr, &s4->sin_addr);
	return sizeof(*s4);
}

static const char *addr_text(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	if (ss->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, buf, (socklen_t)len);
	else
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, buf, (socklen_t)len);
	return buf;
}

/*
 * Network operations for the networking tests; each prints one line:
 * bind ADDR PORT      -> the bound address, or the errno name
 * serve ADDR PORT     -> listen, accept one connection, print the peer's address
 * connect ADDR PORT   -> the local address the connection got, or the errno name
 * udp ADDR PORT       -> send one datagram, print the source address the kernel chose
 * socket raw|icmp|packet|tcp4|tcp6 -> ok or the errno name
 */
static int net(const char *op, int argc, char **argv)
{
	struct sockaddr_storage ss, got;
	socklen_t len, glen = sizeof(got);
	char buf[64];
	int fd;

	if (!strcmp(op, "socket")) {
		const char *k = argc > 2 ? argv[2] : "";
		if (!strcmp(k, "raw"))
			return result(socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
		if (!strcmp(k, "icmp"))
			return result(socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP));
		if (!strcmp(k, "packet"))
			return result(socket(AF_PACKET, SOCK_RAW, 0));
		if (!strcmp(k, "tcp6"))
			return result(socket(AF_INET6, SOCK_STREAM, 0));
		return result(socket(AF_INET, SOCK_STREAM, 0));
	}
	if (argc < 4)
		return 2;
	len = sockaddr_of(argv[2], argv[3], &ss);
	fd = socket(ss.ss_family, !strcmp(op, "udp") ? SOCK_DGRAM : SOCK_STREAM, 0);
	if (fd < 0)
		return result(-1);
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (!strcmp(op, "bind") || !strcmp(op, "serve")) {
		if (bind(fd, (struct sockaddr *)&ss, len) < 0)
			return result(-1);
		if (!strcmp(op, "bind")) {
			getsockname(fd, (struct sockaddr *)&got, &glen);
			printf("%s\n", addr_text(&got, buf, sizeof(buf)));
			return 0;
		}
		listen(fd, 8);
		alarm(10);
		int c = accept(fd, (struct sockaddr *)&got, &glen);
		if (c < 0)
			return result(-1);
		printf("%s\n", addr_text(&got, buf, sizeof(buf)));
		return 0;
	}
	if (!strcmp(op, "udp")) {
		/* connect picks the source as a send would; send one datagram too. */
		if (connect(fd, (struct sockaddr *)&ss, len) < 0 || send(fd, "x", 1, 0) < 0)
			return result(-1);
	} else {
		alarm(5);
		if (connect(fd, (struct sockaddr *)&ss, len) < 0)
			return result(-1);
	}
	getsockname(fd, (struct sockaddr *)&got, &glen);
	printf("%s\n", addr_text(&got, buf, sizeof(buf)));
	return 0;
}

/*
 * Socket families, each prints ok or the errno name:
 * family NAME         -> socket(2) of that family (table below)
 * family32 NAME       -> the same through the 32-bit entry points (int $0x80):
 *                        socket(2) direct, then socketcall(2); prints both
 * family vsock-hi     -> AF_VSOCK with the register's upper half set, which
 *                        the kernel ignores (the family is an int)
 * abstract NAME       -> connect to the abstract unix socket @NAME
 * abstract-dgram NAME -> send one datagram to @NAME
 * abstract-pair NAME  -> listen on @NAME and connect to it from a child
 */
static const struct {
	const char *name;
	int domain, type, protocol;
} families[] = {
	{ "unix", AF_UNIX, SOCK_STREAM, 0 },
	{ "inet", AF_INET, SOCK_DGRAM, 0 },
	{ "inet6", AF_INET6, SOCK_DGRAM, 0 },
	{ "vsock", AF_VSOCK, SOCK_STREAM, 0 },
	{ "packet", AF_PACKET, SOCK_RAW, 0 },
	{ "tipc", AF_TIPC, SOCK_RDM, 0 },
	{ "alg", AF_ALG, SOCK_SEQPACKET, 0 },
	{ "key", AF_KEY, SOCK_RAW, 2 },
	{ "can", AF_CAN, SOCK_RAW, 1 },
	{ "bluetooth", AF_BLUETOOTH, SOCK_RAW, 0 },
	{ "xdp", AF_XDP, SOCK_RAW, 0 },
	{ "unspec", AF_UNSPEC, SOCK_STREAM, 0 },
	{ "netlink-route", AF_NETLINK, SOCK_RAW, NETLINK_ROUTE },
	{ "netlink-diag", AF_NETLINK, SOCK_RAW, NETLINK_SOCK_DIAG },
	{ "netlink-netfilter", AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER },
	{ "netlink-xfrm", AF_NETLINK, SOCK_RAW, NETLINK_XFRM },
	{ "netlink-generic", AF_NETLINK, SOCK_RAW, NETLINK_GENERIC },
	{ "netlink-audit", AF_NETLINK, SOCK_RAW, NETLINK_AUDIT },
	{ "netlink-uevent", AF_NETLINK, SOCK_DGRAM, NETLINK_KOBJECT_UEVENT },
	{ "netlink-connector", AF_NETLINK, SOCK_DGRAM, NETLINK_CONNECTOR },
};

static long sys32(long nr, long a, long b, long c)
{
	long r;

	/* A 64-bit process may still enter the kernel through the 32-bit gate. */
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return r;
}

static int family(const char *op, const char *name)
{
	if (!strcmp(name, "vsock-hi"))
		return result(syscall(SYS_socket, 1UL << 32 | AF_VSOCK, SOCK_STREAM, 0));
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		if (strcmp(families[i].name, name) != 0)
			continue;
		if (!strcmp(op, "family"))
			return result(socket(families[i].domain, families[i].type, families[i].protocol));
		/* i386: socket is 359, socketcall 102 with SYS_SOCKET (1) and the arguments in memory. */
		unsigned int *args = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
		if (args == MAP_FAILED)
			return result(-1);
		args[0] = (unsigned)families[i].domain;
		args[1] = (unsigned)families[i].type;
		args[2] = (unsigned)families[i].protocol;
		long direct = sys32(359, families[i].domain, families[i].type, families[i].protocol);
		long multi = sys32(102, 1, (long)(unsigned long)args, 0);
		printf("%s %s\n", direct < 0 ? strerrorname_np((int)-direct) : "ok",
		       multi < 0 ? strerrorname_np((int)-multi) : "ok");
		return 0;
	}
	fprintf(stderr, "probe: unknown family %s\n", name);
	return 2;
}

static int abstract(const char *op, const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n = strlen(name);
	int dgram = !strcmp(op, "abstract-dgram");
	int fd = socket(AF_UNIX, dgram ? SOCK_DGRAM : SOCK_STREAM, 0);

	if (fd < 0 || n + 1 > sizeof(sa.sun_path))
		return result(-1);
	memcpy(sa.sun_path + 1, name, n);
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
	if (!strcmp(op, "abstract-pair")) {
		if (bind(fd, (struct sockaddr *)&sa, len) < 0 || listen(fd, 1) < 0)
			return result(-1);
		pid_t child = fork();
		if (child == 0) {
			int c = socket(AF_UNIX, SOCK_STREAM, 0);
			_exit(connect(c, (struct sockaddr *)&sa, len) < 0 ? errno : 0);
		}
		int st = 0;
		waitpid(child, &st, 0);
		errno = WEXITSTATUS(st);
		return result(errno ? -1 : 0);
	}
	if (dgram)
		return result(sendto(fd, "x", 1, 0, (struct sockaddr *)&sa, len));
	return result(connect(fd, (struct sockaddr *)&sa, len));
}

/* ctl PATH MSG -> send MSG on the SOCK_SEQPACKET unix socket PATH: the reply, "closed" or the errno name */
static int ctl(const char *path, const char *msg)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char reply[64];
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	ssize_t n;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return result(-1);
	alarm(5);
	if (send(fd, msg, strlen(msg), MSG_NOSIGNAL) < 0) {
		if (errno == EPIPE || errno == ECONNRESET)
			return printf("closed\n"), 1;
		return result(-1);
	}
	n = recv(fd, reply, sizeof(reply) - 1, 0);
	if (n < 0 && errno == ECONNRESET)
		n = 0;
	if (n < 0)
		return result(-1);
	if (n == 0)
		return printf("closed\n"), 1;
	reply[n] = '\0';
	printf("%s\n", reply);
	return 0;
}

/*
 * nest PATH VERB WORD... -> one request on a jail socket as jail(8) inside
 * a jail would send it, NUL-ended words, with descriptors 0-2: every answer
 * packet, joined by '|'
 */
static int nest(const char *path, char **words, int n)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	static char buf[65536], reply[65536];
	int fds[3] = { 0, 1, 2 }, fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	char cbuf[CMSG_SPACE(sizeof(fds))];
	size_t len = 0;
	struct iovec iov = { .iov_base = buf };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	ssize_t r;

	for (int i = 0; i < n && len + strlen(words[i]) + 1 < sizeof(buf); i++) {
		memcpy(buf + len, words[i], strlen(words[i]) + 1);
		len += strlen(words[i]) + 1;
	}
	iov.iov_len = len;
	memset(cbuf, 0, sizeof(cbuf));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(cm), fds, sizeof(fds));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || sendmsg(fd, &mh, MSG_NOSIGNAL) < 0)
		return result(-1);
	alarm(10);
	for (int first = 1; (r = recv(fd, reply, sizeof(reply) - 1, 0)) > 0; first = 0) {
		reply[r] = '\0';
		printf("%s%s", first ? "" : "|", reply);
		if (reply[0] == 'x')
			break;
	}
	printf("\n");
	return 0;
}

/* A thread that outlives the main one: the process stays, its leader has exited. */
static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static int leader_exits(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, sleeper, NULL) != 0)
		return 1;
	printf("%d\n", (int)getpid());
	fflush(stdout);
	pthread_exit(NULL);
}

/*
 * huge KB N: map and touch up to N huge pages of KB KiB, one at a time,
 * and print how many the jail got; a page refused at mmap (the hugetlb
 * reservation's limit, or none left on the host) or at its first touch
 * (SIGBUS, the limit without a reservation counter) ends the count.
 */
static sigjmp_buf huge_fault;

static void huge_bus(int sig)
{
	(void)sig;
	siglongjmp(huge_fault, 1);
}

static int huge_pages(long kb, long n)
{
	volatile long got = 0;
	volatile int shift = 0;

	while ((1L << shift) < kb * 1024)
		shift++;
	signal(SIGBUS, huge_bus);
	if (sigsetjmp(huge_fault, 1) == 0)
		for (; got < n; got++) {
			char *p = mmap(NULL, (size_t)kb * 1024, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | (shift << MAP_HUGE_SHIFT), -1, 0);
			if (p == MAP_FAILED)
				break;
			p[0] = 1;
		}
	printf("%ld\n", (long)got);
	return 0;
}

static int result(long r)
{
	if (r < 0) {
		printf("%s\n", strerrorname_np(errno));
		return 1;
	}
	printf("ok\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "";
	char c = 'x';

	if (!strcmp(op, "leaderexit"))
		return leader_exits();
	if (!strcmp(op, "mount"))
		return result(mount("none", argc > 2 ? argv[2] : "/tmp", "tmpfs", 0, NULL));
	if (!strcmp(op, "mountbind") && argc > 3)
		return result(mount(argv[2], argv[3], NULL, MS_BIND, NULL));
	if (!strcmp(op, "umount"))
		return result(umount2(argc > 2 ? argv[2] : "/proc", argc > 3 ? MNT_DETACH : 0));
	if (!strcmp(op, "remount_rw"))
		return result(mount(NULL, argc > 2 ? argv[2] : "/sys", NULL, MS_REMOUNT | MS_BIND, NULL));
	if (!strcmp(op, "finit_module"))
		return result(syscall(SYS_finit_module, 0, "", 0));
	if (!strcmp(op, "keyctl"))
		return result(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0));
	if (!strcmp(op, "bpf"))
		return result(syscall(SYS_bpf, 0, NULL, 0));
	if (!strcmp(op, "perf_event_open"))
		return result(syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0));
	if (!strcmp(op, "open_by_handle_at"))
		return result(syscall(SYS_open_by_handle_at, AT_FDCWD, NULL, 0));
	if (!strcmp(op, "reboot"))
		return result(reboot(RB_POWER_OFF));
	if (!strcmp(op, "settime")) {
		struct timespec ts = { 0, 0 };
		return result(clock_settime(CLOCK_REALTIME, &ts));
	}
	if (!strcmp(op, "adjtime")) {
		/* The clock's status written back as it is: nothing changes even where the call is allowed. */
		struct timex tx = { .modes = 0 };
		if (clock_adjtime(CLOCK_REALTIME, &tx) < 0)
			return result(-1);
		tx.modes = ADJ_STATUS;
		return result(clock_adjtime(CLOCK_REALTIME, &tx));
	}
	if (!strcmp(op, "xattr") && argc > 3)
		return result(setxattr(argv[2], argv[3], "x", 1, 0));
	if (!strcmp(op, "unshare_user"))
		return result(unshare(CLONE_NEWUSER));
	if (!strcmp(op, "sethostname"))
		return result(sethostname(argc > 2 ? argv[2] : "probe", strlen(argc > 2 ? argv[2] : "probe")));
	if (!strcmp(op, "tiocsti"))
		return result(ioctl(0, TIOCSTI, &c));
	if (!strcmp(op, "shmget"))
		return result(syscall(SYS_shmget, 0, 4096, 01600));
	/* shmrm ID: remove segment ID (IPC_RMID is 0). */
	if (!strcmp(op, "shmrm") && argc > 2)
		return result(syscall(SYS_shmctl, atoi(argv[2]), 0, NULL));
	if (!strcmp(op, "swapoff"))
		return result(swapoff("/nonexistent"));
	if (!strcmp(op, "kill"))
		return result(kill(argc > 2 ? atoi(argv[2]) : 1, 0));
	if (!strcmp(op, "ptrace"))
		return result(syscall(SYS_ptrace, 16 /* PTRACE_ATTACH */, argc > 2 ? atoi(argv[2]) : 1, 0, 0));
	if (!strcmp(op, "bind") || !strcmp(op, "serve") || !strcmp(op, "connect") || !strcmp(op, "udp") ||
	    !strcmp(op, "socket"))
		return net(op, argc, argv);
	if (!strcmp(op, "io_uring_setup")) {
		char params[120] = { 0 }; /* struct io_uring_params */
		return result(syscall(SYS_io_uring_setup, 1, params));
	}
	/* On a bad descriptor: EBADF from the kernel, EPERM from the filter. */
	if (!strcmp(op, "io_uring_enter"))
		return result(syscall(SYS_io_uring_enter, -1, 0, 0, 0, NULL, 0));
	if (!strcmp(op, "io_uring_register"))
		return result(syscall(SYS_io_uring_register, -1, 0, NULL, 0));
	if (!strcmp(op, "quotactl_fd"))
		return result(syscall(SYS_quotactl_fd, -1, 0, 0, NULL));
	if (!strcmp(op, "personality"))
		return result(syscall(SYS_personality, strtoul(argc > 2 ? argv[2] : "0", NULL, 0)));
	if ((!strcmp(op, "family") || !strcmp(op, "family32")) && argc > 2)
		return family(op, argv[2]);
	if ((!strcmp(op, "abstract") || !strcmp(op, "abstract-dgram") || !strcmp(op, "abstract-pair")) && argc > 2)
		return abstract(op, argv[2]);
	if (!strcmp(op, "ctl") && argc > 3)
		return ctl(argv[2], argv[3]);
	if (!strcmp(op, "nest") && argc > 3)
		return nest(argv[2], argv + 3, argc - 3);
	if (!strcmp(op, "huge") && argc > 3)
		return huge_pages(atol(argv[2]), atol(argv[3]));
	if (!strcmp(op, "hog"))
		return hog(argc > 2 ? atol(argv[2]) : 1024);
	if (!strcmp(op, "hold"))
		return hold(argc > 2 ? atol(argv[2]) : 1, argc > 3 ? atol(argv[3]) : 1);
	if (!strcmp(op, "forks"))
		return forks(argc > 2 ? atol(argv[2]) : 1000);
	if (!strcmp(op, "chain"))
		return chain(argc > 2 ? argv[2] : "/tmp/chain");
	if (!strcmp(op, "spin"))
		return spin(argc > 2 ? atol(argv[2]) : 1, argc > 3 ? atol(argv[3]) : 1);
	if (!strcmp(op, "openmany"))
		return openmany();
	if (!strcmp(op, "shmmany"))
		return shmmany();
	if (!strcmp(op, "fill") && argc > 2)
		return fill(argv[2], argc > 3 ? atol(argv[3]) : 1, argc > 4 ? atol(argv[4]) : 0);
	if (!strcmp(op, "nsowner"))
		return nsowner(argc > 2 ? argv[2] : "/proc/self/ns/user");
	if (!strcmp(op, "fds")) {
		/* The descriptors this process came with, and where fd 0 points. */
		char link[256] = "";
		for (int fd = 0; fd < 4096; fd++)
			if (fcntl(fd, F_GETFD) >= 0)
				printf("%d ", fd);
		if (readlink("/proc/self/fd/0", link, sizeof(link) - 1) < 0)
			strcpy(link, "-");
		printf("%s\n", link);
		return 0;
	}
	fprintf(stderr, "probe: unknown operation %s\n", op);
	return 2;
}
