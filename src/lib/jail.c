#include "jail.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "ctl.h"
#include "fstab.h"
#include "hooks.h"
#include "jailnet.h"
#include "jailproc.h"
#include "limits.h"
#include "mount.h"
#include "priv.h"
#include "util.h"
#include "watch.h"

#define JAILINIT_REL "../libexec/prison/jailinit"
#define MAX_EXTRA_MOUNTS 64

int jail_init_binary(char *buf, size_t len, struct perr *e)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n < 0)
		return perr_set(e, errno, "/proc/self/exe");
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return perr_set(e, 0, "cannot locate jailinit");
	*slash = '\0';
	snprintf(buf, len, "%s/" JAILINIT_REL, self);
	return 0;
}

/* Add delta to the children.cur of jail parent (a jail of the host: nothing). */
static int count_child(struct registry *reg, int parent, int delta, struct perr *e)
{
	struct jail_record p;
	char num[16];
	long cur;
	int r;

	if (parent <= 0 || !registry_read(reg, parent, &p))
		return 0;
	cur = param_int(&p.params, P_CHILDREN_CUR) + delta;
	snprintf(num, sizeof(num), "%ld", cur < 0 ? 0 : cur);
	r = param_set(&p.params, P_CHILDREN_CUR, num, e);
	if (r == 0)
		r = registry_write(reg, &p, NULL, e);
	record_free(&p);
	return r;
}

/* jids of the records whose parent is jid. */
static int list_children(struct registry *reg, int jid, int **ret, size_t *ret_n, struct perr *e)
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

static void teardown(struct registry *reg, const struct jail_record *rec);

/*
 * Child jails of a jail that goes without jail -r (its jailinit died, or
 * its creation failed): cleared first, while their cgroups, which key
 * their address limits, are still there inside the parent's.
 */
static void teardown_children(struct registry *reg, int jid)
{
	struct jail_record now, child;
	struct perr e = { 0 };
	int *kids;
	size_t n;

	if (!registry_read(reg, jid, &now))
		return;
	n = (size_t)param_int(&now.params, P_CHILDREN_CUR);
	record_free(&now);
	if (n == 0 || list_children(reg, jid, &kids, &n, &e) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (registry_read(reg, kids[i], &child)) {
			teardown(reg, &child);
			record_free(&child);
		}
	free(kids);
}

/* Undo whatever of a jail exists: child jails, process tree, cgroup, control socket, record. */
static void teardown(struct registry *reg, const struct jail_record *rec)
{
	struct perr e = { 0 };
	int pidfd;

	if (rec->cg.leaf)
		teardown_children(reg, rec->jid);
	pidfd = jail_open_init(rec);
	if (pidfd >= 0) {
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
		close(pidfd);
	}
	/* Needs the cgroup still there: its id keys the address limits. */
	jailnet_release(rec);
	if (cgroup_exists(&rec->cg)) {
		(void)cgroup_kill(&rec->cg, &e);
		(void)cgroup_destroy(&rec->cg, 5000, &e);
	}
	ctl_unlink(rec->jid);
	/* The parent counted the child from its record's first write to its removal. */
	if (registry_remove(reg, rec) == 1)
		(void)count_child(reg, (int)param_int(&rec->params, P_PARENT), -1, &e);
}

/* Is the jail of this record gone (or its creation or removal abandoned)? */
static bool record_dead(const struct jail_record *r)
{
	switch (r->state) {
	case JS_CREATING:
		/* Its creator holds the lock until done: seen by a lock holder, it died on the way. */
		return true;
	case JS_DYING:
		return !process_alive(r->creator_pid, r->creator_start) ||
		       !process_alive(r->init_pid, r->init_start);
	default:
		return !process_alive(r->init_pid, r->init_start);
	}
}

/* A record whose jail is gone: clear what it left; true if it was. */
static bool clear_if_dead(struct registry *reg, const struct jail_record *r)
{
	if (!record_dead(r))
		return false;
	teardown(reg, r);
	return true;
}

/*
 * The full consistency pass, made by the commands that list every jail
 * anyway (jls, jail -r '*'): a record whose jailinit is gone, a creation or
 * removal whose command was killed, a cgroup or name with no record are
 * cleared.  Commands that name one jail check only that one (find_locked),
 * so their cost does not grow with the number of jails.
 */
static int sweep(struct registry *reg, struct jail_record **ret, size_t *ret_n, struct perr *e)
{
	struct jail_record *list;
	size_t n, live = 0;
	struct cg_path *cgs;
	size_t ncg;

	if (registry_list(reg, &list, &n, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct jail_record *r = &list[i];
		/*
		 * An active jail is judged by the cheap test here: a listing of
		 * thousands must not format /proc text for each.  Every command
		 * that acts on a jail checks it fully (find_locked).
		 */
		bool dead = r->state == JS_ACTIVE ? process_gone(r->init_pid) : record_dead(r);
		if (dead) {
			teardown(reg, r);
			record_free(r);
			continue;
		}
		list[live++] = *r;
	}
	registry_prune_names(reg, list, live);
	if (cgroup_list(&cgs, &ncg) == 0) {
		for (size_t i = 0; i < ncg; i++) {
			/* list is sorted by jid. */
			size_t lo = 0, hi = live;
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				if (list[mid].jid < cgs[i].jid)
					lo = mid + 1;
				else
					hi = mid;
			}
			bool known = lo < live && list[lo].jid == cgs[i].jid;
			if (known && strcmp(list[lo].cg.dir, cgs[i].dir) != 0) {
				/* A stale cgroup with a live jail's number elsewhere in the tree: only it goes. */
				struct perr ignore = { 0 };
				(void)cgroup_kill(&cgs[i], &ignore);
				(void)cgroup_destroy(&cgs[i], 5000, &ignore);
			} else if (!known) {
				/* Its path comes from the tree: a nested orphan goes with whatever is below it. */
				struct jail_record orphan = { .jid = cgs[i].jid, .cg = cgs[i] };
				teardown(reg, &orphan);
			}
		}
		free(cgs);
	}
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

	if (registry_open(&reg, true, e) < 0)
		return -1;
	r = sweep(&reg, ret, ret_n, e);
	registry_close(&reg);
	return r;
}

/*
 * One jail by jid or name, checked: a record left by a dead jail is cleared
 * and reported as not found.  A numeric key is a jid first, then a name.
 */
static int find_locked(struct registry *reg, const char *key, struct jail_record *ret, struct perr *e)
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
	if (found && clear_if_dead(reg, ret)) {
		record_free(ret);
		found = 0;
	}
	if (!found)
		return perr_set(e, 0, "jail \"%s\" not found", key);
	return 0;
}

int jail_find(const char *key, struct jail_record *ret, struct perr *e)
{
	struct registry reg;
	int r;

	if (registry_open(&reg, true, e) < 0)
		return -1;
	r = find_locked(&reg, key, ret, e);
	registry_close(&reg);
	return r;
}

/* ---- creation ---- */

struct init_child {
	int sync;       /* to the creator: 'E'+text on error, 'R' just before exec */
	int listen;     /* control socket, becomes fd 3 of jailinit */
	int hold;       /* creator's hold, becomes fd 4 */
	int exe;        /* jailinit binary, O_PATH */
	const struct jail_record *rec;
	struct jail_policy policy;
	const struct jail_filter *filter;
	int log;        /* exec.consolelog for jailinit's output, or -1 */
	const struct watch_handles *watch; /* counters and log handles, fds 7..11 */
};

static __attribute__((noreturn)) void child_fail(int sync, const struct perr *e)
{
	char msg[sizeof(e->msg) + 1];

	snprintf(msg, sizeof(msg), "E%s", e->msg);
	(void)send_msg_fd(sync, msg, -1);
	_exit(1);
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

/* Runs as PID 1 of the new namespaces, root of the jail's user namespace. */
static __attribute__((noreturn)) void init_child_main(struct init_child *c)
{
	struct perr e = { 0 };
	char buf[16];
	int rootfd = -1;
	struct jail_cred root;
	const struct paramset *ps = &c->rec->params;
	const char *host = param_str(ps, P_HOSTNAME), *domain = param_str(ps, P_DOMAINNAME);
	char persist[2] = { param_bool(ps, P_PERSIST) ? '1' : '0', '\0' };
	char *const argv[] = { "jailinit", persist, NULL };
	char *const envp[] = { "PATH=/sbin:/bin:/usr/sbin:/usr/bin", NULL };

	/* Until it execs, this process holds host descriptors: nobody in the jail may trace it. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* Wait for the id maps, then take the root fd the creator made. */
	if (recv_msg_fd(c->sync, buf, sizeof(buf), &rootfd) <= 0 || buf[0] != 'M' || rootfd < 0)
		_exit(1);
	/* Then the mounts of mount and mount.fstab, up to 'D'. */
	static struct mount_extra extra[MAX_EXTRA_MOUNTS];
	size_t nextra = 0;
	for (;;) {
		char msg[3400];
		int fd;
		if (recv_msg_fd(c->sync, msg, sizeof(msg), &fd) <= 0)
			_exit(1);
		if (msg[0] == 'D')
			break;
		struct mount_extra *x = &extra[nextra];
		char *f[5] = { 0 }, *save = NULL;
		int nf = 0;
		long kind, ro;
		for (char *t = strtok_r(msg + 1, "\t", &save); t && nf < 5; t = strtok_r(NULL, "\t", &save))
			f[nf++] = t;
		if (nextra == MAX_EXTRA_MOUNTS || nf < 3 || !parse_long(f[0], 0, 3, &kind) || !parse_long(f[1], 0, 1, &ro))
			child_fail(c->sync, (perr_set(&e, 0, "mount: bad request"), &e));
		x->fd = msg[0] == 'B' ? fd : -1;
		x->kind = (int)kind;
		x->readonly = ro != 0;
		snprintf(x->rel, sizeof(x->rel), "%s", f[2]);
		snprintf(x->options, sizeof(x->options), "%s", nf > 3 ? f[3] : "");
		snprintf(x->source, sizeof(x->source), "%s", nf > 4 ? f[4] : "");
		nextra++;
	}
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		child_fail(c->sync, (perr_set(&e, errno, "become root of the jail"), &e));
	if (unshare(CLONE_NEWCGROUP) < 0)
		child_fail(c->sync, (perr_set(&e, errno, "cgroup namespace"), &e));
	/* Before the pivot: the jail's /dev may have no null (devfs_ruleset=1). */
	int null = open("/dev/null", O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	struct mount_setup ms = { .rootfd = rootfd, .mqueue = jail_policy_private_ipc(&c->policy),
				  .own_net = jailnet_vnet(ps),
				  .devfs_ruleset = (int)param_int(ps, P_DEVFS_RULESET),
				  .extra = extra, .nextra = nextra };
	if (mount_build_jail(&ms, &e) < 0)
		child_fail(c->sync, &e);
	if (host && sethostname(host, strlen(host)) < 0)
		child_fail(c->sync, (perr_set(&e, errno, "sethostname"), &e));
	if (domain && setdomainname(domain, strlen(domain)) < 0)
		child_fail(c->sync, (perr_set(&e, errno, "setdomainname"), &e));
	/*
	 * Fixed descriptors for jailinit: 3 control socket, 4 creator's hold,
	 * 5 sync, 6 binary.  Lift them above 6 first, so that placing one
	 * cannot overwrite another that happens to sit at its target number.
	 */
	int fds[4] = { c->listen, c->hold, c->sync, c->exe };
	int log = c->log >= 0 ? fcntl(c->log, F_DUPFD_CLOEXEC, 16) : -1;
	for (int i = 0; i < 4; i++)
		if ((fds[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 16)) < 0)
			child_fail(c->sync, (perr_set(&e, errno, "dup"), &e));
	for (int i = 0; i < 4; i++)
		if (dup3(fds[i], 3 + i, i < 2 ? 0 : O_CLOEXEC) < 0)
			child_fail(c->sync, (perr_set(&e, errno, "dup"), &e));
	if (place_watch_fds(c->watch, &null) < 0)
		child_fail(5, (perr_set(&e, errno, "dup"), &e));
	/*
	 * jailinit outlives jail -c: it must not keep the creator's terminal or
	 * pipes open (a caller reading them would never see EOF).
	 */
	int out = log >= 0 ? log : null;
	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		child_fail(5, (perr_set(&e, errno, "/dev/null"), &e));
	cred_root(&root);
	if (jail_make_process(&c->policy, c->filter, &root, WATCH_FD_END, &e) < 0)
		child_fail(5, &e);
	(void)send_msg_fd(5, "R", -1);
	syscall(SYS_execveat, 6, "", argv, envp, AT_EMPTY_PATH);
	child_fail(5, (perr_set(&e, errno, "exec jailinit"), &e));
}

/* Prepare one mount line and hand it to the jail's first process. */
static int send_mount(const struct jail_record *rec, const char *line, int usernsfd, int sock, struct perr *e)
{
	struct fstab_entry f;
	char rel[1024], msg[3400];
	const char *path = param_str(&rec->params, P_PATH);
	_cleanup_close_ int fd = -1;
	int r = fstab_parse_line(line, &f, e);

	if (r <= 0)
		return r;
	if (fstab_relative_target(path, f.target, rel, sizeof(rel), e) < 0)
		return -1;
	if (strchr(rel, '\t') || strchr(f.options, '\t') || strchr(f.source, '\t'))
		return perr_set(e, 0, "mount %s: a tab inside a field", f.target);
	if (f.kind == FS_BIND) {
		/* Made on the host, so it can be idmapped like the root and made read-only here. */
		fd = mount_clone_bind(f.source, strcmp(path, "/") != 0 ? usernsfd : -1, f.readonly, e);
		if (fd < 0)
			return perr_prefix(e, "mount %s", f.target);
	}
	snprintf(msg, sizeof(msg), "%c%d\t%d\t%s\t%s\t%s", fd >= 0 ? 'B' : 'N', (int)f.kind, f.readonly, rel,
		 f.options, f.source);
	if (send_msg_fd(sock, msg, fd) < 0)
		return perr_set(e, errno, "mount %s", f.target);
	return 0;
}

/* mount.fstab, then mount, in order. */
static int send_mounts(const struct jail_record *rec, int usernsfd, int sock, struct perr *e)
{
	const char *fstab = param_str(&rec->params, P_MOUNT_FSTAB);
	char *const *lines = rec->params.v[P_MOUNT].argv;
	int n = 0;

	if (fstab) {
		char line[4096];
		FILE *f = fopen(fstab, "re");
		if (!f)
			return perr_set(e, errno, "mount.fstab %s", fstab);
		while (fgets(line, sizeof(line), f)) {
			int r = send_mount(rec, line, usernsfd, sock, e);
			if (r < 0) {
				fclose(f);
				return -1;
			}
			if (++n > MAX_EXTRA_MOUNTS) {
				fclose(f);
				return perr_set(e, 0, "mount.fstab %s: more than %d mounts", fstab, MAX_EXTRA_MOUNTS);
			}
		}
		fclose(f);
	}
	for (; lines && *lines; lines++) {
		if (send_mount(rec, *lines, usernsfd, sock, e) < 0)
			return -1;
		if (++n > MAX_EXTRA_MOUNTS)
			return perr_set(e, 0, "mount: more than %d mounts", MAX_EXTRA_MOUNTS);
	}
	return 0;
}

static int write_id_maps(pid_t pid, unsigned long base, struct perr *e)
{
	char path[64], map[64];

	snprintf(map, sizeof(map), "0 %lu %lu\n", base, JAIL_UID_RANGE);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	if (write_file_at(AT_FDCWD, path, map) < 0)
		return perr_set(e, errno, "write uid_map");
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
	if (write_file_at(AT_FDCWD, path, map) < 0)
		return perr_set(e, errno, "write gid_map");
	return 0;
}

static int open_path(const char *path, struct perr *e)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd;

	if (path[0] != '/')
		return perr_set(e, 0, "path \"%s\": not an absolute path", path);
	fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	if (fd < 0) {
		if (errno == ELOOP)
			return perr_set(e, 0, "path \"%s\": contains a symbolic link", path);
		return perr_set(e, errno, "path \"%s\"", path);
	}
	return fd;
}

/* The jid for a new jail: the one asked for if free, else the lowest free. */
static int pick_jid(struct registry *reg, long want, const char *name, struct perr *e)
{
	struct jail_record other;
	struct perr ignore = { 0 };
	int *pending;
	size_t npending;

	if (name && find_locked(reg, name, &other, &ignore) == 0) {
		record_free(&other);
		return perr_set(e, 0, "jail \"%s\" already exists", name);
	}
	if (want > 0) {
		if (registry_read(reg, (int)want, &other)) {
			bool dead = clear_if_dead(reg, &other);
			record_free(&other);
			if (!dead)
				return perr_set(e, 0, "jid %ld is in use", want);
		}
		return (int)want;
	}
	if (registry_pending(reg, &pending, &npending, e) < 0)
		return -1;
	/*
	 * A creation or removal marked pending while we hold the lock was
	 * abandoned, unless its remover still works on it: finish it now.
	 */
	for (size_t i = 0; i < npending; i++) {
		if (registry_read(reg, pending[i], &other)) {
			(void)clear_if_dead(reg, &other);
			record_free(&other);
		} else {
			(void)registry_mark_pending(reg, pending[i], false);
		}
	}
	free(pending);
	return registry_free_jid(reg);
}

/* Build the jail's namespaces and jailinit; returns the init pidfd. */
static int spawn_init(struct jail_record *rec, int pathfd, int exefd, int hold_child, struct perr *e)
{
	_cleanup_close_ int listenfd = -1, cgfd = -1, usernsfd = -1, rootfd = -1, logfd = -1;
	int sync[2];
	int pidfd = -1;
	char path[64], buf[sizeof(e->msg) + 1];
	_cleanup_watch_handles_ struct watch_handles watch = { 0 };
	struct init_child c = { .rec = rec, .hold = hold_child, .exe = exefd, .watch = &watch };
	unsigned long long flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS;
	pid_t pid;
	int fd, got_ready = 0;

	jail_policy_from_params(&c.policy, &rec->params);
	if (priv_filter(&c.policy, &c.filter, e) < 0)
		return -1;
	logfd = hooks_consolelog(rec, e);
	if (logfd == -2)
		return -1;
	c.log = logfd;
	if (jail_policy_private_ipc(&c.policy))
		flags |= CLONE_NEWIPC;
	/* Made inside the new user namespace, so jail root administers it and nothing of the host's. */
	if (jailnet_vnet(&rec->params))
		flags |= CLONE_NEWNET;
	listenfd = ctl_listen(rec->jid, e);
	if (listenfd < 0)
		return -1;
	watch_handles_open(&rec->cg, rec->name, &watch);
	cgfd = cgroup_open_procs(&rec->cg, e);
	if (cgfd < 0)
		return -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync) < 0)
		return perr_set(e, errno, "socketpair");
	c.sync = sync[1];
	c.listen = listenfd;
	pid = clone_into_cgroup(cgfd, flags, &pidfd);
	if (pid < 0) {
		close(sync[0]);
		close(sync[1]);
		if (errno == EINVAL || errno == ENOSPC || errno == EUSERS)
			return perr_set(e, errno, "create namespaces (are user namespaces enabled?)");
		return perr_set(e, errno, "create namespaces");
	}
	if (pid == 0) {
		close(sync[0]);
		init_child_main(&c);
	}
	close(sync[1]);
	rec->init_pid = pid;
	/* v1 controllers have no clone3 placement: in before it runs anything. */
	if (cg_join(&rec->cg, pid, e) < 0 || write_id_maps(pid, rec->uid_base, e) < 0)
		goto fail;
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	usernsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (usernsfd < 0) {
		perr_set(e, errno, "%s", path);
		goto fail;
	}
	/* path=/ shares the host's tree: no idmap, so the host's files stay out of jail root's reach. */
	rootfd = mount_clone_root(pathfd, strcmp(param_str(&rec->params, P_PATH), "/") ? usernsfd : -1, e);
	if (rootfd < 0)
		goto fail;
	if (send_msg_fd(sync[0], "M", rootfd) < 0) {
		perr_set(e, errno, "start jail");
		goto fail;
	}
	if (send_mounts(rec, usernsfd, sync[0], e) < 0 || send_msg_fd(sync[0], "D", -1) < 0) {
		if (!e->msg[0])
			perr_set(e, errno, "start jail");
		goto fail;
	}
	/* Until EOF: 'R' then close-on-exec closing the socket means jailinit runs. */
	while (recv_msg_fd(sync[0], buf, sizeof(buf), &fd) > 0) {
		if (fd >= 0)
			close(fd);
		if (buf[0] == 'E') {
			perr_set(e, 0, "%s", buf + 1);
			goto fail;
		}
		got_ready = buf[0] == 'R';
	}
	if (!got_ready || pidfd_wait_exit(pidfd, 0)) {
		perr_set(e, 0, "jailinit failed to start");
		goto fail;
	}
	close(sync[0]);
	rec->init_start = proc_start_time(pid);
	return pidfd;
fail:
	close(sync[0]);
	syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
	waitpid(pid, NULL, 0);
	close(pidfd);
	return -1;
}

int jail_create(const struct paramset *ps, struct jail_record *rec, int *ret_hold, struct perr *e)
{
	struct registry reg;
	_cleanup_close_ int pathfd = -1, exefd = -1;
	int hold[2] = { -1, -1 }, pidfd = -1;
	static struct jail_limits lim;
	char exe[PATH_MAX], host[256], pname[256];
	struct jail_record parent = { 0 };
	const char *name;
	long want = 0;
	int jid;

	memset(rec, 0, sizeof(*rec));
	*ret_hold = -1;
	if (param_copy(&rec->params, ps) < 0)
		return perr_set(e, ENOMEM, "parameters");
	if (!param_str(&rec->params, P_PATH) && param_set(&rec->params, P_PATH, "/", e) < 0)
		goto out_params;
	/* jailinit needs /proc, and a jail without /dev/null breaks most programs: both always come. */
	if (!param_bool(&rec->params, P_MOUNT_DEVFS) || !param_bool(&rec->params, P_MOUNT_PROCFS)) {
		perr_set(e, 0, "%s: a jail always has its own minimal /dev and /proc",
			 param_bool(&rec->params, P_MOUNT_DEVFS) ? "mount.noprocfs" : "mount.nodevfs");
		goto out_params;
	}
	pathfd = open_path(param_str(&rec->params, P_PATH), e);
	if (pathfd < 0)
		goto out_params;
	if (jail_init_binary(exe, sizeof(exe), e) < 0)
		goto out_params;
	exefd = open(exe, O_PATH | O_CLOEXEC);
	if (exefd < 0) {
		perr_set(e, errno, "%s", exe);
		goto out_params;
	}
	if (param_str(&rec->params, P_JID))
		want = param_int(&rec->params, P_JID);
	name = param_str(&rec->params, P_NAME);
	if (name && jail_check_name(name, (int)want, e) < 0 && (want > 0 || !parse_long(name, 1, 999999, &want)))
		goto out_params;

	/* Bad rules are refused before anything exists. */
	if ((name && limits_merge_conf(&rec->params, name, e) < 0) ||
	    limits_from_params(&rec->params, name ? name : "", &lim, e) < 0 || jailnet_settle(&rec->params, e) < 0)
		goto out_params;
	if (registry_open(&reg, true, e) < 0)
		goto out_params;
	/* web.php: a child of jail web, which must be there and have room for it. */
	if (name && jail_name_parent(name, pname, sizeof(pname))) {
		if (find_locked(&reg, pname, &parent, e) < 0)
			goto out_reg;
		if (parent.state != JS_ACTIVE) {
			perr_set(e, 0, "jail \"%s\" is dying", pname);
			goto out_parent;
		}
		if (param_int(&parent.params, P_CHILDREN_CUR) >= param_int(&parent.params, P_CHILDREN_MAX)) {
			perr_set(e, 0, "prison limit exceeded");
			goto out_parent;
		}
		if (!parent.cg.leaf) {
			perr_set(e, 0, "jail \"%s\" was created with children.max=0: its cgroup has no room for child jails",
				 pname);
			goto out_parent;
		}
	}
	jid = pick_jid(&reg, want, name, e);
	if (jid < 0)
		goto out_parent;
	rec->jid = jid;
	if (!name) {
		char num[16];
		snprintf(num, sizeof(num), "%d", jid);
		if (param_set(&rec->params, P_NAME, num, e) < 0)
			goto out_parent;
	} else if (jail_check_name(name, jid, e) < 0) {
		goto out_parent;
	}
	snprintf(rec->name, sizeof(rec->name), "%s", param_str(&rec->params, P_NAME));
	if (!param_str(&rec->params, P_HOSTNAME)) {
		/* As on FreeBSD, a new jail starts with its parent's host name. */
		if (gethostname(host, sizeof(host)) < 0)
			host[0] = '\0';
		host[sizeof(host) - 1] = '\0';
		if (param_set(&rec->params, P_HOSTNAME, host, e) < 0)
			goto out_parent;
	}
	{
		char num[16];
		snprintf(num, sizeof(num), "%d", jid);
		(void)param_set(&rec->params, P_JID, num, e);
		snprintf(num, sizeof(num), "%d", parent.jid);
		(void)param_set(&rec->params, P_PARENT, num, e);
		(void)param_set(&rec->params, P_CHILDREN_CUR, "0", e);
	}
	param_fill_defaults(&rec->params);
	/* Only a jail that may have children pays for the leaf its own processes need (cgpath.h). */
	if (cg_path_make(&rec->cg, parent.jid ? &parent.cg : NULL, jid, param_int(&rec->params, P_CHILDREN_MAX) > 0,
			 e) < 0)
		goto out_parent;
	rec->state = JS_CREATING;
	rec->creator_pid = getpid();
	rec->creator_start = proc_start_time(getpid());
	rec->uid_base = JAIL_UID_BASE + (unsigned long)jid * JAIL_UID_RANGE;
	/* Marked pending before the record exists, so a kill at any point leaves a trace to follow. */
	if (registry_mark_pending(&reg, jid, true) < 0) {
		perr_set(e, errno, "mark jail %d pending", jid);
		goto out_parent;
	}
	if (registry_write(&reg, rec, NULL, e) < 0)
		goto undo;
	/* Counted from here on; teardown uncounts it with its record. */
	if (count_child(&reg, parent.jid, 1, e) < 0) {
		(void)registry_remove(&reg, rec);
		goto undo;
	}
	/* A cgroup left by a jail whose record is gone: clear it first. */
	if (cgroup_exists(&rec->cg)) {
		(void)cgroup_kill(&rec->cg, e);
		(void)cgroup_destroy(&rec->cg, 5000, e);
	}
	if (cgroup_create(&rec->cg, e) < 0 || limits_apply_cgroups(&rec->cg, &lim, e) < 0 ||
	    jailnet_setup_host(rec, e) < 0)
		goto undo;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, hold) < 0) {
		perr_set(e, errno, "socketpair");
		goto undo;
	}
	pidfd = spawn_init(rec, pathfd, exefd, hold[1], e);
	close(hold[1]);
	if (pidfd < 0)
		goto undo;
	if (limits_apply_ns(&rec->cg, pidfd, (uid_t)rec->uid_base, &lim, false, e) < 0 ||
	    (lim.nwatch && watch_send(hold[0], rec, &lim, e) < 0) || jailnet_setup_vnet(rec, e) < 0) {
		struct perr ignore = { 0 };
		(void)jailnet_return(rec, &ignore);
		close(pidfd);
		goto undo;
	}
	close(pidfd);
	rec->state = JS_ACTIVE;
	if (registry_write(&reg, rec, NULL, e) < 0)
		goto undo;
	(void)registry_mark_pending(&reg, jid, false);
	registry_close(&reg);
	record_free(&parent);
	*ret_hold = hold[0];
	return 0;
undo:
	if (hold[0] >= 0)
		close(hold[0]);
	teardown(&reg, rec);
out_parent:
	record_free(&parent);
out_reg:
	registry_close(&reg);
out_params:
	record_free(rec);
	return -1;
}

/* ---- release, removal, modification ---- */

static void reap_if_gone(const struct jail_record *rec, int pidfd)
{
	struct registry reg;
	struct perr e = { 0 };

	if (!pidfd_wait_exit(pidfd, 5000))
		return;
	/* jail -c is jailinit's parent: reap it here (ECHILD for anyone else). */
	waitpid(rec->init_pid, NULL, WNOHANG);
	if (registry_open(&reg, true, &e) < 0)
		return;
	/* Looking the jail up clears its record now that its jailinit is gone. */
	char key[16];
	struct jail_record still;
	snprintf(key, sizeof(key), "%d", rec->jid);
	if (find_locked(&reg, key, &still, &e) == 0)
		record_free(&still);
	registry_close(&reg);
}

void jail_release(const struct jail_record *rec, int hold)
{
	char reply[16];
	struct perr e = { 0 };
	int pidfd;

	if (hold < 0)
		return;
	pidfd = jail_open_init(rec);
	if (ctl_request(hold, "release", reply, sizeof(reply), 5000, &e) == 0 && strcmp(reply, "exit") == 0 &&
	    pidfd >= 0)
		reap_if_gone(rec, pidfd);
	close(hold);
	if (pidfd >= 0)
		close(pidfd);
}

int jail_remove(const char *key, bool hooks, struct jail_record *rec, struct perr *e)
{
	struct registry reg;
	char msg[32], reply[16];
	int pidfd, ctl;
	long timeout;
	struct perr hook_err = { 0 };
	int *kids = NULL;
	size_t nkids = 0;

	if (registry_open(&reg, true, e) < 0)
		return -1;
	if (find_locked(&reg, key, rec, e) < 0) {
		registry_close(&reg);
		return -1;
	}
	rec->state = JS_DYING;
	rec->creator_pid = getpid();
	rec->creator_start = proc_start_time(getpid());
	(void)param_set(&rec->params, P_DYING, "true", e);
	if (registry_write(&reg, rec, NULL, e) < 0 || registry_mark_pending(&reg, rec->jid, true) < 0)
		goto fail;
	/* Dying now, so no child can be added while the ones there are removed. */
	if (param_int(&rec->params, P_CHILDREN_CUR) > 0 && list_children(&reg, rec->jid, &kids, &nkids, e) < 0)
		goto fail;
	/* The stop takes stop.timeout: other jails' commands must not wait for it. */
	registry_unlock(&reg);
	/*
	 * Children first, each removed as jail -r would remove it (its own
	 * children before it, so the deepest go first), stop commands and all.
	 */
	for (size_t i = 0; i < nkids; i++) {
		struct jail_record kid;
		struct perr kid_err = { 0 };
		char kid_key[16];
		snprintf(kid_key, sizeof(kid_key), "%d", kids[i]);
		int r = jail_remove(kid_key, hooks, &kid, &kid_err);
		if (r >= 0)
			record_free(&kid);
		if (r != 0 && !hook_err.msg[0] && !strstr(kid_err.msg, "not found"))
			perr_set(&hook_err, kid_err.err, "%s", kid_err.msg);
	}
	free(kids);
	kids = NULL;
	/* A failing stop command is reported, but the jail goes all the same. */
	if (hooks && hooks_host(rec, P_EXEC_PRESTOP, &hook_err) == 0) {
		struct jail_exec x = { 0 };
		jail_exec_defaults(&x, &rec->params);
		(void)hooks_inside(rec, P_EXEC_STOP, &x, -1, &hook_err);
	}
	/* Interfaces moved in go back while the jail's network namespace still exists. */
	struct perr ret_err = { 0 };
	if (jailnet_return(rec, &ret_err) < 0 && !hook_err.msg[0])
		hook_err = ret_err;
	timeout = param_int(&rec->params, P_STOP_TIMEOUT);
	pidfd = jail_open_init(rec);
	if (pidfd >= 0) {
		ctl = ctl_connect(rec->jid, e);
		snprintf(msg, sizeof(msg), "stop %ld", timeout);
		if (ctl >= 0 && ctl_request(ctl, msg, reply, sizeof(reply), 2000, e) == 0)
			(void)pidfd_wait_exit(pidfd, (int)(timeout * 1000 + 2000));
		if (ctl >= 0)
			close(ctl);
		close(pidfd);
	}
	if (registry_relock(&reg, e) < 0)
		goto fail;
	teardown(&reg, rec);
	registry_close(&reg);
	if (hooks && hooks_host(rec, P_EXEC_POSTSTOP, hook_err.msg[0] ? e : &hook_err) == 0) {
		int saved = rec->jid;
		/* exec.release runs once the jail is gone: no JID any more. */
		rec->jid = 0;
		(void)hooks_host(rec, P_EXEC_RELEASE, hook_err.msg[0] ? e : &hook_err);
		rec->jid = saved;
	}
	if (hook_err.msg[0]) {
		*e = hook_err;
		return 1;
	}
	return 0;
fail:
	free(kids);
	registry_close(&reg);
	record_free(rec);
	return -1;
}

/* Set the host or domain name inside the jail's UTS namespace, from a child that joins it. */
static int set_uts(const struct jail_record *rec, int id, const char *value, struct perr *e)
{
	int pidfd = jail_open_init(rec), status;
	pid_t pid;

	if (pidfd < 0)
		return perr_set(e, ESRCH, "jail %d", rec->jid);
	pid = fork();
	if (pid == 0) {
		if (setns(pidfd, CLONE_NEWUTS) < 0)
			_exit(2);
		if ((id == P_HOSTNAME ? sethostname(value, strlen(value)) : setdomainname(value, strlen(value))) < 0)
			_exit(3);
		_exit(0);
	}
	close(pidfd);
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		return perr_set(e, 0, "%s: cannot set it in the jail", param_table[id].name);
	return 0;
}

/* Returns 1 when jailinit answers that the jail goes now, 0 if it stays. */
static int set_persist(const struct jail_record *rec, bool on, struct perr *e)
{
	_cleanup_close_ int ctl = ctl_connect(rec->jid, e);
	char reply[16];

	if (ctl < 0)
		return -1;
	if (ctl_request(ctl, on ? "persist 1" : "persist 0", reply, sizeof(reply), 5000, e) < 0)
		return -1;
	return strcmp(reply, "exit") == 0;
}

static bool limits_changed(const struct paramset *ps)
{
	return ps->v[P_RCTL].set || ps->v[P_CPU_WEIGHT].set || ps->v[P_CPUSET_CPUS].set;
}

/*
 * jailinit's watched rules after a change.  A jail that had none and has
 * none is not asked: its jailinit stays as it was.
 */
static int apply_watch(const struct jail_record *rec, const struct jail_limits *now, const struct paramset *before,
		       struct perr *e)
{
	static struct jail_limits old;
	struct perr ignore = { 0 };

	if (!now->nwatch && limits_from_params(before, rec->name, &old, &ignore) == 0 && !old.nwatch)
		return 0;
	return watch_update(rec, now, e);
}

/* New rules on a running jail; on failure the old ones are put back, as far as they go. */
static int apply_limits(const struct jail_record *rec, const struct paramset *before, struct perr *e)
{
	static struct jail_limits lim;
	struct perr ignore = { 0 };
	_cleanup_close_ int pidfd = -1;

	if (limits_from_params(&rec->params, rec->name, &lim, e) < 0)
		return -1;
	pidfd = jail_open_init(rec);
	if (limits_apply_cgroups(&rec->cg, &lim, e) == 0 &&
	    (pidfd < 0 || limits_apply_ns(&rec->cg, pidfd, (uid_t)rec->uid_base, &lim, true, e) == 0) &&
	    apply_watch(rec, &lim, before, e) == 0)
		return 0;
	if (limits_from_params(before, rec->name, &lim, &ignore) == 0 &&
	    limits_apply_cgroups(&rec->cg, &lim, &ignore) == 0 && pidfd >= 0) {
		(void)limits_apply_ns(&rec->cg, pidfd, (uid_t)rec->uid_base, &lim, true, &ignore);
		(void)watch_update(rec, &lim, &ignore);
	}
	return -1;
}

int jail_modify(const char *key, const struct paramset *ps, struct jail_record *rec, struct perr *e)
{
	struct registry reg;
	struct paramset before = { 0 };
	bool gone = false;
	char old_name[sizeof(rec->name)];

	if (registry_open(&reg, true, e) < 0)
		return -1;
	if (find_locked(&reg, key, rec, e) < 0) {
		registry_close(&reg);
		return -1;
	}
	snprintf(old_name, sizeof(old_name), "%s", rec->name);
	if (param_copy(&before, &rec->params) < 0) {
		perr_set(e, ENOMEM, "parameters");
		goto fail;
	}
	for (int i = 0; i < P__COUNT; i++) {
		const char *v = param_str(ps, i);
		if (!v || i == P_JID)
			continue;
		if (param_table[i].flags & (PF_CREATE | PF_RDONLY)) {
			perr_set(e, 0, "%s cannot be changed after creation", param_table[i].name);
			goto fail;
		}
	}
	for (int i = 0; i < P__COUNT; i++) {
		const char *v = param_str(ps, i);
		if (!v || i == P_JID)
			continue;
		if (i == P_NAME) {
			struct jail_record other;
			char was[256] = "", now[256] = "";
			if (jail_check_name(v, rec->jid, e) < 0)
				goto fail;
			/* A rename keeps the jail where it is, and its children's full names true. */
			(void)jail_name_parent(rec->name, was, sizeof(was));
			(void)jail_name_parent(v, now, sizeof(now));
			if (strcmp(was, now) != 0) {
				perr_set(e, 0, "name \"%s\": a jail cannot move to another parent", v);
				goto fail;
			}
			if (strcmp(v, rec->name) != 0 && param_int(&rec->params, P_CHILDREN_CUR) > 0) {
				perr_set(e, 0, "name: a jail with child jails cannot be renamed");
				goto fail;
			}
			if (strcmp(v, rec->name) != 0 && find_locked(&reg, v, &other, e) == 0) {
				record_free(&other);
				perr_set(e, 0, "jail \"%s\" already exists", v);
				goto fail;
			}
			snprintf(rec->name, sizeof(rec->name), "%s", v);
		}
		if ((i == P_HOSTNAME || i == P_DOMAINNAME) && set_uts(rec, i, v, e) < 0)
			goto fail;
		/* Its own processes would have to leave its cgroup for a leaf while running (cgpath.h). */
		if (i == P_CHILDREN_MAX && param_int(ps, i) > 0 && !rec->cg.leaf) {
			perr_set(e, 0, "children.max: a jail created with children.max=0 cannot have child jails; "
				 "set children.max when it is created");
			goto fail;
		}
		if (i == P_PERSIST) {
			int r = set_persist(rec, strcmp(v, "true") == 0, e);
			if (r < 0)
				goto fail;
			gone = r == 1;
		}
		/* A list (exec.* commands) is copied as a list, not as its displayed form. */
		if (param_copy_one(&rec->params, ps, i, e) < 0)
			goto fail;
	}
	if (limits_changed(ps) && apply_limits(rec, &before, e) < 0)
		goto fail;
	if (registry_write(&reg, rec, old_name, e) < 0)
		goto fail;
	registry_close(&reg);
	param_free(&before);
	if (gone) {
		/* An empty jail that lost persist goes now: clear what it leaves. */
		int pidfd = jail_open_init(rec);
		if (pidfd >= 0) {
			reap_if_gone(rec, pidfd);
			close(pidfd);
		}
	}
	return 0;
fail:
	registry_close(&reg);
	param_free(&before);
	record_free(rec);
	return -1;
}

/* Take a jail down after a failed start: no stop commands, but poststop and release, as the start got that far. */
static void abort_start(struct jail_record *rec, int hold)
{
	struct jail_record gone;
	struct perr ignore = { 0 };
	char key[16];

	snprintf(key, sizeof(key), "%d", rec->jid);
	jail_release(rec, hold);
	if (jail_remove(key, false, &gone, &ignore) == 0)
		record_free(&gone);
	(void)hooks_host(rec, P_EXEC_POSTSTOP, &ignore);
	rec->jid = 0;
	(void)hooks_host(rec, P_EXEC_RELEASE, &ignore);
}

int jail_start(const struct paramset *ps, const struct jail_exec *x, struct jail_record *rec, struct perr *e)
{
	struct jail_record pre = { 0 };
	struct jail_exec run = *x;
	struct perr ignore = { 0 };
	int hold, status = 0;

	/* Before the jail exists, the hooks see its name and path but no JID. */
	if (param_copy(&pre.params, ps) < 0)
		return perr_set(e, ENOMEM, "parameters");
	snprintf(pre.name, sizeof(pre.name), "%s", param_str(ps, P_NAME) ? param_str(ps, P_NAME) : "");
	if (hooks_host(&pre, P_EXEC_PREPARE, e) < 0)
		goto fail_pre;
	if (hooks_host(&pre, P_EXEC_PRESTART, e) < 0 || jail_create(ps, rec, &hold, e) < 0) {
		(void)hooks_host(&pre, P_EXEC_RELEASE, &ignore);
		goto fail_pre;
	}
	record_free(&pre);
	if (!run.jail_user && !run.host_user)
		jail_exec_defaults(&run, &rec->params);
	if (hooks_host(rec, P_EXEC_CREATED, e) < 0)
		goto fail;
	if (rec->params.v[P_COMMAND].argv) {
		int log = hooks_consolelog(rec, e);
		if (log == -2)
			goto fail;
		run.argv = rec->params.v[P_COMMAND].argv;
		run.shell_cmd = NULL;
		run.timeout = param_int(&rec->params, P_EXEC_TIMEOUT);
		run.out_fd = log;
		int r = jail_exec_run(rec, &run, hold, &status, e);
		if (log >= 0)
			close(log);
		if (r < 0)
			goto fail;
		if (status != 0) {
			perr_set(e, 0, "%s: failed (exit status %d)", run.argv[0], status);
			goto fail;
		}
	} else if (hooks_inside(rec, P_EXEC_START, &run, hold, e) < 0) {
		goto fail;
	}
	if (hooks_host(rec, P_EXEC_POSTSTART, e) < 0)
		goto fail;
	jail_release(rec, hold);
	return 0;
fail:
	/* As FreeBSD does: a failed start command takes the jail down with it. */
	abort_start(rec, hold);
	record_free(rec);
	return -1;
fail_pre:
	record_free(&pre);
	return -1;
}
