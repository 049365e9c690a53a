#include "jailstats.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cglimit.h"
#include "cgroup.h"
#include "limits.h"
#include "util.h"

/*
 * The OOM counters sit beside the memory counter, in whichever layout has
 * the jail's memory cgroup: memory.events (cgroup2) or memory.oom_control
 * (v1, oom_kill only).  The directory is reached through the counter's fd,
 * so it is the one that counter was opened in.
 */
static void oom_events(const struct cg_path *cg, struct jail_stats *s)
{
	_cleanup_close_ int counter = cg_open_memory_counter(cg, false), dir = -1;
	char link[64], path[PATH_MAX], buf[1024], *slash;
	ssize_t n;

	if (counter < 0)
		return;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", counter);
	n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0)
		return;
	path[n] = '\0';
	if ((slash = strrchr(path, '/')))
		*slash = '\0';
	dir = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0)
		return;
	if (read_file_at(dir, "memory.events", buf, sizeof(buf)) > 0) {
		s->oom = keyed_u64(buf, "oom");
		s->oom_kill = keyed_u64(buf, "oom_kill");
	} else if (read_file_at(dir, "memory.oom_control", buf, sizeof(buf)) > 0) {
		s->oom_kill = keyed_u64(buf, "oom_kill");
	}
}

/* Threads of the jail's processes: lines of its cgroup2 cgroup's cgroup.threads. */
static uint64_t tasks_of(const struct cg_path *cg)
{
	struct perr ignore = { 0 };
	_cleanup_close_ int dir = cgroup_open_procs(cg, &ignore);
	static char buf[1 << 20];
	ssize_t n = dir >= 0 ? read_file_at(dir, "cgroup.threads", buf, sizeof(buf)) : -1;
	uint64_t lines = 0;

	if (n < 0)
		return JAIL_STATS_NONE;
	for (ssize_t i = 0; i < n; i++)
		lines += buf[i] == '\n';
	return lines;
}

int jail_stats(const struct jail_record *rec, struct jail_stats *s, struct perr *e)
{
	struct jail_limits l;
	struct cg_usage u;

	memset(s, 0xff, sizeof(*s));
	if (limits_from_params(&rec->params, rec->name, &l, e) < 0)
		return -1;
	cg_usage(&rec->cg, &u);
	s->cpu_ns = u.cpu_usec == CG_UNLIMITED ? JAIL_STATS_NONE : u.cpu_usec * 1000;
	s->memory = u.memory;
	s->swap = u.swap;
	s->rbytes = u.rbytes;
	s->wbytes = u.wbytes;
	s->rios = u.rios;
	s->wios = u.wios;
	s->memory_limit = l.cg.memory_max;
	s->swap_limit = l.cg.swap_max;
	s->tasks_limit = l.cg.pids_max;
	s->tasks = tasks_of(&rec->cg);
	oom_events(&rec->cg, s);
	return 0;
}
