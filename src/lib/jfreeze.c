#include "jfreeze.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "util.h"

static int wait_frozen(int cgfd, const char *name, struct perr *e)
{
	if (cgroup_wait_frozen(cgfd, cgroup_deadline(JFREEZE_MS)) == 0)
		return 0;
	if (errno == ETIMEDOUT)
		return perr_setx(e, ETIMEDOUT, "jail \"%s\": its processes did not freeze in %d ms", name, JFREEZE_MS);
	return perr_set(e, errno, "jail \"%s\": cgroup.events", name);
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
