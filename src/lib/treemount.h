/*
 * Mounts a builder left below a tree it made.  mmdebstrap mounts /proc,
 * /sys and /dev inside the tree it builds and, when a step fails at the
 * wrong moment, can leave one mounted; a base renamed into place with a
 * mount below it would carry a host /proc into every jail on it, and could
 * no longer be removed.
 */
#ifndef PRISON_TREEMOUNT_H
#define PRISON_TREEMOUNT_H

#include "error.h"

/*
 * Detach (MNT_DETACH) every mount below directory dirfd, deepest first,
 * each through a descriptor opened beneath dirfd without following a link
 * and checked to be that mount's root; fails if one cannot be detached.
 */
int tree_unmount_below(int dirfd, struct perr *e);

#endif
