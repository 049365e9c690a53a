#include "thick.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "base.h"
#include "btrfs.h"
#include "jailmeta.h"
#include "tree.h"
#include "util.h"

#define THICK_STAGE ".root.new"

/* 1: root is a directory with something in it; 0: missing or empty; -1: something else. */
static int populated(int dirfd, const char *root, struct perr *e)
{
	_cleanup_close_ int fd = openat(dirfd, root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;

	if (fd < 0)
		return errno == ENOENT ? 0 : perr_set(e, errno, "%s", root);
	d = opendir_at(fd);
	if (!d)
		return perr_set(e, errno, "%s", root);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			return 1;
	return 0;
}

/* The stage: a snapshot where base and jail share a btrfs, else a copy. */
static int fill_stage(int tree, int dirfd, struct perr *e)
{
	_cleanup_close_ int stage = -1;

	/* Each subvolume has a device number of its own: only the kernel tells (EXDEV) another file system. */
	if (btrfs_subvolume(tree)) {
		if (btrfs_snapshot(tree, dirfd, THICK_STAGE) == 0)
			return 0;
		if (errno != EXDEV)
			return perr_set(e, errno, "snapshot the base");
	}
	if (mkdirat(dirfd, THICK_STAGE, 0700) < 0)
		return perr_set(e, errno, "mkdir %s", THICK_STAGE);
	stage = openat(dirfd, THICK_STAGE, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (stage < 0)
		return perr_set(e, errno, "%s", THICK_STAGE);
	/* The base kept or dropped setuid bits when it was built; the copy keeps what it has. */
	return tree_copy(tree, stage, true, e);
}

static int copy_base(int dirfd, const char *root, const char *base, long *ret_gen, struct perr *e)
{
	_cleanup_close_ int tree = -1;
	long gen;

	if (base_current(base, &gen, e) < 0 || (tree = base_open_tree(base, gen, e)) < 0)
		return -1;
	(void)tree_remove(dirfd, THICK_STAGE, &(struct perr){ 0 });
	if (fill_stage(tree, dirfd, e) < 0)
		goto fail;
	/* An empty root (made by hand, or by a thin jail of that name before) gives way to the copy. */
	if (unlinkat(dirfd, root, AT_REMOVEDIR) < 0 && errno != ENOENT) {
		perr_set(e, errno, "%s", root);
		goto fail;
	}
	if (renameat(dirfd, THICK_STAGE, dirfd, root) < 0) {
		perr_set(e, errno, "%s", root);
		goto fail;
	}
	*ret_gen = gen;
	return 0;
fail:
	(void)tree_remove(dirfd, THICK_STAGE, &(struct perr){ 0 });
	return perr_prefix(e, "base %s: a thick copy", base);
}

int thick_root(int dirfd, const char *root, const char *base, long *ret_gen, struct perr *e)
{
	struct jailmeta m;
	int r = populated(dirfd, root, e);

	*ret_gen = 0;
	if (r < 0)
		return -1;
	if (r == 0)
		return copy_base(dirfd, root, base, ret_gen, e);
	/* Made before: the generation it came from is in the jail's own record, if anywhere. */
	if (jailmeta_read(dirfd, &m, &(struct perr){ 0 }) == 0) {
		*ret_gen = m.generation;
		param_free(&m.params);
	}
	return 0;
}
