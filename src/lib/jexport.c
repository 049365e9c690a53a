/* A stopped jail on a base, written as one archive (jarchive.h). */
#include "jarchive.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base.h"
#include "jailmeta.h"
#include "jail.h"
#include "jexport.h"
#include "registry.h"
#include "runtime.h"
#include "util.h"

bool jarchive_xattr_kept(const char *name, bool keep_caps)
{
	static const char *const overlay[] = { "trusted.overlay.opaque", "trusted.overlay.redirect",
					       "trusted.overlay.whiteout", "trusted.overlay.whiteouts" };

	if (strncmp(name, "user.", 5) == 0)
		return true;
	for (size_t i = 0; i < sizeof(overlay) / sizeof(overlay[0]); i++)
		if (strcmp(name, overlay[i]) == 0)
			return true;
	return keep_caps && strcmp(name, "security.capability") == 0;
}

void jarchive_filter_xattrs(struct archive_entry *ent, bool keep_caps)
{
	struct { char *name; void *value; size_t len; } kept[64];
	const char *name;
	const void *value;
	size_t len, n = 0;

	archive_entry_xattr_reset(ent);
	while (archive_entry_xattr_next(ent, &name, &value, &len) == ARCHIVE_OK && n < 64) {
		if (!jarchive_xattr_kept(name, keep_caps))
			continue;
		kept[n].name = strdup(name);
		kept[n].value = malloc(len ? len : 1);
		if (!kept[n].name || !kept[n].value) {
			free(kept[n].name);
			free(kept[n].value);
			continue;
		}
		memcpy(kept[n].value, value, len);
		kept[n++].len = len;
	}
	archive_entry_xattr_clear(ent);
	for (size_t i = 0; i < n; i++) {
		archive_entry_xattr_add_entry(ent, kept[i].name, kept[i].value, kept[i].len);
		free(kept[i].name);
		free(kept[i].value);
	}
}

static int write_error(struct archive *a, const char *what, struct perr *e)
{
	return perr_setx(e, archive_errno(a) > 0 ? archive_errno(a) : EIO, "%s: %s", what, archive_error_string(a));
}

/* A small regular file of the archive's own, from text. */
static int write_text(struct archive *a, const char *name, const char *text, struct perr *e)
{
	struct archive_entry *ent = archive_entry_new();
	size_t len = strlen(text);
	int r = 0;

	archive_entry_set_pathname(ent, name);
	archive_entry_set_filetype(ent, AE_IFREG);
	archive_entry_set_perm(ent, 0600);
	archive_entry_set_size(ent, (la_int64_t)len);
	archive_entry_set_mtime(ent, time(NULL), 0);
	if (archive_write_header(a, ent) != ARCHIVE_OK || archive_write_data(a, text, len) != (la_ssize_t)len)
		r = write_error(a, name, e);
	archive_entry_free(ent);
	return r;
}

static int copy_data(struct archive *disk, struct archive *a, const char *name, struct perr *e)
{
	char buf[65536];
	la_ssize_t n;

	while ((n = archive_read_data(disk, buf, sizeof(buf))) > 0)
		if (archive_write_data(a, buf, (size_t)n) != n)
			return write_error(a, name, e);
	return n < 0 ? write_error(disk, name, e) : 0;
}

/* One entry of the layer, named layer/... in the archive. */
static int write_entry(struct archive *disk, struct archive *a, struct archive_entry_linkresolver *lr,
		       struct archive_entry *ent, size_t toplen, struct perr *e)
{
	char name[4200];
	struct archive_entry *spare = NULL;
	mode_t type = archive_entry_filetype(ent);
	int r = 0;

	/* Nothing of a jail's layer is a FIFO or socket worth keeping: jimport leaves them out too. */
	if (type == AE_IFIFO || type == AE_IFSOCK)
		return 0;
	if (snprintf(name, sizeof(name), "layer%s", archive_entry_pathname(ent) + toplen) >= (int)sizeof(name))
		return perr_setx(e, ENAMETOOLONG, "%s: name too long", archive_entry_pathname(ent));
	archive_entry_copy_pathname(ent, name);
	archive_entry_copy_sourcepath(ent, NULL);
	jarchive_filter_xattrs(ent, true);
	archive_entry_linkify(lr, &ent, &spare);
	if (archive_write_header(a, ent) != ARCHIVE_OK)
		return write_error(a, name, e);
	if (archive_entry_size(ent) > 0 && !archive_entry_hardlink(ent))
		r = copy_data(disk, a, name, e);
	return r;
}

static int write_layer(struct archive *a, const char *top, struct perr *e)
{
	struct archive *disk = archive_read_disk_new();
	struct archive_entry_linkresolver *lr = archive_entry_linkresolver_new();
	int r = 0, st;

	if (!disk || !lr) {
		r = perr_set(e, ENOMEM, "%s", top);
		goto done;
	}
	archive_entry_linkresolver_set_strategy(lr, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
	archive_read_disk_set_symlink_physical(disk);
	archive_read_disk_set_behavior(disk, ARCHIVE_READDISK_NO_TRAVERSE_MOUNTS);
	if (archive_read_disk_open(disk, top) != ARCHIVE_OK) {
		r = write_error(disk, top, e);
		goto done;
	}
	for (;;) {
		struct archive_entry *ent = archive_entry_new();
		st = archive_read_next_header2(disk, ent);
		if (st == ARCHIVE_EOF) {
			archive_entry_free(ent);
			break;
		}
		if (st < ARCHIVE_WARN) {
			r = write_error(disk, top, e);
			archive_entry_free(ent);
			break;
		}
		archive_read_disk_descend(disk);
		r = write_entry(disk, a, lr, ent, strlen(top), e);
		archive_entry_free(ent);
		if (r < 0)
			break;
	}
done:
	if (lr)
		archive_entry_linkresolver_free(lr);
	if (disk)
		archive_read_free(disk);
	return r;
}

/* base.json: the base's identity, of the generation the jail was on where it is still kept. */
static char *base_text(const struct jailmeta *m)
{
	struct base_info b = { 0 };
	struct perr ignore = { 0 };
	json_object *o = json_object_new_object();
	char *text;

	if (base_generation_info(m->base, m->generation, &b, &ignore) < 0 && base_info(m->base, &b, &ignore) < 0)
		memset(&b, 0, sizeof(b));
	json_object_object_add(o, "name", json_object_new_string(m->base));
	json_object_object_add(o, "generation", json_object_new_int64(m->generation));
	json_object_object_add(o, "source", json_object_new_string(b.source));
	json_object_object_add(o, "created", json_object_new_string(b.generation == m->generation ? b.created : ""));
	text = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return text;
}

static int write_all_parts(struct archive *a, int dir, const struct jailmeta *m, const char *name, struct perr *e)
{
	_cleanup_close_ int fd = openat(dir, JAILMETA_FILE, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	char *meta = fd >= 0 ? read_regular_fd(fd, JAILMETA_MAX, JAILMETA_FILE, NULL, e) : NULL;
	char *base = base_text(m), top[1024];
	int r = -1;

	if (fd < 0)
		perr_set(e, errno, "%s", JAILMETA_FILE);
	else if (!base)
		perr_set(e, ENOMEM, "base.json");
	else if (meta && write_text(a, JAILMETA_FILE, meta, e) == 0 && write_text(a, "base.json", base, e) == 0) {
		snprintf(top, sizeof(top), "%s/jails/%s/%s", runtime_statedir(), name, m->thick ? "root" : "upper");
		r = write_layer(a, top, e);
	}
	free(meta);
	free(base);
	return r;
}

/* The jail's directory and record; the jail must not run (its layer would change under the export). */
static int open_stopped(const char *name, struct jailmeta *m, struct perr *e)
{
	struct jail_record rec = { 0 };
	struct perr ignore = { 0 };
	_cleanup_close_ int jails = -1;
	int dir;

	if (!name[0] || name[0] == '.' || strchr(name, '/') || strlen(name) >= sizeof(m->name))
		return perr_setx(e, EINVAL, "\"%s\": not a jail's name", name);
	if (jail_find(name, &rec, &ignore) == 0) {
		record_free(&rec);
		return perr_setx(e, EBUSY, "running: stop it first (jail -r %s)", name);
	}
	jails = base_statedir("jails", e);
	if (jails < 0)
		return -1;
	dir = openat(jails, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0)
		return errno == ENOENT ? perr_setx(e, ENOENT, "no jail on a base in %s/jails", runtime_statedir())
				       : perr_set(e, errno, "%s/jails/%s", runtime_statedir(), name);
	if (jailmeta_read(dir, m, e) < 0) {
		close(dir);
		return -1;
	}
	return dir;
}

int jail_export(const char *name, const char *path, struct perr *e)
{
	struct jailmeta m = { 0 };
	_cleanup_close_ int dir = open_stopped(name, &m, e), out = -1;
	struct archive *a = NULL;
	int r = -1;

	if (dir < 0)
		return perr_prefix(e, "%s", name);
	out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0) {
		param_free(&m.params);
		return perr_set(e, errno, "%s: %s", name, path);
	}
	a = archive_write_new();
	if (!a) {
		perr_set(e, ENOMEM, "%s", path);
	} else if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK || archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
		   archive_write_open_fd(a, out) != ARCHIVE_OK) {
		write_error(a, path, e);
	} else if (write_all_parts(a, dir, &m, name, e) == 0) {
		r = archive_write_close(a) == ARCHIVE_OK ? 0 : write_error(a, path, e);
	}
	if (a)
		archive_write_free(a);
	param_free(&m.params);
	/* Half an archive is no archive. */
	if (r < 0)
		(void)unlink(path);
	return r < 0 ? perr_prefix(e, "%s", name) : 0;
}
