#include "attach.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cglimit.h"
#include "cgroup.h"
#include "cred.h"
#include "jailenv.h"
#include "jailproc.h"
#include "ociproc.h"
#include "priv.h"
#include "pty.h"
#include "relay.h"
#include "signame.h"
#include "util.h"

extern char **environ;

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };

/* What the child reports home: 'E' a failure to enter or confine, 'X' a command that could not be run. */
static __attribute__((noreturn)) void report_fail(int errfd, char kind, const struct perr *e)
{
	char msg[sizeof(e->msg) + 16];

	snprintf(msg, sizeof(msg), "%c%d %s", kind, e->err, e->msg);
	(void)send_msg_fd(errfd, msg, -1);
	_exit(127);
}

static __attribute__((noreturn)) void exec_fail(int errfd, const struct perr *e)
{
	report_fail(errfd, 'E', e);
}

static void build_login_env(char **env, size_t n, char store[][300], const struct jail_cred *c)
{
	const char *term = getenv("TERM");
	size_t i = 0;

	snprintf(store[i], 300, "HOME=%s", c->home), env[i] = store[i], i++;
	snprintf(store[i], 300, "SHELL=%s", c->shell), env[i] = store[i], i++;
	snprintf(store[i], 300, "USER=%s", c->name), env[i] = store[i], i++;
	snprintf(store[i], 300, "LOGNAME=%s", c->name), env[i] = store[i], i++;
	/* FreeBSD's default login class: path=/sbin /bin /usr/sbin /usr/bin /usr/local/sbin /usr/local/bin ~/bin */
	snprintf(store[i], 300, "PATH=/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin:%s/bin",
		 strcmp(c->home, "/") == 0 ? "" : c->home),
		env[i] = store[i], i++;
	if (term && i < n - 1)
		snprintf(store[i], 300, "TERM=%s", term), env[i] = store[i], i++;
	env[i] = NULL;
}

/* Kinds of execve failure after which the search goes on to the next directory. */
static bool try_next(int err)
{
	return err == ENOENT || err == ENOTDIR || err == ELOOP || err == ENAMETOOLONG || err == ESTALE ||
	       err == ENODEV || err == ETIMEDOUT;
}

/*
 * execvp's search of PATH, with a shell's answer when it fails: EACCES only
 * when a file was found that could not be run.  A directory in PATH that
 * the jail's user cannot search is no such file (execvp would say
 * "Permission denied" for a command that exists nowhere).
 */
static int exec_search(const char *file, char *const argv[], char *const envp[])
{
	const char *path = getenv("PATH");
	char full[4096];
	int found = 0;

	if (strchr(file, '/')) {
		execve(file, argv, envp);
		return errno;
	}
	if (!path)
		path = "/bin:/usr/bin";
	for (const char *p = path, *end;; p = end + 1) {
		struct stat st;
		end = strchrnul(p, ':');
		/* An empty entry is the current directory, as for execvp. */
		snprintf(full, sizeof(full), "%.*s%s%s", (int)(end - p), p, end == p ? "" : "/", file);
		execve(full, argv, envp);
		if (errno == EACCES && stat(full, &st) == 0 && !S_ISDIR(st.st_mode))
			found = EACCES;
		else if (errno != EACCES && !try_next(errno))
			return errno;
		if (!*end)
			break;
	}
	return found ? found : ENOENT;
}

static __attribute__((noreturn)) void run_command(const struct jail_exec *x, const struct jail_cred *cred, char **envp,
						  int errfd)
{
	struct perr e = { 0 };
	char *shargv[4];
	char arg0[300];
	int err;

	if (x->shell_cmd) {
		shargv[0] = "/bin/sh", shargv[1] = "-c", shargv[2] = (char *)x->shell_cmd, shargv[3] = NULL;
		execve("/bin/sh", shargv, envp);
		report_fail(errfd, 'X', (perr_set(&e, errno, "/bin/sh"), &e));
	}
	if (!x->argv || !x->argv[0]) {
		const char *base = strrchr(cred->shell, '/');
		snprintf(arg0, sizeof(arg0), "%s%s", x->login ? "-" : "", base ? base + 1 : cred->shell);
		shargv[0] = arg0, shargv[1] = NULL;
		execve(cred->shell, shargv, envp);
		report_fail(errfd, 'X', (perr_set(&e, errno, "%s", cred->shell), &e));
	}
	environ = envp;
	/* A program of the host's (an OCI container hook), run as a jail process: kept at fd 4 until here. */
	if (x->exec_fd > 0) {
		execveat(4, "", x->argv, envp, AT_EMPTY_PATH);
		report_fail(errfd, 'X', (perr_set(&e, errno, "%s", x->argv[0]), &e));
	}
	err = exec_search(x->argv[0], x->argv, envp);
	if (err == ENOENT && !strchr(x->argv[0], '/'))
		perr_setx(&e, ENOENT, "%s: command not found", x->argv[0]);
	else
		perr_set(&e, err, "%s", x->argv[0]);
	report_fail(errfd, 'X', &e);
}

/* Who the command runs as: the host's user (-u), the jail's (-U, exec.jail_user), or the jail's root. */
static int choose_cred(const struct jail_exec *x, const struct jail_cred *host_cred, struct jail_cred *ret,
		       struct perr *e)
{
	if (host_cred || x->cred) {
		*ret = host_cred ? *host_cred : *x->cred;
		return 0;
	}
	if (x->jail_user)
		return cred_lookup_jail(x->jail_user, ret, e);
	if (cred_lookup_jail("root", ret, e) < 0)
		cred_root(ret);
	return 0;
}

/*
 * The command's 0, 1 and 2: the slave of a terminal the host made from the
 * jail's devpts, or pipes (relay.h).  Never a descriptor of the host's own,
 * and nothing opened by a path in the jail (its /dev/null may be a FIFO).
 */
static int child_stdio(int slave, const struct relay *io, bool own, struct perr *e)
{
	if (slave < 0 && own)
		return 0;
	if (slave >= 0 ? dup2(slave, 0) < 0 || dup2(slave, 1) < 0 || dup2(slave, 2) < 0 : relay_child_stdio(io) < 0)
		return perr_set(e, errno, "standard input and output");
	return 0;
}

struct exec_child_args {
	const struct jail_exec *x;
	const struct jail_cred *host_cred;
	const struct jail_policy *pol;
	const struct jail_filter *filter;
	const char *env; /* the jail's env parameter */
	int pidfd;
	const struct cg_path *cg;
	int errfd;
	int slave;              /* the terminal's slave, or -1: the pipes of io */
	const struct relay *io;
};

/* Into the jail's namespaces, as the jail's root. */
static int enter_jail(const struct exec_child_args *a, struct perr *e)
{
	int ns = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWCGROUP;

	/* v1 controllers have no clone3 placement; "0" is this process, whatever its PID namespace. */
	if (cg_join(a->cg, 0, e) < 0)
		return -1;
	/*
	 * The network, UTS and IPC namespaces first, while still host root: a
	 * jail on the shared stack has its creator's, and a jail may have
	 * joined another's (nsjoin.h), which the jail's user namespace does
	 * not own, so they cannot be joined together with that.  Joining the
	 * one the command is in already changes nothing.
	 */
	if (setns(a->pidfd, CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC) < 0 || setns(a->pidfd, ns) < 0)
		return perr_set(e, errno, "enter the jail");
	/* Still host uid 0 until here: become the jail's root before touching its files. */
	if (setresgid(0, 0, 0) < 0 || setgroups(0, NULL) < 0 || setresuid(0, 0, 0) < 0)
		return perr_set(e, errno, "become root of the jail");
	if (chdir("/") < 0)
		return perr_set(e, errno, "chdir /");
	return 0;
}

/*
 * What an OCI container's process gets beyond a jail's: fewer
 * capabilities, no_new_privs, its working directory; then, confined and
 * ready, it says so and waits at the gate until the container is started.
 */
/*
 * The preserved fds from base.. down to 3.., once the gate is gone: the
 * error channel moves above them first (it lives until the exec).
 */
static int place_preserved(const struct jail_exec *x, int base, int *errfd, struct perr *e)
{
	int n = x->preserve_fds, moved;

	if (n <= 0)
		return 0;
	moved = fcntl(*errfd, F_DUPFD_CLOEXEC, base + n);
	if (moved < 0)
		return perr_set(e, errno, "--preserve-fds");
	close(*errfd);
	*errfd = moved;
	/* Downwards in rising order: no source is overwritten before it is moved. */
	for (int i = 0; i < n; i++)
		if (dup2(base + i, 3 + i) < 0)
			return perr_set(e, errno, "--preserve-fds");
	for (int fd = 3 + n; fd < base + n; fd++)
		close(fd);
	return 0;
}

/* The first fd above those every jail process gets: 3 the error channel, 4 a gate or a hook's program. */
static int fd_base(const struct jail_exec *x)
{
	return x->gate_fd > 0 || x->exec_fd > 0 ? 5 : 4;
}

static int container_setup(const struct jail_exec *x, int *errfd, struct perr *e)
{
	int base = fd_base(x);
	char go;

	if (x->caps_set && priv_keep_only(x->caps, x->inheritable, x->ambient, e) < 0)
		return -1;
	if (x->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return perr_set(e, errno, "no_new_privs");
	if (x->cwd && chdir(x->cwd) < 0)
		return perr_set(e, errno, "cwd \"%s\"", x->cwd);
	if (x->gate_fd <= 0)
		return place_preserved(x, base, errfd, e);
	if (send_msg_fd(*errfd, "R", -1) < 0)
		_exit(127);
	/* The gate is a FIFO this process holds open for reading and writing: no end of file, only the byte. */
	while (read(4, &go, 1) < 0)
		if (errno != EINTR)
			return perr_set(e, errno, "wait for the start");
	close(4);
	return place_preserved(x, base, errfd, e);
}

/*
 * The caller's fds 3..3+n-1 put high, out of the way of the error channel
 * and the gate, before either is placed; placed_preserved() then puts them
 * at base.., which jail_make_process keeps.
 */
static int stash_preserved(const struct jail_exec *x, int base, int *stash, struct perr *e)
{
	for (int i = 0; i < x->preserve_fds; i++)
		if ((stash[i] = fcntl(3 + i, F_DUPFD_CLOEXEC, base + x->preserve_fds)) < 0)
			return perr_set(e, errno, "--preserve-fds: fd %d", 3 + i);
	return 0;
}

static int placed_preserved(const struct jail_exec *x, int base, const int *stash, struct perr *e)
{
	for (int i = 0; i < x->preserve_fds; i++)
		if (dup3(stash[i], base + i, O_CLOEXEC) < 0)
			return perr_set(e, errno, "--preserve-fds");
	return 0;
}

/*
 * The descriptors the process keeps at their numbers: the error channel
 * at 3, an OCI container's gate at 4, the preserved fds from base on.
 */
static int place_fds(const struct jail_exec *x, int base, int *errfd, struct perr *e)
{
	int gate = -1, stash[JAIL_MAX_PRESERVE_FDS];

	memset(stash, 0xff, sizeof(stash));
	if (x->preserve_fds < 0 || x->preserve_fds > JAIL_MAX_PRESERVE_FDS)
		return perr_setx(e, EINVAL, "--preserve-fds: at most %d fds", JAIL_MAX_PRESERVE_FDS);
	if (stash_preserved(x, base, stash, e) < 0)
		return -1;
	/* The gate (or a hook's program) out of the way first: the channel's dup onto 3 must not close it. */
	if (x->gate_fd > 0 && (gate = fcntl(x->gate_fd, F_DUPFD_CLOEXEC, 5)) < 0)
		return perr_set(e, errno, "dup");
	if (x->exec_fd > 0 && (gate = fcntl(x->exec_fd, F_DUPFD_CLOEXEC, 5)) < 0)
		return perr_set(e, errno, "dup");
	/* The error channel becomes fd 3, the one descriptor jail_make_process keeps. */
	if (*errfd != 3) {
		if (dup3(*errfd, 3, O_CLOEXEC) < 0)
			return perr_set(e, errno, "dup");
		*errfd = 3;
	}
	/* An OCI container's gate, or the program of a hook, is fd 4, kept too. */
	if (gate >= 0 && dup3(gate, 4, O_CLOEXEC) < 0)
		return perr_set(e, errno, "dup");
	return placed_preserved(x, base, stash, e);
}

/* envp with LISTEN_PID, socket activation's, naming this process as its own PID namespace numbers it. */
static char **with_listen_pid(char **envp, char *var, size_t len, char **out, size_t max)
{
	size_t k = 0;

	snprintf(var, len, "LISTEN_PID=%d", (int)getpid());
	for (size_t i = 0; envp[i] && k < max - 2; i++)
		if (strncmp(envp[i], "LISTEN_PID=", 11) != 0)
			out[k++] = envp[i];
	out[k++] = var;
	out[k] = NULL;
	return out;
}

/*
 * An OCI container's HOME and working directory, while still the jail's
 * root: its passwd is read and the directory made before the user is taken.
 */
static int container_prepare(const struct jail_exec *x, uid_t uid, char *home_var, size_t len, struct perr *e)
{
	_cleanup_close_ int root = -1;

	if (x->default_home && ociproc_home(x->envp ? x->envp : environ, uid, home_var, len, e) < 0)
		return -1;
	if (!x->make_cwd || !x->cwd)
		return 0;
	/* Again here, for a directory on one of the container's mounts, which the host's pass did not see. */
	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return perr_set(e, errno, "/");
	return ociproc_make_cwd(root, x->cwd, NULL, e);
}

/* In the child: enter, confine, exec.  Errors go to errfd and exit 127. */
static __attribute__((noreturn)) void exec_child(struct exec_child_args *a)
{
	struct perr e = { 0 };
	struct jail_cred cred;
	sigset_t none;
	char *env_store[8];
	char env_buf[8][300];
	char **envp = environ;
	/* The variables of env, at most one per two of its bytes. */
	char *merged[512 + PARAM_META_MAX / 2], env_text[PARAM_META_MAX + 1], *listen_env[ARRAY_SIZE(merged) + 1], listen_var[32];
	char *home_env[ARRAY_SIZE(listen_env) + 1], home_var[300] = "";
	int errfd = a->errfd, base = fd_base(a->x);

	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		signal(forwarded[i], SIG_DFL);
	if (enter_jail(a, &e) < 0 || choose_cred(a->x, a->host_cred, &cred, &e) < 0 ||
	    child_stdio(a->slave, a->io, a->x->own_stdio, &e) < 0)
		exec_fail(errfd, &e);
	if (container_prepare(a->x, cred.uid, home_var, sizeof(home_var), &e) < 0)
		exec_fail(errfd, &e);
	if (place_fds(a->x, base, &errfd, &e) < 0)
		exec_fail(errfd, &e);
	cred.keep_caps = a->x->caps_set;
	if (jail_make_process(a->pol, a->filter, a->x->seccomp, a->x->seccomp_flags, &cred, base + a->x->preserve_fds,
			      &e) < 0)
		exec_fail(errfd, &e);
	if (a->slave >= 0 && pty_make_controlling(&e) < 0)
		exec_fail(errfd, &e);
	if (container_setup(a->x, &errfd, &e) < 0)
		exec_fail(errfd, &e);
	if (a->x->envp)
		envp = (char **)a->x->envp;
	if (a->x->login) {
		build_login_env(env_store, ARRAY_SIZE(env_store), env_buf, &cred);
		envp = env_store;
		if (!a->x->workdir && chdir(cred.home) < 0 && chdir("/") < 0)
			exec_fail(errfd, (perr_set(&e, errno, "chdir"), &e));
	}
	/* As the jail's user, inside its root: the jail's own view of the path, as FreeBSD's jexec -d. */
	if (a->x->workdir && chdir(a->x->workdir) < 0)
		exec_fail(errfd, (perr_set(&e, errno, "chdir %s", a->x->workdir), &e));
	if (a->env)
		envp = jailenv_merge(envp, a->env, env_text, sizeof(env_text), merged, ARRAY_SIZE(merged));
	if (a->x->listen_pid)
		envp = with_listen_pid(envp, listen_var, sizeof(listen_var), listen_env, ARRAY_SIZE(listen_env));
	envp = ociproc_add_env(envp, home_var, home_env, ARRAY_SIZE(home_env));
	run_command(a->x, &cred, envp, errfd);
}

static long ms_left(const struct timespec *start, long timeout)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return timeout * 1000 - ((now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000);
}

static int wait_forwarding(int child_pidfd, int sigfd, long timeout, int *ret_status)
{
	struct pollfd p[2] = { { .fd = child_pidfd, .events = POLLIN }, { .fd = sigfd, .events = POLLIN } };
	siginfo_t si;
	struct timespec start;

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (!(p[0].revents & POLLIN)) {
		long left = timeout > 0 ? ms_left(&start, timeout) : -1;
		if (timeout > 0 && left <= 0) {
			syscall(SYS_pidfd_send_signal, child_pidfd, SIGKILL, NULL, 0);
			waitid(P_PIDFD, (id_t)child_pidfd, &si, WEXITED);
			errno = ETIMEDOUT;
			return -1;
		}
		int r = poll(p, 2, (int)left);
		if (r < 0 && errno != EINTR)
			return -1;
		if (r > 0 && (p[1].revents & POLLIN)) {
			struct signalfd_siginfo ss;
			if (read(sigfd, &ss, sizeof(ss)) == sizeof(ss))
				syscall(SYS_pidfd_send_signal, child_pidfd, (int)ss.ssi_signo, NULL, 0);
		}
	}
	memset(&si, 0, sizeof(si));
	if (waitid(P_PIDFD, (id_t)child_pidfd, &si, WEXITED) < 0)
		return -1;
	*ret_status = si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
	return 0;
}

void jail_exec_defaults(struct jail_exec *x, const struct paramset *ps)
{
	const char *user = param_str(ps, P_EXEC_JAIL_USER);

	if (user && param_bool(ps, P_EXEC_SYSTEM_JAIL_USER))
		x->host_user = user;
	else if (user)
		x->jail_user = user;
	x->login |= param_bool(ps, P_EXEC_CLEAN);
}

/*
 * Only the new child joins the jail's PID namespace; this process stays on
 * the host, and its later children (host-side exec.* commands) must be
 * born on the host again.  Nothing that can fail stands between the two
 * setns calls but the clone itself.
 */
static pid_t clone_in_pidns(int jail_pidfd, int cgfd, int *ret_child, struct perr *e)
{
	_cleanup_close_ int own = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	pid_t pid;
	int err;

	if (own < 0)
		return perr_set(e, errno, "/proc/self/ns/pid");
	if (setns(jail_pidfd, CLONE_NEWPID) < 0)
		return perr_set(e, errno, "enter the jail's PID namespace");
	pid = clone_into_cgroup(cgfd, 0, ret_child);
	if (pid == 0)
		return 0;
	err = errno;
	if (setns(own, CLONE_NEWPID) < 0) {
		/* Any later fork would land in the jail: host_pidns_ok() now refuses one. */
		if (pid > 0)
			syscall(SYS_pidfd_send_signal, *ret_child, SIGKILL, NULL, 0);
		return perr_set(e, errno, "return to the host's PID namespace");
	}
	if (pid < 0)
		return perr_set(e, err, "start a process in the jail");
	return pid;
}

/*
 * A process that was to say it waits at its gate (jail_spawn) and closed
 * the channel instead has died on its way there: killed by a filter of its
 * own (an OCI seccomp profile whose default kills a call the setup makes)
 * or by a signal.  It is reaped here, and how it ended is the error.
 */
static int died_before_ready(pid_t pid, struct perr *e)
{
	char sig[32];
	int st = 0;

	if (waitpid(pid, &st, 0) < 0)
		return perr_set(e, errno, "the process died before it was ready");
	if (!WIFSIGNALED(st))
		return perr_setx(e, ECHILD, "the process died before it was ready: exit status %d", WEXITSTATUS(st));
	if (!signal_name(WTERMSIG(st), sig, sizeof(sig)))
		snprintf(sig, sizeof(sig), "%d", WTERMSIG(st));
	return perr_setx(e, ECHILD, "the process died before it was ready: killed by SIG%s%s", sig,
			 WTERMSIG(st) == SIGSYS ? " (a system call its seccomp filter does not allow)" : "");
}

/* Error reports, until the exec closes the channel, or until a gated process is ready. */
static int read_child_reports(int errfd, pid_t pid, bool gated, int *ret_status, struct perr *e)
{
	char msg[sizeof(e->msg) + 16], *text;
	int fd;

	while (recv_msg_fd(errfd, msg, sizeof(msg), &fd) > 0) {
		if (fd >= 0)
			close(fd);
		/* Confined and waiting at its gate (jail_spawn). */
		if (msg[0] == 'R')
			return 0;
		if (msg[0] != 'E' && msg[0] != 'X')
			continue;
		waitpid(pid, NULL, 0);
		long err = strtol(msg + 1, &text, 10);
		perr_setx(e, err > 0 ? (int)err : EIO, "%s", *text ? text + 1 : text);
		/* As a shell: 127 for a command not found, 126 for one found that could not be run. */
		if (msg[0] == 'X')
			*ret_status = err == ENOENT ? 127 : 126;
		return -1;
	}
	return gated ? died_before_ready(pid, e) : 0;
}

struct exec_run {
	int cgfd, sigfd, child, errpipe[2], master, slave;
	struct relay io;
	bool masked;
	sigset_t old;
};

static int prepare_run(const struct jail_record *rec, struct exec_run *r, struct perr *e)
{
	sigset_t mask;

	r->cgfd = cgroup_open_procs(&rec->cg, e);
	if (r->cgfd < 0)
		return -1;
	/* Errors come back over this; it closes on exec. */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, r->errpipe) < 0)
		return perr_set(e, errno, "socketpair");
	sigemptyset(&mask);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(&mask, forwarded[i]);
	sigprocmask(SIG_BLOCK, &mask, &r->old);
	r->masked = true;
	r->sigfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (r->sigfd < 0)
		return perr_set(e, errno, "signalfd");
	return 0;
}

static void finish_run(struct exec_run *r)
{
	int fds[] = { r->cgfd, r->sigfd, r->child, r->errpipe[0], r->errpipe[1], r->master, r->slave };

	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	relay_free(&r->io);
	if (r->masked)
		sigprocmask(SIG_SETMASK, &r->old, NULL);
}

static int timeout_error(const struct jail_exec *x, struct perr *e)
{
	if (errno != ETIMEDOUT)
		return perr_set(e, errno, "wait");
	return perr_setx(e, ETIMEDOUT, "%s: timed out after %ld s",
			 x->shell_cmd ? x->shell_cmd
			 : x->argv    ? x->argv[0]
				      : "shell",
			 x->timeout);
}

/*
 * A terminal of the jail's own for jexec or command= run interactively (no
 * exec.timeout, no console log), else pipes.  A jail whose devfs_ruleset
 * hides the terminals has none to give: pipes too.
 */
static int open_stdio(const struct jail_record *rec, const struct jail_exec *x, int init_pidfd, struct exec_run *r,
		      struct perr *e)
{
	bool tty = x->terminal || (!x->own_stdio && !x->shell_cmd && x->out_fd <= 0 && x->timeout <= 0 && pty_wanted() &&
		   pty_ruleset_has_terminals(param_int(&rec->params, P_DEVFS_RULESET)));

	if (tty)
		return pty_open_jail(init_pidfd, (uid_t)rec->uid_base, &r->master, &r->slave, e);
	if (x->own_stdio) {
		for (int fd = 0; fd < 3; fd++)
			if (isatty(fd))
				return perr_setx(e, EINVAL, "fd %d is a terminal: a jail process gets only one of its own", fd);
		return 0;
	}
	return relay_open(&r->io, x->out_fd > 0 ? x->out_fd : -1, e);
}

/* The command's input and output while it runs, until it ends. */
static int relay_command(const struct jail_exec *x, struct exec_run *r, int *ret_status, struct perr *e)
{
	if (r->master >= 0)
		pty_relay(r->master, r->child, r->sigfd);
	else if (relay_run(&r->io, r->child, r->sigfd, x->timeout) < 0) {
		if (errno == ETIMEDOUT) {
			siginfo_t si;
			syscall(SYS_pidfd_send_signal, r->child, SIGKILL, NULL, 0);
			waitid(P_PIDFD, (id_t)r->child, &si, WEXITED);
		}
		return timeout_error(x, e);
	}
	if (wait_forwarding(r->child, r->sigfd, x->timeout, ret_status) < 0)
		return timeout_error(x, e);
	return 0;
}

/* Everything up to the child standing in the jail (exec'd, or waiting at its gate); *ret_pid its pid. */
static int launch(const struct jail_record *rec, const struct jail_exec *x, const struct jail_hold *hold,
		  struct exec_run *r, int *ret_status, pid_t *ret_pid, struct perr *e)
{
	_cleanup_close_ int pidfd = -1;
	struct jail_cred host_cred;
	struct jail_policy pol;
	struct exec_child_args a = { .x = x, .pol = &pol, .env = param_str(&rec->params, P_ENV), .io = &r->io };
	pid_t pid;

	/* The hold keeps a jail that is not persistent up while nothing of it runs yet. */
	if (!hold || hold->fd < 0)
		return perr_setx(e, EINVAL, "jail \"%s\": no hold on it", rec->name);
	if (x->host_user && cred_lookup_host(x->host_user, &host_cred, e) < 0)
		return -1;
	/* The record keeps the policy it was made with; only an older prison's record lacks it. */
	if (rec->has_policy)
		pol = rec->policy;
	else
		jail_policy_from_params(&pol, &rec->params);
	if (priv_filter(&pol, &a.filter, e) < 0)
		return -1;
	pidfd = jail_open_init(rec);
	if (pidfd < 0)
		return perr_setx(e, ENOENT, "jail \"%s\" not found", rec->name);
	if (prepare_run(rec, r, e) < 0 || open_stdio(rec, x, pidfd, r, e) < 0)
		return -1;
	a.host_cred = x->host_user ? &host_cred : NULL;
	a.pidfd = pidfd;
	a.cg = &rec->cg;
	a.errfd = r->errpipe[1];
	a.slave = r->slave;
	pid = clone_in_pidns(pidfd, r->cgfd, &r->child, e);
	if (pid == 0) {
		close(r->errpipe[0]);
		exec_child(&a);
	}
	close(r->errpipe[1]);
	r->errpipe[1] = -1;
	relay_close_child_ends(&r->io);
	if (r->slave >= 0)
		close(r->slave);
	r->slave = -1;
	*ret_pid = pid;
	if (pid < 0 || read_child_reports(r->errpipe[0], pid, x->gate_fd > 0, ret_status, e) < 0)
		return -1;
	return 0;
}

#define EXEC_RUN_INIT                                                                                         \
	{                                                                                                     \
		.cgfd = -1, .sigfd = -1, .child = -1, .errpipe = { -1, -1 }, .master = -1, .slave = -1, \
		.io = RELAY_INIT                                                                        \
	}

int jail_exec_run(const struct jail_record *rec, const struct jail_exec *x, const struct jail_hold *hold,
		  int *ret_status, struct perr *e)
{
	struct exec_run r = EXEC_RUN_INIT;
	pid_t pid;
	int ret = -1;

	*ret_status = 0;
	if (launch(rec, x, hold, &r, ret_status, &pid, e) == 0)
		ret = relay_command(x, &r, ret_status, e);
	finish_run(&r);
	return ret;
}

pid_t jail_spawn(const struct jail_record *rec, const struct jail_exec *x, const struct jail_hold *hold,
		 int *ret_pidfd, int *ret_master, struct perr *e)
{
	struct exec_run r = EXEC_RUN_INIT;
	int status = 0;
	pid_t pid = -1;

	*ret_pidfd = *ret_master = -1;
	if (launch(rec, x, hold, &r, &status, &pid, e) == 0) {
		*ret_pidfd = TAKE_FD(r.child);
		*ret_master = TAKE_FD(r.master);
	} else {
		pid = -1;
	}
	finish_run(&r);
	return pid;
}
