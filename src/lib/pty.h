/*
 * A terminal of the jail's own for interactive jexec.  The pseudo-terminal
 * comes from the jail's devpts, through a handle on its ptmx that was
 * opened while the jail was built, before any of the jail's code ran, and
 * that jailinit keeps at PTY_INIT_FD.  The host takes that handle from
 * jailinit (pidfd_getfd), checks that it is a devpts ptmx, and makes the
 * pair itself: the slave becomes the controlling terminal of the jail
 * process's new session, and jexec relays bytes between the master and the
 * user's terminal only while the command runs.  Nothing the jail does to
 * its /dev (a ptmx deleted, replaced, or mounted over) changes which
 * terminal it gets, and the host's terminal is never handed into the jail.
 */
#ifndef PRISON_PTY_H
#define PRISON_PTY_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

/* jailinit's descriptor that holds the jail's ptmx handle (closed when it has no terminals). */
#define PTY_INIT_FD 12
/* A child jail's jailinit: its hold on the parent's jailinit (spawn.c). */
#define PARENT_HOLD_FD 13

/* Whether a jail with this devfs_ruleset has terminals (mount.c's rulesets: not 1 nor 2). */
bool pty_ruleset_has_terminals(long ruleset);
/*
 * While the jail is built, after its /dev is mounted and before anything of
 * the jail runs: an O_PATH handle on its devpts's ptmx, checked.
 */
int pty_ptmx_handle(struct perr *e);
/*
 * Host side: a new terminal pair of the jail's devpts, through the handle
 * jailinit (init_pidfd) keeps; the slave is owned by host uid owner (the
 * jail's root).  A handle that is missing or is not a devpts ptmx is an
 * error: the command is never given another terminal instead.
 */
int pty_open_jail(int init_pidfd, uid_t owner, int *ret_master, int *ret_slave, struct perr *e);
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
