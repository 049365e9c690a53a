/*
 * Errors travel up as values: a function that fails fills a caller-owned
 * record and returns -1; each layer may add context in front; only the
 * front ends print it.
 */
#ifndef PRISON_ERROR_H
#define PRISON_ERROR_H

struct perr {
	int err;        /* errno-style cause, 0 if none */
	char msg[1024];
};

/* Set the message (appending ": strerror(err)" when err != 0); returns -1. */
int perr_set(struct perr *e, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Put "context: " in front of the current message; returns -1. */
int perr_prefix(struct perr *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void perr_clear(struct perr *e);

#endif
