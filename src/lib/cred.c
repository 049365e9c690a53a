#include "cred.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/openat2.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

void cred_root(struct jail_cred *c)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->name, "root");
	strcpy(c->home, "/root");
	strcpy(c->shell, "/bin/sh");
}

/* Split s at ':' into at most n fields in place; returns the count. */
static int split_fields(char *s, char **f, int n)
{
	int i = 0;

	f[i++] = s;
	for (; *s && i < n; s++)
		if (*s == ':') {
			*s = '\0';
			f[i++] = s + 1;
		}
	return i;
}

int cred_parse_passwd_line(const char *line, const char *user, struct jail_cred *c)
{
	char buf[1024], *f[7];
	long uid, gid;

	/* A line or a field too long is no entry: cut short, it would name another user, home or shell. */
	if (strcspn(line, "\n") >= sizeof(buf))
		return -1;
	snprintf(buf, sizeof(buf), "%s", line);
	buf[strcspn(buf, "\n")] = '\0';
	if (split_fields(buf, f, 7) != 7 || strlen(f[0]) >= sizeof(c->name) || strlen(f[5]) >= sizeof(c->home) ||
	    strlen(f[6]) >= sizeof(c->shell))
		return -1;
	if (!parse_long(f[2], 0, 65535, &uid) || !parse_long(f[3], 0, 65535, &gid))
		return -1;
	/* By name, or by number as a number: "00" is uid 0 whichever way the line writes it. */
	if (strcmp(f[0], user) != 0 && !(user[0] && strspn(user, "0123456789") == strlen(user) &&
					 strtol(user, NULL, 10) == uid && strlen(user) < 8))
		return -1;
	c->uid = (uid_t)uid;
	c->gid = (gid_t)gid;
	snprintf(c->name, sizeof(c->name), "%s", f[0]);
	snprintf(c->home, sizeof(c->home), "%s", *f[5] ? f[5] : "/");
	snprintf(c->shell, sizeof(c->shell), "%s", *f[6] ? f[6] : "/bin/sh");
	return 0;
}

int cred_parse_group_line(const char *line, const char *user, gid_t *gid)
{
	char buf[4096], *f[4];
	long g;

	if (strcspn(line, "\n") >= sizeof(buf))
		return -1;
	snprintf(buf, sizeof(buf), "%s", line);
	buf[strcspn(buf, "\n")] = '\0';
	if (split_fields(buf, f, 4) != 4 || !parse_long(f[2], 0, 65535, &g))
		return -1;
	for (char *save = NULL, *m = strtok_r(f[3], ",", &save); m; m = strtok_r(NULL, ",", &save))
		if (strcmp(m, user) == 0) {
			*gid = (gid_t)g;
			return 0;
		}
	return -1;
}

/*
 * The jail's user database, which jail root can make anything: opened
 * without blocking (a FIFO would hang us), beneath the jail's root (ours
 * now), and read only if it is a regular file of at most CRED_MAX_DB
 * bytes.  A missing file (or a symbolic link, as before, unless follow
 * says to take one, which resolves inside the root) is no database:
 * *ret NULL and 0.
 */
static int open_db_how(const char *path, bool follow, FILE **ret, struct perr *e)
{
	struct open_how how = { .flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW),
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	_cleanup_close_ int fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	struct stat st;

	/*
	 * A link's ".." under RESOLVE_IN_ROOT fails with EAGAIN whenever a
	 * rename anywhere on the system raced the lookup; openat2(2) says to
	 * try again.
	 */
	for (int i = 0; fd < 0 && errno == EAGAIN && i < 16; i++)
		fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	*ret = NULL;
	if (fd < 0 && (errno == ENOENT || errno == ELOOP))
		return 0;
	if (fd < 0)
		return perr_set(e, errno, "the jail's %s", path);
	if (fstat(fd, &st) < 0)
		return perr_set(e, errno, "the jail's %s", path);
	if (!S_ISREG(st.st_mode))
		return perr_setx(e, EINVAL, "the jail's %s is not a regular file", path);
	if (st.st_size > CRED_MAX_DB)
		return perr_setx(e, EFBIG, "the jail's %s is larger than %d MiB", path, CRED_MAX_DB >> 20);
	*ret = fdopen(fd, "r");
	if (!*ret)
		return perr_set(e, errno, "the jail's %s", path);
	TAKE_FD(fd);
	return 0;
}

static int open_db(const char *path, FILE **ret, struct perr *e)
{
	return open_db_how(path, false, ret, e);
}

/*
 * The next line of f: 1, 0 at the end, -1 once the file has grown past
 * CRED_MAX_DB since it was opened.  *seen counts the bytes read so far
 * (ftello would ask the kernel at every line of a stream from fdopen).
 */
static int next_line(FILE *f, char *line, size_t len, size_t *seen, const char *path, struct perr *e)
{
	if (!fgets(line, (int)len, f))
		return 0;
	*seen += strlen(line);
	if (*seen > CRED_MAX_DB)
		return perr_setx(e, EFBIG, "the jail's %s is larger than %d MiB", path, CRED_MAX_DB >> 20);
	return 1;
}

/* user's entry in the jail's passwd: 1 found, 0 not, -1 on an error. */
static int find_user(const char *user, struct jail_cred *c, struct perr *e)
{
	size_t seen = 0;
	char line[4096];
	FILE *f;
	int r;

	if (open_db("/etc/passwd", &f, e) < 0)
		return -1;
	if (!f)
		return 0;
	while ((r = next_line(f, line, sizeof(line), &seen, "/etc/passwd", e)) > 0)
		if (cred_parse_passwd_line(line, user, c) == 0)
			break;
	fclose(f);
	return r;
}

/* The groups that list c's user, after its primary one. */
static int add_groups(struct jail_cred *c, struct perr *e)
{
	size_t seen = 0;
	char line[4096];
	FILE *f;
	gid_t g;
	int r = 0;

	/* As initgroups(3) does: the primary group is among the supplementary ones. */
	c->groups[0] = c->gid;
	c->ngroups = 1;
	if (open_db("/etc/group", &f, e) < 0)
		return -1;
	if (!f)
		return 0;
	while (c->ngroups < CRED_MAX_GROUPS && (r = next_line(f, line, sizeof(line), &seen, "/etc/group", e)) > 0)
		if (cred_parse_group_line(line, c->name, &g) == 0 && g != c->gid)
			c->groups[c->ngroups++] = g;
	fclose(f);
	return r < 0 ? -1 : 0;
}

int cred_lookup_jail(const char *user, struct jail_cred *c, struct perr *e)
{
	int found = find_user(user, c, e);

	if (found < 0)
		return -1;
	if (!found) {
		if (strcmp(user, "root") == 0 || strcmp(user, "0") == 0) {
			cred_root(c);
			return 0;
		}
		return perr_setx(e, ENOENT, "%s: no such user", user);
	}
	return add_groups(c, e);
}

int cred_jail_home(uid_t uid, char *home, size_t len, struct perr *e)
{
	struct jail_cred c;
	size_t seen = 0;
	char line[4096], num[16];
	FILE *f;
	int r;

	snprintf(home, len, "/");
	snprintf(num, sizeof(num), "%u", (unsigned)uid);
	/* A link, as some images make /etc/passwd, is followed as runc follows it: within the root. */
	if (open_db_how("/etc/passwd", true, &f, e) < 0)
		return -1;
	if (!f)
		return 0;
	/* By number only: a user whose name is "1000" is not uid 1000. */
	while ((r = next_line(f, line, sizeof(line), &seen, "/etc/passwd", e)) > 0)
		if (cred_parse_passwd_line(line, num, &c) == 0 && c.uid == uid) {
			snprintf(home, len, "%s", c.home);
			break;
		}
	fclose(f);
	return r < 0 ? -1 : 0;
}

int cred_lookup_host(const char *user, struct jail_cred *c, struct perr *e)
{
	struct passwd *pw = getpwnam(user);
	int n = CRED_MAX_GROUPS;

	if (!pw)
		return perr_setx(e, ENOENT, "%s: no such user", user);
	if (pw->pw_uid > 65535 || pw->pw_gid > 65535)
		return perr_setx(e, ERANGE, "%s: uid %u is outside the range a jail maps", user, pw->pw_uid);
	c->uid = pw->pw_uid;
	c->gid = pw->pw_gid;
	snprintf(c->name, sizeof(c->name), "%s", pw->pw_name);
	snprintf(c->home, sizeof(c->home), "%s", pw->pw_dir);
	snprintf(c->shell, sizeof(c->shell), "%s", *pw->pw_shell ? pw->pw_shell : "/bin/sh");
	if (getgrouplist(pw->pw_name, pw->pw_gid, c->groups, &n) < 0)
		n = CRED_MAX_GROUPS;
	c->ngroups = n;
	return 0;
}
