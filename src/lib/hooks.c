#include "hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <stdint.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hostfile.h"
#include "jailproc.h"
#include "param.h"
#include "util.h"

static int wait_command(pid_t pid, int pidfd, long timeout, int *status)
{
	siginfo_t si;

	if (!pidfd_wait_exit(pidfd, timeout > 0 ? (int)(timeout * 1000) : -1)) {
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
		waitpid(pid, NULL, 0);
		return -1;
	}
	memset(&si, 0, sizeof(si));
	if (waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED) < 0)
		return -1;
	*status = si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
	return 0;
}

/*
 * The jail's root directory, for hostfile's check; false when there is
 * none to check against: the jail's tree is the host's (path=/), or the
 * path cannot be opened (yet: exec.prepare may make it), so nothing can be
 * inside it.
 */
static bool jail_tree(const struct jail_record *rec, struct stat *ret)
{
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	const char *path = param_str(&rec->params, P_PATH);
	_cleanup_close_ int fd = path ? (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how)) : -1;
	struct stat host;

	if (fd < 0 || fstat(fd, ret) < 0 || stat("/", &host) < 0)
		return false;
	return ret->st_dev != host.st_dev || ret->st_ino != host.st_ino;
}

int hooks_consolelog(const struct jail_record *rec, int *ret_fd, struct perr *e)
{
	const char *path = param_str(&rec->params, P_EXEC_CONSOLELOG);
	struct stat tree;

	*ret_fd = -1;
	if (!path)
		return 0;
	*ret_fd = hostfile_open_append("exec.consolelog", path, jail_tree(rec, &tree) ? &tree : NULL, e);
	return *ret_fd < 0 ? -1 : 0;
}

static __attribute__((noreturn)) void host_child(const struct jail_record *rec, const char *cmd,
						 const struct passwd *pw, int log)
{
	char jid[16];

	if (log >= 0) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (null < 0 || dup2(null, 0) < 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0)
			_exit(126);
	}

	if (rec->jid > 0) {
		snprintf(jid, sizeof(jid), "%d", rec->jid);
		setenv("JID", jid, 1);
	} else {
		unsetenv("JID");
	}
	setenv("JNAME", rec->name, 1);
	setenv("JPATH", param_str(&rec->params, P_PATH) ? param_str(&rec->params, P_PATH) : "/", 1);
	if (pw && (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0)) {
		fprintf(stderr, "jail: %s: exec.system_user %s: %m\n", rec->name, pw->pw_name);
		_exit(126);
	}
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

int hooks_host(const struct jail_record *rec, int id, struct perr *e)
{
	char *const *cmds = rec->params.v[id].argv;
	const char *user = param_str(&rec->params, P_EXEC_SYSTEM_USER);
	long timeout = param_int(&rec->params, P_EXEC_TIMEOUT);
	struct passwd *pw = NULL;

	if (!cmds)
		return 0;
	if (user && !(pw = getpwnam(user)))
		return perr_setx(e, ENOENT, "exec.system_user: %s: no such user", user);
	if (!host_pidns_ok())
		return perr_setx(e, EPERM, "%s: this process would start it in a jail's PID namespace",
				 param_table[id].name);
	_cleanup_close_ int log = -1;
	if (hooks_consolelog(rec, &log, e) < 0)
		return -1;
	for (; *cmds; cmds++) {
		int pidfd = -1, status = 0;
		pid_t pid;
		fflush(NULL);
		pid = (pid_t)syscall(SYS_clone3, &(struct clone_args){ .flags = CLONE_PIDFD, .pidfd = (uint64_t)(uintptr_t)&pidfd, .exit_signal = SIGCHLD }, sizeof(struct clone_args));
		if (pid < 0)
			return perr_set(e, errno, "%s", param_table[id].name);
		if (pid == 0)
			host_child(rec, *cmds, pw, log);
		int r = wait_command(pid, pidfd, timeout, &status);
		close(pidfd);
		if (r < 0)
			return perr_setx(e, ETIMEDOUT, "%s: %s: timed out after %ld s", param_table[id].name, *cmds,
					 timeout);
		if (status != 0)
			return perr_setx(e, ECHILD, "%s: %s: failed (exit status %d)", param_table[id].name, *cmds,
					 status);
	}
	return 0;
}

int hooks_inside(const struct jail_record *rec, int id, const struct jail_exec *x, const struct jail_hold *hold,
		 struct perr *e)
{
	char *const *cmds = rec->params.v[id].argv;
	_cleanup_close_ int log = -1;

	if (cmds && hooks_consolelog(rec, &log, e) < 0)
		return -1;
	for (; cmds && *cmds; cmds++) {
		struct jail_exec one = *x;
		int status = 0;
		one.out_fd = log;
		one.argv = NULL;
		one.shell_cmd = *cmds;
		one.timeout = param_int(&rec->params, P_EXEC_TIMEOUT);
		if (jail_exec_run(rec, &one, hold, &status, e) < 0)
			return perr_prefix(e, "%s", param_table[id].name);
		if (status != 0)
			return perr_setx(e, ECHILD, "%s: %s: failed (exit status %d)", param_table[id].name, *cmds,
					 status);
	}
	return 0;
}
