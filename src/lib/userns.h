/*
 * A jail's user namespace, made so that the kernel charges the jail, not
 * host root.  The kernel counts the namespaces, inotify instances and the
 * like that a process makes against its user in its user namespace, and
 * then against the owner of that namespace one level up, all the way to
 * the host: a jail whose user namespace host root owned spent host root's
 * counts, and one jail could take them all.  So the jail's user namespace
 * is created with the effective IDs of the jail's own host root (the first
 * ID of its range, idrange.h): everything the jail counts is charged to
 * that host uid, under the host's per-user limits, and the jail's own
 * limits (its user namespace's user.max_* sysctls) are set at creation,
 * where jail root, which has no CAP_SYS_RESOURCE, cannot raise them.  The
 * id maps are still written by host root, and read back.
 */
#ifndef PRISON_USERNS_H
#define PRISON_USERNS_H

#include <stdbool.h>
#include <sys/types.h>

#include "api.h"
#include "error.h"

/* How many of each namespace kind, and of inotify and fanotify objects, one user of a jail may have. */
#define USERNS_MAX_NAMESPACES 256
#define USERNS_MAX_NOTIFY_GROUPS 128
#define USERNS_MAX_NOTIFY_MARKS 65536

/*
 * The caller's effective IDs become base, the owner a user namespace it
 * creates gets, with its capabilities kept (SECBIT_NO_SETUID_FIXUP), so
 * that it may still clone the jail's first process into its cgroup; the
 * real and saved IDs stay, and userns_restore() puts back the rest.  A
 * child cloned with CLONE_NEWUSER meanwhile starts with the default secure
 * bits and every capability of its own namespace.
 */
struct userns_saved {
	uid_t euid;
	gid_t egid;
	int bits;
};
int userns_become_owner(unsigned long base, struct userns_saved *ret);
/* -1 (errno set) if the IDs could not be put back: the caller must not go on. */
int userns_restore(const struct userns_saved *s);
/*
 * fn(arg) with the effective IDs of the namespace's owner, base: host root
 * has only its own capabilities over a namespace it does not own, and
 * may lack one (CAP_SYS_RESOURCE, which prlimit of a jail process needs),
 * while the owner has every capability in it.
 */
int userns_as_owner(unsigned long base, int (*fn)(void *arg), void *arg);
/* Map 0..65535 of pid's user namespace to base.., users and groups, and check what the kernel kept. */
int userns_write_maps(pid_t pid, unsigned long base, struct perr *e);
/*
 * In the jail's first process, while it has every capability of its user
 * namespace: the namespace's user.max_* limits (no user namespaces at all
 * unless nested ones are allowed), written through procfd, the jail's own
 * proc (a mount of it).
 */
int userns_cap_counts(int procfd, bool nested_userns, struct perr *e);
/*
 * Is this process in the host's own user namespace (uid_map the identity
 * of every id)?  A jail's processes are not: jail(8) run there says so at
 * once instead of failing on the first host path it cannot reach.
 */
PRISON_API bool userns_is_host(void);

#endif
