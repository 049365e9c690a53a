/*
 * A child jail is held to its parent, as FreeBSD's kern_jail.c holds it:
 * its allow.* can only be a subset of the parent's (one it asks for and
 * the parent lacks is refused; one it does not name takes the parent's
 * when the parent lacks it), and its ip4.addr / ip6.addr a subset of the
 * addresses the parent may use.  ip4=inherit in a child means the
 * parent's addresses, now and after every change of them, as on FreeBSD:
 * the child keeps ip4=inherit with the parent's list in ip4.addr, none
 * when the parent has ip4=disable.  A parent with ip4=inherit passes on
 * what its own parent may use, up to the host, which has every address.
 * A vnet parent's addresses are on its own stack, so a child of it on the
 * host's stack gets none (a vnet child has a stack and addresses of its
 * own).  A child on the host's stack has its parent's FIB there (the
 * parent's exec.fib, 0 under a vnet parent): one it does not name follows
 * the parent, another is refused.
 *
 * When a running jail's addresses change (jail -m), its own stay a subset
 * of its parent's, and its descendants are narrowed as FreeBSD's
 * prison_restrict_ip4/6 narrow them: a child that inherits gets the new
 * list, more or fewer, a child with addresses of its own keeps those the parent still
 * has and is left without the family when none remains; an
 * allow.* the parent loses goes from its descendants.  securelevel and
 * enforce_statfs are a parent's or above in its descendants: a new child
 * starts at its parent's, one asking for less is refused, and a parent
 * raising its own raises theirs.
 */
#ifndef PRISON_JAILSUB_H
#define PRISON_JAILSUB_H

#include <stdbool.h>

#include "error.h"
#include "param.h"
#include "registry.h"

/* Check (and settle) the parameters ps of a new child of parent, under the registry lock. */
int jail_child_check(struct registry *reg, const struct jail_record *parent, struct paramset *ps, struct perr *e);

/* rec's addresses and allow.reserved_ports, changed on the running jail, against its parent's. */
int jail_addrs_within_parent(struct registry *reg, struct jail_record *rec, struct perr *e);
/* An allow.* changeable on a running jail (stored only, or the sockaddr map's): one jail -m can change. */
bool jail_allow_changeable(int i);
/*
 * rec's allow.* changeable on a running jail, its securelevel and its
 * enforce_statfs, changed with jail -m, against its parent's: no allow.*
 * the parent lacks, no level below the parent's.
 */
int jail_within_parent(struct registry *reg, const struct jail_record *rec, struct perr *e);
/*
 * After parent's changed: its descendants narrowed (addresses, the allow.*
 * it lost, levels raised to its own), their records and sockaddr map
 * entries rewritten.
 */
int jail_child_narrow(struct registry *reg, const struct jail_record *parent, int depth, struct perr *e);

#endif
