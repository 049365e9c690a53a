#include "ctl.h"

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "jailidle.h"
#include "jailproc.h"
#include "jailstate.h"
#include "registry.h"
#include "util.h"

int ctl_hold(const struct jail_record *rec, struct jail_hold *ret, struct perr *e)
{
	_cleanup_close_ int fd = -1;
	char reply[16];

	*ret = JAIL_HOLD_NONE;
	fd = ctl_connect(rec->jid, e);
	if (fd < 0 || ctl_request(fd, "hold", reply, sizeof(reply), 5000, e) < 0) {
		if (e->err == ENOENT || e->err == ECONNREFUSED)
			e->err = ENOENT;
		return perr_prefix(e, "jail \"%s\"", rec->name);
	}
	if (strcmp(reply, "ok") != 0)
		return perr_setx(e, EBUSY, "jail \"%s\" is dying", rec->name);
	ret->fd = TAKE_FD(fd);
	return 0;
}

void ctl_clear_when_gone(const struct jail_record *rec, int pidfd)
{
	_cleanup_record_ struct jail_record still = { 0 };
	struct registry reg;
	struct perr ignore = { 0 };
	char key[16];

	if (pidfd >= 0 && !pidfd_wait_exit(pidfd, 5000))
		return;
	/* jail -c is jailinit's parent: reap it here (ECHILD for anyone else). */
	waitpid(rec->init_pid, NULL, WNOHANG);
	if (registry_open(&reg, true, &ignore) < 0)
		return;
	/* Looking the jail up clears its record now that its jailinit is gone. */
	snprintf(key, sizeof(key), "%d", rec->jid);
	(void)jail_find_locked(&reg, key, &still, &ignore);
	registry_close(&reg);
}

/*
 * An idle-capable jail's IPC namespace, from its jailinit while this hold
 * keeps it running, for the look at it once the jail is idle: opened now,
 * it needs no child to fetch it from the pin then (jailidle.h).
 */
static int init_ipc_ns(const struct jail_record *rec, int pidfd)
{
	char path[64];
	int fd;

	if (pidfd < 0 || !jail_may_idle(&rec->params))
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/ns/ipc", (int)rec->init_pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	/* Still alive after the open: the pid was jailinit's. */
	if (fd >= 0 && syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) < 0)
		closep(&fd);
	return fd;
}

bool ctl_release(const struct jail_record *rec, struct jail_hold *h)
{
	_cleanup_close_ int fd = h->fd, pidfd = -1, ipcfd = -1;
	struct perr ignore = { 0 };
	char reply[16];
	bool gone;

	*h = JAIL_HOLD_NONE;
	if (fd < 0)
		return false;
	pidfd = jail_open_init(rec);
	ipcfd = init_ipc_ns(rec, pidfd);
	if (ctl_request(fd, "release", reply, sizeof(reply), 5000, &ignore) < 0)
		return false;
	gone = strcmp(reply, "exit") == 0;
	if (gone && pidfd >= 0)
		ctl_clear_when_gone(rec, pidfd);
	/* jailinit leaves once this connection is closed: the jail is idle then. */
	if (strcmp(reply, "idle") == 0) {
		closep(&fd);
		jail_idle_settle(rec, pidfd, ipcfd);
	}
	return gone;
}
