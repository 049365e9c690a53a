#include "hostpath.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "idrange.h"
#include "param.h"
#include "thin.h"
#include "util.h"

bool hostpath_dir_trusted(const struct stat *st)
{
	bool others_write = (st->st_mode & S_IWOTH) || ((st->st_mode & S_IWGRP) && st->st_gid != 0);

	return st->st_uid == 0 && (!others_write || (st->st_mode & S_ISVTX));
}

/* Owned by one of the ids the jails' user namespaces map: the pool of idrange.h. */
static bool jail_id(unsigned long id)
{
	return id >= IDRANGE_POOL_FIRST && id < IDRANGE_POOL_END;
}

/* HOSTPATH_HOST_READS: the directory at may hold what the host reads, if no jail can have chosen its entries. */
static int check_no_jail_writes(const struct stat *st, const char *at, struct perr *e)
{
	if (jail_id(st->st_uid))
		return perr_setx(e, EPERM, "is below %s, which a jail can write (owner %lu is a jail's user)", at,
				 (unsigned long)st->st_uid);
	if ((st->st_mode & S_IWGRP) && jail_id(st->st_gid))
		return perr_setx(e, EPERM, "is below %s, which a jail can write (group %lu is a jail's group)", at,
				 (unsigned long)st->st_gid);
	/* In a sticky directory only an entry's owner may move it, and a jail's entry is caught above. */
	if ((st->st_mode & S_IWOTH) && !(st->st_mode & S_ISVTX))
		return perr_setx(e, EPERM, "is below %s, which everyone can write", at);
	return 0;
}

static int check_tree(const struct stat *st, const struct hostpath_trees *t, struct perr *e)
{
	for (size_t i = 0; t && i < t->n; i++)
		if (t->t[i].dev == st->st_dev && t->t[i].ino == st->st_ino)
			return perr_setx(e, EPERM, "is inside the tree of jail %s", t->t[i].name);
	return 0;
}

/* The directory fd, reached by at, is about to have its next component looked up: may it? */
static int check_dir(int fd, enum hostpath_rule rule, const struct hostpath_trees *t, const char *at,
		     struct perr *e)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return perr_set(e, errno, "%s", at);
	if (check_tree(&st, t, e) < 0)
		return -1;
	if (rule == HOSTPATH_HOST_READS)
		return check_no_jail_writes(&st, at, e);
	if (!hostpath_dir_trusted(&st))
		return perr_setx(e, EPERM, "%s can be changed by users other than root", at);
	return 0;
}

/* One component beneath dir, never through a link (nor "..": it is refused before). */
static int open_component(int dir, const char *name, int flags, mode_t mode)
{
	struct open_how how = { .flags = (unsigned long long)flags | O_CLOEXEC,
				.mode = (flags & O_CREAT) ? mode : 0,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };

	return (int)syscall(SYS_openat2, dir, name, &how, sizeof(how));
}

static int component_error(int err, const char *at, struct perr *e)
{
	if (err == ELOOP)
		return perr_setx(e, ELOOP, "%s is a symbolic link", at);
	if (err == EXDEV)
		return perr_setx(e, EXDEV, "%s leads out of its directory", at);
	return perr_set(e, err, "%s", at);
}

/*
 * Open every directory of at (a copy of the path, no trailing slash) down
 * to the last component's, each checked before anything is looked up in
 * it; *ret_name points at the last component in at.  While it walks, at is
 * cut after the component being opened: the name of what is refused.
 */
static int walk_dirs(char *at, enum hostpath_rule rule, const struct hostpath_trees *t, char **ret_name,
		     struct perr *e)
{
	_cleanup_close_ int dir = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	char *name, *slash;

	*ret_name = at + 1;
	if (dir < 0)
		return perr_set(e, errno, "/");
	if (check_dir(dir, rule, t, "/", e) < 0)
		return -1;
	for (name = at + 1; (slash = strchr(name, '/')); name = slash + 1) {
		*slash = '\0';
		if (*name) {
			int next = open_component(dir, name, O_PATH | O_DIRECTORY, 0);
			if (next < 0)
				return component_error(errno, at, e);
			close(dir);
			dir = next;
			if (check_dir(dir, rule, t, at, e) < 0)
				return -1;
		}
		*slash = '/';
	}
	*ret_name = name;
	return TAKE_FD(dir);
}

/* The file host root appends to: a regular file of root's that no other name reaches. */
static int check_file(int fd, struct perr *e)
{
	struct stat st;
	int fl = fcntl(fd, F_GETFL);

	if (fstat(fd, &st) < 0 || fl < 0)
		return perr_set(e, errno, "fstat");
	if (!S_ISREG(st.st_mode))
		return perr_setx(e, EPERM, "not a regular file");
	if (st.st_uid != 0)
		return perr_setx(e, EPERM, "owned by uid %u, not root", (unsigned)st.st_uid);
	if (st.st_nlink != 1)
		return perr_setx(e, EPERM, "has other hard links");
	if (fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		return perr_set(e, errno, "fcntl");
	return 0;
}

static int open_append(int dir, const char *name, const char *at, struct perr *e)
{
	/* Not blocking on a FIFO nobody reads; checked before a byte is written. */
	int fd = open_component(dir, name, O_WRONLY | O_APPEND | O_CREAT | O_NOCTTY | O_NONBLOCK, 0640);

	if (fd < 0 && errno == ENXIO)
		return perr_setx(e, ENXIO, "not a regular file");
	if (fd < 0)
		return component_error(errno, at, e);
	if (check_file(fd, e) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* What the host reads: the path's end, itself no jail's root ("/" is the directory walked). */
static int open_read(int dir, const char *name, const char *at, const struct hostpath_trees *t, struct perr *e)
{
	int fd = *name ? open_component(dir, name, O_PATH, 0) : fcntl(dir, F_DUPFD_CLOEXEC, 3);
	struct stat st;

	if (fd < 0)
		return component_error(errno, at, e);
	if (fstat(fd, &st) < 0) {
		perr_set(e, errno, "%s", at);
		close(fd);
		return -1;
	}
	if (check_tree(&st, t, e) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* "." and ".." are refused, whatever they would resolve to: the path names what the host opens. */
static bool dot_component(const char *path)
{
	for (const char *p = path; *p; p += strcspn(p, "/")) {
		size_t len;
		p += strspn(p, "/");
		len = strcspn(p, "/");
		if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			return true;
	}
	return false;
}

int hostpath_open(const char *path, enum hostpath_rule rule, const struct hostpath_trees *t, struct perr *e)
{
	char at[PATH_MAX], *name;
	size_t len;

	if (path[0] != '/' || snprintf(at, sizeof(at), "%s", path) >= (int)sizeof(at))
		return perr_setx(e, EINVAL, "not an absolute path");
	if (dot_component(path))
		return perr_setx(e, EINVAL, "a path with \".\" or \"..\" in it");
	for (len = strlen(at); len > 1 && at[len - 1] == '/'; len--)
		at[len - 1] = '\0';
	if (rule == HOSTPATH_ROOT_CREATES && len != strlen(path))
		return perr_setx(e, EINVAL, "not a file name");
	_cleanup_close_ int dir = walk_dirs(at, rule, t, &name, e);
	if (dir < 0)
		return -1;
	if (rule == HOSTPATH_HOST_READS)
		return open_read(dir, name, at, t, e);
	if (!*name)
		return perr_setx(e, EINVAL, "not a file name");
	return open_append(dir, name, at, e);
}

static int add_tree(struct hostpath_trees *t, int fd, const char *name)
{
	struct stat st;
	struct hostpath_tree *nt;

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

/* path=/ is the host's tree: everything is below it, and it is no jail's to write. */
static bool host_tree(int fd)
{
	struct stat st, host;

	return fstat(fd, &st) < 0 || stat("/", &host) < 0 || (st.st_dev == host.st_dev && st.st_ino == host.st_ino);
}

/* A jail's directory as the host names it, no link followed (none when it is gone). */
static int add_dir(struct hostpath_trees *t, const char *path, const char *name)
{
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	_cleanup_close_ int fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));

	return add_tree(t, fd, name);
}

int hostpath_trees_list(struct hostpath_trees *t, struct registry *reg, int own_pathfd, const char *own_name,
			struct perr *e)
{
	struct jail_record *list = NULL;
	size_t n = 0;
	int r = 0;

	t->t = NULL;
	t->n = 0;
	if (registry_list(reg, &list, &n, e) < 0)
		return -1;
	for (size_t i = 0; i < n && r == 0; i++) {
		const char *path = param_str(&list[i].params, P_PATH);
		struct perr none = { 0 };
		char layer[1024];
		if (!path || strcmp(path, "/") == 0)
			continue;
		r = add_dir(t, path, list[i].name);
		/*
		 * A thin jail's path is only where its overlay stands; what its
		 * root writes, as the files' on-disk owner, is its layer.
		 */
		if (r == 0 && thin_jail(&list[i].params) && thin_layer_path(&list[i].params, layer, sizeof(layer), &none) == 0)
			r = add_dir(t, layer, list[i].name);
	}
	registry_free_list(list, n);
	if (r == 0 && own_pathfd >= 0 && !host_tree(own_pathfd))
		r = add_tree(t, own_pathfd, own_name);
	if (r < 0) {
		hostpath_trees_free(t);
		return perr_set(e, ENOMEM, "jail trees");
	}
	return 0;
}

void hostpath_trees_free(struct hostpath_trees *t)
{
	free(t->t);
	t->t = NULL;
	t->n = 0;
}
