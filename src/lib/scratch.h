/*
 * A jail's scratch tmpfs: one file system for its /dev and, with path=/,
 * its own /tmp, /var/tmp and /run, each a directory of it mounted in its
 * place.  A file system instance costs some 3 KiB of kernel memory of its
 * own (the superblock, its device number and shrinker lists, its root),
 * in every jail and in every idle jail's pinned tree: one instead of four
 * is 9 KiB less per path=/ jail.  Each mount keeps flags of its own, so
 * /dev takes the bound device nodes while /tmp takes none and /run
 * refuses execution; the bound (25% of memory) is theirs together, and
 * their pages count against the jail's memoryuse as before.  /dev/shm is
 * a directory of /dev (mount.c); an OCI configuration's /dev/shm tmpfs is
 * mounted over it as that configuration says.
 */
#ifndef PRISON_SCRATCH_H
#define PRISON_SCRATCH_H

#include <stdbool.h>

#include "error.h"

enum scratch_part { SCR_DEV, SCR_TMP, SCR_VARTMP, SCR_RUN, SCR__COUNT };

/*
 * Jail side, as jail root: the file system, detached, with a directory per
 * part (dev, and tmp, vartmp and run with run/lock for private_tmp).  Its
 * mount fd, or -1 with e set.
 */
int scratch_make(bool private_tmp, struct perr *e);

/*
 * Builder side, in the mount namespace the tree is built in: each
 * directory of scratch cloned out as a mount of its own with its part's
 * flags, ret[i] -1 where there is none.  scratch is attached on target
 * (the jail's /dev) while the clones are made and is gone after.
 */
int scratch_split(int scratch, int target, int ret[SCR__COUNT], struct perr *e);
void scratch_close(int parts[SCR__COUNT]);

#endif
