#include "nestcli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "hooks.h"
#include "nestsock.h"
#include "userns.h"
#include "util.h"

/* An answer packet: a record is the longest (MAX_RECORD_SIZE in registry.c is 64 KiB). */
#define NEST_ANSWER_MAX ((size_t)256 * 1024)

bool nest_inside(void)
{
	return !userns_is_host();
}

static int nest_connect(struct perr *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return perr_set(e, errno, "socket");
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", NEST_SOCKET_PATH);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno == ENOENT)
			return perr_setx(e, ENOENT, "this jail may not have child jails (children.max=0)");
		/* The socket is there and nobody listens: its server on the host is gone. */
		if (errno == ECONNREFUSED)
			return perr_setx(e, ECONNREFUSED, "the host's server of %s is not running: the host's "
					 "administrator starts it again with jail -m and children.max", NEST_SOCKET_PATH);
		return perr_set(e, errno, "%s", NEST_SOCKET_PATH);
	}
	return TAKE_FD(fd);
}

/* The request, with descriptors 0, 1 and 2 passed along: the host writes where this command would. */
static int send_request(int fd, const char *buf, size_t len, struct perr *e)
{
	int fds[3] = { 0, 1, 2 };
	char cbuf[CMSG_SPACE(sizeof(fds))];
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;

	memset(cbuf, 0, sizeof(cbuf));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(cm), fds, sizeof(fds));
	if (sendmsg(fd, &mh, MSG_NOSIGNAL) < 0)
		return perr_set(e, errno, "%s", NEST_SOCKET_PATH);
	return 0;
}

/* Answer packets until 'x' (the status); each 'r' record goes to recs when it is given. */
static int read_answer(int fd, nest_line_fn fn, void *arg, struct jail_record **recs, size_t *nrecs, struct perr *e)
{
	_cleanup_free_ char *buf = malloc(NEST_ANSWER_MAX + 1);
	ssize_t n;
	int passed;
	long status;

	if (!buf)
		return perr_set(e, ENOMEM, "answer");
	while ((n = recv_packet(fd, buf, NEST_ANSWER_MAX, &passed)) > 0) {
		if (passed >= 0)
			close(passed);
		buf[n] = '\0';
		if (buf[0] == 'x')
			return parse_long(buf + 1, 0, 255, &status) ? (int)status : perr_setx(e, EPROTO, "a bad answer");
		if (buf[0] == 'r' && recs) {
			struct jail_record *more = realloc(*recs, (*nrecs + 1) * sizeof(**recs));
			if (!more)
				return perr_set(e, ENOMEM, "answer");
			*recs = more;
			if (registry_record_parse(buf + 1, "from the host", &more[*nrecs], e) < 0)
				return -1;
			(*nrecs)++;
		} else if (fn && (buf[0] == 'o' || buf[0] == 'e' || buf[0] == 'j')) {
			fn(buf[0], buf + 1, arg);
		}
	}
	return perr_set(e, n < 0 ? errno : ECONNRESET, "%s: the answer broke off", NEST_SOCKET_PATH);
}

static int call(enum ctl_nest_verb verb, const char *const *words, size_t n, nest_line_fn fn, void *arg,
		struct jail_record **recs, size_t *nrecs, struct perr *e)
{
	static char buf[CTL_NEST_MAX];
	size_t len = ctl_nest_encode(verb, words, n, buf, sizeof(buf));
	_cleanup_close_ int fd = -1;

	if (len == 0)
		return perr_setx(e, E2BIG, "the request is too long (at most %d words, %d bytes)", CTL_NEST_WORDS,
				 CTL_NEST_MAX);
	fd = nest_connect(e);
	if (fd < 0 || send_request(fd, buf, len, e) < 0)
		return -1;
	return read_answer(fd, fn, arg, recs, nrecs, e);
}

int nest_call(enum ctl_nest_verb verb, const char *const *words, size_t n, nest_line_fn fn, void *arg,
	      struct perr *e)
{
	return call(verb, words, n, fn, arg, NULL, NULL, e);
}

int nest_parent_hooks(const struct paramset *ps, int id, int jid, struct perr *e)
{
	struct jail_record here = { .jid = jid };
	int r;

	if (!ps->v[id].argv)
		return 0;
	snprintf(here.name, sizeof(here.name), "%s", param_str(ps, P_NAME) ? param_str(ps, P_NAME) : "");
	if (param_copy(&here.params, ps) < 0)
		return perr_set(e, ENOMEM, "%s", param_table[id].name);
	r = hooks_host(&here, id, e);
	param_free(&here.params);
	return r;
}

/* The host's complaint about a listing, kept for the caller's message. */
static void keep_error(char kind, const char *text, void *arg)
{
	char *msg = arg;

	if (kind == 'e')
		snprintf(msg, 512, "%s", strncmp(text, "jls: ", 5) == 0 ? text + 5 : text);
}

int nest_list(struct jail_record **ret, size_t *ret_n, struct perr *e)
{
	struct jail_record *recs = NULL;
	size_t n = 0;
	char msg[512] = "the host refused the listing";
	int r = call(CTL_NEST_LIST, NULL, 0, keep_error, msg, &recs, &n, e);

	*ret = NULL;
	*ret_n = 0;
	/* No socket: no jail can be below this one. */
	if (r < 0 && e->err == ENOENT) {
		registry_free_list(recs, n);
		return 0;
	}
	if (r != 0) {
		registry_free_list(recs, n);
		return r < 0 ? -1 : perr_setx(e, EPERM, "%s", msg);
	}
	*ret = recs;
	*ret_n = n;
	return 0;
}

int nest_find(const char *key, struct jail_record *ret, struct perr *e)
{
	struct jail_record *list = NULL;
	size_t n = 0;
	int found = -1;

	if (nest_list(&list, &n, e) < 0)
		return -1;
	for (size_t i = 0; i < n && found < 0; i++) {
		char jid[16];
		snprintf(jid, sizeof(jid), "%d", list[i].jid);
		if (strcmp(list[i].name, key) == 0 || strcmp(jid, key) == 0)
			found = (int)i;
	}
	if (found >= 0) {
		*ret = list[found];
		memset(&list[found], 0, sizeof(list[found]));
	}
	registry_free_list(list, n);
	return found >= 0 ? 0 : perr_setx(e, ENOENT, "\"%s\" not found", key);
}
