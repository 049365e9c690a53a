#include "ociproc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cred.h"
#include "util.h"

static bool has_home(char *const *envp)
{
	for (size_t i = 0; envp && envp[i]; i++)
		if (strncmp(envp[i], "HOME=", 5) == 0)
			return true;
	return false;
}

int ociproc_home(char *const *envp, uid_t uid, char *var, size_t len, struct perr *e)
{
	char home[256];

	var[0] = '\0';
	if (has_home(envp))
		return 0;
	if (cred_jail_home(uid, home, sizeof(home), e) < 0)
		return perr_prefix(e, "HOME");
	snprintf(var, len, "HOME=%s", home);
	return 0;
}

char **ociproc_add_env(char **envp, char *var, char **out, size_t max)
{
	size_t k = 0;

	if (!var[0])
		return envp;
	for (size_t i = 0; envp && envp[i] && k < max - 2; i++)
		out[k++] = envp[i];
	out[k++] = var;
	out[k] = NULL;
	return out;
}

/* The next component of *p ("" at the end), copied into name; "." and empty ones skipped. */
static bool next_component(const char **p, char *name, size_t len)
{
	for (;;) {
		size_t n;
		*p += strspn(*p, "/");
		n = strcspn(*p, "/");
		if (n == 0)
			return false;
		if (n >= len)
			n = len - 1;
		memcpy(name, *p, n);
		name[n] = '\0';
		*p += strcspn(*p, "/");
		if (strcmp(name, ".") != 0)
			return true;
	}
}

int ociproc_make_cwd(const char *cwd, struct perr *e)
{
	_cleanup_close_ int dir = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	const char *p = cwd;
	char name[NAME_MAX + 2];

	if (dir < 0)
		return perr_set(e, errno, "process.cwd \"%s\"", cwd);
	/*
	 * One directory fd after the other, never the whole string again:
	 * each step is where the last one ended.  Links are the jail's own and
	 * lead nowhere but into its root, which is ours now.
	 */
	while (next_component(&p, name, sizeof(name))) {
		bool made;
		int next;
		if (strlen(name) > NAME_MAX)
			return perr_setx(e, ENAMETOOLONG, "process.cwd \"%s\": a name too long", cwd);
		made = mkdirat(dir, name, 0755) == 0;
		if (!made && errno != EEXIST)
			return perr_set(e, errno, "process.cwd \"%s\": make %s", cwd, name);
		/*
		 * One just made is opened without following a link, for its mode
		 * to be set on it (0755, whatever the umask) and on nothing that a
		 * user of the jail put in its place.
		 */
		next = openat(dir, name, (made ? O_RDONLY | O_NOFOLLOW : O_PATH) | O_DIRECTORY | O_CLOEXEC);
		if (next < 0 || (made && fchmod(next, 0755) < 0)) {
			perr_set(e, errno, "process.cwd \"%s\": %s", cwd, name);
			if (next >= 0)
				close(next);
			return -1;
		}
		close(dir);
		dir = next;
	}
	return 0;
}
