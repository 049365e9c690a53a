#include "nestsock.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jailproc.h"
#include "runtime.h"
#include "util.h"

/* The server's descriptors, at fixed numbers (src/cmd/jailnest.c). */
enum { NEST_FD_LISTEN = 3, NEST_FD_USERNS, NEST_FD_ROOT, NEST_FD__END };

void nest_socket_path(int jid, char *buf, size_t len)
{
	snprintf(buf, len, "%s/nest/%d.sock", runtime_rundir(), jid);
}

void nest_sock_close(struct nest_sock *s)
{
	if (s->listen >= 0)
		close(s->listen);
	if (s->tree >= 0)
		close(s->tree);
	*s = NEST_SOCK_NONE;
}

/* RUNDIR/nest: host root's alone, as the registry's directories are. */
static int nest_dir(struct perr *e)
{
	char dir[256];
	struct stat st;

	snprintf(dir, sizeof(dir), "%s/nest", runtime_rundir());
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return perr_set(e, errno, "mkdir %s", dir);
	if (lstat(dir, &st) < 0)
		return perr_set(e, errno, "%s", dir);
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 || (st.st_mode & 0077))
		return perr_setx(e, EPERM, "%s: not a directory of root's alone", dir);
	return 0;
}

int nest_listen(int jid, struct nest_sock *ret, struct perr *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	_cleanup_close_ int fd = -1;

	*ret = NEST_SOCK_NONE;
	if (nest_dir(e) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return perr_set(e, errno, "jail socket");
	nest_socket_path(jid, sa.sun_path, sizeof(sa.sun_path));
	unlink(sa.sun_path);
	/*
	 * Open to every user on the inode: only the jail reaches it, through
	 * its /dev, and the server asks every peer who it is.  The directory
	 * keeps everyone else on the host out.
	 */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(sa.sun_path, 0666) < 0 || listen(fd, 16) < 0 ||
	    stat(sa.sun_path, &st) < 0)
		return perr_set(e, errno, "jail socket %s", sa.sun_path);
	ret->tree = (int)syscall(SYS_open_tree, AT_FDCWD, sa.sun_path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (ret->tree < 0) {
		int err = errno;
		unlink(sa.sun_path);
		return perr_set(e, err, "jail socket %s", sa.sun_path);
	}
	ret->ino = st.st_ino;
	ret->listen = TAKE_FD(fd);
	return 0;
}

bool nest_listening(int jid)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return true;
	nest_socket_path(jid, sa.sun_path, sizeof(sa.sun_path));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return true;
	/* A full backlog is a server that is there. */
	return errno != ECONNREFUSED && errno != ENOENT;
}

int nest_retire(int jid, struct perr *e)
{
	char path[256], dead[300];
	struct stat st;

	nest_socket_path(jid, path, sizeof(path));
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : perr_set(e, errno, "jail socket %s", path);
	/* A name of its own: a file renamed over, or unlinked, takes every mount standing on it away. */
	snprintf(dead, sizeof(dead), "%s/nest/%d.%llu.dead", runtime_rundir(), jid, (unsigned long long)st.st_ino);
	if (rename(path, dead) < 0)
		return perr_set(e, errno, "jail socket %s", path);
	return 0;
}

/* The sockets of jid retired while it lived. */
static void remove_retired(int jid)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	char dir[256], prefix[24];
	size_t n, pl;

	snprintf(dir, sizeof(dir), "%s/nest", runtime_rundir());
	pl = (size_t)snprintf(prefix, sizeof(prefix), "%d.", jid);
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		n = strlen(de->d_name);
		if (n > pl + 5 && strncmp(de->d_name, prefix, pl) == 0 && strcmp(de->d_name + n - 5, ".dead") == 0)
			(void)unlinkat(dirfd(d), de->d_name, 0);
	}
}

void nest_unbind(int jid)
{
	char path[256];

	nest_socket_path(jid, path, sizeof(path));
	unlink(path);
}

void nest_remove(int jid)
{
	nest_unbind(jid);
	remove_retired(jid);
}

/*
 * In the grandchild: the descriptors at their numbers, /dev/null for
 * 0, 1 and 2 (a command's output pipe must not stay open for as long as
 * the jail lives), nothing else open, then the server.  ready (close on
 * exec) gets the errno when that cannot be done.
 */
static __attribute__((noreturn)) void exec_server(const struct jail_record *rec, const struct nest_sock *s,
						   int usernsfd, int rootfd, int exefd, int ready)
{
	int fds[] = { s->listen, usernsfd, rootfd, exefd, ready, open("/dev/null", O_RDWR | O_CLOEXEC) };
	char jid[16], base[24], ino[24];
	char *argv[] = { NEST_SERVER, jid, base, ino, NULL };
	extern char **environ;
	sigset_t none;
	int err;

	/* Nothing of the command that started it: no blocked signal, no working directory in a jail's tree. */
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0 || chdir("/") < 0 || fds[5] < 0)
		goto fail;
	/* Every one lifted above the fixed numbers first, so that placing one cannot close another. */
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		if ((fds[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, NEST_FD__END + 8)) < 0)
			goto fail;
	for (int i = 0; i < 3; i++)
		if (dup2(fds[5], i) < 0 || dup2(fds[i], NEST_FD_LISTEN + i) < 0)
			goto fail;
	if (dup2(fds[3], NEST_FD__END) < 0 || dup3(fds[4], NEST_FD__END + 1, O_CLOEXEC) < 0 ||
	    close_range(NEST_FD__END + 2, ~0U, 0) < 0)
		goto fail;
	snprintf(jid, sizeof(jid), "%d", rec->jid);
	snprintf(base, sizeof(base), "%lu", rec->uid_base);
	snprintf(ino, sizeof(ino), "%llu", (unsigned long long)s->ino);
	syscall(SYS_execveat, NEST_FD__END, "", argv, environ, AT_EMPTY_PATH);
	fds[4] = NEST_FD__END + 1;
fail:
	err = errno;
	(void)!write(fds[4] >= 0 ? fds[4] : ready, &err, sizeof(err));
	_exit(127);
}

int nest_start(const struct jail_record *rec, const struct nest_sock *s, int rootfd, struct perr *e)
{
	_cleanup_close_ int usernsfd = -1;
	char path[64];

	/* jailinit is this command's child, not yet waited for: its pid cannot name another process. */
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)rec->init_pid);
	usernsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (usernsfd < 0)
		return perr_set(e, errno, "%s", path);
	return nest_start_with(rec, s, usernsfd, rootfd, e);
}

int nest_start_with(const struct jail_record *rec, const struct nest_sock *s, int usernsfd, int rootfd,
		    struct perr *e)
{
	_cleanup_close_ int exefd = -1, rd = -1, wr = -1;
	int pipefd[2], status, err = 0;
	pid_t pid;

	exefd = jail_open_libexec(NEST_SERVER, e);
	if (exefd < 0)
		return -1;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return perr_set(e, errno, "pipe");
	rd = pipefd[0];
	wr = pipefd[1];
	pid = fork();
	if (pid < 0)
		return perr_set(e, errno, "fork");
	if (pid == 0) {
		/* A session of its own, and the init of the host as its parent once this child is gone. */
		if (setsid() < 0)
			_exit(127);
		pid_t server = fork();
		if (server < 0)
			_exit(127);
		if (server == 0)
			exec_server(rec, s, usernsfd, rootfd, exefd, wr);
		_exit(0);
	}
	close(TAKE_FD(wr));
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return perr_set(e, errno, "wait");
	/* The write end closes at the server's exec: nothing read means it runs. */
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || read(rd, &err, sizeof(err)) != 0)
		return perr_set(e, err ? err : ECHILD, "the jail socket's server could not be started");
	return 0;
}
