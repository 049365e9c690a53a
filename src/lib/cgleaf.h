/*
 * A leaf for a running jail: children.max raised above 0 on a jail created
 * with 0 (modify.c).  Such a jail keeps its processes in its cgroup DIR
 * itself, where cgroup2 allows no child cgroup that takes controllers
 * (cgpath.h); a jail created with children has them in DIR/self from the
 * start.  The move is made while the jail's cgroup2 cgroup is frozen, so
 * that no process forks or exits on its own meanwhile: DIR/self made in
 * cgroup2 and in every v1 hierarchy where the jail has a cgroup, every
 * process moved into it (again until none is left behind), then thawed.
 * A jail with no process (an idle persist.idle one) only gets the leaves.
 */
#ifndef PRISON_CGLEAF_H
#define PRISON_CGLEAF_H

#include "cgpath.h"
#include "error.h"

/* Give the jail of cg (without a leaf) its leaf; cg->leaf is true once done, and nothing changed on failure. */
int cgroup_add_leaf(struct cg_path *cg, struct perr *e);
/*
 * A process put into DIR beside the leaf, by a command that read the
 * jail's record just before the leaf was made and started it just after,
 * moved into the leaf (cgroup2 only: v1 has no rule against it); done
 * before a child jail's cgroup is made beside the leaf.
 */
void cgroup_leaf_sweep(const struct cg_path *cg);
/* The undo: the processes back in DIR, the leaves gone, cg->leaf false. */
void cgroup_drop_leaf(struct cg_path *cg);

#endif
