/* persist.idle at creation (jail.c): its default, and the pins of a jail just made. */
#ifndef PRISON_JAILIDLE_H
#define PRISON_JAILIDLE_H

#include "error.h"
#include "param.h"
#include "registry.h"
#include "spawn.h"

/* persist.idle, when ps does not give it, from persist, allow.mount and the mount lines of plan. */
int jail_settle_idle(struct paramset *ps, const struct mount_plan *plan, struct perr *e);
/* The namespaces of rec's new jailinit and tree, the builder's detached tree, pinned (pin_add). */
int jail_pin_new(const struct jail_record *rec, int tree, struct perr *e);

#endif
