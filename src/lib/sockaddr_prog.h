/*
 * The sockaddr BPF programs on the parent cgroup of all jails: found
 * through BPF_PROG_QUERY, loaded and attached under a lock when missing.
 * Internal to sockaddr.c.
 */
#ifndef PRISON_SOCKADDR_PROG_H
#define PRISON_SOCKADDR_PROG_H

#include <stdbool.h>

#include "error.h"

/*
 * An fd of the programs' map (close-on-exec), attaching the programs first
 * when create is set and some are missing.  Without create and with nothing
 * attached: -1 with e->err == ENOENT.
 */
int sockaddr_prog_map(bool create, struct perr *e);
/* Detach this version's programs from the parent cgroup. */
int sockaddr_prog_detach(struct perr *e);

#endif
