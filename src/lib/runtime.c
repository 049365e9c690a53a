#include "runtime.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *setting(const char *name, const char *fallback)
{
	const char *v = getenv(name);

	return v && v[0] ? v : fallback;
}

const char *runtime_rundir(void)
{
	return setting("PRISON_RUNDIR", PRISON_RUNDIR_DEFAULT);
}

const char *runtime_cgroup(void)
{
	return setting("PRISON_CGROUP", PRISON_CGROUP_DEFAULT);
}

const char *runtime_logdir(void)
{
	return setting("PRISON_LOGDIR", PRISON_LOGDIR_DEFAULT);
}

const char *runtime_statedir(void)
{
	return setting("PRISON_STATEDIR", PRISON_STATEDIR_DEFAULT);
}

/* An absolute path with no empty, "." or ".." component: what it names is what it says. */
static int check_dir(const char *name, const char *p, struct perr *e)
{
	size_t n = strlen(p);

	if (p[0] != '/' || n < 2 || n > 200 || p[n - 1] == '/' || strstr(p, "//") || strstr(p, "/./") ||
	    strstr(p, "/../") || strcmp(p + n - 2, "/.") == 0 || strcmp(p + n - 3, "/..") == 0)
		return perr_setx(e, EINVAL, "%s \"%s\": not a plain absolute path", name, p);
	return 0;
}

/* One name, never a number (jids are numbers) nor hidden. */
static int check_cgroup(const char *c, struct perr *e)
{
	size_t n = strlen(c), digits = strspn(c, "0123456789");

	if (n == 0 || n > 64 || c[0] == '.' || digits == n ||
	    strspn(c, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != n)
		return perr_setx(e, EINVAL, "PRISON_CGROUP \"%s\": not a cgroup name (letters, digits, '.', '_', '-')",
				 c);
	return 0;
}

int runtime_check(struct perr *e)
{
	if (check_dir("PRISON_RUNDIR", runtime_rundir(), e) < 0 ||
	    check_dir("PRISON_LOGDIR", runtime_logdir(), e) < 0 ||
	    check_dir("PRISON_STATEDIR", runtime_statedir(), e) < 0 || check_cgroup(runtime_cgroup(), e) < 0)
		return -1;
	return 0;
}
