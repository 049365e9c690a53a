#include "registry.h"

#include <dirent.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <linux/magic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "runtime.h"
#include "policy.h"
#include "regindex.h"
#include "util.h"

static const char *const state_names[] = {
	[JS_CREATING] = "creating",
	[JS_ACTIVE] = "active",
	[JS_DYING] = "dying",
};

void registry_ctl_path(int jid, char *buf, size_t len)
{
	snprintf(buf, len, "%s/ctl/%d.sock", runtime_rundir(), jid);
}

static int mkdir_private(int dirfd, const char *name, struct perr *e)
{
	struct stat st;

	if (mkdirat(dirfd, name, 0700) < 0 && errno != EEXIST)
		return perr_set(e, errno, "mkdir %s", name);
	/* Refuse a directory someone else prepared: the registry is root's alone. */
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return perr_set(e, errno, "stat %s", name);
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 || (st.st_mode & 0077))
		return perr_setx(e, EPERM, "%s: not a private directory owned by root", name);
	return 0;
}

/*
 * The registry lives on a tmpfs: records are small and short-lived, must
 * not survive a reboot, and creating and deleting files on a disk file
 * system gets slower as thousands of jails come and go.  Where /run is not
 * a tmpfs, one is mounted on /run/prison at first use (one mount, not one
 * per jail).  The lock on the directory underneath serialises two first
 * commands; each looks again once it holds it.
 */
static int ensure_tmpfs(struct perr *e)
{
	struct statfs sfs;
	_cleanup_close_ int under = -1, fsfd = -1, mnt = -1;

	if (statfs(runtime_rundir(), &sfs) == 0 && sfs.f_type == TMPFS_MAGIC)
		return 0;
	under = open(runtime_rundir(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (under < 0 || flock(under, LOCK_EX) < 0)
		return perr_set(e, errno, "%s", runtime_rundir());
	if (statfs(runtime_rundir(), &sfs) == 0 && sfs.f_type == TMPFS_MAGIC)
		return 0;
	fsfd = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fsfd < 0 || fsconfig(fsfd, FSCONFIG_SET_STRING, "mode", "0700", 0) < 0 ||
	    fsconfig(fsfd, FSCONFIG_SET_STRING, "size", "64m", 0) < 0 ||
	    fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return perr_set(e, errno, "tmpfs for %s", runtime_rundir());
	mnt = fsmount(fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (mnt < 0 || move_mount(mnt, "", under, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return perr_set(e, errno, "mount tmpfs on %s", runtime_rundir());
	return 0;
}

/*
 * Registries this process has locked now.  flock(2) locks belong to open
 * files, so a second registry_open of the same process waits for the first
 * forever: what may run either way asks registry_locked_here first.
 */
static int locks_here;

int registry_open(struct registry *r, bool exclusive, struct perr *e)
{
	r->dirfd = r->jailfd = r->namefd = r->pendfd = r->lockfd = -1;
	r->locked = false;

	/* Jails are made and kept by the host's root: say so rather than fail on a mkdir. */
	if (geteuid() != 0)
		return perr_set(e, EPERM, "jails need root on the host");

	if (runtime_check(e) < 0)
		return -1;
	if (mkdir_private(AT_FDCWD, runtime_rundir(), e) < 0 || ensure_tmpfs(e) < 0)
		return -1;
	r->dirfd = open(runtime_rundir(), O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (r->dirfd < 0)
		return perr_set(e, errno, "open %s", runtime_rundir());
	if (mkdir_private(r->dirfd, "jail", e) < 0 || mkdir_private(r->dirfd, "ctl", e) < 0 ||
	    mkdir_private(r->dirfd, "name", e) < 0 || mkdir_private(r->dirfd, "pending", e) < 0)
		goto fail;
	r->pendfd = openat(r->dirfd, "pending", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (r->pendfd < 0) {
		perr_set(e, errno, "open %s/pending", runtime_rundir());
		goto fail;
	}
	r->namefd = openat(r->dirfd, "name", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (r->namefd < 0) {
		perr_set(e, errno, "open %s/name", runtime_rundir());
		goto fail;
	}
	r->jailfd = openat(r->dirfd, "jail", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (r->jailfd < 0) {
		perr_set(e, errno, "open %s/jail", runtime_rundir());
		goto fail;
	}
	r->lockfd = openat(r->dirfd, "lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (r->lockfd < 0) {
		perr_set(e, errno, "open %s/lock", runtime_rundir());
		goto fail;
	}
	if (flock(r->lockfd, exclusive ? LOCK_EX : LOCK_SH) < 0) {
		perr_set(e, errno, "lock %s/lock", runtime_rundir());
		goto fail;
	}
	r->locked = true;
	locks_here++;
	return 0;
fail:
	registry_close(r);
	return -1;
}

int registry_unlock(struct registry *r)
{
	if (r->locked && flock(r->lockfd, LOCK_UN) == 0) {
		r->locked = false;
		locks_here--;
	}
	return 0;
}

bool registry_locked_here(void)
{
	return locks_here > 0;
}

int registry_relock(struct registry *r, struct perr *e)
{
	if (r->locked)
		return 0;
	if (flock(r->lockfd, LOCK_EX) < 0)
		return perr_set(e, errno, "lock %s/lock", runtime_rundir());
	r->locked = true;
	locks_here++;
	return 0;
}

void registry_close(struct registry *r)
{
	registry_unlock(r);
	closep(&r->lockfd);
	closep(&r->jailfd);
	closep(&r->namefd);
	closep(&r->pendfd);
	closep(&r->dirfd);
	r->lockfd = r->jailfd = r->namefd = r->pendfd = r->dirfd = -1;
}

void record_free(struct jail_record *rec)
{
	param_free(&rec->params);
}

void registry_free_list(struct jail_record *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		record_free(&list[i]);
	free(list);
}

json_object *params_to_json(const struct paramset *ps)
{
	json_object *o = json_object_new_object();

	for (int i = 0; ps && i < P__COUNT; i++) {
		const struct param_value *v = &ps->v[i];
		if (!v->set)
			continue;
		if (v->argv) {
			json_object *a = json_object_new_array();
			for (char **w = v->argv; *w; w++)
				json_object_array_add(a, json_object_new_string(*w));
			json_object_object_add(o, param_table[i].name, a);
		} else {
			json_object_object_add(o, param_table[i].name, json_object_new_string(v->str));
		}
	}
	return o;
}

static json_object *record_to_json(const struct jail_record *rec)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "jid", json_object_new_int(rec->jid));
	json_object_object_add(o, "name", json_object_new_string(rec->name));
	json_object_object_add(o, "state", json_object_new_string(state_names[rec->state]));
	json_object_object_add(o, "creator_pid", json_object_new_int(rec->creator_pid));
	json_object_object_add(o, "creator_start", json_object_new_uint64(rec->creator_start));
	json_object_object_add(o, "init_pid", json_object_new_int(rec->init_pid));
	json_object_object_add(o, "init_start", json_object_new_uint64(rec->init_start));
	json_object_object_add(o, "uid_base", json_object_new_uint64(rec->uid_base));
	json_object_object_add(o, "cgroup", json_object_new_string(rec->cg.dir));
	json_object_object_add(o, "cgroup_leaf", json_object_new_boolean(rec->cg.leaf));
	json_object_object_add(o, "params", params_to_json(&rec->params));
	if (rec->has_policy)
		json_object_object_add(o, "policy", policy_to_json(&rec->policy));
	return o;
}

/*
 * A record is written by prison alone, but the reader does not count on
 * it: a record must be a regular file (a FIFO put in its place would block
 * the open and the read for ever) no larger than this.
 */
#define MAX_RECORD_SIZE (1 << 20)

static int param_from_json(struct paramset *ps, int id, json_object *val, struct perr *e)
{
	_cleanup_free_ char **argv = NULL;
	size_t n;

	if (json_object_is_type(val, json_type_string))
		return param_set(ps, id, json_object_get_string(val), e);
	if (!json_object_is_type(val, json_type_array))
		return perr_setx(e, EINVAL, "record: %s: not a string or a list", param_table[id].name);
	n = json_object_array_length(val);
	argv = calloc(n + 1, sizeof(char *));
	if (!argv)
		return perr_set(e, ENOMEM, "record");
	for (size_t i = 0; i < n; i++) {
		json_object *w = json_object_array_get_idx(val, i);
		if (!json_object_is_type(w, json_type_string)) {
			free(argv);
			argv = NULL;
			return perr_setx(e, EINVAL, "record: %s: a list item is not a string", param_table[id].name);
		}
		argv[i] = (char *)json_object_get_string(w);
	}
	return param_set_argv(ps, id, argv, (int)n, e);
}

/* Parameters this prison does not know (a record of another version) are left out. */
static int params_from_json(json_object *p, struct paramset *ps, struct perr *e)
{
	if (!json_object_is_type(p, json_type_object))
		return perr_setx(e, EINVAL, "record: params is not an object");
	json_object_object_foreach(p, key, val) {
		int id = param_lookup(key);
		if (id >= 0 && param_from_json(ps, id, val, e) < 0)
			return -1;
	}
	return 0;
}

static enum jail_state state_from_json(json_object *o)
{
	json_object *x;

	if (json_object_object_get_ex(o, "state", &x) && json_object_is_type(x, json_type_string))
		for (size_t i = 0; i < ARRAY_SIZE(state_names); i++)
			if (strcmp(json_object_get_string(x), state_names[i]) == 0)
				return (enum jail_state)i;
	return JS_DYING;
}

static uint64_t uint_field(json_object *o, const char *key)
{
	json_object *x;

	return json_object_object_get_ex(o, key, &x) ? json_object_get_uint64(x) : 0;
}

static int int_field(json_object *o, const char *key)
{
	json_object *x;

	return json_object_object_get_ex(o, key, &x) ? json_object_get_int(x) : 0;
}

static void cg_from_json(json_object *o, struct jail_record *rec)
{
	struct perr e = { 0 };
	json_object *x;

	/* A record written before jails nested has no path: its cgroup is prison/JID. */
	if (!json_object_object_get_ex(o, "cgroup", &x) || !json_object_is_type(x, json_type_string) ||
	    cg_path_parse(json_object_get_string(x), false, &rec->cg) < 0 || rec->cg.jid != rec->jid)
		(void)cg_path_make(&rec->cg, NULL, rec->jid, false, &e);
	if (json_object_object_get_ex(o, "cgroup_leaf", &x))
		rec->cg.leaf = json_object_get_boolean(x);
}

static int record_from_json(json_object *o, struct jail_record *rec, struct perr *e)
{
	json_object *x, *p;

	memset(rec, 0, sizeof(*rec));
	if (!json_object_object_get_ex(o, "jid", &x))
		return perr_setx(e, EINVAL, "record: no jid");
	rec->jid = json_object_get_int(x);
	if (!json_object_object_get_ex(o, "name", &x) || !json_object_is_type(x, json_type_string))
		return perr_setx(e, EINVAL, "record %d: no name", rec->jid);
	snprintf(rec->name, sizeof(rec->name), "%s", json_object_get_string(x));
	rec->state = state_from_json(o);
	rec->creator_pid = int_field(o, "creator_pid");
	rec->creator_start = uint_field(o, "creator_start");
	rec->init_pid = int_field(o, "init_pid");
	rec->init_start = uint_field(o, "init_start");
	rec->uid_base = (unsigned long)uint_field(o, "uid_base");
	cg_from_json(o, rec);
	if (json_object_object_get_ex(o, "params", &p) && params_from_json(p, &rec->params, e) < 0)
		return -1;
	if (json_object_object_get_ex(o, "policy", &p)) {
		if (policy_from_json(p, &rec->policy, e) < 0)
			return perr_prefix(e, "record %d", rec->jid);
		rec->has_policy = true;
	}
	return 0;
}

/* The text of a record, NUL-terminated; NULL with e set. */
static char *read_record_text(struct registry *r, const char *file, struct perr *e)
{
	_cleanup_close_ int fd = openat(r->jailfd, file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	char what[64];

	snprintf(what, sizeof(what), "record %s", file);
	if (fd < 0) {
		perr_set(e, errno, "%s", what);
		return NULL;
	}
	return read_regular_fd(fd, MAX_RECORD_SIZE, what, NULL, e);
}

int registry_record_parse(const char *text, const char *file, struct jail_record *rec, struct perr *e)
{
	json_object *o = json_tokener_parse(text);
	int ret;

	memset(rec, 0, sizeof(*rec));
	if (!o)
		return perr_setx(e, EINVAL, "record %s: not JSON", file);
	ret = record_from_json(o, rec, e);
	json_object_put(o);
	if (ret < 0)
		record_free(rec);
	return ret;
}

char *registry_record_text(const struct jail_record *rec)
{
	json_object *o = record_to_json(rec);
	char *text = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));

	json_object_put(o);
	return text;
}

static int read_record(struct registry *r, const char *file, struct jail_record *rec, struct perr *e)
{
	_cleanup_free_ char *text = read_record_text(r, file, e);

	if (!text)
		return -1;
	return registry_record_parse(text, file, rec, e);
}

static int cmp_jid(const void *a, const void *b)
{
	return ((const struct jail_record *)a)->jid - ((const struct jail_record *)b)->jid;
}

int registry_list(struct registry *r, struct jail_record **ret, size_t *ret_n, struct perr *e)
{
	_cleanup_closedir_ DIR *d = opendir_at(r->jailfd);
	struct dirent *de;
	struct jail_record *list = NULL;
	size_t n = 0, cap = 0;
	struct perr torn = { 0 };

	if (!d)
		return perr_set(e, errno, "open registry");
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		struct jail_record *nl = array_grow(list, n, &cap, sizeof(*list), 16);
		if (!nl) {
			registry_free_list(list, n);
			return perr_set(e, ENOMEM, "registry");
		}
		list = nl;
		/* A record that cannot be read is a torn write from a killed command: skip it. */
		if (read_record(r, de->d_name, &list[n], &torn) == 0)
			n++;
	}
	if (n)
		qsort(list, n, sizeof(*list), cmp_jid);
	*ret = list;
	*ret_n = n;
	return 0;
}

int registry_read_checked(struct registry *r, int jid, struct jail_record *ret, struct perr *e)
{
	char file[32];

	snprintf(file, sizeof(file), "%d.json", jid);
	if (read_record(r, file, ret, e) == 0)
		return 1;
	return e->err == ENOENT ? 0 : -1;
}

int registry_read(struct registry *r, int jid, struct jail_record *ret)
{
	struct perr e = { 0 };

	return registry_read_checked(r, jid, ret, &e) == 1;
}

int registry_name_jid(struct registry *r, const char *name)
{
	char buf[16];
	ssize_t n;
	long jid;

	if (!*name || strchr(name, '/') || name[0] == '.')
		return -1;
	n = readlinkat(r->namefd, name, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return parse_long(buf, 1, 999999, &jid) ? (int)jid : -1;
}

int registry_mark_pending(struct registry *r, int jid, bool on)
{
	char name[16];
	int fd;

	snprintf(name, sizeof(name), "%d", jid);
	if (!on)
		return unlinkat(r->pendfd, name, 0) < 0 && errno != ENOENT ? -1 : 0;
	fd = openat(r->pendfd, name, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

int registry_pending(struct registry *r, int **ret, size_t *ret_n, struct perr *e)
{
	_cleanup_closedir_ DIR *d = opendir_at(r->pendfd);
	struct dirent *de;
	int *list = NULL;
	size_t n = 0, cap = 0;
	long jid;

	if (!d)
		return perr_set(e, errno, "open %s/pending", runtime_rundir());
	while ((de = readdir(d))) {
		if (!parse_long(de->d_name, 1, 999999, &jid))
			continue;
		if (n == cap) {
			int *nl = realloc(list, (cap = cap ? cap * 2 : 8) * sizeof(int));
			if (!nl) {
				free(list);
				return perr_set(e, ENOMEM, "registry");
			}
			list = nl;
		}
		list[n++] = (int)jid;
	}
	*ret = list;
	*ret_n = n;
	return 0;
}

static int read_hint(struct registry *r)
{
	char buf[16];
	long v;
	_cleanup_close_ int fd = openat(r->dirfd, "jid-hint", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (n <= 0)
		return 1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return parse_long(buf, 1, 999999, &v) ? (int)v : 1;
}

static void write_hint(struct registry *r, int jid)
{
	char buf[16];
	_cleanup_close_ int fd = openat(r->dirfd, "jid-hint", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd >= 0) {
		snprintf(buf, sizeof(buf), "%d\n", jid);
		(void)write_all(fd, buf, strlen(buf));
	}
}

static bool jid_taken(struct registry *r, int jid)
{
	char name[32];

	snprintf(name, sizeof(name), "%d.json", jid);
	return faccessat(r->jailfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

int registry_free_jid(struct registry *r, int from)
{
	int hint = read_hint(r), jid = from > hint ? from : hint;

	/* Every jid below the hint is taken: the hint only moves down when one is freed. */
	while (jid < 999999 && jid_taken(r, jid))
		jid++;
	return jid;
}

/* Point name at jid, replacing a stale link under the lock. */
static int link_name(struct registry *r, const char *name, int jid, struct perr *e)
{
	char target[16];

	snprintf(target, sizeof(target), "%d", jid);
	if (registry_name_jid(r, name) == jid)
		return 0;
	unlinkat(r->namefd, name, 0);
	if (symlinkat(target, r->namefd, name) < 0)
		return perr_set(e, errno, "index name %s", name);
	return 0;
}

static void unlink_name(struct registry *r, const char *name, int jid)
{
	if (registry_name_jid(r, name) == jid)
		unlinkat(r->namefd, name, 0);
}

/* The record's file, replaced at once. */
static int write_record_file(struct registry *r, const struct jail_record *rec, struct perr *e)
{
	char tmp[64], final[64];
	json_object *o = record_to_json(rec);
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	int fd, ret = 0;

	/* What the reader would refuse is not written. */
	if (strlen(text) >= MAX_RECORD_SIZE) {
		json_object_put(o);
		return perr_setx(e, E2BIG, "record %d: larger than %d bytes", rec->jid, MAX_RECORD_SIZE);
	}
	snprintf(tmp, sizeof(tmp), ".%d.tmp", rec->jid);
	snprintf(final, sizeof(final), "%d.json", rec->jid);
	fd = openat(r->jailfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		json_object_put(o);
		return perr_set(e, errno, "write record %d", rec->jid);
	}
	if (write_all(fd, text, strlen(text)) < 0 || write_all(fd, "\n", 1) < 0)
		ret = perr_set(e, errno, "write record %d", rec->jid);
	if (close(fd) < 0 && ret == 0)
		ret = perr_set(e, errno, "write record %d", rec->jid);
	json_object_put(o);
	if (ret == 0 && renameat(r->jailfd, tmp, r->jailfd, final) < 0)
		ret = perr_set(e, errno, "write record %d", rec->jid);
	if (ret < 0)
		unlinkat(r->jailfd, tmp, 0);
	return ret;
}

int registry_write(struct registry *r, const struct jail_record *rec, const char *old_name, struct perr *e)
{
	struct regindex_txn t;
	int ret;

	/* Busy from before the record changes until its slot has: a command killed in between leaves it so. */
	regindex_begin(r, &t);
	if (write_record_file(r, rec, e) < 0) {
		regindex_end(&t);
		return -1;
	}
	/* The hint moves past a jid once its record exists. */
	if (read_hint(r) == rec->jid)
		write_hint(r, rec->jid + 1);
	if (old_name && strcmp(old_name, rec->name) != 0)
		unlink_name(r, old_name, rec->jid);
	ret = link_name(r, rec->name, rec->jid, e);
	regindex_put(&t, rec);
	regindex_end(&t);
	return ret;
}

/* The record and its name link: 1 if there was one, 0 if not, -1 when it is still there. */
static int remove_record(struct registry *r, const struct jail_record *rec)
{
	char name[64];

	if (rec->name[0])
		unlink_name(r, rec->name, rec->jid);
	snprintf(name, sizeof(name), "%d.json", rec->jid);
	if (unlinkat(r->jailfd, name, 0) < 0)
		return errno == ENOENT ? 0 : -1;
	return 1;
}

int registry_remove(struct registry *r, const struct jail_record *rec)
{
	struct regindex_txn t;
	int found;

	regindex_begin(r, &t);
	found = remove_record(r, rec);
	if (found >= 0)
		regindex_drop(&t, rec->jid);
	regindex_end(&t);
	if (found < 0)
		return -1;
	if (rec->jid < read_hint(r))
		write_hint(r, rec->jid);
	if (registry_mark_pending(r, rec->jid, false) < 0)
		return -1;
	return found;
}

size_t registry_find_jid(const struct jail_record *list, size_t n, int jid)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (list[mid].jid < jid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && list[lo].jid == jid ? lo : n;
}

void registry_prune_names(struct registry *r, const struct jail_record *live, size_t n)
{
	_cleanup_closedir_ DIR *d = opendir_at(r->namefd);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		int jid;
		bool known = false;
		if (de->d_name[0] == '.')
			continue;
		jid = registry_name_jid(r, de->d_name);
		size_t k = registry_find_jid(live, n, jid);
		known = k < n && strcmp(live[k].name, de->d_name) == 0;
		if (!known)
			unlinkat(r->namefd, de->d_name, 0);
	}
}
