/* Small helpers shared by the library: scope-bound cleanup and safe I/O. */
#ifndef PRISON_UTIL_H
#define PRISON_UTIL_H

#include "api.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static inline void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

#define _cleanup_close_ __attribute__((cleanup(closep)))
#define _cleanup_free_ __attribute__((cleanup(freep)))
#define _cleanup_fclose_ __attribute__((cleanup(fclosep)))
#define _cleanup_closedir_ __attribute__((cleanup(closedirp)))

/* Hand a pointer out of a cleanup scope. */
static inline void *take_ptr(void *pp)
{
	void **p = pp, *r = *p;
	*p = NULL;
	return r;
}
#define TAKE_PTR(p) take_ptr(&(p))

/* Hand an fd out of a cleanup scope: the variable no longer owns it. */
static inline int take_fd(int *fd)
{
	int r = *fd;
	*fd = -1;
	return r;
}
#define TAKE_FD(fd) take_fd(&(fd))

/* A directory stream over dirfd's directory (dirfd stays open and owned by the caller); NULL on error. */
DIR *opendir_at(int dirfd);
int write_all(int fd, const void *buf, size_t len);
ssize_t read_all(int fd, void *buf, size_t len);
/* Write a whole small file below dirfd; used for proc and cgroup knobs. */
int write_file_at(int dirfd, const char *name, const char *text);
/*
 * The same for a name that comes from input: opened beneath dirfd
 * (openat2 RESOLVE_BENEATH) with no link of any kind followed, a regular
 * file only; -1 with errno.
 */
int write_file_beneath(int dirfd, const char *name, const char *text);
/* Read up to len-1 bytes of a small file and NUL-terminate; returns bytes. */
ssize_t read_file_at(int dirfd, const char *name, char *buf, size_t len);
/* Start time (clock ticks since boot) of pid, from /proc/PID/stat; 0 if gone or a zombie. */
unsigned long long proc_start_time(pid_t pid);
/*
 * Make sure fds 0, 1 and 2 are open (on /dev/null if need be), so that no
 * descriptor a command opens later can land on them and be handed on to a
 * jail as its standard input or output.
 */
PRISON_API int ensure_std_fds(void);
/* Parse a decimal integer that must fill the whole string. */
PRISON_API bool parse_long(const char *s, long min, long max, long *ret);
/* Parse whole string as a non-negative unsigned long long. */
bool parse_ull(const char *s, unsigned long long *ret);
/* The number after "key " on a line of text (a flat-keyed file: cgroup.events, cpu.stat...); UINT64_MAX when absent. */
uint64_t keyed_u64(const char *text, const char *key);
/*
 * Append item to the comma-separated list in buf (of size len) unless the
 * list holds it already as a whole item; false when it does not fit.
 */
bool csv_add_unique(char *buf, size_t len, const char *item);

/* Packets over a SOCK_SEQPACKET socket, each with at most one fd passed along. */
int send_msg_fd(int sock, const char *msg, int fd);
/* One packet of len bytes, with fd (>= 0) passed along. */
int send_packet(int sock, const void *buf, size_t len, int fd);
/* One packet of at most len bytes; *ret_fd gets a passed fd or -1.  Returns its length, 0 at EOF. */
ssize_t recv_packet(int sock, void *buf, size_t len, int *ret_fd);
/* Receive one packet; *ret_fd gets a passed fd or -1.  Returns length, 0 at EOF. */
ssize_t recv_msg_fd(int sock, char *buf, size_t len, int *ret_fd);

struct perr;
/*
 * The whole of a regular file of at most max bytes, opened as fd (without
 * blocking: a FIFO is refused, not waited on), NUL-terminated, for the
 * caller to free; what names it in messages.
 */
char *read_regular_fd(int fd, size_t max, const char *what, size_t *ret_len, struct perr *e);

/*
 * Room for one more element of size elem in the array v, which holds n of
 * *cap: v itself when there is, else v reallocated to twice *cap (first
 * for an empty one) with *cap updated; NULL (v untouched) when memory ran out.
 */
void *array_grow(void *v, size_t n, size_t *cap, size_t elem, size_t first);

#endif
