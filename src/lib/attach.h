/* Running a command in a live jail: jexec(8), and the command of jail -c. */
#ifndef PRISON_ATTACH_H
#define PRISON_ATTACH_H

#include <stdbool.h>

#include "api.h"
#include "ctl.h"
#include "error.h"
#include "param.h"
#include "registry.h"

struct jail_exec {
	char *const *argv;     /* NULL: the user's shell */
	const char *shell_cmd; /* run with /bin/sh -c instead of argv (exec.start) */
	const char *jail_user; /* looked up in the jail's passwd (-U, exec.jail_user) */
	const char *host_user; /* looked up in the host's passwd (-u) */
	bool login;            /* -l: clean environment, start in home */
	const char *workdir;   /* -d: the directory, in the jail, the command starts in */
	long timeout;          /* seconds before the command is killed (exec.timeout), 0 for none */
	int out_fd;            /* > 0: standard output and error go there, input is /dev/null (exec.consolelog) */
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

#endif
