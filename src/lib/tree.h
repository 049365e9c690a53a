/*
 * Whole directory trees, copied and removed through directory fds, never
 * following a symbolic link: the bases' building blocks.  A copy keeps
 * owners, modes, times and hard links, shares the data with its source
 * where the file system can (FICLONE, copy_file_range), stays on the
 * source's file system (like cp -x) and leaves out device nodes, FIFOs and
 * sockets, which a base never needs (a jail gets a /dev of its own).
 */
#ifndef PRISON_TREE_H
#define PRISON_TREE_H

#include <stdbool.h>

#include "error.h"

/* Copy the contents of directory srcfd into the empty directory dstfd; setuid and setgid bits only if keep_setuid. */
int tree_copy(int srcfd, int dstfd, bool keep_setuid, struct perr *e);
/* Remove name below dirfd and everything in it; a missing name is no error. */
int tree_remove(int dirfd, const char *name, struct perr *e);

#endif
