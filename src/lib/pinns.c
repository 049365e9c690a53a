/*
 * pinns.c: prison's pin namespaces (pin.c says what they are and why),
 * and RUNDIR/pins, the host's view of their tmpfs: where each is, how one
 * is made, and a child that joins one to do a task there.
 */
#include "pinns.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime.h"
#include "util.h"

static void rundir_path(const char *rundir, const char *rel, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", rundir, rel);
}

/*
 * Pin namespace k's nsfs mount: RUNDIR/pins/.ns for the first, .ns.K for
 * the others, beneath the unbindable pins mount, so that no recursive copy
 * of the host's tree can meet one, not even while it is being made.
 * Before, they were RUNDIR/pinns and RUNDIR/pinns.K, made unbindable just
 * after they were mounted: a path=/ jail built in between copied the pin
 * namespace's mount, and the kernel refused its root for the loop.  Pins
 * made there by an earlier prison are still found.
 */
static void pinns_path(int k, bool old, char *buf, size_t len)
{
	const char *stem = old ? "pinns" : "pins/.ns";

	if (k == 0)
		snprintf(buf, len, "%s/%s", runtime_rundir(), stem);
	else
		snprintf(buf, len, "%s/%s.%d", runtime_rundir(), stem, k);
}

static int nsfs_open(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd >= 0 && ioctl(fd, NS_GET_NSTYPE) != CLONE_NEWNS) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Pin namespace k, if RUNDIR holds one. */
int pinns_open(int k)
{
	char path[PATH_MAX];
	int fd;

	pinns_path(k, false, path, sizeof(path));
	fd = nsfs_open(path);
	if (fd < 0) {
		pinns_path(k, true, path, sizeof(path));
		fd = nsfs_open(path);
	}
	return fd;
}

/* RUNDIR/pins, the host's view of the pins' tmpfs: a mount of its own, not RUNDIR's tmpfs. */
int pins_dir(bool make, struct perr *e)
{
	char path[PATH_MAX];
	struct stat st, up;

	rundir_path(runtime_rundir(), "pins", path, sizeof(path));
	if (make && mkdir(path, 0700) < 0 && errno != EEXIST)
		return perr_set(e, errno, "mkdir %s", path);
	if (stat(path, &st) < 0 || stat(runtime_rundir(), &up) < 0)
		return perr_set(e, errno, "%s", path);
	if (st.st_dev == up.st_dev) {
		if (!make)
			return perr_setx(e, ENOENT, "%s: no pins", path);
		if (mount("prison-pins", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700,size=16m") < 0 ||
		    mount(NULL, path, NULL, MS_UNBINDABLE, NULL) < 0)
			return perr_set(e, errno, "mount tmpfs on %s", path);
	}
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	return fd < 0 ? perr_set(e, errno, "%s", path) : fd;
}

/* The pin namespace's first process: its own copy of the host's, pivoted onto the pins tmpfs, made on cpu. */
static __attribute__((noreturn)) void pinns_child(int sock, int cpu)
{
	char path[PATH_MAX], go;
	cpu_set_t one;

	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	(void)sched_setaffinity(0, sizeof(one), &one);
	rundir_path(runtime_rundir(), "pins", path, sizeof(path));
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 || chdir(path) < 0 ||
	    syscall(SYS_pivot_root, ".", ".") < 0 || umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		_exit(1);
	if (write(sock, "R", 1) != 1)
		_exit(1);
	/* Until the host has pinned this namespace. */
	(void)!read(sock, &go, 1);
	_exit(0);
}

/*
 * One try at pin namespace k, made on cpu, bound at path: 1 when it is
 * pinned, 0 when the kernel refused to bind it (EINVAL), -1 on any other
 * failure.
 */
static int pinns_try(const char *path, int cpu, struct perr *e)
{
	char src[64], ready = 0;
	int sv[2], status, r = -1;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return perr_set(e, errno, "socketpair");
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		pinns_child(sv[1], cpu);
	}
	close(sv[1]);
	if (pid > 0 && read(sv[0], &ready, 1) == 1 && ready == 'R') {
		snprintf(src, sizeof(src), "/proc/%d/ns/mnt", (int)pid);
		r = mount(src, path, NULL, MS_BIND, NULL) == 0 ? 1 : errno == EINVAL ? 0 : -1;
		if (r <= 0)
			perr_set(e, errno, "pin the pin namespace on %s", path);
	} else {
		perr_set(e, pid < 0 ? errno : ECHILD, "make the pin namespace");
	}
	close(sv[0]);
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	return r;
}

/*
 * Make pin namespace k and pin it at its path; the caller holds the
 * registry lock.  The kernel binds a mount namespace's file only into an
 * older namespace, by id, and Linux hands ids out in batches per CPU: a
 * command run in a namespace made just before (an engine's, a service's)
 * may see a pin namespace made on another CPU refused.  One made on the
 * CPU that made the command's namespace comes later in that CPU's batch,
 * so each CPU is tried in turn (this process's own affinity says nothing
 * of where that namespace was made).
 */
static int pinns_make(int k, struct perr *e)
{
	char path[PATH_MAX];
	_cleanup_close_ int file = -1;
	int r = 0, ncpu = get_nprocs_conf();

	/*
	 * The pins mount is unbindable before anything is mounted on it, also
	 * when a jail -c ended between mounting it and making it so.
	 */
	rundir_path(runtime_rundir(), "pins", path, sizeof(path));
	if (mount(NULL, path, NULL, MS_UNBINDABLE, NULL) < 0)
		return perr_set(e, errno, "make %s unbindable", path);
	pinns_path(k, false, path, sizeof(path));
	file = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (file < 0)
		return perr_set(e, errno, "%s", path);
	for (int cpu = 0; cpu < (ncpu > 0 ? ncpu : 1) && cpu < CPU_SETSIZE && r == 0; cpu++)
		r = pinns_try(path, cpu, e);
	return r == 1 ? 0 : -1;
}

/* What a child does in the pin namespace; fds it sends back arrive in order. */

int pin_child_fail(int sock, const char *what)
{
	char msg[160];

	snprintf(msg, sizeof(msg), "E%d %s", errno, what);
	(void)send_msg_fd(sock, msg, -1);
	return -1;
}

/* The child's messages until it ends: fds fill ret (if given), the first error goes to e; the error or 0. */
static int collect(int sock, int jid, struct pin_set *ret, struct perr *e)
{
	char msg[160];
	int fd, n = 0, err = 0;

	while (recv_msg_fd(sock, msg, sizeof(msg), &fd) > 0) {
		if (msg[0] == 'E' && !err) {
			char *text;
			long v = strtol(msg + 1, &text, 10);
			err = v > 0 ? (int)v : EIO;
			perr_set(e, err, "jail %d: pin: %s", jid, *text ? text + 1 : text);
		}
		/* "F" and a slot: pins that are not all there (no user or cgroup pin) leave slots out. */
		if (msg[0] == 'F' && msg[1] >= '0' && msg[1] <= '9')
			n = (int)strtol(msg + 1, NULL, 10);
		if (fd >= 0 && ret && n >= 0 && n < PIN__COUNT && ret->fd[n] < 0)
			ret->fd[n++] = fd;
		else if (fd >= 0)
			close(fd);
	}
	return err;
}

/* Run task in a child that has joined the pin namespace; fds sent back fill ret (if given). */
int pinns_run(int nsfd, pin_task task, int jid, const void *in, struct pin_set *ret, struct perr *e)
{
	int sv[2], status, err;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return perr_set(e, errno, "socketpair");
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		if (setns(nsfd, CLONE_NEWNS) < 0)
			_exit(pin_child_fail(sv[1], "join the pin namespace") ? 1 : 0);
		_exit(task(jid, in, sv[1]) < 0 ? 1 : 0);
	}
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		return perr_set(e, errno, "fork");
	}
	err = collect(sv[0], jid, ret, e);
	close(sv[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!err && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		err = perr_setx(e, ECHILD, "jail %d: pin: the pin namespace's helper failed", jid);
	return err ? -1 : 0;
}


/* Pin namespace k, made if there is none yet. */
int pinns_get(int k, struct perr *e)
{
	int ns = pinns_open(k);

	if (ns >= 0)
		return ns;
	if (pinns_make(k, e) < 0)
		return -1;
	ns = pinns_open(k);
	return ns >= 0 ? ns : perr_setx(e, EIO, "the pin namespace is not there");
}

/* The number of a pin namespace in file name below pins; 0 when there is none. */
int pinns_read_shard(int pins, const char *name)
{
	char text[16];
	long k;

	if (read_file_at(pins, name, text, sizeof(text)) <= 0)
		return 0;
	text[strcspn(text, "\n")] = '\0';
	return parse_long(text, 0, PIN_SHARDS - 1, &k) ? (int)k : 0;
}

/* File name below pins made or replaced, holding the number k. */
int pinns_write_shard(int pins, const char *name, int k)
{
	char text[16];
	_cleanup_close_ int fd = openat(pins, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);

	snprintf(text, sizeof(text), "%d\n", k);
	return fd < 0 ? -1 : write_all(fd, text, strlen(text));
}

/*
 * Which pin namespace holds jid: the number its directory's "ns" names, or
 * the first one where there is none (a pin there, or one made before there
 * were more).
 * "ns" is a symbolic link whose target is the number: tmpfs keeps so short
 * a target in the inode, where a file's one byte would take a page (4 KiB,
 * some 5% of an idle jail); a regular file from before is read too.
 */
int pinns_shard_of(int pins, int jid)
{
	char name[32], text[16];
	ssize_t n;
	long k;

	snprintf(name, sizeof(name), "%d/ns", jid);
	n = readlinkat(pins, name, text, sizeof(text) - 1);
	if (n < 0)
		return pinns_read_shard(pins, name);
	text[n] = '\0';
	return parse_long(text, 0, PIN_SHARDS - 1, &k) ? (int)k : 0;
}

int pinns_note_shard(int pins, int jid, int k, struct perr *e)
{
	char name[32], text[16];

	snprintf(name, sizeof(name), "%d/ns", jid);
	snprintf(text, sizeof(text), "%d", k);
	(void)unlinkat(pins, name, 0);
	/* None for the first: what pinns_shard_of finds where there is none. */
	if (k > 0 && symlinkat(text, pins, name) < 0)
		return perr_set(e, errno, "pins/%s", name);
	return 0;
}
