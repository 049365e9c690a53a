#include "watch.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "audit.h"
#include "cglimit.h"
#include "cgroup.h"
#include "ctl.h"
#include "limits.h"
#include "registry.h"
#include "util.h"

#define SYSLOG_PATH "/dev/log"

/*
 * A datagram socket connected to the host's syslog, made before the jail's
 * first process exists.  Connected, it can send only there; jailinit is
 * non-dumpable and jail root has no CAP_SYS_PTRACE, so no process of the
 * jail can take it (or any of these handles) from jailinit with
 * pidfd_getfd or /proc/1/fd.
 */
static int syslog_socket(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", SYSLOG_PATH);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	return TAKE_FD(fd);
}

void watch_handles_open(const struct cg_path *path, const char *name, struct watch_handles *h)
{
	/* fd[0] is WATCH_FD_CPU. */
	struct perr ignore = { 0 };
	_cleanup_close_ int cg = cgroup_open(path, &ignore);

	h->fd[0] = cg < 0 ? -1 : openat(cg, "cpu.stat", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	h->fd[WATCH_FD_MEMORY - WATCH_FD_CPU] = cg_open_memory_counter(path, false);
	h->fd[WATCH_FD_SWAP - WATCH_FD_CPU] = cg_open_memory_counter(path, true);
	h->fd[WATCH_FD_AUDIT - WATCH_FD_CPU] = audit_open_log(name);
	h->fd[WATCH_FD_SYSLOG - WATCH_FD_CPU] = syslog_socket();
}

void watch_handles_close(struct watch_handles *h)
{
	for (int i = 0; i < WATCH_NFDS; i++)
		if (h->fd[i] >= 0) {
			close(h->fd[i]);
			h->fd[i] = -1;
		}
}

int watch_send(int ctl, const struct jail_record *rec, const struct jail_limits *l, struct perr *e)
{
	char msg[8192];
	char reply[256];

	if (rctl_format_watch(rec->jid, rec->name, l->watch, l->nwatch, msg, sizeof(msg)) < 0)
		return perr_setx(e, E2BIG, "too many watched rules");
	if (ctl_request(ctl, msg, reply, sizeof(reply), 5000, e) < 0)
		return perr_prefix(e, "cannot hand the watched rules to jailinit");
	if (strcmp(reply, "ok") != 0)
		return perr_setx(e, EIO, "jailinit refused the watched rules: %s",
				 strncmp(reply, "error ", 6) == 0 ? reply + 6 : reply);
	return 0;
}

int watch_update(const struct jail_record *rec, const struct jail_limits *l, struct perr *e)
{
	_cleanup_close_ int ctl = ctl_connect(rec->jid, e);

	if (ctl < 0)
		return perr_prefix(e, "cannot hand the watched rules to jailinit");
	return watch_send(ctl, rec, l, e);
}
