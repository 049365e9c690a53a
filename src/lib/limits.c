#include "limits.h"

#include <fcntl.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <signal.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "fsnew.h"
#include "nsenter.h"
#include "pidpin.h"
#include "userns.h"
#include "util.h"

#ifndef DEVPTS_SUPER_MAGIC
#define DEVPTS_SUPER_MAGIC 0x1cd1
#endif

/* Defaults of a new IPC namespace in the kernel, restored when a rule goes. */
static const uint64_t ipc_default[IPC__COUNT] = {
	[IPC_MSGMNB] = 16384, [IPC_MSGMNI] = 32000, [IPC_SEMMNS] = 1024000000,
	[IPC_SEMOPM] = 500, [IPC_SHMMNI] = 4096, [IPC_SHMALL] = 18446744073692774399ULL,
};
/* devpts' ceiling when no max= is given (NR_UNIX98_PTY_MAX). */
#define PTY_MAX_DEFAULT 1048576ULL

int limits_rules(const struct paramset *ps, const char *name, struct rctl_rule *rules, size_t max, size_t *n,
		 struct perr *e)
{
	const struct param_value *v = &ps->v[P_RCTL];

	*n = 0;
	if (!v->set || !v->argv)
		return 0;
	for (char **w = v->argv; *w; w++) {
		char buf[1024], *save = NULL;
		if (strlen(*w) >= sizeof(buf))
			return perr_setx(e, EOVERFLOW, "rctl: rule too long");
		snprintf(buf, sizeof(buf), "%s", *w);
		/* One word may hold several rules, comma-separated, as FreeBSD's lists do. */
		for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			struct rctl_rule r;
			if (*n == max)
				return perr_setx(e, E2BIG, "rctl: more than %zu rules", max);
			if (rctl_parse_rule(t, name, &r, e) < 0 || rctl_check(&r, e) < 0)
				return perr_prefix(e, "rctl");
			if (strcmp(r.jail, name) != 0)
				return perr_setx(e, EINVAL, "rctl: rule \"%s\" names another jail", t);
			rules[(*n)++] = r;
		}
	}
	return 0;
}

/* A line of rctl.conf without its comment and surrounding blanks; "" for none. */
static char *rule_text(char *line)
{
	char *t = line;

	line[strcspn(line, "#\n")] = '\0';
	while (*t == ' ' || *t == '\t')
		t++;
	for (char *end = t + strlen(t); end > t && (end[-1] == ' ' || end[-1] == '\t');)
		*--end = '\0';
	return t;
}

/* Rules in their short form, a NULL-terminated list that grows. */
struct rule_list {
	char **argv;
	size_t n;
};

static void rule_list_free(struct rule_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->argv[i]);
	free(l->argv);
}

static int rule_list_add(struct rule_list *l, const struct rctl_rule *rule)
{
	char shortform[128];
	char **na = realloc(l->argv, (l->n + 2) * sizeof(char *));

	if (!na)
		return -1;
	l->argv = na;
	rctl_format_short(rule, shortform, sizeof(shortform));
	if (!(l->argv[l->n] = strdup(shortform)))
		return -1;
	l->argv[++l->n] = NULL;
	return 0;
}

/* The rules of rctl.conf (f, named path) that name the jail. */
static int read_conf_rules(FILE *f, const char *path, const char *name, struct rule_list *out, struct perr *e)
{
	char line[1024];
	int lineno = 0;

	while (fgets(line, sizeof(line), f)) {
		struct rctl_rule rule;
		char *t = rule_text(line);
		lineno++;
		if (!*t)
			continue;
		if (rctl_parse_rule(t, NULL, &rule, e) < 0 || rctl_check(&rule, e) < 0)
			return perr_prefix(e, "%s:%d", path, lineno);
		if (strcmp(rule.jail, name) == 0 && rule_list_add(out, &rule) < 0)
			return perr_set(e, ENOMEM, "%s", path);
	}
	return 0;
}

int limits_merge_conf(struct paramset *ps, const char *name, struct perr *e)
{
	const char *path = getenv("PRISON_RCTL_CONF");
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char **all = NULL;
	struct rule_list conf = { 0 };
	char **own = ps->v[P_RCTL].argv;
	size_t nown = 0;
	int r = -1;

	if (!path)
		path = "/etc/rctl.conf";
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : perr_set(e, errno, "%s", path);
	while (own && own[nown])
		nown++;
	if (read_conf_rules(f, path, name, &conf, e) < 0)
		goto out;
	r = 0;
	if (conf.n == 0)
		goto out;
	/* The file's rules first, then the jail's own. */
	all = calloc(conf.n + nown + 1, sizeof(char *));
	if (!all) {
		r = perr_set(e, ENOMEM, "%s", path);
		goto out;
	}
	memcpy(all, conf.argv, conf.n * sizeof(char *));
	for (size_t i = 0; i < nown; i++)
		all[conf.n + i] = own[i];
	r = param_set_argv(ps, P_RCTL, all, (int)(conf.n + nown), e);
out:
	rule_list_free(&conf);
	return r;
}

static void lower(uint64_t *slot, uint64_t v)
{
	if (v < *slot)
		*slot = v;
}

static void lower_rlim(rlim_t *slot, uint64_t v)
{
	if ((rlim_t)v < *slot)
		*slot = (rlim_t)v;
}

static void fold(struct jail_limits *l, const struct rctl_rule *r)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t a = r->amount;

	if (r->action == RA_LOG || r->action == RA_DEVCTL || r->action == RA_SIGNAL) {
		if (l->nwatch < LIMITS_MAX_RULES)
			l->watch[l->nwatch++] = *r;
		return;
	}
	switch ((enum rctl_resource)r->resource) {
	case R_MEMORYUSE: lower(&l->cg.memory_max, a); break;
	case R_SWAPUSE: lower(&l->cg.swap_max, a); break;
	case R_MAXPROC:
	case R_NTHR: lower(&l->cg.pids_max, a); break;
	case R_PCPU: lower(&l->cg.cpu_quota_us, a * CG_CPU_PERIOD_US / 100); break;
	case R_READBPS: lower(&l->cg.rbps, a); break;
	case R_WRITEBPS: lower(&l->cg.wbps, a); break;
	case R_READIOPS: lower(&l->cg.riops, a); break;
	case R_WRITEIOPS: lower(&l->cg.wiops, a); break;
	case R_DATASIZE: lower_rlim(&l->rlimit[RLIMIT_DATA], a); break;
	case R_STACKSIZE: lower_rlim(&l->rlimit[RLIMIT_STACK], a); break;
	case R_COREDUMPSIZE: lower_rlim(&l->rlimit[RLIMIT_CORE], a); break;
	case R_MEMORYLOCKED: lower_rlim(&l->rlimit[RLIMIT_MEMLOCK], a); break;
	case R_OPENFILES: lower_rlim(&l->rlimit[RLIMIT_NOFILE], a); break;
	case R_VMEMORYUSE: lower_rlim(&l->rlimit[RLIMIT_AS], a); break;
	case R_PSEUDOTERMINALS: lower(&l->pty_max, a); break;
	case R_MSGQSIZE: lower(&l->ipc[IPC_MSGMNB], a); break;
	case R_NMSGQ: lower(&l->ipc[IPC_MSGMNI], a); break;
	case R_NSEM: lower(&l->ipc[IPC_SEMMNS], a); break;
	case R_NSEMOP: lower(&l->ipc[IPC_SEMOPM], a); break;
	case R_NSHM: lower(&l->ipc[IPC_SHMMNI], a); break;
	case R_SHMSIZE: lower(&l->ipc[IPC_SHMALL], (a + (uint64_t)page - 1) / (uint64_t)page); break;
	case R_CPUTIME:
	case R_WALLCLOCK:
	case R_MSGQQUEUED:
	case R__COUNT:
		break;
	}
}

/* The parameters of prison's own that only its cgroups hold: io.device, memory.low, hugetlb.limit, cgroup.unified. */
static int cg_params(const struct paramset *ps, struct cg_limits *cg, struct perr *e)
{
	if (param_str(ps, P_IO_DEVICE) && cg_parse_iodev(param_str(ps, P_IO_DEVICE), cg, e) < 0)
		return -1;
	if (param_str(ps, P_MEMORY_LOW) && *param_str(ps, P_MEMORY_LOW) &&
	    rctl_parse_amount(param_str(ps, P_MEMORY_LOW), &cg->memory_low, e) < 0)
		return perr_prefix(e, "memory.low");
	if (param_str(ps, P_HUGETLB_LIMIT) &&
	    (cg_parse_hugetlb(param_str(ps, P_HUGETLB_LIMIT), cg, e) < 0 || cg_check_hugetlb(cg, e) < 0))
		return -1;
	if (ps->v[P_CGROUP_UNIFIED].set && cg_parse_unified(ps->v[P_CGROUP_UNIFIED].argv, cg, e) < 0)
		return -1;
	return 0;
}

int limits_from_params(const struct paramset *ps, const char *name, struct jail_limits *l, struct perr *e)
{
	_cleanup_free_ struct rctl_rule *rules = calloc(LIMITS_MAX_RULES, sizeof(*rules));
	const char *cpus = param_str(ps, P_CPUSET_CPUS);
	size_t n;

	if (!rules)
		return perr_set(e, ENOMEM, "rctl");
	memset(l, 0, sizeof(*l));
	cg_limits_init(&l->cg);
	for (int i = 0; i < RLIMIT_NLIMITS; i++)
		l->rlimit[i] = RLIM_INFINITY;
	for (int i = 0; i < IPC__COUNT; i++)
		l->ipc[i] = CG_UNLIMITED;
	l->pty_max = CG_UNLIMITED;
	if (limits_rules(ps, name, rules, LIMITS_MAX_RULES, &n, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		fold(l, &rules[i]);
	if (param_str(ps, P_CPU_SHARES) && param_int(ps, P_CPU_SHARES) > 0)
		l->cg.cpu_shares = (unsigned)param_int(ps, P_CPU_SHARES);
	if (param_str(ps, P_CPU_WEIGHT))
		l->cg.cpu_weight = (unsigned)param_int(ps, P_CPU_WEIGHT);
	if (cg_params(ps, &l->cg, e) < 0)
		return -1;
	if (cpus && *cpus) {
		if (cg_check_cpus(cpus, e) < 0)
			return -1;
		snprintf(l->cg.cpus, sizeof(l->cg.cpus), "%s", cpus);
	}
	if (param_str(ps, P_CPUSET_MEMS) && *param_str(ps, P_CPUSET_MEMS)) {
		/* The check bounds the list by the field's size, as it does cpuset.cpus. */
		if (cg_check_mems(param_str(ps, P_CPUSET_MEMS), e) < 0)
			return -1;
		snprintf(l->cg.mems, sizeof(l->cg.mems), "%s", param_str(ps, P_CPUSET_MEMS));
	}
	bool ipc_rule = false;
	for (int i = 0; i < IPC__COUNT; i++)
		ipc_rule |= l->ipc[i] != CG_UNLIMITED;
	/* One IPC namespace for all three: inherit for one is the host's for all. */
	l->own_ipc = strcmp(param_str(ps, P_SYSVMSG) ?: "", "inherit") != 0 &&
		     strcmp(param_str(ps, P_SYSVSEM) ?: "", "inherit") != 0 &&
		     strcmp(param_str(ps, P_SYSVSHM) ?: "", "inherit") != 0;
	if (ipc_rule && !l->own_ipc)
		return perr_setx(e, EINVAL, "rctl: SysV IPC limits need the jail's own IPC namespace, not sysv* = inherit");
	return 0;
}

/* What a process of the jail gets for res: the jail's limit, or with no rule what a new process of the host gets. */
static int wanted_rlimit(const struct jail_limits *l, int res, struct rlimit *want)
{
	if (l->rlimit[res] == RLIM_INFINITY)
		return getrlimit(res, want);
	want->rlim_cur = want->rlim_max = l->rlimit[res];
	return 0;
}

static int prlimit_one(pid_t pid, int res, struct rlimit want, struct perr *e)
{
	struct rlimit old;

	if (prlimit(pid, res, &want, NULL) == 0 || errno == ESRCH)
		return 0;
	/*
	 * Raising a hard limit needs CAP_SYS_RESOURCE, which a host may
	 * withhold even from root: the process then keeps its old
	 * ceiling, and only new processes get the lifted one.
	 */
	if (errno != EPERM || prlimit(pid, res, NULL, &old) < 0 || want.rlim_max <= old.rlim_max)
		return perr_set(e, errno, "prlimit of process %ld", (long)pid);
	want.rlim_max = old.rlim_max;
	if (want.rlim_cur > want.rlim_max)
		want.rlim_cur = want.rlim_max;
	if (prlimit(pid, res, &want, NULL) < 0 && errno != ESRCH)
		return perr_set(e, errno, "prlimit of process %ld", (long)pid);
	return 0;
}

/*
 * One process listed by cgroup.procs, pinned (pidpin.h) while prlimit,
 * which takes a bare pid, acts on it: a process that ended meanwhile is
 * skipped, so a pid taken over by a process outside the jail is not set.
 */
static int rlimit_one_process(pid_t pid, const char *rel, const struct jail_limits *l, struct perr *e)
{
	static const int managed[] = { RLIMIT_DATA, RLIMIT_STACK, RLIMIT_CORE, RLIMIT_MEMLOCK, RLIMIT_NOFILE, RLIMIT_AS };
	_cleanup_pidpin_ struct pidpin pin = { .pidfd = -1, .procfd = -1 };

	if (pidpin_open(pid, rel, &pin) < 0)
		return errno == ESRCH ? 0 : perr_set(e, errno, "pin process %ld", (long)pid);
	for (size_t k = 0; k < ARRAY_SIZE(managed); k++) {
		struct rlimit want;
		if (wanted_rlimit(l, managed[k], &want) < 0)
			continue;
		/* Still the jail's process, so the pid still names it. */
		if (!pidpin_holds(&pin, rel))
			return 0;
		if (prlimit_one(pid, managed[k], want, e) < 0)
			return -1;
	}
	return 0;
}

/* prlimit every process of the jail to exactly the jail's limits (raising them back when a rule went). */
static int rlimit_running(const struct cg_path *cg, const struct jail_limits *l, struct perr *e)
{
	_cleanup_close_ int procs = cgroup_open_procs(cg, e);
	char buf[65536], rel[160];

	if (procs < 0 || read_file_at(procs, "cgroup.procs", buf, sizeof(buf)) < 0)
		return -1;
	cg_path_procs(cg, rel, sizeof(rel));
	for (char *save = NULL, *t = strtok_r(buf, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
		long pid;
		if (!parse_long(t, 1, 1L << 30, &pid))
			continue;
		if (rlimit_one_process((pid_t)pid, rel, l, e) < 0)
			return -1;
	}
	return 0;
}

struct rlimit_job {
	const struct cg_path *cg;
	const struct jail_limits *l;
	struct perr *e;
};

static int rlimit_job_run(void *arg)
{
	const struct rlimit_job *j = arg;

	return rlimit_running(j->cg, j->l, j->e);
}

/* As the owner of the jail's user namespace: host root may lack CAP_SYS_RESOURCE, which prlimit there needs (userns.h). */
static int rlimits_as_owner(const struct cg_path *cg, unsigned long owner, const struct jail_limits *l, struct perr *e)
{
	struct rlimit_job j = { .cg = cg, .l = l, .e = e };

	if (userns_as_owner(owner, rlimit_job_run, &j) < 0)
		return e->err ? -1 : perr_set(e, errno, "become the owner of the jail's user namespace");
	return 0;
}

static const char *const ipc_files[IPC__COUNT] = {
	[IPC_MSGMNB] = "kernel/msgmnb", [IPC_MSGMNI] = "kernel/msgmni", [IPC_SEMMNS] = "kernel/sem",
	[IPC_SEMOPM] = "kernel/sem", [IPC_SHMMNI] = "kernel/shmmni", [IPC_SHMALL] = "kernel/shmall",
};

static uint64_t ipc_value(const struct jail_limits *l, int k)
{
	return l->ipc[k] == CG_UNLIMITED ? ipc_default[k] : l->ipc[k];
}

/* The IPC limits to write: l's, those that differ from was's alone when was is given. */
struct ipc_job {
	const struct jail_limits *l, *was;
	int proc; /* a proc of the host's made for this job, or -1 */
};

static bool ipc_changed(const struct ipc_job *j, int k)
{
	return !j->was || ipc_value(j->was, k) != ipc_value(j->l, k);
}

/*
 * In a child that joined the jail's IPC namespace: /proc/sys shows that
 * namespace's values.  On a running jail only what a rule changed is
 * written, so a value set another way (an OCI container's linux.sysctl)
 * stays until a rule of its own names it.  Looked up in a proc made for
 * the job, not the host's /proc: each IPC namespace's sysctls get
 * dentries of their own in the proc they are looked up in, all under the
 * one name "kernel", and in the host's they would stay as long as the
 * jail and lengthen every lookup of /proc/sys/kernel on the host.
 */
static int write_ipc(const struct ipc_job *j)
{
	_cleanup_close_ int sys = j->proc >= 0 ? openat(j->proc, "sys", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
					       : open("/proc/sys", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char v[96], sem[128];

	if (sys < 0)
		return -1;
	for (int k = 0; k < IPC__COUNT; k++) {
		if (k == IPC_SEMMNS || k == IPC_SEMOPM || !ipc_changed(j, k))
			continue;
		snprintf(v, sizeof(v), "%llu", (unsigned long long)ipc_value(j->l, k));
		if (write_file_at(sys, ipc_files[k], v) < 0)
			return -1;
	}
	if (!ipc_changed(j, IPC_SEMMNS) && !ipc_changed(j, IPC_SEMOPM))
		return 0;
	/* SEMMSL SEMMNS SEMOPM SEMMNI: the two no rule names, and one that did not change, stay as they are. */
	unsigned long long f[4] = { 32000, 0, 0, 32000 };
	if (read_file_at(sys, "kernel/sem", sem, sizeof(sem)) > 0) {
		unsigned long long got[4];
		int k = 0;
		for (char *save = NULL, *t = strtok_r(sem, " \t\n", &save); t && k < 4; t = strtok_r(NULL, " \t\n", &save))
			if (parse_ull(t, &got[k]))
				k++;
		if (k == 4)
			memcpy(f, got, sizeof(f));
	}
	if (ipc_changed(j, IPC_SEMMNS) || !f[1])
		f[1] = ipc_value(j->l, IPC_SEMMNS);
	if (ipc_changed(j, IPC_SEMOPM) || !f[2])
		f[2] = ipc_value(j->l, IPC_SEMOPM);
	snprintf(sem, sizeof(sem), "%llu %llu %llu %llu", f[0], f[1], f[2], f[3]);
	return write_file_at(sys, "kernel/sem", sem);
}

/* In a child that joined the jail's mount namespace: reconfigure its devpts. */
static int set_pty_max(const struct jail_limits *l)
{
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	_cleanup_close_ int pts = (int)syscall(SYS_openat2, AT_FDCWD, "/dev/pts", &how, sizeof(how));
	_cleanup_close_ int fs = -1;
	struct statfs sfs;
	char v[32];

	if (pts < 0 || fstatfs(pts, &sfs) < 0 || sfs.f_type != DEVPTS_SUPER_MAGIC)
		return -1;
	fs = (int)syscall(SYS_fspick, pts, "", FSPICK_EMPTY_PATH | FSPICK_CLOEXEC);
	if (fs < 0)
		return -1;
	snprintf(v, sizeof(v), "%llu", (unsigned long long)(l->pty_max == CG_UNLIMITED ? PTY_MAX_DEFAULT : l->pty_max));
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "max", v, 0) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_RECONFIGURE, NULL, NULL, 0) < 0)
		return -1;
	return 0;
}

int limits_private_proc(void)
{
	struct perr ignore = { 0 };

	return fs_new_mount("proc", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, &ignore);
}

static int ipc_in_ns(void *arg, struct ns_reply *out, struct perr *e)
{
	(void)out;
	return write_ipc(arg) < 0 ? perr_set(e, errno, "SysV IPC limits of the jail") : 0;
}

static int pty_in_ns(void *arg, struct ns_reply *out, struct perr *e)
{
	(void)out;
	return set_pty_max(arg) < 0 ? perr_set(e, errno, "pseudoterminals: the jail's devpts") : 0;
}

/*
 * The IPC sysctls of a namespace are writable only by its owner's root,
 * so they are written as the jail's root; the devpts of the jail is found
 * in its mount namespace.
 */
static int in_jail_ns(int pidfd, int ns, uid_t as, int (*fn)(void *, struct ns_reply *, struct perr *),
		      const void *arg, const char *what, struct perr *e)
{
	struct ns_task t = { .nsfd = pidfd, .nstypes = ns, .euid = as ? as : (uid_t)-1, .what = what, .fn = fn,
			     .arg = (void *)arg };

	return ns_run(&t, NULL, e);
}

bool limits_have_ipc(const struct jail_limits *l)
{
	for (int i = 0; i < IPC__COUNT; i++)
		if (l->ipc[i] != CG_UNLIMITED)
			return true;
	return false;
}

int limits_write_ipc_here(const struct jail_limits *l, int proc)
{
	struct ipc_job job = { .l = l, .was = NULL, .proc = proc };

	return l->own_ipc && limits_have_ipc(l) ? write_ipc(&job) : 0;
}

int limits_apply_ipc(int nsfd, uid_t root_uid, const struct jail_limits *l, const struct jail_limits *was,
		     struct perr *e)
{
	struct ipc_job job = { .l = l, .was = was, .proc = -1 };
	bool ipc = !was && limits_have_ipc(l);
	int r;

	/* A running jail may have had a rule removed: its default comes back then. */
	for (int i = 0; i < IPC__COUNT && was; i++)
		ipc |= ipc_changed(&job, i);
	if (!l->own_ipc || !ipc)
		return 0;
	/* Made as host root: the child writes as the jail's, which may not make one. */
	job.proc = limits_private_proc();
	r = in_jail_ns(nsfd, CLONE_NEWIPC, root_uid, ipc_in_ns, &job, "SysV IPC limits of the jail", e);
	closep(&job.proc);
	return r;
}

int limits_apply_ns(const struct cg_path *cg, int pidfd, uid_t root_uid, const struct jail_limits *l,
		    const struct jail_limits *was, struct perr *e)
{
	bool running = was != NULL;

	if (limits_apply_ipc(pidfd, root_uid, l, was, e) < 0)
		return -1;
	if ((l->pty_max != CG_UNLIMITED || running) &&
	    in_jail_ns(pidfd, CLONE_NEWNS, 0, pty_in_ns, l, "pseudoterminals: the jail's devpts", e) < 0)
		return -1;
	if (running && rlimits_as_owner(cg, (unsigned long)root_uid, l, e) < 0)
		return -1;
	return 0;
}
