/*
 * What a jail's cgroup limits are, apart from any layout: the controllers'
 * names, the defaults, which controllers a set of limits needs, and the
 * host facts they are checked against (its disks and CPUs).  Both back
 * ends and the dispatcher in cglimit.c use it; it uses none of them.
 */
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
	/* Digits, dashes and commas only (no sign or blank strtol would skip), and no empty item. */
	if (strspn(list, "0123456789,-") != strlen(list) || list[0] == ',' || strstr(list, ",,") ||
	    (list[0] && list[strlen(list) - 1] == ','))
		return perr_setx(e, EINVAL, "cpuset.cpus: \"%s\" is not a list of CPUs 0 to %ld such as 0-1,3", list,
				 ncpu - 1);
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
