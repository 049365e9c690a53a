/*
 * A shared-stack jail's addresses on host interfaces: those of its
 * ip4.addr and ip6.addr items that name an interface ("lo|198.18.0.1"),
 * or all of them with interface=.  They are added when the jail is made,
 * moved with its lists by jail -m and removed with it, and never is an
 * address the jail did not bring taken from an interface.
 */
#ifndef PRISON_HOSTADDR_H
#define PRISON_HOSTADDR_H

#include "error.h"
#include "param.h"

/* Add ps's addresses to their interfaces; on failure those added go again. */
int hostaddr_add(const struct paramset *ps, struct perr *e);
/* Remove them, ignoring what is gone already, as any teardown does. */
int hostaddr_remove(const struct paramset *ps, struct perr *e);
/* From before's addresses to after's: the new added, the dropped removed; on failure as before. */
int hostaddr_move(const struct paramset *before, const struct paramset *after, struct perr *e);

#endif
