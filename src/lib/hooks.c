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

#include "hostpath.h"
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
 * The jail's own root directory, O_PATH; -1 when it cannot be opened (yet:
 * exec.prepare may make it), so that nothing can be inside it.
 */
static int jail_tree(const struct jail_record *rec)
{
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	const char *path = param_str(&rec->params, P_PATH);

	return path ? (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how)) : -1;
}

/* Every jail's tree is off limits, this jail's own included: listed from reg, or a registry opened here. */
static int consolelog_trees(const struct jail_record *rec, struct registry *reg, struct hostpath_trees *t,
			    struct perr *e)
{
	struct registry own = { .dirfd = -1, .jailfd = -1, .namefd = -1, .pendfd = -1, .lockfd = -1 };
	_cleanup_close_ int tree = jail_tree(rec);
	int r;

	if (!reg) {
		if (registry_open(&own, false, e) < 0)
			return -1;
		reg = &own;
	}
	r = hostpath_trees_list(t, reg, tree, rec->name, e);
	if (reg == &own)
		registry_close(&own);
	return r;
}

int hooks_consolelog(const struct jail_record *rec, struct registry *reg, int *ret_fd, struct perr *e)
{
	const char *path = param_str(&rec->params, P_EXEC_CONSOLELOG);
	struct hostpath_trees t = { 0 };

	*ret_fd = -1;
	if (!path)
		return 0;
	if (consolelog_trees(rec, reg, &t, e) < 0)
		return perr_prefix(e, "exec.consolelog \"%s\"", path);
	*ret_fd = hostpath_open(path, HOSTPATH_ROOT_CREATES, &t, e);
	hostpath_trees_free(&t);
	return *ret_fd < 0 ? perr_prefix(e, "exec.consolelog \"%s\"", path) : 0;
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
	if (hooks_consolelog(rec, NULL, &log, e) < 0)
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

	if (cmds && hooks_consolelog(rec, NULL, &log, e) < 0)
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
