#include "relay.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/kcmp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

/* At most this much is passed on after the command has ended: what it left behind cannot keep us relaying. */
#define RELAY_DRAIN_MAX ((size_t)1 << 20)

enum { R_CHILD, R_SIGNALS, R_SOURCE, R_INPUT, R_OUTPUT, R_ERROR, R__COUNT };

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Are a and b of this process the same open file (as 1 and 2 are after 2>&1)? */
static bool same_open_file(int a, int b)
{
	pid_t self = getpid();

	return syscall(SYS_kcmp, self, self, KCMP_FILE, a, b) == 0;
}

static int make_pipe(int *ret_read, int *ret_write, struct perr *e)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return perr_set(e, errno, "pipe");
	*ret_read = p[0];
	*ret_write = p[1];
	return 0;
}

static int nonblocking(int fd)
{
	int fl = fd >= 0 ? fcntl(fd, F_GETFL) : 0;

	return fl < 0 || (fd >= 0 && fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) ? -1 : 0;
}

int relay_open(struct relay *r, int log_fd, struct perr *e)
{
	*r = (struct relay)RELAY_INIT;
	if (make_pipe(&r->child[0], &r->in, e) < 0)
		return -1;
	if (log_fd >= 0) {
		/* No input: the write end goes at once, so the command reads end of file. */
		close_fd(&r->in);
		r->child[1] = r->child[2] = fcntl(log_fd, F_DUPFD_CLOEXEC, 3);
		return r->child[1] < 0 ? perr_set(e, errno, "exec.consolelog") : 0;
	}
	if (make_pipe(&r->out, &r->child[1], e) < 0)
		return -1;
	if (same_open_file(1, 2))
		r->child[2] = r->child[1];
	else if (make_pipe(&r->err, &r->child[2], e) < 0)
		return -1;
	/* Our ends only: the command's ends block as pipes do. */
	if (nonblocking(r->in) < 0 || nonblocking(r->out) < 0 || nonblocking(r->err) < 0)
		return perr_set(e, errno, "pipe");
	return 0;
}

int relay_child_stdio(const struct relay *r)
{
	for (int i = 0; i < 3; i++)
		if (dup2(r->child[i], i) < 0)
			return -1;
	return 0;
}

void relay_close_child_ends(struct relay *r)
{
	if (r->child[2] == r->child[1])
		r->child[2] = -1;
	for (int i = 0; i < 3; i++)
		close_fd(&r->child[i]);
}

void relay_free(struct relay *r)
{
	relay_close_child_ends(r);
	close_fd(&r->in);
	close_fd(&r->out);
	close_fd(&r->err);
}

/* Our input, read into the buffer; at its end (or EIO, read from the background) the command's input ends. */
static void take_input(struct relay *r)
{
	ssize_t n = read(0, r->buf, sizeof(r->buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close_fd(&r->in);
		return;
	}
	r->len = (size_t)n;
	r->off = 0;
}

/* The buffer into the command's input; when it closed its end, nothing more is read for it. */
static void give_input(struct relay *r)
{
	ssize_t n = write(r->in, r->buf + r->off, r->len - r->off);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n < 0) {
		close_fd(&r->in);
		r->len = r->off = 0;
		return;
	}
	r->off += (size_t)n;
	if (r->off == r->len)
		r->len = r->off = 0;
}

/*
 * What one of the command's outputs holds, passed on; the bytes passed.
 * At its end, or when ours takes no more (a reader gone), its end is
 * closed: the command's next write fails as it would have on ours.
 */
static size_t pass_output(int *from, int to)
{
	char buf[16384];
	ssize_t n = read(*from, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0 || write_all(to, buf, (size_t)n) < 0) {
		close_fd(from);
		return 0;
	}
	return (size_t)n;
}

/* The command has ended: what it wrote last, bounded. */
static void drain(struct relay *r)
{
	size_t total = 0, n = 1;

	while (r->out >= 0 && total < RELAY_DRAIN_MAX && (n = pass_output(&r->out, r->dst_out)) > 0)
		total += n;
	while (r->err >= 0 && total < RELAY_DRAIN_MAX && (n = pass_output(&r->err, r->dst_err)) > 0)
		total += n;
}

static void forward_signal(int sigfd, int child_pidfd)
{
	struct signalfd_siginfo ss;

	if (read(sigfd, &ss, sizeof(ss)) == sizeof(ss))
		syscall(SYS_pidfd_send_signal, child_pidfd, (int)ss.ssi_signo, NULL, 0);
}

static void fill_poll(const struct relay *r, struct pollfd *p, int child_pidfd, int sigfd)
{
	p[R_CHILD] = (struct pollfd){ .fd = child_pidfd, .events = POLLIN };
	p[R_SIGNALS] = (struct pollfd){ .fd = sigfd, .events = POLLIN };
	p[R_SOURCE] = (struct pollfd){ .fd = r->in >= 0 && r->len == 0 ? 0 : -1, .events = POLLIN };
	p[R_INPUT] = (struct pollfd){ .fd = r->in >= 0 && r->len > 0 ? r->in : -1, .events = POLLOUT };
	p[R_OUTPUT] = (struct pollfd){ .fd = r->out, .events = POLLIN };
	p[R_ERROR] = (struct pollfd){ .fd = r->err, .events = POLLIN };
}

static void handle_poll(struct relay *r, const struct pollfd *p, int child_pidfd, int sigfd)
{
	const short ready = POLLIN | POLLHUP | POLLERR;

	if (p[R_SIGNALS].revents & POLLIN)
		forward_signal(sigfd, child_pidfd);
	if (p[R_SOURCE].revents & ready)
		take_input(r);
	if (p[R_INPUT].revents & (POLLOUT | POLLHUP | POLLERR))
		give_input(r);
	if (p[R_OUTPUT].revents & ready)
		pass_output(&r->out, r->dst_out);
	if (p[R_ERROR].revents & ready)
		pass_output(&r->err, r->dst_err);
}

static long ms_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* One wait of the relay: 1 once the command has ended, 0 to go on, -1 on a timeout or error. */
static int relay_once(struct relay *r, int child_pidfd, int sigfd, long timeout, const struct timespec *start)
{
	struct pollfd p[R__COUNT];
	long left = timeout > 0 ? timeout * 1000 - ms_since(start) : -1;
	int n;

	if (timeout > 0 && left <= 0) {
		errno = ETIMEDOUT;
		return -1;
	}
	fill_poll(r, p, child_pidfd, sigfd);
	n = poll(p, R__COUNT, left > INT_MAX ? INT_MAX : (int)left);
	if (n < 0)
		return errno == EINTR ? 0 : -1;
	handle_poll(r, p, child_pidfd, sigfd);
	if (!(p[R_CHILD].revents & POLLIN))
		return 0;
	drain(r);
	return 1;
}

int relay_run(struct relay *r, int child_pidfd, int sigfd, long timeout)
{
	/*
	 * A reader of our output that went away is the command's to see
	 * (EPIPE on its next write), not a signal that kills us; reading a
	 * terminal from the background ends the command's input rather than
	 * stopping us.
	 */
	static const int quiet[] = { SIGPIPE, SIGTTIN, SIGTTOU };
	struct sigaction ign = { .sa_handler = SIG_IGN }, old[ARRAY_SIZE(quiet)];
	struct timespec start;
	int r1, err;

	for (size_t i = 0; i < ARRAY_SIZE(quiet); i++)
		sigaction(quiet[i], &ign, &old[i]);
	clock_gettime(CLOCK_MONOTONIC, &start);
	while ((r1 = relay_once(r, child_pidfd, sigfd, timeout, &start)) == 0)
		;
	err = errno;
	for (size_t i = 0; i < ARRAY_SIZE(quiet); i++)
		sigaction(quiet[i], &old[i], NULL);
	errno = err;
	return r1 < 0 ? -1 : 0;
}
