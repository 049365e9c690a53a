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
	CTL_MSG_CHILDREN, /* "children N", 0 to 999999: arg the child jails the jail has */
};

struct ctl_msg {
	enum ctl_msg_kind kind;
	long arg;
};

/* The request in the n bytes of a packet (a NUL inside makes it bad). */
enum ctl_msg_kind ctl_msg_decode(const char *msg, size_t n, struct ctl_msg *ret);

/*
 * The requests a jail sends about its own descendants on its jail socket
 * (nested.h): the verb, then words, each ended by a NUL, the verb's too.
 * The words are the command line's own (param=value, jail names, a
 * command's arguments), parsed on the host by the parser the command line
 * uses; only their count and size are bounded here.
 */
#define CTL_NEST_MAX 65536   /* a request packet, every NUL counted */
#define CTL_NEST_WORDS 256   /* words after the verb */

enum ctl_nest_verb {
	CTL_NEST_BAD,
	CTL_NEST_CREATE, /* "create": param=value ... [command=cmd args ...] */
	CTL_NEST_MODIFY, /* "modify": [jail] param=value ... */
	CTL_NEST_REMOVE, /* "remove": "-r" or "-R", then jail ... */
	CTL_NEST_LIST,   /* "list": no words */
	CTL_NEST_EXEC,   /* "exec": options (-l, -dDIR, -UUSER), "--", jail, command ... */
	CTL_NEST__COUNT,
};

struct ctl_nest {
	enum ctl_nest_verb verb;
	size_t nwords;
	const char *words[CTL_NEST_WORDS]; /* into the packet, each NUL-ended */
};

/* The request in the n bytes of a packet; CTL_NEST_BAD (nwords 0) for anything else. */
enum ctl_nest_verb ctl_nest_decode(const char *msg, size_t n, struct ctl_nest *ret);
/* The packet of verb and words into buf; its length, or 0 when it does not fit the bounds or buf. */
size_t ctl_nest_encode(enum ctl_nest_verb verb, const char *const *words, size_t nwords, char *buf, size_t len);

#endif
