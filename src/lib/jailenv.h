/*
 * The environment of a command prison runs in a jail: the jail's env
 * parameter (FreeBSD's security.jail.env, text a jail may read) given to
 * it as variables.
 */
#ifndef PRISON_JAILENV_H
#define PRISON_JAILENV_H

#include <stddef.h>

/*
 * base (a NULL-terminated environment) with the NAME=value lines of env
 * added, a line replacing a variable of base of the same name; other
 * lines are left out.  text (textlen bytes) receives a copy of env that
 * the new entries point into; an env that does not fit adds nothing.  out
 * holds max entries, the NULL included: what does not fit is left out.
 * Returns out.
 */
char **jailenv_merge(char *const *base, const char *env, char *text, size_t textlen, char **out, size_t max);

#endif
