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
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cglimit.h"
#include "cgroup.h"
#include "cred.h"
#include "ctl.h"
#include "jail.h"
#include "jailproc.h"
#include "priv.h"
#include "pty.h"
#include "util.h"

extern char **environ;

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };

static __attribute__((noreturn)) void exec_fail(int errfd, const struct perr *e)
{
	char msg[sizeof(e->msg) + 1];

	snprintf(msg, sizeof(msg), "E%s", e->msg);
	(void)send_msg_fd(errfd, msg, -1);
	_exit(127);
}

static void build_login_env(char **env, size_t n, char store[][300], const struct jail_cred *c)
{
	const char *term = getenv("TERM");
	size_t i = 0;

	snprintf(store[i], 300, "HOME=%s", c->home), env[i] = store[i], i++;
	snprintf(store[i], 300, "SHELL=%s", c->shell), env[i] = store[i], i++;
	snprintf(store[i], 300, "USER=%s", c->name), env[i] = store[i], i++;
	snprintf(store[i], 300, "LOGNAME=%s", c->name), env[i] = store[i], i++;
	snprintf(store[i], 300, "PATH=/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin"), env[i] = store[i], i++;
	if (term && i < n - 1)
		snprintf(store[i], 300, "TERM=%s", term), env[i] = store[i], i++;
	env[i] = NULL;
}

/* In the child: enter, confine, exec.  Errors go to errfd and exit 127. */
static __attribute__((noreturn)) void exec_child(const struct jail_exec *x, const struct jail_cred *host_cred,
						 const struct jail_policy *pol, const struct jail_filter *filter,
						 int pidfd, const struct cg_path *cg, int errfd, bool tty)
{
	struct perr e = { 0 };
	struct jail_cred cred;
	int ns = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWCGROUP;
	sigset_t none;
	char *env_store[8];
	char env_buf[8][300];
	char **envp = environ;
	char *shargv[4];
	char arg0[300];

	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		signal(forwarded[i], SIG_DFL);
	if (jail_policy_private_ipc(pol))
		ns |= CLONE_NEWIPC;
	/* v1 controllers have no clone3 placement; "0" is this process, whatever its PID namespace. */
	if (cg_join(cg, 0, &e) < 0)
		exec_fail(errfd, &e);
	/*
	 * The network namespace first, while still host root: a jail on the
	 * shared stack has its creator's, which the jail's user namespace does
	 * not own, so it cannot be joined together with that.
	 */
	if (setns(pidfd, CLONE_NEWNET) < 0 || setns(pidfd, ns) < 0)
		exec_fail(errfd, (perr_set(&e, errno, "enter the jail"), &e));
	/* Still host uid 0 until here: become the jail's root before touching its files. */
	if (setresgid(0, 0, 0) < 0 || setgroups(0, NULL) < 0 || setresuid(0, 0, 0) < 0)
		exec_fail(errfd, (perr_set(&e, errno, "become root of the jail"), &e));
	if (chdir("/") < 0)
		exec_fail(errfd, (perr_set(&e, errno, "chdir /"), &e));
	if (host_cred)
		cred = *host_cred;
	else if (x->jail_user) {
		if (cred_lookup_jail(x->jail_user, &cred, &e) < 0)
			exec_fail(errfd, &e);
	} else if (cred_lookup_jail("root", &cred, &e) < 0) {
		cred_root(&cred);
	}
	if (x->out_fd > 0) {
		/* exec.consolelog: the host opened the file; the jail's /dev/null is the input. */
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if ((null >= 0 && dup2(null, 0) < 0) || dup2(x->out_fd, 1) < 0 || dup2(x->out_fd, 2) < 0)
			exec_fail(errfd, (perr_set(&e, errno, "exec.consolelog"), &e));
	}
	if (tty) {
		/* A terminal from the jail's devpts: its master goes to jexec, its slave is our 0, 1, 2. */
		int master, slave;
		/* A jail whose devfs_ruleset hides the terminals: its command keeps jexec's own. */
		if (pty_open(&master, &slave, &e) < 0) {
			if (e.err != ENOENT)
				exec_fail(errfd, &e);
			tty = false;
		} else {
			if (send_msg_fd(errfd, "P", master) < 0 || dup2(slave, 0) < 0 || dup2(slave, 1) < 0 ||
			    dup2(slave, 2) < 0)
				exec_fail(errfd, (perr_set(&e, errno, "terminal"), &e));
			close(master);
			close(slave);
		}
	}
	/* The error channel becomes fd 3, the one descriptor jail_make_process keeps. */
	if (errfd != 3) {
		if (dup3(errfd, 3, O_CLOEXEC) < 0)
			exec_fail(errfd, (perr_set(&e, errno, "dup"), &e));
		errfd = 3;
	}
	if (jail_make_process(pol, filter, &cred, 4, &e) < 0)
		exec_fail(errfd, &e);
	if (tty && pty_make_controlling(&e) < 0)
		exec_fail(errfd, &e);
	if (x->login) {
		build_login_env(env_store, ARRAY_SIZE(env_store), env_buf, &cred);
		envp = env_store;
		if (chdir(cred.home) < 0 && chdir("/") < 0)
			exec_fail(errfd, (perr_set(&e, errno, "chdir"), &e));
	}
	if (x->shell_cmd) {
		shargv[0] = "/bin/sh", shargv[1] = "-c", shargv[2] = (char *)x->shell_cmd, shargv[3] = NULL;
		execve("/bin/sh", shargv, envp);
		exec_fail(errfd, (perr_set(&e, errno, "/bin/sh"), &e));
	}
	if (!x->argv || !x->argv[0]) {
		const char *base = strrchr(cred.shell, '/');
		snprintf(arg0, sizeof(arg0), "%s%s", x->login ? "-" : "", base ? base + 1 : cred.shell);
		shargv[0] = arg0, shargv[1] = NULL;
		execve(cred.shell, shargv, envp);
		exec_fail(errfd, (perr_set(&e, errno, "%s", cred.shell), &e));
	}
	environ = envp;
	execvp(x->argv[0], x->argv);
	exec_fail(errfd, (perr_set(&e, errno, "%s", x->argv[0]), &e));
}

static int wait_forwarding(int child_pidfd, int sigfd, long timeout, int *ret_status)
{
	struct pollfd p[2] = { { .fd = child_pidfd, .events = POLLIN }, { .fd = sigfd, .events = POLLIN } };
	siginfo_t si;
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		int wait_ms = -1;
		if (timeout > 0) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			long left = timeout * 1000 - ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000);
			if (left <= 0) {
				syscall(SYS_pidfd_send_signal, child_pidfd, SIGKILL, NULL, 0);
				waitid(P_PIDFD, (id_t)child_pidfd, &si, WEXITED);
				errno = ETIMEDOUT;
				return -1;
			}
			wait_ms = (int)left;
		}
		int r = poll(p, 2, wait_ms);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			continue;
		if (p[1].revents & POLLIN) {
			struct signalfd_siginfo ss;
			if (read(sigfd, &ss, sizeof(ss)) == sizeof(ss))
				syscall(SYS_pidfd_send_signal, child_pidfd, (int)ss.ssi_signo, NULL, 0);
		}
		if (p[0].revents & POLLIN)
			break;
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

int jail_exec_run(const struct jail_record *rec, const struct jail_exec *x, int hold, int *ret_status,
		  struct perr *e)
{
	_cleanup_close_ int pidfd = -1, cgfd = -1, sigfd = -1, own_hold = -1, child = -1, own_pidns = -1;
	struct jail_cred host_cred;
	struct jail_policy pol;
	const struct jail_filter *filter;
	char reply[16], msg[sizeof(e->msg) + 1];
	int errpipe[2], master = -1, fd;
	/* A terminal of the jail's own for interactive use; a command under exec.timeout keeps our streams. */
	bool tty = x->out_fd <= 0 && x->timeout <= 0 && pty_wanted();
	sigset_t mask, old;
	pid_t pid;
	int r = -1;

	if (x->host_user && cred_lookup_host(x->host_user, &host_cred, e) < 0)
		return -1;
	jail_policy_from_params(&pol, &rec->params);
	if (priv_filter(&pol, &filter, e) < 0)
		return -1;
	pidfd = jail_open_init(rec);
	if (pidfd < 0)
		return perr_set(e, 0, "jail \"%s\" not found", rec->name);
	if (hold < 0) {
		own_hold = ctl_connect(rec->jid, e);
		if (own_hold < 0 || ctl_request(own_hold, "hold", reply, sizeof(reply), 5000, e) < 0)
			return perr_prefix(e, "jail \"%s\"", rec->name);
		if (strcmp(reply, "ok") != 0)
			return perr_set(e, 0, "jail \"%s\" is dying", rec->name);
	}
	cgfd = cgroup_open_procs(&rec->cg, e);
	if (cgfd < 0)
		return -1;
	/*
	 * Only our children join the jail's PID namespace; this process stays
	 * on the host, and its later children (host-side exec.* commands) must
	 * be born on the host again: keep the way back.
	 */
	own_pidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	if (own_pidns < 0)
		return perr_set(e, errno, "/proc/self/ns/pid");
	if (setns(pidfd, CLONE_NEWPID) < 0)
		return perr_set(e, errno, "enter the jail's PID namespace");
	/* Errors (and the terminal's master) come back over this; it closes on exec. */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, errpipe) < 0)
		return perr_set(e, errno, "socketpair");
	sigemptyset(&mask);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(&mask, forwarded[i]);
	sigprocmask(SIG_BLOCK, &mask, &old);
	sigfd = signalfd(-1, &mask, SFD_CLOEXEC);
	pid = clone_into_cgroup(cgfd, 0, &child);
	if (pid != 0 && setns(own_pidns, CLONE_NEWPID) < 0) {
		/* Without the way back, a later fork would land in the jail: never go on. */
		perror("jail: return to the host's PID namespace");
		abort();
	}
	if (pid == 0) {
		close(errpipe[0]);
		exec_child(x, x->host_user ? &host_cred : NULL, &pol, filter, pidfd, &rec->cg, errpipe[1], tty);
	}
	close(errpipe[1]);
	if (pid < 0) {
		perr_set(e, errno, "start a process in the jail");
		goto out;
	}
	while (recv_msg_fd(errpipe[0], msg, sizeof(msg), &fd) > 0) {
		if (msg[0] == 'P' && fd >= 0 && master < 0) {
			master = fd;
			continue;
		}
		if (fd >= 0)
			close(fd);
		if (msg[0] == 'E') {
			waitpid(pid, NULL, 0);
			perr_set(e, 0, "%s", msg + 1);
			goto out;
		}
	}
	if (master >= 0)
		pty_relay(master, child, sigfd);
	if (wait_forwarding(child, sigfd, x->timeout, ret_status) < 0) {
		if (errno == ETIMEDOUT)
			perr_set(e, 0, "%s: timed out after %ld s", x->shell_cmd ? x->shell_cmd : x->argv ? x->argv[0] : "shell",
				 x->timeout);
		else
			perr_set(e, errno, "wait");
		goto out;
	}
	r = 0;
out:
	close(errpipe[0]);
	if (master >= 0)
		close(master);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (own_hold >= 0)
		jail_release(rec, TAKE_FD(own_hold));
	return r;
}
