/*
 * Per-jail cgroups.  Every jail has one cgroup in the cgroup2 hierarchy
 * (membership, cgroup.kill, and later BPF programs): PREFIX/prison/JID where
 * PREFIX is /sys/fs/cgroup on a pure cgroup2 host and the unified mount on a
 * hybrid one.  v1 controller cgroups are made only when a limit needs them.
 */
#ifndef PRISON_CGROUP_H
#define PRISON_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

/* Path of the cgroup2 mount, or NULL with e set when there is none. */
const char *cgroup_unified_root(struct perr *e);
int cgroup_create(int jid, struct perr *e);
/* Directory fd of the jail's cgroup, for CLONE_INTO_CGROUP. */
int cgroup_open(int jid, struct perr *e);
bool cgroup_exists(int jid);
/* Kill every process of the jail at once. */
int cgroup_kill(int jid, struct perr *e);
/* Wait (up to timeout_ms) until the cgroup is empty, then remove it. */
int cgroup_destroy(int jid, int timeout_ms, struct perr *e);
/* Number of processes in the jail's cgroup, -1 on error. */
int cgroup_count_procs(int jid);
/* jids that have a cgroup, for the registry's consistency pass. */
int cgroup_list_jids(int **ret, size_t *ret_n);

#endif
