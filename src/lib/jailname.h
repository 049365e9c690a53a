/*
 * Jail names.  As on FreeBSD, a child jail's full name is its parent's full
 * name, a dot, and its own: "web.php" is jail "php" below jail "web".  The
 * host sees and names every jail by its full name.
 */
#ifndef PRISON_JAILNAME_H
#define PRISON_JAILNAME_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/*
 * Validate a full name: not empty, no empty part between dots, no '/', '*'
 * or white space; a numeric last part only if it is the jid.
 */
int jail_check_name(const char *name, int jid, struct perr *e);
/* The parent's full name of a dotted name into buf; false for a jail of the host. */
bool jail_name_parent(const char *name, char *buf, size_t len);

#endif
