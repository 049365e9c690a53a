#include "mount.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>

#include "covered.h"
#include "fsnew.h"
#include "fstab.h"
#include "nestsock.h"
#include "scratch.h"
#include "util.h"

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif
#ifndef DEVPTS_SUPER_MAGIC
#define DEVPTS_SUPER_MAGIC 0x1cd1
#endif

int open_beneath(int dirfd, const char *rel, int flags, struct perr *e)
{
	struct open_how how = {
		.flags = (unsigned long long)(flags ? flags : O_PATH) | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));

	if (fd < 0) {
		if (errno == ELOOP)
			return perr_setx(e, ELOOP, "/%s: is or passes through a symbolic link", rel);
		return perr_set(e, errno, "/%s", rel);
	}
	return fd;
}

int mount_clone_root(int pathfd, int userns_fd, unsigned long propagation, struct perr *e)
{
	struct mount_attr attr = { .propagation = propagation };
	_cleanup_close_ int fd = open_tree(pathfd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);

	if (fd < 0)
		return perr_set(e, errno, "clone the jail's root");
	/* Cut from the host's peers before anything is mounted on the copy (mount.h). */
	if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return perr_set(e, errno, "propagation of the jail's root");
	if (userns_fd >= 0) {
		attr = (struct mount_attr){ .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (unsigned long long)userns_fd };
		if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0) {
			if (errno == EINVAL || errno == EOPNOTSUPP)
				return perr_setx(e, ENOTSUP, "the file system of path does not support idmapped mounts");
			return perr_set(e, errno, "idmap the jail's root");
		}
	}
	return TAKE_FD(fd);
}

int mount_clone_bind(int srcfd, const char *source, int userns_fd, bool readonly, unsigned long propagation,
		     struct perr *e)
{
	struct mount_attr attr = { .attr_set = readonly ? MOUNT_ATTR_RDONLY : 0, .propagation = propagation };
	_cleanup_close_ int fd = open_tree(srcfd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);

	if (fd < 0)
		return perr_set(e, errno, "%s", source);
	if (userns_fd >= 0) {
		attr.attr_set |= MOUNT_ATTR_IDMAP;
		attr.userns_fd = (unsigned long long)userns_fd;
	}
	/* Always: the propagation is set with the rest, before the copy is mounted anywhere (mount.h). */
	if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0) {
		if (errno == EINVAL && userns_fd >= 0)
			return perr_setx(e, ENOTSUP, "%s: the file system does not support idmapped mounts", source);
		return perr_set(e, errno, "%s", source);
	}
	return TAKE_FD(fd);
}

/* Make rel (a directory) exist below the root and return an O_PATH fd to it. */
static int dir_in_root(int rootfd, const char *rel, struct perr *e)
{
	int fd = open_beneath(rootfd, rel, O_PATH | O_DIRECTORY, e);

	if (fd >= 0 || e->err != ENOENT)
		return fd;
	/* Only single-level names are created: parents are standard directories. */
	if (!strchr(rel, '/') || strrchr(rel, '/') == rel) {
		if (mkdirat(rootfd, rel, 0755) < 0 && errno != EEXIST)
			return perr_set(e, errno, "mkdir /%s", rel);
	} else {
		char parent[256];
		const char *base = strrchr(rel, '/') + 1;
		snprintf(parent, sizeof(parent), "%.*s", (int)(base - 1 - rel), rel);
		_cleanup_close_ int pfd = open_beneath(rootfd, parent, O_PATH | O_DIRECTORY, e);
		if (pfd < 0)
			return -1;
		if (mkdirat(pfd, base, 0755) < 0 && errno != EEXIST)
			return perr_set(e, errno, "mkdir /%s", rel);
	}
	return open_beneath(rootfd, rel, O_PATH | O_DIRECTORY, e);
}

static int attach(int mntfd, int targetfd, const char *what, struct perr *e)
{
	if (move_mount(mntfd, "", targetfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return perr_set(e, errno, "mount %s", what);
	return 0;
}

/* The prepared tree mfd on rel below the root (made if missing). */
static int attach_at(int rootfd, const char *rel, int mfd, struct perr *e)
{
	_cleanup_close_ int target = dir_in_root(rootfd, rel, e);

	if (target < 0)
		return -1;
	return attach(mfd, target, rel, e);
}

/* Bind a host device node (still reachable: the old root is not yet detached). */
static int bind_device(int devfd, const char *name, struct perr *e)
{
	char host[64];
	_cleanup_close_ int src = -1, target = -1;

	snprintf(host, sizeof(host), "/dev/%s", name);
	src = open_tree(AT_FDCWD, host, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (src < 0)
		return perr_set(e, errno, "bind %s", host);
	target = openat(devfd, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0666);
	if (target < 0)
		return perr_set(e, errno, "create /dev/%s", name);
	return attach(src, target, host, e);
}

/*
 * devfs_ruleset, read as FreeBSD's default rulesets: 1 hides everything
 * (an empty /dev); 2 shows the basic devices (null, zero, full, random,
 * urandom); every other value, 4 (the jail ruleset) among them, also the
 * login devices (tty, ptmx and a private devpts, fd, stdin, stdout,
 * stderr).  No ruleset ever shows a host disk or console.
 */
static bool dev_basic(int ruleset)
{
	return ruleset != 1;
}

static bool dev_login(int ruleset)
{
	return ruleset != 1 && ruleset != 2;
}

int mount_make_ns_filesystems(const struct mount_setup *m, struct mount_fs *ret, struct perr *e)
{
	static const unsigned ro = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	const unsigned nosuid_nodev = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
	char max[24];
	const char *pts_opts[] = { "newinstance", NULL, "ptmxmode", "0666", "mode", "0620", "gid", "5", NULL, NULL, NULL };

	if (m->pts_max) {
		snprintf(max, sizeof(max), "%llu", m->pts_max);
		pts_opts[8] = "max";
		pts_opts[9] = max;
	}
	if (dev_login(m->devfs_ruleset) &&
	    (ret->fd[MFS_PTS] = fs_new_mount("devpts", pts_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, e)) < 0)
		return perr_prefix(e, "/dev/pts");
	if (dev_basic(m->devfs_ruleset) && m->mqueue &&
	    (ret->fd[MFS_MQUEUE] = fs_new_mount("mqueue", NULL, nosuid_nodev | MOUNT_ATTR_NOEXEC, e)) < 0)
		return perr_prefix(e, "/dev/mqueue");
	/* The jail's own cgroup as the root of /sys/fs/cgroup: its cgroup namespace's, not the host's tree. */
	if ((ret->fd[MFS_CGROUP] = fs_new_mount("cgroup2", NULL, ro, e)) < 0)
		return perr_prefix(e, "/sys/fs/cgroup");
	return 0;
}

static int build_pts(int rootfd, int ptsfd, struct perr *e)
{
	struct statfs sfs;

	if (attach_at(rootfd, "dev/pts", ptsfd, e) < 0)
		return -1;
	/* A devpts that is not one (a bind of something else) must not be used. */
	_cleanup_close_ int pts = open_beneath(rootfd, "dev/pts", O_RDONLY | O_DIRECTORY, e);
	if (pts < 0)
		return -1;
	if (fstatfs(pts, &sfs) < 0 || sfs.f_type != DEVPTS_SUPER_MAGIC)
		return perr_setx(e, EINVAL, "/dev/pts is not a devpts file system");
	return 0;
}

int mount_attach_ns_filesystems(int rootfd, const struct mount_fs *fs, struct perr *e)
{
	if (fs->fd[MFS_PTS] >= 0 && build_pts(rootfd, fs->fd[MFS_PTS], e) < 0)
		return -1;
	if (fs->fd[MFS_MQUEUE] >= 0 && attach_at(rootfd, "dev/mqueue", fs->fd[MFS_MQUEUE], e) < 0)
		return -1;
	if (fs->fd[MFS_CGROUP] >= 0 && attach_at(rootfd, "sys/fs/cgroup", fs->fd[MFS_CGROUP], e) < 0)
		return -1;
	return 0;
}

/*
 * The jail's socket for jails made inside it (nestsock.h), on an empty file
 * of the /dev just made: a tmpfs of prison's, so nothing of the jail's is
 * there to follow.  Read-only, so jail root cannot rebind it in place.
 */
static int bind_socket(int devfd, int nestfd, struct perr *e)
{
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC };
	int f = openat(devfd, NEST_DEV_NAME, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);

	if (f < 0)
		return perr_set(e, errno, "/dev/%s", NEST_DEV_NAME);
	close(f);
	if (mount_setattr(nestfd, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
		return perr_set(e, errno, "/dev/%s", NEST_DEV_NAME);
	if (move_mount(nestfd, "", devfd, NEST_DEV_NAME, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return perr_set(e, errno, "/dev/%s", NEST_DEV_NAME);
	return 0;
}

/* Builder side: /dev in place (part of the scratch tmpfs), the host's device nodes bound into it. */
static int build_dev(int rootfd, int ruleset, int nestfd, const struct mount_fs *fs, const int part[SCR__COUNT],
		     struct perr *e)
{
	static const char *const devices[] = { "null", "zero", "full", "random", "urandom", "tty" };
	static const char *const links[][2] = {
		{ "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" }, { "ptmx", "pts/ptmx" },
	};
	bool login = dev_login(ruleset);
	_cleanup_close_ int devfd = -1;

	if (attach_at(rootfd, "dev", part[SCR_DEV], e) < 0)
		return -1;
	devfd = open_beneath(rootfd, "dev", O_RDONLY | O_DIRECTORY, e);
	if (devfd < 0)
		return -1;
	if (nestfd >= 0 && bind_socket(devfd, nestfd, e) < 0)
		return -1;
	if (!dev_basic(ruleset))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(devices); i++)
		if ((login || strcmp(devices[i], "tty") != 0) && bind_device(devfd, devices[i], e) < 0)
			return -1;
	if (login) {
		for (size_t i = 0; i < ARRAY_SIZE(links); i++)
			if (symlinkat(links[i][1], devfd, links[i][0]) < 0)
				return perr_set(e, errno, "symlink /dev/%s", links[i][0]);
		if (build_pts(rootfd, fs->fd[MFS_PTS], e) < 0)
			return -1;
	}
	/*
	 * /dev/shm: a directory of /dev, not a file system of its own (a
	 * superblock, its root and a mount in every jail and every idle jail's
	 * tree).  /dev's mount is noexec and nosuid, and no device node jail
	 * root makes opens (the tmpfs is its user namespace's), as on a nodev mount.
	 */
	if (mkdirat(devfd, "shm", 0700) < 0 || fchmodat(devfd, "shm", 01777, 0) < 0)
		return perr_set(e, errno, "mkdir /dev/shm");
	if (fs->fd[MFS_MQUEUE] >= 0 && attach_at(rootfd, "dev/mqueue", fs->fd[MFS_MQUEUE], e) < 0)
		return -1;
	return 0;
}

/*
 * Host-wide kernel state that a jail has no business reading (the boot
 * command line, every CPU's interrupts, the loaded modules, the swap
 * devices' host paths among them): each file covered by /dev/null.
 */
static int mask_proc_files(int procfd, struct perr *e)
{
	static const char *const files[] = {
		"kcore", "keys", "key-users", "timer_list", "sched_debug", "sysrq-trigger",
		"latency_stats", "kpageflags", "kpagecount", "kpagecgroup", "kallsyms", "config.gz",
		"cmdline", "interrupts", "softirqs", "modules", "swaps", "iomem", "ioports", "buddyinfo",
		"zoneinfo", "pagetypeinfo", "vmallocinfo", "slabinfo", "mtrr", "dma",
	};

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		_cleanup_close_ int t = openat(procfd, files[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);
		_cleanup_close_ int nul = -1;
		if (t < 0)
			continue; /* not in this kernel */
		/* The host's /dev/null, still reachable: the jail's /dev may have none (devfs_ruleset=1). */
		nul = open_tree(AT_FDCWD, "/dev/null", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		if (nul < 0)
			return perr_set(e, errno, "mask /proc/%s", files[i]);
		if (attach(nul, t, files[i], e) < 0)
			return -1;
	}
	return 0;
}

/*
 * /proc/NAME (sys, fs) read-only: readable, as programs expect; writes go
 * nowhere.  With keep_net, /proc/sys/net stays writable: a vnet jail's is
 * its own network namespace's (forwarding, its interfaces).
 */
static int readonly_proc_dir(int procfd, int t, const char *name, bool keep_net, struct perr *e)
{
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
	_cleanup_close_ int net = -1, netdir = -1, m = -1;

	if (keep_net) {
		net = open_tree(t, "net", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
		if (net < 0)
			return perr_set(e, errno, "/proc/sys/net");
	}
	m = open_tree(t, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	if (m < 0 || mount_setattr(m, "", AT_EMPTY_PATH | AT_RECURSIVE, &ro, sizeof(ro)) < 0)
		return perr_set(e, errno, "read-only /proc/%s", name);
	if (attach(m, t, name, e) < 0)
		return -1;
	if (net < 0)
		return 0;
	netdir = openat(procfd, "sys/net", O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
	if (netdir < 0)
		return perr_set(e, errno, "/proc/sys/net");
	return attach(net, netdir, "/proc/sys/net", e);
}

/*
 * /proc/NAME hidden under an empty read-only tmpfs: one, made on the first
 * call and kept in *empty, cloned over every other hidden directory, so a
 * jail costs one superblock.
 */
static int hide_proc_dir(int procfd, int t, const char *name, int *empty, struct perr *e)
{
	static const char *const empty_opts[] = { "size", "0", "mode", "0555", NULL };
	_cleanup_close_ int m = -1;

	if (*empty >= 0) {
		m = open_tree(*empty, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
		if (m < 0)
			return perr_set(e, errno, "hide /proc/%s", name);
		return attach(m, t, name, e);
	}
	m = fs_new_mount("tmpfs", empty_opts, MOUNT_ATTR_RDONLY, e);
	if (m < 0)
		return -1;
	if (attach(m, t, name, e) < 0)
		return -1;
	/* By name: t is the directory below, the lookup reaches the tmpfs now on it. */
	*empty = open_tree(procfd, name, OPEN_TREE_CLOEXEC);
	if (*empty < 0)
		return perr_set(e, errno, "/proc/%s", name);
	return 0;
}

static int mask_proc(int rootfd, bool own_net, struct perr *e)
{
	static const char *const dirs[] = { "acpi", "asound", "scsi", "irq", "bus", "fs", "sys" };
	_cleanup_close_ int procfd = open_beneath(rootfd, "proc", O_RDONLY | O_DIRECTORY, e);
	_cleanup_close_ int empty = -1;
	struct statfs sfs;

	if (procfd < 0)
		return -1;
	if (fstatfs(procfd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
		return perr_setx(e, EINVAL, "/proc is not a proc file system");
	if (mask_proc_files(procfd, e) < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		_cleanup_close_ int t = openat(procfd, dirs[i], O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
		bool is_sys = strcmp(dirs[i], "sys") == 0;
		int r;
		if (t < 0)
			continue;
		if (is_sys || strcmp(dirs[i], "fs") == 0)
			r = readonly_proc_dir(procfd, t, dirs[i], own_net && is_sys, e);
		else
			r = hide_proc_dir(procfd, t, dirs[i], &empty, e);
		if (r < 0)
			return -1;
	}
	return 0;
}

int mount_fresh_proc(int rootfd, bool own_net, struct perr *e)
{
	_cleanup_close_ int target = dir_in_root(rootfd, "proc", e);
	_cleanup_close_ int m = -1;

	if (target < 0)
		return -1;
	m = fs_new_mount("proc", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, e);
	if (m < 0 || attach(m, target, "proc", e) < 0)
		return perr_prefix(e, "proc");
	return mask_proc(rootfd, own_net, e);
}

static int bind_sys(int rootfd, int cgroupfd, struct perr *e)
{
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC };
	_cleanup_close_ int target = dir_in_root(rootfd, "sys", e);
	_cleanup_close_ int m = -1;

	if (target < 0)
		return -1;
	/*
	 * /sys alone, without the host's submounts (its cgroup hierarchies,
	 * debugfs, tracefs, securityfs, bpffs...): none is the jail's, and
	 * each would be one more mount per jail.  Where prison itself runs in
	 * a user namespace the kernel refuses to copy a mount without its
	 * locked submounts, which would uncover what they hide: all of them then.
	 */
	m = open_tree(AT_FDCWD, "/sys", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (m < 0 && errno == EINVAL)
		m = open_tree(AT_FDCWD, "/sys", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (m < 0 || mount_setattr(m, "", AT_EMPTY_PATH | AT_RECURSIVE, &ro, sizeof(ro)) < 0)
		return perr_set(e, errno, "read-only /sys");
	if (attach(m, target, "sys", e) < 0)
		return -1;
	return attach_at(rootfd, "sys/fs/cgroup", cgroupfd, e);
}

/* Split "a=b,flag,c=d" into fsconfig pairs (their count, or -1); mount attributes go to *attrs instead. */
static int fs_options(const char *opts, const char **pairs, size_t max, char *store, size_t slen, unsigned *attrs)
{
	static const struct { const char *name; unsigned attr; } flags[] = {
		{ "ro", MOUNT_ATTR_RDONLY }, { "nosuid", MOUNT_ATTR_NOSUID }, { "nodev", MOUNT_ATTR_NODEV },
		{ "noexec", MOUNT_ATTR_NOEXEC }, { "rw", 0 }, { "defaults", 0 }, { "bind", 0 }, { "rbind", 0 },
		{ "suid", 0 }, { "dev", 0 }, { "exec", 0 }, { "auto", 0 }, { "noauto", 0 },
	};
	size_t n = 0;

	snprintf(store, slen, "%s", opts);
	for (char *save = NULL, *o = strtok_r(store, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		unsigned long propagation;
		bool flag = fstab_propagation(o, &propagation) != 0; /* a new file system has no peers: nothing to do */
		for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
			if (strcmp(o, flags[i].name) == 0) {
				*attrs |= flags[i].attr;
				flag = true;
			}
		if (flag)
			continue;
		if (n + 2 >= max)
			return -1;
		char *eq = strchr(o, '=');
		if (eq)
			*eq++ = '\0';
		pairs[n++] = o;
		pairs[n++] = eq;
	}
	pairs[n] = NULL;
	return (int)n;
}

/*
 * An overlay's layer, opened again in this (the jail's) mount namespace:
 * the kernel takes a layer only from a mount of the mounter's namespace,
 * and the host's descriptor is of the host's.  It must be the very
 * directory the host opened and checked (mntsrc.h), reached again with no
 * symbolic link followed.
 */
static int reopen_layer(int hostfd, const char *path, struct perr *e)
{
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	_cleanup_close_ int fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	struct stat a, b;

	if (fd < 0)
		return perr_set(e, errno, "overlay layer %s", path);
	if (fstat(fd, &a) < 0 || fstat(hostfd, &b) < 0 || a.st_dev != b.st_dev || a.st_ino != b.st_ino)
		return perr_setx(e, ESTALE, "overlay layer %s: changed while the jail was made", path);
	return TAKE_FD(fd);
}

struct layers {
	int fd[MOUNT_MAX_LOWER + 2];
	char opt[3][MOUNT_MAX_LOWER * 24];
};

static void layers_close(struct layers *l)
{
	for (size_t i = 0; i < ARRAY_SIZE(l->fd); i++)
		if (l->fd[i] >= 0)
			close(l->fd[i]);
}

/* lowerdir, upperdir and workdir as /proc/self/fd/N of the layers reopened here: no path is looked up again. */
static int overlay_pairs(const struct mount_extra *x, const char **pairs, struct layers *l, struct perr *e)
{
	const int host[MOUNT_MAX_LOWER + 2] = { [MOUNT_MAX_LOWER] = x->upper, [MOUNT_MAX_LOWER + 1] = x->work };
	static const char *const keys[] = { "lowerdir", "upperdir", "workdir" };
	size_t n = 0, len = 0;

	for (size_t i = 0; i < ARRAY_SIZE(l->fd); i++) {
		int h = i < MOUNT_MAX_LOWER ? ((int)i < x->nlower ? x->lower[i] : -1) : host[i];
		l->fd[i] = h < 0 ? -1 : reopen_layer(h, x->layer[i], e);
		if (h >= 0 && l->fd[i] < 0)
			return -1;
	}
	for (int i = 0; i < x->nlower; i++)
		len += (size_t)snprintf(l->opt[0] + len, sizeof(l->opt[0]) - len, "%s/proc/self/fd/%d", i ? ":" : "", l->fd[i]);
	for (int k = 1; k < 3; k++)
		if (l->fd[MOUNT_MAX_LOWER + k - 1] >= 0)
			snprintf(l->opt[k], sizeof(l->opt[k]), "/proc/self/fd/%d", l->fd[MOUNT_MAX_LOWER + k - 1]);
	for (int k = 0; k < 3; k++)
		if (l->opt[k][0]) {
			pairs[n++] = keys[k];
			pairs[n++] = l->opt[k];
		}
	pairs[n] = NULL;
	return 0;
}

/* Jail side: the new file system of a tmpfs, procfs or overlay line. */
static int make_extra(struct mount_extra *x, struct perr *e)
{
	static const char *const types[] = { [FS_TMPFS] = "tmpfs", [FS_PROC] = "proc", [FS_OVERLAY] = "overlay" };
	const char *pairs[64];
	char store[1024];
	struct layers l = { 0 };
	unsigned attrs = MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID;
	int n = fs_options(x->options, pairs, ARRAY_SIZE(pairs) - 7, store, sizeof(store), &attrs);

	for (size_t i = 0; i < ARRAY_SIZE(l.fd); i++)
		l.fd[i] = -1;
	if (n < 0)
		return perr_setx(e, E2BIG, "mount /%s: too many options", x->rel);
	if (x->readonly)
		attrs |= MOUNT_ATTR_RDONLY;
	/* A tmpfs line's source names it, as mount(8) does with fstab's first field ("shm" for an OCI /dev/shm). */
	if (x->kind == FS_TMPFS && x->source[0]) {
		pairs[n++] = "source";
		pairs[n++] = x->source;
		pairs[n] = NULL;
	}
	if (x->kind == FS_OVERLAY && overlay_pairs(x, pairs + n, &l, e) < 0) {
		layers_close(&l);
		return perr_prefix(e, "mount /%s", x->rel);
	}
	x->fd = fs_new_mount(types[x->kind], x->kind == FS_PROC ? NULL : pairs, attrs, e);
	layers_close(&l);
	return x->fd < 0 ? perr_prefix(e, "mount /%s", x->rel) : 0;
}

void mount_fs_init(struct mount_fs *fs)
{
	for (int i = 0; i < MFS__COUNT; i++)
		fs->fd[i] = -1;
}

void mount_fs_close(struct mount_fs *fs)
{
	for (int i = 0; i < MFS__COUNT; i++)
		if (fs->fd[i] >= 0) {
			close(fs->fd[i]);
			fs->fd[i] = -1;
		}
}

int mount_make_filesystems(const struct mount_setup *m, struct mount_fs *ret, struct perr *e)
{
	mount_fs_init(ret);
	/* proc first: the kernel lets a user namespace mount proc only while a full one is visible. */
	ret->fd[MFS_PROC] = fs_new_mount("proc", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, e);
	if (ret->fd[MFS_PROC] < 0)
		return perr_prefix(e, "proc");
	/* /dev and a path=/ jail's /tmp, /var/tmp and /run: one tmpfs (scratch.h). */
	if ((ret->fd[MFS_SCRATCH] = scratch_make(m->private_tmp, e)) < 0)
		return perr_prefix(e, "/dev");
	if (mount_make_ns_filesystems(m, ret, e) < 0)
		return -1;
	for (size_t i = 0; i < m->nextra; i++)
		if (m->extra[i].kind != FS_BIND && make_extra(&m->extra[i], e) < 0)
			return -1;
	return 0;
}

/*
 * A missing mount point made below the root, as an OCI runtime must (a
 * bind of a file such as /etc/hosts onto an image without one): each
 * missing directory 0755, the last a directory or an empty file as the
 * tree to attach is.  Every step is beneath the root with no link
 * followed, so an image's symbolic link leads nowhere outside it.
 */
/* A directory or an empty file name in dirfd, unless there is one; never through a link. */
static int make_entry(int dirfd, const char *name, bool dir)
{
	int f;

	if (dir)
		return mkdirat(dirfd, name, 0755) < 0 && errno != EEXIST ? -1 : 0;
	f = openat(dirfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (f < 0)
		return errno == EEXIST ? 0 : -1;
	close(f);
	return 0;
}

static int make_mount_point(int rootfd, const char *rel, bool dir, struct perr *e)
{
	char parent[1024];

	for (const char *p = rel; *p;) {
		const char *end = strchrnul(p, '/');
		bool last = *end == '\0';
		char name[256];
		_cleanup_close_ int pfd = -1;
		if ((size_t)(p - rel) >= sizeof(parent) || (size_t)(end - p) >= sizeof(name))
			return perr_setx(e, ENAMETOOLONG, "mount point /%s: name too long", rel);
		snprintf(parent, sizeof(parent), "%.*s", p == rel ? 1 : (int)(p - rel - 1), p == rel ? "." : rel);
		snprintf(name, sizeof(name), "%.*s", (int)(end - p), p);
		pfd = open_beneath(rootfd, parent, O_PATH | O_DIRECTORY, e);
		if (pfd < 0)
			return -1;
		if (make_entry(pfd, name, !last || dir) < 0)
			return perr_set(e, errno, "mount point /%s", rel);
		p = last ? end : end + 1;
	}
	return 0;
}

static int attach_extras(int rootfd, const struct mount_extra *x, size_t n, struct perr *e)
{
	for (size_t i = 0; i < n; i++) {
		_cleanup_close_ int target = open_beneath(rootfd, x[i].rel, O_PATH, e);
		struct stat st;
		if (target < 0 && e->err == ENOENT && fstat(x[i].fd, &st) == 0 &&
		    make_mount_point(rootfd, x[i].rel, S_ISDIR(st.st_mode), e) == 0)
			target = open_beneath(rootfd, x[i].rel, O_PATH, e);
		if (target < 0)
			return perr_prefix(e, "mount");
		if (attach(x[i].fd, target, x[i].rel, e) < 0)
			return -1;
	}
	return 0;
}

/* path=/: its own /tmp, /var/tmp and /run, parts of the scratch tmpfs. */
static int build_private_tmp(int rootfd, const int part[SCR__COUNT], struct perr *e)
{
	static const char *const where[] = { [SCR_TMP] = "tmp", [SCR_VARTMP] = "var/tmp", [SCR_RUN] = "run" };

	for (int i = SCR_TMP; i <= SCR_RUN; i++)
		if (part[i] >= 0 && attach_at(rootfd, where[i], part[i], e) < 0)
			return -1;
	return 0;
}

static void parts_close(int (*part)[SCR__COUNT])
{
	scratch_close(*part);
}

/* The scratch tmpfs cut into its parts, attached on the jail's /dev meanwhile. */
static int split_scratch(int rootfd, const struct mount_fs *fs, int part[SCR__COUNT], struct perr *e)
{
	_cleanup_close_ int target = dir_in_root(rootfd, "dev", e);

	if (target < 0)
		return -1;
	return scratch_split(fs->fd[MFS_SCRATCH], target, part, e) < 0 ? perr_prefix(e, "/dev") : 0;
}

int mount_build_tree(const struct mount_setup *m, const struct mount_fs *fs, struct perr *e)
{
	int part[SCR__COUNT] __attribute__((cleanup(parts_close))) = { -1, -1, -1, -1 };

	/* Nothing we mount may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return perr_set(e, errno, "make / private");
	/* Stack the new root over the old one; pivot_root below swaps them. */
	if (move_mount(m->rootfd, "", AT_FDCWD, "/", MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return perr_set(e, errno, "attach the jail's root");
	if (covered_detach(m->rootfd, m->private_tmp, e) < 0)
		return -1;
	if (attach_at(m->rootfd, "proc", fs->fd[MFS_PROC], e) < 0)
		return perr_prefix(e, "proc");
	if (split_scratch(m->rootfd, fs, part, e) < 0)
		return -1;
	if (build_dev(m->rootfd, m->devfs_ruleset, m->nestfd, fs, part, e) < 0 || mask_proc(m->rootfd, m->own_net, e) < 0 ||
	    bind_sys(m->rootfd, fs->fd[MFS_CGROUP], e) < 0 || build_private_tmp(m->rootfd, part, e) < 0)
		return -1;
	/* mount and mount.fstab last, over what the jail's root holds. */
	if (attach_extras(m->rootfd, m->extra, m->nextra, e) < 0)
		return -1;
	/*
	 * path.readonly: the root mount alone, not recursively, so /dev, /tmp
	 * and the jail's own mounts stay as they were made; once every mount
	 * point is in place, since none can be made after.
	 */
	if (m->readonly_root) {
		struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
		if (mount_setattr(m->rootfd, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
			return perr_set(e, errno, "read-only root");
	}
	if (fchdir(m->rootfd) < 0)
		return perr_set(e, errno, "chdir to the jail's root");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return perr_set(e, errno, "pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		return perr_set(e, errno, "detach the old root");
	if (chdir("/") < 0)
		return perr_set(e, errno, "chdir /");
	return 0;
}
