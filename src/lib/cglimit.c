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
						cg_controller_name((enum cg_controller)c));
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

/* The jail's controller cgroups of both layouts. */
static void cg_destroy(const struct cg_path *cg)
{
	cg_v1.destroy(cg);
	cg_v2.destroy(cg);
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
