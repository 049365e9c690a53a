/*
 * The cgroup v1 back end, for hybrid hosts: MOUNT/prison/DIR in each
 * controller's own hierarchy, the same path as in the cgroup2 tree
 * (cgpath.h), made the first time the jail needs that controller.  v1 has
 * no clone3 placement, so a new jail process is written into cgroup.procs
 * before it runs anything, and processes already running are moved when a
 * controller is added to a live jail.
 *
 * Nesting is mirrored: a child jail's v1 cgroup sits in its parent's, so the
 * parent's v1 limit binds it.  A controller a jail gains gives a cgroup to
 * every jail below it as well (and one to its parent first if the parent
 * has none), since a v1 process outside its parent's cgroup is not bound by
 * it.
 */
#include "cglimit.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <mntent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "pidpin.h"
#include "runtime.h"
#include "util.h"

/* v1 names: the io controller is blkio there. */
static const char *const v1_names[CGC__COUNT] = { "memory", "pids", "cpu", "cpuset", "blkio", "hugetlb" };
/*
 * Where the host mounts each v1 hierarchy: a process-wide discovery cache of
 * the host's layout, read once from /proc/self/mounts.  It describes the
 * machine, not a call or a jail, and no prison command remounts cgroups, so
 * file-level state is right here.
 */
static char mounts[CGC__COUNT][256];

static const char *v1_name(enum cg_controller c)
{
	return (unsigned)c < CGC__COUNT ? v1_names[c] : "?";
}
static bool scanned;

static void scan_mounts(void)
{
	_cleanup_fclose_ FILE *f = NULL;
	struct mntent m, *p;
	char buf[1024];

	if (scanned)
		return;
	scanned = true;
	f = setmntent("/proc/self/mounts", "re");
	if (!f)
		return;
	while ((p = getmntent_r(f, &m, buf, sizeof(buf))))
		if (strcmp(p->mnt_type, "cgroup") == 0)
			for (int c = 0; c < CGC__COUNT; c++)
				if (!mounts[c][0] && hasmntopt(p, v1_names[c]))
					snprintf(mounts[c], sizeof(mounts[c]), "%s", p->mnt_dir);
}

static bool v1_has(enum cg_controller c)
{
	scan_mounts();
	return mounts[c][0] != '\0';
}

/* MOUNT/prison/rel, or MOUNT/prison for rel NULL. */
static int path_of(enum cg_controller c, const char *rel, char *buf, size_t len)
{
	scan_mounts();
	if (!mounts[c][0])
		return -1;
	if (rel)
		snprintf(buf, len, "%s/%s/%s", mounts[c], runtime_cgroup(), rel);
	else
		snprintf(buf, len, "%s/%s", mounts[c], runtime_cgroup());
	return 0;
}

static int open_cg(enum cg_controller c, const char *rel)
{
	char path[512];

	if (path_of(c, rel, path, sizeof(path)) < 0)
		return -1;
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
}

static int open_procs(enum cg_controller c, const struct cg_path *cg)
{
	char rel[160];

	cg_path_procs(cg, rel, sizeof(rel));
	return open_cg(c, rel);
}

/* The directory a cgroup of the jail sits in: prison/, or the parent jail's. */
static int open_container(enum cg_controller c, const struct cg_path *cg)
{
	struct cg_path parent;

	return open_cg(c, cg_path_parent(cg, &parent) ? parent.dir : NULL);
}

static int knob(int dir, const char *name, const char *value, struct perr *e)
{
	if (write_file_at(dir, name, value) < 0)
		return perr_set(e, errno, "cgroup %s = %s", name, value);
	return 0;
}

/* A new cpuset cgroup starts with no CPU and no memory node: copy the parent's. */
static int cpuset_inherit(int parent, int dir, struct perr *e)
{
	char buf[256];

	for (int i = 0; i < 2; i++) {
		const char *name = i ? "cpuset.mems" : "cpuset.cpus";
		if (read_file_at(parent, name, buf, sizeof(buf)) < 0)
			return perr_set(e, errno, "cgroup %s", name);
		buf[strcspn(buf, "\n")] = '\0';
		if (knob(dir, name, buf[0] ? buf : "\n", e) < 0)
			return -1;
	}
	return 0;
}

/* mkdir path; a new cpuset cgroup gets the CPUs and nodes of the one it is in. */
static int make_one(enum cg_controller c, const char *path, int container, bool *made, struct perr *e)
{
	*made = false;
	if (mkdir(path, 0755) < 0)
		return errno == EEXIST ? 0 : perr_set(e, errno, "cgroup %s", path);
	*made = true;
	if (c == CGC_CPUSET) {
		_cleanup_close_ int dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (container < 0 || dir < 0 || cpuset_inherit(container, dir, e) < 0) {
			rmdir(path);
			*made = false;
			return perr_prefix(e, "%s", path);
		}
	}
	return 0;
}

/* MOUNT/prison, then the jail's cgroup and its leaf; *made tells whether the jail's is new. */
static int make_dirs(enum cg_controller c, const struct cg_path *cg, bool *made, struct perr *e)
{
	char path[512], leaf[600];
	bool top_made, leaf_made;
	_cleanup_close_ int top = -1, container = -1, dir = -1;

	*made = false;
	if (path_of(c, NULL, path, sizeof(path)) < 0)
		return perr_setx(e, ENOTSUP, "no v1 %s hierarchy", v1_name(c));
	top = open(mounts[c], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (make_one(c, path, top, &top_made, e) < 0)
		return -1;
	container = open_container(c, cg);
	path_of(c, cg->dir, path, sizeof(path));
	if (make_one(c, path, container, made, e) < 0)
		return -1;
	if (!cg->leaf)
		return 0;
	snprintf(leaf, sizeof(leaf), "%s/" CG_LEAF, path);
	dir = open_cg(c, cg->dir);
	if (make_one(c, leaf, dir, &leaf_made, e) < 0) {
		if (*made)
			rmdir(path);
		*made = false;
		return -1;
	}
	return 0;
}

/* One pid of the jail's cgroup2 list: 1 if it was moved and will arrive, 0 if there is nothing to wait for. */
static int move_one(const char *rel, int dir, const char *t, struct perr *e)
{
	struct pidpin p _cleanup_pidpin_ = { .pidfd = -1, .procfd = -1 };
	long pid;

	/* A read cut short ends in part of a pid: its pin finds no such process of the jail. */
	if (!parse_long(t, 1, INT_MAX, &pid))
		return 0;
	if (pidpin_open((pid_t)pid, rel, &p) < 0)
		return errno == ESRCH ? 0 : perr_set(e, errno, "process %ld", pid);
	if (write_file_at(dir, "cgroup.procs", t) < 0 && errno != ESRCH)
		return perr_set(e, errno, "move process %s", t);
	return pidpin_leaving(&p) ? 0 : 1;
}

/*
 * Move every process of the jail (its cgroup2 membership is the truth) into
 * dir; again until no new one appears, since a process may fork meanwhile.
 * Each pid is pinned first (pidpin.h), so that a pid freed and taken by a
 * process of the host is never moved into a jail's cgroup.  A process
 * whose leader is leaving never arrives (the kernel moves its other
 * threads only): it is written, not waited for.
 */
static int move_procs(const struct cg_path *cg, int dir, struct perr *e)
{
	char rel[512];

	cg_path_procs(cg, rel, sizeof(rel));
	for (int round = 0; round < 100; round++) {
		_cleanup_close_ int v2 = cgroup_open_procs(cg, e);
		char buf[65536];
		int moved = 0;
		if (v2 < 0 || read_file_at(v2, "cgroup.procs", buf, sizeof(buf)) < 0)
			return -1;
		/* Newline on both sides of every pid, so "12" is not found in "120". */
		char mine[65536] = "\n";
		if (read_file_at(dir, "cgroup.procs", mine + 1, sizeof(mine) - 1) < 0)
			mine[1] = '\0';
		for (char *save = NULL, *t = strtok_r(buf, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
			char needle[32];
			snprintf(needle, sizeof(needle), "\n%s\n", t);
			if (strstr(mine, needle))
				continue;
			int r = move_one(rel, dir, t, e);
			if (r < 0)
				return -1;
			moved += r;
		}
		if (!moved)
			return 0;
	}
	return perr_set(e, EAGAIN, "processes keep appearing while the jail is moved into a cgroup");
}

static void fmt_v1(char *buf, size_t len, uint64_t v)
{
	if (v == CG_UNLIMITED)
		snprintf(buf, len, "-1");
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
}

static int apply_memory(int dir, const struct cg_limits *l, struct perr *e)
{
	char v[32];
	bool memsw = faccessat(dir, "memory.memsw.limit_in_bytes", F_OK, 0) == 0;

	if (l->swap_max != CG_UNLIMITED && !memsw)
		return perr_setx(e, ENOTSUP, "swapuse: this kernel keeps no swap account (swapaccount=1)");
	if (l->swap_max != CG_UNLIMITED && l->memory_max == CG_UNLIMITED)
		return perr_setx(e, EINVAL, "swapuse: cgroup v1 limits memory and swap together, so it needs a memoryuse limit too");
	/* memsw may never be below the memory limit: lift it, set memory, then lower it. */
	if (memsw && knob(dir, "memory.memsw.limit_in_bytes", "-1", e) < 0)
		return -1;
	fmt_v1(v, sizeof(v), l->memory_max);
	if (knob(dir, "memory.limit_in_bytes", v, e) < 0)
		return -1;
	/* v1's nearest to memory.low: what the jail keeps when the host reclaims under pressure. */
	fmt_v1(v, sizeof(v), l->memory_low ? l->memory_low : CG_UNLIMITED);
	if ((l->memory_low || faccessat(dir, "memory.soft_limit_in_bytes", F_OK, 0) == 0) &&
	    knob(dir, "memory.soft_limit_in_bytes", v, e) < 0)
		return -1;
	if (l->swap_max != CG_UNLIMITED) {
		snprintf(v, sizeof(v), "%llu", (unsigned long long)l->memory_max + (unsigned long long)l->swap_max);
		return knob(dir, "memory.memsw.limit_in_bytes", v, e);
	}
	return 0;
}

/* A device's weight: BFQ's file where the device has that scheduler, else CFQ's of older kernels. */
static int apply_weight(int dir, const char *dev, unsigned w, struct perr *e)
{
	char line[64];

	snprintf(line, sizeof(line), "%s %u", dev, w);
	if (write_file_at(dir, "blkio.bfq.weight_device", line) == 0)
		return 0;
	if (errno == ENOENT && write_file_at(dir, "blkio.weight_device", line) == 0)
		return 0;
	/* No such file, or BFQ's file for a device BFQ does not schedule. */
	if (errno == ENOENT || errno == EINVAL || errno == EOPNOTSUPP)
		return perr_setx(e, ENOTSUP, "io.device: weight of %s: the kernel has no per-device I/O weight for it "
				 "(blkio.bfq.weight_device needs BFQ as the device's scheduler)", dev);
	return perr_set(e, errno, "io.device: weight of %s", dev);
}

/* Every device's weight (io.device's default), or back to the kernel's 100 where none is given. */
static int apply_default_weight(int dir, unsigned w, struct perr *e)
{
	char line[16], cur[32] = "";
	unsigned long long now;

	/* None given and none set: nothing to write. */
	if (!w && (read_file_at(dir, "blkio.bfq.weight", cur, sizeof(cur)) <= 0 ||
		   (cur[strcspn(cur, "\n")] = '\0', !parse_ull(cur, &now)) || now == CG_WEIGHT_DEFAULT))
		return 0;
	snprintf(line, sizeof(line), "%u", w ? w : CG_WEIGHT_DEFAULT);
	if (write_file_at(dir, "blkio.bfq.weight", line) == 0)
		return 0;
	if (errno == ENOENT && write_file_at(dir, "blkio.weight", line) == 0)
		return 0;
	if (!w)
		return 0;
	if (errno == ENOENT || errno == EINVAL || errno == EOPNOTSUPP)
		return perr_setx(e, ENOTSUP, "io.device: default weight: the kernel has no I/O weight here "
				 "(blkio.bfq.weight needs BFQ)");
	return perr_set(e, errno, "io.device: default weight");
}

static int apply_io(int dir, const struct cg_limits *l, struct perr *e)
{
	static const char *const files[] = { "blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device",
					     "blkio.throttle.read_iops_device", "blkio.throttle.write_iops_device" };
	char devs[64][16], line[64];
	int n = cg_io_devices(dir, files, ARRAY_SIZE(files), l, devs, 64);

	/* First: BFQ's default weight, once written, clears every device's own. */
	if (apply_default_weight(dir, l->io_weight, e) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		unsigned maj = 0, min = 0, w;
		uint64_t v[4];
		if (!cg_parse_dev(devs[i], &maj, &min))
			continue;
		w = cg_iodev_limits(l, maj, min, v);
		for (size_t k = 0; k < ARRAY_SIZE(files); k++) {
			/* 0 removes a device's limit. */
			snprintf(line, sizeof(line), "%s %llu", devs[i],
				 v[k] == CG_UNLIMITED ? 0ULL : (unsigned long long)v[k]);
			if (write_file_at(dir, files[k], line) < 0 &&
			    ((errno != ENODEV && errno != EINVAL) || cg_iodev_named(l, devs[i])))
				return perr_set(e, errno, "cgroup %s %s", files[k], line);
		}
		if (w && apply_weight(dir, devs[i], w, e) < 0)
			return -1;
	}
	return 0;
}

static int v1_apply(const struct cg_path *cg, enum cg_controller c, const struct cg_limits *l, struct perr *e);
static uint64_t read_u64(int dir, const char *name);

/*
 * A jail that gained controller c: the jails below it (their cgroup2
 * directories say which) get a cgroup of c in it, with no limit of their
 * own, and their processes move there.
 */
static int adopt_children(const struct cg_path *cg, enum cg_controller c, struct perr *e)
{
	_cleanup_close_ int v2 = cg->leaf ? cgroup_open(cg, e) : -1;
	struct cg_limits none;
	struct dirent *de;
	_cleanup_closedir_ DIR *d = NULL;
	int r = 0;

	if (!cg->leaf)
		return 0;
	if (v2 < 0)
		return -1;
	d = opendir_at(v2);
	if (!d)
		return perr_set(e, errno, "cgroup of jail %d", cg->jid);
	cg_limits_init(&none);
	while (r == 0 && (de = readdir(d))) {
		struct cg_path child;
		char leaf[300];
		long jid;
		if (de->d_type != DT_DIR || !parse_long(de->d_name, 1, 999999, &jid))
			continue;
		snprintf(leaf, sizeof(leaf), "%s/" CG_LEAF, de->d_name);
		if (cg_path_make(&child, cg, (int)jid, faccessat(v2, leaf, F_OK, 0) == 0, e) == 0)
			r = v1_apply(&child, c, &none, e);
		else
			r = -1;
	}
	return r;
}

static int apply_pids(int dir, const struct cg_limits *l, struct perr *e)
{
	char v[64];

	if (l->pids_max == CG_UNLIMITED)
		snprintf(v, sizeof(v), "max");
	else
		snprintf(v, sizeof(v), "%llu", (unsigned long long)l->pids_max);
	return knob(dir, "pids.max", v, e);
}

static int apply_cpu(int dir, const struct cg_limits *l, struct perr *e)
{
	char v[64];

	snprintf(v, sizeof(v), "%u", cg_cpu_shares(l));
	if (knob(dir, "cpu.shares", v, e) < 0)
		return -1;
	snprintf(v, sizeof(v), "%llu", CG_CPU_PERIOD_US);
	if (knob(dir, "cpu.cfs_period_us", v, e) < 0)
		return -1;
	fmt_v1(v, sizeof(v), l->cpu_quota_us);
	return knob(dir, "cpu.cfs_quota_us", v, e);
}

static int apply_cpuset(int dir, const struct cg_path *cg, const struct cg_limits *l, struct perr *e)
{
	_cleanup_close_ int container = open_container(CGC_CPUSET, cg);
	_cleanup_close_ int leaf = cg->leaf ? open_procs(CGC_CPUSET, cg) : -1;
	struct perr ignore = { 0 };
	int r = 0;

	/* The leaf first when the set shrinks (v1 keeps a child inside its parent), after when it grows. */
	if (leaf >= 0 && l->cpus[0])
		(void)knob(leaf, "cpuset.cpus", l->cpus, &ignore);
	if (l->cpus[0])
		r = knob(dir, "cpuset.cpus", l->cpus, e);
	else if (container >= 0)
		r = cpuset_inherit(container, dir, e);
	/* The nodes the same way; with none given they are the container's (copied above, or at mkdir). */
	if (r == 0 && l->mems[0]) {
		if (leaf >= 0)
			(void)knob(leaf, "cpuset.mems", l->mems, &ignore);
		r = knob(dir, "cpuset.mems", l->mems, e);
	}
	if (r == 0 && leaf >= 0)
		r = cpuset_inherit(dir, leaf, e);
	return r;
}

/*
 * prison/ in the cpu hierarchy holds only the jails that have a weight or a
 * cap (cglimit.c: the others share by the scheduler's autogroups, one
 * session each).  It competes with those sessions as one entity, so it
 * weighs what the jails in it weigh together: a jail of weight 300 then
 * gets three times what a jail without a cgroup gets.
 */
static void cpu_container_shares(void)
{
	_cleanup_close_ int top = open_cg(CGC_CPU, NULL);
	_cleanup_closedir_ DIR *d = NULL;
	unsigned long long sum = 0;
	struct dirent *de;
	char v[32];
	struct perr ignore = { 0 };

	if (top < 0 || !(d = opendir_at(top)))
		return;
	while ((de = readdir(d))) {
		_cleanup_close_ int j = -1;
		if (de->d_type != DT_DIR || de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		j = openat(top, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		uint64_t shares = j >= 0 ? read_u64(j, "cpu.shares") : CG_UNLIMITED;
		if (shares != CG_UNLIMITED && sum < (1ULL << 20))
			sum += shares;
	}
	/* v1's range of cpu.shares is 2 to 262144. */
	snprintf(v, sizeof(v), "%llu", sum == 0 ? 1024 : sum > 262144 ? 262144 : sum);
	(void)knob(top, "cpu.shares", v, &ignore);
}

static int apply_controller(int dir, const struct cg_path *cg, enum cg_controller c, const struct cg_limits *l,
			    struct perr *e)
{
	switch (c) {
	case CGC_MEMORY:
		return apply_memory(dir, l, e);
	case CGC_PIDS:
		return apply_pids(dir, l, e);
	case CGC_CPU:
		return apply_cpu(dir, l, e);
	case CGC_CPUSET:
		return apply_cpuset(dir, cg, l, e);
	case CGC_IO:
		return apply_io(dir, l, e);
	case CGC_HUGETLB:
		return cg_apply_hugetlb(dir, l, "limit_in_bytes", "rsvd.limit_in_bytes", "-1", e);
	case CGC__COUNT:
		break;
	}
	return 0;
}

/* The parent's cgroup of c first: making it gives this jail one too (adopt_children). */
static int apply_parent_first(const struct cg_path *cg, enum cg_controller c, struct perr *e)
{
	struct cg_path parent;
	struct cg_limits none;

	if (!cg_path_parent(cg, &parent) || cg_v1.in_use(&parent, c))
		return 0;
	cg_limits_init(&none);
	return v1_apply(&parent, c, &none, e);
}

/* A cgroup just made: the jail's processes and the jails below it move in. */
static int populate_new(const struct cg_path *cg, enum cg_controller c, struct perr *e)
{
	_cleanup_close_ int procs = open_procs(c, cg);

	if (procs < 0)
		return perr_set(e, errno, "v1 %s cgroup of jail %d", v1_name(c), cg->jid);
	if (move_procs(cg, procs, e) < 0)
		return -1;
	return adopt_children(cg, c, e);
}

static int v1_apply(const struct cg_path *cg, enum cg_controller c, const struct cg_limits *l, struct perr *e)
{
	_cleanup_close_ int dir = -1;
	char path[512];
	bool made = false, top = strchr(cg->dir, '/') == NULL;
	int r;

	if (apply_parent_first(cg, c, e) < 0 || make_dirs(c, cg, &made, e) < 0)
		return -1;
	dir = open_cg(c, cg->dir);
	if (dir < 0)
		r = perr_set(e, errno, "v1 %s cgroup of jail %d", v1_name(c), cg->jid);
	else
		r = apply_controller(dir, cg, c, l, e);
	if (r == 0 && made)
		r = populate_new(cg, c, e);
	if (r < 0 && made && path_of(c, cg->dir, path, sizeof(path)) == 0)
		(void)cgroup_rmdir_tree(path);
	if (c == CGC_CPU && top)
		cpu_container_shares();
	return r;
}

static bool v1_in_use(const struct cg_path *cg, enum cg_controller c)
{
	char path[512];

	return path_of(c, cg->dir, path, sizeof(path)) == 0 && access(path, F_OK) == 0;
}

static uint64_t read_u64(int dir, const char *name)
{
	char buf[64];

	if (read_file_at(dir, name, buf, sizeof(buf)) <= 0)
		return CG_UNLIMITED;
	return strtoull(buf, NULL, 10);
}

/* blkio.throttle.io_service_bytes: "MAJ:MIN Read N" lines; the sum of one kind. */
static uint64_t blkio_sum(int dir, const char *file, const char *kind)
{
	char buf[8192];
	uint64_t sum = 0;
	bool any = false;

	if (read_file_at(dir, file, buf, sizeof(buf)) <= 0)
		return CG_UNLIMITED;
	for (char *save = NULL, *t = strtok_r(buf, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
		/* "MAJ:MIN Kind N"; the Total line has no device. */
		char *s2 = NULL, *dev = strtok_r(t, " ", &s2), *k = strtok_r(NULL, " ", &s2), *num = strtok_r(NULL, " ", &s2);
		unsigned long long n;
		if (dev && k && num && strcmp(k, kind) == 0 && parse_ull(num, &n)) {
			sum += n;
			any = true;
		}
	}
	return any ? sum : 0;
}

static int v1_open_memory(const struct cg_path *cg, bool swap)
{
	_cleanup_close_ int dir = open_cg(CGC_MEMORY, cg->dir);

	/* A v1 memory cgroup exists only when a limit made it; swap only with swap accounting. */
	return dir < 0 ? -1 :
			 openat(dir, swap ? "memory.memsw.usage_in_bytes" : "memory.usage_in_bytes", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
}

static void v1_usage(const struct cg_path *cg, enum cg_controller c, struct cg_usage *u)
{
	_cleanup_close_ int dir = open_cg(c, cg->dir);

	if (dir < 0)
		return;
	if (c == CGC_MEMORY) {
		uint64_t mem = read_u64(dir, "memory.usage_in_bytes"), both = read_u64(dir, "memory.memsw.usage_in_bytes");
		u->memory = mem;
		if (mem != CG_UNLIMITED && both != CG_UNLIMITED)
			u->swap = both > mem ? both - mem : 0;
	} else if (c == CGC_IO) {
		u->rbytes = blkio_sum(dir, "blkio.throttle.io_service_bytes", "Read");
		u->wbytes = blkio_sum(dir, "blkio.throttle.io_service_bytes", "Write");
		u->rios = blkio_sum(dir, "blkio.throttle.io_serviced", "Read");
		u->wios = blkio_sum(dir, "blkio.throttle.io_serviced", "Write");
	}
}

static int v1_join(const struct cg_path *cg, pid_t pid, struct perr *e)
{
	char v[16];

	snprintf(v, sizeof(v), "%d", (int)pid);
	for (int c = 0; c < CGC__COUNT; c++) {
		if (cg_v2.has((enum cg_controller)c))
			continue;
		_cleanup_close_ int dir = open_procs((enum cg_controller)c, cg);
		if (dir >= 0 && write_file_at(dir, "cgroup.procs", v) < 0)
			return perr_set(e, errno, "join the jail's %s cgroup", v1_names[c]);
	}
	return 0;
}

/* A process in the v1 cgroup at path or in one below it (v1 has no "populated" to ask). */
static bool tree_has_procs(const char *path, int depth)
{
	_cleanup_closedir_ DIR *d = opendir(path);
	struct dirent *de;
	char buf[16];

	if (!d)
		return false;
	if (read_file_at(dirfd(d), "cgroup.procs", buf, sizeof(buf)) > 0)
		return true;
	while (depth < 16 && (de = readdir(d))) {
		char sub[1024];
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (tree_has_procs(sub, depth + 1))
			return true;
	}
	return false;
}

bool cg_v1_populated(const struct cg_path *cg, char *where, size_t len)
{
	for (int c = 0; c < CGC__COUNT; c++)
		if (path_of((enum cg_controller)c, cg->dir, where, len) == 0 && tree_has_procs(where, 0))
			return true;
	return false;
}

/*
 * A running jail given a leaf (cgleaf.h), in every v1 hierarchy where it
 * has a cgroup: DIR/self made as make_dirs makes it for a jail created
 * with children, and the processes moved in.  cg has its leaf already, and
 * its cgroup2 processes are in it, whose list says who moves.
 */
int cg_v1_add_leaf(const struct cg_path *cg, struct perr *e)
{
	for (int c = 0; c < CGC__COUNT; c++) {
		char path[512], leaf[600];
		_cleanup_close_ int dir = -1, procs = -1;
		bool made;
		if (cg_v2.has((enum cg_controller)c) || !v1_in_use(cg, (enum cg_controller)c))
			continue;
		path_of((enum cg_controller)c, cg->dir, path, sizeof(path));
		snprintf(leaf, sizeof(leaf), "%s/" CG_LEAF, path);
		dir = open_cg((enum cg_controller)c, cg->dir);
		if (dir < 0)
			return perr_set(e, errno, "cgroup %s", path);
		if (make_one((enum cg_controller)c, leaf, dir, &made, e) < 0)
			return -1;
		procs = open_procs((enum cg_controller)c, cg);
		if (procs < 0)
			return perr_set(e, errno, "cgroup %s", leaf);
		if (move_procs(cg, procs, e) < 0)
			return -1;
	}
	return 0;
}

/* The undo of cg_v1_add_leaf: cg without its leaf, whose cgroup2 processes are back in DIR. */
void cg_v1_drop_leaf(const struct cg_path *cg)
{
	struct perr ignore = { 0 };

	for (int c = 0; c < CGC__COUNT; c++) {
		char path[600];
		_cleanup_close_ int dir = -1;
		if (path_of((enum cg_controller)c, cg->dir, path, sizeof(path)) < 0)
			continue;
		strncat(path, "/" CG_LEAF, sizeof(path) - strlen(path) - 1);
		if (access(path, F_OK) < 0 || (dir = open_cg((enum cg_controller)c, cg->dir)) < 0)
			continue;
		(void)move_procs(cg, dir, &ignore);
		(void)rmdir(path);
	}
}

static void v1_destroy(const struct cg_path *cg)
{
	char path[512];
	bool top = strchr(cg->dir, '/') == NULL;

	for (int c = 0; c < CGC__COUNT; c++)
		if (path_of((enum cg_controller)c, cg->dir, path, sizeof(path)) == 0 && cgroup_rmdir_tree(path) == 0 &&
		    c == CGC_CPU && top)
			cpu_container_shares();
}

struct cg_backend cg_v1 = {
	.name = "cgroup v1",
	.has = v1_has,
	.apply = v1_apply,
	.in_use = v1_in_use,
	.usage = v1_usage,
	.open_memory = v1_open_memory,
	.join = v1_join,
	.destroy = v1_destroy,
};
