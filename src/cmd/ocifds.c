/*
 * The fds an engine passes to a container's process: --preserve-fds N of
 * them from fd 3 on, after the LISTEN_FDS of socket activation when this
 * process is the one they were meant for (LISTEN_PID), as runc passes
 * them.  The process gets them at 3.. and LISTEN_FDS and LISTEN_PID of its
 * own; no other fd of the host reaches it (jail_spawn closes the rest).
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../include/prison.h"
#include "ocicmd.h"

int oci_preserve_parse(const char *text, int *ret, struct perr *e)
{
	long n;

	if (!parse_long(text, 0, JAIL_MAX_PRESERVE_FDS, &n))
		return perr_setx(e, EINVAL, "--preserve-fds \"%s\": not a number of fds (0 to %d)", text,
				 JAIL_MAX_PRESERVE_FDS);
	*ret = (int)n;
	return 0;
}

/* LISTEN_FDS, when LISTEN_PID names this process; 0 otherwise. */
static int listen_fds(struct perr *e)
{
	const char *fds = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");
	long n, p;

	if (!fds || !pid || !parse_long(pid, 1, INT_MAX, &p) || p != (long)getpid())
		return 0;
	if (!parse_long(fds, 0, JAIL_MAX_PRESERVE_FDS, &n))
		return perr_setx(e, EINVAL, "LISTEN_FDS \"%s\": not a number of fds", fds);
	return (int)n;
}

/* *envp with LISTEN_FDS=n in place of any it had. */
static int set_listen_env(char ***envp, int n, struct perr *e)
{
	size_t k = 0, len = 0;
	char **v;

	while (*envp && (*envp)[len])
		len++;
	v = calloc(len + 2, sizeof(char *));
	if (!v || asprintf(&v[len], "LISTEN_FDS=%d", n) < 0) {
		free(v);
		return perr_set(e, ENOMEM, "LISTEN_FDS");
	}
	for (size_t i = 0; i < len; i++)
		if (strncmp((*envp)[i], "LISTEN_FDS=", 11) != 0)
			v[k++] = (*envp)[i];
		else
			free((*envp)[i]);
	v[k++] = v[len];
	v[k] = NULL;
	free(*envp);
	*envp = v;
	return 0;
}

int oci_pass_fds(int preserve, char ***envp, struct jail_exec *x, struct perr *e)
{
	int listen = listen_fds(e), n;

	if (listen < 0)
		return -1;
	n = listen + preserve;
	if (n > JAIL_MAX_PRESERVE_FDS)
		return perr_setx(e, E2BIG, "LISTEN_FDS and --preserve-fds: more than %d fds", JAIL_MAX_PRESERVE_FDS);
	/* An engine's fd is open and inherited through exec; every fd of this program's own is close-on-exec. */
	for (int fd = 3; fd < 3 + n; fd++) {
		int flags = fcntl(fd, F_GETFD);
		if (flags < 0 || (flags & FD_CLOEXEC))
			return perr_setx(e, EBADF, "--preserve-fds: fd %d is not one the caller passed", fd);
	}
	x->preserve_fds = n;
	x->listen_pid = listen > 0;
	return listen > 0 ? set_listen_env(envp, listen, e) : 0;
}
