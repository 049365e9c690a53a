/*
 * Doing one thing inside a jail's namespaces.  A child process joins them
 * (through the pidfd of a jail process, or a namespace fd), takes an
 * effective uid if asked, runs one function and exits; what the function
 * reports (a result, an error, a few bytes, one descriptor) travels home
 * over a socket.  The caller's process never changes namespace, so nothing
 * it does afterwards can land in the jail.
 */
#ifndef PRISON_NSENTER_H
#define PRISON_NSENTER_H

#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/* What the function hands back: up to sizeof(data) bytes and one descriptor. */
struct ns_reply {
	unsigned char data[256];
	size_t len;
	int fd; /* -1 for none; the caller owns it */
};

struct ns_task {
	int nsfd;         /* pidfd of a process in the namespaces, or a namespace fd */
	int nstypes;      /* CLONE_NEW* to join */
	uid_t euid;       /* effective uid to take there; (uid_t)-1 keeps root's */
	const char *what; /* for the message when joining fails */
	/* Runs in the child; returns 0 or -1 with e set. */
	int (*fn)(void *arg, struct ns_reply *out, struct perr *e);
	void *arg;
};

/* Run t->fn in the namespaces and wait for it; its error becomes ours. */
int ns_run(const struct ns_task *t, struct ns_reply *ret, struct perr *e);

/*
 * A socket of the network namespace netns_fd (a socket belongs to the
 * namespace it was made in, for its whole life).  Made by a short-lived
 * thread that joins the namespace and ends there, so no thread of the
 * caller ever has to find its way back.
 */
int ns_socket(int netns_fd, int domain, int type, int protocol, struct perr *e);

#endif
