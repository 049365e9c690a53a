/* From jail.conf(5) to jails: which files are read, and a jail's parameters as a paramset. */
#ifndef PRISON_JAILCONF_H
#define PRISON_JAILCONF_H

#include <stdio.h>

#include "conf.h"
#include "error.h"
#include "param.h"

#define JAIL_CONF "/etc/jail.conf"
#define JAIL_CONF_DIR "/etc/jail.conf.d"

/*
 * Read file, or by default /etc/jail.conf and every .conf file in /etc/jail.conf.d
 * (each may be missing; the default needs at least one to exist).
 */
int jailconf_load(struct conf *c, const char *file, struct perr *e);
/* The parameters of a configured jail, checked against the parameter table. */
int jailconf_params(const struct conf_jail *j, struct paramset *ps, struct perr *e);
/* Print a value as jail -e does: quoted when it holds blanks or quotes, or is empty. */
void jailconf_print_value(FILE *f, const char *s);

#endif
