/*
 * Waking an idle jail: a persistent jail with persist.idle whose jailinit
 * has left (jailinit.c) gets a fresh one, in a new PID namespace, when a
 * command enters it again.  wake.c says how, step by step.
 */
#ifndef PRISON_WAKE_H
#define PRISON_WAKE_H

#include <stdbool.h>

#include "ctl.h"
#include "error.h"
#include "registry.h"

/*
 * A hold on jail rec (ctl.h), starting a fresh jailinit first when the
 * jail is idle; two commands at once start one.  rec's init_pid and
 * init_start are brought up to date.  A dying jail is refused (EBUSY)
 * unless dying_ok (its own removal's exec.stop).
 */
int jail_hold_awake(struct jail_record *rec, bool dying_ok, struct jail_hold *ret, struct perr *e);
/*
 * An idle-capable jail held if its jailinit runs (1); 0 when it has none,
 * after waiting for one that has just said idle to go (no command can wake
 * it meanwhile while the caller holds the registry's lock); -1 with EBUSY
 * for a dying jail, EAGAIN for a jailinit that neither answers nor goes.
 */
int jail_hold_if_awake(const struct jail_record *rec, struct jail_hold *ret, struct perr *e);
/*
 * The same with the registry's exclusive lock held and rec just found:
 * the fresh jailinit is started now, its pid written to the record.
 */
int jail_wake_locked(struct registry *reg, struct jail_record *rec, struct jail_hold *ret, struct perr *e);
/* Is rec's jailinit running? */
bool jail_awake(const struct jail_record *rec);

#endif
