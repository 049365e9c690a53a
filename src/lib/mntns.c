#include "mntns.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jailproc.h"
#include "util.h"

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

static int build(const struct mount_setup *m, const struct mount_fs *fs, uid_t owner, int usernsfd, int *ret_tree,
		 struct perr *e)
{
	_cleanup_close_ int procfd = -1;
	struct statfs sfs;

	if (unshare(CLONE_NEWNS) < 0)
		return perr_set(e, errno, "mount namespace of the jail's builder");
	/* The host's /proc, for the namespace's descriptor: the jail's /proc soon covers this one. */
	procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0 || fstatfs(procfd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
		return perr_setx(e, EINVAL, "/proc is not a proc file system");
	/*
	 * Directories and files the tree needs (mount points, /dev's nodes and
	 * links) are made as jail root: through the idmapped root they land on
	 * disk as root's, in the jail's tmpfs as its root's.  The mount calls
	 * need CAP_SYS_ADMIN, which a file system uid does not take away.
	 */
	(void)setfsgid(owner);
	(void)setfsuid(owner);
	if ((uid_t)setfsuid((uid_t)-1) != owner)
		return perr_setx(e, EPERM, "file system uid of the jail's builder");
	if (mount_build_tree(m, fs, e) < 0)
		return -1;
	/* A copy of the tree as built, unlocked and host root's: an idle jail's pin keeps it (pin.h). */
	if (ret_tree &&
	    (*ret_tree = open_tree(AT_FDCWD, "/", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE)) < 0)
		return perr_set(e, errno, "copy the jail's tree");
	if (setns(usernsfd, CLONE_NEWUSER) < 0)
		return perr_set(e, errno, "join the jail's user namespace");
	/* The copy: every mount locked. */
	if (unshare(CLONE_NEWNS) < 0)
		return perr_set(e, errno, "the jail's mount namespace");
	int nsfd = openat(procfd, "thread-self/ns/mnt", O_RDONLY | O_CLOEXEC);
	return nsfd < 0 ? perr_set(e, errno, "the jail's mount namespace") : nsfd;
}

static __attribute__((noreturn)) void builder_main(const struct mount_setup *m, const struct mount_fs *fs,
						   uid_t owner, int usernsfd, bool tree, int sock)
{
	struct perr e = { 0 };
	char msg[sizeof(e.msg) + 1];
	int nsfd, tmpl = -1;

	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	nsfd = build(m, fs, owner, usernsfd, tree ? &tmpl : NULL, &e);
	if (nsfd >= 0 && tmpl >= 0 && send_msg_fd(sock, "T", tmpl) < 0)
		_exit(1);
	if (nsfd >= 0)
		_exit(send_msg_fd(sock, "N", nsfd) < 0 ? 1 : 0);
	snprintf(msg, sizeof(msg), "E%s", e.msg);
	(void)send_msg_fd(sock, msg, -1);
	_exit(1);
}

int mntns_build_locked(const struct mount_setup *m, const struct mount_fs *fs, uid_t owner, int usernsfd,
		       int *ret_tree, struct perr *e)
{
	char buf[sizeof(e->msg) + 1];
	int sv[2], nsfd = -1, status;
	ssize_t n;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return perr_set(e, errno, "socketpair");
	pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return perr_set(e, errno, "fork the jail's builder");
	}
	if (pid == 0) {
		close(sv[0]);
		builder_main(m, fs, owner, usernsfd, ret_tree != NULL, sv[1]);
	}
	close(sv[1]);
	n = recv_msg_fd(sv[0], buf, sizeof(buf), &nsfd);
	if (n > 0 && buf[0] == 'T' && ret_tree) {
		*ret_tree = nsfd;
		nsfd = -1;
		n = recv_msg_fd(sv[0], buf, sizeof(buf), &nsfd);
	}
	close(sv[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n > 0 && buf[0] == 'N' && nsfd >= 0)
		return nsfd;
	if (nsfd >= 0)
		close(nsfd);
	if (ret_tree && *ret_tree >= 0) {
		close(*ret_tree);
		*ret_tree = -1;
	}
	if (n > 0 && buf[0] == 'E')
		return perr_setx(e, EIO, "%s", buf + 1);
	return perr_setx(e, ECHILD, "the jail's builder failed");
}
