/*
 * A jail's counters and limits at one moment, for prison-oci events:
 * CPU time, memory and swap with their limits, tasks with theirs, block
 * I/O, and the OOM events of its memory cgroup.  Read from the jail's
 * cgroups of whichever layout serves each controller (cglimit.h).
 */
#ifndef PRISON_JAILSTATS_H
#define PRISON_JAILSTATS_H

#include <stdbool.h>
#include <stdint.h>

#include "api.h"
#include "error.h"
#include "registry.h"

/* No such counter here, or no limit: the field's value then. */
#define JAIL_STATS_NONE UINT64_MAX

struct jail_stats {
	uint64_t cpu_ns;                  /* CPU time of every task, user and system */
	uint64_t memory, memory_limit;    /* bytes */
	uint64_t swap, swap_limit;        /* bytes of swap alone */
	uint64_t tasks, tasks_limit;      /* threads in the jail's cgroup; maxproc */
	uint64_t rbytes, wbytes, rios, wios;
	uint64_t oom, oom_kill;           /* times the memory limit was hit, and tasks the OOM killer took */
};

PRISON_API int jail_stats(const struct jail_record *rec, struct jail_stats *ret, struct perr *e);

#endif
