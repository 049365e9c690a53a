/*
 * jailinit: PID 1 of every jail.  It reaps orphans, answers the host's
 * control requests and carries out the stop sequence: SIGTERM to every
 * process, then SIGKILL to all at once when stop.timeout runs out.  With
 * rctl rules whose action is log, devctl or a signal it also watches the
 * jail's counters (initwatch.c).  One blocking poll per loop; a timer only
 * for the stop deadline and, while there are such rules, a one-second
 * tick; no library beyond libc (and the library's pure decoder of its
 * requests, ctlmsg.h), so that an idle jail costs little.
 *
 * Descriptors: 3 the listening control socket, 4 the creator's hold;
 * 1 and 2 are exec.consolelog or /dev/null, for the few lines it writes;
 * 7 to 11, each present or not, the counters and log handles of
 * initwatch.h; 12, when the jail has terminals, an O_PATH handle on its
 * devpts's ptmx, never used here: jexec takes it (pty.h); 13, in a child
 * jail, a connection holding its parent's jailinit, never used either.
 * argv[1]: "1" if the jail is persistent; argv[2]: "1" if its namespaces
 * are pinned (persist.idle, pin.h).
 *
 * A persistent jail with pins needs no jailinit while nothing runs in it:
 * when no process is left, no host command is connected, no stop is under
 * way and no rule is watched, jailinit says "idle" and leaves.  Its PID
 * namespace goes with it; the jail stays, and the host starts a fresh
 * jailinit in a new PID namespace when something enters it again (wake.h).
 *
 * A jail that is not persistent stays without a process while it has child
 * jails, as FreeBSD's child keeps its parent: the host says how many
 * ("children N") whenever the count changes and when it wakes the jail,
 * since a child may be idle and hold nothing.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/ctlmsg.h"
#include "initwatch.h"

#define MAX_CONN 256
#define MAX_WATCH 64

struct conn {
	int fd;
	bool hold;
};

static struct conn conns[MAX_CONN];
static int nconn;
static int watch[MAX_WATCH];
static int nwatch;
static int sigfd, timerfd = -1, procfd = -1;
static bool persist, pinned, stopping;
/* Child jails, as the host counts them: like FreeBSD's child, each keeps a jail that is not persistent. */
static long kids;
static int answering; /* 1 while a connection's request is answered: it will not count once the host closes it */

static void unwatch(void)
{
	while (nwatch > 0)
		close(watch[--nwatch]);
}

/* Is pid a live process (not a zombie), by its stat line in our /proc? */
static bool alive(const char *pid)
{
	char buf[512];
	const char *p = proc_stat_fields(procfd, pid, buf, sizeof(buf));

	return p && p[1] != 'Z' && p[1] != 'X';
}

/*
 * Count the jail's live processes other than this one, and watch up to
 * MAX_WATCH of them with pidfds.  Processes whose parent is outside the jail
 * (a host command that entered it, then died) are not our children, so
 * SIGCHLD would never tell us they ended: their pidfds do, and a zombie
 * left to an outside parent does not count as alive.
 */
static int scan(void)
{
	int fd = dup(procfd), count = 0;
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	unwatch();
	if (!d) {
		if (fd >= 0)
			close(fd);
		return kill(-1, 0) < 0 && errno == ESRCH ? 0 : 1;
	}
	rewinddir(d);
	while ((de = readdir(d))) {
		long pid = strtol(de->d_name, NULL, 10);
		if (pid <= 1 || !alive(de->d_name))
			continue;
		count++;
		if (nwatch < MAX_WATCH) {
			int pfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
			if (pfd >= 0)
				watch[nwatch++] = pfd;
		}
	}
	closedir(d);
	return count;
}

static bool held(void)
{
	for (int i = 0; i < nconn; i++)
		if (conns[i].hold)
			return true;
	return false;
}

enum verdict {
	STAY,
	GO,   /* the jail goes: no process, not persistent (or stopped) */
	IDLE, /* this process goes, the jail stays: persistent, pinned, with nothing to do */
};

/* Can a persistent jail do without its init now?  Only when nothing can need it. */
static bool may_idle(void)
{
	return persist && pinned && !stopping && nconn - answering == 0 && watch_timer() < 0;
}

/* Would the jail (or this process, for an idle jail) go now?  Only then are its processes watched. */
static enum verdict verdict(void)
{
	if (may_idle())
		return scan() == 0 ? IDLE : STAY;
	if (!stopping && (persist || held() || kids > 0)) {
		unwatch();
		return STAY;
	}
	return scan() == 0 ? GO : STAY;
}

/* The answer to release and persist: "idle" means this process leaves once the host has closed the connection. */
static const char *answer(void)
{
	static const char *const words[] = { [STAY] = "ok", [GO] = "exit", [IDLE] = "idle" };
	const char *w;

	answering = 1;
	w = words[verdict()];
	answering = 0;
	return w;
}

static void reply(int fd, const char *text)
{
	(void)send(fd, text, strlen(text), MSG_NOSIGNAL | MSG_DONTWAIT);
}

static void drop(int i)
{
	close(conns[i].fd);
	conns[i] = conns[--nconn];
}

/* A line for exec.consolelog; nothing is lost if it cannot be written. */
static void note(const char *what)
{
	char line[160];
	int n = snprintf(line, sizeof(line), "jailinit: %s\n", what);

	if (n > 0)
		if (write(2, line, (size_t)n) < 0)
			return;
}

static void start_stop(long seconds)
{
	struct itimerspec its = { .it_value = { .tv_sec = seconds, .tv_nsec = seconds ? 0 : 1 } };
	char what[96];

	snprintf(what, sizeof(what), "stop: SIGTERM to every process, SIGKILL after %ld s", seconds);
	note(what);
	stopping = true;
	kill(-1, SIGTERM);
	kill(-1, SIGCONT);
	/* Made only now: a jail that is not stopping has no timer of its own. */
	timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (timerfd < 0 || timerfd_settime(timerfd, 0, &its, NULL) < 0) {
		note("stop: no timer, SIGKILL to every process now");
		kill(-1, SIGKILL);
		_exit(0);
	}
}

static void handle(int i)
{
	char msg[WATCH_MAX_MSG];
	ssize_t n = recv(conns[i].fd, msg, sizeof(msg) - 1, MSG_DONTWAIT);
	struct ctl_msg m;

	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		drop(i);
		return;
	}
	msg[n] = '\0';
	switch (ctl_msg_decode(msg, (size_t)n, &m)) {
	case CTL_MSG_HOLD:
		conns[i].hold = !stopping;
		reply(conns[i].fd, stopping ? "dying" : "ok");
		break;
	case CTL_MSG_RELEASE:
		conns[i].hold = false;
		reply(conns[i].fd, answer());
		break;
	case CTL_MSG_PERSIST:
		persist = m.arg == 1;
		reply(conns[i].fd, answer());
		break;
	case CTL_MSG_CHILDREN:
		kids = m.arg;
		reply(conns[i].fd, answer());
		break;
	case CTL_MSG_WATCH: {
		char answer[256];
		watch_install(msg, answer, sizeof(answer));
		reply(conns[i].fd, answer);
		break;
	}
	case CTL_MSG_STOP:
		reply(conns[i].fd, "ok");
		if (!stopping)
			start_stop(m.arg);
		break;
	case CTL_MSG_BAD:
		reply(conns[i].fd, "error");
		break;
	}
}

static void add_conn(int fd, bool hold)
{
	if (nconn >= MAX_CONN) {
		close(fd);
		return;
	}
	conns[nconn].fd = fd;
	conns[nconn].hold = hold;
	nconn++;
}

/* One poll round's descriptors, at fixed places: signals, the listening socket, the stop timer, the connections. */
enum { PFD_SIGNAL, PFD_LISTEN, PFD_STOP, PFD_CONN };

struct round {
	struct pollfd pfd[4 + MAX_CONN + MAX_WATCH];
	int n;
	int nconn; /* the connections polled: those accepted during the round come after them */
	int tick;  /* where the watcher's timer is */
};

static void fill_round(struct round *r)
{
	int n = 0;

	r->pfd[n++] = (struct pollfd){ .fd = sigfd, .events = POLLIN };
	r->pfd[n++] = (struct pollfd){ .fd = 3, .events = POLLIN };
	r->pfd[n++] = (struct pollfd){ .fd = timerfd, .events = POLLIN };
	for (int i = 0; i < nconn; i++)
		r->pfd[n++] = (struct pollfd){ .fd = conns[i].fd, .events = POLLIN };
	for (int i = 0; i < nwatch; i++)
		r->pfd[n++] = (struct pollfd){ .fd = watch[i], .events = POLLIN };
	/* Last, so the indexes above stay fixed; a negative fd is skipped by poll. */
	r->tick = n;
	r->pfd[n++] = (struct pollfd){ .fd = watch_timer(), .events = POLLIN };
	r->n = n;
	r->nconn = nconn;
}

static void reap(void)
{
	struct signalfd_siginfo si;

	while (read(sigfd, &si, sizeof(si)) > 0)
		;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/*
 * Only the host talks to jailinit.  The socket lives in the host's run
 * directory, which no jail sees; should a jail process reach it all the
 * same, it is refused here: the kernel gives SO_PEERCRED's pid in our PID
 * namespace, and every process of the jail has one, while a host command
 * (outside it) shows as pid 0.
 */
static bool host_peer(int fd)
{
	struct ucred uc;
	socklen_t len = sizeof(uc);

	return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) == 0 && len == sizeof(uc) && uc.pid == 0;
}

/* Handle what poll reported, in the order the jail's life needs: reaping first, the stop deadline before requests. */
static void serve(const struct round *r)
{
	if (r->pfd[PFD_SIGNAL].revents)
		reap();
	if (r->pfd[r->tick].revents)
		watch_tick(procfd);
	if (r->pfd[PFD_STOP].revents) {
		/* stop.timeout is over: leaving kills what is left, all at once. */
		note("stop.timeout is over: SIGKILL to what is left");
		kill(-1, SIGKILL);
		_exit(0);
	}
	if (r->pfd[PFD_LISTEN].revents) {
		int fd = accept4(3, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd >= 0 && host_peer(fd))
			add_conn(fd, false);
		else if (fd >= 0)
			close(fd);
	}
	/* Handled from the end, as drop() moves the last connection into the slot it frees. */
	for (int i = r->nconn - 1; i >= 0; i--)
		if (r->pfd[PFD_CONN + i].revents)
			handle(i);
}

int main(int argc, char **argv)
{
	struct round r;
	sigset_t mask;

	/* Nobody in the jail may trace or read the memory of its init. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	persist = argc > 1 && argv[1][0] == '1';
	pinned = argc > 2 && argv[2][0] == '1';
	watch_init();
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	/* Opened before any other process exists in the jail, so it is the jail's own /proc. */
	procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sigfd < 0)
		_exit(1);
	add_conn(4, true);

	for (;;) {
		fill_round(&r);
		if (poll(r.pfd, (nfds_t)r.n, -1) < 0 && errno != EINTR)
			_exit(1);
		serve(&r);
		switch (verdict()) {
		case STAY:
			break;
		case IDLE:
			note("idle: nothing runs in the jail; it stays, without its init");
			_exit(0);
		case GO:
			note(stopping ? "every process has ended" : "the last process has ended");
			_exit(0);
		}
	}
}
