/*
 * Namespaces a jail joins instead of making its own: ns.net, ns.ipc and
 * ns.uts name a network, IPC or UTS namespace by path (a pod's pause
 * container's, /proc/PID/ns/net, a file ip netns pinned).  Each path is
 * opened once, before anything exists, and checked to be a namespace of
 * its kind; under the registry's lock its owner is checked to be the
 * host's user namespace or a live jail's, so that a jail is never put
 * into a namespace that some other user administers.  A user, mount, PID
 * or cgroup namespace is never joined: a jail's are always its own.
 *
 * jailinit is cloned while its creator stands in the joined namespaces
 * (the clone makes the jail's user namespace, which owns none of them, so
 * it could not join them afterwards); the creator goes back to its own at
 * once.  Jail root then has no capability over a joined namespace: it
 * shares the stack, the IPC objects or the names, and administers none.
 */
#ifndef PRISON_NSJOIN_H
#define PRISON_NSJOIN_H

#include "error.h"
#include "param.h"
#include "registry.h"

enum { NSJOIN_NET, NSJOIN_IPC, NSJOIN_UTS, NSJOIN__COUNT };

struct ns_join {
	int fd[NSJOIN__COUNT]; /* -1 where the jail has a namespace of its own (or the creator's) */
};

#define NS_JOIN_NONE ((struct ns_join){ .fd = { -1, -1, -1 } })

/* The path ns.net, ns.ipc or ns.uts (id) gives, NULL when it is unset or empty (jls -s prints it so). */
const char *nsjoin_path(const struct paramset *ps, int id);
/*
 * The parameters that go with a joined namespace, checked and completed
 * before anything exists: ip4 and ip6 inherit (the joined stack's
 * addresses) with ns.net, sysvmsg, sysvsem and sysvshm inherit with ns.ipc,
 * no host name of the jail's own with ns.uts.
 */
int nsjoin_settle(struct paramset *ps, struct perr *e);
/* Open and check each ns.* path of ps (*ret filled, closed by nsjoin_close whatever the result). */
int nsjoin_open(const struct paramset *ps, struct ns_join *ret, struct perr *e);
/* Under the registry's lock: every joined namespace belongs to the host's user namespace or a live jail's. */
int nsjoin_check_owners(const struct ns_join *j, const struct paramset *ps, struct registry *reg, struct perr *e);
/*
 * Into the joined namespaces, saving this thread's own in *ret_saved;
 * nsjoin_leave() goes back and must succeed before the caller goes on.
 */
int nsjoin_enter(const struct ns_join *j, struct ns_join *ret_saved, struct perr *e);
int nsjoin_leave(struct ns_join *saved, struct perr *e);
void nsjoin_close(struct ns_join *j);

#endif
