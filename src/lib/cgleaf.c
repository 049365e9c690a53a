#include "cgleaf.h"

#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cglimit.h"
#include "cgroup.h"
#include "pidpin.h"
#include "util.h"

/* How long the jail may take to freeze (processes in uninterruptible sleep) before the change is refused. */
#define LEAF_FREEZE_MS 5000

/*
 * Every process of cgroup from (rel_from below prison/) written into
 * cgroup to, until from has none: one that forks meanwhile (the cgroup
 * is frozen, but a process may still be put into it from outside) is
 * taken in the next round.  Each pid is pinned first (pidpin.h), so a pid
 * freed and taken by a process of the host is never moved into a jail.
 */
static int move_all(int from, const char *rel_from, int to, struct perr *e)
{
	for (int round = 0; round < 100; round++) {
		char buf[65536];
		ssize_t n = read_file_at(from, "cgroup.procs", buf, sizeof(buf));
		if (n < 0)
			return perr_set(e, errno, "cgroup %s: cgroup.procs", rel_from);
		bool left = false;
		if (n == 0)
			return 0;
		for (char *save = NULL, *t = strtok_r(buf, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
			struct pidpin p _cleanup_pidpin_ = { .pidfd = -1, .procfd = -1 };
			long pid;
			/* A read cut short ends in part of a pid: its pin finds no such process of the jail. */
			if (!parse_long(t, 1, INT_MAX, &pid))
				continue;
			if (pidpin_open((pid_t)pid, rel_from, &p) < 0) {
				if (errno == ESRCH)
					continue;
				return perr_set(e, errno, "process %ld", pid);
			}
			if (write_file_at(to, "cgroup.procs", t) < 0 && errno != ESRCH)
				return perr_set(e, errno, "move process %ld into the jail's leaf cgroup", pid);
			/* Its leader leaving, it stays listed: the write took its other threads. */
			left = left || !pidpin_leaving(&p);
		}
		if (!left)
			return 0;
	}
	return perr_setx(e, EAGAIN, "processes keep appearing in the jail's cgroup while they are moved");
}

/* Was the jail frozen already (prison-oci pause)?  Then it stays frozen after the move. */
static bool asked_frozen(int dir)
{
	char cur[8] = "";

	return read_file_at(dir, "cgroup.freeze", cur, sizeof(cur)) > 0 && cur[0] == '1';
}

/* Frozen, and every process of it frozen; a jail paused already is waited for too, its freeze kept. */
static int freeze(int dir, const struct cg_path *cg, bool paused, struct perr *e)
{
	if (!paused && write_file_at(dir, "cgroup.freeze", "1") < 0)
		return perr_set(e, errno, "cgroup of jail %d: cgroup.freeze (Linux 5.2 or newer is needed)", cg->jid);
	if (cgroup_wait_frozen(dir, cgroup_deadline(LEAF_FREEZE_MS)) == 0)
		return 0;
	if (errno == ETIMEDOUT)
		perr_setx(e, ETIMEDOUT, "the jail's processes did not freeze in %d ms", LEAF_FREEZE_MS);
	else
		perr_set(e, errno, "cgroup of jail %d: cgroup.events", cg->jid);
	if (!paused)
		(void)write_file_at(dir, "cgroup.freeze", "0");
	return -1;
}

/* The processes of leaf back in dir, then leaf gone, in cgroup2 and v1: with the jail frozen. */
static void move_back(int dir, int leaf, struct cg_path *cg)
{
	struct perr ignore = { 0 };
	char rel[160];

	cg->leaf = true;
	cg_path_procs(cg, rel, sizeof(rel));
	if (leaf >= 0)
		(void)move_all(leaf, rel, dir, &ignore);
	cg->leaf = false;
	/* Gone first: the v1 undo reads who moves from DIR, which cgroup_open_procs gives only without a leaf. */
	(void)unlinkat(dir, CG_LEAF, AT_REMOVEDIR);
	cg_v1_drop_leaf(cg);
}

/* With the jail frozen: the leaves made and every process moved into them. */
static int move_in(int dir, struct cg_path *cg, struct perr *e)
{
	_cleanup_close_ int leaf = -1;

	/* One left by a command killed halfway is taken as it is. */
	if (mkdirat(dir, CG_LEAF, 0755) < 0 && errno != EEXIST)
		return perr_set(e, errno, "cgroup of jail %d: %s", cg->jid, CG_LEAF);
	leaf = openat(dir, CG_LEAF, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (leaf < 0) {
		perr_set(e, errno, "cgroup of jail %d: %s", cg->jid, CG_LEAF);
	} else if (move_all(dir, cg->dir, leaf, e) == 0) {
		cg->leaf = true;
		if (cg_v1_add_leaf(cg, e) == 0)
			return 0;
	}
	move_back(dir, leaf, cg);
	return -1;
}

int cgroup_add_leaf(struct cg_path *cg, struct perr *e)
{
	_cleanup_close_ int dir = cgroup_open(cg, e);
	bool frozen;
	int r;

	if (dir < 0)
		return -1;
	frozen = asked_frozen(dir);
	if (freeze(dir, cg, frozen, e) < 0)
		return perr_prefix(e, "children.max");
	r = move_in(dir, cg, e);
	if (!frozen)
		(void)write_file_at(dir, "cgroup.freeze", "0");
	return r < 0 ? perr_prefix(e, "children.max: the jail's processes into a cgroup of their own") : 0;
}

void cgroup_leaf_sweep(const struct cg_path *cg)
{
	struct perr ignore = { 0 };
	_cleanup_close_ int dir = cg->leaf ? cgroup_open(cg, &ignore) : -1;
	_cleanup_close_ int leaf = dir >= 0 ? cgroup_open_procs(cg, &ignore) : -1;

	if (leaf >= 0)
		(void)move_all(dir, cg->dir, leaf, &ignore);
}

void cgroup_drop_leaf(struct cg_path *cg)
{
	struct perr ignore = { 0 };
	_cleanup_close_ int dir = cgroup_open(cg, &ignore), leaf = -1;
	bool frozen;

	if (dir < 0)
		return;
	frozen = asked_frozen(dir);
	/* Not frozen in time: the processes go back all the same, and freeze() has thawed it. */
	if (freeze(dir, cg, frozen, &ignore) < 0)
		frozen = true;
	leaf = openat(dir, CG_LEAF, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	move_back(dir, leaf, cg);
	if (!frozen)
		(void)write_file_at(dir, "cgroup.freeze", "0");
}
