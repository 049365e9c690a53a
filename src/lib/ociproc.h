/*
 * What an OCI container's process is given, in the jail, before it takes
 * its user: a HOME when its environment has none, and its working
 * directory made when missing, as runc and crun give them.
 */
#ifndef PRISON_OCIPROC_H
#define PRISON_OCIPROC_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "api.h"
#include "error.h"

/*
 * "HOME=" and the home of uid in the jail's passwd, or "/" without an
 * entry, into var; "" when envp has a HOME of its own.  Called inside the
 * jail's root, as the jail's root.
 */
int ociproc_home(char *const *envp, uid_t uid, char *var, size_t len, struct perr *e);
/* envp with var added when var is not empty: out (of max slots) or envp itself. */
char **ociproc_add_env(char **envp, char *var, char **out, size_t max);
#define OCIPROC_MAX_MADE 32
/* The directories ociproc_make_cwd made, for a failed create to take back. */
struct ociproc_made {
	int parent[OCIPROC_MAX_MADE];
	char name[OCIPROC_MAX_MADE][NAME_MAX + 1];
	int n;
};

/*
 * Make cwd, an absolute path below the root rootfd, each missing directory
 * with mode 0755 and the caller's owner: on the host before the jail's
 * root is mounted (read-only perhaps), and again in the jail, as its root,
 * for one the container's mounts cover.  Links on the way resolve inside
 * rootfd, never beyond it.  With made, what was made is recorded.
 */
PRISON_API int ociproc_make_cwd(int rootfd, const char *cwd, struct ociproc_made *made, struct perr *e);
/* Close made's fds; with remove, rmdir what it made first (only what is still empty). */
PRISON_API void ociproc_made_undo(struct ociproc_made *made, bool remove);

#endif
