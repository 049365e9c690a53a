#include "ctl.h"

#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "jailproc.h"
#include "jailstate.h"
#include "registry.h"
#include "util.h"

static void ctl_addr(int jid, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	registry_ctl_path(jid, sa->sun_path, sizeof(sa->sun_path));
}

int ctl_listen(int jid, struct perr *e)
{
	struct sockaddr_un sa;
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return perr_set(e, errno, "control socket");
	ctl_addr(jid, &sa);
	unlink(sa.sun_path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(sa.sun_path, 0600) < 0 || listen(fd, 64) < 0)
		return perr_set(e, errno, "control socket %s", sa.sun_path);
	return TAKE_FD(fd);
}

int ctl_connect(int jid, struct perr *e)
{
	struct sockaddr_un sa;
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return perr_set(e, errno, "control socket");
	ctl_addr(jid, &sa);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return perr_set(e, errno, "connect to jailinit");
	return TAKE_FD(fd);
}

int ctl_request(int fd, const char *msg, char *reply, size_t len, int timeout_ms, struct perr *e)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (send(fd, msg, strlen(msg), MSG_NOSIGNAL) < 0)
		return perr_set(e, errno, "jailinit");
	if (poll(&p, 1, timeout_ms) <= 0)
		return perr_set(e, ETIMEDOUT, "jailinit");
	n = recv(fd, reply, len - 1, 0);
	if (n <= 0)
		return perr_set(e, n < 0 ? errno : ECONNRESET, "jailinit");
	reply[n] = '\0';
	return 0;
}

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

bool ctl_release(const struct jail_record *rec, struct jail_hold *h)
{
	_cleanup_close_ int fd = h->fd, pidfd = -1;
	struct perr ignore = { 0 };
	char reply[16];
	bool gone;

	*h = JAIL_HOLD_NONE;
	if (fd < 0)
		return false;
	pidfd = jail_open_init(rec);
	gone = ctl_request(fd, "release", reply, sizeof(reply), 5000, &ignore) == 0 && strcmp(reply, "exit") == 0;
	if (gone && pidfd >= 0)
		ctl_clear_when_gone(rec, pidfd);
	return gone;
}
