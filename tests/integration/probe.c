/*
 * A static probe run as a jail's payload: it tries one privileged
 * operation and prints "ok" or the errno name, so a test can assert what
 * the kernel and the filter answered from inside.
 */
#include <errno.h>
#include <signal.h>
#include <sys/swap.h>
#include <sys/wait.h>
#include <time.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <pthread.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/if_packet.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
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

	if (!strcmp(op, "mount"))
		return result(mount("none", argc > 2 ? argv[2] : "/tmp", "tmpfs", 0, NULL));
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
	if (!strcmp(op, "unshare_user"))
		return result(unshare(CLONE_NEWUSER));
	if (!strcmp(op, "sethostname"))
		return result(sethostname(argc > 2 ? argv[2] : "probe", strlen(argc > 2 ? argv[2] : "probe")));
	if (!strcmp(op, "tiocsti"))
		return result(ioctl(0, TIOCSTI, &c));
	if (!strcmp(op, "shmget"))
		return result(syscall(SYS_shmget, 0, 4096, 01600));
	if (!strcmp(op, "swapoff"))
		return result(swapoff("/nonexistent"));
	if (!strcmp(op, "kill"))
		return result(kill(argc > 2 ? atoi(argv[2]) : 1, 0));
	if (!strcmp(op, "ptrace"))
		return result(syscall(SYS_ptrace, 16 /* PTRACE_ATTACH */, argc > 2 ? atoi(argv[2]) : 1, 0, 0));
	if (!strcmp(op, "bind") || !strcmp(op, "serve") || !strcmp(op, "connect") || !strcmp(op, "udp") ||
	    !strcmp(op, "socket"))
		return net(op, argc, argv);
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
