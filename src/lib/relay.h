/*
 * Standard input and output of a jail command that has no terminal of its
 * own.  The command never gets a descriptor of the host's as its 0, 1 or 2:
 * it gets pipes, and the host relays them (its own standard input into the
 * jail, the command's output back out) while the command runs, with end of
 * input passed on.  Once the command has ended, what it wrote is passed on
 * and the relay stops: a process it left in the jail reads nothing more of
 * the host's input and writes into a pipe nobody reads.  For the exec.*
 * commands with exec.consolelog, output goes to the log's descriptor and
 * input is an empty pipe.
 */
#ifndef PRISON_RELAY_H
#define PRISON_RELAY_H

#include <stddef.h>

#include "error.h"

struct relay {
	int child[3];   /* the command's 0, 1 and 2 (1 and 2 may be one pipe or the log) */
	int in;         /* our end of its input; -1 once closed */
	int out, err;   /* our ends of its output and error; -1 when closed or not relayed */
	int dst_out, dst_err;
	char buf[4096]; /* input read from our 0, not yet taken by the command */
	size_t len, off;
};

#define RELAY_INIT                                                                                     \
	{                                                                                              \
		.child = { -1, -1, -1 }, .in = -1, .out = -1, .err = -1, .dst_out = 1, .dst_err = 2 \
	}

/*
 * Pipes for a command: log_fd >= 0 takes its output and error (not
 * relayed) and its input is empty; otherwise our 0, 1 and 2 are relayed,
 * through one pipe for output and error when our 1 and 2 are the same open
 * file (2>&1), so that their order is kept.
 */
int relay_open(struct relay *r, int log_fd, struct perr *e);
/* In the child: its ends onto 0, 1 and 2. */
int relay_child_stdio(const struct relay *r);
/* In the parent after the clone: the command's ends are its own now. */
void relay_close_child_ends(struct relay *r);
/*
 * Relay until the child of child_pidfd exits (0), forwarding the signals
 * read from sigfd; -1 with errno ETIMEDOUT once timeout seconds (> 0) have
 * passed, the child still running.
 */
int relay_run(struct relay *r, int child_pidfd, int sigfd, long timeout);
void relay_free(struct relay *r);

#endif
