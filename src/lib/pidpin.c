#include "pidpin.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "jailps.h"
#include "util.h"

/* A pidfd polls readable once its process has exited (a zombie too). */
static bool pidfd_alive(int pidfd)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	int r;

	do
		r = poll(&p, 1, 0);
	while (r < 0 && errno == EINTR);
	return r == 0;
}

int pidpin_open(pid_t pid, const char *rel, struct pidpin *ret)
{
	char path[32];

	*ret = (struct pidpin){ .pid = pid, .pidfd = -1, .procfd = -1 };
	if (pid <= 0) {
		errno = ESRCH;
		return -1;
	}
	ret->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (ret->pidfd < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	ret->procfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ret->procfd < 0 && errno == ENOENT)
		errno = ESRCH;
	if (ret->procfd < 0 || !pidpin_holds(ret, rel)) {
		int err = ret->procfd < 0 ? errno : ESRCH;
		pidpin_close(ret);
		errno = err;
		return -1;
	}
	return 0;
}

bool pidpin_holds(const struct pidpin *p, const char *rel)
{
	/* The cgroup read first, the pidfd's life second: alive then means alive at the read. */
	if (p->pidfd < 0 || p->procfd < 0 || !proc_in_cgroup(p->procfd, rel))
		return false;
	return pidfd_alive(p->pidfd);
}

bool pidpin_leaving(const struct pidpin *p)
{
	char buf[1024], *f, *end;
	unsigned long flags;

	if (p->procfd < 0 || read_file_at(p->procfd, "stat", buf, sizeof(buf)) <= 0 || !(f = strrchr(buf, ')')))
		return false;
	/* Field 9 (flags) is the 7th after the name. */
	for (int field = 2; f && field < 9; field++)
		f = strchr(f + 1, ' ');
	if (!f)
		return false;
	errno = 0;
	flags = strtoul(f + 1, &end, 10);
	if (errno || end == f + 1)
		return false;
	return flags & 0x4; /* PF_EXITING, include/linux/sched.h */
}

int pidpin_signal(const struct pidpin *p, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, p->pidfd, sig, NULL, 0);
}

void pidpin_close(struct pidpin *p)
{
	if (p->pidfd >= 0)
		close(p->pidfd);
	if (p->procfd >= 0)
		close(p->procfd);
	p->pidfd = p->procfd = -1;
}
