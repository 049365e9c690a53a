/* prison-oci's messages: one line on standard error, and the --log file as text or JSON lines. */
#ifndef PRISON_OCILOG_H
#define PRISON_OCILOG_H

#include <stdbool.h>

/* --log FILE, --log-format text|json, --debug; 0, or -1 with a message printed. */
int ocilog_open(const char *path, const char *format, bool debug);
/* An error: standard error and the log; returns 1, the exit status. */
int ocilog_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A debug line, to the log only and only with --debug. */
void ocilog_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
