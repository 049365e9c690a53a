#include "priv.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <linux/securebits.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "limits.h"
#include "nsjoin.h"
#include "runtime.h"
#include "sockaf.h"
#include "util.h"

static enum jail_sys jail_sys_of(const struct paramset *ps, int id)
{
	const char *s = param_str(ps, id);

	if (!s)
		s = param_table[id].def;
	if (strcmp(s, "new") == 0)
		return JSYS_NEW;
	if (strcmp(s, "inherit") == 0)
		return JSYS_INHERIT;
	return JSYS_DISABLE;
}

/*
 * FreeBSD's allow.mount.FS names the file systems jail root may mount.
 * A filter sees flags, not the file system's name, so prison tells two
 * kinds apart: a bind (nullfs) and a new file system (tmpfs, procfs and
 * the others, which the kernel in turn limits to those a user namespace
 * may mount).  With none of them given, allow.mount opens both, as it did
 * before these parameters existed.
 */
static void mount_types(struct jail_policy *p, const struct paramset *ps)
{
	static const int newfs[] = { P_ALLOW_MOUNT_DEVFS,  P_ALLOW_MOUNT_FDESCFS,   P_ALLOW_MOUNT_FUSEFS,
				     P_ALLOW_MOUNT_PROCFS, P_ALLOW_MOUNT_TMPFS,     P_ALLOW_MOUNT_ZFS,
				     P_ALLOW_MOUNT_LINPROCFS, P_ALLOW_MOUNT_LINSYSFS };

	p->mount_bind = param_bool(ps, P_ALLOW_MOUNT_NULLFS);
	p->mount_newfs = false;
	for (size_t i = 0; i < ARRAY_SIZE(newfs); i++)
		p->mount_newfs |= param_bool(ps, newfs[i]);
	p->mount_typed = p->mount_bind || p->mount_newfs;
}

void jail_policy_from_params(struct jail_policy *p, const struct paramset *ps)
{
	p->set_hostname = param_bool(ps, P_ALLOW_SET_HOSTNAME);
	p->reserved_ports = param_bool(ps, P_ALLOW_RESERVED_PORTS);
	p->unpriv_debug = param_bool(ps, P_ALLOW_UNPRIV_DEBUG);
	p->suser = param_bool(ps, P_ALLOW_SUSER);
	p->raw_sockets = param_bool(ps, P_ALLOW_RAW_SOCKETS);
	p->mount = param_bool(ps, P_ALLOW_MOUNT);
	p->mlock = param_bool(ps, P_ALLOW_MLOCK);
	p->chflags = param_bool(ps, P_ALLOW_CHFLAGS);
	p->quotas = param_bool(ps, P_ALLOW_QUOTAS);
	p->read_msgbuf = param_bool(ps, P_ALLOW_READ_MSGBUF);
	p->socket_af = param_bool(ps, P_ALLOW_SOCKET_AF);
	p->abstract_unix = param_bool(ps, P_ALLOW_ABSTRACT_UNIX);
	p->new_userns = param_int(ps, P_CHILDREN_MAX) > 0;
	p->vnet = param_str(ps, P_VNET) && strcmp(param_str(ps, P_VNET), "new") == 0;
	/* ns.uts too: the names are another namespace's, as the host's are with host=inherit. */
	p->host_inherit = jail_sys_of(ps, P_HOST) == JSYS_INHERIT || nsjoin_path(ps, P_NS_UTS);
	mount_types(p, ps);
	p->sysvmsg = jail_sys_of(ps, P_SYSVMSG);
	p->sysvsem = jail_sys_of(ps, P_SYSVSEM);
	p->sysvshm = jail_sys_of(ps, P_SYSVSHM);
	/* The rules were checked when they were set; a bad one here only leaves the rlimits alone. */
	struct jail_limits l;
	struct perr e = { 0 };
	const char *name = param_str(ps, P_NAME);
	bool ok = limits_from_params(ps, name ? name : "", &l, &e) == 0;
	for (int i = 0; i < RLIMIT_NLIMITS; i++)
		p->rlimit[i] = ok ? l.rlimit[i] : RLIM_INFINITY;
}

bool jail_policy_private_ipc(const struct jail_policy *p)
{
	/* One IPC namespace covers all three: inherit for one means the host's for all. */
	return p->sysvmsg != JSYS_INHERIT && p->sysvsem != JSYS_INHERIT && p->sysvshm != JSYS_INHERIT;
}

/*
 * The capabilities root keeps inside its user namespace.  CAP_SYS_ADMIN
 * stays because sethostname(2) needs it; what else it would grant in a user
 * namespace (mounts, namespaces) is closed by the seccomp filter instead.
 * CAP_SYS_PTRACE never stays: without it jail root cannot trace jailinit or
 * a process on its way in, both kept non-dumpable.
 */
static unsigned long long baseline_caps(const struct jail_policy *p)
{
	unsigned long long c = 0;
	static const int base[] = {
		CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER, CAP_FSETID, CAP_KILL,
		CAP_SETGID, CAP_SETUID, CAP_SETPCAP, CAP_SYS_CHROOT, CAP_AUDIT_WRITE, CAP_SETFCAP,
		CAP_SYS_ADMIN,
	};

	for (size_t i = 0; i < ARRAY_SIZE(base); i++)
		c |= 1ULL << base[i];
	if (p->reserved_ports)
		c |= 1ULL << CAP_NET_BIND_SERVICE;
	if (p->raw_sockets)
		c |= 1ULL << CAP_NET_RAW;
	/* Interfaces, routes and firewall of the jail's own stack; its user namespace scopes it there. */
	if (p->vnet)
		c |= 1ULL << CAP_NET_ADMIN;
	if (p->mlock)
		c |= 1ULL << CAP_IPC_LOCK;
	if (p->chflags)
		c |= 1ULL << CAP_LINUX_IMMUTABLE;
	if (!p->suser)
		c = 0;
	return c;
}

unsigned long long priv_jail_caps(const struct jail_policy *p)
{
	return baseline_caps(p);
}

static int last_cap(void)
{
	char buf[16];
	long v;

	if (read_file_at(AT_FDCWD, "/proc/sys/kernel/cap_last_cap", buf, sizeof(buf)) > 0) {
		buf[strcspn(buf, "\n")] = '\0';
		if (parse_long(buf, 0, 63, &v))
			return (int)v;
	}
	return CAP_LAST_CAP;
}

static int deny(scmp_filter_ctx ctx, const char *name, struct perr *e)
{
	int nr = seccomp_syscall_resolve_name(name);
	int r;

	if (nr == __NR_SCMP_ERROR)
		return 0; /* not a system call on this architecture */
	r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
	if (r < 0 && r != -EEXIST)
		return perr_set(e, -r, "seccomp rule for %s", name);
	return 0;
}

static int deny_list(scmp_filter_ctx ctx, const char *const *names, size_t n, struct perr *e)
{
	for (size_t i = 0; i < n; i++)
		if (deny(ctx, names[i], e) < 0)
			return -1;
	return 0;
}

/* Kernel-wide objects and host-wide state no namespace covers, and what the allow.* parameters keep closed. */
static int deny_calls(scmp_filter_ctx ctx, const struct jail_policy *p, struct perr *e)
{
	static const char *const always[] = {
		"kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
		"create_module", "keyctl", "add_key", "request_key", "bpf", "perf_event_open",
		"open_by_handle_at", "name_to_handle_at", "clock_settime", "clock_settime64",
		"clock_adjtime", "clock_adjtime64", "adjtimex", "settimeofday", "stime", "swapon",
		"swapoff", "reboot", "acct", "lookup_dcookie", "iopl", "ioperm", "uselib", "_sysctl",
		"nfsservctl", "get_kernel_syms", "query_module", "vm86", "vm86old", "userfaultfd",
		"fanotify_init",
		/*
		 * io_uring does its work in kernel threads that no seccomp filter
		 * sees, and has been the kernel's largest source of privilege
		 * escalations; EPERM is what kernel.io_uring_disabled answers.
		 */
		"io_uring_setup", "io_uring_enter", "io_uring_register",
	};
	static const char *const quota_calls[] = { "quotactl", "quotactl_fd" };
	static const char *const mount_calls[] = {
		"mount", "umount", "umount2", "pivot_root", "fsopen", "fsconfig", "fsmount", "fspick",
		"move_mount", "open_tree", "mount_setattr",
	};
	static const char *const hostname_calls[] = { "sethostname", "setdomainname" };
	static const char *const debug_calls[] = { "ptrace", "process_vm_readv", "process_vm_writev" };

	if (deny_list(ctx, always, ARRAY_SIZE(always), e) < 0)
		return -1;
	if (!p->mount && deny_list(ctx, mount_calls, ARRAY_SIZE(mount_calls), e) < 0)
		return -1;
	if (!p->set_hostname && deny_list(ctx, hostname_calls, ARRAY_SIZE(hostname_calls), e) < 0)
		return -1;
	if (!p->unpriv_debug && deny_list(ctx, debug_calls, ARRAY_SIZE(debug_calls), e) < 0)
		return -1;
	if (!p->quotas && deny_list(ctx, quota_calls, ARRAY_SIZE(quota_calls), e) < 0)
		return -1;
	if (!p->read_msgbuf && deny(ctx, "syslog", e) < 0)
		return -1;
	return 0;
}

/*
 * allow.mount with allow.mount.* given: a bind is mount(2) with MS_BIND
 * (not a remount) or open_tree(2) with OPEN_TREE_CLONE; a new file system
 * is fsopen(2) or mount(2) with none of the flags that change an existing
 * mount (path_mount() handles those before it ever reads a type).
 */
static int deny_mount_kinds(scmp_filter_ctx ctx, const struct jail_policy *p, struct perr *e)
{
	const scmp_datum_t change = MS_REMOUNT | MS_BIND | MS_MOVE | MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE;
	int r = 0;

	if (!p->mount || !p->mount_typed)
		return 0;
	if (!p->mount_bind) {
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(mount), 1,
				     SCMP_A3(SCMP_CMP_MASKED_EQ, MS_BIND | MS_REMOUNT, MS_BIND));
		if (r == 0)
			r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(open_tree), 1,
					     SCMP_A2(SCMP_CMP_MASKED_EQ, OPEN_TREE_CLONE, OPEN_TREE_CLONE));
	}
	if (r == 0 && !p->mount_newfs) {
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(mount), 1,
				     SCMP_A3(SCMP_CMP_MASKED_EQ, change, 0));
		if (r == 0 && deny(ctx, "fsopen", e) < 0)
			return -1;
	}
	if (r < 0)
		return perr_set(e, -r, "seccomp rule for mount");
	return 0;
}

/* sysvmsg, sysvsem and sysvshm = disable. */
static int deny_sysv(scmp_filter_ctx ctx, const struct jail_policy *p, struct perr *e)
{
	static const char *const msg_calls[] = { "msgget", "msgsnd", "msgrcv", "msgctl" };
	static const char *const sem_calls[] = { "semget", "semop", "semtimedop", "semtimedop_time64", "semctl" };
	static const char *const shm_calls[] = { "shmget", "shmat", "shmdt", "shmctl" };

	if (p->sysvmsg == JSYS_DISABLE && deny_list(ctx, msg_calls, ARRAY_SIZE(msg_calls), e) < 0)
		return -1;
	if (p->sysvsem == JSYS_DISABLE && deny_list(ctx, sem_calls, ARRAY_SIZE(sem_calls), e) < 0)
		return -1;
	if (p->sysvshm == JSYS_DISABLE && deny_list(ctx, shm_calls, ARRAY_SIZE(shm_calls), e) < 0)
		return -1;
	/* The 32-bit ipc(2) multiplexer cannot be told apart cheaply: off unless all three are on. */
	if ((p->sysvmsg == JSYS_DISABLE || p->sysvsem == JSYS_DISABLE || p->sysvshm == JSYS_DISABLE) &&
	    deny(ctx, "ipc", e) < 0)
		return -1;
	return 0;
}

/* Typing into the controlling terminal of whoever started us. */
static int deny_tty_injection(scmp_filter_ctx ctx, struct perr *e)
{
	static const unsigned long tty_ioctls[] = { TIOCSTI, TIOCLINUX };

	for (size_t i = 0; i < ARRAY_SIZE(tty_ioctls); i++) {
		int r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
					 SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL, tty_ioctls[i]));
		if (r < 0)
			return perr_set(e, -r, "seccomp rule for ioctl");
	}
	return 0;
}

/* children.max=0: no nested user namespace, the widest door into kernel code. */
static int deny_nested_userns(scmp_filter_ctx ctx, struct perr *e)
{
	int r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(unshare), 1,
				 SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));

	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
				     SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));
	/* clone3 passes its flags in memory a filter cannot read: make libc fall back to clone. */
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	if (r < 0)
		return perr_set(e, -r, "seccomp rule for unshare");
	return 0;
}

/*
 * personality(2): only the personas other runtimes allow too, PER_LINUX
 * (0), PER_LINUX32 (8), each with UNAME26 (0x20000), and the query
 * 0xffffffff that changes nothing.  The other flags switch off the
 * caller's own exploit mitigations (READ_IMPLIES_EXEC, MMAP_PAGE_ZERO,
 * ADDR_NO_RANDOMIZE...), which a jail has no reason to do.
 *
 * A rule can compare an argument only once, so the refused values are
 * covered by masked patterns on the low 32 bits the kernel reads.  Take
 * the 30 bits other than 3 and 17 in a cycle: a value whose bits there are
 * neither all clear (an allowed persona) nor all set has, somewhere on the
 * cycle, a set bit followed by a clear one, and each such pair is one
 * pattern.  Two more catch the values with all 30 set but bit 3 or 17
 * clear, which only the query may have.
 */
static int deny_personality(scmp_filter_ctx ctx, struct perr *e)
{
	int bits[30] = { 0 }, n = 0, r = 0;

	for (int b = 0; b < 32; b++)
		if (b != 3 && b != 17)
			bits[n++] = b;
	for (int i = 0; i < n && r == 0; i++) {
		scmp_datum_t set = 1ULL << bits[i], clear = 1ULL << bits[(i + 1) % n];
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(personality), 1,
				     SCMP_A0(SCMP_CMP_MASKED_EQ, set | clear, set));
	}
	for (int b = 3; b <= 17 && r == 0; b += 14)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(personality), 1,
				     SCMP_A0(SCMP_CMP_MASKED_EQ, 1ULL | 1ULL << b, 1ULL));
	if (r < 0)
		return perr_set(e, -r, "seccomp rule for personality");
	return 0;
}

static int build_filter(scmp_filter_ctx ctx, const struct jail_policy *p, struct perr *e)
{
	if (deny_calls(ctx, p, e) < 0 || deny_sysv(ctx, p, e) < 0 || deny_tty_injection(ctx, e) < 0 ||
	    deny_mount_kinds(ctx, p, e) < 0)
		return -1;
	if (deny_personality(ctx, e) < 0 || sockaf_rules(ctx, p, e) < 0)
		return -1;
	if (!p->new_userns && deny_nested_userns(ctx, e) < 0)
		return -1;
	return 0;
}

/* Everything of a policy the filter depends on, as one number. */
static unsigned long filter_key(const struct jail_policy *p)
{
	return (unsigned long)p->set_hostname | (unsigned long)p->unpriv_debug << 1 |
	       (unsigned long)p->mount << 2 | (unsigned long)p->quotas << 3 |
	       (unsigned long)p->read_msgbuf << 4 | (unsigned long)p->new_userns << 5 |
	       (unsigned long)p->sysvmsg << 6 | (unsigned long)p->sysvsem << 8 |
	       (unsigned long)p->sysvshm << 10 | (unsigned long)p->vnet << 12 |
	       (unsigned long)p->raw_sockets << 13 | (unsigned long)p->socket_af << 14 |
	       (unsigned long)p->mount_typed << 15 | (unsigned long)p->mount_bind << 16 |
	       (unsigned long)p->mount_newfs << 17;
}

/*
 * A cached program is a header and the raw sock_filter array that
 * seccomp(SECCOMP_SET_MODE_FILTER) loads as it is: no libseccomp on the way
 * in.  The header names the format, the policy key the program was built
 * for and a hash of the instructions, so a truncated, foreign or corrupt
 * file is compiled again rather than loaded.
 */
#define FILTER_MAGIC "PRSNSECC"
#define FILTER_FORMAT 1

struct filter_header {
	char magic[8];
	uint32_t format;
	uint32_t count;   /* instructions after the header */
	uint64_t key;     /* filter_key() of the policy */
	uint64_t hash;    /* FNV-1a of key and instructions */
};

static uint64_t filter_hash(uint64_t key, const struct sock_filter *insns, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const unsigned char *b = (const unsigned char *)&key;

	for (size_t i = 0; i < sizeof(key); i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	b = (const unsigned char *)insns;
	for (size_t i = 0; i < n * sizeof(*insns); i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

/* Read and check a whole cached program from fd: a regular file of root's, header first. */
static int read_filter(int fd, uint64_t key, struct jail_filter *f)
{
	struct filter_header h;
	struct stat st;
	size_t bytes;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 ||
	    pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h))
		return -1;
	if (memcmp(h.magic, FILTER_MAGIC, sizeof(h.magic)) != 0 || h.format != FILTER_FORMAT || h.key != key ||
	    h.count == 0 || h.count > BPF_MAXINSNS ||
	    st.st_size != (off_t)(sizeof(h) + h.count * sizeof(struct sock_filter)))
		return -1;
	bytes = h.count * sizeof(struct sock_filter);
	f->insns = malloc(bytes);
	if (!f->insns || pread(fd, f->insns, bytes, sizeof(h)) != (ssize_t)bytes ||
	    filter_hash(key, f->insns, h.count) != h.hash) {
		free(f->insns);
		f->insns = NULL;
		return -1;
	}
	f->len = (unsigned short)h.count;
	return 0;
}

/* After libseccomp wrote the instructions behind the header's room: the header. */
static int seal_filter(int fd, uint64_t key)
{
	struct filter_header h = { .format = FILTER_FORMAT, .key = key };
	off_t size = lseek(fd, 0, SEEK_END);
	struct jail_filter f = { 0 };
	size_t n;

	if (size <= (off_t)sizeof(h) || (size - (off_t)sizeof(h)) % (off_t)sizeof(struct sock_filter))
		return -1;
	n = (size_t)(size - (off_t)sizeof(h)) / sizeof(struct sock_filter);
	if (n > BPF_MAXINSNS || !(f.insns = malloc(n * sizeof(struct sock_filter))))
		return -1;
	if (pread(fd, f.insns, n * sizeof(struct sock_filter), sizeof(h)) != (ssize_t)(n * sizeof(struct sock_filter))) {
		free(f.insns);
		return -1;
	}
	memcpy(h.magic, FILTER_MAGIC, sizeof(h.magic));
	h.count = (uint32_t)n;
	h.hash = filter_hash(key, f.insns, n);
	free(f.insns);
	return pwrite(fd, &h, sizeof(h), 0) == (ssize_t)sizeof(h) ? 0 : -1;
}

/* Compile with libseccomp and export the program to fd. */
static int export_filter(const struct jail_policy *p, int fd, struct perr *e)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r;

	if (!ctx)
		return perr_set(e, ENOMEM, "seccomp");
	/* setuid programs (su, ping) must keep working in a jail: no no_new_privs. */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	/*
	 * Cover the 32-bit entry points too, or a 32-bit binary walks around
	 * the filter.  x32 is left out on purpose: its system calls then meet
	 * libseccomp's bad-architecture action (kill), and the program is a
	 * third smaller, which is what loading it costs.
	 */
	if (seccomp_arch_native() == SCMP_ARCH_X86_64)
		seccomp_arch_add(ctx, SCMP_ARCH_X86);
	/*
	 * A binary tree of system call numbers instead of a list: the kernel
	 * runs the program for every number when it is loaded (the action
	 * cache of each filter), and for every call whose action depends on
	 * its arguments, so a shorter path is cheaper at each entry and in
	 * the jail's every such call.
	 */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	r = build_filter(ctx, p, e);
	/* Room for the header first (filter_header); libseccomp writes at the offset. */
	if (r == 0 && lseek(fd, (off_t)sizeof(struct filter_header), SEEK_SET) < 0)
		r = perr_set(e, errno, "seccomp filter");
	if (r == 0 && (r = seccomp_export_bpf(ctx, fd)) < 0)
		perr_set(e, -r, "export seccomp filter");
	seccomp_release(ctx);
	return r < 0 ? -1 : 0;
}

/*
 * Compiled programs are kept under RUNDIR/filter (runtime.h), one file per policy,
 * named after what they depend on: the policy, libseccomp's version and
 * this build (its compile time), so a rebuilt prison never loads a program
 * an older one made.  Compiling is most of the cost of entering a jail.
 */

static void cache_name(const struct jail_policy *p, char *buf, size_t len)
{
	const struct scmp_version *v = seccomp_version();
	char stamp[] = __DATE__ "-" __TIME__;

	for (char *c = stamp; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z')))
			*c = '_';
	snprintf(buf, len, "%lx-%u.%u.%u-%s", filter_key(p), v ? v->major : 0, v ? v->minor : 0,
		 v ? v->micro : 0, stamp);
}

static int open_cache_dir(void)
{
	struct stat st;
	char dir[256];
	_cleanup_close_ int fd = -1;

	snprintf(dir, sizeof(dir), "%s/filter", runtime_rundir());
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	/* Only a directory that root alone can write is trusted to hold filters. */
	if (fd >= 0 && (fstat(fd, &st) < 0 || st.st_uid != 0 || (st.st_mode & 0077)))
		return -1;
	return TAKE_FD(fd);
}

/* Programs another build or libseccomp made are never loaded again: drop them. */
static void prune_cache(int dir, const char *suffix)
{
	_cleanup_closedir_ DIR *d = opendir_at(dir);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		const char *dash = strchr(de->d_name, '-');
		if (de->d_name[0] != '.' && (!dash || strcmp(dash, suffix) != 0))
			unlinkat(dir, de->d_name, 0);
	}
}

static int compile_filter(const struct jail_policy *p, struct jail_filter *f, struct perr *e)
{
	char name[128], tmp[160];
	_cleanup_close_ int dir = open_cache_dir();
	_cleanup_close_ int fd = -1;
	int r;

	cache_name(p, name, sizeof(name));
	if (dir >= 0) {
		fd = openat(dir, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd >= 0 && read_filter(fd, filter_key(p), f) == 0)
			return 0;
		closep(&fd);
		snprintf(tmp, sizeof(tmp), ".%s.%d", name, (int)getpid());
		fd = openat(dir, tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	}
	if (fd < 0) {
		/* No cache to be had: compile into memory. */
		fd = memfd_create("seccomp", MFD_CLOEXEC);
		if (fd < 0)
			return perr_set(e, errno, "memfd for the seccomp filter");
		closep(&dir);
		dir = -1;
	}
	r = export_filter(p, fd, e);
	if (r == 0 && (seal_filter(fd, filter_key(p)) < 0 || read_filter(fd, filter_key(p), f) < 0))
		r = perr_set(e, EIO, "read seccomp filter");
	if (r < 0) {
		if (dir >= 0)
			unlinkat(dir, tmp, 0);
		return -1;
	}
	if (dir >= 0) {
		if (renameat(dir, tmp, dir, name) < 0)
			unlinkat(dir, tmp, 0);
		prune_cache(dir, strchr(name, '-'));
	}
	return 0;
}

/*
 * The programs this process has compiled or read, one per filter_key, kept
 * until it exits.  A command that starts many jails of one policy (jail -c
 * of a whole jail.conf, a jexec after its exec.prestart) then compiles or
 * reads the program once, and the pointer priv_filter hands out stays
 * valid whatever policy is asked for next.  There is at most one entry per
 * key and the key has a dozen bits, so the list is bounded.  Process-wide
 * by design, since reuse across calls is its point; prison's commands call
 * it from one thread.
 */
struct filter_entry {
	struct filter_entry *next;
	unsigned long key;
	struct jail_filter f;
};
static struct filter_entry *filters;

int priv_filter(const struct jail_policy *p, const struct jail_filter **ret, struct perr *e)
{
	unsigned long key = filter_key(p);
	struct filter_entry *c;

	for (c = filters; c; c = c->next)
		if (c->key == key) {
			*ret = &c->f;
			return 0;
		}
	c = calloc(1, sizeof(*c));
	if (!c)
		return perr_set(e, ENOMEM, "seccomp filter");
	if (compile_filter(p, &c->f, e) < 0) {
		free(c);
		return -1;
	}
	c->key = key;
	c->next = filters;
	filters = c;
	*ret = &c->f;
	return 0;
}

int priv_restrict(const struct jail_policy *p, const struct jail_filter *f, struct perr *e)
{
	struct sock_fprog prog = { .len = f->len, .filter = f->insns };
	unsigned long long keep = baseline_caps(p);
	int last = last_cap();

	for (int c = 0; c <= last; c++)
		if (!(keep & (1ULL << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
			return perr_set(e, errno, "drop capability %d", c);
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return perr_set(e, errno, "clear ambient capabilities");
	/* The filter is loaded while CAP_SYS_ADMIN is still effective, so no_new_privs is not needed. */
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return perr_set(e, errno, "load seccomp filter");
	if (!p->suser) {
		/* allow.suser=0: uid 0 gets no capabilities from execve, and cannot undo that. */
		int bits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
			   SECBIT_NO_SETUID_FIXUP_LOCKED;
		if (prctl(PR_SET_SECUREBITS, bits, 0, 0, 0) < 0)
			return perr_set(e, errno, "set securebits");
	}
	return 0;
}

/*
 * The effective and permitted sets cut to keep; the inheritable set made
 * what of inheritable and of ambient is kept and permitted, so that an
 * ambient raise can follow (and no capability outside the permitted set is
 * asked for, which capset refuses a process without CAP_SETPCAP: one of a
 * uid other than 0 has none effective).  data gets the sets as set.
 */
static int caps_cut(unsigned long long keep, unsigned long long inheritable, unsigned long long ambient,
		    struct __user_cap_data_struct data[2], struct perr *e)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };

	memset(data, 0, 2 * sizeof(*data));
	if (syscall(SYS_capget, &hdr, data) < 0)
		return perr_set(e, errno, "capget");
	for (int i = 0; i < 2; i++) {
		unsigned int k = (unsigned int)(keep >> (32 * i));
		data[i].effective &= k;
		data[i].permitted &= k;
		data[i].inheritable = data[i].permitted & (unsigned int)((inheritable | ambient) >> (32 * i));
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		return perr_set(e, errno, "capset");
	return 0;
}

int priv_trim(const struct jail_policy *p, struct perr *e)
{
	struct __user_cap_data_struct data[2];

	return caps_cut(baseline_caps(p), 0, 0, data, e);
}

/*
 * CAP_SETPCAP effective again where it is permitted: a uid other than 0
 * keeps its permitted set through setuid (cred.h) but not its effective
 * one, and dropping from the bounding set takes CAP_SETPCAP.
 */
static int setpcap_effective(struct perr *e)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	const unsigned bit = 1U << (CAP_SETPCAP % 32);

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) < 0)
		return perr_set(e, errno, "capget");
	if (!(data[CAP_SETPCAP / 32].permitted & bit) || (data[CAP_SETPCAP / 32].effective & bit))
		return 0;
	data[CAP_SETPCAP / 32].effective |= bit;
	if (syscall(SYS_capset, &hdr, data) < 0)
		return perr_set(e, errno, "capset");
	return 0;
}

int priv_keep_only(unsigned long long keep, unsigned long long inheritable, unsigned long long ambient,
		   struct perr *e)
{
	struct __user_cap_data_struct data[2];
	int last = last_cap();

	if (setpcap_effective(e) < 0)
		return -1;
	/* The bounding set first, while CAP_SETPCAP is effective; without it the set stays the jail's. */
	for (int c = 0; c <= last; c++)
		if (!(keep & (1ULL << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL &&
		    errno != EPERM)
			return perr_set(e, errno, "drop capability %d", c);
	if (caps_cut(keep, inheritable, ambient, data, e) < 0)
		return -1;
	/* Only a capability both permitted and inheritable can be ambient; the kernel checks it again. */
	for (int c = 0; c <= last; c++)
		if ((ambient & keep & (1ULL << c)) && (data[c / 32].permitted & (1U << (c % 32))) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
			return perr_set(e, errno, "raise ambient capability %d", c);
	return 0;
}
