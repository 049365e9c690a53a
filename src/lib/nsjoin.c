#include "nsjoin.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "util.h"

static const struct {
	int param, type;
	const char *self; /* this thread's own, to go back to */
} kinds[NSJOIN__COUNT] = {
	[NSJOIN_NET] = { P_NS_NET, CLONE_NEWNET, "/proc/thread-self/ns/net" },
	[NSJOIN_IPC] = { P_NS_IPC, CLONE_NEWIPC, "/proc/thread-self/ns/ipc" },
	[NSJOIN_UTS] = { P_NS_UTS, CLONE_NEWUTS, "/proc/thread-self/ns/uts" },
};

const char *nsjoin_path(const struct paramset *ps, int id)
{
	const char *v = param_str(ps, id);

	return v && *v ? v : NULL;
}

/* Unset or inherit becomes inherit; anything else cannot go with the joined namespace. */
static int want_inherit(struct paramset *ps, int id, const char *why, struct perr *e)
{
	const char *v = param_str(ps, id);

	if (v && strcmp(v, "inherit") != 0)
		return perr_setx(e, EINVAL, "%s=%s: the jail is in the namespace %s names", param_table[id].name, v, why);
	return v ? 0 : param_set(ps, id, "inherit", e);
}

int nsjoin_settle(struct paramset *ps, struct perr *e)
{
	static const int sysv[] = { P_SYSVMSG, P_SYSVSEM, P_SYSVSHM };
	const char *v;

	if (nsjoin_path(ps, P_NS_NET)) {
		/* The stack is the joined one's, and so are its addresses: none is added to it or held to. */
		if ((v = param_str(ps, P_VNET)) && strcmp(v, "inherit") != 0)
			return perr_setx(e, EINVAL, "vnet=%s: the jail is in the network namespace ns.net names", v);
		if (param_str(ps, P_IP4_ADDR) || param_str(ps, P_IP6_ADDR) || param_str(ps, P_VNET_INTERFACE))
			return perr_setx(e, EINVAL, "ns.net: a jail in another's network namespace takes no address or interface");
		if (want_inherit(ps, P_IP4, "ns.net", e) < 0 || want_inherit(ps, P_IP6, "ns.net", e) < 0)
			return -1;
		if (param_int(ps, P_EXEC_FIB) > 0)
			return perr_setx(e, EINVAL, "exec.fib: a jail in another's network namespace uses its routing tables");
	}
	for (size_t i = 0; nsjoin_path(ps, P_NS_IPC) && i < ARRAY_SIZE(sysv); i++)
		if (want_inherit(ps, sysv[i], "ns.ipc", e) < 0)
			return -1;
	if (nsjoin_path(ps, P_NS_UTS) && (param_str(ps, P_HOSTNAME) || (param_str(ps, P_HOST) &&
								     strcmp(param_str(ps, P_HOST), "new") != 0)))
		return perr_setx(e, EINVAL, "ns.uts: the jail has the names of the UTS namespace it joins "
					    "(host.hostname and host cannot be set)");
	return 0;
}

static int open_one(const char *name, const char *path, int type, struct perr *e)
{
	struct statfs sf;
	int fd, t;

	if (path[0] != '/')
		return perr_setx(e, EINVAL, "%s \"%s\": not an absolute path", name, path);
	/* O_NONBLOCK: a FIFO put there is not waited on; it fails the check below. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return perr_set(e, errno, "%s \"%s\"", name, path);
	if (fstatfs(fd, &sf) < 0 || sf.f_type != NSFS_MAGIC || (t = ioctl(fd, NS_GET_NSTYPE)) < 0) {
		close(fd);
		return perr_setx(e, EINVAL, "%s \"%s\": not a namespace", name, path);
	}
	if (t != type) {
		close(fd);
		return perr_setx(e, EINVAL, "%s \"%s\": not a%s namespace", name, path,
				 type == CLONE_NEWNET ? " network" : type == CLONE_NEWIPC ? "n IPC" : " UTS");
	}
	return fd;
}

int nsjoin_open(const struct paramset *ps, struct ns_join *j, struct perr *e)
{
	*j = NS_JOIN_NONE;
	for (int i = 0; i < NSJOIN__COUNT; i++) {
		const char *path = nsjoin_path(ps, kinds[i].param);
		if (path && (j->fd[i] = open_one(param_table[kinds[i].param].name, path, kinds[i].type, e)) < 0)
			return -1;
	}
	return 0;
}

static int ino_of(int dirfd, const char *path, struct stat *st)
{
	return fstatat(dirfd, path, st, 0);
}

/* Is the user namespace st the user namespace of a live jail of the registry? */
static bool a_jails(const struct stat *st, struct registry *reg, struct perr *e)
{
	struct jail_record *list = NULL;
	size_t n = 0;
	bool found = false;

	if (registry_list(reg, &list, &n, e) < 0)
		return false;
	for (size_t i = 0; i < n && !found; i++) {
		char path[64];
		struct stat u;
		if (list[i].init_pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)list[i].init_pid);
		/* Read twice around the start time, so a reused pid is never taken for the jail's init. */
		found = ino_of(AT_FDCWD, path, &u) == 0 && u.st_ino == st->st_ino && u.st_dev == st->st_dev &&
			proc_start_time(list[i].init_pid) == list[i].init_start;
	}
	registry_free_list(list, n);
	return found;
}

int nsjoin_check_owners(const struct ns_join *j, const struct paramset *ps, struct registry *reg, struct perr *e)
{
	struct stat host, owner;

	if (ino_of(AT_FDCWD, "/proc/self/ns/user", &host) < 0)
		return perr_set(e, errno, "/proc/self/ns/user");
	for (int i = 0; i < NSJOIN__COUNT; i++) {
		const char *name = param_table[kinds[i].param].name, *path = param_str(ps, kinds[i].param);
		_cleanup_close_ int u = j->fd[i] >= 0 ? ioctl(j->fd[i], NS_GET_USERNS) : -1;
		if (j->fd[i] < 0)
			continue;
		if (u < 0 || fstat(u, &owner) < 0)
			return perr_set(e, errno, "%s \"%s\": its owner", name, path);
		if (owner.st_ino == host.st_ino && owner.st_dev == host.st_dev)
			continue;
		if (!a_jails(&owner, reg, e))
			return e->err ? -1
				      : perr_setx(e, EPERM, "%s \"%s\": owned by a user namespace that is neither the host's "
							    "nor a jail's", name, path);
	}
	return 0;
}

void nsjoin_close(struct ns_join *j)
{
	for (int i = 0; i < NSJOIN__COUNT; i++)
		if (j->fd[i] >= 0) {
			close(j->fd[i]);
			j->fd[i] = -1;
		}
}

int nsjoin_enter(const struct ns_join *j, struct ns_join *saved, struct perr *e)
{
	*saved = NS_JOIN_NONE;
	for (int i = 0; i < NSJOIN__COUNT; i++) {
		if (j->fd[i] < 0)
			continue;
		saved->fd[i] = open(kinds[i].self, O_RDONLY | O_CLOEXEC);
		if (saved->fd[i] < 0 || setns(j->fd[i], kinds[i].type) < 0) {
			perr_set(e, errno, "join the namespace of %s", param_table[kinds[i].param].name);
			(void)nsjoin_leave(saved, e);
			return -1;
		}
	}
	return 0;
}

int nsjoin_leave(struct ns_join *saved, struct perr *e)
{
	int r = 0;

	for (int i = 0; i < NSJOIN__COUNT; i++)
		if (saved->fd[i] >= 0 && setns(saved->fd[i], kinds[i].type) < 0 && r == 0)
			r = perr_set(e, errno, "go back to the creator's own namespace after %s",
				     param_table[kinds[i].param].name);
	nsjoin_close(saved);
	return r;
}
