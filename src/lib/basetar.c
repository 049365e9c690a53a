/*
 * A root file system tarball, unpacked into a base under construction.
 * The archive is hostile input: every entry is checked before libarchive
 * writes it, and libarchive's own guards are on as a second wall.
 */
#include "basetar.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

/* Relative, and no ".." component: the entry stays below the top whatever the tree holds. */
bool basetar_name_inside(const char *p)
{
	if (!p || !p[0] || p[0] == '/')
		return false;
	for (const char *c = p; c; c = strchr(c, '/')) {
		if (*c == '/')
			c++;
		if (strncmp(c, "..", 2) == 0 && (c[2] == '/' || c[2] == '\0'))
			return false;
	}
	return true;
}

/* 1: write it; 0: leave it out (devices, FIFOs, sockets); -1: refuse the archive. */
static int entry_check(struct archive_entry *ent, bool keep_setuid, struct perr *e)
{
	const char *name = archive_entry_pathname(ent), *hard = archive_entry_hardlink(ent);
	mode_t type = archive_entry_filetype(ent);

	if (!basetar_name_inside(name))
		return perr_setx(e, EPERM, "\"%s\": a path outside the base (absolute or with \"..\")", name ? name : "");
	if (hard && !basetar_name_inside(hard))
		return perr_setx(e, EPERM, "\"%s\": a hard link to \"%s\", outside the base", name, hard);
	if (type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK)
		return 0;
	if (!keep_setuid && type != AE_IFDIR)
		archive_entry_set_perm(ent, archive_entry_perm(ent) & (mode_t)~(S_ISUID | S_ISGID));
	return 1;
}

int basetar_copy_data(struct archive *in, struct archive *out, struct perr *e)
{
	const void *buf;
	size_t len;
	la_int64_t off;
	int r;

	while ((r = archive_read_data_block(in, &buf, &len, &off)) == ARCHIVE_OK)
		if (archive_write_data_block(out, buf, len, off) != ARCHIVE_OK)
			return perr_setx(e, archive_errno(out) > 0 ? archive_errno(out) : EIO, "%s",
					 archive_error_string(out));
	if (r != ARCHIVE_EOF)
		return perr_setx(e, archive_errno(in) > 0 ? archive_errno(in) : EINVAL, "%s", archive_error_string(in));
	return 0;
}

static int extract_all(struct archive *in, struct archive *out, bool keep_setuid, struct perr *e)
{
	struct archive_entry *ent;
	int r;

	while ((r = archive_read_next_header(in, &ent)) == ARCHIVE_OK) {
		int ok = entry_check(ent, keep_setuid, e);
		if (ok < 0)
			return -1;
		if (ok == 0)
			continue;
		if (archive_write_header(out, ent) != ARCHIVE_OK)
			return perr_setx(e, archive_errno(out) > 0 ? archive_errno(out) : EPERM, "\"%s\": %s",
					 archive_entry_pathname(ent), archive_error_string(out));
		if (archive_entry_size(ent) > 0 && basetar_copy_data(in, out, e) < 0)
			return perr_prefix(e, "\"%s\"", archive_entry_pathname(ent));
		if (archive_write_finish_entry(out) != ARCHIVE_OK)
			return perr_setx(e, archive_errno(out) > 0 ? archive_errno(out) : EIO, "\"%s\": %s",
					 archive_entry_pathname(ent), archive_error_string(out));
	}
	if (r != ARCHIVE_EOF)
		return perr_setx(e, archive_errno(in) > 0 ? archive_errno(in) : EINVAL, "%s", archive_error_string(in));
	return 0;
}

/* The archive, opened as a regular file only: a FIFO or a device would hang or never end. */
int basetar_open(const char *path, struct perr *e)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return perr_set(e, errno, "%s", path);
	if (!S_ISREG(st.st_mode))
		return perr_setx(e, EINVAL, "%s: not a regular file", path);
	if (fcntl(fd, F_SETFL, 0) < 0)
		return perr_set(e, errno, "%s", path);
	return TAKE_FD(fd);
}

/*
 * libarchive writes below the working directory: it is moved to dstfd for
 * the extraction and back after it.  The commands are single-threaded.
 */
static int extract_in(int dstfd, struct archive *in, struct archive *out, bool keep_setuid, struct perr *e)
{
	_cleanup_close_ int here = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int r;

	if (here < 0 || fchdir(dstfd) < 0)
		return perr_set(e, errno, "chdir");
	r = extract_all(in, out, keep_setuid, e);
	if (archive_write_close(out) != ARCHIVE_OK && r == 0)
		r = perr_setx(e, archive_errno(out) > 0 ? archive_errno(out) : EIO, "%s", archive_error_string(out));
	if (fchdir(here) < 0 && r == 0)
		r = perr_set(e, errno, "chdir back");
	return r;
}

int basetar_extract(const char *path, int dstfd, bool keep_setuid, struct perr *e)
{
	/* Owners as numbers (a foreign root's names mean nothing here); never through a link; never out. */
	const int flags = ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_XATTR |
			  ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
			  ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS | ARCHIVE_EXTRACT_NO_OVERWRITE;
	_cleanup_close_ int fd = basetar_open(path, e);
	struct archive *in, *out;
	int r = -1;

	if (fd < 0)
		return -1;
	in = archive_read_new();
	out = archive_write_disk_new();
	if (!in || !out) {
		perr_set(e, ENOMEM, "%s", path);
		goto done;
	}
	archive_read_support_filter_all(in);
	archive_read_support_format_tar(in);
	archive_read_support_format_cpio(in);
	archive_write_disk_set_options(out, flags);
	if (archive_read_open_fd(in, fd, 65536) != ARCHIVE_OK) {
		perr_setx(e, EINVAL, "%s: %s", path, archive_error_string(in));
		goto done;
	}
	r = extract_in(dstfd, in, out, keep_setuid, e);
	if (r < 0)
		perr_prefix(e, "%s", path);
done:
	if (in)
		archive_read_free(in);
	if (out)
		archive_write_free(out);
	return r;
}
