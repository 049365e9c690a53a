#include "cred.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

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

	snprintf(buf, sizeof(buf), "%s", line);
	buf[strcspn(buf, "\n")] = '\0';
	if (split_fields(buf, f, 7) != 7)
		return -1;
	if (!parse_long(f[2], 0, 65535, &uid) || !parse_long(f[3], 0, 65535, &gid))
		return -1;
	if (strcmp(f[0], user) != 0 && strcmp(f[2], user) != 0)
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
 * The jail's own passwd and group are the jail's to write: one that is a
 * FIFO or a device, not a file, is taken as missing rather than waited on.
 */
static FILE *open_db(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	struct stat st;
	FILE *f;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return NULL;
	}
	f = fdopen(fd, "r");
	if (!f)
		close(fd);
	return f;
}

int cred_lookup_jail(const char *user, struct jail_cred *c, struct perr *e)
{
	char line[4096];
	_cleanup_fclose_ FILE *f = open_db("/etc/passwd");
	_cleanup_fclose_ FILE *g = NULL;
	bool found = false;

	while (f && !found && fgets(line, sizeof(line), f))
		found = cred_parse_passwd_line(line, user, c) == 0;
	if (!found) {
		if (strcmp(user, "root") == 0 || strcmp(user, "0") == 0) {
			cred_root(c);
			return 0;
		}
		return perr_setx(e, ENOENT, "user \"%s\" not found in the jail", user);
	}
	/* As initgroups(3) does: the primary group is among the supplementary ones. */
	c->groups[0] = c->gid;
	c->ngroups = 1;
	g = open_db("/etc/group");
	while (g && c->ngroups < CRED_MAX_GROUPS && fgets(line, sizeof(line), g)) {
		gid_t gid;
		if (cred_parse_group_line(line, c->name, &gid) == 0 && gid != c->gid)
			c->groups[c->ngroups++] = gid;
	}
	return 0;
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
