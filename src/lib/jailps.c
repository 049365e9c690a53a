#include "jailps.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "cgroup.h"
#include "cred.h"
#include "idrange.h"
#include "jailproc.h"
#include "runtime.h"
#include "util.h"

/* A jail's passwd is its data: read no more than this of it. */
#define PASSWD_MAX (1 << 20)

/* The whole of a small kernel file of unknown length (cgroup.procs grows with the jail), NUL-terminated. */
static char *read_whole(int fd, size_t *ret_len)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);

	while (buf) {
		ssize_t n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				break;
			free(buf);
			return NULL;
		}
		len += (size_t)n;
		if (cap - len - 1 == 0) {
			char *nb = realloc(buf, cap * 2);
			if (!nb)
				free(buf);
			buf = nb;
			cap *= 2;
		}
	}
	if (buf) {
		buf[len] = '\0';
		*ret_len = len;
	}
	return buf;
}

int cgroup_pids(int cgfd, pid_t **ret, size_t *ret_n, struct perr *e)
{
	_cleanup_close_ int fd = openat(cgfd, "cgroup.procs", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t len = 0, n = 0;
	char *text, *p;
	pid_t *v;

	*ret = NULL;
	*ret_n = 0;
	if (fd < 0 || !(text = read_whole(fd, &len)))
		return perr_set(e, errno, "cgroup.procs");
	/* One pid a line: never more pids than half its bytes. */
	v = malloc((len / 2 + 1) * sizeof(*v));
	for (p = text; v && *p;) {
		char *end;
		long pid = strtol(p, &end, 10);
		if (end == p || pid <= 0)
			break;
		v[n++] = (pid_t)pid;
		p = end + strspn(end, "\n");
	}
	free(text);
	if (!v)
		return perr_set(e, ENOMEM, "cgroup.procs");
	*ret = v;
	*ret_n = n;
	return 0;
}

bool proc_in_cgroup(int procfd, const char *rel)
{
	char buf[4096], want[512];

	/* The cgroup2 line, "0::/PRISON/REL", the whole line. */
	snprintf(want, sizeof(want), "0::/%s/%s\n", runtime_cgroup(), rel);
	if (read_file_at(procfd, "cgroup", buf, sizeof(buf)) <= 0)
		return false;
	for (char *line = buf; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL)
		if (strncmp(line, want, strlen(want)) == 0)
			return true;
	return false;
}

/* The numbers of "NSpid:" in /proc/PID/status: ours first, the innermost last; how many. */
static int nspids(int procfd, pid_t *v, int max)
{
	char buf[4096];
	const char *p;
	int n = 0;

	if (read_file_at(procfd, "status", buf, sizeof(buf)) <= 0 || !(p = strstr(buf, "\nNSpid:")))
		return 0;
	p += 7;
	while (n < max) {
		char *end;
		long pid = strtol(p, &end, 10);
		if (end == p)
			break;
		v[n++] = (pid_t)pid;
		p = end;
	}
	return n;
}

pid_t proc_nspid(int procfd, int level)
{
	pid_t v[32];
	int n = nspids(procfd, v, (int)ARRAY_SIZE(v));

	return level >= 0 && level < n ? v[level] : -1;
}

static int open_proc(pid_t pid)
{
	char path[32];

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

int jail_pidns_level(const struct jail_record *rec)
{
	_cleanup_close_ int fd = open_proc(rec->init_pid);
	pid_t v[32];
	int n;

	if (fd < 0 || proc_start_time(rec->init_pid) != rec->init_start)
		return -1;
	n = nspids(fd, v, (int)ARRAY_SIZE(v));
	return n >= 2 ? n - 1 : -1;
}

/* The jail's /etc/passwd, found inside its root without following its links; NULL if it has none. */
static char *jail_passwd(const struct jail_record *rec)
{
	struct open_how how = { .flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	char path[64], *buf;
	struct stat st;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/root", (int)rec->init_pid);
	_cleanup_close_ int root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return NULL;
	_cleanup_close_ int fd = (int)syscall(SYS_openat2, root, "etc/passwd", &how, sizeof(how));
	/* A FIFO or device there would hang or feed us without end: a regular file only. */
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !(buf = malloc(PASSWD_MAX)))
		return NULL;
	n = read_all(fd, buf, PASSWD_MAX - 1);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

/* The jail's name of juid from its passwd text, or the number. */
static void jail_user_name(const char *passwd, long juid, char *buf, size_t len)
{
	char uid[24];

	snprintf(uid, sizeof(uid), "%ld", juid);
	snprintf(buf, len, "%s", uid);
	for (const char *line = passwd; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		struct jail_cred c;
		char one[1024];
		size_t l = strcspn(line, "\n");
		snprintf(one, sizeof(one), "%.*s", (int)(l < sizeof(one) ? l : sizeof(one) - 1), line);
		if (cred_parse_passwd_line(one, uid, &c) == 0 && (long)c.uid == juid) {
			snprintf(buf, len, "%s", c.name);
			return;
		}
	}
}

static void host_user_name(uid_t uid, char *buf, size_t len)
{
	struct passwd pw, *res = NULL;
	char tmp[4096];

	if (getpwuid_r(uid, &pw, tmp, sizeof(tmp), &res) == 0 && res)
		snprintf(buf, len, "%s", res->pw_name);
	else
		snprintf(buf, len, "%u", (unsigned)uid);
}

/* The command line, its NULs as spaces; [comm] for a process with none (a zombie). */
static void command_of(int procfd, char *buf, size_t len)
{
	_cleanup_close_ int fd = openat(procfd, "cmdline", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read_all(fd, buf, len - 1) : -1;

	if (n > 0) {
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] == '\0')
				buf[i] = ' ';
		while (n > 0 && buf[n - 1] == ' ')
			n--;
		buf[n] = '\0';
		return;
	}
	char comm[64] = "";
	if (read_file_at(procfd, "comm", comm, sizeof(comm)) > 0)
		comm[strcspn(comm, "\n")] = '\0';
	snprintf(buf, len, "[%s]", comm);
}

/* Effective uid, from "Uid:\treal\teffective\t...". */
static bool effective_uid(int procfd, uid_t *ret)
{
	char buf[4096];
	const char *p;
	char *end;

	if (read_file_at(procfd, "status", buf, sizeof(buf)) <= 0 || !(p = strstr(buf, "\nUid:")))
		return false;
	(void)strtoul(p + 5, &end, 10); /* the real uid */
	p = end;
	unsigned long eff = strtoul(p, &end, 10);
	if (end == p)
		return false;
	*ret = (uid_t)eff;
	return true;
}

struct ps_ctx {
	const struct jail_record *rec;
	const char *rel;     /* the cgroup of the jail's processes */
	const char *passwd;  /* the jail's, or NULL */
	int level;
};

/* One process; false when it is gone or no longer the jail's. */
static bool describe(const struct ps_ctx *c, pid_t pid, struct jail_proc *p)
{
	_cleanup_close_ int fd = open_proc(pid);

	memset(p, 0, sizeof(*p));
	if (fd < 0 || !proc_in_cgroup(fd, c->rel) || !effective_uid(fd, &p->uid))
		return false;
	p->pid = pid;
	p->jpid = proc_nspid(fd, c->level);
	p->init = pid == c->rec->init_pid && proc_start_time(pid) == c->rec->init_start;
	host_user_name(p->uid, p->user, sizeof(p->user));
	p->juid = -1;
	snprintf(p->juser, sizeof(p->juser), "-");
	if (p->uid >= c->rec->uid_base && p->uid < c->rec->uid_base + IDRANGE_SIZE) {
		p->juid = (long)(p->uid - c->rec->uid_base);
		jail_user_name(c->passwd, p->juid, p->juser, sizeof(p->juser));
	}
	command_of(fd, p->command, sizeof(p->command));
	return true;
}

/* jailinit first, then by host pid. */
static int by_init_then_pid(const void *a, const void *b)
{
	const struct jail_proc *x = a, *y = b;

	if (x->init != y->init)
		return x->init ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

int jail_procs(const struct jail_record *rec, struct jail_proc **ret, size_t *ret_n, struct perr *e)
{
	char rel[160];
	struct ps_ctx c = { .rec = rec, .rel = rel, .level = jail_pidns_level(rec) };
	_cleanup_close_ int cg = cgroup_open_procs(&rec->cg, e);
	pid_t *pids = NULL;
	size_t n = 0, k = 0;
	struct jail_proc *v;

	*ret = NULL;
	*ret_n = 0;
	if (cg < 0 || c.level < 0)
		return c.level < 0 ? perr_setx(e, ENOENT, "jail \"%s\" not found", rec->name) : -1;
	cg_path_procs(&rec->cg, rel, sizeof(rel));
	if (cgroup_pids(cg, &pids, &n, e) < 0)
		return -1;
	v = calloc(n ? n : 1, sizeof(*v));
	char *passwd = jail_passwd(rec);
	c.passwd = passwd;
	for (size_t i = 0; v && i < n; i++)
		if (describe(&c, pids[i], &v[k]))
			k++;
	free(passwd);
	free(pids);
	if (!v)
		return perr_set(e, ENOMEM, "processes of jail \"%s\"", rec->name);
	qsort(v, k, sizeof(*v), by_init_then_pid);
	*ret = v;
	*ret_n = k;
	return 0;
}
