/*
 * Pins: an idle jail's namespaces kept without a process of its own.
 *
 * A namespace lives while something refers to it: a process in it, an
 * open descriptor, or a bind mount of its nsfs file.  A process costs
 * ~100 KiB and a host mount per jail grows the host's mount table (and the
 * time of every mount, umount and /proc/self/mountinfo read on it), so
 * neither keeps them.  Instead prison has one mount namespace of its own,
 * the pin namespace: it holds nothing but one tmpfs, and in that tmpfs one
 * directory per pinned jail with one nsfs bind mount per namespace (UTS,
 * network; IPC while it holds anything, ipcidle.h; user where UTS does not
 * imply it) and, in place of a mount namespace, a copy of
 * the jail's tree as its builder made it (mntns.h), without its /proc and
 * the file systems of its own namespaces (devpts, mqueue, cgroup2).
 * The host's mount table holds two mounts for all jails together:
 *
 *   RUNDIR/pins      the same tmpfs, mounted in the host too: the host
 *                    sees each jail's directory and its empty files, never
 *                    the mounts over them, which live in the pin namespace
 *                    alone.  Whether a jail is pinned is one stat there.
 *   RUNDIR/pins/.ns  an nsfs bind mount of the pin namespace itself, over
 *                    a file of that tmpfs, in the host's namespace only: it
 *                    keeps the pin namespace (and so every pin) while no
 *                    process is in it.
 *
 * What the kernel requires, and how this meets it:
 * - A mount namespace's nsfs file may be bind-mounted only into a mount
 *   namespace with a lower id (fs/namespace.c, mnt_ns_loop), so that
 *   namespaces cannot pin each other in a loop.  Ids are not given in the
 *   order namespaces are made (this kernel line hands them out in per-CPU
 *   batches), so no jail's mount namespace is pinned: its tree is, and a
 *   namespace with that tree as root is made again at each wake
 *   (template_of).  The host's namespace, made at boot, has the lowest id
 *   of all and pins the pin namespace.
 * - Copying a mount namespace (unshare, clone) leaves out mounts of mount
 *   namespace files, so a builder that copies the host's namespace later
 *   does not drag RUNDIR/pins/.ns along; a recursive copy of a tree
 *   (open_tree, the root of a path=/ jail) would, and then be refused for
 *   the loop it would make.  The pins mount is unbindable, which such a
 *   copy leaves out with all beneath it, and is so before the first .ns
 *   is mounted on it.  And unbindable, with the tmpfs pivoted into while
 *   private, it propagates nowhere.
 * - The pin namespace starts as a copy of the host's; it is made private
 *   and pivoted onto the pins tmpfs with the old root detached, so it holds
 *   no host file system busy.
 * - A bind mount of an nsfs file is made with open_tree(OPEN_TREE_CLONE) on
 *   the namespace's descriptor, which the kernel allows for nsfs whatever
 *   mount namespace the descriptor came from, and move_mount into the pin
 *   namespace, joined by a short-lived child (setns needs a process of its
 *   own: the caller's root and working directory must not move).  The
 *   tree arrives detached (open_tree of the builder's root, recursive) and
 *   is moved in the same way.
 * - A mount namespace holds at most fs.mount-max mounts (100,000 by
 *   default) and an idle jail costs some thirty there on a small root,
 *   so one pin namespace holds about 3,000 jails.  When the kernel
 *   refuses a pin with ENOSPC the pin goes to the next pin namespace,
 *   RUNDIR/pins/.ns.1 and on (one more host mount each), made when all are
 *   full; the jail's directory names its namespace in a symbolic link "ns".
 */
#include "pin.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/sysinfo.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "pinns.h"
#include "runtime.h"
#include "util.h"

static const char *const pin_names[PIN__COUNT] = {
	[PIN_NET] = "net", [PIN_MNT] = "root",      [PIN_UTS] = "uts",
	[PIN_IPC] = "ipc", [PIN_CGROUP] = "cgroup", [PIN_USER] = "user",
};

static const int pin_types[PIN__COUNT] = {
	[PIN_NET] = CLONE_NEWNET, [PIN_MNT] = CLONE_NEWNS,	   [PIN_UTS] = CLONE_NEWUTS,
	[PIN_IPC] = CLONE_NEWIPC, [PIN_CGROUP] = CLONE_NEWCGROUP, [PIN_USER] = CLONE_NEWUSER,
};

int pin_nstype(enum pin_ns i)
{
	return pin_types[i];
}

bool pin_kept(int i)
{
	return i != PIN_CGROUP;
}

/* A slot a pin may lack: found another way (user), made at the wake (cgroup), or dropped while empty (IPC). */
static bool may_lack(int i)
{
	return i == PIN_USER || i == PIN_IPC || !pin_kept(i);
}

void pin_set_init(struct pin_set *s)
{
	for (int i = 0; i < PIN__COUNT; i++)
		s->fd[i] = -1;
}

void pin_set_close(struct pin_set *s)
{
	for (int i = 0; i < PIN__COUNT; i++)
		closep(&s->fd[i]);
	pin_set_init(s);
}

bool pin_exists_in(const char *rundir, int jid)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/pins/%d", rundir, jid);
	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool pin_exists(int jid)
{
	return pin_exists_in(runtime_rundir(), jid);
}

/*
 * The jail's tree without its /proc, nor the file systems of its own
 * namespaces: the proc of a PID namespace that will die, and its masks,
 * are no use to a fresh jailinit, which gets a new one (wake.c), and would
 * hold the dead namespace and most of the mounts; devpts, mqueue and
 * cgroup2 are made again at each wake (mount_make_ns_filesystems), so an
 * idle jail keeps no superblock, root or mount of theirs.
 */
static int bind_tree(int jid, int tree, int sock)
{
	static const char *const dropped[] = { "proc", "dev/pts", "dev/mqueue", "sys/fs/cgroup" };
	char target[64], path[96];

	snprintf(target, sizeof(target), "/%d/%s", jid, pin_names[PIN_MNT]);
	if (move_mount(tree, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return pin_child_fail(sock, "the jail's tree");
	for (size_t i = 0; i < ARRAY_SIZE(dropped); i++) {
		snprintf(path, sizeof(path), "%s/%s", target, dropped[i]);
		if (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL && errno != ENOENT)
			return pin_child_fail(sock, "the jail's tree without its /proc, /dev/pts, /dev/mqueue and /sys/fs/cgroup");
	}
	return 0;
}

/*
 * Is the user namespace the UTS namespace's owner?  Then the UTS pin keeps
 * it (a namespace holds its owner), NS_GET_USERNS finds it again, and it
 * needs no pin of its own: a mount and two inodes less per idle jail.
 */
static bool user_implied(const struct pin_set *s)
{
	_cleanup_close_ int owner = ioctl(s->fd[PIN_UTS], NS_GET_USERNS);
	struct stat a, b;

	return owner >= 0 && fstat(owner, &a) == 0 && fstat(s->fd[PIN_USER], &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

static int bind_task(int jid, const void *arg, int sock)
{
	const struct pin_set *in = arg;
	char target[64];

	for (int i = 0; i < PIN__COUNT; i++) {
		_cleanup_close_ int t = -1;
		if ((i == PIN_USER && user_implied(in)) || !pin_kept(i))
			continue;
		if (i == PIN_MNT) {
			if (bind_tree(jid, in->fd[i], sock) < 0)
				return -1;
			continue;
		}
		t = open_tree(in->fd[i], "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
		snprintf(target, sizeof(target), "/%d/%s", jid, pin_names[i]);
		if (t < 0 || move_mount(t, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
			return pin_child_fail(sock, pin_names[i]);
	}
	return 0;
}

static int open_task(int jid, const void *in, int sock)
{
	char path[64], tag[8];

	(void)in;
	for (int i = 0; i < PIN__COUNT; i++) {
		_cleanup_close_ int fd = -1;
		snprintf(path, sizeof(path), "/%d/%s", jid, pin_names[i]);
		/* The tree as a detached copy, made a template again by the host (template_of). */
		if (i == PIN_MNT)
			fd = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
		else
			fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		/*
		 * No user pin: the UTS namespace's owner is the jail's (user_implied),
		 * found by the host.  No cgroup pin: made anew at the wake (pin_kept);
		 * a jail pinned by an older prison still has one, and it is used.
		 * No IPC pin: dropped while it held nothing (pin_drop), made anew
		 * at the wake.
		 */
		if (fd < 0 && errno == ENOENT && may_lack(i))
			continue;
		snprintf(tag, sizeof(tag), "F%d", i);
		if (fd < 0 || send_msg_fd(sock, tag, fd) < 0)
			return pin_child_fail(sock, pin_names[i]);
	}
	return 0;
}

static int unbind_task(int jid, const void *in, int sock)
{
	char path[64];

	(void)in;
	(void)sock;
	for (int i = 0; i < PIN__COUNT; i++) {
		snprintf(path, sizeof(path), "/%d/%s", jid, pin_names[i]);
		(void)umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW);
	}
	return 0;
}

/* The jail's directory in the pins: made, with one empty file per namespace to mount on. */
static int make_dir(int pins, int jid, bool user, struct perr *e)
{
	char name[16];
	_cleanup_close_ int d = -1;

	snprintf(name, sizeof(name), "%d", jid);
	if (mkdirat(pins, name, 0700) < 0 && errno != EEXIST)
		return perr_set(e, errno, "pins/%s", name);
	d = openat(pins, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (d < 0)
		return perr_set(e, errno, "pins/%s", name);
	for (int i = 0; i < PIN__COUNT; i++) {
		if ((i == PIN_USER && !user) || !pin_kept(i))
			continue;
		int fd = i == PIN_MNT ? mkdirat(d, pin_names[i], 0700) < 0 && errno != EEXIST ? -1 : 0
				      : openat(d, pin_names[i], O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			return perr_set(e, errno, "pins/%s/%s", name, pin_names[i]);
		if (fd > 0)
			close(fd);
	}
	return 0;
}
int pin_prepare(struct perr *e)
{
	_cleanup_close_ int pins = pins_dir(true, e), ns = -1;

	if (pins < 0)
		return -1;
	ns = pinns_get(0, e);
	return ns < 0 ? -1 : 0;
}

/* Pin jid into namespace k: 0, -1 with e set, or ENOSPC (e untouched) when that namespace is full. */
static int pin_into(int pins, int k, int jid, const struct pin_set *s, struct perr *e)
{
	struct perr full = { 0 };
	_cleanup_close_ int ns = pinns_get(k, e);

	if (ns < 0 || pinns_note_shard(pins, jid, k, e) < 0)
		return -1;
	if (pinns_run(ns, bind_task, jid, s, NULL, &full) == 0)
		return 0;
	/* What went in before the namespace was full comes out again. */
	(void)pinns_run(ns, unbind_task, jid, NULL, NULL, &(struct perr){ 0 });
	if (full.err == ENOSPC)
		return ENOSPC;
	*e = full;
	return -1;
}

int pin_add(int jid, const struct pin_set *s, struct perr *e)
{
	_cleanup_close_ int pins = pins_dir(false, e);
	int first, r = ENOSPC;

	if (pins < 0)
		return -1;
	if (make_dir(pins, jid, !user_implied(s), e) < 0) {
		pin_remove(jid);
		return -1;
	}
	/*
	 * A mount namespace holds at most fs.mount-max mounts, and an idle
	 * jail takes some thirty: when one is full (the kernel says ENOSPC)
	 * the pin goes to the next, made when none has room.  The one that
	 * took the last pin is tried first, so a full one costs nothing.
	 */
	/* ".last": the pin namespace the last pin went to. */
	first = pinns_read_shard(pins, ".last");
	for (int i = 0; i < PIN_SHARDS && r == ENOSPC; i++) {
		int k = i == 0 ? first : i <= first ? i - 1 : i;
		r = pin_into(pins, k, jid, s, e);
		if (r == 0 && k != first)
			(void)pinns_write_shard(pins, ".last", k);
	}
	if (r == ENOSPC)
		perr_setx(e, ENOSPC, "jail %d: pin: every pin namespace is full (fs.mount-max mounts each)", jid);
	if (r != 0) {
		pin_remove(jid);
		return -1;
	}
	return 0;
}

/* The template's first process: a private copy of the host's namespace with the tree as its root. */
static __attribute__((noreturn)) void template_child(int tree, int sock)
{
	_cleanup_close_ int procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int nsfd;

	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (procfd < 0 || unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		_exit(pin_child_fail(sock, "the template's mount namespace") ? 1 : 0);
	/* As the builder did: the tree stacked over the old root, pivoted into, the old root detached. */
	if (move_mount(tree, "", AT_FDCWD, "/", MOVE_MOUNT_F_EMPTY_PATH) < 0 || fchdir(tree) < 0 ||
	    syscall(SYS_pivot_root, ".", ".") < 0 || umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		_exit(pin_child_fail(sock, "the template's root") ? 1 : 0);
	nsfd = openat(procfd, "thread-self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (nsfd < 0 || send_msg_fd(sock, "F", nsfd) < 0)
		_exit(pin_child_fail(sock, "the template's namespace") ? 1 : 0);
	_exit(0);
}

/*
 * The mount namespace a fresh jailinit copies its own from: made anew at
 * each wake from the pinned tree, owned by the host's user namespace.  A
 * mount namespace itself is not pinned: the kernel lets one be pinned
 * only in a namespace with a lower id (mnt_ns_loop), and on this kernel
 * line namespace ids are handed out in per-CPU batches, so a namespace
 * made later can have the lower id.  Mounts have no such rule.
 */
static int template_of(int *tree, struct perr *e)
{
	char msg[160];
	int sv[2], fd = -1, status;
	ssize_t n;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return perr_set(e, errno, "socketpair");
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		template_child(*tree, sv[1]);
	}
	close(sv[1]);
	n = pid < 0 ? -1 : recv_msg_fd(sv[0], msg, sizeof(msg), &fd);
	close(sv[0]);
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	closep(tree);
	if (n > 0 && msg[0] == 'F' && fd >= 0) {
		*tree = fd;
		return 0;
	}
	closep(&fd);
	return perr_setx(e, EIO, "the jail's template: %s", n > 0 && msg[0] == 'E' ? msg + 1 : "its helper failed");
}

int pin_open(int jid, struct pin_set *ret, struct perr *e)
{
	struct perr none = { 0 };
	_cleanup_close_ int pins = pins_dir(false, &none), ns = -1;

	pin_set_init(ret);
	if (pins >= 0)
		ns = pinns_open(pinns_shard_of(pins, jid));
	if (ns < 0 || !pin_exists(jid))
		return perr_setx(e, ENOENT, "jail %d: its namespaces are not pinned", jid);
	if (pinns_run(ns, open_task, jid, NULL, ret, e) < 0 || template_of(&ret->fd[PIN_MNT], e) < 0)
		goto fail;
	if (ret->fd[PIN_USER] < 0 && ret->fd[PIN_UTS] >= 0)
		ret->fd[PIN_USER] = ioctl(ret->fd[PIN_UTS], NS_GET_USERNS);
	for (int i = 0; i < PIN__COUNT; i++)
		if ((ret->fd[i] < 0 && !may_lack(i)) || (ret->fd[i] >= 0 && ioctl(ret->fd[i], NS_GET_NSTYPE) != pin_types[i])) {
			perr_setx(e, EINVAL, "jail %d: pin %s is not a %s namespace", jid, pin_names[i], pin_names[i]);
			goto fail;
		}
	return 0;
fail:
	pin_set_close(ret);
	return -1;
}

struct tree_job {
	pin_tree_fn fn;
	void *arg;
};

/* In the pin namespace: fn on the root of jid's pinned tree, its error sent home. */
static int tree_task(int jid, const void *in, int sock)
{
	const struct tree_job *job = in;
	struct perr e = { 0 };
	char path[64], msg[sizeof(e.msg) + 16];
	_cleanup_close_ int root = -1;

	/* Every name up to the tree's root is the pin namespace's own tmpfs: nothing of the jail's. */
	snprintf(path, sizeof(path), "/%d/%s", jid, pin_names[PIN_MNT]);
	root = open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (root < 0)
		return pin_child_fail(sock, "the jail's tree");
	if (job->fn(root, job->arg, &e) == 0)
		return 0;
	snprintf(msg, sizeof(msg), "E%d %s", e.err ? e.err : EIO, e.msg);
	(void)send_msg_fd(sock, msg, -1);
	return -1;
}

int pin_tree_do(int jid, pin_tree_fn fn, void *arg, struct perr *e)
{
	struct perr none = { 0 };
	struct tree_job job = { .fn = fn, .arg = arg };
	_cleanup_close_ int pins = pins_dir(false, &none), ns = -1;

	if (pins >= 0)
		ns = pinns_open(pinns_shard_of(pins, jid));
	if (ns < 0 || !pin_exists(jid))
		return perr_setx(e, ENOENT, "jail %d: its namespaces are not pinned", jid);
	return pinns_run(ns, tree_task, jid, &job, NULL, e);
}

struct slot_job {
	enum pin_ns slot;
	int fd;
};

static int put_task(int jid, const void *in, int sock)
{
	const struct slot_job *job = in;
	_cleanup_close_ int t = open_tree(job->fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	char target[64];

	snprintf(target, sizeof(target), "/%d/%s", jid, pin_names[job->slot]);
	if (t < 0 || move_mount(t, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return pin_child_fail(sock, pin_names[job->slot]);
	return 0;
}

static void slot_file(int jid, enum pin_ns slot, char *buf, size_t len)
{
	snprintf(buf, len, "%d/%s", jid, pin_names[slot]);
}

int pin_put(int jid, enum pin_ns slot, int fd, struct perr *e)
{
	_cleanup_close_ int pins = pins_dir(false, e), ns = -1, file = -1;
	struct slot_job job = { .slot = slot, .fd = fd };
	char name[32];

	if (pins < 0)
		return -1;
	if (slot == PIN_MNT || ioctl(fd, NS_GET_NSTYPE) != pin_types[slot])
		return perr_setx(e, EINVAL, "jail %d: pin: not a %s namespace", jid, pin_names[slot]);
	ns = pinns_open(pinns_shard_of(pins, jid));
	if (ns < 0 || !pin_exists(jid))
		return perr_setx(e, ENOENT, "jail %d: its namespaces are not pinned", jid);
	slot_file(jid, slot, name, sizeof(name));
	file = openat(pins, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (file < 0)
		return perr_set(e, errno, "pins/%s", name);
	if (pinns_run(ns, put_task, jid, &job, NULL, e) < 0) {
		(void)unlinkat(pins, name, 0);
		return -1;
	}
	return 0;
}

static int open_slot_task(int jid, const void *in, int sock)
{
	const struct slot_job *job = in;
	char path[64], tag[8];
	_cleanup_close_ int fd = -1;

	snprintf(path, sizeof(path), "/%d/%s", jid, pin_names[job->slot]);
	snprintf(tag, sizeof(tag), "F%d", (int)job->slot);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || send_msg_fd(sock, tag, fd) < 0)
		return pin_child_fail(sock, pin_names[job->slot]);
	return 0;
}

int pin_open_slot(int jid, enum pin_ns slot, struct perr *e)
{
	struct perr none = { 0 };
	_cleanup_close_ int pins = pins_dir(false, &none), ns = -1;
	struct slot_job job = { .slot = slot, .fd = -1 };
	struct pin_set got;
	int fd;

	pin_set_init(&got);
	if (pins >= 0)
		ns = pinns_open(pinns_shard_of(pins, jid));
	if (slot == PIN_MNT || ns < 0 || !pin_exists(jid))
		return perr_setx(e, ENOENT, "jail %d: its namespaces are not pinned", jid);
	if (pinns_run(ns, open_slot_task, jid, &job, &got, e) < 0)
		return -1;
	fd = TAKE_FD(got.fd[slot]);
	pin_set_close(&got);
	if (fd < 0 || ioctl(fd, NS_GET_NSTYPE) != pin_types[slot]) {
		closep(&fd);
		return perr_setx(e, EINVAL, "jail %d: pin %s is not a %s namespace", jid, pin_names[slot], pin_names[slot]);
	}
	return fd;
}

void pin_drop(int jid, enum pin_ns slot)
{
	struct perr ignore = { 0 };
	_cleanup_close_ int pins = pins_dir(false, &ignore);
	char name[32];

	/*
	 * The file is the mount point in the pin namespace: unlinked from the
	 * host's view of the same tmpfs, the kernel detaches the mount on it
	 * in every other namespace (Linux 3.18 and later), so no child joins
	 * the pin namespace for this.
	 */
	slot_file(jid, slot, name, sizeof(name));
	if (pins >= 0 && slot != PIN_MNT)
		(void)unlinkat(pins, name, 0);
}

bool pin_has(int jid, enum pin_ns slot)
{
	struct perr ignore = { 0 };
	_cleanup_close_ int pins = pins_dir(false, &ignore);
	char name[32];
	struct stat st;

	slot_file(jid, slot, name, sizeof(name));
	return pins >= 0 && fstatat(pins, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

void pin_remove(int jid)
{
	struct perr ignore = { 0 };
	_cleanup_close_ int pins = -1, ns = -1, d = -1;
	char name[16];

	if (!pin_exists(jid))
		return;
	pins = pins_dir(false, &ignore);
	if (pins < 0)
		return;
	ns = pinns_open(pinns_shard_of(pins, jid));
	if (ns >= 0)
		(void)pinns_run(ns, unbind_task, jid, NULL, NULL, &ignore);
	snprintf(name, sizeof(name), "%d", jid);
	d = openat(pins, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	for (int i = 0; d >= 0 && i < PIN__COUNT; i++)
		(void)unlinkat(d, pin_names[i], i == PIN_MNT ? AT_REMOVEDIR : 0);
	if (d >= 0)
		(void)unlinkat(d, "ns", 0);
	(void)unlinkat(pins, name, AT_REMOVEDIR);
}

int pin_list(int **ret, size_t *ret_n, struct perr *e)
{
	struct perr none = { 0 };
	_cleanup_close_ int pins = pins_dir(false, &none);
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	size_t n = 0, cap = 0;
	int *v = NULL;

	*ret = NULL;
	*ret_n = 0;
	if (pins < 0 || !(d = opendir_at(pins)))
		return 0;
	while ((de = readdir(d))) {
		long jid;
		if (!parse_long(de->d_name, 1, 999999, &jid))
			continue;
		if (n == cap) {
			int *nv = realloc(v, (cap = cap ? cap * 2 : 16) * sizeof(int));
			if (!nv) {
				free(v);
				return perr_set(e, ENOMEM, "pins");
			}
			v = nv;
		}
		v[n++] = (int)jid;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}
