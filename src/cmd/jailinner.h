/*
 * jail(8) run inside a jail: its requests for the jail's descendants go to
 * the host (nested.h), and the commands FreeBSD runs in the system
 * environment run here, around the host's work.  Each returns the exit
 * status, after one line that says why when it is not 0.
 */
#ifndef PRISON_CMD_JAILINNER_H
#define PRISON_CMD_JAILINNER_H

#include <stdbool.h>

#include "../include/prison.h"

/* jail(8)'s -q, -i and -J, for the lines and the file these write. */
void inner_setup(bool quiet, bool print_jid, const char *jid_file);
int inner_create(const struct paramset *ps, const struct jail_exec *x);
/* conf, when given, is the jail's configuration, whose stop commands run here when hooks is true. */
int inner_remove_one(const struct paramset *conf, const char *key, bool hooks);
/* key names the jail, or NULL when jid= or name= among ps does. */
int inner_modify(const struct paramset *ps, const char *key);

#endif
