#include "tree.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "util.h"

#define TREE_MAX_DEPTH 256

/* A file with more than one link, seen once: later links to it are made with linkat. */
struct tree_link {
	dev_t dev;
	ino_t ino;
	char *rel; /* its path below the copy's top */
};

struct tree_copy {
	int topfd; /* the copy's top directory */
	dev_t dev; /* the source's file system: the copy does not cross into another */
	bool keep_setuid;
	struct tree_link *links;
	size_t nlinks, cap;
	struct perr *e;
};

/* Data: a shared extent where the file system can, else an in-kernel copy, else read and write. */
static int copy_data(int in, int out, off_t size)
{
	char buf[65536];
	ssize_t n;

	if (ioctl(out, FICLONE, in) == 0)
		return 0;
	while (size > 0) {
		n = copy_file_range(in, NULL, out, NULL, (size_t)size, 0);
		if (n <= 0)
			break;
		size -= n;
	}
	if (size <= 0)
		return 0;
	/* Another file system (EXDEV) or none of the above: the rest by hand, from where it stopped. */
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write_all(out, buf, (size_t)n) < 0)
			return -1;
	return n < 0 ? -1 : 0;
}

static mode_t kept_mode(const struct tree_copy *t, const struct stat *st)
{
	mode_t m = st->st_mode & 07777;

	if (!t->keep_setuid && !S_ISDIR(st->st_mode))
		m &= (mode_t)~(S_ISUID | S_ISGID);
	return m;
}

/* Owner, then mode (chown clears setuid), then times. */
static int copy_meta(const struct tree_copy *t, int fd, const struct stat *st, const char *rel)
{
	struct timespec times[2] = { st->st_atim, st->st_mtim };

	if (fchown(fd, st->st_uid, st->st_gid) < 0 || fchmod(fd, kept_mode(t, st)) < 0 || futimens(fd, times) < 0)
		return perr_set(t->e, errno, "%s", rel);
	return 0;
}

/* 1 if the file was linked to an earlier copy of itself, 0 if it is new (and now known), -1 on error. */
static int copy_hardlink(struct tree_copy *t, int dstfd, const char *name, const struct stat *st, const char *rel)
{
	if (st->st_nlink < 2)
		return 0;
	for (size_t i = 0; i < t->nlinks; i++)
		if (t->links[i].dev == st->st_dev && t->links[i].ino == st->st_ino) {
			if (linkat(t->topfd, t->links[i].rel, dstfd, name, 0) < 0)
				return perr_set(t->e, errno, "%s", rel);
			return 1;
		}
	if (t->nlinks == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct tree_link *l = realloc(t->links, cap * sizeof(*l));
		if (!l)
			return perr_set(t->e, ENOMEM, "%s", rel);
		t->links = l;
		t->cap = cap;
	}
	t->links[t->nlinks].rel = strdup(rel);
	if (!t->links[t->nlinks].rel)
		return perr_set(t->e, ENOMEM, "%s", rel);
	t->links[t->nlinks].dev = st->st_dev;
	t->links[t->nlinks++].ino = st->st_ino;
	return 0;
}

static int copy_file(struct tree_copy *t, int srcfd, int dstfd, const char *name, const struct stat *st,
		     const char *rel)
{
	_cleanup_close_ int in = -1, out = -1;
	int linked = copy_hardlink(t, dstfd, name, st, rel);

	if (linked != 0)
		return linked < 0 ? -1 : 0;
	in = openat(srcfd, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (in < 0)
		return perr_set(t->e, errno, "%s", rel);
	out = openat(dstfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0 || copy_data(in, out, st->st_size) < 0)
		return perr_set(t->e, errno, "%s", rel);
	return copy_meta(t, out, st, rel);
}

static int copy_symlink(const struct tree_copy *t, int srcfd, int dstfd, const char *name, const struct stat *st,
			const char *rel)
{
	char target[4096];
	ssize_t n = readlinkat(srcfd, name, target, sizeof(target) - 1);
	struct timespec times[2] = { st->st_atim, st->st_mtim };

	if (n < 0)
		return perr_set(t->e, errno, "%s", rel);
	target[n] = '\0';
	if (symlinkat(target, dstfd, name) < 0 || fchownat(dstfd, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0 ||
	    utimensat(dstfd, name, times, AT_SYMLINK_NOFOLLOW) < 0)
		return perr_set(t->e, errno, "%s", rel);
	return 0;
}

static int copy_dir(struct tree_copy *t, int srcfd, int dstfd, const char *rel, int depth);

static int copy_subdir(struct tree_copy *t, int srcfd, int dstfd, const char *name, const struct stat *st,
		       const char *rel, int depth)
{
	_cleanup_close_ int in = -1, out = -1;

	if (st->st_dev != t->dev)
		return mkdirat(dstfd, name, 0755) < 0 ? perr_set(t->e, errno, "%s", rel) : 0;
	in = openat(srcfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0 || mkdirat(dstfd, name, 0700) < 0)
		return perr_set(t->e, errno, "%s", rel);
	out = openat(dstfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (out < 0)
		return perr_set(t->e, errno, "%s", rel);
	if (copy_dir(t, in, out, rel, depth + 1) < 0)
		return -1;
	return copy_meta(t, out, st, rel);
}

static int copy_entry(struct tree_copy *t, int srcfd, int dstfd, const char *name, const char *parent, int depth)
{
	char rel[4096];
	struct stat st;

	if (snprintf(rel, sizeof(rel), "%s%s%s", parent, parent[0] ? "/" : "", name) >= (int)sizeof(rel))
		return perr_setx(t->e, ENAMETOOLONG, "%s/%s: path too long", parent, name);
	if (fstatat(srcfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return perr_set(t->e, errno, "%s", rel);
	if (S_ISDIR(st.st_mode))
		return copy_subdir(t, srcfd, dstfd, name, &st, rel, depth);
	if (S_ISREG(st.st_mode))
		return copy_file(t, srcfd, dstfd, name, &st, rel);
	if (S_ISLNK(st.st_mode))
		return copy_symlink(t, srcfd, dstfd, name, &st, rel);
	return 0; /* devices, FIFOs, sockets: a base has none */
}

static int copy_dir(struct tree_copy *t, int srcfd, int dstfd, const char *rel, int depth)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;

	if (depth > TREE_MAX_DEPTH)
		return perr_setx(t->e, ELOOP, "%s: more than %d levels deep", rel, TREE_MAX_DEPTH);
	d = opendir_at(srcfd);
	if (!d)
		return perr_set(t->e, errno, "%s", rel[0] ? rel : ".");
	while ((errno = 0, de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0 &&
		    copy_entry(t, srcfd, dstfd, de->d_name, rel, depth) < 0)
			return -1;
	return errno ? perr_set(t->e, errno, "%s", rel[0] ? rel : ".") : 0;
}

int tree_copy(int srcfd, int dstfd, bool keep_setuid, struct perr *e)
{
	struct tree_copy t = { .topfd = dstfd, .keep_setuid = keep_setuid, .e = e };
	struct stat st;
	int r;

	if (fstat(srcfd, &st) < 0)
		return perr_set(e, errno, "stat");
	t.dev = st.st_dev;
	r = copy_dir(&t, srcfd, dstfd, "", 0);
	if (r == 0)
		r = copy_meta(&t, dstfd, &st, ".");
	for (size_t i = 0; i < t.nlinks; i++)
		free(t.links[i].rel);
	free(t.links);
	return r;
}

static int remove_dir(int dirfd, const char *name, int depth, struct perr *e);

static int remove_contents(int fd, const char *name, int depth, struct perr *e)
{
	_cleanup_closedir_ DIR *d = opendir_at(fd);
	struct dirent *de;

	if (!d)
		return perr_set(e, errno, "%s", name);
	while ((errno = 0, de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		struct stat st;
		bool dir = de->d_type == DT_DIR ||
			   (de->d_type == DT_UNKNOWN && fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISDIR(st.st_mode));
		if (dir ? remove_dir(fd, de->d_name, depth + 1, e) < 0
			: unlinkat(fd, de->d_name, 0) < 0 && errno != ENOENT && perr_set(e, errno, "remove %s", de->d_name))
			return -1;
	}
	return errno ? perr_set(e, errno, "%s", name) : 0;
}

static int remove_dir(int dirfd, const char *name, int depth, struct perr *e)
{
	_cleanup_close_ int fd = -1;

	if (depth > TREE_MAX_DEPTH)
		return perr_setx(e, ELOOP, "%s: more than %d levels deep", name, TREE_MAX_DEPTH);
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		/* A symbolic link or a file where a directory was: only the name goes. */
		if ((errno == ENOTDIR || errno == ELOOP) && unlinkat(dirfd, name, 0) == 0)
			return 0;
		return perr_set(e, errno, "remove %s", name);
	}
	if (remove_contents(fd, name, depth, e) < 0)
		return -1;
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return perr_set(e, errno, "remove %s", name);
	return 0;
}

int tree_remove(int dirfd, const char *name, struct perr *e)
{
	return remove_dir(dirfd, name, 0, e);
}
