#include "jfreeze.h"

#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "util.h"

static bool events_frozen(int eventsfd)
{
	char buf[256];
	ssize_t n = pread(eventsfd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return false;
	buf[n] = '\0';
	return strstr(buf, "frozen 1") != NULL;
}

/* Until cgroup.events says "frozen 1"; the kernel marks a change of that file with POLLPRI. */
static int wait_frozen(int cgfd, const char *name, struct perr *e)
{
	_cleanup_close_ int events = openat(cgfd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	long deadline = cgroup_deadline(JFREEZE_MS);

	if (events < 0)
		return perr_set(e, errno, "jail \"%s\": cgroup.events", name);
	while (!events_frozen(events)) {
		long left = deadline - cgroup_deadline(0);
		struct pollfd pfd = { .fd = events, .events = POLLPRI };
		if (left <= 0)
			return perr_setx(e, ETIMEDOUT, "jail \"%s\": its processes did not freeze in %d ms", name,
					 JFREEZE_MS);
		(void)poll(&pfd, 1, (int)(left < 100 ? left : 100));
	}
	return 0;
}

int jail_freeze(const struct jail_record *rec, bool freeze, struct perr *e)
{
	_cleanup_close_ int fd = cgroup_open(&rec->cg, e);

	if (fd < 0)
		return -1;
	if (write_file_at(fd, "cgroup.freeze", freeze ? "1" : "0") < 0)
		return perr_set(e, errno, "jail \"%s\": cgroup.freeze (Linux 5.2 or newer is needed)", rec->name);
	if (freeze && wait_frozen(fd, rec->name, e) < 0) {
		(void)write_file_at(fd, "cgroup.freeze", "0");
		return -1;
	}
	return 0;
}

int jail_frozen(const struct jail_record *rec, struct perr *e)
{
	_cleanup_close_ int fd = cgroup_open(&rec->cg, e);
	char cur[8] = "";

	if (fd < 0)
		return -1;
	if (read_file_at(fd, "cgroup.freeze", cur, sizeof(cur)) < 0)
		return perr_set(e, errno, "jail \"%s\": cgroup.freeze", rec->name);
	return cur[0] == '1';
}
