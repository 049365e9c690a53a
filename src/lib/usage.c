#include "usage.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cglimit.h"
#include "cgroup.h"
#include "jailproc.h"
#include "jailstate.h"
#include "nsenter.h"
#include "pidpin.h"
#include "pin.h"
#include "util.h"

#ifndef DEVPTS_SUPER_MAGIC
#define DEVPTS_SUPER_MAGIC 0x1cd1
#endif

static uint64_t known(uint64_t v)
{
	return v == CG_UNLIMITED ? 0 : v;
}

/* "Key:   N kB" of /proc/PID/status, in bytes. */
static uint64_t status_kb(const char *status, const char *key)
{
	const char *p = strstr(status, key);

	return p ? strtoull(p + strlen(key), NULL, 10) * 1024 : 0;
}

static int count_entries(int dirfd)
{
	_cleanup_closedir_ DIR *d = opendir_at(dirfd);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	return n;
}

/* Sums over the jail's processes, listed by its cgroup. */
static int per_process(const struct cg_path *cg, uint64_t out[R__COUNT], uint64_t *rss)
{
	struct perr e = { 0 };
	_cleanup_close_ int procs = cgroup_open_procs(cg, &e);
	char buf[65536], rel[160];

	if (procs < 0 || read_file_at(procs, "cgroup.procs", buf, sizeof(buf)) < 0)
		return -1;
	cg_path_procs(cg, rel, sizeof(rel));
	for (char *save = NULL, *t = strtok_r(buf, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
		_cleanup_pidpin_ struct pidpin pin = { .pidfd = -1, .procfd = -1 };
		char status[4096];
		long pid;
		/* Pinned, and still the jail's after the read: a pid reused by a host process is not counted. */
		if (!parse_long(t, 1, 1L << 30, &pid) || pidpin_open((pid_t)pid, rel, &pin) < 0)
			continue;
		int pd = pin.procfd;
		if (read_file_at(pd, "status", status, sizeof(status)) <= 0 || !pidpin_holds(&pin, rel))
			continue;
		out[R_MAXPROC]++;
		out[R_VMEMORYUSE] += status_kb(status, "VmSize:");
		out[R_DATASIZE] += status_kb(status, "VmData:");
		out[R_STACKSIZE] += status_kb(status, "VmStk:");
		out[R_MEMORYLOCKED] += status_kb(status, "VmLck:");
		*rss += status_kb(status, "VmRSS:");
		const char *th = strstr(status, "Threads:");
		if (th)
			out[R_NTHR] += strtoull(th + 8, NULL, 10);
		_cleanup_close_ int fds = openat(pd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fds >= 0)
			out[R_OPENFILES] += (uint64_t)count_entries(fds);
	}
	return 0;
}

/* Terminals of the jail's devpts, found inside its root without following its links. */
static uint64_t ptys(pid_t init)
{
	char path[64];
	struct open_how how = { .flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	struct statfs sfs;
	int n;

	snprintf(path, sizeof(path), "/proc/%d/root", (int)init);
	_cleanup_close_ int root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return 0;
	_cleanup_close_ int pts = (int)syscall(SYS_openat2, root, "dev/pts", &how, sizeof(how));
	if (pts < 0 || fstatfs(pts, &sfs) < 0 || sfs.f_type != DEVPTS_SUPER_MAGIC)
		return 0;
	n = count_entries(pts) - 1; /* ptmx is not a terminal */
	return n > 0 ? (uint64_t)n : 0;
}

/* Read /proc/sysvipc/FILE (which shows the reader's IPC namespace): lines, and sums of two columns. */
static void sysvipc(const char *file, int col_a, int col_b, uint64_t res[3])
{
	char buf[65536];
	_cleanup_close_ int fd = open(file, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read_all(fd, buf, sizeof(buf) - 1) : -1;
	bool header = true;

	if (n <= 0)
		return;
	buf[n] = '\0';
	for (char *save = NULL, *t = strtok_r(buf, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
		char *f[16], *s2 = NULL;
		int k = 0;
		if (header) {
			header = false;
			continue;
		}
		for (char *w = strtok_r(t, " \t", &s2); w && k < 16; w = strtok_r(NULL, " \t", &s2))
			f[k++] = w;
		res[0]++;
		if (col_a >= 0 && col_a < k)
			res[1] += strtoull(f[col_a], NULL, 10);
		if (col_b >= 0 && col_b < k)
			res[2] += strtoull(f[col_b], NULL, 10);
	}
}

/* Columns as the kernel prints them: msg cbytes qnum, sem nsems, shm size. */
static int read_sysvipc(void *arg, struct ns_reply *out, struct perr *e)
{
	uint64_t v[9] = { 0 };

	(void)arg;
	(void)e;
	sysvipc("/proc/sysvipc/msg", 3, 4, v);
	sysvipc("/proc/sysvipc/sem", 3, -1, v + 3);
	sysvipc("/proc/sysvipc/shm", 3, -1, v + 6);
	memcpy(out->data, v, sizeof(v));
	out->len = sizeof(v);
	return 0;
}

/* Read in the jail's IPC namespace; left as it was when that cannot be. */
static void ipc_usage(int pidfd, uint64_t out[R__COUNT])
{
	struct ns_task t = { .nsfd = pidfd, .nstypes = CLONE_NEWIPC, .euid = (uid_t)-1, .what = "SysV IPC usage",
			     .fn = read_sysvipc };
	struct ns_reply r;
	struct perr ignore = { 0 };
	uint64_t v[9];

	if (ns_run(&t, &r, &ignore) < 0 || r.len != sizeof(v))
		return;
	memcpy(v, r.data, sizeof(v));
	out[R_NMSGQ] = v[0];
	out[R_MSGQSIZE] = v[1];
	out[R_MSGQQUEUED] = v[2];
	out[R_NSEM] = v[4];
	out[R_NSHM] = v[6];
	out[R_SHMSIZE] = v[7];
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int jail_usage(const struct jail_record *rec, uint64_t out[R__COUNT], struct perr *e)
{
	_cleanup_close_ int pidfd = jail_open_init(rec);
	struct cg_usage a, b;
	uint64_t rss = 0;
	long long t0, t1;
	struct timespec pause = { USAGE_SAMPLE_MS / 1000, (USAGE_SAMPLE_MS % 1000) * 1000000L };

	memset(out, 0, sizeof(uint64_t) * R__COUNT);
	/* An idle jail runs nothing: what its cgroup counted is all there is to say (SysV IPC shows once awake). */
	if (pidfd < 0 && jail_may_idle(&rec->params) && pin_exists(rec->jid)) {
		cg_usage(&rec->cg, &b);
		out[R_MEMORYUSE] = known(b.memory);
		out[R_SWAPUSE] = known(b.swap);
		out[R_CPUTIME] = known(b.cpu_usec) / 1000000;
		return 0;
	}
	if (pidfd < 0)
		return perr_setx(e, ENOENT, "jail \"%s\" not found", rec->name);
	t0 = now_ns();
	cg_usage(&rec->cg, &a);
	if (per_process(&rec->cg, out, &rss) < 0)
		return perr_set(e, errno, "processes of jail \"%s\"", rec->name);
	out[R_PSEUDOTERMINALS] = ptys(rec->init_pid);
	ipc_usage(pidfd, out);
	/* Seconds since jailinit started: its start time is in clock ticks since boot. */
	struct timespec up;
	clock_gettime(CLOCK_BOOTTIME, &up);
	long hz = sysconf(_SC_CLK_TCK);
	if (hz > 0 && rec->init_start)
		out[R_WALLCLOCK] = (uint64_t)up.tv_sec - rec->init_start / (unsigned long long)hz;
	nanosleep(&pause, NULL);
	cg_usage(&rec->cg, &b);
	t1 = now_ns();
	/* Memory: the cgroup's own count where a memory controller serves the jail, else resident pages. */
	out[R_MEMORYUSE] = b.memory != CG_UNLIMITED ? b.memory : rss;
	out[R_SWAPUSE] = known(b.swap);
	out[R_CPUTIME] = known(b.cpu_usec) / 1000000;
	double secs = (double)(t1 - t0) / 1e9;
	if (a.cpu_usec != CG_UNLIMITED && b.cpu_usec != CG_UNLIMITED && secs > 0)
		out[R_PCPU] = (uint64_t)((double)(b.cpu_usec - a.cpu_usec) / 1e4 / secs + 0.5);
	if (a.rbytes != CG_UNLIMITED && b.rbytes != CG_UNLIMITED && secs > 0) {
		out[R_READBPS] = (uint64_t)((double)(b.rbytes - a.rbytes) / secs);
		out[R_WRITEBPS] = (uint64_t)((double)(known(b.wbytes) - known(a.wbytes)) / secs);
		out[R_READIOPS] = (uint64_t)((double)(known(b.rios) - known(a.rios)) / secs);
		out[R_WRITEIOPS] = (uint64_t)((double)(known(b.wios) - known(a.wios)) / secs);
	}
	return 0;
}
