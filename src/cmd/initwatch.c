#include "initwatch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

/* Only the enums: jailinit links nothing of the library. */
#include "../lib/rctl.h"

#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb
#endif

/* syslog priorities (facility * 8 + level), as <syslog.h> defines them. */
#define PRI_LOG (3 * 8 + 5)      /* daemon.notice */
#define PRI_DEVCTL (10 * 8 + 5)  /* authpriv.notice, as the other audit events */

static bool watched(int resource)
{
	switch (resource) {
	case R_MEMORYUSE: case R_SWAPUSE: case R_MAXPROC: case R_NTHR: case R_OPENFILES:
	case R_VMEMORYUSE: case R_PCPU: case R_CPUTIME: case R_WALLCLOCK:
		return true;
	default:
		return false;
	}
}

/* CPU time only grows and time only passes: those rules fire once. */
static bool once_only(int resource)
{
	return resource == R_CPUTIME || resource == R_WALLCLOCK;
}

/* A decimal number from *p up to the next space or newline, within [min, max]; *p moves past it. */
static bool take_number(const char **p, unsigned long long min, unsigned long long max, unsigned long long *ret)
{
	char *end;

	while (**p == ' ')
		(*p)++;
	if (**p < '0' || **p > '9')
		return false;
	errno = 0;
	*ret = strtoull(*p, &end, 10);
	if (errno || *ret < min || *ret > max || (*end != ' ' && *end != '\n' && *end != '\0'))
		return false;
	*p = end;
	return true;
}

/* A word up to the next space or newline into buf; *p moves past it. */
static bool take_word(const char **p, char *buf, size_t len)
{
	size_t n;

	while (**p == ' ')
		(*p)++;
	n = strcspn(*p, " \n");
	if (n == 0 || n >= len)
		return false;
	memcpy(buf, *p, n);
	buf[n] = '\0';
	*p += n;
	return true;
}

int watch_parse(const char *msg, struct watch_list *out, char *err, size_t errlen)
{
	const char *p = msg;
	unsigned long long jid;

	memset(out, 0, sizeof(*out));
	if (strncmp(p, "watch ", 6) != 0 || (p += 6, !take_number(&p, 1, 999999, &jid)) ||
	    !take_word(&p, out->name, sizeof(out->name)) || (*p != '\n' && *p != '\0')) {
		snprintf(err, errlen, "bad watch header");
		return -1;
	}
	out->jid = (int)jid;
	while (*p == '\n')
		p++;
	while (*p) {
		struct watch_rule *r = &out->rule[out->n];
		unsigned long long res, action, sig, amount;
		if (out->n == WATCH_MAX_RULES) {
			snprintf(err, errlen, "more than %d rules", WATCH_MAX_RULES);
			return -1;
		}
		memset(r, 0, sizeof(*r));
		if (!take_number(&p, 0, R__COUNT - 1, &res) || !take_number(&p, 0, RA__COUNT - 1, &action) ||
		    !take_number(&p, 0, 64, &sig) || !take_number(&p, 0, UINT64_MAX, &amount) ||
		    !take_word(&p, r->text, sizeof(r->text)) || (*p != '\n' && *p != '\0')) {
			snprintf(err, errlen, "bad rule line %zu", out->n + 1);
			return -1;
		}
		r->amount = amount;
		r->resource = (int)res;
		r->action = (int)action;
		r->signal = (int)sig;
		if (!watched(r->resource)) {
			snprintf(err, errlen, "%s: resource not watched", r->text);
			return -1;
		}
		if (r->action != RA_LOG && r->action != RA_DEVCTL && (r->action != RA_SIGNAL || r->signal == 0)) {
			snprintf(err, errlen, "%s: action not watched", r->text);
			return -1;
		}
		out->n++;
		while (*p == '\n')
			p++;
	}
	return 0;
}

void watch_merge(const struct watch_list *old, struct watch_list *new)
{
	for (size_t i = 0; i < new->n; i++) {
		struct watch_rule *r = &new->rule[i];
		for (size_t k = 0; k < old->n; k++) {
			const struct watch_rule *o = &old->rule[k];
			if (o->resource == r->resource && o->action == r->action && o->signal == r->signal &&
			    o->amount == r->amount) {
				r->above = o->above;
				break;
			}
		}
	}
}

bool watch_edge(struct watch_rule *r, uint64_t usage, uint64_t scale, bool once)
{
	uint64_t limit = r->amount > UINT64_MAX / scale ? UINT64_MAX : r->amount * scale;

	if (usage > limit) {
		if (r->above)
			return false;
		r->above = true;
		return true;
	}
	if (!once)
		r->above = false;
	return false;
}

/* ---- jailinit's side: counters, targets, actions ---- */

static struct watch_list list;
static int timerfd = -1;
static struct timespec born;      /* CLOCK_BOOTTIME when jailinit started */
static uint64_t last_cpu_usec;    /* at the previous tick, for pcpu */
static struct timespec last_tick;
static bool have_last;

int watch_timer(void)
{
	return timerfd;
}

static bool fd_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

static uint64_t ns_between(const struct timespec *a, const struct timespec *b)
{
	int64_t d = (int64_t)(b->tv_sec - a->tv_sec) * 1000000000LL + (b->tv_nsec - a->tv_nsec);

	return d > 0 ? (uint64_t)d : 0;
}

/* A counter file the host opened for us: the whole text, from the start. */
static bool read_counter(int fd, char *buf, size_t len)
{
	ssize_t n = fd >= 0 ? pread(fd, buf, len - 1, 0) : -1;

	if (n <= 0)
		return false;
	buf[n] = '\0';
	return true;
}

static bool read_u64(int fd, uint64_t *ret)
{
	char buf[64];

	if (!read_counter(fd, buf, sizeof(buf)))
		return false;
	*ret = strtoull(buf, NULL, 10);
	return true;
}

static bool cpu_usec(uint64_t *ret)
{
	char buf[1024];
	const char *p;

	if (!read_counter(WATCH_FD_CPU, buf, sizeof(buf)) || !(p = strstr(buf, "usage_usec ")))
		return false;
	*ret = strtoull(p + 11, NULL, 10);
	return true;
}

/* v1 counts swap together with memory (memsw): take memory out. */
static bool swap_bytes(uint64_t *ret)
{
	struct statfs sfs;
	uint64_t v, mem;

	if (!read_u64(WATCH_FD_SWAP, &v))
		return false;
	if (fstatfs(WATCH_FD_SWAP, &sfs) == 0 && sfs.f_type == CGROUP_SUPER_MAGIC)
		v = read_u64(WATCH_FD_MEMORY, &mem) && v > mem ? v - mem : 0;
	*ret = v;
	return true;
}

/* A process chosen in a pass: its pid and its start time, which tell it from a later one with the same pid. */
struct target {
	pid_t pid;
	uint64_t start;
};

/* What one pass over the jail's /proc found: sums, and who uses most of what. */
struct sample {
	uint64_t procs, threads, fds, vsize, rss;
	struct target top_rss, top_cpu_total, top_cpu_rate, newest, top_fds;
	uint64_t max_rss, max_cpu_total, max_fds, newest_start;
	double max_cpu_rate;
};

static uint64_t count_fds(int procfd, const char *pid)
{
	char path[48];
	int fd;
	DIR *d;
	uint64_t n = 0;

	snprintf(path, sizeof(path), "%s/fd", pid);
	fd = openat(procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	for (struct dirent *de; (de = readdir(d));)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* What the stat line of one process says, in the units of /proc. */
struct proc_stat {
	uint64_t cpu;     /* utime + stime, clock ticks */
	uint64_t start;   /* clock ticks since boot */
	uint64_t rss;     /* bytes */
	uint64_t threads, vsize;
};

char *proc_stat_fields(int procfd, const char *pid, char *buf, size_t len)
{
	char path[48], *p;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/stat", pid);
	fd = openat(procfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	/* The command name may hold spaces and parentheses: the fields start after the last ')'. */
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p + 1 : NULL;
}

/* The stat line of the process named pid in procfd; false if it is gone, a zombie or unreadable. */
static bool read_stat(int procfd, const char *pid, struct proc_stat *ret)
{
	char buf[1024], *p, *f[24];
	int k = 0;

	/* f[0] is field 3 (state). */
	p = proc_stat_fields(procfd, pid, buf, sizeof(buf));
	if (!p)
		return false;
	for (char *save = NULL, *t = strtok_r(p + 1, " ", &save); t && k < 24; t = strtok_r(NULL, " ", &save))
		f[k++] = t;
	if (k < 22 || f[0][0] == 'Z' || f[0][0] == 'X')
		return false;
	ret->cpu = strtoull(f[11], NULL, 10) + strtoull(f[12], NULL, 10);
	ret->threads = strtoull(f[17], NULL, 10);
	ret->start = strtoull(f[19], NULL, 10);
	ret->vsize = strtoull(f[20], NULL, 10);
	ret->rss = strtoull(f[21], NULL, 10) * (uint64_t)sysconf(_SC_PAGESIZE);
	return true;
}

/* Is pid the one that uses most of each resource so far, or the newest? */
static void consider_target(struct sample *s, pid_t pid, const struct proc_stat *st, uint64_t nfds,
			    uint64_t uptime_ticks)
{
	/* ps(1)'s %CPU: CPU time over the process's lifetime. */
	double rate = uptime_ticks > st->start ? (double)st->cpu / (double)(uptime_ticks - st->start) : 0;
	struct target t = { .pid = pid, .start = st->start };

	if (st->rss >= s->max_rss) {
		s->max_rss = st->rss;
		s->top_rss = t;
	}
	if (st->cpu >= s->max_cpu_total) {
		s->max_cpu_total = st->cpu;
		s->top_cpu_total = t;
	}
	if (!s->top_cpu_rate.pid || rate > s->max_cpu_rate) {
		s->max_cpu_rate = rate;
		s->top_cpu_rate = t;
	}
	if (st->start >= s->newest_start) {
		s->newest_start = st->start;
		s->newest = t;
	}
	if (nfds >= s->max_fds && nfds) {
		s->max_fds = nfds;
		s->top_fds = t;
	}
}

/*
 * Every process of the jail from its /proc.  jailinit is counted, as rctl -u
 * counts it, but never chosen as a target.  Descriptors can be counted only
 * for processes jailinit may inspect (the jail's root user's own, without
 * CAP_SYS_PTRACE); the others count as none.
 */
static void scan(int procfd, bool want_fds, uint64_t uptime_ticks, struct sample *s)
{
	int fd = dup(procfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;

	memset(s, 0, sizeof(*s));
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	rewinddir(d);
	for (struct dirent *de; (de = readdir(d));) {
		struct proc_stat st;
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		if (pid <= 0 || *end || !read_stat(procfd, de->d_name, &st))
			continue;
		uint64_t nfds = want_fds ? count_fds(procfd, de->d_name) : 0;
		s->procs++;
		s->threads += st.threads;
		s->vsize += st.vsize;
		s->rss += st.rss;
		s->fds += nfds;
		if (pid != 1)
			consider_target(s, (pid_t)pid, &st, nfds, uptime_ticks);
	}
	closedir(d);
}

static struct target target_of(int resource, const struct sample *s)
{
	switch (resource) {
	case R_MEMORYUSE:
	case R_SWAPUSE:
	case R_VMEMORYUSE: return s->top_rss;
	case R_CPUTIME: return s->top_cpu_total;
	case R_PCPU: return s->top_cpu_rate;
	case R_MAXPROC:
	case R_NTHR: return s->newest;
	case R_OPENFILES: return s->top_fds;
	default: return (struct target){ 0 };
	}
}

static void to_syslog(int pri, const char *text)
{
	char line[2048];
	int n = snprintf(line, sizeof(line), "<%d>prison: %s", pri, text);

	if (n > 0 && fd_open(WATCH_FD_SYSLOG))
		(void)send(WATCH_FD_SYSLOG, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1,
			   MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* The jail's name in a JSON string: quotes, backslashes and controls escaped. */
static void json_escape(const char *s, char *out, size_t len)
{
	size_t k = 0;

	for (; *s && k + 7 < len; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			out[k++] = '\\';
			out[k++] = (char)c;
		} else if (c < 0x20) {
			k += (size_t)snprintf(out + k, len - k, "\\u%04x", c);
		} else {
			out[k++] = (char)c;
		}
	}
	out[k] = '\0';
}

/*
 * Signal the process chosen in the pass, and only it: a pidfd is opened
 * first, then the process behind the pid is checked to have the start time
 * it had in the pass, and the pidfd to be alive after that check, so the
 * signal never reaches a process that took the pid of one that ended.
 */
static void signal_target(int procfd, struct target t, int sig)
{
	struct proc_stat st;
	struct pollfd p;
	char name[16];
	int pidfd;

	if (t.pid <= 1)
		return;
	pidfd = (int)syscall(SYS_pidfd_open, t.pid, 0);
	if (pidfd < 0)
		return;
	snprintf(name, sizeof(name), "%d", (int)t.pid);
	p = (struct pollfd){ .fd = pidfd, .events = POLLIN };
	if (read_stat(procfd, name, &st) && st.start == t.start && poll(&p, 1, 0) == 0)
		(void)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
	close(pidfd);
}

static void act(const struct watch_rule *r, uint64_t usage, struct target target, int procfd)
{
	pid_t who = target.pid;

	char line[1024], name[600];

	if (r->action == RA_LOG) {
		/* To the console log (jailinit's standard output) and the host's syslog. */
		int n = snprintf(line, sizeof(line), "rctl: rule \"jail:%s:%s\" matched by pid %d, jail %d: usage %llu\n",
				 list.name, r->text, (int)who, list.jid, (unsigned long long)usage);
		if (n > 0 && write(1, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1) < 0)
			errno = 0;
		line[strcspn(line, "\n")] = '\0';
		to_syslog(PRI_LOG, line);
	} else if (r->action == RA_DEVCTL) {
		/* One audit event, like those of jail(8) and jexec(8). */
		struct timespec ts;
		struct tm tm;
		char when[64];
		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
		json_escape(list.name, name, sizeof(name));
		int n = snprintf(line, sizeof(line),
				 "{\"time\":\"%s.%03ldZ\",\"event\":\"rctl\",\"jail\":\"%s\",\"jid\":%d,"
				 "\"rule\":\"jail:%s:%s\",\"resource\":\"%.*s\",\"usage\":%llu,\"jail_pid\":%d,"
				 "\"result\":\"ok\"}\n",
				 when, ts.tv_nsec / 1000000, name, list.jid, name, r->text, (int)strcspn(r->text, ":"),
				 r->text, (unsigned long long)usage, (int)who);
		if (n > 0 && (size_t)n < sizeof(line)) {
			/* One write per line: appends of host commands do not interleave with it. */
			if (fd_open(WATCH_FD_AUDIT) && write(WATCH_FD_AUDIT, line, (size_t)n) < 0)
				errno = 0;
			line[n - 1] = '\0';
			to_syslog(PRI_DEVCTL, line);
		}
	} else if (r->resource == R_WALLCLOCK) {
		/* Time is the jail's as a whole: every process but this one (kill(-1) from PID 1). */
		kill(-1, r->signal);
	} else {
		signal_target(procfd, target, r->signal);
	}
}

/* The counters of one tick: the cgroup's, each with whether it could be read, and the time. */
struct counters {
	struct timespec now; /* CLOCK_BOOTTIME */
	uint64_t ticks;      /* now in clock ticks since boot, the unit of a process's start time */
	uint64_t mem, swap, cpu;
	bool have_mem, have_swap, have_cpu;
};

static void read_counters(struct counters *c)
{
	long hz = sysconf(_SC_CLK_TCK);

	memset(c, 0, sizeof(*c));
	clock_gettime(CLOCK_BOOTTIME, &c->now);
	if (hz > 0)
		c->ticks = (uint64_t)c->now.tv_sec * (uint64_t)hz + (uint64_t)c->now.tv_nsec / (1000000000ULL / (uint64_t)hz);
	c->have_cpu = cpu_usec(&c->cpu);
	c->have_mem = read_u64(WATCH_FD_MEMORY, &c->mem);
}

/* Does a rule need a pass over /proc: a count only /proc has, or a process to signal? */
static bool needs_scan(const struct watch_rule *r, const struct counters *c)
{
	switch (r->resource) {
	case R_MAXPROC:
	case R_NTHR:
	case R_OPENFILES:
	case R_VMEMORYUSE: return true;
	case R_MEMORYUSE: return !c->have_mem || r->action == RA_SIGNAL;
	default: return r->action == RA_SIGNAL;
	}
}

/* pcpu over the interval since the last tick, in hundredths of a percent of one CPU; false before there is one. */
static bool pcpu_usage(const struct counters *c, uint64_t *ret)
{
	uint64_t wall = have_last ? ns_between(&last_tick, &c->now) / 1000 : 0;

	if (!c->have_cpu || !wall)
		return false;
	*ret = (c->cpu - last_cpu_usec) * 10000 / wall;
	return true;
}

/* A rule's counter now, in units of amount * *scale; false when it cannot be known at this tick. */
static bool usage_of(const struct watch_rule *r, const struct counters *c, const struct sample *s, uint64_t *usage,
		     uint64_t *scale)
{
	*scale = 1;
	switch (r->resource) {
	case R_MEMORYUSE: *usage = c->have_mem ? c->mem : s->rss; return true;
	case R_SWAPUSE: *usage = c->swap; return c->have_swap;
	case R_MAXPROC: *usage = s->procs; return true;
	case R_NTHR: *usage = s->threads; return true;
	case R_OPENFILES: *usage = s->fds; return true;
	case R_VMEMORYUSE: *usage = s->vsize; return true;
	case R_CPUTIME:
		*usage = c->cpu;
		*scale = 1000000;
		return c->have_cpu;
	case R_WALLCLOCK:
		*usage = ns_between(&born, &c->now) / 1000;
		*scale = 1000000;
		return true;
	case R_PCPU:
		*scale = 100;
		return pcpu_usage(c, usage);
	default: return false;
	}
}

void watch_tick(int procfd)
{
	struct sample s = { 0 };
	struct counters c;
	bool need_scan = false, want_fds = false;
	uint64_t expirations;

	if (timerfd >= 0 && read(timerfd, &expirations, sizeof(expirations)) < 0)
		errno = 0;
	read_counters(&c);
	for (size_t i = 0; i < list.n; i++) {
		const struct watch_rule *r = &list.rule[i];
		if (r->resource == R_SWAPUSE)
			c.have_swap = swap_bytes(&c.swap);
		want_fds |= r->resource == R_OPENFILES;
		need_scan |= needs_scan(r, &c);
	}
	if (need_scan)
		scan(procfd, want_fds, c.ticks, &s);
	for (size_t i = 0; i < list.n; i++) {
		struct watch_rule *r = &list.rule[i];
		uint64_t usage, scale;
		if (usage_of(r, &c, &s, &usage, &scale) && watch_edge(r, usage, scale, once_only(r->resource)))
			act(r, usage / scale, target_of(r->resource, &s), procfd);
	}
	if (c.have_cpu) {
		last_cpu_usec = c.cpu;
		last_tick = c.now;
		have_last = true;
	}
}

static bool disarm(void)
{
	if (timerfd >= 0)
		close(timerfd);
	timerfd = -1;
	have_last = false;
	return true;
}

void watch_install(const char *msg, char *reply, size_t len)
{
	struct watch_list next;
	char err[160];

	if (watch_parse(msg, &next, err, sizeof(err)) < 0) {
		snprintf(reply, len, "error %s", err);
		return;
	}
	for (size_t i = 0; i < next.n; i++) {
		int res = next.rule[i].resource;
		if ((res == R_CPUTIME || res == R_PCPU) && !fd_open(WATCH_FD_CPU)) {
			snprintf(reply, len, "error %s: no CPU counter for this jail", next.rule[i].text);
			return;
		}
		if (res == R_SWAPUSE && !fd_open(WATCH_FD_SWAP)) {
			snprintf(reply, len, "error %s: swap is not counted for this jail (no memory cgroup with swap accounting)",
				 next.rule[i].text);
			return;
		}
	}
	if (next.n && timerfd < 0) {
		struct itimerspec its = { .it_interval = { 1, 0 }, .it_value = { 1, 0 } };
		timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (timerfd < 0 || timerfd_settime(timerfd, 0, &its, NULL) < 0) {
			disarm();
			snprintf(reply, len, "error timer: %s", strerror(errno));
			return;
		}
	}
	watch_merge(&list, &next);
	list = next;
	/* No rules, no timer: an unwatched jail costs nothing. */
	if (!list.n)
		disarm();
	snprintf(reply, len, "ok");
}

void watch_init(void)
{
	clock_gettime(CLOCK_BOOTTIME, &born);
}
