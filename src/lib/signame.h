/*
 * Signal names and numbers as kill(1) takes them: "HUP", "SIGHUP" or
 * "hup", a number, and the real-time signals as RTMIN, RTMIN+N, RTMAX-N
 * and RTMAX.  The names are the C library's (sigabbrev_np), so they are
 * this system's; the few old aliases kill(1) has always accepted (IOT,
 * CLD, IO) are added.
 */
#ifndef PRISON_SIGNAME_H
#define PRISON_SIGNAME_H

#include <stdbool.h>
#include <stddef.h>

#include "api.h"

/* The signal s names; 0 is the null signal (a check, nothing sent); -1 for none. */
PRISON_API int signal_parse(const char *s);
/* The signal's name without "SIG" ("HUP", "RTMIN+2") in buf; false for no such signal. */
PRISON_API bool signal_name(int sig, char *buf, size_t len);
/* The last signal number kill(1) takes. */
int signal_max(void);

#endif
