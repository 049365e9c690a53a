/*
 * A process named by a pid read from a file (cgroup.procs, /proc) is
 * pinned before anything acts on it: a pidfd is opened first, then the
 * process behind the number is checked to be in the jail's cgroup, and the
 * pidfd checked to be alive after that check.  A live pidfd holds its pid,
 * so the process checked is the pidfd's and not one that took the pid of
 * a process that ended.  Signals go through the pidfd.  Calls that take a
 * bare pid (prlimit) are made while pinned and followed by pidpin_holds():
 * if the pidfd's process is still alive and in the cgroup after the call,
 * the call reached it and no other.
 */
#ifndef PRISON_PIDPIN_H
#define PRISON_PIDPIN_H

#include <stdbool.h>
#include <sys/types.h>

struct pidpin {
	pid_t pid;
	int pidfd;
	int procfd; /* /proc/PID, opened after the pidfd */
};

/*
 * Pin pid if it is a live process in cgroup rel (relative to the prison's
 * cgroup, as cg_path_procs gives it): 0, or -1 with errno ESRCH when it is
 * gone or not the jail's (or another errno when a call failed).
 */
int pidpin_open(pid_t pid, const char *rel, struct pidpin *ret);
/* Is the pinned process still alive and still in cgroup rel? */
bool pidpin_holds(const struct pidpin *p, const char *rel);
/*
 * Is the pinned process's leader leaving (PF_EXITING)?  The kernel moves
 * no such task between cgroups: it stays listed in cgroup.procs while
 * threads of it live on, and a write of its pid moves only those threads.
 */
bool pidpin_leaving(const struct pidpin *p);
/* Signal the pinned process through its pidfd: 0, or -1 with errno (ESRCH: it ended). */
int pidpin_signal(const struct pidpin *p, int sig);
void pidpin_close(struct pidpin *p);
#define _cleanup_pidpin_ __attribute__((cleanup(pidpin_close)))

#endif
