/*
 * The request plumbing shared by netlink.c, nlink.c and naddr.c (not part
 * of the library's API): the socket with its request and reply buffers,
 * attribute helpers that refuse to overflow the request buffer, and one
 * send-and-wait-for-the-ack call.
 */
#ifndef PRISON_NLMSG_H
#define PRISON_NLMSG_H

#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stdint.h>

#include "netlink.h"

/*
 * The largest request prison sends (a veth pair with its peer, master and
 * namespace) is under 200 bytes.  Replies are one link or an ack; a link
 * with many attributes (a NIC with virtual functions) can pass 8 KiB, so
 * the reply buffer is the size libmnl advises for dumps.
 */
#define NL_REQ_SIZE 1024
#define NL_REPLY_SIZE 32768

struct nl {
	struct mnl_socket *sock;
	unsigned int portid;
	unsigned int seq;
	bool overflow;  /* an attribute did not fit: the request is not sent */
	_Alignas(4) char req[NL_REQ_SIZE];
	_Alignas(4) char reply[NL_REPLY_SIZE];
};

/* A new request in nl->req, with a zeroed family header of hdrlen bytes at *ret_hdr. */
struct nlmsghdr *nl_msg(struct nl *nl, uint16_t type, uint16_t flags, size_t hdrlen, void **ret_hdr);
void nl_put_u32(struct nl *nl, struct nlmsghdr *nlh, uint16_t type, uint32_t v);
void nl_put_str(struct nl *nl, struct nlmsghdr *nlh, uint16_t type, const char *s);
void nl_put(struct nl *nl, struct nlmsghdr *nlh, uint16_t type, size_t len, const void *data);
/* Zeroed room of len bytes inside the current nest (the ifinfomsg of a veth peer). */
void *nl_reserve(struct nl *nl, struct nlmsghdr *nlh, size_t len);
/* NULL on overflow; nl_nest_end takes NULL and does nothing then. */
struct nlattr *nl_nest_start(struct nl *nl, struct nlmsghdr *nlh, uint16_t type);
void nl_nest_end(struct nlmsghdr *nlh, struct nlattr *nest);

/*
 * Send nlh (NLM_F_ACK is added) and read until the kernel's ack, passing
 * each data message to cb (may be NULL).  On failure e holds the cause
 * alone, "File exists" or "Invalid argument (kernel: Unknown device type)",
 * for the caller to prefix with the object's name; e->err is the errno.
 */
int nl_talk(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data, struct perr *e);

#endif
