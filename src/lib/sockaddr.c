/*
 * The records of jails in the sockaddr BPF map: built from struct
 * jail_addrs, checked before they reach the kernel, written and removed
 * with one map operation each, so a jail's limits change atomically.
 */
#include "sockaddr.h"

#include <bpf/bpf.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "../bpf/sockaddr_map.h"
#include "sockaddr_prog.h"
#include "util.h"

_Static_assert(SOCKADDR_MAX_ADDRS == SA_MAX_ADDRS, "the API and the BPF record hold as many addresses");

static bool valid_mode(int m)
{
	return m == NET_NEW || m == NET_INHERIT || m == NET_DISABLE;
}

static __u8 sa_mode(int m, size_t n)
{
	if (m == NET_INHERIT)
		return SA_INHERIT;
	/* FreeBSD: ip4=new without an address is a jail without IPv4. */
	return m == NET_NEW && n > 0 ? SA_NEW : SA_DISABLE;
}

/* The prefix as a mask of `words` 32-bit words in network byte order. */
static void prefix_mask(int prefix, __u32 *mask, int words)
{
	for (int i = 0; i < words; i++) {
		int bits = prefix - 32 * i;
		__u32 m = bits >= 32 ? 0xffffffffu : bits <= 0 ? 0 : ~(0xffffffffu >> bits);
		mask[i] = htonl(m);
	}
}

static int build_ip4(const struct jail_addrs *a, struct sa_jail *r, struct perr *e)
{
	r->n4 = (__u8)a->n4;
	for (size_t i = 0; i < a->n4; i++) {
		if (a->ip4[i].prefix < 0 || a->ip4[i].prefix > 32)
			return perr_set(e, EINVAL, "ip4.addr: prefix %d is not from 0 to 32", a->ip4[i].prefix);
		r->addr4[i] = a->ip4[i].a.s_addr;
		prefix_mask(a->ip4[i].prefix, &r->mask4[i], 1);
	}
	return 0;
}

static int build_ip6(const struct jail_addrs *a, struct sa_jail *r, struct perr *e)
{
	r->n6 = (__u8)a->n6;
	for (size_t i = 0; i < a->n6; i++) {
		if (a->ip6[i].prefix < 0 || a->ip6[i].prefix > 128)
			return perr_set(e, EINVAL, "ip6.addr: prefix %d is not from 0 to 128", a->ip6[i].prefix);
		memcpy(r->addr6[i], &a->ip6[i].a, 16);
		prefix_mask(a->ip6[i].prefix, r->mask6[i], 4);
	}
	return 0;
}

static int build(const struct jail_addrs *a, struct sa_jail *r, struct perr *e)
{
	if (!valid_mode(a->ip4_mode) || !valid_mode(a->ip6_mode))
		return perr_set(e, EINVAL, "ip4 or ip6 is not new, inherit or disable");
	if (a->n4 > SOCKADDR_MAX_ADDRS)
		return perr_set(e, EINVAL, "ip4.addr: %zu addresses, at most %d on the shared stack", a->n4,
				SOCKADDR_MAX_ADDRS);
	if (a->n6 > SOCKADDR_MAX_ADDRS)
		return perr_set(e, EINVAL, "ip6.addr: %zu addresses, at most %d on the shared stack", a->n6,
				SOCKADDR_MAX_ADDRS);
	memset(r, 0, sizeof(*r));
	r->mode4 = sa_mode(a->ip4_mode, a->n4);
	r->mode6 = sa_mode(a->ip6_mode, a->n6);
	r->flags = (a->ip4_saddrsel ? SA_SADDRSEL4 : 0) | (a->ip6_saddrsel ? SA_SADDRSEL6 : 0) |
		   (a->allow_reserved_ports ? SA_RESERVED_PORTS : 0);
	r->root_uid = a->root_uid;
	if (r->mode4 == SA_NEW && build_ip4(a, r, e) < 0)
		return -1;
	if (r->mode6 == SA_NEW && build_ip6(a, r, e) < 0)
		return -1;
	return 0;
}

int sockaddr_limit(uint64_t cgroup_id, const struct jail_addrs *a, struct perr *e)
{
	struct sa_jail rec;
	_cleanup_close_ int map = -1;
	__u64 key = cgroup_id;

	if (build(a, &rec, e) < 0)
		return -1;
	if ((map = sockaddr_prog_map(true, e)) < 0)
		return -1;
	if (bpf_map_update_elem(map, &key, &rec, BPF_ANY) < 0)
		return perr_set(e, errno, "address limits of cgroup %llu", (unsigned long long)cgroup_id);
	return 0;
}

int sockaddr_unlimit(uint64_t cgroup_id, struct perr *e)
{
	_cleanup_close_ int map = sockaddr_prog_map(false, e);
	__u64 key = cgroup_id;

	if (map < 0)
		return e->err == ENOENT ? 0 : -1;
	if (bpf_map_delete_elem(map, &key) < 0 && errno != ENOENT)
		return perr_set(e, errno, "remove the address limits of cgroup %llu", (unsigned long long)cgroup_id);
	return 0;
}

int cgroup_id_of_fd(int cgroup_dirfd, uint64_t *id, struct perr *e)
{
	union {
		struct file_handle fh;
		char buf[sizeof(struct file_handle) + 64];
	} h;
	struct stat st;
	int mount_id;

	/* The kernfs file handle is the 64-bit cgroup id; st_ino is the same on 64-bit hosts. */
	h.fh.handle_bytes = sizeof(h.buf) - sizeof(struct file_handle);
	if (name_to_handle_at(cgroup_dirfd, "", &h.fh, &mount_id, AT_EMPTY_PATH) == 0 && h.fh.handle_bytes == 8) {
		memcpy(id, h.fh.f_handle, 8);
		return 0;
	}
	if (fstat(cgroup_dirfd, &st) < 0)
		return perr_set(e, errno, "cgroup id");
	*id = st.st_ino;
	return 0;
}

int sockaddr_attached(bool *ret, struct perr *e)
{
	_cleanup_close_ int map = sockaddr_prog_map(false, e);

	*ret = map >= 0;
	if (map < 0 && e->err != ENOENT)
		return -1;
	return 0;
}

int sockaddr_detach(struct perr *e)
{
	_cleanup_close_ int map = sockaddr_prog_map(false, e);
	__u64 key;

	if (map < 0)
		return e->err == ENOENT ? 0 : -1;
	if (bpf_map_get_next_key(map, NULL, &key) == 0)
		return perr_set(e, EBUSY, "detach the sockaddr BPF programs: cgroup %llu still has address limits",
				(unsigned long long)key);
	return sockaddr_prog_detach(e);
}
