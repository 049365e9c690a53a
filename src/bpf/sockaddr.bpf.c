/*
 * FreeBSD's ip4.addr / ip6.addr on the shared network stack, as cgroup
 * sock_addr programs.  They are attached once, with BPF_F_ALLOW_MULTI, to
 * the parent cgroup of all jails; the record of a jail sits in one hash map
 * keyed by the id of the jail's cgroup.  A socket whose creator has no
 * record in its cgroup or any ancestor is left alone.
 *
 * What they do for a jail whose family is "new" (restricted):
 *  - bind: only to the jail's addresses (EADDRNOTAVAIL otherwise); the
 *    wildcard, and any loopback address that is not the jail's own, become
 *    the primary (first) address; ports below 1024 are open to the jail's
 *    root when the jail allows reserved ports;
 *  - connect and sendmsg: loopback (all of 127/8, ::1 and v4-mapped
 *    ::ffff:127.x) that is not exactly a jail address goes to the primary
 *    address; an unbound socket gets a jail address as its source (the one
 *    whose prefix holds the destination with saddrsel, else the primary);
 *  - socket: a disabled family (EAFNOSUPPORT), raw sockets and ICMP datagram sockets are
 *    refused;
 *  - packets arriving for a jail's socket must be addressed to the jail:
 *    Linux binds a socket that listens or sends before any bind to the
 *    wildcard address, where no bind hook sees it, and such a socket would
 *    otherwise take connections and datagrams sent to any host address.
 * An IPv6 socket talking to v4-mapped addresses is held to the IPv4 rules.
 *
 * The record is found through the current task's cgroup (and its
 * ancestors, the deepest record winning), so a process in a sub-cgroup of a
 * jail, or a child jail, is covered.  Programs run on the socket's cgroup,
 * the record is the caller's: a socket a jail hands out to the host is not
 * restricted when the host uses it, which is what the host wants.  Only
 * the ingress program, which has no caller, goes by the socket's cgroup.
 *
 * Known limits: an app that connected to 127.0.0.1 sees the primary
 * address from getpeername and recvfrom (FreeBSD shows the same); a
 * socket that listens before any bind holds its port on every host address
 * although nothing sent to another address reaches it; the reserved-port
 * check compares the real uid (bpf_get_current_uid_gid).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "sockaddr_map.h"

#define AF_INET 2
#define AF_INET6 10
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define EPERM 1
#define EADDRNOTAVAIL 99
#define EAFNOSUPPORT 97

char LICENSE[] SEC("license") = "GPL";

/*
 * bpf_set_retval came with Linux 5.18.  The loader sets this before load
 * when the kernel has it; otherwise a refusal is the kernel's EPERM.  The
 * verifier drops the branch that is not taken, so an older kernel never
 * sees the call.  Delete this when 5.18 is the oldest kernel supported.
 */
const volatile __u32 have_set_retval SEC(".rodata.prison") = 0;
static long (*set_retval)(int retval) = (void *)BPF_FUNC_set_retval;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, SA_MAX_JAILS);
	__type(key, __u64);
	__type(value, struct sa_jail);
} SA_MAP SEC(".maps");

static __always_inline const struct sa_jail *jail_of_current(void)
{
	const struct sa_jail *found = 0;

	for (int level = 0; level < SA_MAX_LEVELS; level++) {
		__u64 id = bpf_get_current_ancestor_cgroup_id(level);
		const struct sa_jail *j;

		if (!id)
			break;
		j = bpf_map_lookup_elem(&SA_MAP, &id);
		if (j)
			found = j;
	}
	return found;
}

/* The same for a socket, where there is no current task (packets arriving). */
static __always_inline const struct sa_jail *jail_of_sock(struct bpf_sock *sk)
{
	const struct sa_jail *found = 0;

	for (int level = 0; level < SA_MAX_LEVELS; level++) {
		__u64 id = bpf_sk_ancestor_cgroup_id(sk, level);
		const struct sa_jail *j;

		if (!id)
			break;
		j = bpf_map_lookup_elem(&SA_MAP, &id);
		if (j)
			found = j;
	}
	return found;
}

static __always_inline int deny(int err)
{
	if (have_set_retval)
		set_retval(-err);
	return 0;
}

static __always_inline int usable(__u8 mode, __u8 n)
{
	return mode == SA_INHERIT || (mode == SA_NEW && n > 0);
}

static __always_inline int reserved_ok(const struct sa_jail *j, __u32 user_port)
{
	__u16 port = bpf_ntohs((__u16)user_port);

	return (j->flags & SA_RESERVED_PORTS) && port != 0 && port < 1024 &&
	       (__u32)bpf_get_current_uid_gid() == j->root_uid;
}

/* 1, or 3 to let the jail's root bind a reserved port without CAP_NET_BIND_SERVICE. */
static __always_inline int bind_ok(const struct sa_jail *j, __u32 user_port)
{
	return reserved_ok(j, user_port) ? 3 : 1;
}

/* IPv4 */

static __always_inline int is_loop4(__u32 a)
{
	return (bpf_ntohl(a) >> 24) == 127;
}

static __always_inline int own4(const struct sa_jail *j, __u32 a)
{
	for (int i = 0; i < SA_MAX_ADDRS; i++) {
		if (i >= j->n4)
			break;
		if (j->addr4[i] == a)
			return 1;
	}
	return 0;
}

/*
 * The destination FreeBSD would use: loopback is the jail's primary
 * address.  Linux answers on all of 127/8, so every loopback address but
 * the jail's own is rewritten: a jail given 127.0.0.2 must not reach a
 * host service on 127.0.0.1 (or 127.0.0.3) through it.
 */
static __always_inline __u32 remote4(const struct sa_jail *j, __u32 dst)
{
	return is_loop4(dst) && !own4(j, dst) ? j->addr4[0] : dst;
}

static __always_inline __u32 source4(const struct sa_jail *j, __u32 dst)
{
	if (j->flags & SA_SADDRSEL4)
		for (int i = 0; i < SA_MAX_ADDRS; i++) {
			if (i >= j->n4)
				break;
			if ((j->addr4[i] & j->mask4[i]) == (dst & j->mask4[i]))
				return j->addr4[i];
		}
	return j->addr4[0];
}

/*
 * The address to bind to instead of a, 0 if a is not the jail's.  The
 * wildcard and any loopback address that is not one of the jail's own are
 * the primary address.
 */
static __always_inline __u32 local4(const struct sa_jail *j, __u32 a)
{
	if (own4(j, a))
		return a;
	return a == 0 || is_loop4(a) ? j->addr4[0] : 0;
}

/* IPv6; addresses are four 32-bit words in network byte order. */

struct a6 {
	__u32 w[4];
};

static __always_inline int is_any6(const struct a6 *a)
{
	return (a->w[0] | a->w[1] | a->w[2] | a->w[3]) == 0;
}

static __always_inline int is_loop6(const struct a6 *a)
{
	return (a->w[0] | a->w[1] | a->w[2]) == 0 && a->w[3] == bpf_htonl(1);
}

static __always_inline int is_mapped(const struct a6 *a)
{
	return (a->w[0] | a->w[1]) == 0 && a->w[2] == bpf_htonl(0xffff);
}

static __always_inline void set6(struct a6 *a, const __u32 *w)
{
	a->w[0] = w[0];
	a->w[1] = w[1];
	a->w[2] = w[2];
	a->w[3] = w[3];
}

static __always_inline int own6(const struct sa_jail *j, const struct a6 *a)
{
	for (int i = 0; i < SA_MAX_ADDRS; i++) {
		if (i >= j->n6)
			break;
		if (j->addr6[i][0] == a->w[0] && j->addr6[i][1] == a->w[1] && j->addr6[i][2] == a->w[2] &&
		    j->addr6[i][3] == a->w[3])
			return 1;
	}
	return 0;
}

static __always_inline void source6(const struct sa_jail *j, const struct a6 *dst, struct a6 *ret)
{
	if (j->flags & SA_SADDRSEL6)
		for (int i = 0; i < SA_MAX_ADDRS; i++) {
			if (i >= j->n6)
				break;
			if ((j->addr6[i][0] & j->mask6[i][0]) == (dst->w[0] & j->mask6[i][0]) &&
			    (j->addr6[i][1] & j->mask6[i][1]) == (dst->w[1] & j->mask6[i][1]) &&
			    (j->addr6[i][2] & j->mask6[i][2]) == (dst->w[2] & j->mask6[i][2]) &&
			    (j->addr6[i][3] & j->mask6[i][3]) == (dst->w[3] & j->mask6[i][3])) {
				set6(ret, j->addr6[i]);
				return;
			}
		}
	set6(ret, j->addr6[0]);
}

static __always_inline void read6(struct a6 *a, const __u32 *ctx_w)
{
	a->w[0] = ctx_w[0];
	a->w[1] = ctx_w[1];
	a->w[2] = ctx_w[2];
	a->w[3] = ctx_w[3];
}

static __always_inline void write_user6(struct bpf_sock_addr *ctx, const struct a6 *a)
{
	ctx->user_ip6[0] = a->w[0];
	ctx->user_ip6[1] = a->w[1];
	ctx->user_ip6[2] = a->w[2];
	ctx->user_ip6[3] = a->w[3];
}

/* Whether the socket has no local address yet. */
static __always_inline int unbound(struct bpf_sock_addr *ctx)
{
	struct bpf_sock *sk = ctx->sk;

	if (ctx->family == AF_INET)
		return sk->src_ip4 == 0;
	return (sk->src_ip6[0] | sk->src_ip6[1] | sk->src_ip6[2] | sk->src_ip6[3]) == 0;
}

/* Bind an unbound socket to an IPv4 source (v4-mapped on an IPv6 socket); port 0 = no port yet. */
static __always_inline int bind_source4(struct bpf_sock_addr *ctx, __u32 src)
{
	if (ctx->family == AF_INET) {
		struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = src };
		return bpf_bind(ctx, (struct sockaddr *)&sin, sizeof(sin));
	}
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	sin6.sin6_addr.in6_u.u6_addr32[2] = bpf_htonl(0xffff);
	sin6.sin6_addr.in6_u.u6_addr32[3] = src;
	return bpf_bind(ctx, (struct sockaddr *)&sin6, sizeof(sin6));
}

SEC("cgroup/sock_create")
int prison_sock(struct bpf_sock *sk)
{
	const struct sa_jail *j = jail_of_current();

	if (!j)
		return 1;
	/* Raw and ping sockets would bypass the address limits of a shared stack. */
	if (sk->type == SOCK_RAW)
		return 0;
	if (sk->type == SOCK_DGRAM && (sk->protocol == IPPROTO_ICMP || sk->protocol == IPPROTO_ICMPV6))
		return 0;
	/*
	 * A family the jail has no address of is one it lacks: EAFNOSUPPORT,
	 * as FreeBSD answers, so that programs fall back to the other family.
	 */
	if (sk->family == AF_INET)
		return usable(j->mode4, j->n4) ? 1 : deny(EAFNOSUPPORT);
	if (sk->family == AF_INET6)
		return usable(j->mode6, j->n6) ? 1 : deny(EAFNOSUPPORT);
	return 1;
}

SEC("cgroup/bind4")
int prison_bind4(struct bpf_sock_addr *ctx)
{
	const struct sa_jail *j = jail_of_current();
	__u32 a;

	if (!j)
		return 1;
	if (j->mode4 == SA_INHERIT)
		return bind_ok(j, ctx->user_port);
	if (!usable(j->mode4, j->n4))
		return deny(EADDRNOTAVAIL);
	a = local4(j, ctx->user_ip4);
	if (!a)
		return deny(EADDRNOTAVAIL);
	ctx->user_ip4 = a;
	return bind_ok(j, ctx->user_port);
}

SEC("cgroup/connect4")
int prison_connect4(struct bpf_sock_addr *ctx)
{
	const struct sa_jail *j = jail_of_current();
	__u32 dst;
	long err;

	if (!j || j->mode4 == SA_INHERIT)
		return 1;
	if (!usable(j->mode4, j->n4))
		return deny(EPERM);
	dst = remote4(j, ctx->user_ip4);
	ctx->user_ip4 = dst;
	if (unbound(ctx)) {
		err = bind_source4(ctx, source4(j, dst));
		if (err)
			return deny((int)-err);
	}
	return 1;
}

SEC("cgroup/sendmsg4")
int prison_sendmsg4(struct bpf_sock_addr *ctx)
{
	const struct sa_jail *j = jail_of_current();
	__u32 dst, src;

	if (!j || j->mode4 == SA_INHERIT)
		return 1;
	if (!usable(j->mode4, j->n4))
		return deny(EPERM);
	dst = remote4(j, ctx->user_ip4);
	ctx->user_ip4 = dst;
	/* The source is the bound address or one given with IP_PKTINFO, else 0. */
	src = ctx->msg_src_ip4;
	if (src == 0)
		ctx->msg_src_ip4 = source4(j, dst);
	else if (!own4(j, src))
		return deny(EADDRNOTAVAIL);
	return 1;
}

SEC("cgroup/bind6")
int prison_bind6(struct bpf_sock_addr *ctx)
{
	const struct sa_jail *j = jail_of_current();
	struct a6 a;

	if (!j)
		return 1;
	read6(&a, ctx->user_ip6);
	if (is_mapped(&a)) {
		__u32 v4;
		if (j->mode4 == SA_INHERIT)
			return bind_ok(j, ctx->user_port);
		if (!usable(j->mode4, j->n4))
			return deny(EADDRNOTAVAIL);
		v4 = local4(j, a.w[3]);
		if (!v4)
			return deny(EADDRNOTAVAIL);
		ctx->user_ip6[3] = v4;
		return bind_ok(j, ctx->user_port);
	}
	if (j->mode6 == SA_INHERIT)
		return bind_ok(j, ctx->user_port);
	if (!usable(j->mode6, j->n6))
		return deny(EADDRNOTAVAIL);
	if (is_any6(&a) || (is_loop6(&a) && !own6(j, &a))) {
		set6(&a, j->addr6[0]);
		write_user6(ctx, &a);
	} else if (!own6(j, &a)) {
		return deny(EADDRNOTAVAIL);
	}
	return bind_ok(j, ctx->user_port);
}

SEC("cgroup/connect6")
int prison_connect6(struct bpf_sock_addr *ctx)
{
	const struct sa_jail *j = jail_of_current();
	struct a6 dst, src;
	long err;

	if (!j)
		return 1;
	read6(&dst, ctx->user_ip6);
	if (is_mapped(&dst)) {
		__u32 v4;
		if (j->mode4 == SA_INHERIT)
			return 1;
		if (!usable(j->mode4, j->n4))
			return deny(EPERM);
		v4 = remote4(j, dst.w[3]);
		ctx->user_ip6[3] = v4;
		if (unbound(ctx)) {
			err = bind_source4(ctx, source4(j, v4));
			if (err)
				return deny((int)-err);
		}
		return 1;
	}
	if (j->mode6 == SA_INHERIT)
		return 1;
	if (!usable(j->mode6, j->n6))
		return deny(EPERM);
	if (is_loop6(&dst) && !own6(j, &dst)) {
		set6(&dst, j->addr6[0]);
		write_user6(ctx, &dst);
	}
	if (unbound(ctx)) {
		struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
		source6(j, &dst, &src);
		sin6.sin6_addr.in6_u.u6_addr32[0] = src.w[0];
		sin6.sin6_addr.in6_u.u6_addr32[1] = src.w[1];
		sin6.sin6_addr.in6_u.u6_addr32[2] = src.w[2];
		sin6.sin6_addr.in6_u.u6_addr32[3] = src.w[3];
		err = bpf_bind(ctx, (struct sockaddr *)&sin6, sizeof(sin6));
		if (err)
			return deny((int)-err);
	}
	return 1;
}

SEC("cgroup/sendmsg6")
int prison_sendmsg6(struct bpf_sock_addr *ctx)
{
	const struct sa_jail *j = jail_of_current();
	struct a6 dst, src;

	if (!j)
		return 1;
	read6(&dst, ctx->user_ip6);
	/* The kernel sends to a v4-mapped address through the IPv4 path and sendmsg4. */
	if (is_mapped(&dst))
		return j->mode4 == SA_INHERIT ? 1 : deny(EPERM);
	if (j->mode6 == SA_INHERIT)
		return 1;
	if (!usable(j->mode6, j->n6))
		return deny(EPERM);
	if (is_loop6(&dst) && !own6(j, &dst)) {
		set6(&dst, j->addr6[0]);
		write_user6(ctx, &dst);
	}
	read6(&src, ctx->msg_src_ip6);
	if (is_any6(&src)) {
		source6(j, &dst, &src);
		ctx->msg_src_ip6[0] = src.w[0];
		ctx->msg_src_ip6[1] = src.w[1];
		ctx->msg_src_ip6[2] = src.w[2];
		ctx->msg_src_ip6[3] = src.w[3];
	} else if (!own6(j, &src)) {
		return deny(EADDRNOTAVAIL);
	}
	return 1;
}

SEC("cgroup_skb/ingress")
int prison_ingress(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	const struct sa_jail *j;

	if (!sk)
		return 1;
	sk = bpf_sk_fullsock(sk);
	if (!sk)
		return 1;
	j = jail_of_sock(sk);
	if (!j)
		return 1;
	/* The packet starts at its IP header here. */
	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		__u32 dst;
		if (j->mode4 == SA_INHERIT)
			return 1;
		if (bpf_skb_load_bytes(skb, 16, &dst, sizeof(dst)) < 0)
			return 0;
		return own4(j, dst);
	}
	if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		struct a6 dst;
		if (j->mode6 == SA_INHERIT)
			return 1;
		if (bpf_skb_load_bytes(skb, 24, &dst, sizeof(dst)) < 0)
			return 0;
		return own6(j, &dst);
	}
	return 1;
}
