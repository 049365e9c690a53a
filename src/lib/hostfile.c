#include "hostfile.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

bool hostfile_dir_trusted(const struct stat *st)
{
	bool others_write = (st->st_mode & S_IWOTH) || ((st->st_mode & S_IWGRP) && st->st_gid != 0);

	return st->st_uid == 0 && (!others_write || (st->st_mode & S_ISVTX));
}

/* One component beneath dir, never through a link (nor "..": it is refused before). */
static int open_component(int dir, const char *name, int flags, mode_t mode)
{
	struct open_how how = { .flags = (unsigned long long)flags | O_CLOEXEC,
				.mode = (flags & O_CREAT) ? mode : 0,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };

	return (int)syscall(SYS_openat2, dir, name, &how, sizeof(how));
}

/* The directory at (the path so far) must be root's alone and outside the jail's tree. */
static int check_dir(int fd, const char *what, const char *path, const char *at, const struct stat *tree,
		     struct perr *e)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return perr_set(e, errno, "%s \"%s\": %s", what, path, at);
	if (tree && st.st_dev == tree->st_dev && st.st_ino == tree->st_ino)
		return perr_setx(e, EPERM, "%s \"%s\": inside the jail's tree", what, path);
	if (!hostfile_dir_trusted(&st))
		return perr_setx(e, EPERM, "%s \"%s\": %s can be changed by users other than root", what, path, at);
	return 0;
}

/* The file opened: a regular file of root's that no other name reaches. */
static int check_file(int fd, const char *what, const char *path, struct perr *e)
{
	struct stat st;
	int fl = fcntl(fd, F_GETFL);

	if (fstat(fd, &st) < 0 || fl < 0)
		return perr_set(e, errno, "%s \"%s\"", what, path);
	if (!S_ISREG(st.st_mode))
		return perr_setx(e, EPERM, "%s \"%s\": not a regular file", what, path);
	if (st.st_uid != 0)
		return perr_setx(e, EPERM, "%s \"%s\": owned by uid %u, not root", what, path, (unsigned)st.st_uid);
	if (st.st_nlink != 1)
		return perr_setx(e, EPERM, "%s \"%s\": has other hard links", what, path);
	if (fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		return perr_set(e, errno, "%s \"%s\"", what, path);
	return 0;
}

static int component_error(int err, const char *what, const char *path, const char *at, struct perr *e)
{
	if (err == ELOOP)
		return perr_setx(e, ELOOP, "%s \"%s\": %s is a symbolic link", what, path, at);
	if (err == EXDEV)
		return perr_setx(e, EXDEV, "%s \"%s\": %s leads out of its directory", what, path, at);
	return perr_set(e, err, "%s \"%s\": %s", what, path, at);
}

/*
 * Open every directory of at (a copy of path) down to the last component's,
 * each checked; *ret_name points at the last component in at.  While it
 * walks, at is cut after the component being opened: the name of what is
 * refused.
 */
static int walk_dirs(const char *what, const char *path, char *at, const struct stat *tree, char **ret_name,
		     struct perr *e)
{
	_cleanup_close_ int dir = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	char *name, *slash;

	*ret_name = at + 1;
	if (dir < 0)
		return perr_set(e, errno, "/");
	if (check_dir(dir, what, path, "/", tree, e) < 0)
		return -1;
	for (name = at + 1; (slash = strchr(name, '/')); name = slash + 1) {
		*slash = '\0';
		if (!strcmp(name, ".") || !strcmp(name, ".."))
			return perr_setx(e, EINVAL, "%s \"%s\": a path with \".\" or \"..\" in it", what, path);
		if (*name) {
			int next = open_component(dir, name, O_PATH | O_DIRECTORY, 0);
			if (next < 0)
				return component_error(errno, what, path, at, e);
			close(dir);
			dir = next;
			if (check_dir(dir, what, path, at, tree, e) < 0)
				return -1;
		}
		*slash = '/';
	}
	*ret_name = name;
	return TAKE_FD(dir);
}

int hostfile_open_append(const char *what, const char *path, const struct stat *tree, struct perr *e)
{
	char at[PATH_MAX], *name;
	_cleanup_close_ int dir = -1;
	int fd;

	if (path[0] != '/' || snprintf(at, sizeof(at), "%s", path) >= (int)sizeof(at))
		return perr_setx(e, EINVAL, "%s \"%s\": not an absolute path", what, path);
	dir = walk_dirs(what, path, at, tree, &name, e);
	if (dir < 0)
		return -1;
	if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
		return perr_setx(e, EINVAL, "%s \"%s\": not a file name", what, path);
	/* Not blocking on a FIFO nobody reads; checked before a byte is written. */
	fd = open_component(dir, name, O_WRONLY | O_APPEND | O_CREAT | O_NOCTTY | O_NONBLOCK, 0640);
	if (fd < 0 && errno == ENXIO)
		return perr_setx(e, ENXIO, "%s \"%s\": not a regular file", what, path);
	if (fd < 0 && errno == ELOOP)
		return component_error(errno, what, path, at, e);
	if (fd < 0)
		return perr_set(e, errno, "%s \"%s\"", what, path);
	if (check_file(fd, what, path, e) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}
