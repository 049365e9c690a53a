/* jail -m: changing a running jail's parameters, and rctl -a / -r on its rules, under the registry lock. */
#include "jail.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgleaf.h"
#include "childmax.h"
#include "ctl.h"
#include "hostaddr.h"
#include "jailkv.h"
#include "jailnet.h"
#include "jailproc.h"
#include "jailstate.h"
#include "jailsub.h"
#include "limits.h"
#include "nestraise.h"
#include "nftjail.h"
#include "nsenter.h"
#include "pin.h"
#include "util.h"
#include "wake.h"
#include "watch.h"

struct uts_change {
	int id;
	const char *value;
};

static int set_uts_here(void *arg, struct ns_reply *out, struct perr *e)
{
	const struct uts_change *u = arg;
	size_t len = strlen(u->value);

	(void)out;
	if ((u->id == P_HOSTNAME ? sethostname(u->value, len) : setdomainname(u->value, len)) < 0)
		return perr_set(e, errno, "%s", param_table[u->id].name);
	return 0;
}

/* The jail's UTS namespace: through its jailinit, or its pin when it is idle. */
static int uts_of(const struct jail_record *rec)
{
	struct pin_set pins;
	struct perr ignore = { 0 };
	int fd = jail_open_init(rec);

	if (fd >= 0 || !jail_may_idle(&rec->params) || pin_open(rec->jid, &pins, &ignore) < 0)
		return fd;
	fd = TAKE_FD(pins.fd[PIN_UTS]);
	pin_set_close(&pins);
	return fd;
}

/* The host or domain name inside the jail's UTS namespace. */
static int set_uts(const struct jail_record *rec, int id, const char *value, struct perr *e)
{
	_cleanup_close_ int pidfd = uts_of(rec);
	struct uts_change u = { .id = id, .value = value };
	struct ns_task t = { .nsfd = pidfd,
			     .nstypes = CLONE_NEWUTS,
			     .euid = (uid_t)-1,
			     .what = param_table[id].name,
			     .fn = set_uts_here,
			     .arg = &u };
	struct perr why = { 0 };

	if (pidfd < 0)
		return perr_setx(e, ESRCH, "jail %d: no process", rec->jid);
	if (ns_run(&t, NULL, &why) < 0)
		return perr_setx(e, why.err, "%s: cannot set it in the jail", param_table[id].name);
	return 0;
}

static int ask_persist(const struct jail_record *rec, bool on, struct perr *e)
{
	_cleanup_close_ int ctl = ctl_connect(rec->jid, e);
	char reply[16];

	if (ctl < 0 || ctl_request(ctl, on ? "persist 1" : "persist 0", reply, sizeof(reply), 5000, e) < 0)
		return -1;
	return strcmp(reply, "exit") == 0;
}

/*
 * An idle-capable jail that is awake is held while it changes: its
 * jailinit leaves once nothing runs, and could do so halfway through.
 * One that is leaving already (it said "idle" to the command that last
 * left) is waited for: the jail is then idle, and changed as one (no
 * command can wake it while this one holds the lock).
 */
static void hold_awake(const struct jail_record *rec, struct jail_hold *hold)
{
	struct perr ignore = { 0 };

	*hold = JAIL_HOLD_NONE;
	if (jail_may_idle(&rec->params))
		(void)jail_hold_if_awake(rec, hold, &ignore);
}

/*
 * An idle jail woken under the lock as params describe it (the wake writes
 * that record); rec, about to be written, then names the fresh jailinit
 * too, and cur holds it until ctl_release(cur, hold).
 */
static int wake_as(struct registry *reg, struct jail_record *rec, const struct paramset *params,
		   struct jail_record *cur, struct jail_hold *hold, struct perr *e)
{
	*cur = *rec;
	cur->params = *params;
	if (jail_wake_locked(reg, cur, hold, e) < 0)
		return -1;
	rec->init_pid = cur->init_pid;
	rec->init_start = cur->init_start;
	return 0;
}

/*
 * An idle jail that loses persist while child jails keep it (as FreeBSD's
 * children keep their parent) needs a jailinit again, to stay for them
 * with no process of its own and go with the last of them.
 */
static int wake_for_children(struct registry *reg, struct jail_record *rec, struct perr *e)
{
	struct jail_record cur;
	struct jail_hold hold;
	int r, n = jail_children_recount(reg, rec, e);

	if (n <= 0)
		return n;
	if (wake_as(reg, rec, &rec->params, &cur, &hold, e) < 0)
		return -1;
	r = ask_persist(rec, false, e);
	(void)ctl_release(&cur, &hold);
	return r < 0 ? -1 : 1;
}

/* Returns 1 when jailinit answers that the jail goes now, 0 if it stays. */
static int set_persist(struct registry *reg, struct jail_record *rec, bool on, struct perr *e)
{
	int r;

	/* An idle jail has no process: it goes when it stops being persistent, unless children keep it. */
	if (jail_may_idle(&rec->params) && !jail_awake(rec)) {
		if (on)
			return 0;
		r = wake_for_children(reg, rec, e);
		return r < 0 ? -1 : r == 0;
	}
	return ask_persist(rec, on, e);
}

static bool limits_changed(const struct paramset *ps)
{
	return ps->v[P_RCTL].set || ps->v[P_CPU_WEIGHT].set || ps->v[P_CPU_SHARES].set || ps->v[P_CPUSET_CPUS].set ||
	       ps->v[P_CPUSET_MEMS].set || ps->v[P_IO_DEVICE].set || ps->v[P_MEMORY_LOW].set ||
	       ps->v[P_HUGETLB_LIMIT].set || ps->v[P_CGROUP_UNIFIED].set;
}

/*
 * jailinit's watched rules after a change.  A jail that had none and has
 * none is not asked: its jailinit stays as it was.
 */
static int apply_watch(struct registry *reg, struct jail_record *rec, const struct paramset *before,
		       const struct jail_limits *now, const struct jail_limits *old, struct perr *e)
{
	if (!now->nwatch && !old->nwatch)
		return 0;
	/*
	 * An idle jail watches nothing; rules to watch need a jailinit, woken
	 * as the jail was (the wake writes that record) and then given them,
	 * so that rules it refuses are stored nowhere (wake.h).
	 */
	if (jail_may_idle(&rec->params) && !jail_awake(rec)) {
		struct jail_record cur;
		struct jail_hold hold;
		int r;
		if (!now->nwatch)
			return 0;
		if (wake_as(reg, rec, before, &cur, &hold, e) < 0)
			return -1;
		r = watch_update(rec, now, e);
		(void)ctl_release(&cur, &hold);
		return r;
	}
	return watch_update(rec, now, e);
}

/*
 * Where an idle jail's IPC limits go: the IPC namespace its pin keeps, if
 * it keeps one (ipcidle.h); one let go gets them from the next wake.
 */
static int idle_ipc_ns(const struct jail_record *rec, int pidfd)
{
	struct perr ignore = { 0 };

	if (pidfd >= 0 || !jail_may_idle(&rec->params) || !pin_has(rec->jid, PIN_IPC))
		return -1;
	return pin_open_slot(rec->jid, PIN_IPC, &ignore);
}

static int apply_limits_with(struct registry *reg, struct jail_record *rec, const struct paramset *before,
			     const struct jail_limits *now, const struct jail_limits *old, bool old_ok, struct perr *e)
{
	_cleanup_close_ int pidfd = jail_open_init(rec), ipcfd = idle_ipc_ns(rec, pidfd);
	struct perr ignore = { 0 };

	if (ipcfd >= 0 && limits_apply_ipc(ipcfd, (uid_t)rec->uid_base, now, old, e) < 0)
		return -1;
	if (limits_apply_cgroups(&rec->cg, now, e) == 0 &&
	    (pidfd < 0 || limits_apply_ns(&rec->cg, pidfd, (uid_t)rec->uid_base, now, old, e) == 0) &&
	    apply_watch(reg, rec, before, now, old, e) == 0)
		return 0;
	/* Put the old ones back, as far as they go. */
	if (old_ok && ipcfd >= 0)
		(void)limits_apply_ipc(ipcfd, (uid_t)rec->uid_base, old, now, &ignore);
	if (old_ok && limits_apply_cgroups(&rec->cg, old, &ignore) == 0 && pidfd >= 0) {
		(void)limits_apply_ns(&rec->cg, pidfd, (uid_t)rec->uid_base, old, now, &ignore);
		(void)watch_update(rec, old, &ignore);
	}
	return -1;
}

/* New rules on a running jail; on failure the old ones are put back, as far as they go. */
static int apply_limits(struct registry *reg, struct jail_record *rec, const struct paramset *before,
			struct perr *e)
{
	struct jail_limits *now = calloc(1, sizeof(*now)), *old = calloc(1, sizeof(*old));
	struct perr ignore = { 0 };
	int r = -1;

	if (!now || !old) {
		perr_set(e, ENOMEM, "limits");
	} else if (limits_from_params(&rec->params, rec->name, now, e) == 0) {
		bool old_ok = limits_from_params(before, rec->name, old, &ignore) == 0;
		if (!old_ok)
			old->nwatch = 0;
		r = apply_limits_with(reg, rec, before, now, old, old_ok, e);
	}
	free(now);
	free(old);
	return r;
}

static bool nat_changed(const struct paramset *ps)
{
	return ps->v[P_EXPOSE].set || ps->v[P_IP4_NAT].set || ps->v[P_IP6_NAT].set;
}

/*
 * Does ps give parameter i the value the jail has now (its default when
 * the record has none)?  FreeBSD skips such a create-only parameter on
 * update, so jail -cm with the same words twice is not an error.
 */
static bool unchanged(const struct jail_record *rec, const struct paramset *ps, int i)
{
	const char *now = param_str(&rec->params, i);

	if (!now)
		now = param_table[i].def;
	return now && strcmp(now, param_str(ps, i)) == 0;
}

/*
 * FreeBSD changes every allow.* on a running jail; prison compiles most
 * into the seccomp filter and capabilities of the jail's processes, which
 * cannot be loosened (or made stricter) from outside once they run.
 */
static int refuse_fixed(int i, struct perr *e)
{
	if (strncmp(param_table[i].name, "allow.", 6) == 0)
		return perr_setx(e, EPERM, "%s cannot be changed on a running jail", param_table[i].name);
	return perr_setx(e, EPERM, "%s cannot be changed after creation", param_table[i].name);
}

/* Parameters only creation sets are refused before anything changes, unless they stay as they are. */
static int check_changeable(const struct jail_record *rec, const struct paramset *ps, struct perr *e)
{
	for (int i = 0; i < P__COUNT; i++)
		if (param_str(ps, i) && i != P_JID && (param_table[i].flags & (PF_CREATE | PF_RDONLY)) &&
		    !unchanged(rec, ps, i))
			return refuse_fixed(i, e);
	return 0;
}

/* The parameters of the shared-stack sockaddr map entry: changeable there, in one map update. */
static bool is_netlimit(int i)
{
	return i == P_IP4_ADDR || i == P_IP6_ADDR || i == P_ALLOW_RESERVED_PORTS || i == P_IP4_SADDRSEL ||
	       i == P_IP6_SADDRSEL;
}

static bool netlimit_changed(const struct jail_record *rec, const struct paramset *ps)
{
	for (int i = 0; i < P__COUNT; i++)
		if (is_netlimit(i) && param_str(ps, i) && !unchanged(rec, ps, i))
			return true;
	return false;
}

/*
 * ip4.addr, ip6.addr, allow.reserved_ports or ip4/ip6.saddrsel given a new
 * value: refused where they are not the map entry's (vnet), else stored,
 * an address family new with addresses and disable without.
 */
static int change_netlimit(struct jail_record *rec, const struct paramset *ps, int i, struct perr *e)
{
	const char *v = param_str(ps, i);

	if (unchanged(rec, ps, i))
		return 0;
	/* A vnet jail's addresses, reserved ports and source selection are its own stack's, set when it is made. */
	if (jailnet_vnet(&rec->params))
		return i == P_ALLOW_RESERVED_PORTS ? refuse_fixed(i, e)
						   : perr_setx(e, EPERM, "%s cannot be changed on a running vnet jail",
							       param_table[i].name);
	if (param_copy_one(&rec->params, ps, i, e) < 0)
		return -1;
	if (i != P_IP4_ADDR && i != P_IP6_ADDR)
		return 0;
	return param_set(&rec->params, i == P_IP4_ADDR ? P_IP4 : P_IP6, *v ? "new" : "disable", e);
}

/* rec's map entry and addresses on interfaces as they were before: an undo, its errors ignored. */
static void put_back_netlimit(struct jail_record *rec, const struct paramset *before)
{
	struct paramset now = rec->params;
	struct perr ignore = { 0 };

	(void)hostaddr_move(&now, before, &ignore);
	rec->params = *before;
	(void)jailnet_relimit(rec, &ignore);
	rec->params = now;
}

/*
 * The changed map entry of rec, checked against its parent, written, and
 * its descendants narrowed; on failure rec's entry is put back from before.
 */
static int apply_netlimit(struct registry *reg, struct jail_record *rec, const struct paramset *before,
			  struct perr *e)
{
	if (jail_addrs_within_parent(reg, rec, e) < 0)
		return -1;
	/* The interfaces first, so that an address is there by the time the map lets the jail bind it. */
	if (hostaddr_move(before, &rec->params, e) < 0)
		return -1;
	if (jailnet_relimit(rec, e) == 0 && jail_child_narrow(reg, rec, 1, e) == 0)
		return 0;
	put_back_netlimit(rec, before);
	return -1;
}

/* An allow.* jail -m can change, securelevel or enforce_statfs: what a parent passes on to its descendants. */
static bool bounds_given(const struct paramset *ps)
{
	for (int i = 0; i < P__COUNT; i++)
		if (param_str(ps, i) && jail_allow_changeable(i))
			return true;
	return param_str(ps, P_SECURELEVEL) || param_str(ps, P_ENFORCE_STATFS);
}

/* A rename keeps the jail where it is, and its children's full names true. */
static int rename_jail(struct registry *reg, struct jail_record *rec, const char *v, struct perr *e)
{
	char was[256] = "", now[256] = "";

	if (jail_check_name(v, rec->jid, e) < 0)
		return -1;
	(void)jail_name_parent(rec->name, was, sizeof(was));
	(void)jail_name_parent(v, now, sizeof(now));
	if (strcmp(was, now) != 0)
		return perr_setx(e, EINVAL, "name \"%s\": a jail cannot move to another parent", v);
	if (strcmp(v, rec->name) != 0 && param_int(&rec->params, P_CHILDREN_CUR) > 0)
		return perr_setx(e, EBUSY, "name: a jail with child jails cannot be renamed");
	if (strcmp(v, rec->name) != 0) {
		_cleanup_record_ struct jail_record other = { 0 };
		struct perr ignore = { 0 };
		if (jail_find_locked(reg, v, &other, &ignore) == 0)
			return perr_setx(e, EEXIST, "jail \"%s\" already exists", v);
	}
	snprintf(rec->name, sizeof(rec->name), "%s", v);
	return 0;
}

/* One parameter changed on the running jail; *gone when it lost persist and went. */
static int change_one(struct registry *reg, struct jail_record *rec, const struct paramset *ps, int i, bool *gone,
		      struct perr *e)
{
	const char *v = param_str(ps, i);

	if (i == P_NAME && rename_jail(reg, rec, v, e) < 0)
		return -1;
	if (is_netlimit(i))
		return change_netlimit(rec, ps, i, e);
	/* A jail's FIB is a rule made with it, of its own stack or of the host's for its uids (fibrule.h). */
	if (i == P_EXEC_FIB && !unchanged(rec, ps, i))
		return perr_setx(e, EPERM, "exec.fib cannot be changed on a running jail");
	if ((i == P_HOSTNAME || i == P_DOMAINNAME) && rec->policy.host_inherit)
		return perr_setx(e, EPERM, "%s cannot be set with host=inherit", param_table[i].name);
	if ((i == P_HOSTNAME || i == P_DOMAINNAME) && set_uts(rec, i, v, e) < 0)
		return -1;
	if (i == P_CHILDREN_MAX && jail_childmax_check(reg, rec, param_int(ps, i), e) < 0)
		return -1;
	if (i == P_PERSIST) {
		int r = set_persist(reg, rec, strcmp(v, "true") == 0, e);
		if (r < 0)
			return -1;
		*gone = r == 1;
	}
	/* meta.KEY words alone: the keys go in front of the jail's text as it is now. */
	if ((i == P_META || i == P_ENV) && ps->v[i].keyed) {
		char out[PARAM_META_MAX + 1];
		if (jail_kv_merge(v, param_str(&rec->params, i), out, sizeof(out), e) < 0)
			return perr_prefix(e, "%s", param_table[i].name);
		return param_set(&rec->params, i, out, e);
	}
	/* A list (exec.* commands) is copied as a list, not as its displayed form. */
	return param_copy_one(&rec->params, ps, i, e);
}

enum nest_change { NEST_KEEP, NEST_GROW, NEST_RESTART };

/*
 * children.max raised above 0 on a jail created with 0: what a jail created
 * with children has, given while it runs: a leaf cgroup for its own
 * processes (cgleaf.h), then its socket and server (nestraise.h).  Lowered
 * to 0 again, it keeps both, as FreeBSD keeps a jail's children: only new
 * ones are refused.  Given above 0 to a jail whose server is gone (killed,
 * crashed), a socket and a server again, as a raise gives them; the dead
 * socket's mount stays below the new one.
 */
static enum nest_change nest_change(const struct jail_record *rec, const struct paramset *ps)
{
	if (!ps->v[P_CHILDREN_MAX].set || param_int(&rec->params, P_CHILDREN_MAX) <= 0)
		return NEST_KEEP;
	if (!rec->cg.leaf)
		return NEST_GROW;
	return nest_listening(rec->jid) ? NEST_KEEP : NEST_RESTART;
}

static int grow_children(struct jail_record *rec, enum nest_change how, struct nest_raise *nest, struct perr *e)
{
	if (how == NEST_RESTART)
		return nest_retire(rec->jid, e) < 0 ? -1 : nest_raise(rec, nest, e);
	if (cgroup_add_leaf(&rec->cg, e) < 0)
		return -1;
	if (nest_raise(rec, nest, e) == 0)
		return 0;
	cgroup_drop_leaf(&rec->cg);
	return -1;
}

/* The undo of grow_children, when what comes after it fails. */
static void shrink_children(struct jail_record *rec, enum nest_change how, struct nest_raise *nest)
{
	nest_raise_undo(rec, nest);
	if (how == NEST_GROW)
		cgroup_drop_leaf(&rec->cg);
}

/* Last: after them, only the record's write can fail, and then they are undone. */
static int apply_last(struct registry *reg, struct jail_record *rec, enum nest_change grow, bool netlimit,
		      const struct paramset *before, struct nest_raise *nest, struct perr *e)
{
	if (grow != NEST_KEEP && grow_children(rec, grow, nest, e) < 0)
		return -1;
	if (netlimit && apply_netlimit(reg, rec, before, e) < 0) {
		if (grow != NEST_KEEP)
			shrink_children(rec, grow, nest);
		return -1;
	}
	return 0;
}

/* With the lock held and rec found: apply ps, write the record. */
static int modify_locked(struct registry *reg, struct jail_record *rec, const struct paramset *ps, bool *gone,
			 struct perr *e)
{
	_cleanup_params_ struct paramset before = { 0 };
	char old_name[sizeof(rec->name)];
	struct nest_raise nest = NEST_RAISE_NONE;
	bool netlimit = netlimit_changed(rec, ps);
	enum nest_change grow;

	snprintf(old_name, sizeof(old_name), "%s", rec->name);
	if (param_copy(&before, &rec->params) < 0)
		return perr_set(e, ENOMEM, "parameters");
	if (check_changeable(rec, ps, e) < 0)
		return -1;
	for (int i = 0; i < P__COUNT; i++)
		if (param_str(ps, i) && i != P_JID && !(param_table[i].flags & (PF_CREATE | PF_RDONLY)) &&
		    change_one(reg, rec, ps, i, gone, e) < 0)
			return -1;
	if (limits_changed(ps) && apply_limits(reg, rec, &before, e) < 0)
		return -1;
	/* Lowered: its descendants follow it down, as kern_jail.c does. */
	if (ps->v[P_CHILDREN_MAX].set && jail_childmax_clamp(reg, rec, e) < 0)
		return -1;
	/* Held to its parent's, and its descendants to its own (the address map's part comes with it, below). */
	if (bounds_given(ps) && (jail_within_parent(reg, rec, e) < 0 || (!netlimit && jail_child_narrow(reg, rec, 1, e) < 0)))
		return -1;
	if (nat_changed(ps) && nftjail_apply(rec, e) < 0)
		return -1;
	grow = nest_change(rec, ps);
	if (apply_last(reg, rec, grow, netlimit, &before, &nest, e) < 0)
		return -1;
	/* The rules' per-process limits are part of the policy: keep it in step. */
	jail_policy_from_params(&rec->policy, &rec->params);
	rec->has_policy = true;
	if (registry_write(reg, rec, old_name, e) == 0) {
		nest_raise_close(&nest);
		return 0;
	}
	if (netlimit)
		put_back_netlimit(rec, &before);
	if (grow != NEST_KEEP)
		shrink_children(rec, grow, &nest);
	return -1;
}

/* An empty jail that lost persist goes now: clear what it leaves. */
static void clear_if_gone(const struct jail_record *rec)
{
	_cleanup_close_ int pidfd = jail_open_init(rec);

	ctl_clear_when_gone(rec, pidfd);
}

int jail_modify(const char *key, const struct paramset *ps, struct jail_record *rec, struct perr *e)
{
	struct registry reg;
	struct jail_hold hold = JAIL_HOLD_NONE;
	bool gone = false, found;
	int r;

	if (registry_open(&reg, true, e) < 0)
		return -1;
	r = jail_find_locked(&reg, key, rec, e);
	found = r == 0;
	if (found) {
		hold_awake(rec, &hold);
		r = modify_locked(&reg, rec, ps, &gone, e);
	}
	registry_close(&reg);
	/* A jail that lost persist and has nothing running goes as the hold is let go (cleared then). */
	if (ctl_release(rec, &hold))
		gone = false;
	if (r < 0 && found)
		record_free(rec);
	if (r == 0 && gone)
		clear_if_gone(rec);
	return r;
}

/* The edited rules as the rctl parameter's new list. */
static int rules_to_params(const struct rctl_rule *rules, size_t n, struct paramset *ps, struct perr *e)
{
	char **argv = calloc(n + 1, sizeof(char *));
	int r = -1;

	if (!argv)
		return perr_set(e, ENOMEM, "rules");
	for (size_t i = 0; i < n; i++) {
		char buf[128];
		rctl_format_short(&rules[i], buf, sizeof(buf));
		if (!(argv[i] = strdup(buf))) {
			perr_set(e, ENOMEM, "rules");
			goto out;
		}
	}
	/* An empty list still has to be set: it is how the last rule goes. */
	if (param_set_argv(ps, P_RCTL, argv, (int)n, e) == 0) {
		ps->v[P_RCTL].set = true;
		r = 0;
	}
out:
	for (size_t i = 0; i < n; i++)
		free(argv[i]);
	free(argv);
	return r;
}

int jail_modify_rules(const char *key, jail_rules_edit edit, void *arg, struct paramset *ret_ps,
		      struct jail_record *rec, struct perr *e)
{
	struct rctl_rule *rules = calloc(LIMITS_MAX_RULES, sizeof(*rules));
	struct registry reg;
	bool gone = false, found;
	struct jail_hold hold = JAIL_HOLD_NONE;
	size_t n = 0;
	int r;

	if (!rules)
		return perr_set(e, ENOMEM, "rules");
	if (registry_open(&reg, true, e) < 0) {
		free(rules);
		return -1;
	}
	/* Read, edit and write under one lock: two rctl -a at once both land. */
	r = jail_find_locked(&reg, key, rec, e);
	found = r == 0;
	if (found)
		hold_awake(rec, &hold);
	if (r == 0)
		r = limits_rules(&rec->params, rec->name, rules, LIMITS_MAX_RULES, &n, e);
	if (r == 0)
		r = edit(rec, rules, &n, LIMITS_MAX_RULES, arg, e);
	if (r == 0)
		r = rules_to_params(rules, n, ret_ps, e);
	if (r == 0)
		r = modify_locked(&reg, rec, ret_ps, &gone, e);
	/* The edit found nothing to change: nothing was stored. */
	if (r > 0)
		r = 0;
	registry_close(&reg);
	free(rules);
	if (ctl_release(rec, &hold))
		gone = false;
	if (r < 0 && found)
		record_free(rec);
	if (r == 0 && gone)
		clear_if_gone(rec);
	return r;
}
