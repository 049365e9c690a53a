#include "spawn.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cglimit.h"
#include "cgroup.h"
#include "ctl.h"
#include "fstab.h"
#include "hooks.h"
#include "jailnet.h"
#include "jailproc.h"
#include "mntns.h"
#include "priv.h"
#include "pty.h"
#include "userns.h"
#include "thin.h"
#include "util.h"
#include "watch.h"

/* ---- the mount plan, made before anything exists ---- */

static int plan_line(const char *path, const char *line, struct mount_plan *p, struct perr *e)
{
	struct fstab_entry f;
	struct mount_extra *x;
	int r = fstab_parse_line(line, &f, e);

	if (r <= 0)
		return r;
	if (p->n == SPAWN_MAX_MOUNTS)
		return perr_setx(e, E2BIG, "more than %d mounts", SPAWN_MAX_MOUNTS);
	x = &p->m[p->n];
	if (fstab_relative_target(path, f.target, x->rel, sizeof(x->rel), e) < 0)
		return -1;
	snprintf(p->target[p->n], sizeof(p->target[p->n]), "%s", f.target);
	x->fd = x->srcfd = x->upper = x->work = -1;
	x->nlower = 0;
	x->kind = (int)f.kind;
	x->readonly = f.readonly;
	x->propagation = f.propagation;
	snprintf(x->options, sizeof(x->options), "%s", f.options);
	snprintf(x->source, sizeof(x->source), "%s", f.source);
	p->n++;
	return 0;
}

static int plan_fstab(const char *path, const char *fstab, struct mount_plan *p, struct perr *e)
{
	_cleanup_fclose_ FILE *f = fopen(fstab, "re");
	char line[4096];

	if (!f)
		return perr_set(e, errno, "mount.fstab %s", fstab);
	while (fgets(line, sizeof(line), f))
		if (plan_line(path, line, p, e) < 0)
			return e->err == E2BIG ? perr_prefix(e, "mount.fstab %s", fstab) : -1;
	return 0;
}

int mount_plan_build(const struct paramset *ps, struct mount_plan *ret, struct perr *e)
{
	const char *path = param_str(ps, P_PATH), *fstab = param_str(ps, P_MOUNT_FSTAB);
	char *const *lines = ps->v[P_MOUNT].argv;

	ret->n = 0;
	ret->m = calloc(SPAWN_MAX_MOUNTS, sizeof(*ret->m));
	ret->target = calloc(SPAWN_MAX_MOUNTS, sizeof(*ret->target));
	if (!ret->m || !ret->target) {
		perr_set(e, ENOMEM, "mount");
		goto fail;
	}
	if (fstab && plan_fstab(path, fstab, ret, e) < 0)
		goto fail;
	for (; lines && *lines; lines++)
		if (plan_line(path, *lines, ret, e) < 0) {
			if (e->err == E2BIG)
				perr_prefix(e, "mount");
			goto fail;
		}
	return 0;
fail:
	mount_plan_free(ret);
	return -1;
}

void mount_plan_free(struct mount_plan *p)
{
	for (size_t i = 0; p->m && i < p->n; i++) {
		struct mount_extra *x = &p->m[i];
		int fds[] = { x->fd, x->srcfd, x->upper, x->work };
		for (size_t j = 0; j < ARRAY_SIZE(fds); j++)
			if (fds[j] >= 0)
				close(fds[j]);
		for (int j = 0; j < x->nlower; j++)
			close(x->lower[j]);
	}
	free(p->m);
	free(p->target);
	p->m = NULL;
	p->target = NULL;
	p->n = 0;
}

/* ---- the child: PID 1 of the new namespaces, root of the jail's user namespace ---- */

static __attribute__((noreturn)) void child_fail(int sync, const struct perr *e)
{
	char msg[sizeof(e->msg) + 1];

	snprintf(msg, sizeof(msg), "E%s", e->msg);
	(void)send_msg_fd(sync, msg, -1);
	_exit(1);
}

static void setup_of(const struct init_child *c, struct mount_setup *ret)
{
	const struct paramset *ps = &c->rec->params;

	*ret = (struct mount_setup){ .rootfd = -1,
				     .nestfd = -1,
				     .mqueue = jail_policy_private_ipc(&c->policy),
				     .own_net = jailnet_vnet(ps),
				     .private_tmp = strcmp(param_str(ps, P_PATH), "/") == 0 && !param_bool(ps, P_MOUNT_HOSTTMP),
				     .devfs_ruleset = (int)param_int(ps, P_DEVFS_RULESET),
				     .readonly_root = param_bool(ps, P_PATH_READONLY),
				     .extra = c->mounts,
				     .nextra = c->nmounts };
}

/*
 * Root of the jail's user namespace once the host has written the id maps
 * ('G'): the jail's own cgroup namespace, and the new file systems, each
 * sent to the host's builder ('F' per slot of struct mount_fs, 'X' per
 * tmpfs, procfs or overlay line), then 'D'.
 */
static int child_make_fs(struct init_child *c, struct perr *e)
{
	struct mount_setup ms;
	struct mount_fs fs;
	char buf[16];
	int fd, r = 0;

	if (recv_msg_fd(c->sync, buf, sizeof(buf), &fd) <= 0 || buf[0] != 'G')
		_exit(1);
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return perr_set(e, errno, "become root of the jail");
	if (unshare(CLONE_NEWCGROUP) < 0)
		return perr_set(e, errno, "cgroup namespace");
	setup_of(c, &ms);
	if (mount_make_filesystems(&ms, &fs, e) < 0 || userns_cap_counts(fs.fd[MFS_PROC], c->policy.new_userns, e) < 0) {
		mount_fs_close(&fs);
		return -1;
	}
	for (int i = 0; i < MFS__COUNT && r == 0; i++)
		r = send_msg_fd(c->sync, "F", fs.fd[i]);
	for (size_t i = 0; i < c->nmounts && r == 0; i++)
		if (c->mounts[i].kind != FS_BIND)
			r = send_msg_fd(c->sync, "X", c->mounts[i].fd);
	mount_fs_close(&fs);
	if (r < 0 || send_msg_fd(c->sync, "D", -1) < 0)
		return perr_set(e, errno, "start jail");
	return 0;
}

/* The locked mount namespace the host built ('N'): from here on the jail's tree is all there is. */
static int child_enter_tree(struct init_child *c, struct perr *e)
{
	char buf[16];
	_cleanup_close_ int nsfd = -1;

	if (recv_msg_fd(c->sync, buf, sizeof(buf), &nsfd) <= 0 || buf[0] != 'N' || nsfd < 0)
		_exit(1);
	if (setns(nsfd, CLONE_NEWNS) < 0)
		return perr_set(e, errno, "join the jail's mount namespace");
	if (chdir("/") < 0)
		return perr_set(e, errno, "chdir /");
	return 0;
}

/* The jail's own view: its file systems, its locked tree, its names. */
static int child_build_jail(struct init_child *c, struct perr *e)
{
	const struct paramset *ps = &c->rec->params;
	const char *host = param_str(ps, P_HOSTNAME), *domain = param_str(ps, P_DOMAINNAME);

	if (child_make_fs(c, e) < 0 || child_enter_tree(c, e) < 0)
		return -1;
	/* host=inherit: the host's names, which are not the jail's to set. */
	if (c->policy.host_inherit)
		return 0;
	if (host && sethostname(host, strlen(host)) < 0)
		return perr_set(e, errno, "sethostname");
	if (domain && setdomainname(domain, strlen(domain)) < 0)
		return perr_set(e, errno, "setdomainname");
	return 0;
}

/*
 * jailinit's watcher handles at their fixed numbers 7..11 (closed where
 * there is none).  *null is lifted above them first, as the other
 * descriptors are, so that placing one cannot close it.
 */
static int place_watch_fds(const struct watch_handles *w, int *null)
{
	int lifted[WATCH_NFDS];

	if (*null >= 0 && (*null = fcntl(*null, F_DUPFD_CLOEXEC, 16)) < 0)
		return -1;
	for (int i = 0; i < WATCH_NFDS; i++)
		if ((lifted[i] = w->fd[i] >= 0 ? fcntl(w->fd[i], F_DUPFD_CLOEXEC, 16) : -1) < 0 && w->fd[i] >= 0)
			return -1;
	for (int i = 0; i < WATCH_NFDS; i++) {
		if (lifted[i] < 0)
			close(WATCH_FD_CPU + i);
		else if (dup3(lifted[i], WATCH_FD_CPU + i, 0) < 0)
			return -1;
	}
	return 0;
}

/*
 * Fixed descriptors for jailinit: 0-2 /dev/null or the console log,
 * 3 control socket, 4 creator's hold, 5 sync, 6 binary, 7-11 watcher.
 * Each is lifted above them first, so that placing one cannot overwrite
 * another that happens to sit at its target number.  jailinit outlives
 * jail -c: it must not keep the creator's terminal or pipes open (a caller
 * reading them would never see EOF).
 */
static int child_place_fds(struct init_child *c, int null, struct perr *e)
{
	int fds[4] = { c->listen, c->hold, c->sync, c->exe };
	int log = c->log >= 0 ? fcntl(c->log, F_DUPFD_CLOEXEC, 16) : -1;
	int out;

	for (int i = 0; i < 4; i++)
		if ((fds[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 16)) < 0)
			return perr_set(e, errno, "dup");
	for (int i = 0; i < 4; i++)
		if (dup3(fds[i], 3 + i, i < 2 ? 0 : O_CLOEXEC) < 0)
			return perr_set(e, errno, "dup");
	c->sync = 5;
	if (place_watch_fds(c->watch, &null) < 0)
		return perr_set(e, errno, "dup");
	out = log >= 0 ? log : null;
	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		return perr_set(e, errno, "/dev/null");
	return 0;
}

_Static_assert(PTY_INIT_FD >= WATCH_FD_END, "the ptmx handle sits above the watcher's descriptors");

/*
 * jailinit keeps a handle on the jail's ptmx at PTY_INIT_FD, opened now,
 * while everything in the jail's tree is still prison's own: jexec makes
 * the jail's terminals through it (pty.h), whatever the jail does to its
 * /dev later.  None for a devfs_ruleset without terminals.
 */
static int child_keep_ptmx(const struct init_child *c, struct perr *e)
{
	int fd;

	if (!pty_ruleset_has_terminals(param_int(&c->rec->params, P_DEVFS_RULESET))) {
		close(PTY_INIT_FD);
		return 0;
	}
	fd = pty_ptmx_handle(e);
	if (fd < 0)
		return -1;
	if (fd == PTY_INIT_FD)
		return fcntl(fd, F_SETFD, 0) < 0 ? perr_set(e, errno, "fcntl") : 0;
	if (dup3(fd, PTY_INIT_FD, 0) < 0) {
		close(fd);
		return perr_set(e, errno, "dup");
	}
	close(fd);
	return 0;
}

_Static_assert(PARENT_HOLD_FD > PTY_INIT_FD, "the parent's hold sits above the ptmx handle");

/*
 * A child jail's jailinit keeps, at PARENT_HOLD_FD and never used, a
 * connection on which its parent's jailinit was asked to hold: as
 * FreeBSD's child jail holds a user reference on its parent, the parent
 * does not go when its own last process ends, only once this closes, with
 * the child's jailinit.
 */
static int child_keep_parent_hold(const struct init_child *c, struct perr *e)
{
	if (c->parent_hold < 0) {
		close(PARENT_HOLD_FD);
		return 0;
	}
	if (c->parent_hold == PARENT_HOLD_FD)
		return fcntl(c->parent_hold, F_SETFD, 0) < 0 ? perr_set(e, errno, "fcntl") : 0;
	if (dup3(c->parent_hold, PARENT_HOLD_FD, 0) < 0)
		return perr_set(e, errno, "dup");
	return 0;
}

void spawn_exec_init(struct init_child *c, int null)
{
	struct perr e = { 0 };
	struct jail_cred root;
	char persist[2] = { param_bool(&c->rec->params, P_PERSIST) ? '1' : '0', '\0' };
	/* "1" after persist for a jail with pins; nothing at all for one without, as before they came. */
	char *const argv[] = { "jailinit", persist, c->idle ? "1" : NULL, NULL };
	char *const envp[] = { "PATH=/sbin:/bin:/usr/sbin:/usr/bin", NULL };

	if (child_place_fds(c, null, &e) < 0 || child_keep_ptmx(c, &e) < 0 || child_keep_parent_hold(c, &e) < 0)
		child_fail(c->sync, &e);
	cred_root(&root);
	if (jail_make_process(&c->policy, c->filter, NULL, 0, &root, PARENT_HOLD_FD + 1, &e) < 0)
		child_fail(c->sync, &e);
	/*
	 * jailinit outlives its creator.  The kernel clears the death signal
	 * when the effective uid changes, which it no longer does here: the
	 * child was born with the jail's (userns.h).
	 */
	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	(void)send_msg_fd(c->sync, "R", -1);
	syscall(SYS_execveat, 6, "", argv, envp, AT_EMPTY_PATH);
	child_fail(c->sync, (perr_set(&e, errno, "exec jailinit"), &e));
}

static __attribute__((noreturn)) void init_child_main(struct init_child *c)
{
	struct perr e = { 0 };
	int null;

	/* Until it execs, this process holds host descriptors: nobody in the jail may trace it. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* Out of the way of the fixed numbers child_place_fds fills. */
	if (c->parent_hold >= 0 && (c->parent_hold = fcntl(c->parent_hold, F_DUPFD_CLOEXEC, 16)) < 0)
		child_fail(c->sync, (perr_set(&e, errno, "dup"), &e));
	/* Before the jail's tree: its /dev may have no null (devfs_ruleset=1). */
	null = open("/dev/null", O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (child_build_jail(c, &e) < 0)
		child_fail(c->sync, &e);
	spawn_exec_init(c, null);
}

/* ---- the host side ---- */

/* The jail's new file systems, as child_make_fs sends them; an 'E' is its error. */
static int receive_fs(const struct spawn_req *req, int sync, struct mount_fs *fs, struct perr *e)
{
	char buf[sizeof(e->msg) + 1];
	size_t x = 0;
	int fd;

	for (int i = 0; i < MFS__COUNT; i++)
		fs->fd[i] = -1;
	for (int i = 0;; i++) {
		if (recv_msg_fd(sync, buf, sizeof(buf), &fd) <= 0)
			return perr_setx(e, ECHILD, "jailinit failed to start");
		if (buf[0] == 'E')
			return perr_setx(e, EIO, "%s", buf + 1);
		if (buf[0] == 'D')
			return 0;
		if (buf[0] == 'F' && i < MFS__COUNT) {
			fs->fd[i] = fd;
			continue;
		}
		while (x < req->mounts->n && req->mounts->m[x].kind == FS_BIND)
			x++;
		if (buf[0] != 'X' || fd < 0 || x == req->mounts->n) {
			if (fd >= 0)
				close(fd);
			return perr_setx(e, EPROTO, "start jail: unexpected message from jailinit");
		}
		req->mounts->m[x++].fd = fd;
	}
}

/* path.propagation as its MS_ flag; param_set took only the words fstab_propagation knows. */
static unsigned long root_propagation(const struct paramset *ps)
{
	unsigned long flag = MS_PRIVATE;

	(void)fstab_propagation(param_str(ps, P_PATH_PROPAGATION), &flag);
	return flag;
}

/* The root and every nullfs tree, idmapped through the jail's user namespace now that it exists. */
static int make_trees(const struct spawn_req *req, int usernsfd, struct perr *e)
{
	bool host_root = strcmp(param_str(&req->rec->params, P_PATH), "/") == 0;
	int idmap = host_root ? -1 : usernsfd;

	for (size_t i = 0; i < req->mounts->n; i++) {
		struct mount_extra *x = &req->mounts->m[i];
		if (x->kind != FS_BIND)
			continue;
		x->fd = mount_clone_bind(x->srcfd, x->source, idmap, x->readonly, x->propagation, e);
		if (x->fd < 0)
			return perr_prefix(e, "mount %s", req->mounts->target[i]);
	}
	/* A thin jail's root is its base under a layer of its own (thin.h). */
	if (thin_jail(&req->rec->params))
		return thin_root(&req->rec->params, usernsfd, req->rec->uid_base, e);
	/* path=/ shares the host's tree: no idmap, so the host's files stay out of jail root's reach. */
	return mount_clone_root(req->pathfd, idmap, root_propagation(&req->rec->params), e);
}

/*
 * The jail's mount namespace: its file systems from the child, the trees
 * from here, put together and locked by the builder (mntns.h), and sent
 * to the child to join.
 */
static int send_tree(const struct spawn_req *req, const struct init_child *c, pid_t pid, int sync, struct perr *e)
{
	struct mount_setup ms;
	struct mount_fs fs;
	_cleanup_close_ int usernsfd = -1, rootfd = -1, nsfd = -1;
	char path[64];
	int r = -1;

	if (send_msg_fd(sync, "G", -1) < 0)
		return perr_set(e, errno, "start jail");
	if (receive_fs(req, sync, &fs, e) < 0)
		goto out;
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	usernsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (usernsfd < 0) {
		perr_set(e, errno, "%s", path);
		goto out;
	}
	rootfd = make_trees(req, usernsfd, e);
	if (rootfd < 0)
		goto out;
	setup_of(c, &ms);
	ms.rootfd = rootfd;
	ms.nestfd = req->nestfd;
	nsfd = mntns_build_locked(&ms, &fs, (uid_t)req->rec->uid_base, usernsfd, req->ret_tree, e);
	if (nsfd >= 0 && send_msg_fd(sync, "N", nsfd) < 0)
		perr_set(e, errno, "start jail");
	else if (nsfd >= 0)
		r = 0;
out:
	mount_fs_close(&fs);
	return r;
}

/* Until EOF: 'R' then close-on-exec closing the socket means jailinit runs. */
static int wait_ready(int sync, int pidfd, struct perr *e)
{
	char buf[sizeof(e->msg) + 1];
	bool ready = false;
	int fd;

	while (recv_msg_fd(sync, buf, sizeof(buf), &fd) > 0) {
		if (fd >= 0)
			close(fd);
		if (buf[0] == 'E')
			return perr_setx(e, EIO, "%s", buf + 1);
		ready = buf[0] == 'R';
	}
	if (!ready || pidfd_wait_exit(pidfd, 0))
		return perr_setx(e, ECHILD, "jailinit failed to start");
	return 0;
}

/* The child's descriptors and flags, opened before the clone. */
static int prepare_child(const struct spawn_req *req, struct init_child *c, unsigned long long *flags, struct perr *e)
{
	const struct jail_record *rec = req->rec;

	c->policy = rec->policy;
	if (priv_filter(&c->policy, &c->filter, e) < 0)
		return -1;
	if (hooks_consolelog(rec, req->reg, &c->log, e) < 0)
		return -1;
	*flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID;
	if (!c->policy.host_inherit)
		*flags |= CLONE_NEWUTS;
	if (jail_policy_private_ipc(&c->policy))
		*flags |= CLONE_NEWIPC;
	/* Made inside the new user namespace, so jail root administers it and nothing of the host's. */
	if (jailnet_vnet(&rec->params))
		*flags |= CLONE_NEWNET;
	c->listen = ctl_listen(rec->jid, e);
	return c->listen < 0 ? -1 : 0;
}

static void close_child_fds(struct init_child *c)
{
	if (c->log >= 0)
		close(c->log);
	if (c->listen >= 0)
		close(c->listen);
}

/* The child killed and reaped after a failure of the creator's. */
static void kill_child(pid_t pid, int pidfd)
{
	syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
	waitpid(pid, NULL, 0);
	close(pidfd);
}

/*
 * jailinit cloned into its cgroup, in the namespaces it joins (nsjoin.h)
 * and with its user namespace owned by the jail's host root (userns.h);
 * the creator is itself again, in its own namespaces, when this returns.
 */
static pid_t clone_init(const struct spawn_req *req, struct init_child *c, unsigned long long flags, int cgfd,
			int *ret_pidfd, struct perr *e)
{
	struct ns_join saved = NS_JOIN_NONE;
	struct userns_saved owner;
	pid_t pid;
	int err;

	if (req->join && nsjoin_enter(req->join, &saved, e) < 0)
		return -1;
	pid = userns_become_owner(req->rec->uid_base, &owner) == 0 ? clone_into_cgroup(cgfd, flags, ret_pidfd) : -1;
	if (pid == 0) {
		close(c->sync_host);
		nsjoin_close(&saved);
		init_child_main(c);
	}
	err = errno;
	if (userns_restore(&owner) < 0 || nsjoin_leave(&saved, e) < 0) {
		if (pid > 0)
			kill_child(pid, *ret_pidfd);
		return e->err ? -1 : perr_set(e, errno, "become host root again after creating the jail's user namespace");
	}
	if (pid < 0) {
		if (err == EINVAL || err == ENOSPC || err == EUSERS)
			return perr_set(e, err, "create namespaces (are user namespaces enabled?)");
		return perr_set(e, err, "create namespaces");
	}
	return pid;
}

int spawn_init(const struct spawn_req *req, struct perr *e)
{
	struct jail_record *rec = req->rec;
	_cleanup_watch_handles_ struct watch_handles watch = { 0 };
	struct init_child c = { .rec = rec,
				.hold = req->hold,
				.parent_hold = req->parent_hold,
				.exe = req->exefd,
				.watch = &watch,
				.log = -1,
				.listen = -1,
				.mounts = req->mounts->m,
				.nmounts = req->mounts->n,
				.idle = req->ret_tree != NULL };
	_cleanup_close_ int cgfd = -1, sync_host = -1;
	unsigned long long flags = 0;
	int sync[2], pidfd = -1;
	pid_t pid;

	if (prepare_child(req, &c, &flags, e) < 0)
		goto fail_fds;
	watch_handles_open(&rec->cg, rec->name, &watch);
	cgfd = cgroup_open_procs(&rec->cg, e);
	if (cgfd < 0)
		goto fail_fds;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync) < 0) {
		perr_set(e, errno, "socketpair");
		goto fail_fds;
	}
	c.sync = sync[1];
	sync_host = sync[0];
	c.sync_host = sync_host;
	pid = clone_init(req, &c, flags, cgfd, &pidfd, e);
	close(sync[1]);
	close_child_fds(&c);
	if (pid < 0)
		return -1;
	rec->init_pid = pid;
	/* v1 controllers have no clone3 placement: in before it runs anything. */
	if (cg_join(&rec->cg, pid, e) < 0 || userns_write_maps(pid, rec->uid_base, e) < 0 ||
	    send_tree(req, &c, pid, sync_host, e) < 0 || wait_ready(sync_host, pidfd, e) < 0) {
		kill_child(pid, pidfd);
		return -1;
	}
	rec->init_start = proc_start_time(pid);
	return pidfd;
fail_fds:
	close_child_fds(&c);
	return -1;
}
