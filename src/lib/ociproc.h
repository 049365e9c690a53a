/*
 * What an OCI container's process is given, in the jail, before it takes
 * its user: a HOME when its environment has none, and its working
 * directory made when missing, as runc and crun give them.
 */
#ifndef PRISON_OCIPROC_H
#define PRISON_OCIPROC_H

#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/*
 * "HOME=" and the home of uid in the jail's passwd, or "/" without an
 * entry, into var; "" when envp has a HOME of its own.  Called inside the
 * jail's root, as the jail's root.
 */
int ociproc_home(char *const *envp, uid_t uid, char *var, size_t len, struct perr *e);
/* envp with var added when var is not empty: out (of max slots) or envp itself. */
char **ociproc_add_env(char **envp, char *var, char **out, size_t max);
/*
 * Make cwd, an absolute path inside the jail, with each missing directory
 * 0755 and the jail root's.  Called inside the jail's root, as the jail's
 * root: nothing of the host is reachable from there.
 */
int ociproc_make_cwd(const char *cwd, struct perr *e);

#endif
