/*
 * The audit trail: every create, modify, remove and jexec, whether it
 * worked or not, as one line of JSON appended to /var/log/prison/NAME.log
 * and sent to syslog (authpriv).  Who: the host uid, the login uid the
 * kernel keeps for the session, and the command line.  jailinit appends
 * the "rctl" events of devctl rules to the same log (src/cmd/initwatch.c).
 */
#ifndef PRISON_AUDIT_H
#define PRISON_AUDIT_H

#include "api.h"
#include "param.h"

/*
 * event: "create", "modify", "remove" or "jexec".  ps: the parameters given
 * (NULL for none); argv: the command run by jexec (NULL otherwise); error:
 * NULL when the operation worked.  Never fails the operation it records.
 */
PRISON_API void audit_event(const char *event, const char *jail, int jid, const struct paramset *ps, char *const *argv,
			    const char *error);

/*
 * The jail's log, opened to append (and made if need be), for jailinit's
 * rctl events; -1 when it cannot be.
 */
int audit_open_log(const char *jail);

#endif
