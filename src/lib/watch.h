/*
 * The host's side of jailinit's watcher (src/cmd/initwatch.c), which
 * carries out the rctl actions log, devctl and signals.  At creation the
 * creator hands jailinit a few fixed descriptors: read-only counter files
 * of the jail's own cgroups and write-only log handles, never a directory
 * of the host, so jailinit cannot walk the host's cgroup tree or file
 * system.  The rules follow as a "watch" message on the control socket,
 * at creation and whenever they change.
 */
#ifndef PRISON_WATCH_H
#define PRISON_WATCH_H

#include "cgpath.h"
#include "error.h"

/* jailinit's descriptor numbers; absent ones are closed. */
enum {
	WATCH_FD_CPU = 7,     /* the jail's cgroup2 cpu.stat */
	WATCH_FD_MEMORY = 8,  /* memory.current (v2) or memory.usage_in_bytes (v1) */
	WATCH_FD_SWAP = 9,    /* memory.swap.current (v2) or memory.memsw.usage_in_bytes (v1) */
	WATCH_FD_AUDIT = 10,  /* /var/log/prison/NAME.log, O_APPEND */
	WATCH_FD_SYSLOG = 11, /* a datagram socket connected to the host's /dev/log */
	WATCH_FD_END = 12,
};
#define WATCH_NFDS (WATCH_FD_END - WATCH_FD_CPU)

struct jail_record;
struct jail_limits;

/* The handles for a jail's jailinit, fd[i] for descriptor WATCH_FD_CPU + i, -1 where there is none. */
struct watch_handles {
	int fd[WATCH_NFDS];
};

void watch_handles_open(const struct cg_path *cg, const char *name, struct watch_handles *h);
void watch_handles_close(struct watch_handles *h);
#define _cleanup_watch_handles_ __attribute__((cleanup(watch_handles_close)))

/*
 * Hand jailinit the jail's watched rules over ctl (a connection to its
 * control socket); an empty list stops its timer.  Fails with the reason
 * jailinit gave when it cannot honour them.
 */
int watch_send(int ctl, const struct jail_record *rec, const struct jail_limits *l, struct perr *e);
/* The same over a new connection, for a running jail whose rules changed. */
int watch_update(const struct jail_record *rec, const struct jail_limits *l, struct perr *e);

#endif
