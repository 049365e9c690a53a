/*
 * The host's users and groups in the jails' ID pool, enumerated through
 * the name service and kept for the next creations (hostids.c says when).
 */
#ifndef PRISON_HOSTIDS_H
#define PRISON_HOSTIDS_H

#include <stddef.h>

#include "error.h"

/* How long an enumeration is used again while the files it depends on stay the same. */
#define HOSTIDS_MAX_AGE 10

/* Takes one user or group ID; -1 stops the enumeration (no memory). */
typedef int (*hostids_fn)(unsigned long id, void *arg);

/*
 * Give add each user and group ID from first on, from the cache in dirfd
 * (IDRANGE_DIR, whose lock the caller holds) when it is fresh, else from
 * the name service, then kept there.
 */
int hostids_add(int dirfd, unsigned long first, hostids_fn add, void *arg, struct perr *e);

/* What the cache must name to be used: the identity and time of each file the name service reads. */
void hostids_fingerprint(char *buf, size_t len);
/* A cache's text for that fingerprint: each of its IDs given to add, or -1 (another fingerprint, or not a cache). */
int hostids_parse(const char *text, const char *fingerprint, hostids_fn add, void *arg);

#endif
