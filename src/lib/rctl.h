/*
 * rctl(8) rules in FreeBSD's syntax, jail:NAME:resource:action=amount[/per],
 * and the table that says which Linux mechanism enforces each resource and
 * which actions it can honour.  Pure logic: parsing, checking, formatting
 * and filter matching; limits.c turns a jail's rules into kernel settings.
 */
#ifndef PRISON_RCTL_H
#define PRISON_RCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api.h"
#include "error.h"

/* In the order rctl -u prints them, as FreeBSD does. */
enum rctl_resource {
	R_CPUTIME,
	R_DATASIZE,
	R_STACKSIZE,
	R_COREDUMPSIZE,
	R_MEMORYUSE,
	R_MEMORYLOCKED,
	R_MAXPROC,
	R_OPENFILES,
	R_VMEMORYUSE,
	R_PSEUDOTERMINALS,
	R_SWAPUSE,
	R_NTHR,
	R_MSGQQUEUED,
	R_MSGQSIZE,
	R_NMSGQ,
	R_NSEM,
	R_NSEMOP,
	R_NSHM,
	R_SHMSIZE,
	R_WALLCLOCK,
	R_PCPU,
	R_READBPS,
	R_WRITEBPS,
	R_READIOPS,
	R_WRITEIOPS,
	R__COUNT
};

enum rctl_action { RA_DENY, RA_LOG, RA_DEVCTL, RA_THROTTLE, RA_SIGNAL, RA__COUNT };

enum rctl_unit { RU_COUNT, RU_BYTES, RU_SECONDS, RU_PERCENT, RU_RATE };

struct rctl_resource_def {
	const char *name;
	enum rctl_unit unit;
	unsigned actions;   /* bit per enum rctl_action this host can honour */
	const char *mechanism; /* the Linux mechanism, for rctl.8 and rctl -l */
	const char *why;    /* why the other actions are refused */
};

PRISON_API extern const struct rctl_resource_def rctl_resources[R__COUNT];

#define RCTL_NAME_MAX 256

struct rctl_rule {
	char jail[RCTL_NAME_MAX]; /* "" in a filter: any jail */
	int resource;             /* enum rctl_resource, -1 in a filter: any */
	int action;               /* enum rctl_action, -1 in a filter: any */
	int signal;               /* RA_SIGNAL */
	uint64_t amount;
	bool has_amount;          /* filters may leave it out */
};

/*
 * A whole rule.  The subject may be left out ("memoryuse:deny=64M", as in
 * jail.conf's rctl parameter) when default_jail is given.
 */
PRISON_API int rctl_parse_rule(const char *text, const char *default_jail, struct rctl_rule *r, struct perr *e);
/* A filter: any trailing part may be missing or empty ("jail:web", "jail::memoryuse"). */
PRISON_API int rctl_parse_filter(const char *text, struct rctl_rule *f, struct perr *e);
/* Can this host honour the rule?  -1 with the reason when not. */
PRISON_API int rctl_check(const struct rctl_rule *r, struct perr *e);
PRISON_API bool rctl_match(const struct rctl_rule *filter, const struct rctl_rule *r);
/* FreeBSD's amounts: a number with an optional k, m, g, t, p or e (powers of 1024). */
int rctl_parse_amount(const char *s, uint64_t *ret, struct perr *e);
/* "jail:NAME:resource:action=amount"; human uses k/m/g suffixes where exact. */
PRISON_API void rctl_format(const struct rctl_rule *r, bool human, char *buf, size_t len);
/* The rule without its subject, as kept in the jail's rctl parameter. */
void rctl_format_short(const struct rctl_rule *r, char *buf, size_t len);
/* An amount of a resource for rctl -u; human abbreviates bytes. */
PRISON_API void rctl_format_amount(int resource, uint64_t amount, bool human, char *buf, size_t len);
/* Does jailinit's watcher carry out the rule (log, devctl, a signal)? */
bool rctl_is_watched(const struct rctl_rule *r);
/*
 * The "watch" message for jailinit (src/cmd/initwatch.h): the jail's
 * watched rules among rules[0..n).  -1 if buf is too small.
 */
int rctl_format_watch(int jid, const char *name, const struct rctl_rule *rules, size_t n, char *buf, size_t len);
const char *rctl_action_name(const struct rctl_rule *r, char *buf, size_t len);

#endif
