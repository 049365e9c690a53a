/*
 * An idle jail's IPC namespace, kept only while it holds something.
 *
 * A jail with an IPC namespace of its own (no sysvmsg, sysvsem or sysvshm
 * inherit) pins it with its other namespaces when it goes idle (pin.h).
 * Empty, it is some 10 KiB of kernel memory per idle jail (the namespace,
 * the hash tables of its three ID sets, its sysctl tables, its internal
 * mqueue file system), a sixth of what such a jail costs.  So when the
 * jail's jailinit has said "idle" and gone, the command it said so to
 * looks at the pinned namespace (jail_idle_settle), under the registry's
 * lock, which every wake takes: no SysV message queue, semaphore set or shared memory
 * segment, no POSIX message queue, and every IPC sysctl as a fresh
 * namespace with the jail's limits has it.  Then nothing is lost with
 * it, and the pin lets it go; the next wake makes a fresh one (wake.c)
 * and pins that.  Anything the jail left there (an ipcmk'd segment, a
 * queue, a sysctl jail root changed) keeps the namespace until the jail
 * goes idle with it empty again.
 */
#include "ipcidle.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fsnew.h"
#include "jailstate.h"
#include "limits.h"
#include "pin.h"
#include "priv.h"
#include "util.h"

/* Every sysctl of an IPC namespace; those this kernel lacks are skipped in both. */
static const char *const ipc_sysctls[] = {
	"kernel/msgmax",      "kernel/msgmnb",	       "kernel/msgmni",		"kernel/msg_next_id",
	"kernel/sem",	      "kernel/sem_next_id",    "kernel/shmall",		"kernel/shmmax",
	"kernel/shmmni",      "kernel/shm_next_id",    "kernel/shm_rmid_forced", "kernel/auto_msgmni",
	"fs/mqueue/queues_max", "fs/mqueue/msg_max",   "fs/mqueue/msgsize_max",	"fs/mqueue/msg_default",
	"fs/mqueue/msgsize_default",
};

#define SYSCTL_TEXT 96

struct sysctl_values {
	char v[ARRAY_SIZE(ipc_sysctls)][SYSCTL_TEXT];
};

/* The IPC sysctls of this process's IPC namespace, read through proc's sys. */
static int read_sysctls(int proc, struct sysctl_values *ret)
{
	_cleanup_close_ int sys = proc >= 0 ? openat(proc, "sys", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
					    : open("/proc/sys", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (sys < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(ipc_sysctls); i++)
		if (read_file_at(sys, ipc_sysctls[i], ret->v[i], sizeof(ret->v[i])) < 0)
			ret->v[i][0] = '\0';
	return 0;
}

/* Lines after the header of /proc/sysvipc/NAME: the SysV objects of this process's IPC namespace. */
static int sysv_objects(int proc, const char *name)
{
	char path[32], buf[256];
	_cleanup_close_ int fd = -1;
	int lines = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "sysvipc/%s", name);
	fd = proc >= 0 ? openat(proc, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1;
	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
	return n < 0 ? -1 : lines > 1;
}

/* Any POSIX message queue in this process's IPC namespace: its mqueue file system, made detached and listed. */
static int mqueues(void)
{
	struct perr ignore = { 0 };
	_cleanup_close_ int mnt = fs_new_mount("mqueue", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
					       &ignore);
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;

	if (mnt < 0 || !(d = opendir_at(mnt)))
		return -1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			return 1;
	return 0;
}

/*
 * In a child that has joined the pinned namespace: 0 when it may go
 * (empty, and as a wake would make it), 1 when it must stay, 2 when that
 * cannot be told.  The host's /proc serves: its sysvipc and sys files show
 * the reader's IPC namespace, and what dentries it makes for a namespace's
 * sysctls are freed with that namespace (a private proc mount per look
 * cost a mount).
 */
static int may_go_here(const struct jail_limits *lim)
{
	_cleanup_close_ int proc = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct sysctl_values pinned, fresh;
	int any = 0;

	if (proc < 0)
		return 2;
	for (const char *const *n = (const char *const[]){ "shm", "msg", "sem", NULL }; *n && !any; n++)
		any = sysv_objects(proc, *n);
	if (!any)
		any = mqueues();
	if (any)
		return any < 0 ? 2 : 1;
	if (read_sysctls(proc, &pinned) < 0 || unshare(CLONE_NEWIPC) < 0 || limits_write_ipc_here(lim, proc) < 0 ||
	    read_sysctls(proc, &fresh) < 0)
		return 2;
	for (size_t i = 0; i < ARRAY_SIZE(ipc_sysctls); i++)
		if (strcmp(pinned.v[i], fresh.v[i]) != 0)
			return 1;
	return 0;
}

struct look {
	const struct jail_limits *lim;
	int ipcfd;
	int verdict;
};

static int look_child(void *arg)
{
	struct look *l = arg;

	l->verdict = setns(l->ipcfd, CLONE_NEWIPC) < 0 ? 2 : may_go_here(l->lim);
	return 0;
}

/*
 * The look is a child's (setns moves the caller, and the host's command
 * must stay where it is), made with CLONE_VM and CLONE_VFORK: it shares
 * this process's memory while the caller waits, so the command's page
 * tables are not copied for it (a fork of a command took a millisecond).
 */
static bool may_go(int ipcfd, const struct jail_limits *lim)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	struct look l = { .lim = lim, .ipcfd = ipcfd, .verdict = 2 };
	int status;
	pid_t pid = clone(look_child, stack + sizeof(stack), CLONE_VM | CLONE_VFORK | SIGCHLD, &l);

	if (pid < 0)
		return false;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return l.verdict == 0;
}

/* An idle-capable jail with an IPC namespace of its own, pinned now. */
static bool own_ipc_pinned(const struct jail_record *rec)
{
	struct jail_policy p;

	if (!jail_may_idle(&rec->params))
		return false;
	if (rec->has_policy)
		p = rec->policy;
	else
		jail_policy_from_params(&p, &rec->params);
	return jail_policy_private_ipc(&p) && pin_has(rec->jid, PIN_IPC);
}

void jail_ipc_let_go_if_empty(const struct jail_record *rec, int ipcfd)
{
	_cleanup_close_ int pinned = -1;
	struct perr ignore = { 0 };
	struct jail_limits *lim = NULL;

	if (!own_ipc_pinned(rec))
		return;
	/* The namespace of the jailinit that has gone, opened while it ran: the pinned one (wake.c pins it). */
	if (ipcfd < 0) {
		pinned = pin_open_slot(rec->jid, PIN_IPC, &ignore);
		ipcfd = pinned;
	}
	if (ipcfd >= 0 && (lim = calloc(1, sizeof(*lim))) && limits_from_params(&rec->params, rec->name, lim, &ignore) == 0 &&
	    may_go(ipcfd, lim))
		pin_drop(rec->jid, PIN_IPC);
	free(lim);
}
