/*
 * A jail's mount namespace, built where jail root cannot take it apart.
 *
 * The kernel locks every mount (MNT_LOCKED: no unmount, no remount that
 * lifts read-only, nosuid, nodev or noexec) when it copies a mount
 * namespace into one owned by a less privileged user namespace; mounts
 * made later, from inside the jail's own user namespace, are not locked.
 * So the tree is put together by a short-lived child of the host, host root
 * in a fresh mount namespace of the host's user namespace.  It then joins
 * the jail's user namespace and unshares its mount namespace: the copy it
 * gets, every mount in it locked, is the one jailinit joins.  jail root,
 * even with allow.mount, cannot unmount /proc, a mask over a /proc file,
 * /dev or its own root to see what is below.
 */
#ifndef PRISON_MNTNS_H
#define PRISON_MNTNS_H

#include <sys/types.h>

#include "error.h"
#include "mount.h"

/*
 * Build the tree of m and fs, files made as owner (the host uid of jail
 * root); returns a descriptor of the locked mount namespace, owned by the
 * user namespace usernsfd.  With ret_tree (initialised to -1 by the
 * caller), *ret_tree also gets a detached copy of the tree as the
 * builder made it, in the host's user namespace and unlocked, from which
 * an idle jail's template is made again when it wakes (pin.h, wake.h).
 */
int mntns_build_locked(const struct mount_setup *m, const struct mount_fs *fs, uid_t owner, int usernsfd,
		       int *ret_tree, struct perr *e);

#endif
