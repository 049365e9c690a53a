/*
 * jailinit: PID 1 of every jail.  It reaps orphans, answers the host's
 * control requests and carries out the stop sequence: SIGTERM to every
 * process, then SIGKILL to all at once when stop.timeout runs out.  One
 * blocking poll per loop, no timers but the stop deadline, and no library
 * beyond libc so that an idle jail costs little.
 *
 * Descriptors: 3 the listening control socket, 4 the creator's hold.
 * argv[1]: "1" if the jail is persistent.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_CONN 256

enum { FD_SIG, FD_LISTEN, FD_TIMER, FD_CONN0 };

struct conn {
	bool hold;
};

static struct pollfd pfd[FD_CONN0 + MAX_CONN];
static struct conn conns[FD_CONN0 + MAX_CONN];
static int npfd = FD_CONN0;
static bool persist, stopping;

/* kill(-1, 0) from PID 1 reaches every other process of the namespace: ESRCH means none. */
static bool jail_empty(void)
{
	return kill(-1, 0) < 0 && errno == ESRCH;
}

static bool held(void)
{
	for (int i = FD_CONN0; i < npfd; i++)
		if (conns[i].hold)
			return true;
	return false;
}

/* Would the jail go now?  The decision is made here and acted on by the caller. */
static bool should_exit(void)
{
	if (stopping)
		return jail_empty();
	return !persist && !held() && jail_empty();
}

static void reply(int fd, const char *text)
{
	(void)send(fd, text, strlen(text), MSG_NOSIGNAL | MSG_DONTWAIT);
}

static void drop(int i)
{
	close(pfd[i].fd);
	npfd--;
	pfd[i] = pfd[npfd];
	conns[i] = conns[npfd];
}

static void start_stop(long seconds)
{
	struct itimerspec its = { .it_value = { .tv_sec = seconds, .tv_nsec = seconds ? 0 : 1 } };

	stopping = true;
	kill(-1, SIGTERM);
	kill(-1, SIGCONT);
	timerfd_settime(pfd[FD_TIMER].fd, 0, &its, NULL);
}

static void handle(int i)
{
	char msg[64];
	ssize_t n = recv(pfd[i].fd, msg, sizeof(msg) - 1, MSG_DONTWAIT);

	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		drop(i);
		return;
	}
	msg[n] = '\0';
	if (strcmp(msg, "hold") == 0) {
		conns[i].hold = !stopping;
		reply(pfd[i].fd, stopping ? "dying" : "ok");
	} else if (strcmp(msg, "release") == 0) {
		conns[i].hold = false;
		reply(pfd[i].fd, should_exit() ? "exit" : "ok");
	} else if (strncmp(msg, "persist ", 8) == 0) {
		persist = msg[8] == '1';
		reply(pfd[i].fd, should_exit() ? "exit" : "ok");
	} else if (strncmp(msg, "stop ", 5) == 0) {
		reply(pfd[i].fd, "ok");
		if (!stopping)
			start_stop(strtol(msg + 5, NULL, 10));
	} else {
		reply(pfd[i].fd, "error");
	}
}

static void add_conn(int fd, bool hold)
{
	if (npfd >= (int)(sizeof(pfd) / sizeof(pfd[0]))) {
		close(fd);
		return;
	}
	pfd[npfd] = (struct pollfd){ .fd = fd, .events = POLLIN };
	conns[npfd].hold = hold;
	npfd++;
}

int main(int argc, char **argv)
{
	sigset_t mask;

	/* Nobody in the jail may trace or read the memory of its init. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	persist = argc > 1 && argv[1][0] == '1';
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	pfd[FD_SIG] = (struct pollfd){ .fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK), .events = POLLIN };
	pfd[FD_LISTEN] = (struct pollfd){ .fd = 3, .events = POLLIN };
	pfd[FD_TIMER] = (struct pollfd){ .fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC), .events = POLLIN };
	if (pfd[FD_SIG].fd < 0 || pfd[FD_TIMER].fd < 0)
		_exit(1);
	add_conn(4, true);

	for (;;) {
		if (poll(pfd, (nfds_t)npfd, -1) < 0 && errno != EINTR)
			_exit(1);
		if (pfd[FD_SIG].revents) {
			struct signalfd_siginfo si;
			while (read(pfd[FD_SIG].fd, &si, sizeof(si)) > 0)
				;
			while (waitpid(-1, NULL, WNOHANG) > 0)
				;
		}
		if (pfd[FD_TIMER].revents) {
			/* stop.timeout is over: leaving kills what is left, all at once. */
			kill(-1, SIGKILL);
			_exit(0);
		}
		if (pfd[FD_LISTEN].revents) {
			int fd = accept4(3, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
			if (fd >= 0)
				add_conn(fd, false);
		}
		for (int i = npfd - 1; i >= FD_CONN0; i--)
			if (pfd[i].revents)
				handle(i);
		if (should_exit())
			_exit(0);
	}
}
