/*
 * A fresh file system instance from fsopen/fsconfig/fsmount, detached:
 * its mount fd.  Its source is its type unless opts name one: what
 * mountinfo shows for it (not "none"), as mount(8) and the OCI runtimes'
 * configurations name them.
 */
#ifndef PRISON_FSNEW_H
#define PRISON_FSNEW_H

#include "error.h"

/* opts: name, value pairs ending in NULL (a NULL value for a flag); attrs: MOUNT_ATTR_*. */
int fs_new_mount(const char *type, const char *const *opts, unsigned attrs, struct perr *e);

#endif
