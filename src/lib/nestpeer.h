/*
 * Who sent a request on a jail's socket, and the descriptors it sent,
 * known from the kernel alone: never from a name, jid, path or pid the
 * request carries (nested.h).
 */
#ifndef PRISON_NESTPEER_H
#define PRISON_NESTPEER_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "nestserve.h"
#include "registry.h"

/*
 * The peer of conn is a process of self's jail: its user namespace is the
 * jail's own (not one it made below it), and, with need_root, it is jail
 * root.  *me gets the jail's live record, which must still be the jail
 * the server was started for.
 */
int nest_peer_jail(int conn, const struct nest_self *self, bool need_root, struct jail_record *me, struct perr *e);

/*
 * One request packet of at most len bytes into buf, and up to three
 * descriptors with it (the requester's standard ones), each checked to be
 * something a host process may write a line to: a pipe, a socket, a
 * character device or a regular file, none of procfs, sysfs or another
 * kernel interface file system.  Missing ones are -1.
 */
ssize_t nest_recv_request(int conn, char *buf, size_t len, int fds[3], struct perr *e);

/* The descriptors in place as 0, 1 and 2 (/dev/null for a missing one), and closed where they were. */
int nest_take_stdio(int fds[3], struct perr *e);

#endif
