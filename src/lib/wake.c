/*
 * A fresh jailinit for an idle jail.
 *
 * An idle jail is its pinned namespaces and tree (pin.h): its user, UTS,
 * IPC, network and cgroup namespaces, and the tree its builder made
 * (mntns.h), from which pin_open makes a template mount namespace again,
 * owned by the host's user namespace, with no /proc: the jail's PID
 * namespace died with its last jailinit.  Waking it, under the registry's
 * lock, in the kernel's order:
 *
 * 1. A child of the host (H1) is born in the jail's cgroup, joins the
 *    pinned network, template mount, UTS, IPC and cgroup namespaces as
 *    host root, then the jail's user namespace, becomes its root, and
 *    unshares its PID namespace (and an IPC namespace, where the pin let
 *    the last one go: ipcidle.h): the new PID namespace is owned by the
 *    jail's user namespace (a PID namespace belongs to the user namespace
 *    of the process that makes it), and its first child C is its PID 1.
 *    C still stands in the template, as host root's builder did.  H1
 *    makes the devpts, mqueue and cgroup2 of the jail's namespaces, which
 *    the pinned tree keeps none of (pin.c), for the host.
 * 2. The host joins the new PID namespace through C's pidfd for one fork
 *    (H4): a process of the new PID namespace that is still host root in
 *    the host's user namespace.  Only a process inside a PID namespace can
 *    make a proc file system of it, and only host root may mount it where
 *    the kernel does not refuse it (mount_too_revealing refuses a proc
 *    mounted from inside a user namespace while the only one visible has
 *    masks, and masks mounted from inside would not be locked).  H4
 *    masks the new proc in a private copy of the host's mount namespace,
 *    where the host's /dev/null is at hand, and moves a copy of it, masks
 *    and all, onto the template's /proc; H1's file systems go onto its
 *    /dev/pts, /dev/mqueue and /sys/fs/cgroup.
 * 3. C unshares its mount namespace: the copy, made from a namespace of
 *    the host's user namespace into one of the jail's, has every mount
 *    locked (mntns.h), the fresh /proc and its masks among them.  Then C
 *    becomes jailinit exactly as at creation (spawn_exec_init).
 *
 * What the jail made itself survives an idle period where it lives in a
 * file system (tmpfs contents, since the template and the jail's copies
 * share their superblocks), in its UTS namespace (host name) and in its
 * IPC namespace, which is kept while it holds anything; mounts jail root made inside with allow.mount belonged
 * to its old mount namespace and are gone.
 *
 * The record gets C's pid as soon as C exists.  A waker killed at any
 * point leaves either a jail that is idle again (C dies with its parent:
 * each step has PR_SET_PDEATHSIG until jailinit runs) or a running
 * jailinit holding only the dead waker's connection, which then finds
 * nothing to do and leaves: the jail is idle again.
 */
#include "wake.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/sched.h>
#include <stdint.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cglimit.h"
#include "cgroup.h"
#include "hooks.h"
#include "idrange.h"
#include "jailnet.h"
#include "jailproc.h"
#include "jailstate.h"
#include "limits.h"
#include "mount.h"
#include "pin.h"
#include "runtime.h"
#include "spawn.h"
#include "util.h"
#include "watch.h"

struct wake {
	struct jail_record *rec;
	struct pin_set pins;
	struct init_child c;
	struct watch_handles watch;
	int hold[2]; /* [0] the waker's hold, [1] jailinit's fd 4 */
	int h1[2];   /* host and H1 */
	int cs[2];   /* host and C: C's sync, as spawn.h's */
	int null, cgfd, h1pidfd, cpidfd;
	pid_t h1pid;
	struct jail_limits *lim; /* its limits, read once: the devpts' max= and the rules jailinit watches */
	struct mount_fs nsfs; /* from H1: the file systems of the jail's namespaces, for H4 to attach */
};

bool jail_awake(const struct jail_record *rec)
{
	return process_alive(rec->init_pid, rec->init_start);
}

static __attribute__((noreturn)) void fail_to(int sock, const struct perr *e)
{
	char msg[sizeof(e->msg) + 1];

	snprintf(msg, sizeof(msg), "E%s", e->msg);
	(void)send_msg_fd(sock, msg, -1);
	_exit(1);
}

/* ---- C: PID 1 of the new PID namespace, in the template until the host has its /proc ready ---- */

static __attribute__((noreturn)) void c_main(struct wake *w)
{
	struct perr e = { 0 };
	char buf[8];
	int fd = -1;

	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (recv_msg_fd(w->cs[1], buf, sizeof(buf), &fd) <= 0 || buf[0] != 'P')
		_exit(1);
	/* The copy: every mount locked, the fresh /proc with them. */
	if (unshare(CLONE_NEWNS) < 0)
		fail_to(w->cs[1], (perr_set(&e, errno, "the jail's mount namespace"), &e));
	if (chdir("/") < 0)
		fail_to(w->cs[1], (perr_set(&e, errno, "chdir /"), &e));
	spawn_exec_init(&w->c, w->null);
}

/* ---- H1: into the jail's pinned namespaces, then a new PID namespace of the jail's user namespace ---- */

static bool fresh_ipc_needed(const struct wake *w)
{
	return w->pins.fd[PIN_IPC] < 0 && jail_policy_private_ipc(&w->c.policy);
}

static int join_pins(const struct wake *w, struct perr *e)
{
	for (int i = 0; i < PIN__COUNT; i++)
		if (w->pins.fd[i] >= 0 && setns(w->pins.fd[i], pin_nstype((enum pin_ns)i)) < 0)
			return perr_set(e, errno, "join the jail's pinned namespaces");
	/* The jail's root from here on: what it makes is charged to it. */
	if (setresgid(0, 0, 0) < 0 || setgroups(0, NULL) < 0 || setresuid(0, 0, 0) < 0)
		return perr_set(e, errno, "become root of the jail");
	/* Its cgroup namespace, not pinned (pin_kept): rooted at the jail's cgroup, which this process is in. */
	if (w->pins.fd[PIN_CGROUP] < 0 && unshare(CLONE_NEWCGROUP) < 0)
		return perr_set(e, errno, "the jail's cgroup namespace");
	/* Its IPC namespace, let go while it was empty (ipcidle.h): a fresh one, of the jail's user namespace. */
	if (fresh_ipc_needed(w) && unshare(CLONE_NEWIPC) < 0)
		return perr_set(e, errno, "the jail's IPC namespace");
	if (unshare(CLONE_NEWPID) < 0)
		return perr_set(e, errno, "the jail's new PID namespace");
	return 0;
}

/*
 * devpts, mqueue and cgroup2 of the jail's user, IPC and cgroup
 * namespaces, which H1 has joined as jail root, made as at creation and
 * sent to the host ('F' and the slot, then 'D'): the pinned tree keeps
 * none of them (pin.c).  The kernel makes a file system only for a
 * process with the mount capability over its own mount namespace, so H1
 * leaves the template (C stands in it already) for a copy of its own.
 */
static int h1_send_ns_fs(const struct wake *w, struct perr *e)
{
	struct mount_setup ms = { .mqueue = jail_policy_private_ipc(&w->c.policy),
				  .devfs_ruleset = (int)param_int(&w->rec->params, P_DEVFS_RULESET),
				  .pts_max = w->lim->pty_max == CG_UNLIMITED ? 0 : (unsigned long long)w->lim->pty_max };
	struct mount_fs fs;
	char tag[8];
	int r = 0;

	mount_fs_init(&fs);
	if (unshare(CLONE_NEWNS) < 0)
		return perr_set(e, errno, "mount namespace for the jail's file systems");
	if (mount_make_ns_filesystems(&ms, &fs, e) < 0) {
		mount_fs_close(&fs);
		return -1;
	}
	for (int i = 0; i < MFS__COUNT && r == 0; i++)
		if (fs.fd[i] >= 0) {
			snprintf(tag, sizeof(tag), "F%d", i);
			r = send_msg_fd(w->h1[1], tag, fs.fd[i]);
		}
	mount_fs_close(&fs);
	if (r < 0 || send_msg_fd(w->h1[1], "D", -1) < 0)
		return perr_set(e, errno, "the jail's file systems");
	return 0;
}

static __attribute__((noreturn)) void h1_main(struct wake *w)
{
	struct perr e = { 0 };
	struct clone_args args = { .flags = CLONE_PIDFD, .exit_signal = SIGCHLD };
	char buf[32];
	int pidfd = -1, fd = -1;
	pid_t pid;

	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	close(w->h1[0]);
	close(w->cs[0]);
	/* Until the host has put this process in the v1 controllers too. */
	if (recv_msg_fd(w->h1[1], buf, sizeof(buf), &fd) <= 0 || buf[0] != 'G')
		_exit(1);
	if (join_pins(w, &e) < 0)
		fail_to(w->h1[1], &e);
	args.pidfd = (uint64_t)(uintptr_t)&pidfd;
	pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0) {
		close(w->h1[1]);
		c_main(w);
	}
	if (pid < 0)
		fail_to(w->h1[1], (perr_set(&e, errno, "start jailinit"), &e));
	/* C's alone now: the host sees the end of file on it once jailinit runs. */
	close(w->cs[1]);
	close(w->hold[1]);
	snprintf(buf, sizeof(buf), "C%d", (int)pid);
	if (send_msg_fd(w->h1[1], buf, pidfd) < 0)
		_exit(1);
	if (h1_send_ns_fs(w, &e) < 0)
		fail_to(w->h1[1], &e);
	/* C dies with this process until it runs jailinit: stay until the host says it does. */
	while (recv_msg_fd(w->h1[1], buf, sizeof(buf), &fd) > 0)
		;
	_exit(0);
}

/* ---- H4: the fresh /proc, made in the new PID namespace as host root ---- */

static int fresh_proc_here(const struct wake *w, struct perr *e)
{
	_cleanup_close_ int scratch = -1, tree = -1, root = -1, target = -1;

	/* A private copy of the host's tree, with a scratch tmpfs to build the masked /proc on. */
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return perr_set(e, errno, "mount namespace for the jail's fresh /proc");
	if (mount("prison-wake", runtime_rundir(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700,size=64k") < 0)
		return perr_set(e, errno, "scratch tmpfs for the jail's fresh /proc");
	scratch = open(runtime_rundir(), O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (scratch < 0)
		return perr_set(e, errno, "%s", runtime_rundir());
	if (mount_fresh_proc(scratch, jailnet_vnet(&w->rec->params), e) < 0)
		return -1;
	tree = open_tree(scratch, "proc", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (tree < 0)
		return perr_set(e, errno, "copy the jail's fresh /proc");
	if (setns(w->pins.fd[PIN_MNT], CLONE_NEWNS) < 0)
		return perr_set(e, errno, "join the jail's template");
	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return perr_set(e, errno, "the jail's root");
	/* The old /proc, of the PID namespace that died, and its masks with it. */
	if (umount2("/proc", MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL)
		return perr_set(e, errno, "detach the jail's old /proc");
	target = open_beneath(root, "proc", O_PATH | O_DIRECTORY, e);
	if (target < 0)
		return -1;
	if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return perr_set(e, errno, "mount the jail's fresh /proc");
	return mount_attach_ns_filesystems(root, &w->nsfs, e);
}

/* Fork H4 in the new PID namespace (the host's own children stay on the host) and wait for it. */
static int fresh_proc(const struct wake *w, struct perr *e)
{
	_cleanup_close_ int own = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	char buf[sizeof(e->msg) + 1];
	int sv[2], fd = -1, status, err;
	ssize_t n;
	pid_t pid;

	if (own < 0 || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return perr_set(e, errno, "fresh /proc");
	if (setns(w->cpidfd, CLONE_NEWPID) < 0) {
		close(sv[0]);
		close(sv[1]);
		return perr_set(e, errno, "enter the jail's new PID namespace");
	}
	pid = fork();
	if (pid == 0) {
		struct perr ce = { 0 };
		close(sv[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		if (fresh_proc_here(w, &ce) < 0)
			fail_to(sv[1], &ce);
		_exit(send_msg_fd(sv[1], "K", -1) < 0 ? 1 : 0);
	}
	err = errno;
	close(sv[1]);
	if (setns(own, CLONE_NEWPID) < 0) {
		/* Any later fork would land in the jail: host_pidns_ok() refuses one now. */
		if (pid > 0)
			kill(pid, SIGKILL);
		close(sv[0]);
		return perr_set(e, errno, "return to the host's PID namespace");
	}
	if (pid < 0) {
		close(sv[0]);
		return perr_set(e, err, "fork");
	}
	n = recv_msg_fd(sv[0], buf, sizeof(buf), &fd);
	close(sv[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n > 0 && buf[0] == 'K')
		return 0;
	if (n > 0 && buf[0] == 'E')
		return perr_setx(e, EIO, "%s", buf + 1);
	return perr_setx(e, ECHILD, "the jail's fresh /proc: its helper failed");
}

/* ---- the host ---- */

static void wake_close(struct wake *w)
{
	int fds[] = { w->hold[0], w->hold[1], w->h1[0], w->h1[1], w->cs[0], w->cs[1],
		      w->null, w->cgfd, w->h1pidfd, w->cpidfd, w->c.listen, w->c.log, w->c.exe };

	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		closep(&fds[i]);
	mount_fs_close(&w->nsfs);
	free(w->lim);
	w->lim = NULL;
	pin_set_close(&w->pins);
	watch_handles_close(&w->watch);
}

/* Everything C and H1 need, opened before the fork. */
static int wake_prepare(struct registry *reg, struct wake *w, struct perr *e)
{
	struct jail_record *rec = w->rec;

	if (pin_open(rec->jid, &w->pins, e) < 0)
		return -1;
	w->c.rec = rec;
	w->c.idle = true;
	if (rec->has_policy)
		w->c.policy = rec->policy;
	else
		jail_policy_from_params(&w->c.policy, &rec->params);
	if (priv_filter(&w->c.policy, &w->c.filter, e) < 0 || hooks_consolelog(rec, reg, &w->c.log, e) < 0)
		return -1;
	w->c.exe = jail_open_init_binary(e);
	if (w->c.exe < 0)
		return -1;
	w->null = open("/dev/null", O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (w->null < 0)
		return perr_set(e, errno, "/dev/null");
	w->lim = calloc(1, sizeof(*w->lim));
	if (!w->lim)
		return perr_set(e, ENOMEM, "limits");
	if (limits_from_params(&rec->params, rec->name, w->lim, e) < 0)
		return -1;
	watch_handles_open(&rec->cg, rec->name, &w->watch);
	w->c.watch = &w->watch;
	w->cgfd = cgroup_open_procs(&rec->cg, e);
	if (w->cgfd < 0)
		return -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, w->hold) < 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, w->h1) < 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, w->cs) < 0)
		return perr_set(e, errno, "socketpair");
	w->c.hold = w->hold[1];
	w->c.sync = w->cs[1];
	w->c.listen = ctl_listen(rec->jid, e);
	return w->c.listen < 0 ? -1 : 0;
}

/* H1's file systems of the jail's namespaces, until its 'D' (h1_send_ns_fs). */
static int recv_ns_fs(struct wake *w, struct perr *e)
{
	char buf[sizeof(e->msg) + 1];
	long slot;
	int fd = -1;

	while (recv_msg_fd(w->h1[0], buf, sizeof(buf), &fd) > 0) {
		if (buf[0] == 'D' && fd < 0)
			return 0;
		if (buf[0] == 'E') {
			closep(&fd);
			return perr_setx(e, EIO, "%s", buf + 1);
		}
		if (buf[0] != 'F' || fd < 0 || !parse_long(buf + 1, 0, MFS__COUNT - 1, &slot) || w->nsfs.fd[slot] >= 0) {
			closep(&fd);
			return perr_setx(e, EPROTO, "start jailinit: unexpected message");
		}
		w->nsfs.fd[slot] = TAKE_FD(fd);
	}
	return perr_setx(e, ECHILD, "jailinit failed to start");
}

/* Until EOF on C's sync: 'R' and then the close-on-exec closing it means jailinit runs. */
static int wait_ready(struct wake *w, struct perr *e)
{
	char buf[sizeof(e->msg) + 1];
	bool ready = false;
	int fd;

	closep(&w->cs[1]);
	while (recv_msg_fd(w->cs[0], buf, sizeof(buf), &fd) > 0) {
		closep(&fd);
		if (buf[0] == 'E')
			return perr_setx(e, EIO, "%s", buf + 1);
		ready = buf[0] == 'R';
	}
	if (!ready || pidfd_wait_exit(w->cpidfd, 0))
		return perr_setx(e, ECHILD, "jailinit failed to start");
	return 0;
}

/* H1 started, placed, and C's pid and pidfd from it; the record gets C at once. */
static int start_c(struct registry *reg, struct wake *w, struct perr *e)
{
	char buf[sizeof(e->msg) + 1];
	long pid;
	int fd = -1;

	w->h1pid = clone_into_cgroup(w->cgfd, 0, &w->h1pidfd);
	if (w->h1pid == 0)
		h1_main(w);
	if (w->h1pid < 0)
		return perr_set(e, errno, "start jailinit");
	closep(&w->h1[1]);
	if (cg_join(&w->rec->cg, w->h1pid, e) < 0)
		return -1;
	if (send_msg_fd(w->h1[0], "G", -1) < 0)
		return perr_set(e, errno, "start jailinit");
	if (recv_msg_fd(w->h1[0], buf, sizeof(buf), &fd) <= 0)
		return perr_setx(e, ECHILD, "jailinit failed to start");
	if (buf[0] == 'E') {
		closep(&fd);
		return perr_setx(e, EIO, "%s", buf + 1);
	}
	if (buf[0] != 'C' || fd < 0 || !parse_long(buf + 1, 2, INT32_MAX, &pid)) {
		closep(&fd);
		return perr_setx(e, EPROTO, "start jailinit: unexpected message");
	}
	w->cpidfd = fd;
	w->rec->init_pid = (pid_t)pid;
	w->rec->init_start = proc_start_time((pid_t)pid);
	return registry_write(reg, w->rec, NULL, e);
}

/*
 * A fresh IPC namespace (fresh_ipc_needed) gets the jail's IPC limits, as
 * at creation, before anything but jailinit runs in it, and is pinned, so
 * that what the jail leaves there outlives this jailinit (ipcidle.h).
 */
static int pin_fresh_ipc(const struct wake *w, struct perr *e)
{
	_cleanup_close_ int fd = -1;
	char path[64];

	if (!fresh_ipc_needed(w))
		return 0;
	if (limits_apply_ipc(w->cpidfd, (uid_t)w->rec->uid_base, w->lim, NULL, e) < 0)
		return -1;
	/* jailinit still alive after the open: the pid was its. */
	snprintf(path, sizeof(path), "/proc/%d/ns/ipc", (int)w->rec->init_pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || pidfd_wait_exit(w->cpidfd, 0))
		return perr_set(e, fd < 0 ? errno : ESRCH, "the jail's IPC namespace");
	return pin_put(w->rec->jid, PIN_IPC, fd, e);
}

/* The rules jailinit watches, as at creation (none: nothing is sent). */
static int send_rules(const struct wake *w, struct perr *e)
{
	return w->lim->nwatch ? watch_send(w->hold[0], w->rec, w->lim, e) : 0;
}

/* A jail with child jails says so to its fresh jailinit, which then stays for them when it is not persistent. */
static int send_children(const struct wake *w, struct perr *e)
{
	long n = param_int(&w->rec->params, P_CHILDREN_CUR);
	char msg[32], reply[16];

	if (n <= 0)
		return 0;
	snprintf(msg, sizeof(msg), "children %ld", n);
	return ctl_request(w->hold[0], msg, reply, sizeof(reply), 2000, e);
}

static void stop_children(struct wake *w)
{
	if (w->cpidfd >= 0)
		syscall(SYS_pidfd_send_signal, w->cpidfd, SIGKILL, NULL, 0);
	if (w->h1pidfd >= 0) {
		syscall(SYS_pidfd_send_signal, w->h1pidfd, SIGKILL, NULL, 0);
		waitpid(w->h1pid, NULL, 0);
	}
}

int jail_wake_locked(struct registry *reg, struct jail_record *rec, struct jail_hold *ret, struct perr *e)
{
	struct wake w = { .rec = rec,
			  .hold = { -1, -1 },
			  .h1 = { -1, -1 },
			  .cs = { -1, -1 },
			  .null = -1,
			  .cgfd = -1,
			  .h1pidfd = -1,
			  .cpidfd = -1,
			  .c = { .listen = -1, .log = -1, .exe = -1, .hold = -1, .parent_hold = -1, .sync = -1 } };
	pid_t old_pid = rec->init_pid;
	unsigned long long old_start = rec->init_start;
	int r = -1;
	bool refused = false;

	*ret = JAIL_HOLD_NONE;
	pin_set_init(&w.pins);
	mount_fs_init(&w.nsfs);
	if (wake_prepare(reg, &w, e) == 0 && start_c(reg, &w, e) == 0 && recv_ns_fs(&w, e) == 0 && fresh_proc(&w, e) == 0 &&
	    send_msg_fd(w.cs[0], "P", -1) == 0 && wait_ready(&w, e) == 0) {
		/* jailinit runs: H1 may go, and C is no longer its to take along. */
		closep(&w.h1[0]);
		waitpid(w.h1pid, NULL, 0);
		closep(&w.h1pidfd);
		(void)idrange_note_wake(rec, old_pid, old_start);
		if (pin_fresh_ipc(&w, e) < 0) {
			r = -1;
		} else if (send_rules(&w, e) == 0 && send_children(&w, e) == 0) {
			ret->fd = TAKE_FD(w.hold[0]);
			r = 0;
		} else {
			/* jailinit's refusal of a rule says all there is to say, as at creation. */
			refused = true;
		}
	} else if (!e->msg[0]) {
		perr_set(e, errno, "start jailinit");
	}
	if (r < 0)
		stop_children(&w);
	wake_close(&w);
	return r < 0 && !refused ? perr_prefix(e, "jail \"%s\": wake", rec->name) : r;
}

/* Under the lock: the jail as it is now, woken unless another command woke it first (1 then). */
static int wake_fresh(struct jail_record *rec, bool dying_ok, struct jail_hold *ret, struct perr *e)
{
	_cleanup_record_ struct jail_record now = { 0 };
	struct registry reg;
	char key[16];
	int r;

	if (registry_open(&reg, true, e) < 0)
		return -1;
	snprintf(key, sizeof(key), "%d", rec->jid);
	r = jail_find_locked(&reg, key, &now, e);
	if (r == 0 && now.state == JS_DYING && !dying_ok)
		r = perr_setx(e, EBUSY, "jail \"%s\" is dying", rec->name);
	if (r == 0 && jail_awake(&now))
		r = 1;
	else if (r == 0 && !jail_may_idle(&now.params))
		r = perr_setx(e, ENOENT, "jail \"%s\" not found", rec->name);
	else if (r == 0)
		r = jail_wake_locked(&reg, &now, ret, e);
	if (r >= 0) {
		rec->init_pid = now.init_pid;
		rec->init_start = now.init_start;
	}
	registry_close(&reg);
	return r;
}

int jail_hold_if_awake(const struct jail_record *rec, struct jail_hold *ret, struct perr *e)
{
	_cleanup_close_ int pidfd = -1;
	struct perr why = { 0 };

	*ret = JAIL_HOLD_NONE;
	if (jail_awake(rec) && ctl_hold(rec, ret, &why) == 0)
		return 1;
	if (why.err == EBUSY) {
		*e = why;
		return -1;
	}
	/* A jailinit that has just said idle is on its way out. */
	pidfd = jail_open_init(rec);
	if (pidfd >= 0 && !pidfd_wait_exit(pidfd, 1000))
		return perr_setx(e, EAGAIN, "jail \"%s\": its jailinit does not answer", rec->name);
	return 0;
}

int jail_hold_awake(struct jail_record *rec, bool dying_ok, struct jail_hold *ret, struct perr *e)
{
	*ret = JAIL_HOLD_NONE;
	if (!jail_may_idle(&rec->params))
		return ctl_hold(rec, ret, e);
	for (int tries = 0; tries < 4; tries++) {
		struct perr why = { 0 };
		int r = jail_hold_if_awake(rec, ret, &why);
		if (r == 1)
			return 0;
		if (r < 0 && why.err != EAGAIN) {
			*e = why;
			return -1;
		}
		/* Gone (or still going: a fresh look under the lock tells): a fresh one. */
		r = wake_fresh(rec, dying_ok, ret, e);
		if (r <= 0)
			return r;
	}
	return perr_setx(e, EAGAIN, "jail \"%s\": its jailinit does not answer", rec->name);
}
