/*
 * The registry's state and its repair, for the life-cycle code: finding a
 * jail, listing them all, and clearing what a jail left when it went
 * without jail -r (its jailinit died, its creation failed, its creator was
 * killed).
 *
 * A jail is made in phases, in this order; creation walks them forward
 * (src/lib/jail.c) and every way a jail goes walks them back with
 * jail_undo().  Each undo step acts on what exists and skips what does
 * not, so the same walk clears a half-made jail, a dead one and a
 * removed one.
 */
#ifndef PRISON_JAILSTATE_H
#define PRISON_JAILSTATE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "registry.h"

enum jail_phase {
	PH_RECORD,  /* jid, pending mark, record, the parent's children.cur */
	PH_CGROUP,  /* its cgroups, with the limits written */
	PH_HOSTNET, /* its addresses on the shared stack, or its veth and bridge port */
	PH_INIT,    /* jailinit in the new namespaces, and its control socket */
	PH_LIMITS,  /* the namespaces' limits and jailinit's watched rules */
	PH_VNET,    /* interfaces moved into its network namespace */
	PH_NAT,     /* its NAT and published ports in prison's nftables table */
	PH_ACTIVE,  /* a live jail, which may have children */
	PH__COUNT,
};

/*
 * Undo phases [0, done) of the jail of rec, the last first.  -1 when its
 * cgroup could not be emptied: the record is kept, dying, for jail -r to
 * finish (its processes were not all killed, so the jail is not gone).
 */
int jail_undo(struct registry *reg, const struct jail_record *rec, enum jail_phase done);
/* Everything of a jail that exists: child jails, processes, cgroups, socket, record. */
static inline int jail_teardown(struct registry *reg, const struct jail_record *rec)
{
	return jail_undo(reg, rec, PH__COUNT);
}
/*
 * One jail by jid or name, checked: a record left by a dead jail is
 * cleared and reported as not found (ENOENT).  A numeric key is a jid
 * first, then a name.
 */
int jail_find_locked(struct registry *reg, const char *key, struct jail_record *ret, struct perr *e);
/* What tells whether a jail is still there: its state and its processes. */
struct jail_pids {
	enum jail_state state;
	pid_t init_pid, creator_pid;
	unsigned long long init_start, creator_start;
	int jid;
	bool idle; /* jail_may_idle: alive without a jailinit while it is pinned */
};
/* A persistent jail with persist.idle: it lives on with no process, its namespaces pinned (pin.h). */
static inline bool jail_may_idle(const struct paramset *ps)
{
	return param_bool(ps, P_PERSIST) && param_bool(ps, P_PERSIST_IDLE);
}
/* The listing's test (cheap for an active jail: its jailinit has not exited). */
bool jail_seems_dead(const struct jail_pids *p);
/*
 * The full consistency pass under reg's lock: dead jails torn down, names,
 * cgroups, nftables chains and exec.fib rules without a live jail cleared,
 * the listing index rebuilt; *ret (if ret) gets the live records, sorted
 * by jid.
 */
int jail_sweep(struct registry *reg, struct jail_record **ret, size_t *ret_n, struct perr *e);
/* Parent p's jailinit, if it runs, told its children.cur (a parent that is not persistent stays for them). */
void jail_tell_children(const struct jail_record *p);
/* Add delta to the children.cur of jail parent (0, the host: nothing), and tell its jailinit. */
int jail_count_child(struct registry *reg, int parent, int delta, struct perr *e);
/* jids of the records whose parent is jid. */
int jail_list_children(struct registry *reg, int jid, int **ret, size_t *ret_n, struct perr *e);
/*
 * The jid for a new jail below parent (NULL: the host): want if free (EBUSY
 * if not, or if its cgroup holds processes), else the lowest free one whose
 * cgroup holds none; EEXIST for a name in use.  An empty leftover cgroup of
 * the jid is removed.
 */
int jail_pick_jid(struct registry *reg, long want, const char *name, const struct cg_path *parent, struct perr *e);

#endif
