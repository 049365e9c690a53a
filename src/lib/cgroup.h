/*
 * Per-jail cgroups.  Every jail has one cgroup in the cgroup2 hierarchy
 * (membership, cgroup.kill, and BPF programs): PREFIX/prison/DIR where
 * PREFIX is /sys/fs/cgroup on a pure cgroup2 host and the unified mount on a
 * hybrid one, and DIR the jail's path (cgpath.h: JID, or PARENT/JID for a
 * child jail, with a leaf "self" for the processes of a jail that may have
 * children).  v1 controller cgroups are made only when a limit needs them.
 */
#ifndef PRISON_CGROUP_H
#define PRISON_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>

#include "api.h"
#include "cgpath.h"
#include "error.h"

/* Path of the cgroup2 mount, or NULL with e set when there is none. */
const char *cgroup_unified_root(struct perr *e);
/* Make the jail's cgroup2 directory (and its leaf); its parent's must exist. */
int cgroup_create(const struct cg_path *cg, struct perr *e);
/* Directory fd of the jail's cgroup: limits, totals, the key of its addresses. */
int cgroup_open(const struct cg_path *cg, struct perr *e);
/* Directory fd of the cgroup its processes live in, for CLONE_INTO_CGROUP. */
int cgroup_open_procs(const struct cg_path *cg, struct perr *e);
bool cgroup_exists(const struct cg_path *cg);
/* Does the jail's cgroup2 cgroup, or one below it, hold a process?  where gets its path. */
bool cgroup_populated(const struct cg_path *cg, char *where, size_t len);
/* Kill every process of the jail and of the jails below it at once. */
int cgroup_kill(const struct cg_path *cg, struct perr *e);
/* The monotonic time in ms timeout_ms from now, for the two calls below. */
long cgroup_deadline(int timeout_ms);
/*
 * Until every process below the cgroup2 directory cgfd is frozen
 * (cgroup.events says "frozen 1"; the kernel marks its changes with
 * POLLPRI); -1 with errno ETIMEDOUT at the deadline, or the open's.
 */
int cgroup_wait_frozen(int cgfd, long deadline);
/* Wait until the jail's cgroup2 cgroup has no process, its child jails' included (a missing one is empty). */
int cgroup_wait_empty(const struct cg_path *cg, long deadline, struct perr *e);
/* Remove the jail's cgroup2 cgroup and all below it, retrying while the kernel still holds it. */
int cgroup_remove(const struct cg_path *cg, long deadline, struct perr *e);
/* Every jail cgroup, nested ones too, parents before children: for the consistency pass. */
int cgroup_list(struct cg_path **ret, size_t *ret_n);
/*
 * The jids of the jails process pid is in, outermost first (a child jail
 * is inside its parent's), from its cgroup2 path; 0 for a process outside
 * every jail.
 */
PRISON_API int cgroup_jails_of_pid(pid_t pid, int *jids, int max, struct perr *e);
/* rmdir a cgroup directory after every cgroup below it (their files go with them). */
int cgroup_rmdir_tree(const char *path);

#endif
