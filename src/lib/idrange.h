/*
 * Host user and group ID ranges of jails.  Each jail gets 65536 host IDs,
 * the same numbers for users and groups, mapped to 0..65535 inside it.  A
 * range is allocated, never computed: it lies in the pool [2^30, 2^32 -
 * 65536) and so never wraps 32 bits, and it overlaps no other jail's range,
 * no /etc/subuid or /etc/subgid entry and no user or group the host knows.
 *
 * Ranges are a resource of the machine, not of one runtime context: two
 * prisons with different PRISON_RUNDIRs must never get the same range.  So
 * the allocations live in a directory of their own that PRISON_RUNDIR does
 * not move, IDRANGE_DIR, under a lock of their own: one file per range,
 * named by its first ID, saying which context and jid hold it and the
 * processes that keep it (the creating command and the jail's init).  A
 * range whose processes are gone (or which was written before the last
 * boot) is free again, as the registry clears a dead jail's record; the
 * jail's own removal frees it at once.
 *
 * A jail is offered the range 2^30 + jid * 65536 first, when that lies in
 * the pool and is free, so that a host path prepared for jail JID (an
 * overlay's upper directory) can be given to its root beforehand; the
 * first free range after that one otherwise.  The users and groups the
 * host knows come from hostids.h.
 */
#ifndef PRISON_IDRANGE_H
#define PRISON_IDRANGE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "registry.h"

#define IDRANGE_DIR "/run/prison-ids"
#define IDRANGE_SIZE 65536UL
#define IDRANGE_POOL_FIRST 1073741824UL /* 2^30 */
#define IDRANGE_POOL_END 4294901760UL   /* 2^32 - 65536: no range reaches (uid_t)-1 */

/* IDs in use on the host, as [first, first + count) spans. */
struct id_span {
	unsigned long first, count;
};
struct id_spans {
	struct id_span *v;
	size_t n, cap;
};

int id_spans_add(struct id_spans *s, unsigned long first, unsigned long count);
void id_spans_free(struct id_spans *s);
/* Does [base, base + IDRANGE_SIZE) meet any span? */
bool id_spans_overlap(const struct id_spans *s, unsigned long base);
/* One line of subuid(5) or subgid(5), "name:first:count", added to s; other lines are skipped. */
int id_spans_add_subid_line(struct id_spans *s, const char *line);

/* The range offered to jail jid first: 2^30 + jid * 65536, or 0 when it leaves the pool. */
unsigned long idrange_preferred(long jid);
/*
 * The range for a jail: preferred when it is free, else the first free one
 * after it, wrapping round to the pool's start (from the start when there
 * is no preference); 0 when none is.  A range is free when it meets no span of
 * taken and held(base, arg) says no jail holds it.
 */
unsigned long idrange_pick(unsigned long preferred, const struct id_spans *taken,
			   bool (*held)(unsigned long base, void *arg), void *arg);

/* Allocate a range for jail rec->jid of this runtime context, into rec->uid_base (ENOSPC when none is free). */
int idrange_alloc(struct jail_record *rec, struct perr *e);
/* Note the jail's init (rec->init_pid), which holds the range from now on. */
int idrange_note_init(const struct jail_record *rec, struct perr *e);
/* Free the range of rec, if this context's jail rec->jid still holds it. */
/*
 * An idle jail woken: its range now names its fresh jailinit, if it named
 * the one that went idle (old_pid, old_start).  Best effort: the jail's
 * pins hold the range meanwhile anyway.
 */
int idrange_note_wake(const struct jail_record *rec, pid_t old_pid, unsigned long long old_start);
void idrange_release(const struct jail_record *rec);

/*
 * What a jail leaves keyed by its range outside its own namespaces (the
 * policy rules of exec.fib on the host's stack, fibrule.h) can outlive a
 * jail whose command was killed, and a range is free again once that
 * jail's processes are gone.  Such leftovers are cleared under the
 * allocation lock, so that a range cannot be given to a new jail between
 * the check and the clearing.
 */
/* [first, last] is exactly one range of the pool: its first ID, else 0. */
unsigned long idrange_base_of(unsigned long first, unsigned long last);
/*
 * fn(i, arg) for each base[i] that no jail holds (or only rec, when rec is
 * not NULL), all under the allocation lock; -1 when the lock cannot be had.
 */
int idrange_each_unheld(const unsigned long *base, size_t n, const struct jail_record *rec,
			void (*fn)(size_t i, void *arg), void *arg, struct perr *e);
/*
 * IDRANGE_DIR/fibrules: made before the first such rule of this boot, so
 * that where exec.fib was never used nothing looks for leftovers.
 */
int idrange_mark_rules(struct perr *e);
bool idrange_rules_marked(void);

#endif
