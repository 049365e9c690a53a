/*
 * A jail's processes seen from the host, for jls -p and jkill: the ones in
 * the cgroup that holds the jail's own processes (cgpath.h), the same
 * cgroup rctl -u counts, so the two always agree.  Each process is checked
 * to be in that cgroup after it was found there, so a pid that ended and
 * was reused by a host process is never taken for the jail's.
 */
#ifndef PRISON_JAILPS_H
#define PRISON_JAILPS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "api.h"
#include "error.h"
#include "registry.h"

struct jail_proc {
	pid_t pid;        /* on the host */
	pid_t jpid;       /* in the jail's PID namespace */
	uid_t uid;        /* effective uid on the host */
	long juid;        /* the same uid in the jail, -1 when outside the jail's range */
	bool init;        /* the jail's jailinit */
	char user[64];    /* the host's name of uid, or its number */
	char juser[64];   /* the jail's name of juid (its own /etc/passwd), or its number; "-" for none */
	char command[256];
};

/* The pids listed by cgroup.procs of the cgroup directory cgfd.  Caller frees *ret. */
int cgroup_pids(int cgfd, pid_t **ret, size_t *ret_n, struct perr *e);
/* Is the process of /proc/PID (procfd) in the cgroup rel, relative to the prison's cgroup (runtime.h)? */
bool proc_in_cgroup(int procfd, const char *rel);
/* How deep jailinit's PID namespace is below ours (1 for a jail of the host's namespace); -1 when gone. */
int jail_pidns_level(const struct jail_record *rec);
/* The pid of the process of procfd in the namespace level below ours (NSpid); -1 when it is not that deep. */
pid_t proc_nspid(int procfd, int level);
/* The jail's own processes, jailinit first.  Caller frees *ret. */
PRISON_API int jail_procs(const struct jail_record *rec, struct jail_proc **ret, size_t *ret_n, struct perr *e);

#endif
