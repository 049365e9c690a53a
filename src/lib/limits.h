/*
 * A jail's resource limits: its rctl rules, cpu.weight and cpuset.cpus
 * turned into what the kernel enforces (cgroup controllers, the rlimits of
 * every process, the IPC namespace's sysctls, the devpts maximum), applied
 * when the jail is made and again whenever a rule changes while it runs.
 */
#ifndef PRISON_LIMITS_H
#define PRISON_LIMITS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>

#include "api.h"
#include "cglimit.h"
#include "error.h"
#include "param.h"
#include "rctl.h"

enum ipc_knob { IPC_MSGMNB, IPC_MSGMNI, IPC_SEMMNS, IPC_SEMOPM, IPC_SHMMNI, IPC_SHMALL, IPC__COUNT };

#define LIMITS_MAX_RULES 64

struct jail_limits {
	struct cg_limits cg;
	/* Per-process limits; RLIM_INFINITY where the jail has none. */
	rlim_t rlimit[RLIMIT_NLIMITS];
	uint64_t ipc[IPC__COUNT];  /* CG_UNLIMITED: the kernel's default for a new namespace */
	uint64_t pty_max;          /* CG_UNLIMITED: devpts' own maximum */
	bool own_ipc;              /* the IPC sysctls are the jail's own to set */
	/* Rules jailinit watches (log, devctl, signals). */
	struct rctl_rule watch[LIMITS_MAX_RULES];
	size_t nwatch;
};

/* Every rule of the jail's rctl parameter, checked; name is the jail's. */
PRISON_API int limits_rules(const struct paramset *ps, const char *name, struct rctl_rule *rules, size_t max, size_t *n,
			    struct perr *e);
/*
 * Rules of /etc/rctl.conf (or $PRISON_RCTL_CONF) for the jail called name,
 * put in front of the jail's own rctl parameter: both hold, the tighter
 * limit wins.  A missing file is no rules; a bad line is an error naming it.
 */
int limits_merge_conf(struct paramset *ps, const char *name, struct perr *e);
int limits_from_params(const struct paramset *ps, const char *name, struct jail_limits *l, struct perr *e);
/* The cgroup part, before the jail's first process exists and after every change. */
static inline int limits_apply_cgroups(const struct cg_path *cg, const struct jail_limits *l, struct perr *e)
{
	return cg_apply_all(cg, &l->cg, e);
}
/* Whether l has a rule on a SysV IPC limit: only then are IPC limits written (at creation, at a wake). */
bool limits_have_ipc(const struct jail_limits *l);
/*
 * l's IPC limits into the IPC namespace of nsfd (a pidfd, or an IPC
 * namespace's fd), written as the jail's root (root_uid): all of them
 * when was is NULL and l has a rule, else only what changed from was.
 */
int limits_apply_ipc(int nsfd, uid_t root_uid, const struct jail_limits *l, const struct jail_limits *was,
		     struct perr *e);
/*
 * In a process that has joined the IPC namespace concerned: what
 * limits_apply_ipc writes there for a fresh one, through proc (from
 * limits_private_proc, or -1 for the host's /proc).
 */
int limits_write_ipc_here(const struct jail_limits *l, int proc);
/*
 * A proc of the host's PID namespace of its own, detached; -1 (the host's
 * /proc then) where none can be made.  Another IPC namespace's sysctls
 * are looked up there: each gets dentries of its own in the proc they are
 * read in, which in the host's would stay as long as the namespace.
 */
int limits_private_proc(void);

/*
 * The namespace part, through the pidfd of the jail's jailinit (root_uid:
 * the host uid of the jail's root): the IPC sysctls, the devpts maximum
 * and, for a running jail (was: the limits it had), the rlimits of every
 * process already in it; there only the IPC values that changed from was
 * are written.
 */
int limits_apply_ns(const struct cg_path *cg, int pidfd, uid_t root_uid, const struct jail_limits *l,
		    const struct jail_limits *was, struct perr *e);

#endif
