/*
 * Host files that a jail may influence (exec.consolelog), opened by the
 * host once and passed on as a descriptor.  The path is walked from a
 * directory the host opened, one component at a time, without following
 * any symbolic link; every directory on the way must be one that only host
 * root can change, and none may be the jail's root: a jail can neither
 * redirect the open nor choose the directory in which host root creates a
 * file.
 */
#ifndef PRISON_HOSTFILE_H
#define PRISON_HOSTFILE_H

#include <stdbool.h>
#include <sys/stat.h>

#include "error.h"

/*
 * Can only host root change the directory st: owned by root, and writable
 * by no one else (group root aside), or sticky, so that others cannot
 * rename or remove what root has there?
 */
bool hostfile_dir_trusted(const struct stat *st);
/*
 * Open path (absolute) for appending, created 0640 when missing, as what
 * ("exec.consolelog") for the messages.  tree is the jail's root
 * directory, NULL when the jail's tree is the host's (path=/).  The file
 * must be a regular file of root's with no other hard link.  Returns the
 * descriptor, or -1 with e set and nothing created.
 */
int hostfile_open_append(const char *what, const char *path, const struct stat *tree, struct perr *e);

#endif
