/* The control socket of a jail's jailinit: made, reached and asked (ctl.h). */
#include "ctl.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

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
