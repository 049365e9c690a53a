#include "cglimit.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static const char *const controller_names[CGC__COUNT] = { "memory", "pids", "cpu", "cpuset", "io" };

const char *cg_controller_name(enum cg_controller c)
{
	return controller_names[c];
}

void cg_limits_init(struct cg_limits *l)
{
	memset(l, 0, sizeof(*l));
	l->memory_max = l->swap_max = l->pids_max = l->cpu_quota_us = CG_UNLIMITED;
	l->rbps = l->wbps = l->riops = l->wiops = CG_UNLIMITED;
	l->cpu_weight = CG_WEIGHT_DEFAULT;
}

bool cg_needs(const struct cg_limits *l, enum cg_controller c)
{
	switch (c) {
	case CGC_MEMORY:
		return l->memory_max != CG_UNLIMITED || l->swap_max != CG_UNLIMITED;
	case CGC_PIDS:
		return l->pids_max != CG_UNLIMITED;
	case CGC_CPU:
		/* Always: a jail's threads share one slot of the scheduler, whatever their number. */
		return true;
	case CGC_CPUSET:
		return l->cpus[0] != '\0';
	case CGC_IO:
		return l->rbps != CG_UNLIMITED || l->wbps != CG_UNLIMITED || l->riops != CG_UNLIMITED ||
		       l->wiops != CG_UNLIMITED;
	case CGC__COUNT:
		break;
	}
	return false;
}

int cg_open_memory_counter(const struct cg_path *cg, bool swap)
{
	struct cg_backend *b = cg_backend_for(CGC_MEMORY);

	return b && b->open_memory ? b->open_memory(cg, swap) : -1;
}

struct cg_backend *cg_backend_for(enum cg_controller c)
{
	if (cg_v2.has(c))
		return &cg_v2;
	if (cg_v1.has(c))
		return &cg_v1;
	return NULL;
}

int cg_apply_all(const struct cg_path *cg, const struct cg_limits *l, struct perr *e)
{
	struct cg_path parent;
	bool nested = cg_path_parent(cg, &parent);

	for (int c = 0; c < CGC__COUNT; c++) {
		struct cg_backend *b = cg_backend_for((enum cg_controller)c);
		if (!b) {
			/* Fair share is best effort; a limit that cannot be set is an error. */
			if (cg_needs(l, (enum cg_controller)c) && c != CGC_CPU)
				return perr_setx(e, ENOTSUP, "this host has no %s cgroup controller, in either cgroup layout",
						controller_names[c]);
			continue;
		}
		if (!cg_needs(l, (enum cg_controller)c) && !b->in_use(cg, (enum cg_controller)c) &&
		    !(b == &cg_v1 && nested && b->in_use(&parent, (enum cg_controller)c)))
			continue;
		if (b->apply(cg, (enum cg_controller)c, l, e) < 0)
			return -1;
	}
	return 0;
}

int cg_join(const struct cg_path *cg, pid_t pid, struct perr *e)
{
	return cg_v1.join(cg, pid, e);
}

void cg_usage(const struct cg_path *cg, struct cg_usage *u)
{
	memset(u, 0xff, sizeof(*u));
	for (int c = 0; c < CGC__COUNT; c++) {
		struct cg_backend *b = cg_backend_for((enum cg_controller)c);
		if (b && b->in_use(cg, (enum cg_controller)c))
			b->usage(cg, (enum cg_controller)c, u);
	}
	/* cgroup2 keeps CPU time in every cgroup, controller or not. */
	if (u->cpu_usec == CG_UNLIMITED)
		cg_v2.usage(cg, CGC_CPU, u);
}

void cg_destroy(const struct cg_path *cg)
{
	cg_v1.destroy(cg);
	cg_v2.destroy(cg);
}

int cg_list_disks(char (*devs)[16], int max)
{
	_cleanup_close_ int blk = open("/sys/block", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int n = 0;

	if (blk < 0)
		return 0;
	d = opendir_at(blk);
	if (!d)
		return 0;
	while ((de = readdir(d)) && n < max) {
		char path[300], buf[32], *colon;
		long maj, min;
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/dev", de->d_name);
		if (read_file_at(blk, path, buf, sizeof(buf)) <= 0)
			continue;
		buf[strcspn(buf, "\n")] = '\0';
		colon = strchr(buf, ':');
		if (!colon)
			continue;
		*colon = '\0';
		if (!parse_long(buf, 0, 1L << 20, &maj) || !parse_long(colon + 1, 0, 1L << 20, &min))
			continue;
		snprintf(devs[n++], 16, "%ld:%ld", maj, min);
	}
	return n;
}

int cg_check_cpus(const char *list, struct perr *e)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	char buf[256], *save = NULL;

	if (strlen(list) >= sizeof(buf))
		return perr_setx(e, EOVERFLOW, "cpuset.cpus: list too long");
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(t, '-');
		long lo, hi;
		if (dash)
			*dash = '\0';
		if (!parse_long(t, 0, ncpu - 1, &lo) || !parse_long(dash ? dash + 1 : t, 0, ncpu - 1, &hi) || hi < lo)
			return perr_setx(e, EINVAL, "cpuset.cpus: \"%s\" is not a list of CPUs 0 to %ld such as 0-1,3", list,
					ncpu - 1);
	}
	if (!list[0])
		return perr_setx(e, EINVAL, "cpuset.cpus: empty list");
	return 0;
}
