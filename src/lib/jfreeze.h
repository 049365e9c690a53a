/*
 * A whole jail stopped and let go again (prison-oci pause and resume):
 * the cgroup2 freezer of the jail's cgroup, its child jails and its
 * jailinit included.  Every jail has a cgroup2 cgroup, on a hybrid host in
 * the unified hierarchy too, so the v1 freezer (freezer.state) is never
 * needed, and no v1 cgroup is made for it.
 *
 * While a jail is frozen none of its processes runs; its jailinit does not
 * answer either, so what asks it something (jexec, jail -r) waits until the
 * jail is thawed.  SIGKILL still ends a frozen process.
 */
#ifndef PRISON_JFREEZE_H
#define PRISON_JFREEZE_H

#include <stdbool.h>

#include "api.h"
#include "error.h"
#include "registry.h"

/* How long a freeze may take before it is undone and reported. */
#define JFREEZE_MS 5000

/*
 * Freeze (freeze true) the jail rec and wait until the kernel reports every
 * process of it frozen, or thaw it.  A freeze that does not complete in
 * JFREEZE_MS is undone (ETIMEDOUT).
 */
PRISON_API int jail_freeze(const struct jail_record *rec, bool freeze, struct perr *e);
/* Whether rec's cgroup is frozen (asked to be): 1, 0, or -1 with e set. */
PRISON_API int jail_frozen(const struct jail_record *rec, struct perr *e);

#endif
