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
	int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	int slave;

	if (master < 0)
		return perr_set(e, errno, "/dev/ptmx");
	/* TIOCGPTPEER opens the slave through the master: no path to race on. */
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0 ||
	    (slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
		int err = errno;
		close(master);
		return perr_set(e, err, "open a terminal");
	}
	*ret_master = master;
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

int pty_relay(int master, int child_pidfd, int sigfd)
{
	struct termios saved, raw;
	bool restore = tcgetattr(0, &saved) == 0, in_open = true;
	struct pollfd p[4] = {
		{ .fd = master, .events = POLLIN },
		{ .fd = 0, .events = POLLIN },
		{ .fd = sigfd, .events = POLLIN },
		{ .fd = child_pidfd, .events = POLLIN },
	};

	if (restore) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(0, TCSANOW, &raw);
	}
	copy_winsize(master);
	fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
	for (;;) {
		p[1].fd = in_open ? 0 : -1;
		if (poll(p, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			if (!pump(master, 1) && !(p[0].revents & POLLIN))
				p[0].fd = -1;
		}
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR))
			in_open = pump(0, master);
		if (p[2].revents & POLLIN) {
			struct signalfd_siginfo ss;
			if (read(sigfd, &ss, sizeof(ss)) == sizeof(ss)) {
				if (ss.ssi_signo == SIGWINCH)
					copy_winsize(master);
				else
					syscall(SYS_pidfd_send_signal, child_pidfd, (int)ss.ssi_signo, NULL, 0);
			}
		}
		if (p[3].revents & POLLIN) {
			/* The command is gone: pass on what it wrote last, then stop. */
			while (pump(master, 1))
				if (poll(&p[0], 1, 0) <= 0)
					break;
			break;
		}
	}
	if (restore)
		tcsetattr(0, TCSADRAIN, &saved);
	return 0;
}
