/*
 * The exec.* commands of a jail's life cycle, in FreeBSD's order:
 * exec.prepare, exec.prestart (host), creation, exec.created (host),
 * exec.start or command (inside), exec.poststart (host); and for removal
 * exec.prestop (host), exec.stop (inside), the stop of every process,
 * exec.poststop (host), exec.release (host).
 */
#ifndef PRISON_HOOKS_H
#define PRISON_HOOKS_H

#include "attach.h"
#include "error.h"
#include "registry.h"

/*
 * Run the host-side commands of parameter id with /bin/sh -c, in order,
 * as exec.system_user if set, with JNAME, JPATH and (when the jail has
 * one yet, rec->jid > 0) JID in the environment.  Stops at the first that
 * fails or outlives exec.timeout.
 */
int hooks_host(const struct jail_record *rec, int id, struct perr *e);
/* Run the commands of parameter id inside the jail, as exec.jail_user (or x's user). */
int hooks_inside(const struct jail_record *rec, int id, const struct jail_exec *x, const struct jail_hold *hold,
		 struct perr *e);
/*
 * exec.consolelog opened for appending (created 0640) in *ret_fd, -1 when
 * unset, under hostpath.h's rule for what host root creates: walked from
 * the host's root without following a link, refused inside any jail's
 * tree (this one's and those of the jails in the registry) or below a
 * directory users other than root can change.  reg is the registry the
 * caller holds locked, or NULL: one is opened (shared) for the listing.
 * Each caller opens it once for its commands and passes the descriptor on.
 */
int hooks_consolelog(const struct jail_record *rec, struct registry *reg, int *ret_fd, struct perr *e);

#endif
