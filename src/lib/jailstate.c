#include "jailstate.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cglimit.h"
#include "cgroup.h"
#include "ctl.h"
#include "fibrule.h"
#include "idrange.h"
#include "jail.h"
#include "jailnet.h"
#include "jailproc.h"
#include "nestcli.h"
#include "nestsock.h"
#include "nftjail.h"
#include "pin.h"
#include "regindex.h"
#include "util.h"

/*
 * The parent's jailinit, if it runs, told how many children it has: a
 * parent that is not persistent stays for them (jailinit.c).  One that
 * answers "exit" goes by itself, and its record is cleared by the next
 * command that finds its jailinit gone.
 */
void jail_tell_children(const struct jail_record *p)
{
	struct perr ignore = { 0 };
	char msg[32], reply[16];
	int fd;

	if (!process_alive(p->init_pid, p->init_start) || (fd = ctl_connect(p->jid, &ignore)) < 0)
		return;
	snprintf(msg, sizeof(msg), "children %ld", param_int(&p->params, P_CHILDREN_CUR));
	(void)ctl_request(fd, msg, reply, sizeof(reply), 2000, &ignore);
	close(fd);
}

int jail_count_child(struct registry *reg, int parent, int delta, struct perr *e)
{
	_cleanup_record_ struct jail_record p = { 0 };
	char num[16];
	long cur;

	if (parent <= 0 || !registry_read(reg, parent, &p))
		return 0;
	cur = param_int(&p.params, P_CHILDREN_CUR) + delta;
	snprintf(num, sizeof(num), "%ld", cur < 0 ? 0 : cur);
	if (param_set(&p.params, P_CHILDREN_CUR, num, e) < 0 || registry_write(reg, &p, NULL, e) < 0)
		return -1;
	jail_tell_children(&p);
	return 0;
}

int jail_list_children(struct registry *reg, int jid, int **ret, size_t *ret_n, struct perr *e)
{
	struct jail_record *list;
	size_t n, k = 0;

	*ret = NULL;
	*ret_n = 0;
	if (registry_list(reg, &list, &n, e) < 0)
		return -1;
	*ret = calloc(n ? n : 1, sizeof(int));
	if (!*ret) {
		registry_free_list(list, n);
		return perr_set(e, ENOMEM, "registry");
	}
	for (size_t i = 0; i < n; i++)
		if (param_int(&list[i].params, P_PARENT) == jid)
			(*ret)[k++] = list[i].jid;
	registry_free_list(list, n);
	*ret_n = k;
	return 0;
}

/* ---- the phases walked back ---- */

/*
 * Child jails of a jail that goes: cleared first, while their cgroups,
 * which key their address limits, are still there inside the parent's.
 */
static void undo_active(struct registry *reg, const struct jail_record *rec)
{
	_cleanup_record_ struct jail_record now = { 0 };
	struct perr e = { 0 };
	int *kids = NULL;
	size_t n;

	if (!rec->cg.leaf || !registry_read(reg, rec->jid, &now))
		return;
	n = (size_t)param_int(&now.params, P_CHILDREN_CUR);
	if (n == 0 || jail_list_children(reg, rec->jid, &kids, &n, &e) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		_cleanup_record_ struct jail_record child = { 0 };
		if (registry_read(reg, kids[i], &child))
			jail_teardown(reg, &child);
	}
	free(kids);
}

/* Interfaces moved in go back while the jail's network namespace still exists. */
static void undo_vnet(struct registry *reg, const struct jail_record *rec)
{
	struct perr ignore = { 0 };

	(void)reg;
	(void)jailnet_return(rec, -1, &ignore);
}

static void undo_nat(struct registry *reg, const struct jail_record *rec)
{
	(void)reg;
	nftjail_remove(rec);
}

static void undo_init(struct registry *reg, const struct jail_record *rec)
{
	char path[256];
	int pidfd = jail_open_init(rec);

	(void)reg;
	if (pidfd >= 0) {
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
		close(pidfd);
	}
	registry_ctl_path(rec->jid, path, sizeof(path));
	unlink(path);
	/* Its socket for jails made inside it goes, and with it the socket's server. */
	nest_remove(rec->jid);
	/* An idle jail's namespaces go with their pins, now that none of its processes is left. */
	pin_remove(rec->jid);
}

/* Needs the cgroup still there: its id keys the address limits. */
static void undo_hostnet(struct registry *reg, const struct jail_record *rec)
{
	(void)reg;
	jailnet_release(rec);
}

static void undo_cgroup(struct registry *reg, const struct jail_record *rec)
{
	struct perr ignore = { 0 };

	if (cgroup_exists(&rec->cg)) {
		(void)cgroup_kill(&rec->cg, &ignore);
		/* One left behind is cleared by the full pass only (sweep_cgroups): the next listing makes it. */
		if (cgroup_destroy(&rec->cg, 5000, &ignore) < 0)
			regindex_taint(reg);
	}
}

/* The parent counted the child from its record's first write to its removal; the ID range goes with it. */
static void undo_record(struct registry *reg, const struct jail_record *rec)
{
	struct perr ignore = { 0 };

	if (registry_remove(reg, rec) == 1)
		(void)jail_count_child(reg, (int)param_int(&rec->params, P_PARENT), -1, &ignore);
	idrange_release(rec);
}

/* clang-format off */
static void (*const undo_steps[PH__COUNT])(struct registry *, const struct jail_record *) = {
	[PH_RECORD] = undo_record,   [PH_CGROUP] = undo_cgroup, [PH_HOSTNET] = undo_hostnet,
	[PH_INIT] = undo_init,       [PH_LIMITS] = NULL,        [PH_VNET] = undo_vnet,
	[PH_NAT] = undo_nat,         [PH_ACTIVE] = undo_active,
};
/* clang-format on */

/*
 * A jail whose processes could not all be killed (one frozen by a freezer
 * prison does not own, say) is not gone: its record stays, dying with no
 * remover, so that jail -r can try again once they can die.
 */
static void keep_stuck(struct registry *reg, const struct jail_record *rec)
{
	_cleanup_record_ struct jail_record now = { 0 };
	struct perr ignore = { 0 };

	if (!registry_read(reg, rec->jid, &now))
		return;
	now.state = JS_DYING;
	now.creator_pid = 0;
	now.creator_start = 0;
	if (param_set(&now.params, P_DYING, "true", &ignore) == 0 && registry_write(reg, &now, NULL, &ignore) == 0)
		(void)registry_mark_pending(reg, rec->jid, false);
}

int jail_undo(struct registry *reg, const struct jail_record *rec, enum jail_phase done)
{
	for (int i = (int)done - 1; i >= 0; i--) {
		if (i == PH_RECORD && done > PH_CGROUP && cgroup_exists(&rec->cg)) {
			keep_stuck(reg, rec);
			return -1;
		}
		if (undo_steps[i])
			undo_steps[i](reg, rec);
	}
	return 0;
}

/* ---- finding and repairing ---- */

/* Is the jail of this state and these processes gone (or its creation or removal abandoned)? */
static bool pids_dead(const struct jail_pids *p, bool cheap)
{
	switch (p->state) {
	case JS_CREATING:
		/* Its creator holds the lock until done: seen by a lock holder, it died on the way. */
		return true;
	case JS_DYING:
		/* A removal that failed to empty the jail (keep_stuck) waits for jail -r: no remover to outlive. */
		if (p->creator_pid == 0)
			return false;
		/* An idle jail's removal may run without any jailinit: only its remover tells. */
		if (p->idle)
			return !process_alive(p->creator_pid, p->creator_start);
		return !process_alive(p->creator_pid, p->creator_start) || !process_alive(p->init_pid, p->init_start);
	default:
		/* A persistent jail with pins lives on without a jailinit (pin.h): one stat tells. */
		if (p->idle && pin_exists(p->jid))
			return false;
		/*
		 * A listing judges an active jail by the cheap test: one of
		 * thousands must not format /proc text for each.  Every command
		 * that acts on a jail checks it fully (jail_find_locked).
		 */
		return cheap ? process_gone(p->init_pid) : !process_alive(p->init_pid, p->init_start);
	}
}

static struct jail_pids record_pids(const struct jail_record *r)
{
	return (struct jail_pids){ .state = r->state, .init_pid = r->init_pid, .init_start = r->init_start,
				   .creator_pid = r->creator_pid, .creator_start = r->creator_start, .jid = r->jid,
				   .idle = jail_may_idle(&r->params) };
}

static bool record_dead(const struct jail_record *r)
{
	struct jail_pids p = record_pids(r);

	return pids_dead(&p, false);
}

bool jail_seems_dead(const struct jail_pids *p)
{
	return pids_dead(p, true);
}

/* A record whose jail is gone: clear what it left; true if it was. */
static bool jail_clear_if_dead(struct registry *reg, const struct jail_record *r)
{
	if (!record_dead(r))
		return false;
	return jail_teardown(reg, r) == 0;
}

/* cgroups with no record, or a live jail's number elsewhere in the tree, go. */
static void sweep_cgroups(struct registry *reg, const struct jail_record *live, size_t n)
{
	struct cg_path *cgs;
	size_t ncg;

	if (cgroup_list(&cgs, &ncg) < 0)
		return;
	for (size_t i = 0; i < ncg; i++) {
		size_t k = registry_find_jid(live, n, cgs[i].jid);
		char where[512];
		/* Processes in a cgroup no live record owns are no jail's that prison knows: never killed. */
		if ((k == n || strcmp(live[k].cg.dir, cgs[i].dir) != 0) && cgroup_occupied(&cgs[i], where, sizeof(where)))
			continue;
		if (k < n && strcmp(live[k].cg.dir, cgs[i].dir) != 0) {
			/* A stale cgroup with a live jail's number elsewhere in the tree: only it goes. */
			struct perr ignore = { 0 };
			(void)cgroup_kill(&cgs[i], &ignore);
			(void)cgroup_destroy(&cgs[i], 5000, &ignore);
		} else if (k == n) {
			/* Its path comes from the tree: a nested orphan goes with whatever is below it. */
			struct jail_record orphan = { .jid = cgs[i].jid, .cg = cgs[i] };
			jail_teardown(reg, &orphan);
		}
	}
	free(cgs);
}

/* Pins whose jail has no live record: left by a command killed while it made or removed them. */
static void sweep_pins(const struct jail_record *live, size_t n)
{
	struct perr ignore = { 0 };
	_cleanup_free_ int *pins = NULL;
	size_t npins;

	if (pin_list(&pins, &npins, &ignore) < 0)
		return;
	for (size_t i = 0; i < npins; i++)
		if (registry_find_jid(live, n, pins[i]) == n)
			pin_remove(pins[i]);
}

/*
 * The full consistency pass, made by the commands that list every jail
 * anyway (jail -r '*', rctl, and jls when its index cannot be trusted): a record whose jailinit is gone, a creation or
 * removal whose command was killed, a cgroup or name with no record are
 * cleared.  Commands that name one jail check only that one
 * (jail_find_locked), so their cost does not grow with the number of jails.
 */
int jail_sweep(struct registry *reg, struct jail_record **ret, size_t *ret_n, struct perr *e)
{
	struct jail_record *list;
	size_t n, live = 0;

	if (registry_list(reg, &list, &n, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct jail_record *r = &list[i];
		struct jail_pids p = record_pids(r);
		/* One whose processes could not be killed stays, and is listed as dying. */
		if (jail_seems_dead(&p) && jail_teardown(reg, r) == 0) {
			record_free(r);
			continue;
		}
		list[live++] = *r;
	}
	registry_prune_names(reg, list, live);
	sweep_cgroups(reg, list, live);
	sweep_pins(list, live);
	nftjail_sweep(list, live);
	fibrule_sweep();
	/* Everything is as the records say now: the listing index is made again from them. */
	(void)regindex_rebuild(reg, list, live);
	if (ret) {
		*ret = list;
		*ret_n = live;
	} else {
		registry_free_list(list, live);
	}
	return 0;
}

int jail_list(struct jail_record **ret, size_t *ret_n, struct perr *e)
{
	struct registry reg;
	int r;

	/* Inside a jail, its descendants are the jails there are, and the host knows them (nested.h). */
	if (nest_inside())
		return nest_list(ret, ret_n, e);
	if (registry_open(&reg, true, e) < 0)
		return -1;
	r = jail_sweep(&reg, ret, ret_n, e);
	registry_close(&reg);
	return r;
}

int jail_find_locked(struct registry *reg, const char *key, struct jail_record *ret, struct perr *e)
{
	long jid = -1;
	int found = 0;

	if (parse_long(key, 1, 999999, &jid))
		found = registry_read(reg, (int)jid, ret);
	if (!found) {
		int j = registry_name_jid(reg, key);
		if (j > 0)
			found = registry_read(reg, j, ret);
		if (found && strcmp(ret->name, key) != 0) {
			record_free(ret);
			found = 0;
		}
	}
	if (found && jail_clear_if_dead(reg, ret)) {
		record_free(ret);
		found = 0;
	}
	if (!found)
		return perr_setx(e, ENOENT, "jail \"%s\" not found", key);
	return 0;
}

int jail_find(const char *key, struct jail_record *ret, struct perr *e)
{
	struct registry reg;
	int r;

	if (registry_open(&reg, true, e) < 0)
		return -1;
	r = jail_find_locked(&reg, key, ret, e);
	registry_close(&reg);
	return r;
}

/* A creation or removal marked pending while we hold the lock was abandoned: finish it now. */
static int finish_abandoned(struct registry *reg, struct perr *e)
{
	_cleanup_free_ int *pending = NULL;
	size_t npending;

	if (registry_pending(reg, &pending, &npending, e) < 0)
		return -1;
	for (size_t i = 0; i < npending; i++) {
		_cleanup_record_ struct jail_record other = { 0 };
		if (registry_read(reg, pending[i], &other))
			(void)jail_clear_if_dead(reg, &other);
		else
			(void)registry_mark_pending(reg, pending[i], false);
	}
	return 0;
}

/*
 * The cgroups a free jid would get may outlive a jail, or belong to
 * processes prison does not know (another runtime context, or a process
 * moved in by hand): those are never killed.  An occupied one makes the jid
 * unusable (1, why saying so); an empty one is removed, rmdir only.
 */
static int jid_cgroup_free(int jid, const struct cg_path *parent, char *why, size_t len)
{
	struct perr ignore = { 0 };
	struct cg_path cg;
	char path[512];

	if (cg_path_make(&cg, parent, jid, false, &ignore) < 0)
		return 0;
	if (cgroup_occupied(&cg, path, sizeof(path))) {
		snprintf(why, len, "cgroup %s holds processes of no jail", path);
		return 1;
	}
	if (cgroup_destroy(&cg, 1000, &ignore) < 0) {
		snprintf(why, len, "%s", ignore.msg);
		return 1;
	}
	return 0;
}

int jail_pick_jid(struct registry *reg, long want, const char *name, const struct cg_path *parent, struct perr *e)
{
	struct perr ignore = { 0 };
	char why[700], first_why[700] = "";
	bool same = true;
	int jid, refused = 0;

	if (name) {
		_cleanup_record_ struct jail_record other = { 0 };
		if (jail_find_locked(reg, name, &other, &ignore) == 0)
			return perr_setx(e, EEXIST, "jail \"%s\" already exists", name);
	}
	if (want > 0) {
		_cleanup_record_ struct jail_record other = { 0 };
		if (registry_read(reg, (int)want, &other) && !jail_clear_if_dead(reg, &other))
			return perr_setx(e, EBUSY, "jail %ld already exists", want);
		if (jid_cgroup_free((int)want, parent, why, sizeof(why)))
			return perr_setx(e, EBUSY, "jid %ld is not free: %s", want, why);
		return (int)want;
	}
	if (finish_abandoned(reg, e) < 0)
		return -1;
	/*
	 * A jid whose leftover cgroup is occupied is passed over, its processes
	 * left alone.  Where every one is refused for the same reason (no
	 * cgroup file system here, say), that reason is the one to give.
	 */
	for (jid = registry_free_jid(reg, 1); jid < 999999; jid = registry_free_jid(reg, jid + 1)) {
		if (!jid_cgroup_free(jid, parent, why, sizeof(why)))
			return jid;
		if (!first_why[0])
			snprintf(first_why, sizeof(first_why), "%s", why);
		else if (strcmp(first_why, why) != 0)
			same = false;
		if (same && ++refused == 16)
			break;
	}
	if (same && first_why[0])
		return perr_setx(e, ENOSPC, "no free jid: %s", first_why);
	return perr_setx(e, ENOSPC, "no free jid");
}
