#include "nsenter.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

/* The one packet the child sends home. */
struct ns_wire {
	int rc;
	int err;
	size_t len;
	unsigned char data[sizeof(((struct ns_reply *)0)->data)];
	char msg[sizeof(((struct perr *)0)->msg)];
};

static __attribute__((noreturn)) void child_main(const struct ns_task *t, int sock)
{
	struct ns_wire w = { 0 };
	struct ns_reply out = { .fd = -1 };
	struct perr e = { 0 };

	/* Its parent is a host command that may die: the child must not outlive it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (setns(t->nsfd, t->nstypes) < 0)
		w.rc = perr_set(&e, errno, "%s: enter the jail", t->what);
	else if (t->euid != (uid_t)-1 && setresuid((uid_t)-1, t->euid, (uid_t)-1) < 0)
		w.rc = perr_set(&e, errno, "%s: become the jail's root", t->what);
	else
		w.rc = t->fn(t->arg, &out, &e);
	w.err = e.err;
	w.len = out.len < sizeof(w.data) ? out.len : sizeof(w.data);
	memcpy(w.data, out.data, w.len);
	memcpy(w.msg, e.msg, sizeof(w.msg));
	(void)send_packet(sock, &w, sizeof(w), w.rc == 0 ? out.fd : -1);
	_exit(0);
}

int ns_run(const struct ns_task *t, struct ns_reply *ret, struct perr *e)
{
	struct ns_wire wire, *w = &wire;
	_cleanup_close_ int sock = -1;
	int pair[2], fd = -1, status;
	ssize_t n;
	pid_t pid;

	if (ret) {
		ret->len = 0;
		ret->fd = -1;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
		return perr_set(e, errno, "%s: socketpair", t->what);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(pair[0]);
		child_main(t, pair[1]);
	}
	close(pair[1]);
	sock = pair[0];
	if (pid < 0)
		return perr_set(e, errno, "%s: fork", t->what);
	n = recv_packet(sock, w, sizeof(*w), &fd);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(*w)) {
		if (fd >= 0)
			close(fd);
		return perr_setx(e, ECHILD, "%s: the process in the jail's namespaces died", t->what);
	}
	if (w->rc < 0) {
		w->msg[sizeof(w->msg) - 1] = '\0';
		return perr_setx(e, w->err ? w->err : EIO, "%s", w->msg);
	}
	if (ret) {
		ret->len = w->len;
		memcpy(ret->data, w->data, w->len);
		ret->fd = fd;
	} else if (fd >= 0) {
		close(fd);
	}
	return 0;
}

struct socket_job {
	int netns_fd, domain, type, protocol;
	int fd, err;
	const char *step;
};

static void *socket_thread(void *arg)
{
	struct socket_job *j = arg;

	if (setns(j->netns_fd, CLONE_NEWNET) < 0) {
		j->err = errno;
		j->step = "enter network namespace";
		return NULL;
	}
	j->fd = socket(j->domain, j->type | SOCK_CLOEXEC, j->protocol);
	if (j->fd < 0) {
		j->err = errno;
		j->step = "socket";
	}
	return NULL;
}

int ns_socket(int netns_fd, int domain, int type, int protocol, struct perr *e)
{
	struct socket_job j = { .netns_fd = netns_fd, .domain = domain, .type = type, .protocol = protocol, .fd = -1 };
	pthread_t t;
	int r = pthread_create(&t, NULL, socket_thread, &j);

	if (r != 0)
		return perr_set(e, r, "thread for a socket of network namespace fd %d", netns_fd);
	pthread_join(t, NULL);
	if (j.fd < 0)
		return perr_set(e, j.err, "%s (network namespace fd %d)", j.step, netns_fd);
	return j.fd;
}
