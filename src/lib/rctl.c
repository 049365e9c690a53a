#include "rctl.h"

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util.h"

#define DENY (1U << RA_DENY)
#define THROTTLE (1U << RA_THROTTLE)
/*
 * log, devctl and signals act when a counter crosses the amount.  The
 * kernel offers notifications only for its own limits, so jailinit samples
 * the jail's counters once a second for these (src/cmd/initwatch.c).
 */
#define WATCH ((1U << RA_LOG) | (1U << RA_DEVCTL) | (1U << RA_SIGNAL))

static const char per_process[] = "Linux has no counter of this across a jail: the kernel limits each process";
static const char per_process_watched[] = "the kernel limits each process (deny); log, devctl and signals watch the jail's sum";
static const char no_throttle[] = "the kernel cannot slow this down; deny is enforced by the kernel, the other actions by jailinit's watcher";
static const char no_deny_cpu[] = "CPU time already used cannot be refused; use pcpu to cap the rate";
static const char only_throttle[] = "I/O cannot be refused, only slowed: use throttle";
static const char ipc_ns[] = "a limit of the jail's own IPC namespace (sysv* = new); crossing it is refused by the kernel, not watched";

const struct rctl_resource_def rctl_resources[R__COUNT] = {
	[R_CPUTIME] = { "cputime", RU_SECONDS, WATCH, "cpu.stat usage_usec of the jail's cgroup", no_deny_cpu },
	[R_DATASIZE] = { "datasize", RU_BYTES, DENY, "RLIMIT_DATA of every process in the jail", per_process },
	[R_STACKSIZE] = { "stacksize", RU_BYTES, DENY, "RLIMIT_STACK of every process in the jail", per_process },
	[R_COREDUMPSIZE] = { "coredumpsize", RU_BYTES, DENY, "RLIMIT_CORE of every process in the jail", per_process },
	[R_MEMORYUSE] = { "memoryuse", RU_BYTES, DENY | WATCH, "memory.max (v2), memory.limit_in_bytes (v1)", no_throttle },
	[R_MEMORYLOCKED] = { "memorylocked", RU_BYTES, DENY, "RLIMIT_MEMLOCK of every process in the jail", per_process },
	[R_MAXPROC] = { "maxproc", RU_COUNT, DENY | WATCH, "pids.max, which counts threads too", no_throttle },
	[R_OPENFILES] = { "openfiles", RU_COUNT, DENY | WATCH, "RLIMIT_NOFILE of every process in the jail", per_process_watched },
	[R_VMEMORYUSE] = { "vmemoryuse", RU_BYTES, DENY | WATCH, "RLIMIT_AS of every process in the jail", per_process_watched },
	[R_PSEUDOTERMINALS] = { "pseudoterminals", RU_COUNT, DENY, "max= of the jail's own devpts instance", "the kernel refuses the next terminal; nothing watches the count" },
	[R_SWAPUSE] = { "swapuse", RU_BYTES, DENY | WATCH, "memory.swap.max (v2), memory.memsw.limit_in_bytes less memoryuse (v1)", no_throttle },
	[R_NTHR] = { "nthr", RU_COUNT, DENY | WATCH, "pids.max (threads and processes)", no_throttle },
	[R_MSGQQUEUED] = { "msgqqueued", RU_COUNT, 0, "none", "Linux limits a message queue by bytes (msgqsize), not by messages" },
	[R_MSGQSIZE] = { "msgqsize", RU_BYTES, DENY, "kernel.msgmnb of the jail's IPC namespace", ipc_ns },
	[R_NMSGQ] = { "nmsgq", RU_COUNT, DENY, "kernel.msgmni of the jail's IPC namespace", ipc_ns },
	[R_NSEM] = { "nsem", RU_COUNT, DENY, "kernel.sem SEMMNS of the jail's IPC namespace", ipc_ns },
	[R_NSEMOP] = { "nsemop", RU_COUNT, DENY, "kernel.sem SEMOPM of the jail's IPC namespace", ipc_ns },
	[R_NSHM] = { "nshm", RU_COUNT, DENY, "kernel.shmmni of the jail's IPC namespace", ipc_ns },
	[R_SHMSIZE] = { "shmsize", RU_BYTES, DENY, "kernel.shmall of the jail's IPC namespace", ipc_ns },
	[R_WALLCLOCK] = { "wallclock", RU_SECONDS, WATCH, "time since the jail was created, reported by rctl -u", "time passing cannot be refused or slowed" },
	[R_PCPU] = { "pcpu", RU_PERCENT, DENY | THROTTLE | WATCH, "cpu.max (v2), cpu.cfs_quota_us (v1): deny and throttle cap the jail", "" },
	[R_READBPS] = { "readbps", RU_RATE, THROTTLE, "io.max rbps (v2), blkio.throttle.read_bps_device (v1), on every disk", only_throttle },
	[R_WRITEBPS] = { "writebps", RU_RATE, THROTTLE, "io.max wbps (v2), blkio.throttle.write_bps_device (v1), on every disk", only_throttle },
	[R_READIOPS] = { "readiops", RU_RATE, THROTTLE, "io.max riops (v2), blkio.throttle.read_iops_device (v1), on every disk", only_throttle },
	[R_WRITEIOPS] = { "writeiops", RU_RATE, THROTTLE, "io.max wiops (v2), blkio.throttle.write_iops_device (v1), on every disk", only_throttle },
};

static const char *const action_names[RA__COUNT] = { "deny", "log", "devctl", "throttle", "sig" };

static const struct {
	const char *name;
	int sig;
} signals[] = {
	{ "sighup", SIGHUP },   { "sigint", SIGINT },   { "sigquit", SIGQUIT }, { "sigabrt", SIGABRT },
	{ "sigkill", SIGKILL }, { "sigusr1", SIGUSR1 }, { "sigusr2", SIGUSR2 }, { "sigalrm", SIGALRM },
	{ "sigterm", SIGTERM }, { "sigstop", SIGSTOP }, { "sigtstp", SIGTSTP }, { "sigcont", SIGCONT },
	{ "sigxcpu", SIGXCPU }, { "sigxfsz", SIGXFSZ }, { "sigvtalrm", SIGVTALRM }, { "sigprof", SIGPROF },
	{ "sigurg", SIGURG },   { "sigwinch", SIGWINCH }, { "sigpipe", SIGPIPE }, { "sigsys", SIGSYS },
};

static int rctl_resource_lookup(const char *name)
{
	for (int i = 0; i < R__COUNT; i++)
		if (strcmp(rctl_resources[i].name, name) == 0)
			return i;
	return -1;
}

const char *rctl_action_name(const struct rctl_rule *r, char *buf, size_t len)
{
	if (r->action != RA_SIGNAL)
		return action_names[r->action];
	for (size_t i = 0; i < ARRAY_SIZE(signals); i++)
		if (signals[i].sig == r->signal) {
			snprintf(buf, len, "%s", signals[i].name);
			return buf;
		}
	snprintf(buf, len, "sig%d", r->signal);
	return buf;
}

static int parse_action(const char *s, struct rctl_rule *r, struct perr *e)
{
	for (int i = 0; i < RA__COUNT; i++)
		if (i != RA_SIGNAL && strcmp(action_names[i], s) == 0) {
			r->action = i;
			return 0;
		}
	for (size_t i = 0; i < ARRAY_SIZE(signals); i++)
		if (strcasecmp(signals[i].name, s) == 0) {
			r->action = RA_SIGNAL;
			r->signal = signals[i].sig;
			return 0;
		}
	return perr_setx(e, EINVAL, "unknown action \"%s\" (deny, log, devctl, throttle or a signal such as sigterm)", s);
}

int rctl_parse_amount(const char *s, uint64_t *ret, struct perr *e)
{
	static const char suffixes[] = "kmgtpe";
	unsigned long long n;
	char num[32];
	size_t len = strlen(s);
	int shift = 0;

	if (len == 0 || len >= sizeof(num))
		return perr_setx(e, EINVAL, "invalid amount \"%s\"", s);
	memcpy(num, s, len + 1);
	const char *suf = strchr(suffixes, tolower((unsigned char)num[len - 1]));
	if (suf && num[len - 1] != '\0') {
		shift = 10 * (int)(suf - suffixes + 1);
		num[len - 1] = '\0';
	}
	if (!parse_ull(num, &n))
		return perr_setx(e, EINVAL, "invalid amount \"%s\"", s);
	if (shift && n > (UINT64_MAX >> shift))
		return perr_setx(e, ERANGE, "amount \"%s\" is too large", s);
	*ret = (uint64_t)n << shift;
	return 0;
}

/* Split at ':' into at most n fields; returns the count. */
static int split_colons(char *s, char **f, int n)
{
	int k = 0;

	f[k++] = s;
	for (char *p = s; *p && k < n; p++)
		if (*p == ':') {
			*p = '\0';
			f[k++] = p + 1;
		}
	return k;
}

static int parse_subject(const char *subject, const char *id, struct rctl_rule *r, struct perr *e)
{
	if (strcmp(subject, "jail") == 0 || strcmp(subject, "j") == 0) {
		if (strlen(id) >= sizeof(r->jail))
			return perr_setx(e, EOVERFLOW, "jail name too long");
		snprintf(r->jail, sizeof(r->jail), "%s", id);
		return 0;
	}
	if (strcmp(subject, "process") == 0 || strcmp(subject, "user") == 0 || strcmp(subject, "loginclass") == 0 ||
	    strcmp(subject, "p") == 0 || strcmp(subject, "u") == 0 || strcmp(subject, "l") == 0)
		return perr_setx(e, ENOTSUP, "subject \"%s\" is not supported: prison limits jails only (jail:NAME:...)", subject);
	return perr_setx(e, EINVAL, "unknown subject \"%s\"", subject);
}

/* "action=amount[/per]" into r. */
static int parse_tail(char *tail, struct rctl_rule *r, bool need_amount, struct perr *e)
{
	char *eq = strchr(tail, '='), *per;

	if (eq)
		*eq = '\0';
	if (*tail && parse_action(tail, r, e) < 0)
		return -1;
	if (!eq) {
		if (need_amount)
			return perr_setx(e, EINVAL, "missing amount (action=amount)");
		return 0;
	}
	per = strchr(eq + 1, '/');
	if (per) {
		*per++ = '\0';
		if (strcmp(per, "jail") != 0 && strcmp(per, "process") != 0)
			return perr_setx(e, ENOTSUP, "per \"%s\" is not supported (jail, or process for the per-process resources)", per);
		if (strcmp(per, "process") == 0 && r->action >= 0 && rctl_is_watched(r))
			return perr_setx(e, ENOTSUP, "per process: log, devctl and signals watch a whole jail");
		if (strcmp(per, "process") == 0 && r->resource >= 0 &&
		    rctl_resources[r->resource].why != per_process && rctl_resources[r->resource].why != per_process_watched)
			return perr_setx(e, ENOTSUP, "%s: only a whole jail can be limited, not each process",
					rctl_resources[r->resource].name);
	}
	if (rctl_parse_amount(eq + 1, &r->amount, e) < 0)
		return -1;
	r->has_amount = true;
	return 0;
}

int rctl_parse_rule(const char *text, const char *default_jail, struct rctl_rule *r, struct perr *e)
{
	char buf[1024], *f[4];
	int n;

	memset(r, 0, sizeof(*r));
	r->resource = r->action = -1;
	if (strlen(text) >= sizeof(buf))
		return perr_setx(e, EOVERFLOW, "rule too long");
	snprintf(buf, sizeof(buf), "%s", text);
	n = split_colons(buf, f, 4);
	if (n == 2 && default_jail) {
		/* resource:action=amount, the subject implied */
		f[3] = f[1];
		f[2] = f[0];
		if (strlen(default_jail) >= sizeof(r->jail))
			return perr_setx(e, EOVERFLOW, "jail name too long");
		snprintf(r->jail, sizeof(r->jail), "%s", default_jail);
	} else if (n != 4) {
		return perr_setx(e, EINVAL, "rule \"%s\": expected jail:NAME:resource:action=amount", text);
	} else if (parse_subject(f[0], f[1], r, e) < 0) {
		return perr_prefix(e, "rule \"%s\"", text);
	}
	if (!r->jail[0])
		return perr_setx(e, EINVAL, "rule \"%s\": no jail name", text);
	r->resource = rctl_resource_lookup(f[2]);
	if (r->resource < 0)
		return perr_setx(e, EINVAL, "rule \"%s\": unknown resource \"%s\"", text, f[2]);
	if (parse_tail(f[3], r, true, e) < 0)
		return perr_prefix(e, "rule \"%s\"", text);
	if (r->action < 0)
		return perr_setx(e, EINVAL, "rule \"%s\": missing action", text);
	return 0;
}

int rctl_parse_filter(const char *text, struct rctl_rule *f, struct perr *e)
{
	char buf[1024], *p[4];
	int n;

	memset(f, 0, sizeof(*f));
	f->resource = f->action = -1;
	if (strlen(text) >= sizeof(buf))
		return perr_setx(e, EOVERFLOW, "filter too long");
	snprintf(buf, sizeof(buf), "%s", text);
	n = split_colons(buf, p, 4);
	if (*p[0] && parse_subject(p[0], n > 1 ? p[1] : "", f, e) < 0)
		return perr_prefix(e, "filter \"%s\"", text);
	if (n > 2 && *p[2]) {
		f->resource = rctl_resource_lookup(p[2]);
		if (f->resource < 0)
			return perr_setx(e, EINVAL, "filter \"%s\": unknown resource \"%s\"", text, p[2]);
	}
	if (n > 3 && *p[3] && parse_tail(p[3], f, false, e) < 0)
		return perr_prefix(e, "filter \"%s\"", text);
	return 0;
}

int rctl_check(const struct rctl_rule *r, struct perr *e)
{
	const struct rctl_resource_def *d = &rctl_resources[r->resource];
	char act[32];

	if (!(d->actions & (1U << r->action)))
		return perr_setx(e, ENOTSUP, "%s:%s is not supported on Linux: %s", d->name, rctl_action_name(r, act, sizeof(act)),
				d->why[0] ? d->why : "the kernel offers no way to honour it");
	if (r->amount == 0 && (r->resource == R_PCPU || d->unit == RU_RATE))
		return perr_setx(e, EINVAL, "%s: the amount must be greater than 0", d->name);
	if (r->resource == R_PCPU && r->amount > 100ULL * 4096)
		return perr_setx(e, ERANGE, "pcpu: %llu%% is more than any machine has", (unsigned long long)r->amount);
	return 0;
}

bool rctl_match(const struct rctl_rule *f, const struct rctl_rule *r)
{
	if (f->jail[0] && strcmp(f->jail, r->jail) != 0)
		return false;
	if (f->resource >= 0 && f->resource != r->resource)
		return false;
	if (f->action >= 0 && (f->action != r->action || (f->action == RA_SIGNAL && f->signal != r->signal)))
		return false;
	if (f->has_amount && f->amount != r->amount)
		return false;
	return true;
}

void rctl_format_amount(int resource, uint64_t amount, bool human, char *buf, size_t len)
{
	static const char suffixes[] = "KMGTPE";
	int i = -1;

	if (!human || rctl_resources[resource].unit != RU_BYTES || amount < 1024) {
		snprintf(buf, len, "%llu", (unsigned long long)amount);
		return;
	}
	/* Like humanize_number(3): the largest unit that leaves a number of 1 or more, one decimal below 10. */
	uint64_t unit = 1;
	while (i < 5 && amount / unit >= 1024) {
		unit *= 1024;
		i++;
	}
	/* Rounded up to 1024 of a unit, it is one of the next: 1M, not 1024K. */
	if (i < 5 && amount % unit != 0 && (amount + unit / 2) / unit >= 1024) {
		unit *= 1024;
		i++;
	}
	if (amount % unit == 0 || amount / unit >= 10)
		snprintf(buf, len, "%llu%c", (unsigned long long)((amount + unit / 2) / unit), suffixes[i]);
	else
		snprintf(buf, len, "%.1f%c", (double)amount / (double)unit, suffixes[i]);
}

void rctl_format_short(const struct rctl_rule *r, char *buf, size_t len)
{
	char act[32];

	snprintf(buf, len, "%s:%s=%llu", rctl_resources[r->resource].name, rctl_action_name(r, act, sizeof(act)),
		 (unsigned long long)r->amount);
}

void rctl_format(const struct rctl_rule *r, bool human, char *buf, size_t len)
{
	char act[32], amount[32];

	rctl_format_amount(r->resource, r->amount, human, amount, sizeof(amount));
	snprintf(buf, len, "jail:%s:%s:%s=%s", r->jail, rctl_resources[r->resource].name,
		 rctl_action_name(r, act, sizeof(act)), amount);
}

bool rctl_is_watched(const struct rctl_rule *r)
{
	return r->action == RA_LOG || r->action == RA_DEVCTL || r->action == RA_SIGNAL;
}

int rctl_format_watch(int jid, const char *name, const struct rctl_rule *rules, size_t n, char *buf, size_t len)
{
	size_t used;
	int k = snprintf(buf, len, "watch %d %s\n", jid, name);

	if (k < 0 || (size_t)k >= len)
		return -1;
	used = (size_t)k;
	for (size_t i = 0; i < n; i++) {
		char shortform[128];
		if (!rctl_is_watched(&rules[i]))
			continue;
		rctl_format_short(&rules[i], shortform, sizeof(shortform));
		k = snprintf(buf + used, len - used, "%d %d %d %llu %s\n", rules[i].resource, rules[i].action,
			     rules[i].action == RA_SIGNAL ? rules[i].signal : 0, (unsigned long long)rules[i].amount,
			     shortform);
		if (k < 0 || (size_t)k >= len - used)
			return -1;
		used += (size_t)k;
	}
	return 0;
}
