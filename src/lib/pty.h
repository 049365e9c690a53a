/*
 * A terminal of the jail's own for interactive jexec.  The pseudo-terminal
 * comes from the jail's devpts, its slave becomes the controlling terminal
 * of the jail process's new session, and jexec relays bytes between it and
 * the user's terminal: the host's terminal is never handed into the jail.
 */
#ifndef PRISON_PTY_H
#define PRISON_PTY_H

#include <stdbool.h>

#include "error.h"

/* Jail side, after entering the mount namespace: a master and its slave. */
int pty_open(int *ret_master, int *ret_slave, struct perr *e);
/* Jail side, in the new session: make fd 0 (the slave) the controlling terminal. */
int pty_make_controlling(struct perr *e);

/* Host side: whether to give the command a terminal (both stdin and stdout are one). */
bool pty_wanted(void);
/*
 * Host side: put the user's terminal in raw mode, copy its size to master,
 * and relay until the child of child_pidfd exits; signals read from sigfd
 * are forwarded (SIGWINCH resizes).  Restores the terminal before returning.
 */
int pty_relay(int master, int child_pidfd, int sigfd);

#endif
