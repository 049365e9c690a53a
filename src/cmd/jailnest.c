/*
 * jailnest: the server of one jail's socket for jails made inside it
 * (src/lib/nested.h).  Started by jail -c as host root for a jail that may
 * have children, with the listening socket (fd 3), the jail's user
 * namespace (fd 4) and its root (fd 5); usage: jailnest JID UID_BASE INODE.
 * Each connection is served by a process of its own (nest_serve), at most
 * NEST_WORKERS at once; the server ends when the socket file it was
 * started with is gone, which is how the jail's removal ends it.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../include/prison.h"
#include "../lib/nestserve.h"

#define NEST_WORKERS 64

static char sock_path[512];
static ino_t sock_ino;

/* The socket file is still the one this server was started for. */
static int still_ours(void)
{
	struct stat st;

	return stat(sock_path, &st) == 0 && st.st_ino == sock_ino;
}

static void worker(int conn, int ifd, const struct nest_self *self)
{
	close(3);
	close(ifd);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	_exit(nest_serve(conn, self) & 0xff);
}

/* Refused at once when the jail has as many requests under way as it may. */
static void busy(int conn)
{
	static const char msg[] = "ejail: too many requests under way in this jail";

	(void)send(conn, msg, sizeof(msg) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	(void)send(conn, "x1", 2, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* A decimal number, the whole of s. */
static bool number(const char *s, unsigned long long *ret)
{
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return false;
	errno = 0;
	*ret = strtoull(s, &end, 10);
	return errno == 0 && *end == '\0';
}

/* One connection: served by a process of its own, or refused when there are as many as there may be. */
static void take(int ifd, const struct nest_self *self, int *workers)
{
	int conn = accept4(3, NULL, NULL, SOCK_CLOEXEC);
	pid_t pid;

	if (conn < 0)
		return;
	if (*workers >= NEST_WORKERS) {
		busy(conn);
	} else {
		pid = fork();
		if (pid == 0)
			worker(conn, ifd, self);
		if (pid > 0)
			(*workers)++;
	}
	close(conn);
}

/* Until the socket file is gone: connections served, workers reaped, the directory watched. */
static int serve(int ifd, const struct nest_self *self)
{
	int workers = 0;

	/* Watched from here on: gone already, it is gone for good. */
	while (still_ours()) {
		struct pollfd p[2] = { { .fd = 3, .events = POLLIN }, { .fd = ifd, .events = POLLIN } };
		int r = poll(p, 2, 1000);
		char ev[4096];

		while (waitpid(-1, NULL, WNOHANG) > 0)
			workers--;
		if (r < 0 && errno != EINTR)
			return 1;
		if (r > 0 && p[1].revents)
			while (read(ifd, ev, sizeof(ev)) > 0)
				;
		else if (r > 0 && (p[0].revents & POLLIN))
			take(ifd, self, &workers);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct nest_self self = { .usernsfd = 4, .rootfd = 5 };
	unsigned long long jid, base, ino;
	char dir[512];
	int ifd;

	if (argc != 4 || !number(argv[1], &jid) || jid < 1 || jid > 999999 || !number(argv[2], &base) ||
	    !number(argv[3], &ino)) {
		fprintf(stderr, "usage: jailnest jid uid_base inode\n");
		return 2;
	}
	self.jid = (int)jid;
	self.uid_base = (unsigned long)base;
	sock_ino = (ino_t)ino;
	/* The binary's own descriptor, which only served the exec. */
	close(6);
	signal(SIGPIPE, SIG_IGN);
	snprintf(dir, sizeof(dir), "%s/nest", runtime_rundir());
	snprintf(sock_path, sizeof(sock_path), "%s/%d.sock", dir, self.jid);
	ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (ifd < 0 || inotify_add_watch(ifd, dir, IN_DELETE | IN_MOVED_FROM | IN_DELETE_SELF) < 0)
		return 1;
	return serve(ifd, &self);
}
