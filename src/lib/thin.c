#include "thin.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>

#include "base.h"
#include "jailmeta.h"
#include "thick.h"
#include "runtime.h"
#include "util.h"

/* The jail's own directory (path's parent), as a directory fd; nothing on the way may be a link. */
static int open_jail_dir(const char *path, struct perr *e)
{
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	char dir[1024];
	const char *slash = strrchr(path, '/');
	int fd;

	if (path[0] != '/' || !slash || slash == path || !slash[1])
		return perr_setx(e, EINVAL, "path \"%s\": a thin jail's path needs a directory of the jail's own above it",
				 path);
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	fd = (int)syscall(SYS_openat2, AT_FDCWD, dir, &how, sizeof(how));
	if (fd < 0)
		return perr_set(e, errno, "path \"%s\": %s", path, dir);
	return fd;
}

static int mkdir_in(int dirfd, const char *name, mode_t mode, struct perr *e)
{
	struct stat st;

	if (mkdirat(dirfd, name, mode) < 0 && errno != EEXIST)
		return perr_set(e, errno, "mkdir %s", name);
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return perr_set(e, errno, "%s", name);
	if (!S_ISDIR(st.st_mode))
		return perr_setx(e, ENOTDIR, "%s: not a directory", name);
	return 0;
}

/* path defaults to STATEDIR/jails/NAME/root, made with its directory. */
static int default_path(struct paramset *ps, struct perr *e)
{
	const char *name = param_str(ps, P_NAME);
	_cleanup_close_ int jails = -1;
	char path[1024];

	if (!name)
		return perr_setx(e, EINVAL, "base: a thin jail needs a name or a path");
	if (name[0] == '.' || strchr(name, '/'))
		return perr_setx(e, EINVAL, "base: \"%s\": not a name for a directory", name);
	jails = base_statedir("jails", e);
	if (jails < 0 || mkdir_in(jails, name, 0700, e) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/jails/%s/root", runtime_statedir(), name);
	return param_set(ps, P_PATH, path, e);
}

/* Of a jail on a base, as thin_prepare asks only then. */
static bool thick(const struct paramset *ps)
{
	return !thin_jail(ps);
}

/* A thin jail's root and, beside it, the two directories of its layer. */
static int make_dirs(int dir, const char *root, struct perr *e)
{
	if (mkdir_in(dir, root, 0755, e) < 0 || mkdir_in(dir, "upper", 0755, e) < 0 || mkdir_in(dir, "work", 0700, e) < 0)
		return -1;
	return 0;
}

int thin_prepare(struct paramset *ps, struct perr *e)
{
	const char *base = param_str(ps, P_BASE), *type = param_str(ps, P_BASE_TYPE), *root;
	_cleanup_close_ int dir = -1;
	char num[32];
	long gen = 0;

	/* base="" (as jls -s prints an unset base) is no base. */
	if (!base_jail(ps))
		return type && type[0] ? perr_setx(e, EINVAL, "base.type: only for a jail with a base") : 0;
	if (type && strcmp(type, "thin") != 0 && strcmp(type, "thick") != 0)
		return perr_setx(e, EINVAL, "base.type \"%s\": thin or thick", type);
	/* A thin jail needs its base at every start; a thick one only for its first copy. */
	if (!thick(ps) && base_current(base, &gen, e) < 0)
		return -1;
	if (!param_str(ps, P_PATH) && default_path(ps, e) < 0)
		return -1;
	dir = open_jail_dir(param_str(ps, P_PATH), e);
	if (dir < 0)
		return -1;
	root = strrchr(param_str(ps, P_PATH), '/') + 1;
	if (thick(ps) && thick_root(dir, root, base, &gen, e) < 0)
		return -1;
	if (!thick(ps) && make_dirs(dir, root, e) < 0)
		return perr_prefix(e, "base %s", base);
	snprintf(num, sizeof(num), "%ld", gen);
	if (gen > 0 && param_set(ps, P_BASE_GENERATION, num, e) < 0)
		return -1;
	/* What it takes to export the jail when stopped, or to recreate it from an archive (jailmeta.h). */
	return jailmeta_write(dir, ps, thick(ps), gen, e) < 0 ? perr_prefix(e, "base %s", base) : 0;
}

/* A detached, idmapped copy of the directory fd (read-only if asked). */
static int idmapped(int fd, int userns_fd, bool readonly, struct perr *e)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP | (readonly ? MOUNT_ATTR_RDONLY : 0),
				   .userns_fd = (unsigned long long)userns_fd };
	_cleanup_close_ int m = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);

	if (m < 0)
		return perr_set(e, errno, "clone a layer");
	if (mount_setattr(m, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0) {
		if (errno == EINVAL || errno == EOPNOTSUPP)
			return perr_setx(e, ENOTSUP, "the state directory's file system does not support idmapped mounts");
		return perr_set(e, errno, "idmap a layer");
	}
	return TAKE_FD(m);
}

/* The effective set back to the permitted one: setfsuid away from 0 cleared its file capabilities. */
static int raise_caps(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data) < 0)
		return -1;
	data[0].effective = data[0].permitted;
	data[1].effective = data[1].permitted;
	return (int)syscall(SYS_capset, &hdr, data);
}

/*
 * overlayfs does its own work on the layers (the work directory, copy-up)
 * with the credentials of whoever created it.  Through idmapped layers
 * those must map: host root does not (only the jail's range does), so the
 * overlay is created with the file system ids of the jail's root, which
 * the idmap turns into on-disk root, and host root's capabilities.
 */
static int create_as(int fs, unsigned long uid_base, struct perr *e)
{
	int r, err;

	setfsgid((gid_t)uid_base);
	setfsuid((uid_t)uid_base);
	r = raise_caps();
	if (r == 0)
		r = fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0);
	err = errno;
	setfsuid(0);
	setfsgid(0);
	if (r < 0)
		return perr_set(e, err, "create the overlay (thin jails need Linux 6.15 or newer)");
	return 0;
}

static int overlay(int lower, int upper, int work, unsigned long uid_base, struct perr *e)
{
	_cleanup_close_ int fs = fsopen("overlay", FSOPEN_CLOEXEC);
	int m;

	if (fs < 0)
		return perr_set(e, errno, "fsopen overlay");
	/*
	 * Every directory and file of the layer whole, never a pointer into
	 * the base (a redirect, a copy of metadata alone): a directory the
	 * jail makes is then one a child jail can have as its root alone.
	 */
	if (fsconfig(fs, FSCONFIG_SET_STRING, "redirect_dir", "off", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "metacopy", "off", 0) < 0)
		return perr_set(e, errno, "overlay options");
	/*
	 * Layers as descriptors (Linux 6.13) on detached mounts (Linux 6.15):
	 * no path is resolved again, and no layer is ever mounted on the host.
	 */
	if (fsconfig(fs, FSCONFIG_SET_FD, "lowerdir+", NULL, lower) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_FD, "upperdir", NULL, upper) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_FD, "workdir", NULL, work) < 0)
		return perr_set(e, errno, "overlay layers (thin jails need Linux 6.15 or newer)");
	if (create_as(fs, uid_base, e) < 0)
		return -1;
	m = fsmount(fs, FSMOUNT_CLOEXEC, 0);
	if (m < 0)
		return perr_set(e, errno, "fsmount overlay");
	return m;
}

int thin_root(const struct paramset *ps, int userns_fd, unsigned long uid_base, struct perr *e)
{
	const char *base = param_str(ps, P_BASE);
	_cleanup_close_ int tree = -1, lower = -1, dir = -1, own = -1, upper = -1, work = -1;
	int m;

	tree = base_open_tree(base, param_int(ps, P_BASE_GENERATION), e);
	if (tree < 0 || (lower = idmapped(tree, userns_fd, true, e)) < 0)
		return perr_prefix(e, "base %s", base);
	dir = open_jail_dir(param_str(ps, P_PATH), e);
	/* upper and work on one mount, as overlayfs requires. */
	if (dir < 0 || (own = idmapped(dir, userns_fd, false, e)) < 0)
		return perr_prefix(e, "base %s", base);
	upper = openat(own, "upper", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	work = openat(own, "work", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (upper < 0 || work < 0)
		return perr_set(e, errno, "base %s: the jail's layer", base);
	m = overlay(lower, upper, work, uid_base, e);
	return m < 0 ? perr_prefix(e, "base %s", base) : m;
}

/* One directory below dirfd, read-only: no link, no mount crossed. */
static int open_below(int dirfd, const char *name, size_t n)
{
	struct open_how how = { .flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
					   RESOLVE_NO_XDEV };
	char one[NAME_MAX + 1];

	if (n > NAME_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(one, name, n);
	one[n] = '\0';
	return (int)syscall(SYS_openat2, dirfd, one, &how, sizeof(how));
}

static int base_shows(const char *base, struct perr *e)
{
	return perr_setx(e, EPERM, "holds files of base %s: a child's root must be a directory the jail made itself", base);
}

static int layer_error(const char *name, size_t n, struct perr *e)
{
	if (errno == ENOENT)
		return perr_setx(e, ENOENT, "not a directory the jail made (nothing of its own is there)");
	if (errno == ELOOP)
		return perr_setx(e, ELOOP, "contains a symbolic link");
	if (errno == EXDEV)
		return perr_setx(e, EXDEV, "crosses a mount point");
	return perr_set(e, errno, "%.*s", (int)n, name);
}

/*
 * One step down both trees: the layer's directory, and the base's at the
 * same place while it still shows through (*low >= 0).  overlayfs hides
 * the base's below a layer directory marked opaque, and merges a layer
 * directory with the one named by its redirect: such a directory came
 * from the base and is refused.
 */
static int step(int *up, int *low, const char *name, size_t n, const char *base, struct perr *e)
{
	char v[8];
	int next = open_below(*up, name, n), lnext;

	if (next < 0 && errno == ENOENT && *low >= 0 && (lnext = open_below(*low, name, n)) >= 0) {
		close(lnext);
		return base_shows(base, e);
	}
	if (next < 0)
		return layer_error(name, n, e);
	closep(up);
	*up = next;
	if (*low < 0)
		return 0;
	if (fgetxattr(*up, "trusted.overlay.redirect", v, sizeof(v)) >= 0)
		return perr_setx(e, EPERM, "it was moved there from the base");
	if (fgetxattr(*up, "trusted.overlay.opaque", v, sizeof(v)) == 1 && v[0] == 'y') {
		closep(low);
		*low = -1;
		return 0;
	}
	lnext = open_below(*low, name, n);
	if (lnext < 0 && errno != ENOENT && errno != ENOTDIR && errno != ELOOP)
		return perr_set(e, errno, "the base");
	closep(low);
	*low = lnext;
	return 0;
}

int thin_own_dir(const struct paramset *ps, const char *rel, char *host, size_t len, struct perr *e)
{
	const char *base = param_str(ps, P_BASE);
	_cleanup_close_ int dir = -1, up = -1, low = -1;
	char layer[1024];

	if (thin_layer_path(ps, layer, sizeof(layer), e) < 0 || (dir = open_jail_dir(param_str(ps, P_PATH), e)) < 0)
		return -1;
	up = open_below(dir, "upper", 5);
	if (up < 0)
		return perr_set(e, errno, "the jail's layer");
	low = base_open_tree(base, param_int(ps, P_BASE_GENERATION), e);
	if (low < 0)
		return perr_prefix(e, "base %s", base);
	for (const char *p = rel + 1, *end; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, '/');
		if (step(&up, &low, p, (size_t)(end - p), base, e) < 0)
			return -1;
	}
	if (low >= 0)
		return base_shows(base, e);
	if ((size_t)snprintf(host, len, "%s%s", layer, rel) >= len)
		return perr_setx(e, ENAMETOOLONG, "too long");
	return TAKE_FD(up);
}
