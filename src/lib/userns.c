#include "userns.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/securebits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "idrange.h"
#include "util.h"

/* Effective IDs base, capabilities kept: without the bit, the change of euid from 0 would clear them. */
int userns_become_owner(unsigned long base, struct userns_saved *ret)
{
	ret->euid = geteuid();
	ret->egid = getegid();
	ret->bits = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
	if (ret->bits < 0 || prctl(PR_SET_SECUREBITS, (unsigned long)ret->bits | SECBIT_NO_SETUID_FIXUP, 0, 0, 0) < 0)
		return -1;
	if (setresgid((gid_t)-1, (gid_t)base, (gid_t)-1) == 0 && setresuid((uid_t)-1, (uid_t)base, (uid_t)-1) == 0)
		return 0;
	return -1;
}

/*
 * Back as before: the real and saved IDs never changed, so the kernel
 * cannot refuse this.  If it did anyway, the caller fails what it was
 * doing: a command that could not be host root again must not go on.
 */
int userns_restore(const struct userns_saved *s)
{
	int saved = errno;

	if (setresuid((uid_t)-1, s->euid, (uid_t)-1) < 0 || setresgid((gid_t)-1, s->egid, (gid_t)-1) < 0)
		return -1;
	if (s->bits >= 0)
		(void)prctl(PR_SET_SECUREBITS, (unsigned long)s->bits, 0, 0, 0);
	errno = saved;
	return 0;
}

int userns_as_owner(unsigned long base, int (*fn)(void *arg), void *arg)
{
	struct userns_saved s;
	int r = -1;

	if (userns_become_owner(base, &s) == 0)
		r = fn(arg);
	if (userns_restore(&s) < 0)
		return -1;
	return r;
}

/* The three numbers of a map's only line. */
static bool parse_map(char *text, unsigned long long v[3])
{
	char *save = NULL, *t = strtok_r(text, " \t\n", &save);
	int n = 0;

	for (; t; t = strtok_r(NULL, " \t\n", &save))
		if (n == 3 || !parse_ull(t, &v[n++]))
			return false;
	return n == 3;
}

/* What the kernel holds in /proc/PID/NAME must be exactly the one line written. */
static int check_map(pid_t pid, const char *name, unsigned long base, struct perr *e)
{
	char path[64], text[256], shown[256];
	unsigned long long v[3];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	if (read_file_at(AT_FDCWD, path, text, sizeof(text)) < 0)
		return perr_set(e, errno, "read %s", name);
	snprintf(shown, sizeof(shown), "%.*s", (int)strcspn(text, "\n"), text);
	if (!parse_map(text, v) || v[0] != 0 || v[1] != base || v[2] != IDRANGE_SIZE)
		return perr_setx(e, EIO, "%s of the jail: the kernel holds \"%s\", not 0 %lu %lu", name, shown, base,
				 IDRANGE_SIZE);
	return 0;
}

int userns_write_maps(pid_t pid, unsigned long base, struct perr *e)
{
	static const char *const maps[] = { "uid_map", "gid_map" };
	char path[64], map[64];

	if (base < IDRANGE_POOL_FIRST || base >= IDRANGE_POOL_END || base % IDRANGE_SIZE)
		return perr_setx(e, EINVAL, "host ID range %lu: not one of the pool", base);
	snprintf(map, sizeof(map), "0 %lu %lu\n", base, IDRANGE_SIZE);
	for (size_t i = 0; i < ARRAY_SIZE(maps); i++) {
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, maps[i]);
		if (write_file_at(AT_FDCWD, path, map) < 0)
			return perr_set(e, errno, "write %s", maps[i]);
		if (check_map(pid, maps[i], base, e) < 0)
			return -1;
	}
	return 0;
}

int userns_cap_counts(int procfd, bool nested_userns, struct perr *e)
{
	static const struct {
		const char *name;
		int max;
	} caps[] = {
		{ "max_cgroup_namespaces", USERNS_MAX_NAMESPACES }, { "max_ipc_namespaces", USERNS_MAX_NAMESPACES },
		{ "max_mnt_namespaces", USERNS_MAX_NAMESPACES },    { "max_net_namespaces", USERNS_MAX_NAMESPACES },
		{ "max_pid_namespaces", USERNS_MAX_NAMESPACES },    { "max_time_namespaces", USERNS_MAX_NAMESPACES },
		{ "max_uts_namespaces", USERNS_MAX_NAMESPACES },    { "max_user_namespaces", USERNS_MAX_NAMESPACES },
		{ "max_inotify_instances", USERNS_MAX_NOTIFY_GROUPS }, { "max_inotify_watches", USERNS_MAX_NOTIFY_MARKS },
		{ "max_fanotify_groups", USERNS_MAX_NOTIFY_GROUPS }, { "max_fanotify_marks", USERNS_MAX_NOTIFY_MARKS },
	};
	/*
	 * The user namespace's own sysctls: the set a process sees is that of
	 * its user namespace.  Looked up in the jail's own proc, not the
	 * host's: each user namespace's sysctls get dentries of their own in
	 * the proc they are looked up in, all under the one name "user", and
	 * in the host's proc they would stay for as long as the jail does and
	 * lengthen every later lookup there (creation slowed with each jail).
	 */
	_cleanup_close_ int dir = openat(procfd, "sys/user", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	char num[16];

	if (dir < 0)
		return perr_set(e, errno, "/proc/sys/user");
	for (size_t i = 0; i < ARRAY_SIZE(caps); i++) {
		bool user = strcmp(caps[i].name, "max_user_namespaces") == 0;
		snprintf(num, sizeof(num), "%d", user && !nested_userns ? 0 : caps[i].max);
		/* An older kernel without the counter (fanotify before 5.13) has nothing to cap. */
		if (write_file_at(dir, caps[i].name, num) < 0 && errno != ENOENT)
			return perr_set(e, errno, "/proc/sys/user/%s", caps[i].name);
	}
	return 0;
}

bool userns_is_host(void)
{
	char buf[128];
	ssize_t n = read_file_at(AT_FDCWD, "/proc/self/uid_map", buf, sizeof(buf));
	const char *p = buf;
	char *end;
	unsigned long v[3];

	/* Unreadable: say yes, and let the operation fail on its own terms. */
	if (n <= 0)
		return true;
	for (int i = 0; i < 3; i++) {
		errno = 0;
		v[i] = strtoul(p, &end, 10);
		if (end == p || errno)
			return false;
		p = end;
	}
	/* The host's map is one line, every id onto itself. */
	p += strspn(p, " \t\n");
	return v[0] == 0 && v[1] == 0 && v[2] == 4294967295UL && *p == '\0';
}
