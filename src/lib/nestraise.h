/*
 * The socket of a running jail given children (children.max raised above 0
 * on a jail created with 0, modify.c): what jail -c gives a jail created
 * with children (nested.h), added while it runs.
 *
 * The socket is bound and listened on as at creation (nestsock.h).  Its
 * detached mount (open_tree) goes onto /dev/prison.sock in every tree of
 * the jail there is: the mount namespace of its running jailinit, joined
 * by a short-lived child of the host through jailinit's pidfd, and, for a
 * persist.idle jail, the pinned tree every later jailinit's namespace is
 * copied from (pin.h, wake.h), reached in the pin namespace.  In both the
 * host works from the tree's root fd down: /dev opened beneath it with no
 * link followed, the mount point made there with O_CREAT | O_EXCL |
 * O_NOFOLLOW (or, made before, taken only as the empty regular file it
 * must be, through the fd that was checked), and the socket moved onto
 * that fd.  The server starts last, with the jail's user namespace and its
 * root as the host opens its path, checked to be the root the jail's tree
 * stands on.
 *
 * Unlike the one a jail gets at creation, the mount in a running namespace
 * is not locked: the kernel locks mounts only when it copies a namespace
 * into a less privileged user namespace, and this namespace exists already.
 * jail root can unmount it there, and so lose its own socket, nothing more;
 * a jailinit woken from the pinned tree gets it locked.
 */
#ifndef PRISON_NESTRAISE_H
#define PRISON_NESTRAISE_H

#include "error.h"
#include "nestsock.h"
#include "registry.h"

struct nest_raise {
	struct nest_sock sock;
	int live; /* the socket's mount in jailinit's namespace, for the undo; -1 when none */
	int pinned; /* in the pinned tree */
	int procfd; /* the host's /proc, for the undo */
};
#define NEST_RAISE_NONE ((struct nest_raise){ .sock = NEST_SOCK_NONE, .live = -1, .pinned = -1, .procfd = -1 })

/* rec's socket, its mounts and its server; nothing is left on failure. */
int nest_raise(const struct jail_record *rec, struct nest_raise *ret, struct perr *e);
/* Undo a nest_raise that succeeded (the record could not be written): the mounts, the socket, its server. */
void nest_raise_undo(const struct jail_record *rec, struct nest_raise *r);
/* Done with it: the descriptors closed, what was made stays. */
void nest_raise_close(struct nest_raise *r);

#endif
