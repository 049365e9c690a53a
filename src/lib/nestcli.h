/*
 * jail(8), jls and jexec run inside a jail: their requests go to the host
 * over the jail's socket (nested.h), which answers for the jail's own
 * descendants, named relative to it.
 */
#ifndef PRISON_NESTCLI_H
#define PRISON_NESTCLI_H

#include <stdbool.h>
#include <stddef.h>

#include "api.h"
#include "ctlmsg.h"
#include "nestwords.h"
#include "error.h"
#include "registry.h"

/* Is this process in a jail (not in the host's user namespace)?  Then its jails are the host's to make. */
PRISON_API bool nest_inside(void);

/*
 * What the host says while it serves a request: kind 'o' a line for
 * standard output, 'e' one for standard error, 'j' the jid of a jail made.
 */
typedef void (*nest_line_fn)(char kind, const char *text, void *arg);

/*
 * Send verb and words, with this process's standard descriptors, and take
 * the answer: the exit status the host sends, or -1 with e set when there
 * is no one to ask (ENOENT: the jail has no socket, it may have no child
 * jails) or the answer broke off.
 */
PRISON_API int nest_call(enum ctl_nest_verb verb, const char *const *words, size_t n, nest_line_fn fn, void *arg,
			 struct perr *e);

/*
 * Run the commands of parameter id (exec.prepare, exec.prestart, ...) here,
 * in the jail that asks for a child, as FreeBSD runs them in the system
 * environment of jail(8): JNAME and JPATH as this jail names and sees the
 * child, JID once the host gave one (jid > 0).
 */
PRISON_API int nest_parent_hooks(const struct paramset *ps, int id, int jid, struct perr *e);

/* The jail's descendants, as jail_list gives them (none for a jail with no socket). */
int nest_list(struct jail_record **ret, size_t *ret_n, struct perr *e);
/* The descendant named or numbered key, from the host's listing; ENOENT when there is none. */
PRISON_API int nest_find(const char *key, struct jail_record *ret, struct perr *e);

#endif
