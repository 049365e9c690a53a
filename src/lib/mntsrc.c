#include "mntsrc.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fstab.h"
#include "idrange.h"
#include "jailproc.h"
#include "util.h"

/* A jail's root, by identity: a path that reaches it another way (a bind mount) is still inside. */
struct jail_tree {
	dev_t dev;
	ino_t ino;
	char name[256];
};

struct trees {
	struct jail_tree *t;
	size_t n;
};

/* Owned by one of the ids the jails' user namespaces map: the pool of idrange.h. */
static bool jail_id(unsigned long id)
{
	return id >= IDRANGE_POOL_FIRST && id < IDRANGE_POOL_END;
}

static int open_step(int dirfd, const char *name)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
}

/* dir (at path, len bytes of it) holds the next component: may a jail have chosen it? */
static int check_parent(const struct stat *st, const char *path, size_t len, struct perr *e)
{
	int n = len ? (int)len : 1;

	if (jail_id(st->st_uid))
		return perr_setx(e, EPERM, "is below %.*s, which a jail can write (owner %lu is a jail's user)", n,
				 path, (unsigned long)st->st_uid);
	if ((st->st_mode & S_IWGRP) && jail_id(st->st_gid))
		return perr_setx(e, EPERM, "is below %.*s, which a jail can write (group %lu is a jail's group)", n,
				 path, (unsigned long)st->st_gid);
	/* In a sticky directory only an entry's owner may move it, and a jail's entry is caught above. */
	if ((st->st_mode & S_IWOTH) && !(st->st_mode & S_ISVTX))
		return perr_setx(e, EPERM, "is below %.*s, which everyone can write", n, path);
	return 0;
}

static int check_tree(const struct stat *st, const struct trees *t, struct perr *e)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->t[i].dev == st->st_dev && t->t[i].ino == st->st_ino)
			return perr_setx(e, EPERM, "is inside the tree of jail %s", t->t[i].name);
	return 0;
}

/*
 * path, absolute, opened from the host's / one component at a time with
 * no symbolic link followed; every directory on the way is checked before
 * the next component is looked up in it, through the fd just opened.
 */
static int open_source(const char *path, const struct trees *t, struct perr *e)
{
	_cleanup_close_ int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	const char *p = path;
	struct stat st;

	if (path[0] != '/')
		return perr_setx(e, EINVAL, "not an absolute path");
	if (fd < 0)
		return perr_set(e, errno, "/");
	for (;;) {
		size_t len, dirlen = (size_t)(p - path);
		char name[256];
		int next;
		if (fstat(fd, &st) < 0)
			return perr_set(e, errno, "%.*s", (int)(p - path), path);
		if (check_tree(&st, t, e) < 0)
			return -1;
		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (len == 0)
			return TAKE_FD(fd);
		if (len >= sizeof(name))
			return perr_setx(e, ENAMETOOLONG, "a component is too long");
		memcpy(name, p, len);
		name[len] = '\0';
		if (strcmp(name, "..") == 0)
			return perr_setx(e, EINVAL, "'..' is not allowed");
		if (S_ISDIR(st.st_mode) && check_parent(&st, path, dirlen, e) < 0)
			return -1;
		next = open_step(fd, name);
		if (next < 0 && errno == ELOOP)
			return perr_setx(e, ELOOP, "is or passes through a symbolic link");
		if (next < 0)
			return perr_set(e, errno, "%.*s", (int)(p + len - path), path);
		close(fd);
		fd = next;
		p += len;
	}
}

static int source_fd(const char *path, const struct trees *t, const char *target, struct perr *e)
{
	int fd = open_source(path, t, e);

	if (fd < 0)
		return perr_prefix(e, "mount %s: source %s", target, path);
	return fd;
}

/* One layer of an overlay: slot i of x (lower..., upper, work), opened as a source is. */
static int overlay_layer(struct mount_extra *x, int i, const char *dir, const struct trees *t, const char *target,
			 struct perr *e)
{
	int *slot = i < MOUNT_MAX_LOWER ? &x->lower[i] : i == MOUNT_MAX_LOWER ? &x->upper : &x->work;

	if (strlen(dir) >= sizeof(x->layer[i]))
		return perr_setx(e, ENAMETOOLONG, "mount %s: overlay layer %s: too long", target, dir);
	snprintf(x->layer[i], sizeof(x->layer[i]), "%s", dir);
	if (i >= MOUNT_MAX_LOWER && *slot >= 0)
		close(*slot);
	*slot = source_fd(dir, t, target, e);
	return *slot < 0 ? -1 : 0;
}

/* lowerdir=a:b (in order), upperdir=c or workdir=d: each directory opened. */
static int overlay_dirs(struct mount_extra *x, char *o, const struct trees *t, const char *target, struct perr *e)
{
	bool lower = o[0] == 'l';
	char *v = strchr(o, '=') + 1;

	if (strchr(v, '\\'))
		return perr_setx(e, EINVAL, "mount %s: overlay option %s: escaped characters are not supported", target, o);
	if (!lower)
		return overlay_layer(x, o[0] == 'u' ? MOUNT_MAX_LOWER : MOUNT_MAX_LOWER + 1, v, t, target, e);
	for (char *save = NULL, *d = strtok_r(v, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		if (x->nlower == MOUNT_MAX_LOWER)
			return perr_setx(e, E2BIG, "mount %s: more than %d lower layers", target, MOUNT_MAX_LOWER);
		if (overlay_layer(x, x->nlower, d, t, target, e) < 0)
			return -1;
		x->nlower++;
	}
	return 0;
}

/* lowerdir=a:b,upperdir=c,workdir=d: each directory opened, the other options kept in order. */
static int overlay_layers(struct mount_extra *x, const struct trees *t, const char *target, struct perr *e)
{
	char opts[sizeof(x->options)], kept[sizeof(x->options)] = "";
	size_t klen = 0;

	snprintf(opts, sizeof(opts), "%s", x->options);
	for (char *save = NULL, *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		if (strncmp(o, "lowerdir=", 9) == 0 || strncmp(o, "upperdir=", 9) == 0 || strncmp(o, "workdir=", 8) == 0) {
			if (overlay_dirs(x, o, t, target, e) < 0)
				return -1;
			continue;
		}
		/* Layers added one by one name paths the kernel would look up itself. */
		if (strstr(o, "dir+="))
			return perr_setx(e, EINVAL, "mount %s: overlay option %s: give the layers in lowerdir", target, o);
		klen += (size_t)snprintf(kept + klen, sizeof(kept) - klen, "%s%s", klen ? "," : "", o);
	}
	if (x->nlower == 0)
		return perr_setx(e, EINVAL, "mount %s: overlay needs lowerdir", target);
	snprintf(x->options, sizeof(x->options), "%s", kept);
	return 0;
}

static int add_tree(struct trees *t, int fd, const char *name)
{
	struct stat st;
	struct jail_tree *nt;

	if (fd < 0 || fstat(fd, &st) < 0)
		return 0; /* a jail whose path is gone has no tree to protect */
	nt = realloc(t->t, (t->n + 1) * sizeof(*t->t));
	if (!nt)
		return -1;
	t->t = nt;
	t->t[t->n].dev = st.st_dev;
	t->t[t->n].ino = st.st_ino;
	snprintf(t->t[t->n].name, sizeof(t->t[t->n].name), "%s", name);
	t->n++;
	return 0;
}

static int list_trees(struct registry *reg, int own_pathfd, const char *own_name, struct trees *t, struct perr *e)
{
	struct jail_record *list = NULL;
	size_t n = 0;
	int r = 0;

	if (registry_list(reg, &list, &n, e) < 0)
		return -1;
	for (size_t i = 0; i < n && r == 0; i++) {
		const char *path = param_str(&list[i].params, P_PATH);
		struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
					.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
		if (!path || strcmp(path, "/") == 0)
			continue;
		_cleanup_close_ int fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
		r = add_tree(t, fd, list[i].name);
	}
	registry_free_list(list, n);
	if (r == 0) {
		struct stat st, host;
		/* path=/ is the host's tree: everything is below it, and it is no jail's to write. */
		if (fstat(own_pathfd, &st) == 0 && stat("/", &host) == 0 && (st.st_dev != host.st_dev || st.st_ino != host.st_ino))
			r = add_tree(t, own_pathfd, own_name);
	}
	return r < 0 ? perr_set(e, ENOMEM, "mount") : 0;
}

int mount_sources_open(struct mount_plan *p, struct registry *reg, int own_pathfd, const char *own_name, struct perr *e)
{
	struct trees t = { 0 };
	int r = 0;
	bool any = false;

	for (size_t i = 0; i < p->n; i++)
		any |= p->m[i].kind == FS_BIND || p->m[i].kind == FS_OVERLAY;
	if (!any)
		return 0;
	if (list_trees(reg, own_pathfd, own_name, &t, e) < 0) {
		free(t.t);
		return -1;
	}
	for (size_t i = 0; i < p->n && r == 0; i++) {
		struct mount_extra *x = &p->m[i];
		if (x->kind == FS_BIND)
			r = (x->srcfd = source_fd(x->source, &t, p->target[i], e)) < 0 ? -1 : 0;
		else if (x->kind == FS_OVERLAY)
			r = overlay_layers(x, &t, p->target[i], e);
	}
	free(t.t);
	return r;
}
