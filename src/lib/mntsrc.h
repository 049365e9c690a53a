/*
 * The host paths a jail's mounts come from: nullfs sources and overlay
 * layers.  Each is opened once, on the host, under hostpath.h's rule for
 * what the host reads: refused inside any jail's tree (a jail root writes
 * there as the files' owner, through its idmapped root), or below a
 * directory a jail can write (owned by a user or group of the jails' id
 * ranges, or writable by everyone without the sticky bit).  Everything
 * after uses the fds.
 */
#ifndef PRISON_MNTSRC_H
#define PRISON_MNTSRC_H

#include "error.h"
#include "registry.h"
#include "spawn.h"

/*
 * Open the sources and layers of every mount of p.  The trees off limits
 * are those of the jails in reg (but path=/ ones, whose tree is the host's)
 * and own_pathfd, the root of own_name, the jail being made.
 */
int mount_sources_open(struct mount_plan *p, struct registry *reg, int own_pathfd, const char *own_name,
		       struct perr *e);

#endif
