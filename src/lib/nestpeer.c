#include "nestpeer.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "cgroup.h"
#include "jail.h"
#include "util.h"

/* Linux 6.5 (socket(7)); the C library's headers may predate it. */
#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif
/* Linux 6.11 (linux/pidfd.h): the user namespace of a pidfd's process. */
#ifndef PIDFD_GET_USER_NAMESPACE
#define PIDFD_GET_USER_NAMESPACE _IO(0xFF, 9)
#endif

/*
 * The user namespace of the process of pidfd.  Through the pidfd where the
 * kernel can; else through /proc, and then the pidfd must still be live,
 * so the pid named that process while its namespace was opened.
 */
static int peer_userns(int pidfd, pid_t pid, struct perr *e)
{
	char path[64];
	int fd = ioctl(pidfd, PIDFD_GET_USER_NAMESPACE, 0);

	if (fd >= 0 || (errno != ENOTTY && errno != EINVAL))
		return fd >= 0 ? fd : perr_set(e, errno, "the requesting process");
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return perr_set(e, errno, "the requesting process");
	if (syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) < 0) {
		close(fd);
		return perr_setx(e, ESRCH, "the requesting process is gone");
	}
	return fd;
}

static bool same_file(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev;
}

int nest_peer_jail(int conn, const struct nest_self *self, bool need_root, struct jail_record *me, struct perr *e)
{
	struct ucred uc;
	socklen_t len = sizeof(uc);
	_cleanup_close_ int pidfd = -1, ns = -1;
	char key[16];

	memset(me, 0, sizeof(*me));
	if (getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &uc, &len) < 0)
		return perr_set(e, errno, "SO_PEERCRED");
	len = sizeof(pidfd);
	if (getsockopt(conn, SOL_SOCKET, SO_PEERPIDFD, &pidfd, &len) < 0)
		return perr_set(e, errno, "SO_PEERPIDFD (Linux 6.5 or newer is needed for jails made inside a jail)");
	ns = peer_userns(pidfd, uc.pid, e);
	if (ns < 0)
		return -1;
	/*
	 * The jail's own namespace, not one made below it: a process there is
	 * jail root only as far as that namespace's owner says.  A child
	 * jail's processes have a user namespace of their own, and a socket
	 * of their own.
	 */
	if (!same_file(ns, self->usernsfd))
		return perr_setx(e, EPERM, "not a process of this jail's own user namespace");
	/*
	 * The second wall: its cgroup is the jail's own, not a child jail's
	 * nor none, read while the pidfd shows the pid is still the peer.
	 */
	int jids[32], n = cgroup_jails_of_pid(uc.pid, jids, (int)ARRAY_SIZE(jids), e);
	if (n < 0)
		return -1;
	if (syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) < 0)
		return perr_setx(e, ESRCH, "the requesting process is gone");
	if (n == 0 || n > (int)ARRAY_SIZE(jids) || jids[n - 1] != self->jid)
		return perr_setx(e, EPERM, "not a process of this jail's own cgroup");
	if (need_root && uc.uid != (uid_t)self->uid_base)
		return perr_setx(e, EPERM, "Operation not permitted: only root of the jail may do that");
	snprintf(key, sizeof(key), "%d", self->jid);
	if (jail_find(key, me, e) < 0)
		return perr_prefix(e, "this jail");
	/* The jid may have been freed and taken again: the range of host IDs tells the jails apart. */
	if (me->uid_base != self->uid_base || me->state != JS_ACTIVE) {
		record_free(me);
		return perr_setx(e, ESRCH, "this jail is dying");
	}
	return 0;
}

/* What a host process may write a line to on a jail's behalf. */
static bool writable_kind(int fd)
{
	struct stat st;
	struct statfs sfs;

	if (fstat(fd, &st) < 0)
		return false;
	if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISCHR(st.st_mode))
		return true;
	if (!S_ISREG(st.st_mode) || fstatfs(fd, &sfs) < 0)
		return false;
	switch (sfs.f_type) {
	case PROC_SUPER_MAGIC: case SYSFS_MAGIC: case CGROUP_SUPER_MAGIC: case CGROUP2_SUPER_MAGIC:
	case SECURITYFS_MAGIC: case DEBUGFS_MAGIC: case TRACEFS_MAGIC: case BPF_FS_MAGIC: case SELINUX_MAGIC:
		return false;
	default:
		return true;
	}
}

ssize_t nest_recv_request(int conn, char *buf, size_t len, int fds[3], struct perr *e)
{
	char cbuf[CMSG_SPACE(3 * sizeof(int))];
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	ssize_t n;
	bool bad = false;

	struct timeval wait = { .tv_sec = 10 };

	fds[0] = fds[1] = fds[2] = -1;
	/* A connection that never sends does not keep one of the jail's few workers for good. */
	if (setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait)) < 0)
		return perr_set(e, errno, "request");
	do
		n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return perr_set(e, errno, "request");
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		size_t k;
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
			if (i < 3 && fds[i] < 0 && writable_kind(fd)) {
				fds[i] = fd;
				continue;
			}
			bad = true;
			close(fd);
		}
	}
	if (bad || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		for (int i = 0; i < 3; i++)
			if (fds[i] >= 0)
				close(fds[i]);
		fds[0] = fds[1] = fds[2] = -1;
		return perr_setx(e, EINVAL, "a malformed request");
	}
	return n;
}

int nest_take_stdio(int fds[3], struct perr *e)
{
	_cleanup_close_ int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null < 0)
		return perr_set(e, errno, "/dev/null");
	for (int i = 0; i < 3; i++) {
		if (dup2(fds[i] >= 0 ? fds[i] : null, i) < 0)
			return perr_set(e, errno, "dup2");
		if (fds[i] >= 0 && fds[i] != i)
			close(fds[i]);
		fds[i] = -1;
	}
	return 0;
}
