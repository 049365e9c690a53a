/* jls -p: the processes of jails, seen from the host (src/lib/jailps.h). */
#ifndef PRISON_JLSPROC_H
#define PRISON_JLSPROC_H

#include <stdbool.h>
#include <stddef.h>

#include "../include/prison.h"

enum xo { XO_TEXT, XO_JSON, XO_XML };

/*
 * One line per process of each jail listed (listed[i]), jailinit first:
 * jid (its name with by_name), host pid, pid in the jail, host user, jail
 * user, command; or libxo's JSON or XML.  Returns the exit status.
 */
int jls_print_procs(const struct jail_record *list, const bool *listed, size_t n, bool by_name, enum xo xo);

/* s on standard output with XML's special characters escaped (jls --libxo xml). */
void xml_escaped(const char *s);

#endif
