/* The jail life cycle: create, modify, remove, find, and the registry's consistency pass. */
#ifndef PRISON_JAIL_H
#define PRISON_JAIL_H

#include <stdbool.h>
#include <stddef.h>

#include "api.h"
#include "attach.h"
#include "ctl.h"
#include "error.h"
#include "jailname.h"
#include "param.h"
#include "rctl.h"
#include "registry.h"

/*
 * Create a jail from ps.  On success *ret describes it and *ret_hold holds
 * the jail up until ctl_release(): the caller runs exec.start/command
 * first, as FreeBSD's jail(8) does with a jail that is persistent while it
 * is being set up.  Everything is checked before anything is made; a
 * failure leaves nothing behind.
 */
PRISON_API int jail_create(const struct paramset *ps, struct jail_record *ret, struct jail_hold *ret_hold, struct perr *e);
/*
 * Remove: with hooks, exec.prestop and exec.stop first; then SIGTERM to
 * every process, stop.timeout, SIGKILL to all at once; then exec.poststop
 * and exec.release.  Returns 1 when the jail went but a stop command failed
 * (e says which), -1 when it could not be removed.
 */
PRISON_API int jail_remove(const char *key, bool hooks, struct jail_record *ret, struct perr *e);
/*
 * jail -c all the way, in FreeBSD's order: exec.prepare, exec.prestart,
 * creation, exec.created, command or exec.start inside, exec.poststart.
 * A failure after creation removes the jail again.
 */
PRISON_API int jail_start(const struct paramset *ps, const struct jail_exec *x, struct jail_record *ret, struct perr *e);
/* The same with the jail's root opened by the caller (pathfd, O_PATH), which path then only names (nested.h). */
int jail_start_at(const struct paramset *ps, const struct jail_exec *x, int pathfd, struct jail_record *ret,
		  struct perr *e);
PRISON_API int jail_modify(const char *key, const struct paramset *ps, struct jail_record *ret, struct perr *e);
/*
 * Edit a jail's rctl rules in place: edit gets the jail's rules (*n of at
 * most max) and changes them, returning 0, or 1 when there is nothing to
 * change; the result is stored as jail -m rctl=... would, read and written
 * under one lock.  *ret_ps (zeroed by the caller, freed by it) gets the
 * parameter that was set, for the audit trail (none when nothing changed).
 */
typedef int (*jail_rules_edit)(const struct jail_record *rec, struct rctl_rule *rules, size_t *n, size_t max,
			       void *arg, struct perr *e);
PRISON_API int jail_modify_rules(const char *key, jail_rules_edit edit, void *arg, struct paramset *ret_ps,
				 struct jail_record *ret, struct perr *e);
/* jexec: run x in the live jail rec, holding it meanwhile (attach.h for *ret_status). */
PRISON_API int jail_exec(const struct jail_record *rec, const struct jail_exec *x, int *ret_status, struct perr *e);
/* The same, returning once x runs (jail_spawn, attach.h): prison-oci exec. */
PRISON_API pid_t jail_exec_spawn(const struct jail_record *rec, const struct jail_exec *x, int *ret_pidfd,
				 int *ret_master, struct perr *e);
/* Every live jail, after clearing what dead ones left behind. */
PRISON_API int jail_list(struct jail_record **ret, size_t *ret_n, struct perr *e);
/* One live jail by jid or name; ENOENT with "jail "x" not found" when absent. */
PRISON_API int jail_find(const char *key, struct jail_record *ret, struct perr *e);

#endif
