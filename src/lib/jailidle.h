/* persist.idle: its default at creation (jail.c), the pins of a jail just made, and a jail going idle. */
#ifndef PRISON_JAILIDLE_H
#define PRISON_JAILIDLE_H

#include "error.h"
#include "param.h"
#include "registry.h"
#include "spawn.h"

/* persist.idle, when ps does not give it, from persist, allow.mount and the mount lines of plan. */
int jail_settle_idle(struct paramset *ps, const struct mount_plan *plan, struct perr *e);
/* The namespaces of rec's new jailinit and tree, the builder's detached tree, pinned (pin_add). */
int jail_pin_new(const struct jail_record *rec, int tree, struct perr *e);

/*
 * The jail's jailinit (pidfd) has said "idle": once it has gone, and if no
 * wake came in between, what the idle jail does not need goes: its control
 * socket's file, and its IPC namespace when empty (ipcidle.h; ipcfd, that
 * namespace opened while jailinit ran, or -1).
 */
void jail_idle_settle(const struct jail_record *rec, int pidfd, int ipcfd);

#endif
