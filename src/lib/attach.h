/* Running a command in a live jail: jexec(8), and the command of jail -c. */
#ifndef PRISON_ATTACH_H
#define PRISON_ATTACH_H

#include <stdbool.h>

#include "api.h"
#include "cred.h"
#include "ctl.h"
#include "error.h"
#include "param.h"
#include "registry.h"

struct jail_filter;
/* The most fds --preserve-fds (and socket activation's LISTEN_FDS) pass on. */
#define JAIL_MAX_PRESERVE_FDS 256

struct jail_exec {
	char *const *argv;     /* NULL: the user's shell */
	const char *shell_cmd; /* run with /bin/sh -c instead of argv (exec.start) */
	const char *jail_user; /* looked up in the jail's passwd (-U, exec.jail_user) */
	const char *host_user; /* looked up in the host's passwd (-u) */
	bool login;            /* -l: clean environment, start in home */
	const char *workdir;   /* -d: the directory, in the jail, the command starts in */
	long timeout;          /* seconds before the command is killed (exec.timeout), 0 for none */
	int out_fd;            /* > 0: standard output and error go there, input is /dev/null (exec.consolelog) */
	/* What an OCI container's process (jail_spawn) is given instead of what the jail has: */
	char *const *envp;            /* its environment; NULL: this process's */
	const char *cwd;              /* its working directory in the jail; NULL: / */
	const struct jail_cred *cred; /* its user, groups given by number, not looked up */
	int gate_fd;                  /* > 0: confined, it waits for a byte on this before the exec */
	bool own_stdio;               /* the caller's 0, 1 and 2 as they are (none may be a terminal) */
	bool terminal;                /* a terminal of the jail's own (jail_spawn returns its master) */
	bool no_new_privs;            /* PR_SET_NO_NEW_PRIVS before the exec */
	bool caps_set;                /* keep only caps of the capabilities the jail's root has */
	unsigned long long caps;
	unsigned long long inheritable; /* with caps_set: of caps, those left inheritable */
	unsigned long long ambient;   /* with caps_set: of caps, those raised as ambient (kept across execve), any uid */
	int exec_fd;                  /* > 0: the program to run, opened on the host (O_PATH); argv[0] only names it */
	const struct jail_filter *seccomp; /* a filter more on top of the jail's (priv.h), or NULL */
	unsigned seccomp_flags;            /* seccomp(2) flags for it */
	int preserve_fds;             /* the caller's fds 3.. of this many, passed on at 3.. (--preserve-fds) */
	bool listen_pid;              /* LISTEN_PID set to the process's own pid (socket activation) */
	bool default_home;            /* with cred: HOME from the jail's passwd for its uid, else "/", when envp has none */
	bool make_cwd;                /* cwd made first when missing (0755, the jail root's), as an OCI create does */
};

/*
 * exec.jail_user (in the host's passwd with exec.system_jail_user) and
 * exec.clean, for commands the jail's parameters run.
 */
PRISON_API void jail_exec_defaults(struct jail_exec *x, const struct paramset *ps);

/*
 * Run x in the jail and wait for it; the caller holds the jail (ctl.h).
 * *ret_status is the exit status as a shell reports it: 128 + signal when
 * killed.  When the command itself could not be run, the function fails
 * (e says why) and *ret_status is 127 for a command not found, 126 for one
 * found that could not be run; 0 for any other failure.
 */
int jail_exec_run(const struct jail_record *rec, const struct jail_exec *x, const struct jail_hold *hold,
		  int *ret_status, struct perr *e);

/*
 * Start x in the jail and return at once: the process is the caller's
 * child, with *ret_pidfd its pidfd; with x->gate_fd it has been confined
 * and waits on the gate before its exec when this returns (one that dies
 * before it is there is reaped and is the error).  With
 * x->terminal, *ret_master is the master of its terminal, else -1.
 * Returns its pid on the host, or -1 with e set.
 */
PRISON_API pid_t jail_spawn(const struct jail_record *rec, const struct jail_exec *x, const struct jail_hold *hold,
			    int *ret_pidfd, int *ret_master, struct perr *e);

#endif
