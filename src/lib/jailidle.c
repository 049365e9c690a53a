/* persist.idle at creation: whether a jail may do without its jailinit, and its pins (pin.h). */
#include "jailidle.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "fstab.h"
#include "ipcidle.h"
#include "jailproc.h"
#include "jailstate.h"
#include "pin.h"

/*
 * persist.idle when it is not given: a persistent jail keeps no process
 * while nothing runs in it (DESIGN.md, persist), unless jail root may
 * mount: its own mounts live in a mount namespace, which only a process
 * keeps (pin.h says why none is pinned), so such a jail keeps jailinit.
 * Nor does a jail with a procfs line in mount or mount.fstab: a proc
 * shows the PID namespace that mounted it, and a fresh jailinit's is new.
 * A jail made without persist pins nothing; made persistent later, it
 * keeps its jailinit.
 */
int jail_settle_idle(struct paramset *ps, const struct mount_plan *plan, struct perr *e)
{
	bool idle = param_bool(ps, P_PERSIST) && !param_bool(ps, P_ALLOW_MOUNT);

	if (ps->v[P_PERSIST_IDLE].set)
		return 0;
	for (size_t i = 0; i < plan->n && idle; i++)
		if (plan->m[i].kind == FS_PROC)
			idle = false;
	return param_set(ps, P_PERSIST_IDLE, idle ? "true" : "false", e);
}

/*
 * persist.idle: the namespaces of the jail just made, pinned before its
 * record is published, so that the jail can do without its jailinit later
 * (pin.h).  In place of a mount namespace, the builder's tree is pinned.
 */
int jail_pin_new(const struct jail_record *rec, int tree, struct perr *e)
{
	struct pin_set s;
	char path[64];
	int r;

	pin_set_init(&s);
	s.fd[PIN_MNT] = tree;
	for (int i = 0; i < PIN__COUNT; i++) {
		static const char *const names[PIN__COUNT] = { [PIN_NET] = "net", [PIN_UTS] = "uts", [PIN_IPC] = "ipc",
							      [PIN_CGROUP] = "cgroup", [PIN_USER] = "user" };
		if (i == PIN_MNT || !pin_kept(i))
			continue;
		/* jailinit is this command's child, not yet waited for: its pid cannot name another process. */
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)rec->init_pid, names[i]);
		s.fd[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (s.fd[i] < 0) {
			perr_set(e, errno, "%s", path);
			s.fd[PIN_MNT] = -1;
			pin_set_close(&s);
			return -1;
		}
	}
	r = pin_add(rec->jid, &s, e);
	s.fd[PIN_MNT] = -1;
	pin_set_close(&s);
	return r;
}

/* Under the lock: the jail as rec saw it, idle since (no wake came in between). */
static bool still_idle(const struct jail_record *rec, const struct jail_record *now)
{
	return now->state != JS_DYING && now->init_pid == rec->init_pid && now->init_start == rec->init_start &&
	       jail_may_idle(&now->params) && !process_alive(now->init_pid, now->init_start);
}

/*
 * What an idle jail no longer needs.  Its control socket: jailinit, which
 * listened there, is gone, and the next wake binds a new one; the file is
 * an inode and a dentry per idle jail.  Its IPC namespace, when empty.
 */
static void settle_locked(const struct jail_record *rec, const struct jail_record *now, int ipcfd)
{
	char path[108];

	if (!still_idle(rec, now))
		return;
	registry_ctl_path(now->jid, path, sizeof(path));
	(void)unlink(path);
	jail_ipc_let_go_if_empty(now, ipcfd);
}

void jail_idle_settle(const struct jail_record *rec, int pidfd, int ipcfd)
{
	_cleanup_record_ struct jail_record now = { 0 };
	struct perr ignore = { 0 };
	struct registry reg;
	char key[16];

	if (!jail_may_idle(&rec->params))
		return;
	/* Until it has gone, jailinit holds its namespaces and its socket itself. */
	if (pidfd < 0 || !pidfd_wait_exit(pidfd, 250))
		return;
	/* A caller that holds the lock (a wake for rctl, under it) knows the jail as it is: no other command changed it. */
	if (registry_locked_here()) {
		settle_locked(rec, rec, ipcfd);
		return;
	}
	if (registry_open(&reg, true, &ignore) < 0)
		return;
	snprintf(key, sizeof(key), "%d", rec->jid);
	if (jail_find_locked(&reg, key, &now, &ignore) == 0)
		settle_locked(rec, &now, ipcfd);
	registry_close(&reg);
}
