#include "btrfs.h"

#include <fcntl.h>
#include <linux/btrfs.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "util.h"

/* The inode number of every subvolume's top directory (BTRFS_FIRST_FREE_OBJECTID). */
#define BTRFS_SUBVOL_INO 256

bool btrfs_on(int fd)
{
	struct statfs sf;

	return fstatfs(fd, &sf) == 0 && sf.f_type == BTRFS_SUPER_MAGIC;
}

bool btrfs_subvolume(int fd)
{
	struct stat st;

	return btrfs_on(fd) && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) && st.st_ino == BTRFS_SUBVOL_INO;
}

/* The ioctls want descriptors opened for reading, not O_PATH ones. */
static int readable(int fd)
{
	return openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

int btrfs_subvol_create(int dirfd, const char *name)
{
	struct btrfs_ioctl_vol_args args = { 0 };
	_cleanup_close_ int dir = readable(dirfd);

	if (dir < 0)
		return -1;
	if (strlen(name) > BTRFS_PATH_NAME_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	snprintf(args.name, sizeof(args.name), "%s", name);
	return ioctl(dir, BTRFS_IOC_SUBVOL_CREATE, &args);
}

int btrfs_snapshot(int srcfd, int dirfd, const char *name)
{
	struct btrfs_ioctl_vol_args_v2 args = { 0 };
	_cleanup_close_ int dir = readable(dirfd), src = readable(srcfd);

	if (dir < 0 || src < 0)
		return -1;
	if (strlen(name) > BTRFS_SUBVOL_NAME_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	args.fd = src;
	snprintf(args.name, sizeof(args.name), "%s", name);
	return ioctl(dir, BTRFS_IOC_SNAP_CREATE_V2, &args);
}
