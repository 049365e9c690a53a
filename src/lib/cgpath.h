/*
 * Where a jail's cgroups are.  Every hierarchy (the cgroup2 tree and each
 * v1 controller's) holds the same path below its prison/ directory: JID for
 * a jail of the host, PARENT/JID for a child jail, so a parent's limits
 * bind its children through the kernel's own hierarchy.  The path is kept
 * in the jail's record and handed to every cgroup call; nothing finds a
 * jail's cgroup any other way.
 *
 * cgroup2 lets no process live in a cgroup that hands domain controllers
 * (memory, pids, io, cpu) down to children.  A jail made with children.max
 * above 0 therefore keeps its own processes in the leaf DIR/self, and its
 * child jails get DIR/JID beside it; limits are written on DIR, which then
 * counts the whole subtree.  A jail made with children.max = 0 keeps its
 * processes in DIR itself: the common case costs no extra cgroup.  Raised
 * above 0 later, it gets the leaf while it runs (cgleaf.h), and the
 * record's leaf flag says so to every later reader.  "self"
 * is not a number, so it never collides with a jid.
 */
#ifndef PRISON_CGPATH_H
#define PRISON_CGPATH_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define CG_LEAF "self"

struct cg_path {
	int jid;
	bool leaf;      /* the jail's own processes are in DIR/self */
	char dir[128];  /* "7" or "3/7", relative to prison/: limits, totals, cgroup.kill */
};

/* The path of jail jid below parent (NULL for a jail of the host). */
int cg_path_make(struct cg_path *ret, const struct cg_path *parent, int jid, bool leaf, struct perr *e);
/* Check a stored or found path "N" or "N/N/...", the jid being the last number. */
int cg_path_parse(const char *dir, bool leaf, struct cg_path *ret);
/* Where the jail's processes live, relative to prison/: DIR or DIR/self. */
void cg_path_procs(const struct cg_path *p, char *buf, size_t len);
/* The parent jail's path (which always has a leaf); false for a jail of the host. */
bool cg_path_parent(const struct cg_path *p, struct cg_path *ret);
/*
 * The jids of the jails a process is in, outermost first, from the text of
 * its /proc/PID/cgroup with the jails' cgroups below prefix; 0 for a
 * process outside every jail.
 */
int cg_path_jids_of(const char *proc_cgroup, const char *prefix, int *jids, int max);

#endif
