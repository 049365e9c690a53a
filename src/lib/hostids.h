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

/* User and group IDs, one entry each. */
struct hostids {
	unsigned long *v;
	size_t n, cap;
};

void hostids_free(struct hostids *l);
/*
 * Every user and group ID from first on, into ret (empty on entry): from
 * the cache in dirfd (IDRANGE_DIR, whose lock the caller holds) when it is
 * fresh, else from the name service, then kept there.
 */
int hostids_get(int dirfd, unsigned long first, struct hostids *ret, struct perr *e);

/* What the cache must name to be used: the identity and time of each file the name service reads. */
void hostids_fingerprint(char *buf, size_t len);
/* A cache's text for that fingerprint: its IDs appended to ret, or -1 and ret empty (another fingerprint, or not a cache). */
int hostids_parse(const char *text, const char *fingerprint, struct hostids *ret);

#endif
