/* children.max changed on a running jail, and children.cur recounted (childmax.c). */
#ifndef PRISON_CHILDMAX_H
#define PRISON_CHILDMAX_H

#include "error.h"
#include "jailstate.h"
#include "registry.h"

/* The children rec has in the registry now; the stored children.cur is corrected if it was off. */
int jail_children_recount(struct registry *reg, struct jail_record *rec, struct perr *e);
/* May a child of parent have children.max want?  Below the parent's own, as on FreeBSD. */
int jail_childmax_within(const struct jail_record *parent, long want, struct perr *e);
/* May rec's children.max become want?  Below its parent's, as on FreeBSD. */
int jail_childmax_check(struct registry *reg, const struct jail_record *rec, long want, struct perr *e);
/* After rec's children.max went down: its descendants' pulled down below it, level by level. */
int jail_childmax_clamp(struct registry *reg, const struct jail_record *rec, struct perr *e);

#endif
