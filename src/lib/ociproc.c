#include "ociproc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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

/* The directory prefix names below rootfd, resolved inside it: a link leads nowhere outside. */
static int open_in_root(int rootfd, const char *prefix, struct perr *e)
{
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	int fd = (int)syscall(SYS_openat2, rootfd, *prefix ? prefix : ".", &how, sizeof(how));

	/* A ".." raced by a rename anywhere on the system is EAGAIN: openat2(2) says to try again. */
	for (int i = 0; fd < 0 && errno == EAGAIN && i < 16; i++)
		fd = (int)syscall(SYS_openat2, rootfd, *prefix ? prefix : ".", &how, sizeof(how));
	return fd < 0 ? perr_set(e, errno, "/%s", prefix) : fd;
}

/* name just made in parentfd: 0755 whatever the umask, set on it and on nothing put in its place. */
static int made_dir(int parentfd, const char *name, struct ociproc_made *made, struct perr *e)
{
	_cleanup_close_ int fd = openat(parentfd, name, O_RDONLY | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fchmod(fd, 0755) < 0)
		return perr_set(e, errno, "%s", name);
	if (!made)
		return 0;
	if (made->n >= OCIPROC_MAX_MADE)
		return perr_setx(e, E2BIG, "more than %d directories to make", OCIPROC_MAX_MADE);
	made->parent[made->n] = fcntl(parentfd, F_DUPFD_CLOEXEC, 3);
	if (made->parent[made->n] < 0)
		return perr_set(e, errno, "dup");
	snprintf(made->name[made->n++], sizeof(made->name[0]), "%s", name);
	return 0;
}

int ociproc_make_cwd(int rootfd, const char *cwd, struct ociproc_made *made, struct perr *e)
{
	const char *p = cwd;
	char name[NAME_MAX + 2], prefix[PATH_MAX] = "";

	/*
	 * Each directory's parent is resolved anew below the root, never
	 * beyond it, and the name is made there without following it.
	 */
	while (next_component(&p, name, sizeof(name))) {
		_cleanup_close_ int parent = -1;
		size_t len = strlen(prefix);
		if (strlen(name) > NAME_MAX || len + strlen(name) + 2 > sizeof(prefix))
			return perr_setx(e, ENAMETOOLONG, "process.cwd \"%s\": too long", cwd);
		parent = open_in_root(rootfd, prefix, e);
		if (parent < 0)
			return perr_prefix(e, "process.cwd \"%s\"", cwd);
		if (mkdirat(parent, name, 0755) == 0) {
			if (made_dir(parent, name, made, e) < 0)
				return perr_prefix(e, "process.cwd \"%s\"", cwd);
		} else if (errno != EEXIST) {
			perr_set(e, errno, "make %s", name);
			return perr_prefix(e, "process.cwd \"%s\"", cwd);
		}
		snprintf(prefix + len, sizeof(prefix) - len, "%s%s", len ? "/" : "", name);
	}
	return 0;
}

void ociproc_made_undo(struct ociproc_made *made, bool remove)
{
	/* Deepest first; an rmdir takes only an empty directory, never a link put there since. */
	while (made->n > 0) {
		made->n--;
		if (remove)
			(void)unlinkat(made->parent[made->n], made->name[made->n], AT_REMOVEDIR);
		close(made->parent[made->n]);
	}
}
