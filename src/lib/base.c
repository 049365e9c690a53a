#include "base.h"

#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

#include "basedeb.h"
#include "btrfs.h"
#include "basetar.h"
#include "param.h"
#include "registry.h"
#include "runtime.h"
#include "tree.h"
#include "treemount.h"
#include "util.h"

#define BASE_MAX_GEN 999999

int base_check_name(const char *name, struct perr *e)
{
	size_t n = strlen(name);

	if (n == 0 || n > 63 || name[0] == '.' || name[0] == '-' ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != n)
		return perr_setx(e, EINVAL, "base \"%s\": not a base name (letters, digits, '.', '_', '-')", name);
	return 0;
}

/* A directory below dirfd, made if missing, opened without following a link. */
static int dir_at(int dirfd, const char *name, mode_t mode, struct perr *e)
{
	int fd;

	if (mkdirat(dirfd, name, mode) < 0 && errno != EEXIST)
		return perr_set(e, errno, "mkdir %s", name);
	fd = openat(dirfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return perr_set(e, errno, "%s", name);
	return fd;
}

int base_statedir(const char *sub, struct perr *e)
{
	char path[256], *save = NULL;
	_cleanup_close_ int fd = -1;

	if (runtime_check(e) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s", runtime_statedir());
	fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	for (char *c = strtok_r(path, "/", &save); c && fd >= 0; c = strtok_r(NULL, "/", &save)) {
		int next = dir_at(fd, c, 0755, e);
		close(fd);
		fd = next;
	}
	if (fd < 0)
		return perr_prefix(e, "PRISON_STATEDIR %s", runtime_statedir());
	if (!sub)
		return TAKE_FD(fd);
	/* Only root may look into the bases and the jails' layers. */
	return dir_at(fd, sub, 0700, e);
}

/* Every change of a base takes this lock; building a generation does not. */
static int base_lock(int basesfd, struct perr *e)
{
	_cleanup_close_ int fd = openat(basesfd, ".lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0 || flock(fd, LOCK_EX) < 0)
		return perr_set(e, errno, "lock the bases");
	return TAKE_FD(fd);
}

static int open_base(int basesfd, const char *name, struct perr *e)
{
	int fd = openat(basesfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0) {
		if (errno == ENOENT)
			return perr_setx(e, ENOENT, "base \"%s\": no such base", name);
		return perr_set(e, errno, "base \"%s\"", name);
	}
	return fd;
}

static int read_current(int basefd, const char *name, long *ret, struct perr *e)
{
	char buf[32];

	if (read_file_at(basefd, "current", buf, sizeof(buf)) < 0)
		return perr_set(e, errno, "base \"%s\": current", name);
	buf[strcspn(buf, "\n")] = '\0';
	if (!parse_long(buf, 1, BASE_MAX_GEN, ret))
		return perr_setx(e, EINVAL, "base \"%s\": current \"%s\": not a generation", name, buf);
	return 0;
}

/* A small file replaced as a whole: a reader sees the old or the new, never half. */
static int replace_file(int dirfd, const char *name, const char *text, struct perr *e)
{
	char tmp[128];
	_cleanup_close_ int fd = -1;

	snprintf(tmp, sizeof(tmp), ".%s.tmp", name);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 || write_all(fd, text, strlen(text)) < 0 || fsync(fd) < 0 || renameat(dirfd, tmp, dirfd, name) < 0)
		return perr_set(e, errno, "write %s", name);
	return 0;
}

static void source_text(const struct base_source *s, char *buf, size_t len)
{
	static const char *const kind[] = { [BASE_DIRECTORY] = "directory", [BASE_TARBALL] = "tarball",
					     [BASE_DEBIAN] = "debian" };

	snprintf(buf, len, "%s:%s%s%s%s%s", kind[s->kind], s->from, s->arch[0] ? "/" : "", s->arch,
		 s->include[0] ? "+" : "", s->include);
}

static int ident_write(int basefd, const struct base_info *b, struct perr *e)
{
	json_object *o = json_object_new_object();
	char name[32];
	int r;

	json_object_object_add(o, "name", json_object_new_string(b->name));
	json_object_object_add(o, "generation", json_object_new_int64(b->generation));
	json_object_object_add(o, "created", json_object_new_string(b->created));
	json_object_object_add(o, "source", json_object_new_string(b->source));
	json_object_object_add(o, "kind", json_object_new_int(b->how.kind));
	json_object_object_add(o, "from", json_object_new_string(b->how.from));
	json_object_object_add(o, "arch", json_object_new_string(b->how.arch));
	json_object_object_add(o, "include", json_object_new_string(b->how.include));
	json_object_object_add(o, "mirror", json_object_new_string(b->how.mirror));
	json_object_object_add(o, "keep_setuid", json_object_new_boolean(b->how.keep_setuid));
	snprintf(name, sizeof(name), "%ld.json", b->generation);
	r = replace_file(basefd, name, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), e);
	json_object_put(o);
	return r;
}

static void copy_str(json_object *o, const char *key, char *buf, size_t len)
{
	json_object *v;

	buf[0] = '\0';
	if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string))
		snprintf(buf, len, "%s", json_object_get_string(v));
}

static int ident_read(int basefd, long gen, struct base_info *b, struct perr *e)
{
	char name[32], text[8192];
	json_object *o, *v;

	snprintf(name, sizeof(name), "%ld.json", gen);
	if (read_file_at(basefd, name, text, sizeof(text)) < 0)
		return perr_set(e, errno, "base \"%s\": %s", b->name, name);
	o = json_tokener_parse(text);
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return perr_setx(e, EINVAL, "base \"%s\": %s: not an identity", b->name, name);
	}
	b->generation = gen;
	copy_str(o, "created", b->created, sizeof(b->created));
	copy_str(o, "source", b->source, sizeof(b->source));
	copy_str(o, "from", b->how.from, sizeof(b->how.from));
	copy_str(o, "arch", b->how.arch, sizeof(b->how.arch));
	copy_str(o, "include", b->how.include, sizeof(b->how.include));
	copy_str(o, "mirror", b->how.mirror, sizeof(b->how.mirror));
	b->how.kind = json_object_object_get_ex(o, "kind", &v) ? (enum base_kind)json_object_get_int(v) : BASE_DIRECTORY;
	if (b->how.kind > BASE_DEBIAN)
		b->how.kind = BASE_DIRECTORY;
	b->how.keep_setuid = json_object_object_get_ex(o, "keep_setuid", &v) && json_object_get_boolean(v);
	json_object_put(o);
	return 0;
}

/* The identity inside the tree, in the way of os-release(5): what a jail on it reads. */
static int write_release(int treefd, const struct base_info *b, struct perr *e)
{
	_cleanup_close_ int etc = -1, fd = -1;
	char text[2048];

	if (mkdirat(treefd, "etc", 0755) < 0 && errno != EEXIST)
		return perr_set(e, errno, "mkdir /etc");
	etc = openat(treefd, "etc", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (etc < 0)
		return perr_set(e, errno, "/etc");
	if (unlinkat(etc, "prison-base", 0) < 0 && errno != ENOENT)
		return perr_set(e, errno, "/etc/prison-base");
	snprintf(text, sizeof(text),
		 "BASE_NAME=\"%s\"\nBASE_GENERATION=%ld\nBASE_SOURCE=\"%s\"\nBASE_CREATED=\"%s\"\n", b->name,
		 b->generation, b->source, b->created);
	fd = openat(etc, "prison-base", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 || write_all(fd, text, strlen(text)) < 0)
		return perr_set(e, errno, "/etc/prison-base");
	return 0;
}

/* The tree of a new generation, in the empty staging directory stagefd (named path). */
static int fill_tree(int stagefd, const char *path, const struct base_source *s, struct perr *e)
{
	_cleanup_close_ int src = -1;

	switch (s->kind) {
	case BASE_DIRECTORY:
		src = open(s->from, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (src < 0)
			return perr_set(e, errno, "directory \"%s\"", s->from);
		return tree_copy(src, stagefd, s->keep_setuid, e);
	case BASE_TARBALL:
		return basetar_extract(s->from, stagefd, s->keep_setuid, e);
	case BASE_DEBIAN:
		return basedeb_build(path, s->from, s->arch, s->include, s->mirror, e);
	}
	return perr_setx(e, EINVAL, "unknown kind of base");
}

/* The jails of the registry on base name (gen, or any generation when gen is 0). */
static int jails_on(const char *name, long gen, int *ret, struct perr *e)
{
	struct registry reg;
	struct jail_record *list = NULL;
	size_t n = 0;

	*ret = 0;
	if (registry_open(&reg, false, e) < 0)
		return -1;
	if (registry_list(&reg, &list, &n, e) < 0) {
		registry_close(&reg);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const char *b = param_str(&list[i].params, P_BASE), *type = param_str(&list[i].params, P_BASE_TYPE);
		/* A thick jail has a copy of its own: it holds no generation. */
		if (type && strcmp(type, "thick") == 0)
			continue;
		if (b && strcmp(b, name) == 0 && (gen == 0 || param_int(&list[i].params, P_BASE_GENERATION) == gen))
			(*ret)++;
	}
	registry_free_list(list, n);
	registry_close(&reg);
	return 0;
}

/* Generations neither current nor used by a jail go (under the lock). */
static void prune(int basesfd, const char *name, long current)
{
	_cleanup_close_ int basefd = open_base(basesfd, name, &(struct perr){ 0 });
	_cleanup_closedir_ DIR *d = basefd >= 0 ? opendir_at(basefd) : NULL;
	struct dirent *de;
	long gen;
	int used;

	while (d && (de = readdir(d))) {
		char json[32];
		struct perr ignore = { 0 };
		if (!parse_long(de->d_name, 1, BASE_MAX_GEN, &gen) || gen == current)
			continue;
		if (jails_on(name, gen, &used, &ignore) < 0 || used > 0)
			continue;
		snprintf(json, sizeof(json), "%ld.json", gen);
		if (tree_remove(basefd, de->d_name, &ignore) == 0)
			(void)unlinkat(basefd, json, 0);
	}
}

/* Rename the built tree into place as generation b->generation and make it current, under the lock. */
static int install(int basesfd, const char *stage, const struct base_info *b, bool fresh, struct perr *e)
{
	_cleanup_close_ int lock = base_lock(basesfd, e), basefd = -1;
	char gen[32];
	long now = 0;

	if (lock < 0)
		return -1;
	if (fresh && mkdirat(basesfd, b->name, 0700) < 0)
		return errno == EEXIST ? perr_setx(e, EEXIST, "base \"%s\": already exists", b->name)
				       : perr_set(e, errno, "base \"%s\"", b->name);
	basefd = open_base(basesfd, b->name, e);
	if (basefd < 0 || (!fresh && read_current(basefd, b->name, &now, e) < 0))
		return -1;
	if (!fresh && now + 1 != b->generation)
		return perr_setx(e, EBUSY, "base \"%s\": updated by another command meanwhile", b->name);
	snprintf(gen, sizeof(gen), "%ld", b->generation);
	if (ident_write(basefd, b, e) < 0)
		return -1;
	if (renameat(basesfd, stage, basefd, gen) < 0)
		return perr_set(e, errno, "base \"%s\": generation %s", b->name, gen);
	snprintf(gen, sizeof(gen), "%ld\n", b->generation);
	if (replace_file(basefd, "current", gen, e) < 0)
		return -1;
	if (!fresh)
		prune(basesfd, b->name, b->generation);
	return 0;
}

static int build(const char *name, const struct base_source *src, long gen, struct perr *e)
{
	_cleanup_close_ int basesfd = base_statedir("bases", e), stagefd = -1;
	struct base_info b = { .generation = gen, .how = *src };
	char stage[128], path[512];
	time_t now = time(NULL);
	int r = -1;

	if (basesfd < 0)
		return -1;
	snprintf(b.name, sizeof(b.name), "%s", name);
	strftime(b.created, sizeof(b.created), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	source_text(src, b.source, sizeof(b.source));
	snprintf(stage, sizeof(stage), ".build.%s.%d", name, (int)getpid());
	snprintf(path, sizeof(path), "%s/bases/%s", runtime_statedir(), stage);
	(void)tree_remove(basesfd, stage, &(struct perr){ 0 });
	/* On btrfs a generation is a subvolume, which thick jails snapshot (btrfs.h). */
	if ((btrfs_on(basesfd) ? btrfs_subvol_create(basesfd, stage) : mkdirat(basesfd, stage, 0755)) < 0)
		return perr_set(e, errno, "%s", path);
	stagefd = openat(basesfd, stage, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (stagefd < 0)
		perr_set(e, errno, "%s", path);
	/* No mount a builder left (mmdebstrap's /proc) goes into place with the tree. */
	else if (fill_tree(stagefd, path, src, e) == 0 && tree_unmount_below(stagefd, e) == 0 &&
		 write_release(stagefd, &b, e) == 0)
		r = install(basesfd, stage, &b, gen == 1, e);
	if (r < 0) {
		(void)tree_unmount_below(stagefd, &(struct perr){ 0 });
		(void)tree_remove(basesfd, stage, &(struct perr){ 0 });
		perr_prefix(e, "base \"%s\"", name);
	}
	return r;
}

int base_create(const char *name, const struct base_source *src, struct perr *e)
{
	_cleanup_close_ int basesfd = -1, basefd = -1;

	if (base_check_name(name, e) < 0)
		return -1;
	basesfd = base_statedir("bases", e);
	if (basesfd < 0)
		return -1;
	basefd = openat(basesfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (basefd >= 0)
		return perr_setx(e, EEXIST, "base \"%s\": already exists", name);
	return build(name, src, 1, e);
}

int base_update(const char *name, const struct base_source *src, struct perr *e)
{
	struct base_info now;

	if (base_info(name, &now, e) < 0)
		return -1;
	if (now.generation >= BASE_MAX_GEN)
		return perr_setx(e, EOVERFLOW, "base \"%s\": no generation left", name);
	return build(name, src ? src : &now.how, now.generation + 1, e);
}

int base_remove(const char *name, struct perr *e)
{
	_cleanup_close_ int basesfd = -1, lock = -1, basefd = -1;
	int used;

	if (base_check_name(name, e) < 0 || (basesfd = base_statedir("bases", e)) < 0)
		return -1;
	lock = base_lock(basesfd, e);
	if (lock < 0 || (basefd = open_base(basesfd, name, e)) < 0)
		return -1;
	if (jails_on(name, 0, &used, e) < 0)
		return -1;
	if (used > 0)
		return perr_setx(e, EBUSY, "base \"%s\": in use by %d jail%s", name, used, used == 1 ? "" : "s");
	/* current first: a half-removed base is no base for a new jail. */
	if (unlinkat(basefd, "current", 0) < 0 && errno != ENOENT)
		return perr_set(e, errno, "base \"%s\"", name);
	return tree_remove(basesfd, name, e) < 0 ? perr_prefix(e, "base \"%s\"", name) : 0;
}

static int info_at(int basesfd, const char *name, struct base_info *ret, struct perr *e)
{
	_cleanup_close_ int basefd = open_base(basesfd, name, e);
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	long cur = 0, g;

	memset(ret, 0, sizeof(*ret));
	snprintf(ret->name, sizeof(ret->name), "%s", name);
	if (basefd < 0 || read_current(basefd, name, &cur, e) < 0 || ident_read(basefd, cur, ret, e) < 0)
		return -1;
	d = opendir_at(basefd);
	while (d && (de = readdir(d)))
		if (parse_long(de->d_name, 1, BASE_MAX_GEN, &g))
			ret->generations++;
	return jails_on(name, 0, &ret->jails, e);
}

int base_generation_info(const char *name, long gen, struct base_info *ret, struct perr *e)
{
	_cleanup_close_ int basesfd = -1, basefd = -1;

	memset(ret, 0, sizeof(*ret));
	snprintf(ret->name, sizeof(ret->name), "%s", name);
	if (base_check_name(name, e) < 0 || (basesfd = base_statedir("bases", e)) < 0 ||
	    (basefd = open_base(basesfd, name, e)) < 0)
		return -1;
	return ident_read(basefd, gen, ret, e);
}

int base_info(const char *name, struct base_info *ret, struct perr *e)
{
	_cleanup_close_ int basesfd = -1;

	if (base_check_name(name, e) < 0 || (basesfd = base_statedir("bases", e)) < 0)
		return -1;
	return info_at(basesfd, name, ret, e);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct base_info *)a)->name, ((const struct base_info *)b)->name);
}

int base_list(struct base_info **ret, size_t *ret_n, struct perr *e)
{
	_cleanup_close_ int basesfd = base_statedir("bases", e);
	_cleanup_closedir_ DIR *d = NULL;
	struct base_info *list = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;

	*ret = NULL;
	*ret_n = 0;
	if (basesfd < 0 || !(d = opendir_at(basesfd)))
		return basesfd < 0 ? -1 : perr_set(e, errno, "bases");
	while ((de = readdir(d))) {
		struct perr skip = { 0 };
		struct base_info *l;
		if (de->d_name[0] == '.' || base_check_name(de->d_name, &skip) < 0)
			continue;
		l = array_grow(list, n, &cap, sizeof(*l), 8);
		if (!l) {
			free(list);
			return perr_set(e, ENOMEM, "bases");
		}
		list = l;
		/* A base half removed, or with no current generation yet, is not listed. */
		if (info_at(basesfd, de->d_name, &list[n], &skip) == 0)
			n++;
	}
	if (list)
		qsort(list, n, sizeof(*list), by_name);
	*ret = list;
	*ret_n = n;
	return 0;
}

int base_current(const char *name, long *ret_gen, struct perr *e)
{
	_cleanup_close_ int basesfd = -1, basefd = -1;

	if (base_check_name(name, e) < 0 || (basesfd = base_statedir("bases", e)) < 0 ||
	    (basefd = open_base(basesfd, name, e)) < 0)
		return -1;
	return read_current(basefd, name, ret_gen, e);
}

int base_open_tree(const char *name, long gen, struct perr *e)
{
	_cleanup_close_ int basesfd = -1, basefd = -1;
	char g[32];
	int fd;

	if (base_check_name(name, e) < 0 || (basesfd = base_statedir("bases", e)) < 0 ||
	    (basefd = open_base(basesfd, name, e)) < 0)
		return -1;
	snprintf(g, sizeof(g), "%ld", gen);
	fd = openat(basefd, g, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return perr_set(e, errno, "base \"%s\" generation %ld", name, gen);
	return fd;
}
