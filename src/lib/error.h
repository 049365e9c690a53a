/*
 * Errors travel up as values: a function that fails fills a caller-owned
 * record and returns -1; each layer may add context in front; only the
 * front ends print it.  err always holds the errno that says what kind of
 * failure it was (ENOENT for a jail not found, EEXIST, EBUSY, EINVAL for
 * bad input...), so callers decide on it, never on the message's text.
 */
#ifndef PRISON_ERROR_H
#define PRISON_ERROR_H

#include "api.h"

struct perr {
	int err;        /* errno of the failure, 0 while there is none */
	char msg[1024];
};

/* A failed system call: the message, then ": strerror(err)"; returns -1. */
PRISON_API int perr_set(struct perr *e, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A failure whose message says it all (as errx(3) to err(3)): err is kept, not printed; returns -1. */
PRISON_API int perr_setx(struct perr *e, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Put "context: " in front of the current message; returns -1. */
PRISON_API int perr_prefix(struct perr *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
