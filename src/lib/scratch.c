/* The jail's scratch tmpfs, made once and mounted as its /dev, /tmp, /var/tmp and /run (scratch.h). */
#include "scratch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsnew.h"
#include "mount.h"
#include "util.h"

static const struct {
	const char *dir;
	mode_t mode;
	unsigned attrs;
} parts[SCR__COUNT] = {
	[SCR_DEV] = { "dev", 0755, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC },
	[SCR_TMP] = { "tmp", 01777, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV },
	[SCR_VARTMP] = { "vartmp", 01777, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV },
	[SCR_RUN] = { "run", 0755, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC },
};

/* The mode set after mkdir, whatever the umask. */
static int make_dir(int at, const char *name, mode_t mode, struct perr *e)
{
	if (mkdirat(at, name, 0700) < 0 || fchmodat(at, name, mode, 0) < 0)
		return perr_set(e, errno, "scratch directory %s", name);
	return 0;
}

int scratch_make(bool private_tmp, struct perr *e)
{
	static const char *const opts[] = { "mode", "0755", "size", MOUNT_TMP_SIZE, NULL };
	_cleanup_close_ int mfd = fs_new_mount("tmpfs", opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, e);

	if (mfd < 0)
		return -1;
	for (int i = 0; i < SCR__COUNT; i++) {
		bool want = i == SCR_DEV || private_tmp;
		if (want && make_dir(mfd, parts[i].dir, parts[i].mode, e) < 0)
			return -1;
	}
	if (private_tmp && make_dir(mfd, "run/lock", 01777, e) < 0)
		return -1;
	return TAKE_FD(mfd);
}

void scratch_close(int p[SCR__COUNT])
{
	for (int i = 0; i < SCR__COUNT; i++)
		closep(&p[i]);
}

/* One directory as a mount of its own, with exactly its part's flags of the three. */
static int clone_part(int scratch, int i, struct perr *e)
{
	const unsigned all = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	struct mount_attr attr = { .attr_set = parts[i].attrs, .attr_clr = all & ~parts[i].attrs };
	_cleanup_close_ int fd = open_tree(scratch, parts[i].dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW);

	if (fd < 0)
		return errno == ENOENT ? -2 : perr_set(e, errno, "scratch directory %s", parts[i].dir);
	if (mount_setattr(fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return perr_set(e, errno, "flags of scratch directory %s", parts[i].dir);
	return TAKE_FD(fd);
}

int scratch_split(int scratch, int target, int ret[SCR__COUNT], struct perr *e)
{
	char self[64];
	int r = 0;

	for (int i = 0; i < SCR__COUNT; i++)
		ret[i] = -1;
	/* A mount is cloned only from one of this mount namespace (Linux before 6.15): attached for as long. */
	if (move_mount(scratch, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return perr_set(e, errno, "mount the jail's scratch tmpfs");
	for (int i = 0; i < SCR__COUNT && r == 0; i++) {
		int fd = clone_part(scratch, i, e);
		if (fd >= 0)
			ret[i] = fd;
		else if (fd == -1)
			r = -1;
	}
	/* The clones hold the file system: its own mount goes, by what the descriptor names. */
	snprintf(self, sizeof(self), "/proc/self/fd/%d", scratch);
	if (umount2(self, MNT_DETACH) < 0 && r == 0)
		r = perr_set(e, errno, "unmount the jail's scratch tmpfs");
	if (r < 0)
		scratch_close(ret);
	return r;
}
