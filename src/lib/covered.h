/*
 * What a jail gets its own of, the copy of its root loses first: with
 * path=/ the host's /proc, /dev and /sys, and /run, /tmp and /var/tmp
 * where the jail has its own, with every mount below them, would stay
 * beneath the jail's, hidden and locked there, and cost a mount each in
 * every jail and in every idle jail's pinned tree, and keep the host's file
 * systems below those directories busy (prison's own run directory among
 * them).
 */
#ifndef PRISON_COVERED_H
#define PRISON_COVERED_H

#include <stdbool.h>

#include "error.h"

/*
 * Builder side, with the jail's root (rootfd) stacked over the old one:
 * every mount of the new root at or below a covered directory detached,
 * found in this namespace's mountinfo and opened beneath rootfd without
 * following a symbolic link, so nothing outside the jail's tree is
 * touched.  Leaves the working directory at rootfd.
 */
int covered_detach(int rootfd, bool private_tmp, struct perr *e);

#endif
