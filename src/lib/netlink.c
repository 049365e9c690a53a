/*
 * The rtnetlink socket of one network namespace and the request plumbing:
 * every request carries NLM_F_ACK, every reply is checked against the
 * request's sequence number and our port (mnl_cb_run2), and the kernel's
 * extended-ack text travels into the error message.
 */
#include "nlmsg.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>

#include "nsenter.h"
#include "util.h"

int netns_fd_check(int fd, struct perr *e)
{
	int type;

	if (fd < 0)
		return perr_set(e, EBADF, "network namespace fd %d", fd);
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type < 0 && errno == EBADF)
		return perr_set(e, EBADF, "network namespace fd %d", fd);
	if (type != CLONE_NEWNET)
		return perr_setx(e, EINVAL, "fd %d is not a network namespace", fd);
	return 0;
}

/* Bind and set up a netlink socket made here or in another namespace. */
static struct nl *nl_wrap(int fd, struct perr *e)
{
	struct nl *nl = calloc(1, sizeof(*nl));
	int one = 1;

	if (!nl) {
		close(fd);
		perr_set(e, ENOMEM, "netlink socket");
		return NULL;
	}
	nl->sock = mnl_socket_fdopen(fd);
	if (!nl->sock) {
		perr_set(e, errno, "netlink socket");
		close(fd);
		free(nl);
		return NULL;
	}
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		perr_set(e, errno, "bind netlink socket");
		nl_close(nl);
		return NULL;
	}
	/*
	 * Extended acks (Linux 4.12) carry the kernel's reason as text;
	 * capped acks (4.3) leave out the echoed request.  Both are optional:
	 * without them the errno alone is reported.
	 */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (unsigned int)time(NULL);
	return nl;
}

struct nl *nl_open(int netns_fd, struct perr *e)
{
	int fd;

	if (netns_fd < 0) {
		fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
		if (fd < 0) {
			perr_set(e, errno, "netlink socket");
			return NULL;
		}
		return nl_wrap(fd, e);
	}
	if (netns_fd_check(netns_fd, e) < 0)
		return NULL;
	fd = ns_socket(netns_fd, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE, e);
	return fd < 0 ? NULL : nl_wrap(fd, e);
}

void nl_close(struct nl *nl)
{
	if (!nl)
		return;
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl);
}

struct nlmsghdr *nl_msg(struct nl *nl, uint16_t type, uint16_t flags, size_t hdrlen, void **ret_hdr)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->req);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++nl->seq;
	nl->overflow = false;
	/* mnl_nlmsg_put_extra_header zeroes the family header. */
	*ret_hdr = mnl_nlmsg_put_extra_header(nlh, hdrlen);
	return nlh;
}

void nl_put_u32(struct nl *nl, struct nlmsghdr *nlh, uint16_t type, uint32_t v)
{
	if (!mnl_attr_put_u32_check(nlh, sizeof(nl->req), type, v))
		nl->overflow = true;
}

void nl_put_str(struct nl *nl, struct nlmsghdr *nlh, uint16_t type, const char *s)
{
	if (!mnl_attr_put_strz_check(nlh, sizeof(nl->req), type, s))
		nl->overflow = true;
}

void nl_put(struct nl *nl, struct nlmsghdr *nlh, uint16_t type, size_t len, const void *data)
{
	if (!mnl_attr_put_check(nlh, sizeof(nl->req), type, len, data))
		nl->overflow = true;
}

void *nl_reserve(struct nl *nl, struct nlmsghdr *nlh, size_t len)
{
	char *tail = mnl_nlmsg_get_payload_tail(nlh);

	if (nlh->nlmsg_len + MNL_ALIGN(len) > sizeof(nl->req)) {
		nl->overflow = true;
		return NULL;
	}
	memset(tail, 0, MNL_ALIGN(len));
	nlh->nlmsg_len += MNL_ALIGN(len);
	return tail;
}

struct nlattr *nl_nest_start(struct nl *nl, struct nlmsghdr *nlh, uint16_t type)
{
	struct nlattr *nest = mnl_attr_nest_start_check(nlh, sizeof(nl->req), type);

	if (!nest)
		nl->overflow = true;
	return nest;
}

void nl_nest_end(struct nlmsghdr *nlh, struct nlattr *nest)
{
	if (nest)
		mnl_attr_nest_end(nlh, nest);
}

/* What one request's replies told us. */
struct reply {
	mnl_cb_t cb;
	void *data;
	int err;
	char ext[256];  /* the kernel's extended-ack message, if any */
};

static int on_data(const struct nlmsghdr *nlh, void *data)
{
	struct reply *r = data;

	return r->cb ? r->cb(nlh, r->data) : MNL_CB_OK;
}

static int on_ext_attr(const struct nlattr *attr, void *data)
{
	struct reply *r = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		snprintf(r->ext, sizeof(r->ext), "%s", mnl_attr_get_str(attr));
	return MNL_CB_OK;
}

static int on_error(const struct nlmsghdr *nlh, void *data)
{
	struct reply *r = data;
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*err);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*err)) {
		r->err = EBADMSG;
		return MNL_CB_STOP;
	}
	if (err->error == 0)
		return MNL_CB_STOP;  /* the ack */
	r->err = err->error < 0 && err->error > -4096 ? -err->error : EPROTO;
	/*
	 * The extended-ack attributes follow the echoed request, which is
	 * only its header when the ack was capped.
	 */
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += mnl_nlmsg_get_payload_len(&err->msg);
		if (off < mnl_nlmsg_get_payload_len(nlh))
			mnl_attr_parse_payload((const char *)err + off, mnl_nlmsg_get_payload_len(nlh) - off,
					       on_ext_attr, r);
	}
	return MNL_CB_STOP;
}

static int on_done(const struct nlmsghdr *nlh, void *data)
{
	struct reply *r = data;
	int status = 0;

	/* A dump that failed half way says so in the payload of its DONE. */
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(status))
		memcpy(&status, mnl_nlmsg_get_payload(nlh), sizeof(status));
	if (status < 0 && status > -4096)
		r->err = -status;
	return MNL_CB_STOP;
}

int nl_talk(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data, struct perr *e)
{
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = { [NLMSG_ERROR] = on_error, [NLMSG_DONE] = on_done };
	struct reply r = { .cb = cb, .data = data };
	ssize_t n;
	int ret = MNL_CB_OK;

	if (nl->overflow) {
		r.err = EMSGSIZE;
		goto fail;
	}
	nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0) {
		r.err = errno;
		goto fail;
	}
	do {
		n = mnl_socket_recvfrom(nl->sock, nl->reply, sizeof(nl->reply));
		/* Stopping on a signal would leave this request's replies for the next one. */
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r.err = errno;
			break;
		}
		errno = 0;
		ret = mnl_cb_run2(nl->reply, (size_t)n, nlh->nlmsg_seq, nl->portid, on_data, &r, ctl,
				  MNL_ARRAY_SIZE(ctl));
		if (ret < 0 && !r.err)
			r.err = errno ? errno : EPROTO;
	} while (ret > MNL_CB_STOP && !r.err);
	if (!r.err)
		return 0;
fail:
	e->err = r.err;
	if (r.ext[0])
		snprintf(e->msg, sizeof(e->msg), "%s (kernel: %s)", strerror(r.err), r.ext);
	else
		snprintf(e->msg, sizeof(e->msg), "%s", strerror(r.err));
	return -1;
}
