/*
 * What a jail uses now, for rctl -u: read from its cgroups, from /proc of
 * its processes and, for SysV IPC, from inside its IPC namespace.  Rates
 * (pcpu and the I/O resources) are measured over a short sampling window.
 */
#ifndef PRISON_USAGE_H
#define PRISON_USAGE_H

#include <stdint.h>

#include "api.h"
#include "error.h"
#include "rctl.h"
#include "registry.h"

#define USAGE_SAMPLE_MS 200

PRISON_API int jail_usage(const struct jail_record *rec, uint64_t out[R__COUNT], struct perr *e);

#endif
