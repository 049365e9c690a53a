/* A new file system instance, detached, from the mount API (fsnew.h). */
#include "fsnew.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mount.h>

#include "util.h"

int fs_new_mount(const char *type, const char *const *opts, unsigned attrs, struct perr *e)
{
	_cleanup_close_ int fsfd = fsopen(type, FSOPEN_CLOEXEC);
	bool source = false;
	int mfd;

	if (fsfd < 0)
		return perr_set(e, errno, "fsopen %s", type);
	for (const char *const *o = opts; o && o[0]; o += 2)
		source = source || strcmp(o[0], "source") == 0;
	if (!source && fsconfig(fsfd, FSCONFIG_SET_STRING, "source", type, 0) < 0)
		return perr_set(e, errno, "%s option source", type);
	for (; opts && opts[0]; opts += 2) {
		int r = opts[1] ? fsconfig(fsfd, FSCONFIG_SET_STRING, opts[0], opts[1], 0)
				: fsconfig(fsfd, FSCONFIG_SET_FLAG, opts[0], NULL, 0);
		if (r < 0)
			return perr_set(e, errno, "%s option %s", type, opts[0]);
	}
	if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return perr_set(e, errno, "create %s", type);
	mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, attrs);
	if (mfd < 0)
		return perr_set(e, errno, "fsmount %s", type);
	return mfd;
}
