/*
 * What a jail's cgroup limits are, apart from any layout: the controllers'
 * names, the defaults, which controllers a set of limits needs, and the
 * host facts they are checked against (its disks and CPUs).  Both back
 * ends and the dispatcher in cglimit.c use it; it uses none of them.
 */
#include "cglimit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static const char *const controller_names[CGC__COUNT] = { "memory", "pids", "cpu", "cpuset", "io", "hugetlb" };

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

unsigned cg_cpu_weight(const struct cg_limits *l)
{
	if (!l->cpu_shares)
		return l->cpu_weight;
	unsigned long long s = l->cpu_shares < 2 ? 2 : l->cpu_shares > 262144 ? 262144 : l->cpu_shares;
	return (unsigned)(1 + ((s - 2) * 9999) / 262142);
}

unsigned cg_cpu_shares(const struct cg_limits *l)
{
	/* cgroup2's weight 100 is v1's 1024 shares; v1 takes no fewer than 2. */
	unsigned long long shares = l->cpu_shares ? l->cpu_shares : (unsigned long long)l->cpu_weight * 1024 / 100;

	return shares < 2 ? 2 : (unsigned)shares;
}

bool cg_needs(const struct cg_limits *l, enum cg_controller c)
{
	switch (c) {
	case CGC_MEMORY:
		return l->memory_max != CG_UNLIMITED || l->swap_max != CG_UNLIMITED || l->memory_low > 0;
	case CGC_PIDS:
		return l->pids_max != CG_UNLIMITED;
	case CGC_CPU:
		/* Always: a jail's threads share one slot of the scheduler, whatever their number. */
		return true;
	case CGC_CPUSET:
		return l->cpus[0] != '\0' || l->mems[0] != '\0';
	case CGC_IO:
		return l->rbps != CG_UNLIMITED || l->wbps != CG_UNLIMITED || l->riops != CG_UNLIMITED ||
		       l->wiops != CG_UNLIMITED || l->ndev > 0 || l->io_weight > 0;
	case CGC_HUGETLB:
		return l->nhuge > 0;
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

/* A cpuset list of what (CPUs, nodes) 0 to n - 1, such as 0-1,3, for parameter name. */
static int check_list(const char *name, const char *what, long n, const char *list, struct perr *e)
{
	char buf[256], *save = NULL;

	if (strlen(list) >= sizeof(buf))
		return perr_setx(e, EOVERFLOW, "%s: list too long", name);
	/* Digits, dashes and commas only (no sign or blank strtol would skip), and no empty item. */
	if (strspn(list, "0123456789,-") != strlen(list) || list[0] == ',' || strstr(list, ",,") ||
	    (list[0] && list[strlen(list) - 1] == ','))
		return perr_setx(e, EINVAL, "%s: \"%s\" is not a list of %s 0 to %ld such as 0-1,3", name, list, what,
				 n - 1);
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(t, '-');
		long lo, hi;
		if (dash)
			*dash = '\0';
		if (!parse_long(t, 0, n - 1, &lo) || !parse_long(dash ? dash + 1 : t, 0, n - 1, &hi) || hi < lo)
			return perr_setx(e, EINVAL, "%s: \"%s\" is not a list of %s 0 to %ld such as 0-1,3", name, list,
					 what, n - 1);
	}
	if (!list[0])
		return perr_setx(e, EINVAL, "%s: empty list", name);
	return 0;
}

int cg_check_cpus(const char *list, struct perr *e)
{
	return check_list("cpuset.cpus", "CPUs", sysconf(_SC_NPROCESSORS_CONF), list, e);
}

/* The memory nodes the machine may have: the last of /sys/devices/system/node/possible, plus one. */
static long node_count(void)
{
	char buf[256];
	const char *last;
	long n;

	if (read_file_at(AT_FDCWD, "/sys/devices/system/node/possible", buf, sizeof(buf)) <= 0)
		return 1;
	buf[strcspn(buf, "\n")] = '\0';
	last = buf + strlen(buf);
	while (last > buf && last[-1] != '-' && last[-1] != ',')
		last--;
	return parse_long(last, 0, 1L << 20, &n) ? n + 1 : 1;
}

int cg_check_mems(const char *list, struct perr *e)
{
	return check_list("cpuset.mems", "memory nodes", node_count(), list, e);
}

/* One "key=N" of a device's entry into d. */
static int iodev_field(struct cg_iodev *d, const char *f, struct perr *e)
{
	static const char *const keys[] = { "rbps", "wbps", "riops", "wiops" };
	uint64_t *v[] = { &d->rbps, &d->wbps, &d->riops, &d->wiops };
	const char *eq = strchr(f, '=');
	long long n;
	char *end;

	errno = 0;
	n = eq ? strtoll(eq + 1, &end, 10) : 0;
	if (!eq || errno || end == eq + 1 || *end || n < 1)
		return perr_setx(e, EINVAL, "io.device: \"%s\": expected key=number, the number 1 or more", f);
	if (strncmp(f, "weight=", 7) == 0) {
		if (n > CG_IOWEIGHT_MAX)
			return perr_setx(e, EINVAL, "io.device: \"%s\": a weight is 1 to %d", f, CG_IOWEIGHT_MAX);
		d->weight = (unsigned)n;
		return 0;
	}
	for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
		if (strncmp(f, keys[k], strlen(keys[k])) == 0 && f[strlen(keys[k])] == '=') {
			*v[k] = (uint64_t)n;
			return 0;
		}
	return perr_setx(e, EINVAL, "io.device: \"%s\": expected rbps, wbps, riops, wiops or weight", f);
}

/* One device's entry, "MAJ:MIN key=N ...", into d. */
static int iodev_entry(char *entry, struct cg_iodev *d, struct perr *e)
{
	char *save = NULL, *dev = strtok_r(entry, " \t", &save), *colon;
	long maj, min;
	bool any = false;

	d->rbps = d->wbps = d->riops = d->wiops = CG_UNLIMITED;
	d->weight = 0;
	colon = dev ? strchr(dev, ':') : NULL;
	if (colon)
		*colon = '\0';
	if (!colon || !parse_long(dev, 0, (1L << 20) - 1, &maj) || !parse_long(colon + 1, 0, (1L << 20) - 1, &min))
		return perr_setx(e, EINVAL, "io.device: \"%s\": expected a device as MAJOR:MINOR", dev ? dev : "");
	d->major = (unsigned)maj;
	d->minor = (unsigned)min;
	for (char *f = strtok_r(NULL, " \t", &save); f; f = strtok_r(NULL, " \t", &save), any = true)
		if (iodev_field(d, f, e) < 0)
			return -1;
	if (!any)
		return perr_setx(e, EINVAL, "io.device: %ld:%ld: no limit given", maj, min);
	return 0;
}

/* "default weight=N", the kernel's own word for every device's weight. */
static int iodev_default(char *entry, struct cg_limits *l, struct perr *e)
{
	char *save = NULL, *f;
	struct cg_iodev d = { 0 };

	(void)strtok_r(entry, " \t", &save);
	f = strtok_r(NULL, " \t", &save);
	if (l->io_weight)
		return perr_setx(e, EINVAL, "io.device: default: given twice");
	if (!f || strncmp(f, "weight=", 7) != 0 || strtok_r(NULL, " \t", &save))
		return perr_setx(e, EINVAL, "io.device: default: only weight=N (every device's I/O weight)");
	if (iodev_field(&d, f, e) < 0)
		return -1;
	l->io_weight = d.weight;
	return 0;
}

int cg_parse_iodev(const char *text, struct cg_limits *l, struct perr *e)
{
	char buf[1024], *save = NULL;

	l->ndev = 0;
	l->io_weight = 0;
	if (snprintf(buf, sizeof(buf), "%s", text) >= (int)sizeof(buf))
		return perr_setx(e, EOVERFLOW, "io.device: too long");
	for (char *entry = strtok_r(buf, ",", &save); entry; entry = strtok_r(NULL, ",", &save)) {
		struct cg_iodev d = { 0 };
		entry += strspn(entry, " \t");
		if (entry[0] == '\0')
			continue;
		if (strncmp(entry, "default", 7) == 0 && (entry[7] == ' ' || entry[7] == '\t' || entry[7] == '\0')) {
			if (iodev_default(entry, l, e) < 0)
				return -1;
			continue;
		}
		if (l->ndev == CG_MAX_IODEV)
			return perr_setx(e, E2BIG, "io.device: more than %d devices", CG_MAX_IODEV);
		if (iodev_entry(entry, &d, e) < 0)
			return -1;
		for (size_t i = 0; i < l->ndev; i++)
			if (l->dev[i].major == d.major && l->dev[i].minor == d.minor)
				return perr_setx(e, EINVAL, "io.device: %u:%u: given twice", d.major, d.minor);
		l->dev[l->ndev++] = d;
	}
	return 0;
}

static uint64_t lower_of(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

unsigned cg_iodev_limits(const struct cg_limits *l, unsigned maj, unsigned min, uint64_t v[4])
{
	v[0] = l->rbps;
	v[1] = l->wbps;
	v[2] = l->riops;
	v[3] = l->wiops;
	for (size_t i = 0; i < l->ndev; i++) {
		const struct cg_iodev *d = &l->dev[i];
		if (d->major != maj || d->minor != min)
			continue;
		v[0] = lower_of(v[0], d->rbps);
		v[1] = lower_of(v[1], d->wbps);
		v[2] = lower_of(v[2], d->riops);
		v[3] = lower_of(v[3], d->wiops);
		return d->weight;
	}
	return 0;
}

static int add_dev(char (*devs)[16], int n, int max, const char *dev)
{
	for (int i = 0; i < n; i++)
		if (strcmp(devs[i], dev) == 0)
			return n;
	if (n < max)
		snprintf(devs[n++], 16, "%s", dev);
	return n;
}

int cg_io_devices(int dir, const char *const *files, size_t nfiles, const struct cg_limits *l, char (*devs)[16],
		  int max)
{
	int n = cg_list_disks(devs, max);
	char buf[8192], dev[16];

	for (size_t i = 0; i < l->ndev; i++) {
		snprintf(dev, sizeof(dev), "%u:%u", l->dev[i].major, l->dev[i].minor);
		n = add_dev(devs, n, max, dev);
	}
	for (size_t f = 0; f < nfiles; f++) {
		if (read_file_at(dir, files[f], buf, sizeof(buf)) <= 0)
			continue;
		for (char *save = NULL, *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			line[strcspn(line, " ")] = '\0';
			if (strchr(line, ':') && strlen(line) < sizeof(dev))
				n = add_dev(devs, n, max, line);
		}
	}
	return n;
}

bool cg_iodev_named(const struct cg_limits *l, const char *dev)
{
	char d[16];

	for (size_t i = 0; i < l->ndev; i++) {
		snprintf(d, sizeof(d), "%u:%u", l->dev[i].major, l->dev[i].minor);
		if (strcmp(d, dev) == 0)
			return true;
	}
	return false;
}

bool cg_parse_dev(const char *dev, unsigned *ret_major, unsigned *ret_minor)
{
	char buf[16], *colon;
	long maj, min;

	if (snprintf(buf, sizeof(buf), "%s", dev) >= (int)sizeof(buf) || !(colon = strchr(buf, ':')))
		return false;
	*colon = '\0';
	if (!parse_long(buf, 0, (1L << 20) - 1, &maj) || !parse_long(colon + 1, 0, (1L << 20) - 1, &min))
		return false;
	*ret_major = (unsigned)maj;
	*ret_minor = (unsigned)min;
	return true;
}
