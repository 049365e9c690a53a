/*
 * jailinit's watcher of the jail's counters: the rctl rules whose action is
 * log, devctl or a signal.  The kernel raises no event when a jail crosses
 * such an amount, so jailinit samples the counters once a second, and only
 * while it has rules: a jail without them has no timer at all.
 *
 * The rules come from the host as one text message (see rctl_format_watch):
 *
 *   watch JID NAME
 *   RESOURCE ACTION SIGNAL AMOUNT RULE
 *   ...
 *
 * with the numbers of enum rctl_resource and enum rctl_action, and RULE the
 * rule's short form for the messages.  An action fires when a counter
 * crosses above the amount, once, and re-arms when it drops back (cputime
 * and wallclock fire once).  The pure parts (parse, merge, edge) are kept
 * apart from the sampling so that unit tests can drive them.
 */
#ifndef PRISON_INITWATCH_H
#define PRISON_INITWATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The descriptor numbers only (WATCH_FD_*): jailinit links nothing of the library. */
#include "../lib/watch.h"

#define WATCH_MAX_RULES 64
#define WATCH_MAX_MSG 8192

struct watch_rule {
	int resource, action, signal;
	uint64_t amount;
	char text[96];  /* short form: "memoryuse:devctl=33554432" */
	bool above;     /* the counter was above the amount at the last sample */
};

struct watch_list {
	int jid;
	char name[256];
	struct watch_rule rule[WATCH_MAX_RULES];
	size_t n;
};

/* Parse a "watch" message; -1 with a reason in err. */
int watch_parse(const char *msg, struct watch_list *out, char *err, size_t errlen);
/* Carry the state of rules that stay the same from old into new, so a resend does not fire again. */
void watch_merge(const struct watch_list *old, struct watch_list *new);
/*
 * One sample of a rule's counter, in units of amount * scale: true when the
 * action fires now.  A once-only resource never re-arms.
 */
bool watch_edge(struct watch_rule *r, uint64_t usage, uint64_t scale, bool once);

/* jailinit side: note the jail's birth (for wallclock), install a new list (reply "ok" or "error ..."), the timer to poll, one tick. */
void watch_init(void);
void watch_install(const char *msg, char *reply, size_t len);
int watch_timer(void);
void watch_tick(int procfd);
/* The fields of /proc/PID/stat after the command name (" S 1 ..."), read into buf; NULL if gone or unreadable. */
char *proc_stat_fields(int procfd, const char *pid, char *buf, size_t len);

#endif
