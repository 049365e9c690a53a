/*
 * One request on a jail's socket (nested.h), served on the host: who
 * asks, from the kernel's word alone, then what they may ask, for their
 * own descendants only.
 */
#ifndef PRISON_NESTSERVE_H
#define PRISON_NESTSERVE_H

#include "api.h"

/* The jail a server answers for, as the host gave it at the jail's creation. */
struct nest_self {
	int jid;
	unsigned long uid_base; /* jail root's host uid */
	int usernsfd;           /* the jail's user namespace */
	int rootfd;             /* the jail's root, as the host opened it (O_PATH) */
};

/*
 * Serve the one request of connection conn, in a process of its own (its
 * standard descriptors become the requester's).  The answer goes back on
 * conn; returns the exit status sent.
 */
PRISON_API int nest_serve(int conn, const struct nest_self *self);

#endif
