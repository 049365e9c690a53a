#include "pty.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include "util.h"

#ifndef DEVPTS_SUPER_MAGIC
#define DEVPTS_SUPER_MAGIC 0x1cd1
#endif
/* The multiplexer every devpts instance has: character device 5, 2. */
#define PTMX_MAJOR 5
#define PTMX_MINOR 2

bool pty_ruleset_has_terminals(long ruleset)
{
	return ruleset != 1 && ruleset != 2;
}

/* Is fd a devpts instance's ptmx?  Opening one makes a new pair in that instance and nothing else. */
static int check_ptmx(int fd, struct perr *e)
{
	struct statfs sfs;
	struct stat st;

	if (fstatfs(fd, &sfs) < 0 || fstat(fd, &st) < 0)
		return perr_set(e, errno, "the jail's ptmx");
	if (sfs.f_type != DEVPTS_SUPER_MAGIC || !S_ISCHR(st.st_mode) || major(st.st_rdev) != PTMX_MAJOR ||
	    minor(st.st_rdev) != PTMX_MINOR)
		return perr_setx(e, EINVAL, "the jail's terminal handle is not a devpts ptmx");
	return 0;
}

int pty_ptmx_handle(struct perr *e)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	_cleanup_close_ int fd = (int)syscall(SYS_openat2, AT_FDCWD, "/dev/pts/ptmx", &how, sizeof(how));

	if (fd < 0)
		return perr_set(e, errno, "/dev/pts/ptmx");
	if (check_ptmx(fd, e) < 0)
		return -1;
	return TAKE_FD(fd);
}

/*
 * Open the master through the handle, as the jail's root: devpts gives the
 * new slave its opener's fsuid, so the jail's own root owns its terminal.
 * The handle is O_PATH; /proc/self/fd (the host's, this process's own) is
 * the kernel's way to open what it names, without a lookup by name.
 */
static int open_master(int handle, uid_t owner, struct perr *e)
{
	char path[64];
	int fd, err;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", handle);
	setfsgid(owner);
	setfsuid(owner);
	fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	err = errno;
	setfsuid(0);
	setfsgid(0);
	if (fd < 0)
		return perr_set(e, err, "open a terminal of the jail");
	return fd;
}

int pty_open_jail(int init_pidfd, uid_t owner, int *ret_master, int *ret_slave, struct perr *e)
{
	_cleanup_close_ int handle = (int)syscall(SYS_pidfd_getfd, init_pidfd, PTY_INIT_FD, 0);
	_cleanup_close_ int master = -1;
	int unlock = 0, slave;

	if (handle < 0 && errno == EBADF)
		return perr_setx(e, ENOTTY, "no terminal of the jail's own: its jailinit holds no devpts handle");
	if (handle < 0)
		return perr_set(e, errno, "the jail's terminal handle");
	if (check_ptmx(handle, e) < 0)
		return -1;
	master = open_master(handle, owner, e);
	if (master < 0)
		return -1;
	/* TIOCGPTPEER opens the slave through the master: no path to race on. */
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0 ||
	    (slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		return perr_set(e, errno, "open a terminal of the jail");
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
/* Reads (of up to 4 KiB each) passed on once the command has ended. */
#define RELAY_DRAIN_READS 64

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
	/*
	 * The command is gone: pass on what it wrote last, then stop.  Bounded,
	 * so that a process it left behind cannot keep jexec relaying.
	 */
	for (int i = 0; i < RELAY_DRAIN_READS && pump(master, 1); i++)
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
