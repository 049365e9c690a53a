/*
 * The cgroup2 back end: controllers enabled from ROOT down to the jail's
 * cgroup ROOT/prison/DIR (cgroup.c makes it) and written there.  A child
 * jail's DIR is below its parent's, so the parent's limits count the
 * child's use by the kernel's own hierarchy; a controller reaches the
 * child only when the child sets a limit of its own.
 */
#include "cglimit.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "runtime.h"
#include "util.h"

static const char *const v2_names[CGC__COUNT] = { "memory", "pids", "cpu", "cpuset", "io", "hugetlb" };

static const char *v2_root(void)
{
	struct perr e = { 0 };

	if (cg_v2.root[0])
		return cg_v2.root;
	return cgroup_unified_root(&e);
}

/* ROOT/prison/rel, or ROOT/prison for rel NULL. */
static int open_dir(const char *rel, struct perr *e)
{
	const char *root = v2_root();
	char path[512];
	int fd;

	if (!root)
		return perr_setx(e, ENOTSUP, "no cgroup2 hierarchy");
	if (rel)
		snprintf(path, sizeof(path), "%s/%s/%s", root, runtime_cgroup(), rel);
	else
		snprintf(path, sizeof(path), "%s/%s", root, runtime_cgroup());
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return perr_set(e, errno, "cgroup %s", path);
	return fd;
}

static bool word_in(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

/*
 * The root's controllers are read once a process (per root, which unit
 * tests move): which controllers a host gives cgroup2 changes only when
 * a v1 hierarchy is unmounted, and a jail's creation asked about a dozen
 * times, four system calls each.
 */
static bool v2_has(enum cg_controller c)
{
	static char known_root[sizeof(cg_v2.root)];
	static unsigned known_mask;
	static bool known;
	const char *root = v2_root();

	if (!root)
		return false;
	if (!known || strcmp(known_root, root) != 0) {
		char buf[512];
		_cleanup_close_ int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (fd < 0 || read_file_at(fd, "cgroup.controllers", buf, sizeof(buf)) <= 0)
			return false;
		known_mask = 0;
		for (int i = 0; i < CGC__COUNT; i++)
			if (word_in(buf, v2_names[i]))
				known_mask |= 1U << i;
		snprintf(known_root, sizeof(known_root), "%s", root);
		known = true;
	}
	return known_mask & (1U << c);
}

/* +name in dir's subtree_control unless it is there. */
static int enable_in(int dir, const char *where, const char *name, struct perr *e)
{
	char plus[CG_UNIFIED_KEY_MAX + 1], buf[512];

	if (read_file_at(dir, "cgroup.subtree_control", buf, sizeof(buf)) >= 0 && word_in(buf, name))
		return 0;
	snprintf(plus, sizeof(plus), "+%s", name);
	if (write_file_at(dir, "cgroup.subtree_control", plus) < 0)
		return perr_set(e, errno, "enable the %s controller in %s", name, where);
	return 0;
}

/*
 * Hand the controller down to the jail: the subtree_control of ROOT, of
 * ROOT/prison and of every ancestor jail's cgroup.  An ancestor jail keeps
 * its processes in its leaf, so cgroup2's rule against processes in a
 * cgroup that hands controllers down holds.
 */
static int enable(const struct cg_path *cg, const char *name, struct perr *e)
{
	const char *root = v2_root();
	char rel[sizeof(cg->dir)];
	_cleanup_close_ int rootfd = root ? open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	_cleanup_close_ int prison = open_dir(NULL, e);

	if (rootfd < 0 || prison < 0)
		return perr_set(e, errno, "cgroup2 root");
	if (enable_in(rootfd, root, name, e) < 0 || enable_in(prison, runtime_cgroup(), name, e) < 0)
		return -1;
	snprintf(rel, sizeof(rel), "%s", cg->dir);
	for (char *slash = strchr(rel, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		_cleanup_close_ int dir = open_dir(rel, e);
		if (dir < 0 || enable_in(dir, rel, name, e) < 0)
			return -1;
		*slash = '/';
	}
	return 0;
}

static void fmt_max(char *buf, size_t len, uint64_t v)
{
	if (v == CG_UNLIMITED)
		snprintf(buf, len, "max");
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
}

static int knob(int dir, const char *name, const char *value, struct perr *e)
{
	if (write_file_at(dir, name, value) < 0)
		return perr_set(e, errno, "cgroup %s = %s", name, value);
	return 0;
}

/* A device's weight: BFQ's file where the kernel has it, else io.cost's (whose scale is ten times BFQ's). */
static int apply_weight(int dir, const char *dev, unsigned w, struct perr *e)
{
	char line[64];

	snprintf(line, sizeof(line), "%s %u", dev, w);
	if (write_file_at(dir, "io.bfq.weight", line) == 0)
		return 0;
	if (errno == ENOENT || errno == EOPNOTSUPP) {
		snprintf(line, sizeof(line), "%s %u", dev, w * 10);
		if (write_file_at(dir, "io.weight", line) == 0)
			return 0;
	}
	if (errno == ENOENT || errno == EOPNOTSUPP)
		return perr_setx(e, ENOTSUP, "io.device: weight of %s: the kernel has no per-device I/O weight here "
				 "(io.bfq.weight needs BFQ as the device's scheduler, io.weight the io.cost controller)", dev);
	return perr_set(e, errno, "io.device: weight of %s", dev);
}

/* Every device's weight (io.device's default), or back to the kernel's 100 where none is given. */
static int apply_default_weight(int dir, unsigned w, struct perr *e)
{
	char line[32], cur[64] = "";
	unsigned long long now;

	/* None given and none set: nothing to write (BFQ's "default N" line, or io.cost's). */
	if (!w && (read_file_at(dir, "io.bfq.weight", cur, sizeof(cur)) <= 0 || strncmp(cur, "default ", 8) != 0 ||
		   (cur[8 + strcspn(cur + 8, "\n")] = '\0', !parse_ull(cur + 8, &now)) || now == CG_WEIGHT_DEFAULT))
		return 0;
	snprintf(line, sizeof(line), "default %u", w ? w : CG_WEIGHT_DEFAULT);
	if (write_file_at(dir, "io.bfq.weight", line) == 0)
		return 0;
	if (errno == ENOENT || errno == EOPNOTSUPP) {
		snprintf(line, sizeof(line), "default %u", (w ? w : CG_WEIGHT_DEFAULT) * 10);
		if (write_file_at(dir, "io.weight", line) == 0)
			return 0;
	}
	if (!w)
		return 0;
	if (errno == ENOENT || errno == EOPNOTSUPP)
		return perr_setx(e, ENOTSUP, "io.device: default weight: the kernel has no I/O weight here "
				 "(io.bfq.weight needs BFQ, io.weight the io.cost controller)");
	return perr_set(e, errno, "io.device: default weight");
}

static int apply_io(int dir, const struct cg_limits *l, struct perr *e)
{
	static const char *const files[] = { "io.max" };
	char devs[64][16], v[4][24], line[160];
	int n = cg_io_devices(dir, files, ARRAY_SIZE(files), l, devs, 64);

	/* First: BFQ's default weight, once written, clears every device's own. */
	if (apply_default_weight(dir, l->io_weight, e) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		unsigned maj = 0, min = 0, w;
		uint64_t lim[4];
		if (!cg_parse_dev(devs[i], &maj, &min))
			continue;
		w = cg_iodev_limits(l, maj, min, lim);
		for (int k = 0; k < 4; k++)
			fmt_max(v[k], sizeof(v[k]), lim[k]);
		snprintf(line, sizeof(line), "%s rbps=%s wbps=%s riops=%s wiops=%s", devs[i], v[0], v[1], v[2], v[3]);
		/* A device the io controller does not handle (no request queue) is skipped, unless io.device names it. */
		if (write_file_at(dir, "io.max", line) < 0 &&
		    ((errno != ENODEV && errno != EINVAL) || cg_iodev_named(l, devs[i])))
			return perr_set(e, errno, "cgroup io.max %s", line);
		if (w && apply_weight(dir, devs[i], w, e) < 0)
			return -1;
	}
	return 0;
}

static int apply_memory(int dir, const struct cg_limits *l, struct perr *e)
{
	char v[64];

	fmt_max(v, sizeof(v), l->memory_max);
	if (knob(dir, "memory.max", v, e) < 0)
		return -1;
	snprintf(v, sizeof(v), "%llu", (unsigned long long)l->memory_low);
	if ((l->memory_low || faccessat(dir, "memory.low", F_OK, 0) == 0) && knob(dir, "memory.low", v, e) < 0)
		return -1;
	fmt_max(v, sizeof(v), l->swap_max);
	if (faccessat(dir, "memory.swap.max", F_OK, 0) == 0)
		return knob(dir, "memory.swap.max", v, e);
	if (l->swap_max != CG_UNLIMITED)
		return perr_setx(e, ENOTSUP, "swapuse: this kernel keeps no swap account (memory.swap.max)");
	return 0;
}

/* An empty cpuset.cpus means the parent's: every CPU; the same for the memory nodes. */
static int apply_cpuset(int dir, const struct cg_limits *l, struct perr *e)
{
	if (knob(dir, "cpuset.cpus", l->cpus[0] ? l->cpus : "\n", e) < 0)
		return -1;
	if (!l->mems[0] && faccessat(dir, "cpuset.mems", F_OK, 0) < 0)
		return 0;
	return knob(dir, "cpuset.mems", l->mems[0] ? l->mems : "\n", e);
}

static int v2_apply(const struct cg_path *cg, enum cg_controller c, const struct cg_limits *l, struct perr *e)
{
	_cleanup_close_ int dir = -1;
	char v[64];

	if (enable(cg, v2_names[c], e) < 0)
		return -1;
	dir = open_dir(cg->dir, e);
	if (dir < 0)
		return -1;
	switch (c) {
	case CGC_MEMORY:
		return apply_memory(dir, l, e);
	case CGC_PIDS:
		fmt_max(v, sizeof(v), l->pids_max);
		return knob(dir, "pids.max", v, e);
	case CGC_CPU:
		snprintf(v, sizeof(v), "%u", cg_cpu_weight(l));
		if (knob(dir, "cpu.weight", v, e) < 0)
			return -1;
		if (l->cpu_quota_us == CG_UNLIMITED)
			snprintf(v, sizeof(v), "max %llu", CG_CPU_PERIOD_US);
		else
			snprintf(v, sizeof(v), "%llu %llu", (unsigned long long)l->cpu_quota_us, CG_CPU_PERIOD_US);
		return knob(dir, "cpu.max", v, e);
	case CGC_CPUSET:
		return apply_cpuset(dir, l, e);
	case CGC_IO:
		return apply_io(dir, l, e);
	case CGC_HUGETLB:
		return cg_apply_hugetlb(dir, l, "max", "rsvd.max", "max", e);
	case CGC__COUNT:
		break;
	}
	return 0;
}

/* One entry of cgroup.unified, in the jail's cgroup2 directory dir. */
static int unified_one(const struct cg_path *cg, int dir, const char *have, const struct cg_unified *u,
		       struct perr *e)
{
	char name[CG_UNIFIED_KEY_MAX];

	snprintf(name, sizeof(name), "%.*s", (int)strcspn(u->key, "."), u->key);
	/* cgroup.* files are cgroup2's own, in every cgroup whatever its controllers. */
	if (strcmp(name, "cgroup") != 0) {
		/* A controller of cgroup v1's was refused before (cg_apply_all): this one the host lacks. */
		if (!word_in(have, name))
			return perr_setx(e, ENOTSUP, "cgroup.unified: \"%s\": the %s controller is not one cgroup2 has on "
					 "this host", u->key, name);
		if (enable(cg, name, e) < 0)
			return perr_prefix(e, "cgroup.unified: \"%s\"", u->key);
	}
	if (write_file_beneath(dir, u->key, u->value) == 0)
		return 0;
	if (errno == ENOENT)
		return perr_setx(e, ENOENT, "cgroup.unified: \"%s\": the jail's cgroup has no such file", u->key);
	return perr_set(e, errno, "cgroup.unified: \"%s\" = \"%s\"", u->key, u->value);
}

int cg_v2_apply_unified(const struct cg_path *cg, const struct cg_limits *l, struct perr *e)
{
	const char *root = v2_root();
	_cleanup_close_ int rootfd = root ? open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	_cleanup_close_ int dir = -1;
	char have[512];

	if (rootfd < 0 || read_file_at(rootfd, "cgroup.controllers", have, sizeof(have)) < 0)
		return perr_setx(e, ENOTSUP, "cgroup.unified: this host has no cgroup2 hierarchy");
	dir = open_dir(cg->dir, e);
	if (dir < 0)
		return -1;
	for (size_t i = 0; i < l->nunified; i++)
		if (unified_one(cg, dir, have, &l->unified[i], e) < 0)
			return -1;
	return 0;
}

static bool v2_in_use(const struct cg_path *cg, enum cg_controller c)
{
	static const char *const probe[CGC__COUNT] = { "memory.max", "pids.max", "cpu.max", "cpuset.cpus", "io.max", NULL };
	struct perr e = { 0 };
	_cleanup_close_ int dir = open_dir(cg->dir, &e);

	/*
	 * hugetlb's files are in every jail's cgroup once any jail has had a
	 * limit (its controller stays enabled in prison/): only a limit held
	 * is a use, so that a new jail writes none.
	 */
	if (c == CGC_HUGETLB)
		return dir >= 0 && cg_hugetlb_limited(dir, "max", "max");
	return dir >= 0 && faccessat(dir, probe[c], F_OK, 0) == 0;
}

static uint64_t add(uint64_t a, uint64_t b)
{
	return a == CG_UNLIMITED ? b : a + b;
}

static int v2_open_memory(const struct cg_path *cg, bool swap)
{
	struct perr e = { 0 };
	_cleanup_close_ int dir = open_dir(cg->dir, &e);

	/* The files exist only where the memory controller is enabled for the jail. */
	return dir < 0 ? -1 : openat(dir, swap ? "memory.swap.current" : "memory.current", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
}

static void v2_usage(const struct cg_path *cg, enum cg_controller c, struct cg_usage *u)
{
	struct perr e = { 0 };
	_cleanup_close_ int dir = open_dir(cg->dir, &e);
	char buf[4096];

	if (dir < 0)
		return;
	switch (c) {
	case CGC_MEMORY:
		if (read_file_at(dir, "memory.current", buf, sizeof(buf)) > 0)
			u->memory = strtoull(buf, NULL, 10);
		if (read_file_at(dir, "memory.swap.current", buf, sizeof(buf)) > 0)
			u->swap = strtoull(buf, NULL, 10);
		break;
	case CGC_CPU:
		if (read_file_at(dir, "cpu.stat", buf, sizeof(buf)) > 0)
			u->cpu_usec = keyed_u64(buf, "usage_usec");
		break;
	case CGC_IO:
		/* "MAJ:MIN rbytes=.. wbytes=.. rios=.. wios=.." per device. */
		if (read_file_at(dir, "io.stat", buf, sizeof(buf)) > 0)
			for (char *save = NULL, *t = strtok_r(buf, " \n", &save); t; t = strtok_r(NULL, " \n", &save)) {
				char *eq = strchr(t, '=');
				unsigned long long v;
				if (!eq || !parse_ull(eq + 1, &v))
					continue;
				*eq = '\0';
				if (strcmp(t, "rbytes") == 0)
					u->rbytes = add(u->rbytes, v);
				else if (strcmp(t, "wbytes") == 0)
					u->wbytes = add(u->wbytes, v);
				else if (strcmp(t, "rios") == 0)
					u->rios = add(u->rios, v);
				else if (strcmp(t, "wios") == 0)
					u->wios = add(u->wios, v);
			}
		break;
	case CGC_PIDS:
	case CGC_CPUSET:
	case CGC_HUGETLB:
	case CGC__COUNT:
		break;
	}
}

static int v2_join(const struct cg_path *cg, pid_t pid, struct perr *e)
{
	(void)cg;
	(void)pid;
	(void)e;
	return 0;
}

static void v2_destroy(const struct cg_path *cg)
{
	/* The jail's cgroup2 directory is cgroup.c's. */
	(void)cg;
}

struct cg_backend cg_v2 = {
	.name = "cgroup2",
	.has = v2_has,
	.apply = v2_apply,
	.in_use = v2_in_use,
	.usage = v2_usage,
	.open_memory = v2_open_memory,
	.join = v2_join,
	.destroy = v2_destroy,
};
