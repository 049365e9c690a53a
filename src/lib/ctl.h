/*
 * The control channel between host commands and a jail's jailinit: a
 * SOCK_SEQPACKET socket under /run/prison/ctl (root only), one short text
 * message per packet.  Every open connection holds the jail up: jailinit
 * lets a non-persistent jail go only when no host command is connected and
 * no process is left, so a command killed at any moment releases its hold
 * by the kernel closing its socket.
 *
 *   hold            -> ok | dying
 *   release         -> exit | ok    (drop this connection's hold now)
 *   persist 0|1     -> ok | exit
 *   stop SECONDS    -> ok           (SIGTERM all, SIGKILL after SECONDS)
 *   watch JID NAME\nRULES -> ok | error REASON
 *                   (replace the rules jailinit watches; src/cmd/initwatch.h)
 */
#ifndef PRISON_CTL_H
#define PRISON_CTL_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "registry.h"

int ctl_listen(int jid, struct perr *e);
int ctl_connect(int jid, struct perr *e);
/* Send msg and wait (up to timeout_ms) for the reply. */
int ctl_request(int fd, const char *msg, char *reply, size_t len, int timeout_ms, struct perr *e);

/*
 * A hold on a live jail: while the caller has it, the jail stays up even
 * if it is not persistent and has no process.  The caller owns it and
 * must release it; a command killed at any moment releases it too (the
 * kernel closes the connection).
 */
struct jail_hold {
	int fd; /* a control connection that has asked jailinit to hold; -1 for none */
};
#define JAIL_HOLD_NONE ((struct jail_hold){ .fd = -1 })

/* EBUSY when the jail is dying, ENOENT when its jailinit is gone. */
int ctl_hold(const struct jail_record *rec, struct jail_hold *ret, struct perr *e);
/*
 * Drop the hold.  Returns true when the jail went with it (not
 * persistent, no process left); what it left is cleared then.
 */
bool ctl_release(const struct jail_record *rec, struct jail_hold *h);
/*
 * jailinit has answered that the jail goes: once its process (pidfd, or
 * -1 when it is gone already) has ended, clear the jail's record.
 */
void ctl_clear_when_gone(const struct jail_record *rec, int pidfd);

#endif
