/*
 * Landlock for jail processes.  A jail on the shared stack shares the
 * host's abstract unix socket namespace (it belongs to the network
 * namespace); Landlock's abstract unix socket scope keeps its processes
 * off every abstract socket made outside their own Landlock domain.
 */
#ifndef PRISON_LANDLOCK_H
#define PRISON_LANDLOCK_H

#include <stdbool.h>

#include "error.h"
#include "priv.h"

/* The Landlock ABI the kernel offers, or -1 with errno (ENOSYS, EOPNOTSUPP). */
int landlock_abi(void);
/* Does a process of this policy get the scope?  Shared stack without allow.abstract_unix. */
bool landlock_wanted(const struct jail_policy *p);
/*
 * Put the calling process in a Landlock domain of its own with the
 * abstract unix socket scope, where the policy wants it.  Must run with
 * CAP_SYS_ADMIN effective in its user namespace (no no_new_privs is set).
 * A kernel without the scope is an error that names the fix.
 */
int landlock_confine(const struct jail_policy *p, struct perr *e);

#endif
