/*
 * An idle jail's IPC namespace, let go while it holds nothing and made
 * anew at the next wake (ipcidle.c says when and why).
 */
#ifndef PRISON_IPCIDLE_H
#define PRISON_IPCIDLE_H

#include "registry.h"

/*
 * The jail's jailinit (pidfd) has said "idle": once it has gone, and if
 * no wake came in between, the pin lets go of the jail's IPC namespace
 * when nothing would be lost with it.  Best effort: where anything fails
 * the namespace stays pinned, as before.
 */
void jail_ipc_settle(const struct jail_record *rec, int pidfd);

#endif
