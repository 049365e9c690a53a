/*
 * The runtime context: where this prison keeps its state.  Four settings,
 * read once from the environment, relocate everything a prison touches on
 * the host, so that test suites run in parallel shards and beside jails in
 * production without either seeing the other:
 *
 *   PRISON_RUNDIR   the registry, control sockets and caches (/run/prison)
 *   PRISON_CGROUP   the cgroup every jail's cgroups sit below, one name
 *                   below the root of each hierarchy (prison)
 *   PRISON_LOGDIR   the jails' audit trails (/var/log/prison)
 *   PRISON_STATEDIR bases and the thin jails' own layers (/var/lib/prison)
 *
 * Host commands run by exec.* inherit the environment, so a jls or jail
 * they call sees the same prison as the jail that ran them.
 */
#ifndef PRISON_RUNTIME_H
#define PRISON_RUNTIME_H

#include "api.h"
#include "error.h"

#define PRISON_RUNDIR_DEFAULT "/run/prison"
#define PRISON_CGROUP_DEFAULT "prison"
#define PRISON_LOGDIR_DEFAULT "/var/log/prison"
#define PRISON_STATEDIR_DEFAULT "/var/lib/prison"

/* Check the settings; every command does before it acts. */
PRISON_API int runtime_check(struct perr *e);
PRISON_API const char *runtime_rundir(void);
PRISON_API const char *runtime_cgroup(void);
PRISON_API const char *runtime_logdir(void);
PRISON_API const char *runtime_statedir(void);

#endif
