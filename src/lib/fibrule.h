/*
 * exec.fib as policy rules: FIB N is routing table N, chosen by a rule at
 * FIB_RULE_PRIORITY, for IPv4 and IPv6, that sends lookups to table N
 * before the main table (FIB 0).  What table N has no route for falls
 * through to the rules after it, main among them.
 *
 * A vnet jail's rule is in its own stack and matches every lookup there
 * (jailnet.c); it goes with the stack.  A jail on the shared stack gets
 * rules in the network namespace of the command that makes it (where its
 * processes are, as its addresses on host interfaces and its NAT are),
 * matching the sockets of its range of host uids (idrange.h): every user
 * of the jail, root included, and no process of the host.  Those rules
 * are the host's, so prison clears what a jail leaves: its own at its
 * removal, a leftover of a range's former holder when the range is given
 * to a new jail, and in the full pass (jail_sweep) every rule of prison's
 * whose range no jail holds.  A rule of prison's is one at
 * FIB_RULE_PRIORITY whose uid range is exactly one range of the pool;
 * no other rule is read or removed.
 */
#ifndef PRISON_FIBRULE_H
#define PRISON_FIBRULE_H

#include "error.h"
#include "registry.h"

#define FIB_RULE_PRIORITY 1000

/* The 253 to 255 of the kernel's own tables (default, main, local) are refused. */
int fibrule_check(const struct paramset *ps, struct perr *e);
/*
 * A new jail on the shared stack: a leftover rule of its range removed,
 * then its rules added when exec.fib is above 0; on failure none of them
 * stays.
 */
int fibrule_add(const struct jail_record *rec, struct perr *e);
/* Its rules removed, unless its range is another jail's by now; errors ignored, as in any teardown. */
void fibrule_remove(const struct jail_record *rec);
/* Rules of prison's whose range no jail holds, left by a jail that went without its teardown. */
void fibrule_sweep(void);

#endif
