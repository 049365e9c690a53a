/*
 * A base from a root file system tarball (tar or cpio, compressed in any
 * way libarchive reads), unpacked with every entry checked first: absolute
 * names, ".." and hard links out of the tree refuse the whole archive;
 * nothing is written through a symbolic link; device nodes, FIFOs and
 * sockets are left out; setuid and setgid bits go unless asked to stay.
 */
#ifndef PRISON_BASETAR_H
#define PRISON_BASETAR_H

#include <stdbool.h>

#include "error.h"

struct archive;

/* Relative, and no ".." component: a name that stays below the top whatever the tree holds. */
bool basetar_name_inside(const char *name);
/* An archive file opened for reading, as a regular file only (a FIFO or a device would hang or never end). */
int basetar_open(const char *path, struct perr *e);
/* The current entry's data from in to out, block by block (holes kept); a failure of either side as its message. */
int basetar_copy_data(struct archive *in, struct archive *out, struct perr *e);
/* Unpack the archive at path into the empty directory dstfd. */
int basetar_extract(const char *path, int dstfd, bool keep_setuid, struct perr *e);

#endif
