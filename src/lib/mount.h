/*
 * The jail's file system view, built inside its own mount namespace
 * through mount fds: the root tree, a minimal /dev, a fresh /proc with
 * sensitive entries masked, a read-only /sys, then pivot_root.  Paths in the
 * jail's tree are resolved with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS),
 * so nothing the tree contains can redirect a mount.
 */
#ifndef PRISON_MOUNT_H
#define PRISON_MOUNT_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/*
 * Host side: a detached copy of path to become the jail's root.  userns_fd
 * >= 0 makes it idmapped through the jail's user namespace, so on-disk
 * owners appear unshifted inside.
 */
int mount_clone_root(int pathfd, int userns_fd, struct perr *e);

/* A mount of mount or mount.fstab, ready to be attached inside. */
struct mount_extra {
	int fd;            /* a prepared tree (nullfs), or -1: a new file system of kind */
	int kind;          /* enum fstab_kind */
	bool readonly;
	char rel[1024];    /* target below the jail's root */
	char options[1024];
	char source[1024];
};

/* Host side: a detached copy of source for a nullfs mount, idmapped when userns_fd >= 0. */
int mount_clone_bind(const char *source, int userns_fd, bool readonly, struct perr *e);

struct mount_setup {
	int rootfd;      /* detached tree from mount_clone_root */
	bool mqueue;     /* a private IPC namespace: mount its POSIX mqueue */
	bool own_net;    /* a vnet jail: /proc/sys/net is its own and stays writable */
	int devfs_ruleset;
	const struct mount_extra *extra;
	size_t nextra;
};

/* Jail side (root of the jail's user namespace): build the view and pivot into it. */
int mount_build_jail(const struct mount_setup *m, struct perr *e);

/* openat2 beneath dirfd with no symlinks followed; O_PATH unless flags say otherwise. */
int open_beneath(int dirfd, const char *rel, int flags, struct perr *e);

#endif
