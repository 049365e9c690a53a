#include "pty.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "util.h"

int pty_open(int *ret_master, int *ret_slave, struct perr *e)
{
	int unlock = 0;
	_cleanup_close_ int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	int slave;

	if (master < 0)
		return perr_set(e, errno, "/dev/ptmx");
	/* TIOCGPTPEER opens the slave through the master: no path to race on. */
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0 ||
	    (slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		return perr_set(e, errno, "open a terminal");
	*ret_master = TAKE_FD(master);
	*ret_slave = slave;
	return 0;
}

int pty_make_controlling(struct perr *e)
{
	if (ioctl(0, TIOCSCTTY, 0) < 0)
		return perr_set(e, errno, "controlling terminal");
	return 0;
}

bool pty_wanted(void)
{
	return isatty(0) && isatty(1);
}

static void copy_winsize(int master)
{
	struct winsize ws;

	if (ioctl(0, TIOCGWINSZ, &ws) == 0)
		ioctl(master, TIOCSWINSZ, &ws);
}

/* Move what is readable from one fd to another; false at end of input. */
static bool pump(int from, int to)
{
	char buf[4096];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return true;
	if (n <= 0)
		return false;
	return write_all(to, buf, (size_t)n) == 0;
}

/* A signal jexec received: a resize is copied to the jail's terminal, anything else goes to the command. */
static void forward_signal(int sigfd, int master, int child_pidfd)
{
	struct signalfd_siginfo ss;

	if (read(sigfd, &ss, sizeof(ss)) != sizeof(ss))
		return;
	if (ss.ssi_signo == SIGWINCH)
		copy_winsize(master);
	else
		syscall(SYS_pidfd_send_signal, child_pidfd, (int)ss.ssi_signo, NULL, 0);
}

enum { RELAY_MASTER, RELAY_STDIN, RELAY_SIGNALS, RELAY_CHILD, RELAY__COUNT };

/* One wait of the relay and what it found; false once the command is gone. */
static bool relay_once(struct pollfd *p, int master, int child_pidfd, int sigfd, bool *in_open)
{
	p[RELAY_STDIN].fd = *in_open ? 0 : -1;
	if (poll(p, RELAY__COUNT, -1) < 0)
		return errno == EINTR;
	if ((p[RELAY_MASTER].revents & (POLLIN | POLLHUP | POLLERR)) && !pump(master, 1) &&
	    !(p[RELAY_MASTER].revents & POLLIN))
		p[RELAY_MASTER].fd = -1;
	if (p[RELAY_STDIN].revents & (POLLIN | POLLHUP | POLLERR))
		*in_open = pump(0, master);
	if (p[RELAY_SIGNALS].revents & POLLIN)
		forward_signal(sigfd, master, child_pidfd);
	if (!(p[RELAY_CHILD].revents & POLLIN))
		return true;
	/* The command is gone: pass on what it wrote last, then stop. */
	while (pump(master, 1))
		if (poll(&p[RELAY_MASTER], 1, 0) <= 0)
			break;
	return false;
}

int pty_relay(int master, int child_pidfd, int sigfd)
{
	struct termios saved, raw;
	bool restore = tcgetattr(0, &saved) == 0, in_open = true;
	struct pollfd p[RELAY__COUNT] = {
		[RELAY_MASTER] = { .fd = master, .events = POLLIN },
		[RELAY_STDIN] = { .fd = 0, .events = POLLIN },
		[RELAY_SIGNALS] = { .fd = sigfd, .events = POLLIN },
		[RELAY_CHILD] = { .fd = child_pidfd, .events = POLLIN },
	};

	if (restore) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(0, TCSANOW, &raw);
	}
	copy_winsize(master);
	fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
	while (relay_once(p, master, child_pidfd, sigfd, &in_open))
		;
	if (restore)
		tcsetattr(0, TCSADRAIN, &saved);
	return 0;
}
