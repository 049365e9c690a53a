/*
 * An idle jail's IPC namespace, let go while it holds nothing and made
 * anew at the next wake (ipcidle.c says when and why).
 */
#ifndef PRISON_IPCIDLE_H
#define PRISON_IPCIDLE_H

#include "registry.h"

/*
 * Under the registry's lock, rec idle (its jailinit gone, no wake since):
 * the pin lets go of its own IPC namespace when nothing would be lost with
 * it.  ipcfd: that namespace, opened from the jailinit while it ran, or
 * -1 to take it from the pin.  Best effort: where anything fails the
 * namespace stays pinned.
 */
void jail_ipc_let_go_if_empty(const struct jail_record *rec, int ipcfd);

#endif
