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
#include "util.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

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
	perr_set(e, 0, "no cgroup2 hierarchy is mounted (mount -t cgroup2 none /sys/fs/cgroup/unified)");
	return NULL;
}

static int jail_cgroup_path(int jid, char *buf, size_t len, struct perr *e)
{
	const char *root = cgroup_unified_root(e);

	if (!root)
		return -1;
	if (jid > 0)
		snprintf(buf, len, "%s/prison/%d", root, jid);
	else
		snprintf(buf, len, "%s/prison", root);
	return 0;
}

int cgroup_create(int jid, struct perr *e)
{
	char path[512];

	if (jail_cgroup_path(0, path, sizeof(path), e) < 0)
		return -1;
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return perr_set(e, errno, "cgroup %s", path);
	if (jail_cgroup_path(jid, path, sizeof(path), e) < 0)
		return -1;
	if (mkdir(path, 0755) < 0)
		return perr_set(e, errno, "cgroup %s", path);
	return 0;
}

int cgroup_open(int jid, struct perr *e)
{
	char path[512];
	int fd;

	if (jail_cgroup_path(jid, path, sizeof(path), e) < 0)
		return -1;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return perr_set(e, errno, "cgroup %s", path);
	return fd;
}

bool cgroup_exists(int jid)
{
	struct perr e = { 0 };
	int fd = cgroup_open(jid, &e);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

int cgroup_kill(int jid, struct perr *e)
{
	_cleanup_close_ int fd = cgroup_open(jid, e);

	if (fd < 0)
		return -1;
	if (write_file_at(fd, "cgroup.kill", "1") < 0)
		return perr_set(e, errno, "cgroup.kill of jail %d (Linux 5.14 or newer is needed)", jid);
	return 0;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool populated(int eventsfd)
{
	char buf[256];
	ssize_t n = pread(eventsfd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return false;
	buf[n] = '\0';
	return strstr(buf, "populated 1") != NULL;
}

int cgroup_destroy(int jid, int timeout_ms, struct perr *e)
{
	_cleanup_close_ int fd = cgroup_open(jid, e);
	_cleanup_close_ int events = -1;
	char path[512];
	long deadline = now_ms() + timeout_ms;

	if (fd < 0) {
		cg_destroy(jid);
		return e->err == ENOENT ? 0 : -1;
	}
	events = openat(fd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	/* The kernel signals a change of cgroup.events with POLLPRI. */
	while (events >= 0 && populated(events)) {
		long left = deadline - now_ms();
		struct pollfd p = { .fd = events, .events = POLLPRI };
		if (left <= 0)
			return perr_set(e, EBUSY, "cgroup of jail %d", jid);
		poll(&p, 1, (int)(left < 100 ? left : 100));
	}
	/* Empty now: the jail's v1 controller cgroups go first. */
	cg_destroy(jid);
	if (jail_cgroup_path(jid, path, sizeof(path), e) < 0)
		return -1;
	/* A process that was exiting may still pin it for a moment: EBUSY retries. */
	while (rmdir(path) < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno != EBUSY || now_ms() > deadline)
			return perr_set(e, errno, "remove cgroup %s", path);
		struct timespec ts = { 0, 2000000L };
		nanosleep(&ts, NULL);
	}
	return 0;
}

int cgroup_count_procs(int jid)
{
	struct perr e = { 0 };
	_cleanup_close_ int fd = cgroup_open(jid, &e);
	char buf[8192];
	int n = 0;

	if (fd < 0)
		return -1;
	if (read_file_at(fd, "cgroup.procs", buf, sizeof(buf)) < 0)
		return -1;
	for (char *p = buf; *p; p++)
		if (*p == '\n')
			n++;
	return n;
}

int cgroup_list_jids(int **ret, size_t *ret_n)
{
	struct perr e = { 0 };
	char path[512];
	DIR *d;
	struct dirent *de;
	int *list = NULL;
	size_t n = 0, cap = 0;
	long jid;

	*ret = NULL;
	*ret_n = 0;
	if (jail_cgroup_path(0, path, sizeof(path), &e) < 0)
		return -1;
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d))) {
		if (de->d_type != DT_DIR || !parse_long(de->d_name, 1, 999999, &jid))
			continue;
		if (n == cap) {
			int *nl = realloc(list, (cap = cap ? cap * 2 : 16) * sizeof(int));
			if (!nl)
				break;
			list = nl;
		}
		list[n++] = (int)jid;
	}
	closedir(d);
	*ret = list;
	*ret_n = n;
	return 0;
}
