/*
 * The jail life cycle as data, in the way of FreeBSD's jail(8): the start
 * of a jail is a table of steps walked forward, and when a step fails the
 * steps before it are walked back; its creation is a table of phases
 * (jailstate.h) made forward and undone backward by the same walk that
 * clears a dead jail; its removal is a table of stop steps walked forward.
 */
#include "jail.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "audit.h"
#include "cgleaf.h"
#include "childmax.h"
#include "cglimit.h"
#include "cgroup.h"
#include "ctl.h"
#include "hooks.h"
#include "jailidle.h"
#include "idrange.h"
#include "jailnet.h"
#include "jailsub.h"
#include "jailproc.h"
#include "jailstate.h"
#include "limits.h"
#include "mntsrc.h"
#include "nestsock.h"
#include "nftjail.h"
#include "pin.h"
#include "nsjoin.h"
#include "spawn.h"
#include "thin.h"
#include "util.h"
#include "wake.h"
#include "watch.h"

/* ---- creation: everything checked first, then the phases ---- */

struct create {
	struct jail_record *rec;
	struct jail_record parent;
	struct jail_limits lim;
	struct mount_plan mounts;
	struct registry reg;
	struct ns_join join; /* the namespaces it joins (ns.*), opened once */
	int pathfd, exefd;
	int given_pathfd; /* the root, opened by the caller (beneath its parent's: nested.h), or -1 */
	struct nest_sock nest; /* the socket of a jail that may have children */
	long want;   /* the jid asked for, 0 for any */
	int hold[2]; /* [0] the creator's hold, [1] jailinit's end */
	int pidfd;   /* jailinit, while it is being set up */
	bool cg_made; /* its cgroup is this creation's own, to undo */
};

static int open_path(const char *path, struct perr *e)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd;

	if (path[0] != '/')
		return perr_setx(e, EINVAL, "path \"%s\": not an absolute path", path);
	fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	if (fd < 0) {
		if (errno == ELOOP)
			return perr_setx(e, ELOOP, "path \"%s\": contains a symbolic link", path);
		return perr_set(e, errno, "path \"%s\"", path);
	}
	return fd;
}

/* The jail's root and jailinit, opened once; everything after uses the fds. */
static int open_files(struct create *c, struct perr *e)
{
	if (c->given_pathfd >= 0)
		c->pathfd = fcntl(c->given_pathfd, F_DUPFD_CLOEXEC, 3);
	else
		c->pathfd = open_path(param_str(&c->rec->params, P_PATH), e);
	if (c->pathfd < 0 && c->given_pathfd >= 0)
		return perr_set(e, errno, "path");
	if (c->pathfd < 0)
		return -1;
	c->exefd = jail_open_init_binary(e);
	return c->exefd < 0 ? -1 : 0;
}

/* Parameters, mount lines, rules and addresses: all refused before anything exists. */
static int check_all(struct create *c, struct perr *e)
{
	struct paramset *ps = &c->rec->params;
	const char *name;

	if (thin_prepare(ps, e) < 0 || (!param_str(ps, P_PATH) && param_set(ps, P_PATH, "/", e) < 0))
		return -1;
	/* jailinit needs /proc, and a jail without /dev/null breaks most programs: both always come. */
	if (!param_bool(ps, P_MOUNT_DEVFS) || !param_bool(ps, P_MOUNT_PROCFS))
		return perr_setx(e, EINVAL, "%s: a jail always has its own minimal /dev and /proc",
				 param_bool(ps, P_MOUNT_DEVFS) ? "mount.noprocfs" : "mount.nodevfs");
	if (open_files(c, e) < 0)
		return -1;
	if (param_str(ps, P_JID))
		c->want = param_int(ps, P_JID);
	name = param_str(ps, P_NAME);
	if (name && jail_check_name(name, (int)c->want, e) < 0 &&
	    (c->want > 0 || !parse_long(name, 1, 999999, &c->want)))
		return -1;
	if ((name && limits_merge_conf(ps, name, e) < 0) || limits_from_params(ps, name ? name : "", &c->lim, e) < 0 ||
	    nsjoin_settle(ps, e) < 0 || jailnet_settle(ps, e) < 0 || nftjail_check(ps, e) < 0 ||
	    nsjoin_open(ps, &c->join, e) < 0)
		return -1;
	return mount_plan_build(ps, &c->mounts, e) < 0 ? -1 : jail_settle_idle(ps, &c->mounts, e);
}

/* web.php: a child of jail web, which must be there and have room for it. */
static int find_parent(struct create *c, struct perr *e)
{
	const char *name = param_str(&c->rec->params, P_NAME);
	char pname[256];

	if (!name || !jail_name_parent(name, pname, sizeof(pname)))
		return 0;
	if (jail_find_locked(&c->reg, pname, &c->parent, e) < 0)
		return -1;
	if (c->parent.state != JS_ACTIVE)
		return perr_setx(e, EBUSY, "jail \"%s\" is dying", pname);
	/* Counted from the registry: a creator killed midway leaves the stored count off. */
	int cur = jail_children_recount(&c->reg, &c->parent, e);
	if (cur < 0)
		return -1;
	if (cur >= param_int(&c->parent.params, P_CHILDREN_MAX))
		return perr_setx(e, ENOSPC, "prison limit exceeded");
	if (jail_childmax_within(&c->parent, param_int(&c->rec->params, P_CHILDREN_MAX), e) < 0)
		return -1;
	if (!c->parent.cg.leaf)
		return perr_setx(e, EPERM,
				 "jail \"%s\": its processes have no leaf cgroup, so there is no room for child jails",
				 pname);
	return jail_child_check(&c->reg, &c->parent, &c->rec->params, e);
}

static int set_num(struct paramset *ps, int id, long v, struct perr *e)
{
	char num[24];

	snprintf(num, sizeof(num), "%ld", v);
	return param_set(ps, id, num, e);
}

/* The parameters a new jail gets from its jid and its parent. */
static int fill_identity(struct create *c, int jid, struct perr *e)
{
	struct jail_record *rec = c->rec;
	const char *name = param_str(&rec->params, P_NAME);
	char host[256];

	rec->jid = jid;
	if (!name && set_num(&rec->params, P_NAME, jid, e) < 0)
		return -1;
	if (name && jail_check_name(name, jid, e) < 0)
		return -1;
	snprintf(rec->name, sizeof(rec->name), "%s", param_str(&rec->params, P_NAME));
	/* host=inherit: the host's UTS namespace, whose names the jail reads and cannot set. */
	if (strcmp(param_str(&rec->params, P_HOST) ?: "new", "inherit") == 0 &&
	    (param_str(&rec->params, P_HOSTNAME) || param_str(&rec->params, P_DOMAINNAME)))
		return perr_setx(e, EINVAL, "host.hostname and host.domainname cannot be set with host=inherit");
	/* ns.uts: the names are the joined namespace's. */
	if (!param_str(&rec->params, P_HOSTNAME) && !nsjoin_path(&rec->params, P_NS_UTS)) {
		/* As on FreeBSD, a new jail starts with its parent's host name: a parent jail's, or the host's. */
		const char *parent_host = c->parent.jid > 0 ? param_str(&c->parent.params, P_HOSTNAME) : NULL;
		if (parent_host)
			snprintf(host, sizeof(host), "%s", parent_host);
		else if (gethostname(host, sizeof(host)) < 0)
			host[0] = '\0';
		host[sizeof(host) - 1] = '\0';
		if (param_set(&rec->params, P_HOSTNAME, host, e) < 0)
			return -1;
	}
	if (set_num(&rec->params, P_JID, jid, e) < 0 || set_num(&rec->params, P_PARENT, c->parent.jid, e) < 0 ||
	    set_num(&rec->params, P_CHILDREN_CUR, 0, e) < 0 || set_num(&rec->params, P_CPUSET_ID, jid, e) < 0)
		return -1;
	param_fill_defaults(&rec->params);
	/* Only a jail that may have children pays for the leaf its own processes need (cgpath.h). */
	return cg_path_make(&rec->cg, c->parent.jid ? &c->parent.cg : NULL, jid,
			    param_int(&rec->params, P_CHILDREN_MAX) > 0, e);
}

static int make_record(struct create *c, struct perr *e)
{
	struct jail_record *rec = c->rec;
	int jid = jail_pick_jid(&c->reg, c->want, param_str(&rec->params, P_NAME),
				c->parent.jid ? &c->parent.cg : NULL, e);

	if (jid < 0 || fill_identity(c, jid, e) < 0)
		return -1;
	/* Derived once here and kept: every command run in the jail reads it back. */
	jail_policy_from_params(&rec->policy, &rec->params);
	rec->has_policy = true;
	rec->state = JS_CREATING;
	rec->creator_pid = getpid();
	rec->creator_start = proc_start_time(getpid());
	/* A range of host IDs of its own, machine-wide (idrange.h); freed with the record. */
	if (idrange_alloc(rec, e) < 0 || set_num(&rec->params, P_IDMAP_BASE, (long)rec->uid_base, e) < 0)
		return -1;
	/* Marked pending before the record exists, so a kill at any point leaves a trace to follow. */
	if (registry_mark_pending(&c->reg, jid, true) < 0)
		return perr_set(e, errno, "mark jail %d pending", jid);
	if (registry_write(&c->reg, rec, NULL, e) < 0)
		return -1;
	/* Counted from here on; its undo uncounts it with its record. */
	return jail_count_child(&c->reg, c->parent.jid, 1, e);
}

static int make_cgroup(struct create *c, struct perr *e)
{
	/* jail_pick_jid cleared an empty leftover; one made since is not ours, and its undo must not touch it. */
	if (c->parent.jid > 0)
		cgroup_leaf_sweep(&c->parent.cg);
	if (cgroup_create(&c->rec->cg, e) < 0)
		return -1;
	c->cg_made = true;
	return limits_apply_cgroups(&c->rec->cg, &c->lim, e);
}

static int make_hostnet(struct create *c, struct perr *e)
{
	return jailnet_setup_host(c->rec, e);
}

/*
 * An idle parent woken, from its record as it is now: the copy found at
 * the start predates this child's count (make_record), and the wake
 * writes back the record it is given.
 */
static int wake_parent(struct create *c, struct jail_hold *ret, struct perr *e)
{
	_cleanup_record_ struct jail_record now = { 0 };

	if (!registry_read(&c->reg, c->parent.jid, &now))
		return perr_setx(e, ENOENT, "the parent jail \"%s\" is gone", c->parent.name);
	if (jail_wake_locked(&c->reg, &now, ret, e) < 0)
		return -1;
	c->parent.init_pid = now.init_pid;
	c->parent.init_start = now.init_start;
	return 0;
}

/*
 * The parent held for the child's creation; an idle one woken.  One whose
 * jailinit has just said idle is on its way out (no command can wake it
 * while this one holds the lock): woken once it has gone.
 */
static int hold_parent(struct create *c, struct jail_hold *ret, struct perr *e)
{
	int r;

	if (!jail_may_idle(&c->parent.params))
		return ctl_hold(&c->parent, ret, e);
	r = jail_hold_if_awake(&c->parent, ret, e);
	return r != 0 ? (r < 0 ? -1 : 0) : wake_parent(c, ret, e);
}

static int make_init(struct create *c, struct perr *e)
{
	_cleanup_close_ int tree = -1;
	bool idle = param_bool(&c->rec->params, P_PERSIST_IDLE);
	struct spawn_req req = { .rec = c->rec, .pathfd = c->pathfd, .exefd = c->exefd, .mounts = &c->mounts,
				 .reg = &c->reg, .ret_tree = idle ? &tree : NULL, .parent_hold = -1, .join = &c->join,
				 .nestfd = -1 };
	struct jail_hold parent = JAIL_HOLD_NONE;

	/* Under the lock: the trees of the jails there are now are off limits as mount sources. */
	if (mount_sources_open(&c->mounts, &c->reg, c->pathfd, c->rec->name, e) < 0 ||
	    nsjoin_check_owners(&c->join, &c->rec->params, &c->reg, e) < 0)
		return -1;
	/* The pin namespace, made once, before the first jail that needs it. */
	if (idle && pin_prepare(e) < 0)
		return -1;
	/* A jail that may have children gets its socket, bound before its /dev is made (nested.h). */
	if (param_int(&c->rec->params, P_CHILDREN_MAX) > 0) {
		if (nest_listen(c->rec->jid, &c->nest, e) < 0)
			return -1;
		req.nestfd = c->nest.tree;
	}
	/*
	 * The child's jailinit keeps its parent (spawn.c): FreeBSD's child
	 * holds a reference on it.  An idle parent is woken for it first,
	 * under the lock this creation holds.
	 */
	if (c->parent.jid > 0 && hold_parent(c, &parent, e) < 0)
		return -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, c->hold) < 0) {
		int err = errno;
		if (parent.fd >= 0)
			close(parent.fd);
		return perr_set(e, err, "socketpair");
	}
	req.hold = c->hold[1];
	req.parent_hold = parent.fd;
	c->pidfd = spawn_init(&req, e);
	if (parent.fd >= 0)
		close(parent.fd);
	close(c->hold[1]);
	c->hold[1] = -1;
	/* From now on jailinit holds the ID range, whatever becomes of this command. */
	if (c->pidfd < 0 || idrange_note_init(c->rec, e) < 0)
		return -1;
	if (c->nest.listen >= 0 && nest_start(c->rec, &c->nest, c->pathfd, e) < 0)
		return -1;
	return idle ? jail_pin_new(c->rec, tree, e) : 0;
}

static int make_limits(struct create *c, struct perr *e)
{
	if (limits_apply_ns(&c->rec->cg, c->pidfd, (uid_t)c->rec->uid_base, &c->lim, NULL, e) < 0)
		return -1;
	return c->lim.nwatch ? watch_send(c->hold[0], c->rec, &c->lim, e) : 0;
}

static int make_vnet(struct create *c, struct perr *e)
{
	return jailnet_setup_vnet(c->rec, e);
}

/* After the bridge exists: a vnet jail's published ports may need its route_localnet. */
static int make_nat(struct create *c, struct perr *e)
{
	return nftjail_apply(c->rec, e);
}

static int make_active(struct create *c, struct perr *e)
{
	c->rec->state = JS_ACTIVE;
	if (registry_write(&c->reg, c->rec, NULL, e) < 0)
		return -1;
	(void)registry_mark_pending(&c->reg, c->rec->jid, false);
	return 0;
}

/* clang-format off */
static int (*const make_steps[PH__COUNT])(struct create *, struct perr *) = {
	[PH_RECORD] = make_record, [PH_CGROUP] = make_cgroup, [PH_HOSTNET] = make_hostnet,
	[PH_INIT] = make_init,     [PH_LIMITS] = make_limits, [PH_VNET] = make_vnet,
	[PH_NAT] = make_nat,       [PH_ACTIVE] = make_active,
};
/* clang-format on */

/* Forward through the phases; a failing one is undone with all before it (each undo skips what is not there). */
static int make_phases(struct create *c, struct perr *e)
{
	for (int i = 0; i < PH__COUNT; i++)
		if (make_steps[i](c, e) < 0) {
			(void)jail_undo(&c->reg, c->rec, (enum jail_phase)(i == PH_CGROUP && !c->cg_made ? i : i + 1));
			return -1;
		}
	return 0;
}

static void create_done(struct create *c)
{
	int fds[] = { c->pathfd, c->exefd, c->hold[1], c->pidfd };

	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	mount_plan_free(&c->mounts);
	nest_sock_close(&c->nest);
	nsjoin_close(&c->join);
	record_free(&c->parent);
}

static int create_at(const struct paramset *ps, int pathfd, struct jail_record *rec, struct jail_hold *ret_hold,
		     struct perr *e)
{
	struct create *c = calloc(1, sizeof(*c));
	int r = -1;

	memset(rec, 0, sizeof(*rec));
	*ret_hold = JAIL_HOLD_NONE;
	if (!c)
		return perr_set(e, ENOMEM, "jail");
	c->rec = rec;
	c->pathfd = c->exefd = c->hold[0] = c->hold[1] = c->pidfd = -1;
	c->given_pathfd = pathfd;
	c->nest = NEST_SOCK_NONE;
	c->join = NS_JOIN_NONE;
	if (param_copy(&rec->params, ps) < 0) {
		perr_set(e, ENOMEM, "parameters");
	} else if (check_all(c, e) == 0 && registry_open(&c->reg, true, e) == 0) {
		if (find_parent(c, e) == 0 && make_phases(c, e) == 0) {
			ret_hold->fd = TAKE_FD(c->hold[0]);
			r = 0;
		}
		registry_close(&c->reg);
	}
	if (c->hold[0] >= 0)
		close(c->hold[0]);
	create_done(c);
	free(c);
	if (r < 0)
		record_free(rec);
	return r;
}

int jail_create(const struct paramset *ps, struct jail_record *rec, struct jail_hold *ret_hold, struct perr *e)
{
	return create_at(ps, -1, rec, ret_hold, e);
}

/* ---- start: FreeBSD's order, walked back from a failing step ---- */

struct start {
	const struct paramset *ps;
	struct jail_exec run;
	struct jail_record pre;  /* before the jail exists: its name and path, no JID */
	struct jail_record *rec; /* once created */
	int pathfd;              /* the root the caller opened, or -1 */
	bool created;
	struct jail_hold hold;
};

static int step_prepare(struct start *s, struct perr *e)
{
	return hooks_host(&s->pre, P_EXEC_PREPARE, e);
}

/* exec.release runs once the jail is gone, or was never made: no JID. */
static void undo_prepare(struct start *s)
{
	struct perr ignore = { 0 };
	struct jail_record *r = s->created ? s->rec : &s->pre;

	r->jid = 0;
	(void)hooks_host(r, P_EXEC_RELEASE, &ignore);
}

static int step_prestart(struct start *s, struct perr *e)
{
	return hooks_host(&s->pre, P_EXEC_PRESTART, e);
}

static int step_create(struct start *s, struct perr *e)
{
	if (create_at(s->ps, s->pathfd, s->rec, &s->hold, e) < 0)
		return -1;
	s->created = true;
	if (!s->run.jail_user && !s->run.host_user)
		jail_exec_defaults(&s->run, &s->rec->params);
	return 0;
}

/* A jail whose start failed goes without its stop commands, but with exec.poststop: its start got that far. */
static void undo_create(struct start *s)
{
	struct perr ignore = { 0 };
	_cleanup_record_ struct jail_record gone = { 0 };
	char key[16];

	(void)ctl_release(s->rec, &s->hold);
	snprintf(key, sizeof(key), "%d", s->rec->jid);
	(void)jail_remove(key, false, &gone, &ignore);
	(void)hooks_host(s->rec, P_EXEC_POSTSTOP, &ignore);
}

static int step_created(struct start *s, struct perr *e)
{
	return hooks_host(s->rec, P_EXEC_CREATED, e);
}

/* command= runs instead of exec.start, as FreeBSD's jail -c does. */
static int step_command(struct start *s, struct perr *e)
{
	struct jail_record *rec = s->rec;
	struct jail_exec run = s->run;
	_cleanup_close_ int log = -1;
	int status = 0;

	if (!rec->params.v[P_COMMAND].argv)
		return hooks_inside(rec, P_EXEC_START, &s->run, &s->hold, e);
	if (hooks_consolelog(rec, NULL, &log, e) < 0)
		return -1;
	run.argv = rec->params.v[P_COMMAND].argv;
	run.shell_cmd = NULL;
	run.timeout = param_int(&rec->params, P_EXEC_TIMEOUT);
	run.out_fd = log;
	if (jail_exec_run(rec, &run, &s->hold, &status, e) < 0)
		return -1;
	if (status != 0)
		return perr_setx(e, ECHILD, "%s: failed (exit status %d)", run.argv[0], status);
	return 0;
}

static int step_poststart(struct start *s, struct perr *e)
{
	return hooks_host(s->rec, P_EXEC_POSTSTART, e);
}

/* clang-format off */
static const struct start_step {
	int (*run)(struct start *s, struct perr *e);
	void (*undo)(struct start *s);
} start_steps[] = {
	{ step_prepare, undo_prepare },
	{ step_prestart, NULL },
	{ step_create, undo_create },
	{ step_created, NULL },
	{ step_command, NULL },
	{ step_poststart, NULL },
};
/* clang-format on */

int jail_start_at(const struct paramset *ps, const struct jail_exec *x, int pathfd, struct jail_record *rec,
		  struct perr *e)
{
	struct start s = { .ps = ps, .run = *x, .rec = rec, .pathfd = pathfd, .hold = JAIL_HOLD_NONE };
	size_t i;

	/* Before the jail exists, the hooks see its name and path but no JID. */
	if (param_copy(&s.pre.params, ps) < 0)
		return perr_set(e, ENOMEM, "parameters");
	snprintf(s.pre.name, sizeof(s.pre.name), "%s", param_str(ps, P_NAME) ? param_str(ps, P_NAME) : "");
	for (i = 0; i < ARRAY_SIZE(start_steps); i++)
		if (start_steps[i].run(&s, e) < 0)
			break;
	if (i == ARRAY_SIZE(start_steps)) {
		(void)ctl_release(rec, &s.hold);
		record_free(&s.pre);
		return 0;
	}
	while (i-- > 0)
		if (start_steps[i].undo)
			start_steps[i].undo(&s);
	record_free(&s.pre);
	if (s.created)
		record_free(rec);
	return -1;
}

int jail_start(const struct paramset *ps, const struct jail_exec *x, struct jail_record *rec, struct perr *e)
{
	return jail_start_at(ps, x, -1, rec, e);
}

/* ---- removal: the stop steps, in FreeBSD's order ---- */

struct stop {
	const char *key;
	bool hooks;
	struct jail_record *rec;
	struct registry reg;
	struct perr first; /* the first stop command that failed: reported, but the jail goes */
	bool again;        /* a removal that could not empty the jail before: its stop commands ran */
	struct perr *e;
};

static void note_failure(struct stop *s, const struct perr *e)
{
	if (!s->first.msg[0])
		s->first = *e;
}

/* Dying from here on, so no child can be added while the ones there are removed. */
static int stop_mark_dying(struct stop *s)
{
	struct jail_record *rec = s->rec;

	if (jail_find_locked(&s->reg, s->key, rec, s->e) < 0)
		return -1;
	s->again = rec->state == JS_DYING;
	rec->state = JS_DYING;
	rec->creator_pid = getpid();
	rec->creator_start = proc_start_time(getpid());
	if (param_set(&rec->params, P_DYING, "true", s->e) < 0 || registry_write(&s->reg, rec, NULL, s->e) < 0 ||
	    registry_mark_pending(&s->reg, rec->jid, true) < 0) {
		record_free(rec);
		return -1;
	}
	return 0;
}

/*
 * Children first, each removed as jail -r would remove it (its own
 * children before it, so the deepest go first), stop commands and all,
 * and each recorded in its audit trail as the command would.
 */
static void stop_children(struct stop *s)
{
	_cleanup_free_ int *kids = NULL;
	size_t n = 0;
	struct perr e = { 0 };

	if (param_int(&s->rec->params, P_CHILDREN_CUR) <= 0 ||
	    jail_list_children(&s->reg, s->rec->jid, &kids, &n, &e) < 0)
		return;
	/* The stop takes stop.timeout: other jails' commands must not wait for it. */
	registry_unlock(&s->reg);
	for (size_t i = 0; i < n; i++) {
		_cleanup_record_ struct jail_record kid = { 0 };
		struct perr kid_err = { 0 };
		char key[16];
		snprintf(key, sizeof(key), "%d", kids[i]);
		int r = jail_remove(key, s->hooks, &kid, &kid_err);
		/* Gone already (its own jailinit ended, or another jail -r): nothing to say. */
		if (r < 0 && kid_err.err == ENOENT)
			continue;
		audit_event("remove", kid.name[0] ? kid.name : key, kids[i], NULL, NULL, r ? kid_err.msg : NULL);
		if (r != 0)
			note_failure(s, &kid_err);
	}
}

static void stop_commands(struct stop *s)
{
	struct jail_exec x = { 0 };
	struct jail_hold hold;
	struct perr e = { 0 };

	registry_unlock(&s->reg);
	if (!s->hooks || s->again)
		return;
	if (hooks_host(s->rec, P_EXEC_PRESTOP, &e) < 0) {
		note_failure(s, &e);
		return;
	}
	if (!s->rec->params.v[P_EXEC_STOP].argv)
		return;
	jail_exec_defaults(&x, &s->rec->params);
	/* An idle jail gets a fresh jailinit for its exec.stop (wake.h). */
	if (jail_hold_awake(s->rec, true, &hold, &e) < 0 || hooks_inside(s->rec, P_EXEC_STOP, &x, &hold, &e) < 0)
		note_failure(s, &e);
	(void)ctl_release(s->rec, &hold);
}

/* SIGTERM to every process, stop.timeout, then SIGKILL to all at once (jailinit does it). */
static void stop_processes(struct stop *s)
{
	long timeout = param_int(&s->rec->params, P_STOP_TIMEOUT);
	_cleanup_close_ int pidfd = jail_open_init(s->rec), ctl = -1;
	/*
	 * Held open, so that interfaces moved in can go back once nothing of
	 * the jail runs; an idle jail's from its pins, checked as strictly.
	 */
	_cleanup_close_ int netns = jailnet_hold(s->rec);
	struct perr e = { 0 };
	char msg[32], reply[16];

	if (pidfd >= 0) {
		ctl = ctl_connect(s->rec->jid, &e);
		snprintf(msg, sizeof(msg), "stop %ld", timeout);
		if (ctl >= 0 && ctl_request(ctl, msg, reply, sizeof(reply), 2000, &e) == 0)
			(void)pidfd_wait_exit(pidfd, (int)(timeout * 1000 + 2000));
	}
	if (netns < 0)
		return;
	/* Not while jail root could still rename or swap them: every process of the jail gone first. */
	(void)cgroup_kill(&s->rec->cg, &e);
	if (cgroup_wait_empty(&s->rec->cg, cgroup_deadline(5000), &e) < 0 || jailnet_return(s->rec, netns, &e) < 0)
		note_failure(s, &e);
}

/* The jail goes only once nothing of it runs: otherwise its record stays for another jail -r. */
static int stop_clear(struct stop *s)
{
	char where[512];

	if (registry_relock(&s->reg, s->e) < 0) {
		record_free(s->rec);
		return -1;
	}
	if (jail_teardown(&s->reg, s->rec) < 0) {
		char path[480];
		if (cgroup_occupied(&s->rec->cg, path, sizeof(path)))
			snprintf(where, sizeof(where), "cgroup %s", path);
		else
			snprintf(where, sizeof(where), "its cgroup");
		perr_setx(s->e, EBUSY, "jail %d not removed: %s still holds processes that did not die; it is kept",
			  s->rec->jid, where);
		record_free(s->rec);
		return -1;
	}
	registry_close(&s->reg);
	return 0;
}

static void stop_after(struct stop *s)
{
	struct perr e = { 0 };
	int jid = s->rec->jid;

	if (!s->hooks)
		return;
	if (hooks_host(s->rec, P_EXEC_POSTSTOP, &e) < 0) {
		note_failure(s, &e);
		return;
	}
	/* exec.release runs once the jail is gone: no JID any more. */
	s->rec->jid = 0;
	if (hooks_host(s->rec, P_EXEC_RELEASE, &e) < 0)
		note_failure(s, &e);
	s->rec->jid = jid;
}

int jail_remove(const char *key, bool hooks, struct jail_record *rec, struct perr *e)
{
	struct stop s = { .key = key, .hooks = hooks, .rec = rec, .e = e };

	memset(rec, 0, sizeof(*rec));
	if (registry_open(&s.reg, true, e) < 0)
		return -1;
	if (stop_mark_dying(&s) < 0) {
		registry_close(&s.reg);
		return -1;
	}
	stop_children(&s);
	stop_commands(&s);
	stop_processes(&s);
	if (stop_clear(&s) < 0) {
		registry_close(&s.reg);
		return -1;
	}
	stop_after(&s);
	if (s.first.msg[0]) {
		*e = s.first;
		return 1;
	}
	return 0;
}

/* ---- jexec ---- */

/*
 * The hold of a command that enters the jail; an idle jail is woken first.
 * *cur is a copy of rec, sharing its parameters (never freed), whose
 * jailinit is the one that holds.
 */
static int hold_for_entry(const struct jail_record *rec, struct jail_record *cur, struct jail_hold *ret,
			  struct perr *e)
{
	*cur = *rec;
	return jail_hold_awake(cur, false, ret, e);
}

int jail_exec(const struct jail_record *rec, const struct jail_exec *x, int *ret_status, struct perr *e)
{
	struct jail_record cur;
	struct jail_hold hold;
	int r;

	*ret_status = 0;
	if (hold_for_entry(rec, &cur, &hold, e) < 0)
		return -1;
	r = jail_exec_run(&cur, x, &hold, ret_status, e);
	(void)ctl_release(&cur, &hold);
	return r;
}

pid_t jail_exec_spawn(const struct jail_record *rec, const struct jail_exec *x, int *ret_pidfd, int *ret_master,
		      struct perr *e)
{
	struct jail_record cur;
	struct jail_hold hold;
	pid_t pid;

	*ret_pidfd = *ret_master = -1;
	if (hold_for_entry(rec, &cur, &hold, e) < 0)
		return -1;
	pid = jail_spawn(&cur, x, &hold, ret_pidfd, ret_master, e);
	(void)ctl_release(&cur, &hold);
	return pid;
}
