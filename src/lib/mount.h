/*
 * The jail's file system view, built through mount fds: the root tree, a
 * minimal /dev, a fresh /proc with sensitive entries masked, a read-only
 * /sys with the jail's own cgroup, then pivot_root.  The jail makes its new
 * file systems; the host's builder (mntns.h) puts the tree together where
 * the kernel will lock it.  Paths in the jail's tree are resolved with
 * openat2(RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS), so nothing the tree
 * contains can redirect a mount.
 */
#ifndef PRISON_MOUNT_H
#define PRISON_MOUNT_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/*
 * Host side: a detached copy of path to become the jail's root.  userns_fd
 * >= 0 makes it idmapped through the jail's user namespace, so on-disk
 * owners appear unshifted inside.  propagation (MS_PRIVATE, MS_SLAVE or
 * MS_UNBINDABLE) is set on the whole copy at once: the kernel makes the
 * copy of a shared mount one of its source's peers, and a peer would carry
 * every mount of the jail's to the host and the host's into the jail.
 */
int mount_clone_root(int pathfd, int userns_fd, unsigned long propagation, struct perr *e);

#define MOUNT_MAX_LOWER 8

/* A mount of mount or mount.fstab, ready to be attached inside. */
struct mount_extra {
	int fd;            /* the tree to attach: a nullfs copy, or the jail's new file system of kind */
	int srcfd;         /* nullfs: the source, opened on the host without following links */
	int lower[MOUNT_MAX_LOWER]; /* overlay: its layers, opened as srcfd is */
	int nlower, upper, work;
	char layer[MOUNT_MAX_LOWER + 2][512]; /* their paths: lower..., upper, work */
	int kind;          /* enum fstab_kind */
	bool readonly;
	unsigned long propagation; /* nullfs: as mount_clone_root's */
	char rel[1024];    /* target below the jail's root */
	char options[1024]; /* overlay: without lowerdir, upperdir and workdir */
	char source[1024];
};

/* Host side: a detached copy of srcfd for a nullfs mount, idmapped when userns_fd >= 0, propagation as above. */
int mount_clone_bind(int srcfd, const char *source, int userns_fd, bool readonly, unsigned long propagation,
		     struct perr *e);

/* What a path=/ jail's own /tmp, /var/tmp, /dev/shm and /run may hold (of the host's memory). */
#define MOUNT_TMP_SIZE "25%"

struct mount_setup {
	int rootfd;        /* builder: detached tree from mount_clone_root */
	bool mqueue;       /* a private IPC namespace: mount its POSIX mqueue */
	bool own_net;      /* a vnet jail: /proc/sys/net is its own and stays writable */
	bool private_tmp;  /* path=/: /tmp, /var/tmp and /run of its own */
	bool readonly_root; /* path.readonly: the root mount read-only, its submounts as they are */
	int devfs_ruleset;
	unsigned long long pts_max; /* at a wake: the devpts' max= (pseudoterminals), 0 for the kernel's */
	int nestfd;        /* builder: the jail's socket (nestsock.h), bound into its /dev, or -1 */
	struct mount_extra *extra;
	size_t nextra;
};

/*
 * The new file systems of a jail, made by its first process in the jail's
 * own namespaces (so proc is its PID namespace's, mqueue its IPC
 * namespace's, devpts and tmpfs jail root's), not yet attached anywhere.
 */
enum { MFS_PROC, MFS_SCRATCH, MFS_PTS, MFS_MQUEUE, MFS_CGROUP, MFS__COUNT }; /* MFS_SCRATCH: scratch.h */
struct mount_fs {
	int fd[MFS__COUNT]; /* -1 where the jail has none */
};

/* Jail side: make them, and the new file system of every tmpfs, procfs and overlay line of m->extra. */
int mount_make_filesystems(const struct mount_setup *m, struct mount_fs *ret, struct perr *e);
void mount_fs_init(struct mount_fs *fs); /* every slot -1 */
void mount_fs_close(struct mount_fs *fs);

/*
 * The file systems of the jail's own user, IPC and cgroup namespaces:
 * devpts, mqueue and cgroup2, by m's devfs_ruleset and mqueue.  An idle
 * jail's pinned tree keeps none of them (a superblock and a root each, in
 * every idle jail: pin.h), so a wake makes them again, jail side, into
 * ret's MFS_PTS, MFS_MQUEUE and MFS_CGROUP (the others untouched), and
 * the host attaches them in the template at dev/pts, dev/mqueue and
 * sys/fs/cgroup before the jail's copy locks them (wake.c).
 */
int mount_make_ns_filesystems(const struct mount_setup *m, struct mount_fs *ret, struct perr *e);
int mount_attach_ns_filesystems(int rootfd, const struct mount_fs *fs, struct perr *e);

/*
 * Builder side (host root in a fresh mount namespace of the host's user
 * namespace, mntns.h): the jail's tree from the root, fs and every fd of
 * m->extra, then pivot_root into it.
 */
int mount_build_tree(const struct mount_setup *m, const struct mount_fs *fs, struct perr *e);

/*
 * A proc file system of the caller's PID namespace on rootfd's "proc",
 * masked as a jail's /proc is: host root in a mount namespace of the
 * host's user namespace, with the host's /dev/null at hand (wake.h).
 */
int mount_fresh_proc(int rootfd, bool own_net, struct perr *e);

/* openat2 beneath dirfd with no symlinks followed; O_PATH unless flags say otherwise. */
int open_beneath(int dirfd, const char *rel, int flags, struct perr *e);

#endif
