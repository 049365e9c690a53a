/*
 * jkill(8): one signal to every process of one or more jails at once.
 *
 * A loop over pids from outside races with fork: a child born after the
 * list was read escapes.  Here every jail's cgroup is frozen first (the
 * cgroup2 freezer, cgroup.freeze), and only once the kernel reports it
 * frozen (cgroup.events "frozen 1") are its processes listed and signalled
 * through pidfds; then it is thawed.  A frozen process cannot fork, and a
 * child that was being forked as the freeze began is born frozen in the
 * same cgroup, so it is listed too: every process alive before or during
 * the signal gets it, and none is made after it without it.  All the jails
 * of one call are frozen together and thawed together, so the signal is
 * one instant for all of them.
 *
 * jailinit is never signalled: it is PID 1 of the jail's PID namespace,
 * where only SIGKILL and SIGSTOP would reach it from the host, and either
 * would kill or hang the jail rather than tell its init anything.  The
 * init convention (SIGTERM: bring the system down) is jail -r's, which
 * jkill -i uses; see jkill(8).
 *
 * The registry's lock is held for the whole of it, so no child jail is
 * half-made (its jailinit not yet in the registry, so not known to be one)
 * while its parent's tree is signalled.  A command entering a jail from
 * the host while it is frozen (jexec) is born frozen; if that is after the
 * processes were listed, it started after the signal and does not get it.
 */
#ifndef PRISON_JKILL_H
#define PRISON_JKILL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "api.h"
#include "error.h"

enum {
	JKILL_TREE = 1 << 0, /* the jails' descendants too */
};

/* How long a freeze may take before jkill gives up (and thaws). */
#define JKILL_FREEZE_MS 5000

struct jkill_sent {
	int jid;
	pid_t pid;  /* on the host */
	pid_t jpid; /* in the jail */
};

/* One per key asked for, in the same order. */
struct jkill_jail {
	int jid;         /* 0 when not found */
	char name[256];
	size_t nsent;    /* processes signalled in it (and below it, with JKILL_TREE) */
	struct perr err; /* err.err != 0: this jail was not signalled */
};

struct jkill_report {
	struct jkill_jail *jails;
	size_t njails;
	struct jkill_sent *sent;
	size_t nsent, cap;
};

/*
 * Send sig (0: none, only find them) to every process of the jails keys
 * (jid, name or parent.child), jailinits excepted.  A jail not found is
 * reported in its entry of *ret and the others are still signalled; -1
 * with e set when the signal could not be sent at all.  Caller frees *ret
 * with jkill_report_free (also after -1).
 */
PRISON_API int jail_kill(char *const *keys, size_t nkeys, int sig, unsigned flags, struct jkill_report *ret,
			 struct perr *e);
PRISON_API void jkill_report_free(struct jkill_report *r);

#endif
