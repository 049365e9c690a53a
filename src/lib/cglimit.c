#include "cglimit.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "util.h"

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

/*
 * A jail on a hybrid host had a v1 CPU cgroup of its own just for fair
 * share, and moving every process into it (a write to v1's cgroup.procs,
 * which waits for an RCU grace period) was a third of a jexec.  The
 * scheduler's autogroups give the same fairness without one: every jail
 * process starts a session of its own (jailinit, jexec, command=), and each
 * session in the root CPU group is one entity of the scheduler, whatever
 * its number of threads.  That holds only where autogroups are on and
 * prison itself runs in v1's root CPU group; elsewhere the jail keeps its
 * own group, and a weight or a CPU cap always gets one.
 */
/* Does a /proc/self/cgroup line "ID:LIST:PATH" name the v1 hierarchy of cpu, and is PATH its root? */
static int cpu_line_at_root(const char *line)
{
	const char *list = strchr(line, ':'), *path = list ? strchr(list + 1, ':') : NULL;
	const char *c = list ? list + 1 : NULL;

	while (c && c < path) {
		const char *end = memchr(c, ',', (size_t)(path - c));
		if (!end)
			end = path;
		if (end - c == 3 && strncmp(c, "cpu", 3) == 0)
			return path[1] == '/' && (path[2] == '\n' || path[2] == '\0');
		c = end + 1;
	}
	return -1;
}

static bool autogroup_fair_share(void)
{
	static int fair = -1;
	char buf[4096];

	if (fair >= 0)
		return fair;
	fair = 0;
	if (read_file_at(AT_FDCWD, "/proc/sys/kernel/sched_autogroup_enabled", buf, sizeof(buf)) <= 0 ||
	    buf[0] != '1' || read_file_at(AT_FDCWD, "/proc/self/cgroup", buf, sizeof(buf)) <= 0)
		return false;
	for (const char *line = buf; *line;) {
		int r = cpu_line_at_root(line);
		const char *nl = strchr(line, '\n');
		if (r >= 0) {
			fair = r;
			break;
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	return fair;
}

static bool wants(struct cg_backend *b, const struct cg_limits *l, enum cg_controller c)
{
	if (!cg_needs(l, c))
		return false;
	if (c == CGC_CPU && b == &cg_v1 && l->cpu_weight == CG_WEIGHT_DEFAULT && !l->cpu_shares &&
	    l->cpu_quota_us == CG_UNLIMITED)
		return !autogroup_fair_share();
	return true;
}

/*
 * An entry of cgroup.unified for a controller that prison serves from
 * cgroup v1 here: cgroup v1 takes a controller away from cgroup2 while it
 * is mounted, so on a hybrid host the jail's cgroup2 cgroup cannot have
 * the file, and prison's own limits of it are in v1.
 */
static int unified_of_v1(const struct cg_limits *l, struct perr *e)
{
	for (size_t i = 0; i < l->nunified; i++)
		for (int c = 0; c < CGC__COUNT; c++) {
			const char *name = cg_controller_name((enum cg_controller)c), *key = l->unified[i].key;
			if (strncmp(key, name, strlen(name)) == 0 && key[strlen(name)] == '.' &&
			    cg_backend_for((enum cg_controller)c) == &cg_v1)
				return perr_setx(e, ENOTSUP, "cgroup.unified: \"%s\": the %s controller is cgroup v1's on "
						 "this host, not cgroup2's (prison sets its limits there)", key, name);
		}
	return 0;
}

int cg_apply_all(const struct cg_path *cg, const struct cg_limits *l, struct perr *e)
{
	struct cg_path parent;
	bool nested = cg_path_parent(cg, &parent);

	/* Before anything is written: the jail's limits are made whole or refused. */
	if (unified_of_v1(l, e) < 0)
		return -1;
	for (int c = 0; c < CGC__COUNT; c++) {
		struct cg_backend *b = cg_backend_for((enum cg_controller)c);
		if (!b) {
			/* Fair share is best effort; a limit that cannot be set is an error. */
			if (cg_needs(l, (enum cg_controller)c) && c != CGC_CPU)
				return perr_setx(e, ENOTSUP, "this host has no %s cgroup controller, in either cgroup layout",
						cg_controller_name((enum cg_controller)c));
			continue;
		}
		if (!wants(b, l, (enum cg_controller)c) && !b->in_use(cg, (enum cg_controller)c) &&
		    !(b == &cg_v1 && nested && b->in_use(&parent, (enum cg_controller)c)))
			continue;
		if (b->apply(cg, (enum cg_controller)c, l, e) < 0)
			return -1;
	}
	/* Last: an entry of cgroup.unified wins over a limit of prison's own in the same file, as runc's does. */
	return l->nunified ? cg_v2_apply_unified(cg, l, e) : 0;
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

/* The jail's controller cgroups of both layouts. */
static void cg_destroy(const struct cg_path *cg)
{
	cg_v1.destroy(cg);
	cg_v2.destroy(cg);
}

bool cgroup_occupied(const struct cg_path *cg, char *where, size_t len)
{
	return cgroup_populated(cg, where, len) || cg_v1_populated(cg, where, len);
}

int cgroup_destroy(const struct cg_path *cg, int timeout_ms, struct perr *e)
{
	long deadline = cgroup_deadline(timeout_ms);

	if (cgroup_wait_empty(cg, deadline, e) < 0)
		return -1;
	/* Empty now: the jail's v1 controller cgroups go first. */
	cg_destroy(cg);
	return cgroup_remove(cg, deadline, e);
}
