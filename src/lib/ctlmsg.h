/*
 * The requests jailinit takes on its control socket (ctl.h), decoded.  The
 * decoding is kept apart from jailinit so that it can be tested and fuzzed
 * alone: it is pure, uses libc only, and jailinit links this one object of
 * the library.  A request is the whole packet; anything but the exact
 * forms below is refused, so a malformed "stop" can never mean "kill
 * everything now".
 */
#ifndef PRISON_CTLMSG_H
#define PRISON_CTLMSG_H

#include <stddef.h>

/* The longest stop.timeout (param.c) a "stop" request may carry. */
#define CTL_STOP_MAX 86400

enum ctl_msg_kind {
	CTL_MSG_BAD,     /* anything else: answered "error" */
	CTL_MSG_HOLD,    /* "hold" */
	CTL_MSG_RELEASE, /* "release" */
	CTL_MSG_PERSIST, /* "persist 0" or "persist 1": arg 0 or 1 */
	CTL_MSG_STOP,    /* "stop SECONDS", 0 to CTL_STOP_MAX: arg the seconds */
	CTL_MSG_WATCH,   /* "watch ...": the whole packet is the watcher's (initwatch.h) */
};

struct ctl_msg {
	enum ctl_msg_kind kind;
	long arg;
};

/* The request in the n bytes of a packet (a NUL inside makes it bad). */
enum ctl_msg_kind ctl_msg_decode(const char *msg, size_t n, struct ctl_msg *ret);

#endif
