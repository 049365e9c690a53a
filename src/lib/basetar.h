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

/* Unpack the archive at path into the empty directory dstfd. */
int basetar_extract(const char *path, int dstfd, bool keep_setuid, struct perr *e);

#endif
