#include "cgroup.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>

#include "cglimit.h"
#include "runtime.h"
#include "util.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

/*
 * Where the host mounts its cgroup2 tree: a process-wide discovery cache of
 * the host's layout, found once by statfs.  It belongs to the machine, not
 * to a call or a jail, so it is file-level state.
 */
static char unified_root[256];

const char *cgroup_unified_root(struct perr *e)
{
	static const char *const candidates[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };
	struct statfs sfs;

	if (unified_root[0])
		return unified_root;
	for (size_t i = 0; i < ARRAY_SIZE(candidates); i++)
		if (statfs(candidates[i], &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC) {
			snprintf(unified_root, sizeof(unified_root), "%s", candidates[i]);
			return unified_root;
		}
	perr_setx(e, ENOTSUP, "no cgroup2 hierarchy is mounted (mount -t cgroup2 none /sys/fs/cgroup/unified)");
	return NULL;
}

/* ROOT/prison/rel, or ROOT/prison for rel NULL. */
static int unified_path(const char *rel, char *buf, size_t len, struct perr *e)
{
	const char *root = cgroup_unified_root(e);

	if (!root)
		return -1;
	if (rel)
		snprintf(buf, len, "%s/%s/%s", root, runtime_cgroup(), rel);
	else
		snprintf(buf, len, "%s/%s", root, runtime_cgroup());
	return 0;
}

int cgroup_create(const struct cg_path *cg, struct perr *e)
{
	char path[512];

	if (unified_path(NULL, path, sizeof(path), e) < 0)
		return -1;
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return perr_set(e, errno, "cgroup %s", path);
	if (unified_path(cg->dir, path, sizeof(path), e) < 0)
		return -1;
	if (mkdir(path, 0755) < 0)
		return perr_set(e, errno, "cgroup %s", path);
	if (cg->leaf) {
		char leaf[600];
		snprintf(leaf, sizeof(leaf), "%s/" CG_LEAF, path);
		if (mkdir(leaf, 0755) < 0) {
			int err = errno;
			rmdir(path);
			return perr_set(e, err, "cgroup %s", leaf);
		}
	}
	return 0;
}

static int open_rel(const char *rel, struct perr *e)
{
	char path[512];
	int fd;

	if (unified_path(rel, path, sizeof(path), e) < 0)
		return -1;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return perr_set(e, errno, "cgroup %s", path);
	return fd;
}

int cgroup_open(const struct cg_path *cg, struct perr *e)
{
	return open_rel(cg->dir, e);
}

int cgroup_open_procs(const struct cg_path *cg, struct perr *e)
{
	struct cg_path leafy = *cg;
	struct perr none = { 0 };
	char rel[160];
	int fd;

	/*
	 * A leaf the record does not name yet: children.max is being raised
	 * on the jail (cgleaf.h), and this command read the record before.
	 * The jail's processes belong there from the moment it exists.
	 */
	if (!cg->leaf) {
		leafy.leaf = true;
		cg_path_procs(&leafy, rel, sizeof(rel));
		fd = open_rel(rel, &none);
		if (fd >= 0)
			return fd;
	}
	cg_path_procs(cg, rel, sizeof(rel));
	return open_rel(rel, e);
}

bool cgroup_exists(const struct cg_path *cg)
{
	struct perr e = { 0 };
	_cleanup_close_ int fd = cgroup_open(cg, &e);

	return fd >= 0;
}

int cgroup_kill(const struct cg_path *cg, struct perr *e)
{
	_cleanup_close_ int fd = cgroup_open(cg, e);

	/* cgroup.kill takes the whole subtree: the jail's leaf and its child jails. */
	if (fd < 0)
		return -1;
	if (write_file_at(fd, "cgroup.kill", "1") < 0)
		return perr_set(e, errno, "cgroup.kill of jail %d (Linux 5.14 or newer is needed)", cg->jid);
	return 0;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Is key (populated, frozen) 1 in the cgroup.events file open at eventsfd, read afresh? */
static bool events_set(int eventsfd, const char *key)
{
	char buf[256];
	ssize_t n = pread(eventsfd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return false;
	buf[n] = '\0';
	return keyed_u64(buf, key) == 1;
}

bool cgroup_populated(const struct cg_path *cg, char *where, size_t len)
{
	struct perr e = { 0 };
	_cleanup_close_ int fd = cgroup_open(cg, &e);
	_cleanup_close_ int events = fd >= 0 ? openat(fd, "cgroup.events", O_RDONLY | O_CLOEXEC) : -1;

	if (events < 0 || !events_set(events, "populated"))
		return false;
	return unified_path(cg->dir, where, len, &e) == 0;
}

int cgroup_rmdir_tree(const char *path)
{
	_cleanup_closedir_ DIR *d = opendir(path);
	struct dirent *de;

	/* A cgroup's files go with it; only its child cgroups must go first. */
	while (d && (de = readdir(d))) {
		char sub[1024];
		if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		(void)cgroup_rmdir_tree(sub);
	}
	return rmdir(path);
}

long cgroup_deadline(int timeout_ms)
{
	return now_ms() + timeout_ms;
}

int cgroup_wait_frozen(int cgfd, long deadline)
{
	_cleanup_close_ int events = openat(cgfd, "cgroup.events", O_RDONLY | O_CLOEXEC);

	if (events < 0)
		return -1;
	while (!events_set(events, "frozen")) {
		long left = deadline - now_ms();
		struct pollfd pfd = { .fd = events, .events = POLLPRI };
		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		(void)poll(&pfd, 1, (int)(left < 100 ? left : 100));
	}
	return 0;
}

int cgroup_wait_empty(const struct cg_path *cg, long deadline, struct perr *e)
{
	_cleanup_close_ int fd = cgroup_open(cg, e);
	_cleanup_close_ int events = -1;

	if (fd < 0)
		return e->err == ENOENT ? 0 : -1;
	/* populated counts the whole subtree, so this waits for child jails too. */
	events = openat(fd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	/* The kernel signals a change of cgroup.events with POLLPRI. */
	while (events >= 0 && events_set(events, "populated")) {
		long left = deadline - now_ms();
		struct pollfd p = { .fd = events, .events = POLLPRI };
		if (left <= 0)
			return perr_set(e, EBUSY, "cgroup of jail %d", cg->jid);
		poll(&p, 1, (int)(left < 100 ? left : 100));
	}
	return 0;
}

int cgroup_remove(const struct cg_path *cg, long deadline, struct perr *e)
{
	char path[512];

	if (unified_path(cg->dir, path, sizeof(path), e) < 0)
		return -1;
	/* A process that was exiting may still pin it for a moment: EBUSY retries. */
	while (cgroup_rmdir_tree(path) < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno != EBUSY || now_ms() > deadline)
			return perr_set(e, errno, "remove cgroup %s", path);
		struct timespec ts = { 0, 2000000L };
		nanosleep(&ts, NULL);
	}
	return 0;
}

struct cg_list {
	struct cg_path *v;
	size_t n, cap;
};

static int cg_list_push(struct cg_list *l, const struct cg_path *p)
{
	struct cg_path *nv = array_grow(l->v, l->n, &l->cap, sizeof(*nv), 16);

	if (!nv)
		return -1;
	l->v = nv;
	l->v[l->n++] = *p;
	return 0;
}

/* Numbered directories below rel (prison/ itself for ""), depth first, parents first. */
static int walk(const char *root, const char *rel, struct cg_list *l, int depth)
{
	char path[512];
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int r = 0;

	snprintf(path, sizeof(path), "%s/%s%s%s", root, runtime_cgroup(), rel[0] ? "/" : "", rel);
	d = opendir(path);
	if (!d)
		return depth == 0 && errno == ENOENT ? 0 : -1;
	while (r == 0 && (de = readdir(d))) {
		char sub[160];
		struct cg_path p;
		struct stat st;
		if (de->d_type != DT_DIR || de->d_name[0] == '.' || strcmp(de->d_name, CG_LEAF) == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", rel, rel[0] ? "/" : "", de->d_name);
		if (cg_path_parse(sub, false, &p) < 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s/" CG_LEAF, root, runtime_cgroup(), sub);
		p.leaf = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
		if (cg_list_push(l, &p) < 0)
			return -1;
		/* Only a jail that may have children has any: a flat jail costs no second readdir. */
		if (p.leaf && depth < 16)
			r = walk(root, sub, l, depth + 1);
	}
	return r;
}

int cgroup_list(struct cg_path **ret, size_t *ret_n)
{
	struct perr e = { 0 };
	const char *root = cgroup_unified_root(&e);
	struct cg_list l = { 0 };

	*ret = NULL;
	*ret_n = 0;
	if (!root)
		return -1;
	if (walk(root, "", &l, 0) < 0) {
		free(l.v);
		return -1;
	}
	*ret = l.v;
	*ret_n = l.n;
	return 0;
}

int cgroup_jails_of_pid(pid_t pid, int *jids, int max, struct perr *e)
{
	char path[64], buf[4096];

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	if (read_file_at(AT_FDCWD, path, buf, sizeof(buf)) < 0)
		return perr_set(e, errno, "process %d", (int)pid);
	return cg_path_jids_of(buf, runtime_cgroup(), jids, max);
}
