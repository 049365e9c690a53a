/*
 * btrfs, where the state directory is on it: a base's generation is a
 * subvolume, and a thick jail's root a writable snapshot of it (sharing
 * every extent until one side writes).  Elsewhere none of this is used and
 * a thick jail is a copy sharing data where the file system can (tree.h).
 */
#ifndef PRISON_BTRFS_H
#define PRISON_BTRFS_H

#include <stdbool.h>

/* The file system of fd is btrfs. */
bool btrfs_on(int fd);
/* fd (any kind) is the top of a btrfs subvolume. */
bool btrfs_subvolume(int fd);
/* A new empty subvolume name below the directory dirfd; -1 with errno set. */
int btrfs_subvol_create(int dirfd, const char *name);
/* A writable snapshot of subvolume srcfd as name below dirfd; -1 with errno set. */
int btrfs_snapshot(int srcfd, int dirfd, const char *name);

#endif
