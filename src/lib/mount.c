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

#include "fstab.h"
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

int mount_clone_root(int pathfd, int userns_fd, struct perr *e)
{
	_cleanup_close_ int fd = open_tree(pathfd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);

	if (fd < 0)
		return perr_set(e, errno, "clone the jail's root");
	if (userns_fd >= 0) {
		struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (unsigned long long)userns_fd };
		if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0) {
			if (errno == EINVAL || errno == EOPNOTSUPP)
				return perr_setx(e, ENOTSUP, "the file system of path does not support idmapped mounts");
			return perr_set(e, errno, "idmap the jail's root");
		}
	}
	return TAKE_FD(fd);
}

int mount_clone_bind(const char *source, int userns_fd, bool readonly, struct perr *e)
{
	struct mount_attr attr = { .attr_set = readonly ? MOUNT_ATTR_RDONLY : 0 };
	_cleanup_close_ int fd = open_tree(AT_FDCWD, source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);

	if (fd < 0)
		return perr_set(e, errno, "%s", source);
	if (userns_fd >= 0) {
		attr.attr_set |= MOUNT_ATTR_IDMAP;
		attr.userns_fd = (unsigned long long)userns_fd;
	}
	if (attr.attr_set && mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0) {
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

/* A fresh file system instance from fsopen/fsconfig/fsmount. */
static int fs_new(const char *type, const char *const *opts, unsigned attrs, struct perr *e)
{
	_cleanup_close_ int fsfd = fsopen(type, FSOPEN_CLOEXEC);
	int mfd;

	if (fsfd < 0)
		return perr_set(e, errno, "fsopen %s", type);
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

static int mount_new_at(int rootfd, const char *rel, const char *type, const char *const *opts,
			unsigned attrs, struct perr *e)
{
	_cleanup_close_ int target = dir_in_root(rootfd, rel, e);
	_cleanup_close_ int mfd = -1;

	if (target < 0)
		return -1;
	mfd = fs_new(type, opts, attrs, e);
	if (mfd < 0)
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
static int build_pts(int rootfd, struct perr *e);

static int build_dev(int rootfd, int ruleset, bool mqueue, struct perr *e)
{
	bool basic = ruleset != 1, login = ruleset != 1 && ruleset != 2;
	static const char *const devices[] = { "null", "zero", "full", "random", "urandom", "tty" };
	static const char *const links[][2] = {
		{ "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" }, { "ptmx", "pts/ptmx" },
	};
	static const char *const dev_opts[] = { "mode", "0755", "size", "1m", "nr_inodes", "256", NULL };
	static const char *const shm_opts[] = { "mode", "1777", NULL };
	_cleanup_close_ int devfd = -1;

	if (mount_new_at(rootfd, "dev", "tmpfs", dev_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, e) < 0)
		return -1;
	devfd = open_beneath(rootfd, "dev", O_RDONLY | O_DIRECTORY, e);
	if (devfd < 0)
		return -1;
	if (!basic)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(devices); i++)
		if ((login || strcmp(devices[i], "tty") != 0) && bind_device(devfd, devices[i], e) < 0)
			return -1;
	if (login) {
		for (size_t i = 0; i < ARRAY_SIZE(links); i++)
			if (symlinkat(links[i][1], devfd, links[i][0]) < 0)
				return perr_set(e, errno, "symlink /dev/%s", links[i][0]);
		if (build_pts(rootfd, e) < 0)
			return -1;
	}
	if (mount_new_at(rootfd, "dev/shm", "tmpfs", shm_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, e) < 0)
		return -1;
	if (mqueue && mount_new_at(rootfd, "dev/mqueue", "mqueue", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, e) < 0)
		return -1;
	return 0;
}

static int build_pts(int rootfd, struct perr *e)
{
	static const char *const pts_opts[] = { "newinstance", NULL, "ptmxmode", "0666", "mode", "0620", "gid", "5", NULL };
	struct statfs sfs;

	if (mount_new_at(rootfd, "dev/pts", "devpts", pts_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, e) < 0)
		return -1;
	/* A devpts that is not one (a bind of something else) must not be used. */
	_cleanup_close_ int pts = open_beneath(rootfd, "dev/pts", O_RDONLY | O_DIRECTORY, e);
	if (pts < 0)
		return -1;
	if (fstatfs(pts, &sfs) < 0 || sfs.f_type != DEVPTS_SUPER_MAGIC)
		return perr_setx(e, EINVAL, "/dev/pts is not a devpts file system");
	return 0;
}

/* Host-wide kernel state that a jail has no business reading: each file covered by /dev/null. */
static int mask_proc_files(int procfd, struct perr *e)
{
	static const char *const files[] = {
		"kcore", "keys", "key-users", "timer_list", "sched_debug", "sysrq-trigger",
		"latency_stats", "kpageflags", "kpagecount", "kpagecgroup", "kallsyms", "config.gz",
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
static int hide_proc_dir(int t, const char *name, int *empty, struct perr *e)
{
	static const char *const empty_opts[] = { "size", "0", "mode", "0555", NULL };
	_cleanup_close_ int m = -1;

	if (*empty >= 0) {
		m = open_tree(*empty, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
		if (m < 0)
			return perr_set(e, errno, "hide /proc/%s", name);
		return attach(m, t, name, e);
	}
	m = fs_new("tmpfs", empty_opts, MOUNT_ATTR_RDONLY, e);
	if (m < 0)
		return -1;
	if (attach(m, t, name, e) < 0)
		return -1;
	*empty = open_tree(t, "", OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (*empty < 0)
		return perr_set(e, errno, "/proc/%s", name);
	return 0;
}

static int mask_proc(int rootfd, bool own_net, struct perr *e)
{
	static const char *const dirs[] = { "acpi", "scsi", "irq", "bus", "fs", "sys" };
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
			r = hide_proc_dir(t, dirs[i], &empty, e);
		if (r < 0)
			return -1;
	}
	return 0;
}

static int bind_sys(int rootfd, struct perr *e)
{
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC };
	_cleanup_close_ int target = dir_in_root(rootfd, "sys", e);
	_cleanup_close_ int m = -1;

	if (target < 0)
		return -1;
	/*
	 * Recursive: in a user namespace the kernel refuses to copy a mount
	 * without its (locked) submounts, which would uncover what they hide.
	 */
	m = open_tree(AT_FDCWD, "/sys", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (m < 0 || mount_setattr(m, "", AT_EMPTY_PATH | AT_RECURSIVE, &ro, sizeof(ro)) < 0)
		return perr_set(e, errno, "read-only /sys");
	return attach(m, target, "sys", e);
}

/* Split "a=b,flag,c=d" into fsconfig pairs; mount attributes go to *attrs instead. */
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
		bool flag = false;
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
	return 0;
}

static int mount_extras(int rootfd, const struct mount_extra *x, size_t n, struct perr *e)
{
	static const char *const types[] = { [FS_TMPFS] = "tmpfs", [FS_PROC] = "proc", [FS_OVERLAY] = "overlay" };

	for (size_t i = 0; i < n; i++) {
		_cleanup_close_ int target = open_beneath(rootfd, x[i].rel, O_PATH, e);
		_cleanup_close_ int m = -1;
		if (target < 0)
			return perr_prefix(e, "mount");
		if (x[i].fd >= 0) {
			if (attach(x[i].fd, target, x[i].rel, e) < 0)
				return -1;
			continue;
		}
		const char *pairs[64];
		char store[1024];
		unsigned attrs = MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID;
		if (fs_options(x[i].options, pairs, ARRAY_SIZE(pairs), store, sizeof(store), &attrs) < 0)
			return perr_setx(e, E2BIG, "mount /%s: too many options", x[i].rel);
		if (x[i].readonly)
			attrs |= MOUNT_ATTR_RDONLY;
		m = fs_new(types[x[i].kind], x[i].kind == FS_PROC ? NULL : pairs, attrs, e);
		if (m < 0)
			return perr_prefix(e, "mount /%s", x[i].rel);
		if (attach(m, target, x[i].rel, e) < 0)
			return -1;
	}
	return 0;
}

int mount_build_jail(const struct mount_setup *m, struct perr *e)
{
	static const char *const proc_opts[] = { NULL };

	/* Nothing we mount may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return perr_set(e, errno, "make / private");
	/* Stack the new root over the old one; pivot_root below swaps them. */
	if (move_mount(m->rootfd, "", AT_FDCWD, "/", MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return perr_set(e, errno, "attach the jail's root");
	/* proc first: the kernel lets a user namespace mount proc only while a full one is visible. */
	if (mount_new_at(m->rootfd, "proc", "proc", proc_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, e) < 0)
		return perr_prefix(e, "proc");
	if (build_dev(m->rootfd, m->devfs_ruleset, m->mqueue, e) < 0)
		return -1;
	if (mask_proc(m->rootfd, m->own_net, e) < 0)
		return -1;
	if (bind_sys(m->rootfd, e) < 0)
		return -1;
	/* mount and mount.fstab last, over what the jail's root holds. */
	if (mount_extras(m->rootfd, m->extra, m->nextra, e) < 0)
		return -1;
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
