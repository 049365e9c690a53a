#include "nestraise.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jailproc.h"
#include "mount.h"
#include "pin.h"
#include "thin.h"
#include "util.h"

/* Linux 6.11 (linux/pidfd.h): the user namespace of a pidfd's process. */
#ifndef PIDFD_GET_USER_NAMESPACE
#define PIDFD_GET_USER_NAMESPACE _IO(0xFF, 9)
#endif

/* What is done on one tree of the jail, given its root. */
struct attach {
	int tree;      /* the socket's mount to attach, or (undo) to detach */
	uid_t owner;   /* of the mount point made: jail root */
	dev_t dev;     /* the root the tree must stand on, when check */
	ino_t ino;
	bool check;
	bool undo;
	int procfd;    /* undo: the host's /proc */
};

/*
 * The empty file the socket is mounted on, in the jail's /dev at devfd,
 * never through a link.  One there already was made through the jail's
 * other view of the same /dev (a persist.idle jail's pinned tree shares
 * its tmpfs) or by jail root: taken only as an empty regular file or a
 * socket, never a link, and as the very fd that was checked.
 */
static int mount_point(int devfd, uid_t owner, struct perr *e)
{
	struct stat st;
	int f;

	/* Made as jail root, as the builder makes /dev (mntns.c): the tmpfs maps no other owner. */
	(void)setfsgid(owner);
	(void)setfsuid(owner);
	if ((uid_t)setfsuid((uid_t)-1) != owner)
		return perr_setx(e, EPERM, "%s: cannot act as jail root", NEST_SOCKET_PATH);
	f = openat(devfd, NEST_DEV_NAME, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
	(void)setfsuid(0);
	(void)setfsgid(0);
	if (f >= 0)
		return f;
	if (errno != EEXIST)
		return perr_set(e, errno, "%s", NEST_SOCKET_PATH);
	f = openat(devfd, NEST_DEV_NAME, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (f < 0 || fstat(f, &st) < 0) {
		int err = errno;
		if (f >= 0)
			close(f);
		return perr_set(e, err, "%s", NEST_SOCKET_PATH);
	}
	/* A socket there is covered as the file is: a server of jail root's, or the mount a command killed halfway left. */
	if (!(S_ISREG(st.st_mode) && st.st_size == 0) && !S_ISSOCK(st.st_mode)) {
		close(f);
		return perr_setx(e, EEXIST, "%s: the jail has a file of its own there", NEST_SOCKET_PATH);
	}
	return f;
}

/* On the tree whose root is rootfd: the socket onto /dev/prison.sock, or (undo) off it again. */
static int attach_at_root(int rootfd, void *arg, struct perr *e)
{
	struct attach *a = arg;
	_cleanup_close_ int dev = -1, target = -1;
	struct stat st;
	char self[32];

	if (a->undo) {
		/* The mount by its own fd, through the host's /proc: no name of the jail's is looked up. */
		snprintf(self, sizeof(self), "self/fd/%d", a->tree);
		if (fchdir(a->procfd) < 0 || umount2(self, MNT_DETACH) < 0)
			return perr_set(e, errno, "%s", NEST_SOCKET_PATH);
		return 0;
	}
	if (a->check && (fstat(rootfd, &st) < 0 || st.st_dev != a->dev || st.st_ino != a->ino))
		return perr_setx(e, ESTALE, "path: the jail's root is no longer the directory its path names");
	dev = open_beneath(rootfd, "dev", O_PATH | O_DIRECTORY, e);
	if (dev < 0)
		return -1;
	target = mount_point(dev, a->owner, e);
	if (target < 0)
		return -1;
	if (move_mount(a->tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return perr_set(e, errno, "%s", NEST_SOCKET_PATH);
	return 0;
}

static __attribute__((noreturn)) void report(int sock, int r, const struct perr *e)
{
	char msg[sizeof(e->msg) + 16];

	if (r == 0)
		snprintf(msg, sizeof(msg), "K");
	else
		snprintf(msg, sizeof(msg), "E%d %s", e->err ? e->err : EIO, e->msg);
	(void)send_msg_fd(sock, msg, -1);
	_exit(r == 0 ? 0 : 1);
}

/*
 * fn on the root of the mount namespace of pidfd's process, in a child of
 * the host's: setns moves a process's root and working directory, which
 * this one's must keep.
 */
static int in_mntns(int pidfd, pin_tree_fn fn, void *arg, struct perr *e)
{
	char msg[sizeof(e->msg) + 16], *text;
	int sv[2], fd = -1, status;
	ssize_t n;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return perr_set(e, errno, "socketpair");
	pid = fork();
	if (pid == 0) {
		struct perr ce = { 0 };
		int root;
		close(sv[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		if (setns(pidfd, CLONE_NEWNS) < 0)
			report(sv[1], perr_set(&ce, errno, "join the jail's mount namespace"), &ce);
		/* The namespace's root, as setns sets it: nothing of the jail's is looked up to find it. */
		root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (root < 0)
			report(sv[1], perr_set(&ce, errno, "the jail's root"), &ce);
		report(sv[1], fn(root, arg, &ce), &ce);
	}
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		return perr_set(e, errno, "fork");
	}
	n = recv_msg_fd(sv[0], msg, sizeof(msg), &fd);
	close(sv[0]);
	closep(&fd);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n > 0 && msg[0] == 'K')
		return 0;
	if (n > 0 && msg[0] == 'E') {
		long err = strtol(msg + 1, &text, 10);
		return perr_setx(e, err > 0 ? (int)err : EIO, "%s", *text ? text + 1 : text);
	}
	return perr_setx(e, ECHILD, "%s: the helper in the jail's mount namespace failed", NEST_SOCKET_PATH);
}

/* The jail's root as the host opens its path, as jail -c does: no link followed. */
static int open_root(const struct jail_record *rec, struct stat *st, struct perr *e)
{
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	const char *path = param_str(&rec->params, P_PATH);
	int fd = path ? (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how)) : -1;

	if (fd < 0 || fstat(fd, st) < 0) {
		int err = path ? errno : ENOENT;
		if (fd >= 0)
			close(fd);
		return perr_set(e, err, "path \"%s\"", path ? path : "");
	}
	return fd;
}

/*
 * The jail's user namespace: the pinned one where the jail has pins (a
 * jailinit on its way out has left its namespaces already), or its
 * jailinit's.
 */
static int userns_of(const struct jail_record *rec, int pidfd, struct perr *e)
{
	struct pin_set pins;
	char path[64];
	int fd;

	if (pidfd >= 0 && !pin_exists(rec->jid)) {
		fd = ioctl(pidfd, PIDFD_GET_USER_NAMESPACE, 0);
		if (fd >= 0 || (errno != ENOTTY && errno != EINVAL))
			return fd >= 0 ? fd : perr_set(e, errno, "the jail's user namespace");
		/* Older kernels: through /proc, and jailinit still alive after, so the pid was its. */
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)rec->init_pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) == 0)
			return fd;
		if (fd >= 0)
			close(fd);
		return perr_setx(e, ESRCH, "jail %d: its jailinit is gone", rec->jid);
	}
	if (pin_open(rec->jid, &pins, e) < 0)
		return -1;
	fd = TAKE_FD(pins.fd[PIN_USER]);
	pin_set_close(&pins);
	return fd;
}

/* A fresh mount of the socket file, read-only, as the one a jail gets at creation (mount.c). */
static int socket_mount(const struct jail_record *rec, const struct nest_sock *s, struct perr *e)
{
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
					     MOUNT_ATTR_NOEXEC };
	char path[256];
	struct stat st;
	int fd;

	/* In a directory of host root's alone (nestsock.c), and checked to be the socket just bound. */
	nest_socket_path(rec->jid, path, sizeof(path));
	fd = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (fd < 0)
		return perr_set(e, errno, "jail socket %s", path);
	if (fstat(fd, &st) < 0 || st.st_ino != s->ino || !S_ISSOCK(st.st_mode)) {
		close(fd);
		return perr_setx(e, ESTALE, "jail socket %s: replaced while it was mounted", path);
	}
	if (mount_setattr(fd, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0) {
		int err = errno;
		close(fd);
		return perr_set(e, err, "jail socket %s", path);
	}
	return fd;
}

/* The socket onto the tree of jailinit (pidfd) or, pidfd -1, the pinned one; *ret its mount. */
static int attach_one(const struct jail_record *rec, const struct nest_raise *r, int pidfd, struct attach *a,
		      int *ret, struct perr *e)
{
	int copy = socket_mount(rec, &r->sock, e);

	if (copy < 0)
		return -1;
	a->tree = copy;
	a->undo = false;
	if ((pidfd >= 0 ? in_mntns(pidfd, attach_at_root, a, e) : pin_tree_do(rec->jid, attach_at_root, a, e)) < 0) {
		close(copy);
		return -1;
	}
	*ret = copy;
	return 0;
}

static void detach(const struct jail_record *rec, const struct nest_raise *r)
{
	struct attach a = { .undo = true, .procfd = r->procfd };
	struct perr ignore = { 0 };
	_cleanup_close_ int pidfd = r->live >= 0 ? jail_open_init(rec) : -1;

	if (pidfd >= 0) {
		a.tree = r->live;
		(void)in_mntns(pidfd, attach_at_root, &a, &ignore);
	}
	if (r->pinned >= 0) {
		a.tree = r->pinned;
		(void)pin_tree_do(rec->jid, attach_at_root, &a, &ignore);
	}
}

void nest_raise_close(struct nest_raise *r)
{
	nest_sock_close(&r->sock);
	closep(&r->live);
	closep(&r->pinned);
	closep(&r->procfd);
}

void nest_raise_undo(const struct jail_record *rec, struct nest_raise *r)
{
	detach(rec, r);
	/* The socket file gone, its server ends (nestsock.h). */
	nest_unbind(rec->jid);
	nest_raise_close(r);
}

/* The mounts in each tree the jail has, then its server. */
static int raise_with(const struct jail_record *rec, struct nest_raise *r, int pidfd, struct perr *e)
{
	struct attach a = { .owner = (uid_t)rec->uid_base, .check = !thin_jail(&rec->params), .procfd = -1 };
	_cleanup_close_ int rootfd = -1, userns = -1;
	struct stat st = { 0 };

	rootfd = open_root(rec, &st, e);
	if (rootfd < 0)
		return -1;
	/* A thin jail's root is an overlay of its own, not its path; its server makes children in its layer (thin.h). */
	a.dev = st.st_dev;
	a.ino = st.st_ino;
	userns = userns_of(rec, pidfd, e);
	if (userns < 0 || nest_listen(rec->jid, &r->sock, e) < 0)
		return -1;
	if (pidfd >= 0 && attach_one(rec, r, pidfd, &a, &r->live, e) < 0)
		return -1;
	if (pin_exists(rec->jid) && attach_one(rec, r, -1, &a, &r->pinned, e) < 0)
		return -1;
	return nest_start_with(rec, &r->sock, userns, rootfd, e);
}

int nest_raise(const struct jail_record *rec, struct nest_raise *ret, struct perr *e)
{
	_cleanup_close_ int pidfd = jail_open_init(rec);

	*ret = NEST_RAISE_NONE;
	if (pidfd < 0 && !pin_exists(rec->jid))
		return perr_setx(e, ESRCH, "jail %d: no process", rec->jid);
	ret->procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (ret->procfd < 0)
		return perr_set(e, errno, "/proc");
	if (raise_with(rec, ret, pidfd, e) == 0)
		return 0;
	nest_raise_undo(rec, ret);
	return perr_prefix(e, "children.max: the jail's socket for child jails");
}
