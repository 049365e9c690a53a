/*
 * Processes of a jail.  jail_make_process() is the one function that turns
 * a process standing in the jail's namespaces into a jail process; the
 * creation of jailinit, the command of jail -c and jexec all go through it,
 * so a hole cannot open in one path only.
 */
#ifndef PRISON_JAILPROC_H
#define PRISON_JAILPROC_H

#include <stdbool.h>
#include <sys/types.h>

#include "cred.h"
#include "error.h"
#include "priv.h"
#include "registry.h"

/*
 * Closes every fd from first_fd_to_close up, starts a new session and a
 * new session keyring, puts the process in a Landlock domain (landlock.h),
 * drops capabilities and loads the seccomp filter, and takes the
 * credentials of c.  extra (NULL for none) is a filter more, loaded with
 * seccomp(2)'s extra_flags on top of the jail's (an OCI container's
 * linux.seccomp): it can only take system calls away.  The caller then
 * chdirs and execs.
 */
int jail_make_process(const struct jail_policy *p, const struct jail_filter *f, const struct jail_filter *extra,
		      unsigned extra_flags, const struct jail_cred *c, int first_fd_to_close, struct perr *e);

/* clone3 born into a cgroup, with a pidfd; flags add namespaces. */
pid_t clone_into_cgroup(int cgroup_fd, unsigned long long flags, int *ret_pidfd);
/* The jailinit binary installed beside the running command, O_PATH. */
int jail_open_init_binary(struct perr *e);
/* A program of prison's libexec directory (jailinit's), O_PATH. */
int jail_open_libexec(const char *name, struct perr *e);
/* A pidfd for the record's jailinit, or -1 when that process is gone. */
int jail_open_init(const struct jail_record *rec);
/* Wait for the process of pidfd to exit, up to timeout_ms; 1 if it did. */
int pidfd_wait_exit(int pidfd, int timeout_ms);
/* Is pid (with that start time) still the same live process? */
bool process_alive(pid_t pid, unsigned long long start);
/*
 * Has pid certainly ended (no such process, or a zombie)?  Three system
 * calls and no /proc text, for listing thousands of jails; a false "no"
 * after a pid was reused is possible, so only a listing may rely on it.
 */
bool process_gone(pid_t pid);

/*
 * Are this process's children born in its own PID namespace?  False only
 * after a failed return from a jail's (attach.c): no host command may be
 * started then.
 */
bool host_pidns_ok(void);

#endif
