/*
 * Spawning a jail's first process, jailinit: the namespaces, the id maps,
 * the root and the mounts, then the exec.  Everything the child needs is
 * parsed and checked before it is cloned, so the child receives only the
 * descriptors the host makes after the clone (the idmapped root and the
 * nullfs trees), never text to parse.
 */
#ifndef PRISON_SPAWN_H
#define PRISON_SPAWN_H

#include <stddef.h>

#include "error.h"
#include "mount.h"
#include "nsjoin.h"
#include "registry.h"
#include "watch.h"

#define SPAWN_MAX_MOUNTS 64

/* The mounts of mount.fstab and mount, in that order, as the jail will get them. */
struct mount_plan {
	struct mount_extra *m; /* SPAWN_MAX_MOUNTS entries */
	char (*target)[1024];  /* each mount point as the user wrote it, for messages */
	size_t n;
};

/* Parse mount.fstab and mount of ps (path must be set); nothing is opened but the fstab file. */
int mount_plan_build(const struct paramset *ps, struct mount_plan *ret, struct perr *e);
void mount_plan_free(struct mount_plan *p);

struct spawn_req {
	struct jail_record *rec; /* init_pid and init_start are filled in */
	int pathfd;              /* the jail's root directory, O_PATH */
	int exefd;               /* the jailinit binary, O_PATH */
	int hold;                /* the creator's end stays with it; this end becomes jailinit's fd 4 */
	int parent_hold;         /* a child jail's hold on its parent's jailinit (fd PARENT_HOLD_FD), or -1 */
	const struct mount_plan *mounts;
	struct registry *reg;    /* held locked by the creator: its jails' trees are off limits to the console log */
	int *ret_tree;       /* persist.idle: gets a detached copy of the jail's tree (mntns.h), else NULL */
	const struct ns_join *join; /* the namespaces jailinit is cloned in (nsjoin.h), or NULL */
	int nestfd;              /* a detached mount of the jail's socket for its /dev (nestsock.h), or -1 */
};

/* Build the jail's namespaces and start jailinit in them; returns its pidfd. */
int spawn_init(const struct spawn_req *req, struct perr *e);

/* What a jailinit is started with: at creation, and when an idle jail wakes (wake.h). */
struct init_child {
	int sync;   /* to the starter: 'E'+text on error, 'R' just before exec */
	int sync_host; /* the starter's end, closed in the child at creation */
	int listen; /* control socket, becomes fd 3 of jailinit */
	int hold;   /* the starter's hold, becomes fd 4 */
	int parent_hold; /* a child jail's hold on its parent's jailinit, becomes PARENT_HOLD_FD, or -1 */
	int exe;    /* jailinit binary, O_PATH */
	int log;    /* exec.consolelog for jailinit's output, or -1 */
	const struct jail_record *rec;
	struct jail_policy policy;
	const struct jail_filter *filter;
	struct mount_extra *mounts; /* the child's own copy of the plan */
	size_t nmounts;
	const struct watch_handles *watch; /* counters and log handles, fds 7..11 */
	bool idle;                         /* persist.idle: jailinit leaves when nothing runs and nothing holds */
};

/*
 * In the child, standing in the jail's namespaces with its locked tree as
 * root: jailinit's descriptors put in place (null: the host's /dev/null),
 * the ptmx handle taken, confined as the jail's root, and jailinit run.
 */
__attribute__((noreturn)) void spawn_exec_init(struct init_child *c, int null);

#endif
