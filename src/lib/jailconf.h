/* From jail.conf(5) to jails: which files are read, and a jail's parameters as a paramset. */
#ifndef PRISON_JAILCONF_H
#define PRISON_JAILCONF_H

#include <stdio.h>

#include "api.h"
#include "conf.h"
#include "error.h"
#include "param.h"

#define JAIL_CONF "/etc/jail.conf"
#define JAIL_CONF_DIR "/etc/jail.conf.d"

/*
 * Read file, or by default /etc/jail.conf and every .conf file in /etc/jail.conf.d
 * (each may be missing; the default needs at least one to exist).
 */
PRISON_API int jailconf_load(struct conf *c, const char *file, struct perr *e);
/* The parameters of a configured jail, checked against the parameter table. */
PRISON_API int jailconf_params(const struct conf_jail *j, struct paramset *ps, struct perr *e);
/*
 * The jails to act on in the order depend asks for.  For creation: the
 * named jails (all configured ones if none) with what they depend on, each
 * after its dependencies.  For removal: the named jails with every jail
 * that depends on them, each before what it depends on.  *ret points into
 * c and names; free only the array.
 */
PRISON_API int jailconf_order(const struct conf *c, char *const *names, size_t n, bool for_remove, const char ***ret,
			      size_t *ret_n, struct perr *e);
/* Print a value as jail -e does: quoted when it holds blanks or quotes, or is empty. */
PRISON_API void jailconf_print_value(FILE *f, const char *s);

#endif
