/* A jail recreated from an archive of jexport's, read as hostile input (jarchive.h). */
#include "jarchive.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include "base.h"
#include "basetar.h"
#include "jailmeta.h"
#include "jexport.h"
#include "runtime.h"
#include "tree.h"
#include "util.h"

#define IDENT_MAX 8192

struct import {
	const struct import_opts *o;
	struct archive *in;
	struct jailmeta m;
	char name[256];
	char base_source[1100];
	long base_gen;
	int jails;      /* STATEDIR/jails */
	char stage[300]; /* below it, while the import is not whole */
	int target;     /* the layer's directory in the stage: upper (thin) or root (thick) */
	unsigned long long room; /* bytes the file system has left for the layer */
};

static int read_error(struct archive *a, struct perr *e)
{
	return perr_setx(e, archive_errno(a) > 0 ? archive_errno(a) : EINVAL, "%s", archive_error_string(a));
}

/* The next entry, which must be the small regular file name; its text in buf. */
static int read_record(struct archive *in, const char *name, char *buf, size_t max, struct perr *e)
{
	struct archive_entry *ent;
	la_int64_t size;

	if (archive_read_next_header(in, &ent) != ARCHIVE_OK)
		return read_error(in, e);
	if (strcmp(archive_entry_pathname(ent), name) != 0 || archive_entry_filetype(ent) != AE_IFREG)
		return perr_setx(e, EINVAL, "not an archive of jexport (no %s first)", name);
	size = archive_entry_size(ent);
	if (size < 0 || (size_t)size >= max)
		return perr_setx(e, EFBIG, "%s: larger than %zu bytes", name, max - 1);
	if (archive_read_data(in, buf, (size_t)size) != size)
		return perr_setx(e, EINVAL, "%s: %s", name, archive_error_string(in));
	buf[size] = '\0';
	return 0;
}

static int read_ident(struct import *im, const char *text, struct perr *e)
{
	json_object *o = json_tokener_parse(text), *v;
	int r = 0;

	if (!o || !json_object_is_type(o, json_type_object))
		r = perr_setx(e, EINVAL, "base.json: not JSON");
	else if (json_object_object_get_ex(o, "source", &v) && json_object_is_type(v, json_type_string))
		snprintf(im->base_source, sizeof(im->base_source), "%s", json_object_get_string(v));
	json_object_put(o);
	return r;
}

/* jbase's options that rebuild a base from its source ("debian:bookworm/amd64+nginx" and the like). */
static void rebuild_hint(const char *source, char *buf, size_t len)
{
	static const struct { const char *kind, *opt; } kinds[] = { { "debian:", "-D" }, { "directory:", "-d" },
								    { "tarball:", "-t" } };

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t n = strlen(kinds[i].kind);
		if (strncmp(source, kinds[i].kind, n) == 0) {
			const char *from = source + n;
			snprintf(buf, len, "%s %.*s", kinds[i].opt,
				 (int)(kinds[i].opt[1] == 'D' ? strcspn(from, "/+") : strlen(from)), from);
			return;
		}
	}
	snprintf(buf, len, "-d DIRECTORY");
}

/* A thin jail needs its base here, at the generation it was exported on unless told otherwise. */
static int check_base(const struct import *im, struct perr *e)
{
	char hint[1200];
	struct perr sub = { 0 };
	long gen;

	if (im->m.thick)
		return 0;
	if (base_current(im->m.base, &gen, &sub) < 0) {
		if (sub.err != ENOENT)
			return perr_setx(e, sub.err, "%s", sub.msg);
		rebuild_hint(im->base_source, hint, sizeof(hint));
		return perr_setx(e, ENOENT, "base \"%s\" is missing: build it first (jbase -c %s %s) and import again",
				 im->m.base, hint, im->m.base);
	}
	if (gen != im->m.generation && !im->o->any_generation)
		return perr_setx(e, ESTALE,
				 "base \"%s\" is at generation %ld, the jail was exported on generation %ld: "
				 "import with -u to put it on generation %ld",
				 im->m.base, gen, im->m.generation, gen);
	return 0;
}

/* A hard link's target: a file the archive made before, beneath the layer, reached through no link. */
static int check_hardlink(const struct import *im, const char *target, struct perr *e)
{
	struct open_how how = { .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	_cleanup_close_ int fd = (int)syscall(SYS_openat2, im->target, target, &how, sizeof(how));
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0 || S_ISDIR(st.st_mode) || S_ISLNK(st.st_mode))
		return perr_setx(e, EPERM, "a hard link to \"layer/%s\", not a file of the archive", target);
	return 0;
}

/* "layer/x" as "x"; NULL for names outside layer/ (or layer/ itself, which the stage has). */
static const char *layer_name(const char *name)
{
	if (!name || strncmp(name, "layer/", 6) != 0)
		return NULL;
	name += 6;
	return name[0] ? name : NULL;
}

/* Type and size: 1 write it, 0 leave it out, -1 refuse the archive. */
static int check_type(struct import *im, struct archive_entry *ent, struct perr *e)
{
	mode_t type = archive_entry_filetype(ent);
	la_int64_t size = archive_entry_size(ent);

	if (type == AE_IFIFO || type == AE_IFSOCK)
		return 0;
	/* overlayfs's whiteout, a character device 0:0, is a removal in a thin jail's layer; nothing else. */
	if ((type == AE_IFCHR || type == AE_IFBLK) &&
	    (im->m.thick || type != AE_IFCHR || archive_entry_rdev(ent) != makedev(0, 0)))
		return perr_setx(e, EPERM, "a device node");
	if (type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK && type != AE_IFCHR)
		return perr_setx(e, EPERM, "not a file, directory or link");
	if (size < 0 || (unsigned long long)size > im->room)
		return perr_setx(e, ENOSPC, "%lld bytes, more than the %llu bytes left in %s", (long long)size, im->room,
				 runtime_statedir());
	im->room -= (unsigned long long)size;
	return 1;
}

/* 1: write it (renamed below the layer, bits and attributes neutralised); 0: leave it out; -1: refuse. */
static int check_entry(struct import *im, struct archive_entry *ent, struct perr *e)
{
	const char *path = archive_entry_pathname(ent), *rel = layer_name(path);
	const char *hard = archive_entry_hardlink(ent);
	char copy[4096];
	int ok;

	if (path && strcmp(path, "layer/") == 0)
		return 0;
	if (!rel || !basetar_name_inside(rel) || strlen(rel) >= sizeof(copy))
		return perr_setx(e, EPERM, "\"%s\": a path outside the jail's layer", path ? path : "");
	if (hard && (!layer_name(hard) || !basetar_name_inside(layer_name(hard))))
		return perr_setx(e, EPERM, "\"%s\": a hard link to \"%s\", outside the jail's layer", path, hard);
	if (hard && check_hardlink(im, layer_name(hard), e) < 0)
		return perr_prefix(e, "\"%s\"", path);
	/* A hard link has no type of its own: it is what it names, checked above. */
	ok = hard ? 1 : check_type(im, ent, e);
	if (ok <= 0)
		return ok < 0 ? perr_prefix(e, "\"%s\"", path) : 0;
	if (!im->o->keep_setuid && archive_entry_filetype(ent) != AE_IFDIR)
		archive_entry_set_perm(ent, archive_entry_perm(ent) & (mode_t)~(S_ISUID | S_ISGID));
	jarchive_filter_xattrs(ent, im->o->keep_setuid);
	snprintf(copy, sizeof(copy), "%s", rel);
	archive_entry_copy_pathname(ent, copy);
	if (hard) {
		snprintf(copy, sizeof(copy), "%s", layer_name(hard));
		archive_entry_copy_hardlink(ent, copy);
	}
	return 1;
}

static int extract_layer(struct import *im, struct archive *out, struct perr *e)
{
	struct archive_entry *ent;
	int r;

	while ((r = archive_read_next_header(im->in, &ent)) == ARCHIVE_OK) {
		int ok = check_entry(im, ent, e);
		if (ok < 0)
			return -1;
		if (ok == 0)
			continue;
		if (archive_write_header(out, ent) != ARCHIVE_OK ||
		    (archive_entry_size(ent) > 0 && basetar_copy_data(im->in, out, e) < 0) ||
		    archive_write_finish_entry(out) != ARCHIVE_OK) {
			if (!e->msg[0])
				read_error(out, e);
			return perr_prefix(e, "\"layer/%s\"", archive_entry_pathname(ent));
		}
	}
	return r == ARCHIVE_EOF ? 0 : read_error(im->in, e);
}

/* libarchive writes below the working directory: the layer's, for the extraction only. */
static int extract_in_target(struct import *im, struct perr *e)
{
	const int flags = ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_XATTR |
			  ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
			  ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS | ARCHIVE_EXTRACT_NO_OVERWRITE;
	_cleanup_close_ int here = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct archive *out = archive_write_disk_new();
	int r;

	if (!out)
		return perr_set(e, ENOMEM, "extract");
	archive_write_disk_set_options(out, flags);
	if (here < 0 || fchdir(im->target) < 0) {
		archive_write_free(out);
		return perr_set(e, errno, "chdir");
	}
	r = extract_layer(im, out, e);
	if (archive_write_close(out) != ARCHIVE_OK && r == 0)
		r = read_error(out, e);
	archive_write_free(out);
	if (fchdir(here) < 0 && r == 0)
		r = perr_set(e, errno, "chdir back");
	return r;
}

/* Parameters that make the host run or open something: not taken from an archive. */
static bool acts_on_host(int id)
{
	switch (id) {
	case P_EXEC_PREPARE: case P_EXEC_PRESTART: case P_EXEC_CREATED: case P_EXEC_POSTSTART:
	case P_EXEC_PRESTOP: case P_EXEC_POSTSTOP: case P_EXEC_RELEASE: case P_EXEC_SYSTEM_USER:
	case P_EXEC_CONSOLELOG: case P_MOUNT: case P_MOUNT_FSTAB: case P_MOUNT_HOSTTMP: case P_INTERFACE:
	case P_VNET_INTERFACE:
		return true;
	default:
		return false;
	}
}

/* A value in jail.conf's double quotes: backslash, quote, dollar and control characters escaped. */
static void put_quoted(FILE *f, const char *v)
{
	fputc('"', f);
	for (; *v; v++) {
		if (*v == '\\' || *v == '"' || *v == '$')
			fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", f);
		else if (*v == '\t')
			fputs("\\t", f);
		else if ((unsigned char)*v >= ' ')
			fputc(*v, f);
	}
	fputc('"', f);
}

static void put_param(FILE *f, const struct param_value *v, int id, const char *prefix)
{
	char *one[2] = { v->str, NULL };
	char **vals = v->argv ? v->argv : one;

	for (char **p = vals; *p; p++) {
		fprintf(f, "\t%s%s %s ", prefix, param_table[id].name, p == vals ? "=" : "+=");
		put_quoted(f, *p);
		fputs(";\n", f);
	}
}

/* jail.conf beside the jail, for jail -f: what was imported, and as comments what was not. */
static int write_conf(const struct import *im, const struct paramset *dropped, const char *path, int dir,
		      struct perr *e)
{
	int fd = openat(dir, "jail.conf", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	_cleanup_fclose_ FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (!f) {
		if (fd >= 0)
			close(fd);
		return perr_set(e, errno, "jail.conf");
	}
	fprintf(f, "# %s, imported from %s by jimport(8).\n# Start it with: jail -f %s/jails/%s/jail.conf -c %s\n",
		im->name, path, runtime_statedir(), im->name, im->name);
	fprintf(f, "%s {\n", im->name);
	/* name is the section's, not a parameter of it. */
	for (int i = 0; i < P__COUNT; i++)
		if (im->m.params.v[i].set && i != P_NAME)
			put_param(f, &im->m.params.v[i], i, "");
	for (int i = 0; i < P__COUNT; i++)
		if (dropped->v[i].set) {
			fputs("\t# not imported, it acts on the host:\n", f);
			put_param(f, &dropped->v[i], i, "# ");
		}
	fputs("}\n", f);
	if (fflush(f) != 0 || ferror(f))
		return perr_set(e, errno, "jail.conf");
	return 0;
}

/* The jail's record and jail.conf, in the stage. */
static int write_records(struct import *im, const char *path, int stage, struct perr *e)
{
	_cleanup_params_ struct paramset dropped = { 0 };

	for (int i = 0; i < P__COUNT; i++)
		if (im->m.params.v[i].set && acts_on_host(i)) {
			dropped.v[i] = im->m.params.v[i];
			memset(&im->m.params.v[i], 0, sizeof(im->m.params.v[i]));
		}
	if (param_set(&im->m.params, P_NAME, im->name, e) < 0 ||
	    jailmeta_write(stage, &im->m.params, im->m.thick, im->m.generation, e) < 0)
		return -1;
	return write_conf(im, &dropped, path, stage, e);
}

/* The stage below STATEDIR/jails: the jail's directory until it is whole, with its layer's directories. */
static int make_stage(struct import *im, struct perr *e)
{
	_cleanup_close_ int stage = -1;
	struct statvfs sv;
	const char *layer = im->m.thick ? "root" : "upper";

	snprintf(im->stage, sizeof(im->stage), ".import.%s.%d", im->name, (int)getpid());
	(void)tree_remove(im->jails, im->stage, &(struct perr){ 0 });
	if (mkdirat(im->jails, im->stage, 0700) < 0)
		return perr_set(e, errno, "%s/jails", runtime_statedir());
	stage = openat(im->jails, im->stage, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (stage < 0 || mkdirat(stage, "root", 0755) < 0 ||
	    (!im->m.thick && (mkdirat(stage, "upper", 0755) < 0 || mkdirat(stage, "work", 0700) < 0)))
		return perr_set(e, errno, "%s/jails", runtime_statedir());
	im->target = openat(stage, layer, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (im->target < 0 || fstatvfs(im->target, &sv) < 0)
		return perr_set(e, errno, "%s/jails", runtime_statedir());
	im->room = (unsigned long long)sv.f_bavail * sv.f_frsize;
	return TAKE_FD(stage);
}

static int check_name(const char *name, struct perr *e)
{
	if (!name[0] || name[0] == '.' || name[0] == '-' || strchr(name, '/') || strlen(name) > 200)
		return perr_setx(e, EINVAL, "\"%s\": not a jail's name", name);
	return 0;
}

/* Everything after the two records: checks, the stage, the layer, the records, the rename. */
static int import_into(struct import *im, const char *path, struct perr *e)
{
	_cleanup_close_ int stage = -1;

	if (check_name(im->name, e) < 0 || check_base(im, e) < 0)
		return -1;
	im->jails = base_statedir("jails", e);
	if (im->jails < 0)
		return -1;
	stage = make_stage(im, e);
	if (stage < 0 || extract_in_target(im, e) < 0 || write_records(im, path, stage, e) < 0)
		return -1;
	if (renameat2(im->jails, im->stage, im->jails, im->name, RENAME_NOREPLACE) < 0) {
		if (errno == EEXIST)
			return perr_setx(e, EEXIST, "%s/jails/%s exists already: remove it, or import under another name (-n)",
					 runtime_statedir(), im->name);
		return perr_set(e, errno, "%s/jails/%s", runtime_statedir(), im->name);
	}
	return 0;
}

static int read_records(struct import *im, struct perr *e)
{
	char *text = malloc(JAILMETA_MAX);
	int r = -1;

	if (!text)
		return perr_set(e, ENOMEM, "read");
	if (read_record(im->in, JAILMETA_FILE, text, JAILMETA_MAX, e) == 0 && jailmeta_parse(text, &im->m, e) == 0) {
		snprintf(im->name, sizeof(im->name), "%s", im->o->name ? im->o->name : im->m.name);
		r = read_record(im->in, "base.json", text, IDENT_MAX, e) == 0 ? read_ident(im, text, e) : -1;
	}
	free(text);
	return r;
}

int jail_import(const char *path, const struct import_opts *o, char *ret_name, size_t len, struct perr *e)
{
	_cleanup_close_ int fd = basetar_open(path, e);
	struct import im = { .o = o, .jails = -1, .target = -1 };
	int r = -1;

	if (fd < 0)
		return -1;
	im.in = archive_read_new();
	if (!im.in)
		return perr_set(e, ENOMEM, "%s", path);
	archive_read_support_filter_all(im.in);
	archive_read_support_format_tar(im.in);
	if (archive_read_open_fd(im.in, fd, 65536) != ARCHIVE_OK)
		read_error(im.in, e);
	else if (read_records(&im, e) == 0)
		r = import_into(&im, path, e);
	if (r < 0 && im.stage[0])
		(void)tree_remove(im.jails, im.stage, &(struct perr){ 0 });
	if (r == 0)
		snprintf(ret_name, len, "%s", im.name);
	if (im.target >= 0)
		close(im.target);
	if (im.jails >= 0)
		close(im.jails);
	archive_read_free(im.in);
	param_free(&im.m.params);
	return r < 0 ? perr_prefix(e, "%s", path) : 0;
}
