/*
 * Thick jails (base.type=thick): the jail's root is a whole private copy
 * of the base's current generation, made once, at the jail's first
 * creation, and its own from then on: a base update does not reach it and
 * the base may go while it lives.  Where the state directory is on btrfs
 * and the generation a subvolume, the copy is a writable snapshot of it;
 * elsewhere a copy that shares data with the base where the file system
 * can (FICLONE, copy_file_range: tree.h).  The jail then runs as one on a
 * plain directory: path is its root, bound idmapped.
 */
#ifndef PRISON_THICK_H
#define PRISON_THICK_H

#include "error.h"

/*
 * The root directory root below the jail's directory dirfd, copied from
 * base's current generation unless it holds something already; *ret_gen
 * is the generation it was copied from (0 when not known).
 */
int thick_root(int dirfd, const char *root, const char *base, long *ret_gen, struct perr *e);

#endif
