#include "jailproc.h"

#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "landlock.h"
#include "util.h"

#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif

/* The rctl rules' per-process limits; only ever lowered, so jail root cannot raise them again. */
static int set_rlimits(const struct jail_policy *p, struct perr *e)
{
	for (int i = 0; i < RLIMIT_NLIMITS; i++) {
		struct rlimit cur;
		if (p->rlimit[i] == RLIM_INFINITY || getrlimit(i, &cur) < 0)
			continue;
		if (p->rlimit[i] < cur.rlim_max)
			cur.rlim_max = p->rlimit[i];
		if (cur.rlim_cur > cur.rlim_max)
			cur.rlim_cur = cur.rlim_max;
		if (setrlimit(i, &cur) < 0)
			return perr_set(e, errno, "setrlimit");
	}
	return 0;
}

int jail_make_process(const struct jail_policy *p, const struct jail_filter *f, const struct jail_filter *extra,
		      unsigned extra_flags, const struct jail_cred *c, int first_fd_to_close, struct perr *e)
{
	struct sock_fprog more = { .len = extra ? extra->len : 0, .filter = extra ? extra->insns : NULL };

	if (close_range((unsigned)first_fd_to_close, ~0U, 0) < 0)
		return perr_set(e, errno, "close inherited descriptors");
	if (setsid() < 0 && errno != EPERM)
		return perr_set(e, errno, "setsid");
	/* A keyring of its own: the caller's session keyring must not come along. */
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL, 0, 0, 0) < 0 && errno != ENOSYS)
		return perr_set(e, errno, "new session keyring");
	if (set_rlimits(p, e) < 0)
		return -1;
	/*
	 * Privilege only shrinks: the Landlock domain (which needs CAP_SYS_ADMIN
	 * still effective, no no_new_privs being set), bounding set and filter,
	 * then the user, then what root keeps.
	 */
	if (landlock_confine(p, e) < 0 || priv_restrict(p, f, e) < 0)
		return -1;
	/* CAP_SYS_ADMIN of the jail's user namespace is still effective: no no_new_privs needed for it. */
	if (more.len && syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, extra_flags, &more) < 0)
		return perr_set(e, errno, "load the container's seccomp filter");
	if (setgroups((size_t)c->ngroups, c->groups) < 0)
		return perr_set(e, errno, "setgroups");
	if (setresgid(c->gid, c->gid, c->gid) < 0)
		return perr_set(e, errno, "setgid %u", c->gid);
	/* Kept only through this setuid: the kernel clears the flag again at execve. */
	if (c->keep_caps && c->uid != 0 && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return perr_set(e, errno, "keep capabilities for uid %u", c->uid);
	if (setresuid(c->uid, c->uid, c->uid) < 0)
		return perr_set(e, errno, "setuid %u", c->uid);
	if (c->keep_caps && c->uid != 0 && prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return perr_set(e, errno, "keep capabilities for uid %u", c->uid);
	return priv_trim(p, e);
}

pid_t clone_into_cgroup(int cgroup_fd, unsigned long long flags, int *ret_pidfd)
{
	struct clone_args args = {
		.flags = flags | CLONE_PIDFD | CLONE_INTO_CGROUP,
		.pidfd = (uint64_t)(uintptr_t)ret_pidfd,
		.exit_signal = SIGCHLD,
		.cgroup = (uint64_t)cgroup_fd,
	};

	return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

bool process_alive(pid_t pid, unsigned long long start)
{
	return pid > 0 && start != 0 && proc_start_time(pid) == start;
}

bool process_gone(pid_t pid)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	bool gone;

	if (fd < 0)
		return errno == ESRCH;
	/* A pidfd polls readable once its process has exited, zombie or not. */
	gone = pidfd_wait_exit(fd, 0);
	close(fd);
	return gone;
}

int jail_open_init(const struct jail_record *rec)
{
	int fd;

	if (!process_alive(rec->init_pid, rec->init_start))
		return -1;
	fd = (int)syscall(SYS_pidfd_open, rec->init_pid, 0);
	if (fd < 0)
		return -1;
	/* The pid could have been reused between the check and the open: check again, now pinned. */
	if (!process_alive(rec->init_pid, rec->init_start)) {
		close(fd);
		return -1;
	}
	return fd;
}

int pidfd_wait_exit(int pidfd, int timeout_ms)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	int r;

	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	return r > 0;
}

bool host_pidns_ok(void)
{
	struct stat own, children;

	return stat("/proc/self/ns/pid", &own) == 0 && stat("/proc/self/ns/pid_for_children", &children) == 0 &&
	       own.st_ino == children.st_ino && own.st_dev == children.st_dev;
}

/*
 * A program of prison's libexec directory, next to the running command: a
 * command in sbin finds it in ../libexec/prison, a program of that
 * directory (the jail socket's server) beside itself.
 */
static int libexec_path(const char *name, char *buf, size_t len, struct perr *e)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;
	size_t sl;

	if (n < 0)
		return perr_set(e, errno, "/proc/self/exe");
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return perr_setx(e, ENOENT, "cannot locate %s", name);
	*slash = '\0';
	sl = strlen(self);
	if (sl >= 15 && strcmp(self + sl - 15, "/libexec/prison") == 0)
		snprintf(buf, len, "%s/%s", self, name);
	else
		snprintf(buf, len, "%s/../libexec/prison/%s", self, name);
	return 0;
}

int jail_open_libexec(const char *name, struct perr *e)
{
	char exe[PATH_MAX];
	int fd;

	if (libexec_path(name, exe, sizeof(exe), e) < 0)
		return -1;
	fd = open(exe, O_PATH | O_CLOEXEC);
	return fd < 0 ? perr_set(e, errno, "%s", exe) : fd;
}

int jail_open_init_binary(struct perr *e)
{
	return jail_open_libexec("jailinit", e);
}
