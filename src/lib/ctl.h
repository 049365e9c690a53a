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

#include <stddef.h>

#include "error.h"

int ctl_listen(int jid, struct perr *e);
int ctl_connect(int jid, struct perr *e);
/* Send msg and wait (up to timeout_ms) for the reply. */
int ctl_request(int fd, const char *msg, char *reply, size_t len, int timeout_ms, struct perr *e);
void ctl_unlink(int jid);

#endif
