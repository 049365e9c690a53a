/*
 * prison-oci create and run: the bundle's config.json mapped (ociconfig.h),
 * the jail made as jail -c makes one, and the container's process started
 * in it through jail_spawn, the same path as jexec's, where it waits,
 * confined, at its gate until prison-oci start.
 */
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../include/prison.h"
#include "ocicmd.h"
#include "ocilog.h"
#include "ocistate.h"

struct create_opts {
	const char *bundle, *pid_file, *console;
	int preserve_fds;
	bool detach, keep;
};

static const struct option create_long[] = {
	{ "bundle", required_argument, NULL, 'b' },      { "pid-file", required_argument, NULL, 'p' },
	{ "console-socket", required_argument, NULL, 'c' }, { "preserve-fds", required_argument, NULL, 'P' },
	{ "no-pivot", no_argument, NULL, 'N' },          { "no-new-keyring", no_argument, NULL, 'K' },
	{ "detach", no_argument, NULL, 'd' },            { "keep", no_argument, NULL, 'k' },
	{ NULL, 0, NULL, 0 },
};

/* The options of create and run; the container id is left in *ret_id. */
static int parse_create(int argc, char **argv, struct create_opts *o, const char **ret_id)
{
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "b:d", create_long, NULL)) != -1) {
		switch (c) {
		case 'b': o->bundle = optarg; break;
		case 'p': o->pid_file = optarg; break;
		case 'c': o->console = optarg; break;
		case 'd': o->detach = true; break;
		case 'k': o->keep = true; break;
		case 'P': {
			struct perr e = { 0 };
			if (oci_preserve_parse(optarg, &o->preserve_fds, &e) < 0)
				return ocilog_error("%s", e.msg);
			break;
		}
		/* Always so: pivot_root, and a new session keyring for every jail process. */
		case 'N': case 'K': break;
		default: return ocilog_error("usage: prison-oci %s [-b bundle] [--pid-file file] [--console-socket socket] id",
					     argv[0]);
		}
	}
	if (optind != argc - 1)
		return ocilog_error("usage: prison-oci %s [-b bundle] [--pid-file file] [--console-socket socket] id",
				    argv[0]);
	*ret_id = argv[optind];
	return 0;
}

/* A connection to the engine's console socket, made before anything else is. */
int oci_console_connect(const char *path, struct perr *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return perr_setx(e, ENAMETOOLONG, "--console-socket \"%s\": name too long", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perr_set(e, errno, "--console-socket \"%s\"", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* The terminal's master to the engine, as runc sends it: one byte of data, the fd in SCM_RIGHTS. */
int oci_console_send(int sock, int master, struct perr *e)
{
	char data[] = "pty", cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &master, sizeof(int));
	if (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0)
		return perr_set(e, errno, "--console-socket");
	return 0;
}

int oci_write_pid_file(const char *path, pid_t pid, struct perr *e)
{
	char tmp[PATH_MAX + 8], num[24];
	int fd, n = snprintf(num, sizeof(num), "%d", pid);

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, num, (size_t)n) != n || rename(tmp, path) < 0) {
		perr_set(e, errno, "--pid-file \"%s\"", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* process.rlimits, user.umask and oomScoreAdj on this process, for the container's to inherit. */
int oci_apply_inherited(const struct oci_config *cfg, struct perr *e)
{
	if (cfg->umask_set)
		umask((mode_t)cfg->umask);
	for (size_t i = 0; i < cfg->nrlimits; i++)
		if (setrlimit(cfg->rlimits[i].resource, &cfg->rlimits[i].lim) < 0)
			return perr_set(e, errno, "process.rlimits");
	if (cfg->oom_score_adj_set) {
		char num[16];
		int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC), n;
		n = snprintf(num, sizeof(num), "%d", cfg->oom_score_adj);
		if (fd < 0 || write(fd, num, (size_t)n) != n) {
			perr_set(e, errno, "process.oomScoreAdj");
			if (fd >= 0)
				close(fd);
			return -1;
		}
		close(fd);
	}
	if (oci_sched_apply(cfg, e) < 0)
		return -1;
	return oci_mempolicy_apply(cfg, e);
}

struct made {
	struct oci_config cfg;
	struct jail_record rec;
	struct jail_hold hold;
	struct oci_state st;
	int gate, console, pidfd, master;
	bool jail, dir;
	struct ociproc_made cwd; /* the directories of process.cwd made in the root */
};

static pid_t spawn_process(struct made *m, int preserve_fds, struct perr *e)
{
	struct jail_exec x = {
		.argv = m->cfg.argv, .envp = m->cfg.envp, .cwd = m->cfg.cwd, .cred = &m->cfg.cred,
		.gate_fd = m->gate, .own_stdio = !m->cfg.terminal, .terminal = m->cfg.terminal,
		.no_new_privs = m->cfg.no_new_privs, .caps_set = m->cfg.caps_set, .caps = m->cfg.caps,
		.inheritable = m->cfg.inheritable, .ambient = m->cfg.ambient,
		.seccomp = m->cfg.seccomp.len ? &m->cfg.seccomp : NULL, .seccomp_flags = m->cfg.seccomp_flags,
		.default_home = true, .make_cwd = true,
	};

	if (oci_pass_fds(preserve_fds, &m->cfg.envp, &x, e) < 0)
		return -1;
	x.envp = m->cfg.envp;
	if (oci_apply_inherited(&m->cfg, e) < 0)
		return -1;
	return jail_spawn(&m->rec, &x, &m->hold, &m->pidfd, &m->master, e);
}

/*
 * A missing process.cwd is made in the root before the jail mounts it, as
 * runc and crun make it before their root goes read-only: by host root,
 * which is the container's root on the jail's idmapped root mount.  The
 * process makes it again in the jail for a directory on one of its mounts.
 */
static int make_cwd(const struct oci_config *cfg, struct ociproc_made *made, struct perr *e)
{
	const char *root = param_str(&cfg->params, P_PATH);
	_cleanup_close_ int fd = -1;

	if (!cfg->cwd || strspn(cfg->cwd, "/") == strlen(cfg->cwd))
		return 0;
	/* Worded as the jail's own check of its path would word it. */
	fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return perr_set(e, errno, "path \"%s\"", root);
	return ociproc_make_cwd(fd, cfg->cwd, made, e);
}

/* Everything in the order it exists: the config, the console, the state, the jail, the process. */
static int make_container(const char *id, const struct create_opts *o, struct made *m, struct perr *e)
{
	char bundle[PATH_MAX];
	pid_t pid;

	if (ocistate_check_id(id, e) < 0)
		return -1;
	if (!realpath(o->bundle ? o->bundle : ".", bundle))
		return perr_set(e, errno, "bundle \"%s\"", o->bundle ? o->bundle : ".");
	if (oci_config_load(bundle, id, &m->cfg, e) < 0)
		return -1;
	if (m->cfg.terminal && !o->console)
		return perr_setx(e, EINVAL, "process.terminal is true: --console-socket is needed");
	if (!m->cfg.terminal && o->console)
		return perr_setx(e, EINVAL, "--console-socket given but process.terminal is false");
	if (o->console && (m->console = oci_console_connect(o->console, e)) < 0)
		return -1;
	/* A directory there already is another container's: never removed by this one's failure. */
	if (ocistate_make(id, &m->gate, e) < 0) {
		m->dir = e->err != EEXIST;
		return -1;
	}
	m->dir = true;
	if (make_cwd(&m->cfg, &m->cwd, e) < 0 || jail_create(&m->cfg.params, &m->rec, &m->hold, e) < 0)
		return -1;
	m->jail = true;
	pid = spawn_process(m, o->preserve_fds, e);
	if (pid < 0 || oci_sysctl_apply(&m->cfg, m->pidfd, m->rec.uid_base, e) < 0)
		return -1;
	/* createRuntime (and prestart) on the host, then createContainer in the container: both fail the create. */
	if (oci_run_hooks(m->cfg.hooks, OCI_HOOK_CREATE_RUNTIME, id, "creating", pid, bundle, m->cfg.annotations, false,
			  e) < 0 ||
	    oci_run_hooks(m->cfg.hooks, OCI_HOOK_CREATE_CONTAINER, id, "creating", pid, bundle, m->cfg.annotations,
			  false, e) < 0)
		return -1;
	if (m->master >= 0 && oci_console_send(m->console, m->master, e) < 0)
		return -1;
	snprintf(m->st.id, sizeof(m->st.id), "%s", id);
	snprintf(m->st.bundle, sizeof(m->st.bundle), "%s", bundle);
	m->st.pid = pid;
	m->st.start = ocistate_start_time(pid);
	m->st.created = (long long)time(NULL);
	m->st.annotations = m->cfg.annotations;
	if (ocistate_write(&m->st, e) < 0)
		return -1;
	return o->pid_file ? oci_write_pid_file(o->pid_file, pid, e) : 0;
}

static void made_free(struct made *m, bool failed, const char *id)
{
	int fds[] = { m->gate, m->console, m->master, m->hold.fd };

	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (failed && m->jail) {
		struct jail_record gone = { 0 };
		struct perr ignore = { 0 };
		(void)jail_remove(id, false, &gone, &ignore);
		record_free(&gone);
	}
	if (failed && m->dir)
		ocistate_remove(id);
	if (m->jail)
		record_free(&m->rec);
	ociproc_made_undo(&m->cwd, failed);
	oci_config_free(&m->cfg);
}

/* create, and for run the pidfd of the process kept in *ret_pidfd. */
static int create(const char *id, const struct create_opts *o, int *ret_pidfd)
{
	struct made m = { .gate = -1, .console = -1, .pidfd = -1, .master = -1, .hold = JAIL_HOLD_NONE };
	struct perr e = { 0 };
	int r = make_container(id, o, &m, &e);

	audit_event("create", id, m.jail ? m.rec.jid : 0, m.cfg.argv ? &m.cfg.params : NULL, m.cfg.argv,
		    r < 0 ? e.msg : NULL);
	if (r == 0)
		ocilog_debug("created %s: jid %d, pid %d", id, m.rec.jid, m.st.pid);
	if (ret_pidfd && r == 0)
		*ret_pidfd = TAKE_FD(m.pidfd);
	else if (m.pidfd >= 0)
		close(m.pidfd);
	made_free(&m, r < 0, id);
	return r < 0 ? ocilog_error("%s: %s", id, e.msg) : 0;
}

int oci_cmd_create(int argc, char **argv)
{
	struct create_opts o = { 0 };
	const char *id = NULL;

	if (parse_create(argc, argv, &o, &id) != 0)
		return 1;
	return create(id, &o, NULL);
}

/* Until the process ends, the signals run gets passed on to it; its status as a shell gives it. */
int oci_wait_process(int pidfd)
{
	static const int fwd[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };
	struct pollfd p[2] = { { .fd = pidfd, .events = POLLIN }, { .fd = -1, .events = POLLIN } };
	siginfo_t si = { 0 };
	sigset_t mask;

	sigemptyset(&mask);
	for (size_t i = 0; i < ARRAY_SIZE(fwd); i++)
		sigaddset(&mask, fwd[i]);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	p[1].fd = signalfd(-1, &mask, SFD_CLOEXEC);
	while (!(p[0].revents & POLLIN)) {
		struct signalfd_siginfo ss;
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if ((p[1].revents & POLLIN) && read(p[1].fd, &ss, sizeof(ss)) == sizeof(ss))
			syscall(SYS_pidfd_send_signal, pidfd, (int)ss.ssi_signo, NULL, 0);
	}
	if (p[1].fd >= 0)
		close(p[1].fd);
	if (waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED) < 0)
		return 255;
	return si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
}

int oci_cmd_run(int argc, char **argv)
{
	struct create_opts o = { 0 };
	const char *id = NULL;
	int pidfd = -1, status;

	if (parse_create(argc, argv, &o, &id) != 0)
		return 1;
	if (create(id, &o, &pidfd) != 0)
		return 1;
	if (oci_start(id) != 0) {
		close(pidfd);
		(void)oci_remove(id);
		return 1;
	}
	if (o.detach) {
		close(pidfd);
		return 0;
	}
	status = oci_wait_process(pidfd);
	close(pidfd);
	/* As runc run: the container goes with its process, unless --keep leaves it stopped for delete. */
	if (!o.keep && oci_remove(id) != 0)
		return 1;
	return status;
}
