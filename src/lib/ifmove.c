#include "ifmove.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime.h"
#include "util.h"

#define IFMOVE_MAX 32
#define IFMOVE_DIR "vnet"

struct moved {
	int ifindex; /* in the jail's namespace */
	char name[IFNAMSIZ]; /* on the host */
	char kind[16];
	unsigned char perm[32];
	unsigned int perm_len;
	int link; /* a veth's peer (a vlan's lower link) on the host, 0 for none */
};

/* RUNDIR/vnet, made private to root if missing. */
static int open_dir(bool create, struct perr *e)
{
	_cleanup_close_ int run = open(runtime_rundir(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	int fd;

	if (run < 0)
		return perr_set(e, errno, "%s", runtime_rundir());
	if (create && mkdirat(run, IFMOVE_DIR, 0700) < 0 && errno != EEXIST)
		return perr_set(e, errno, "%s/%s", runtime_rundir(), IFMOVE_DIR);
	fd = openat(run, IFMOVE_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return perr_set(e, errno, "%s/%s", runtime_rundir(), IFMOVE_DIR);
	if (fstat(fd, &st) < 0 || st.st_uid != 0 || (st.st_mode & 0077)) {
		close(fd);
		return perr_setx(e, EPERM, "%s/%s: not a private directory owned by root", runtime_rundir(), IFMOVE_DIR);
	}
	return fd;
}

static void hex(const unsigned char *b, unsigned int n, char out[65])
{
	static const char digits[] = "0123456789abcdef";
	size_t k = 0;

	if (n == 0)
		out[k++] = '-';
	for (unsigned int i = 0; i < n && k + 2 < 65; i++) {
		out[k++] = digits[b[i] >> 4];
		out[k++] = digits[b[i] & 15];
	}
	out[k] = '\0';
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The bytes of hex text s ("-" for none); false when it is not that. */
static bool unhex(const char *s, unsigned char *b, size_t max, unsigned int *ret_n)
{
	unsigned int n = 0;

	*ret_n = 0;
	if (strcmp(s, "-") == 0)
		return true;
	for (; s[0] && n < max; s += 2) {
		int hi = nibble(s[0]), lo = s[1] ? nibble(s[1]) : -1;
		if (hi < 0 || lo < 0)
			return false;
		b[n++] = (unsigned char)(hi << 4 | lo);
	}
	*ret_n = n;
	return s[0] == '\0';
}

/* One line of the record: "INDEX LINK KIND PERM NAME". */
static bool parse_line(char *t, struct moved *v)
{
	char *f[5], *save_ptr = NULL;
	long idx, link;
	int k = 0;

	for (char *w = strtok_r(t, " ", &save_ptr); w && k < 5; w = strtok_r(NULL, " ", &save_ptr))
		f[k++] = w;
	if (k != 5 || !parse_long(f[0], 1, 1L << 30, &idx) || !parse_long(f[1], 0, 1L << 30, &link) ||
	    strlen(f[2]) >= sizeof(v->kind) || strlen(f[4]) >= sizeof(v->name) ||
	    !unhex(f[3], v->perm, sizeof(v->perm), &v->perm_len))
		return false;
	v->ifindex = (int)idx;
	v->link = (int)link;
	snprintf(v->kind, sizeof(v->kind), "%s", strcmp(f[2], "-") ? f[2] : "");
	snprintf(v->name, sizeof(v->name), "%s", f[4]);
	return true;
}

/* The whole record, written anew (temporary file, rename) after each move. */
static int save(int jid, const struct moved *m, size_t n, struct perr *e)
{
	_cleanup_close_ int dir = open_dir(true, e);
	char tmp[32], final[32], line[160], perm[65] = "";
	int fd, r = 0;

	if (dir < 0)
		return -1;
	snprintf(tmp, sizeof(tmp), ".%d.tmp", jid);
	snprintf(final, sizeof(final), "%d", jid);
	fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return perr_set(e, errno, "record of the interfaces moved into jail %d", jid);
	for (size_t i = 0; r == 0 && i < n; i++) {
		hex(m[i].perm, m[i].perm_len, perm);
		int len = snprintf(line, sizeof(line), "%d %d %s %s %s\n", m[i].ifindex, m[i].link,
				   m[i].kind[0] ? m[i].kind : "-", perm, m[i].name);
		r = write_all(fd, line, (size_t)len);
	}
	if ((close(fd) < 0 || r < 0) || renameat(dir, tmp, dir, final) < 0) {
		int err = errno;
		unlinkat(dir, tmp, 0);
		return perr_set(e, err, "record of the interfaces moved into jail %d", jid);
	}
	return 0;
}

static size_t load(int jid, struct moved *m, size_t max)
{
	struct perr ignore = { 0 };
	_cleanup_close_ int dir = open_dir(false, &ignore);
	char buf[IFMOVE_MAX * 160], name[16], *save_ptr = NULL;
	size_t n = 0;

	snprintf(name, sizeof(name), "%d", jid);
	if (dir < 0 || read_file_at(dir, name, buf, sizeof(buf)) <= 0)
		return 0;
	for (char *t = strtok_r(buf, "\n", &save_ptr); t && n < max; t = strtok_r(NULL, "\n", &save_ptr)) {
		struct moved v = { 0 };
		if (parse_line(t, &v))
			m[n++] = v;
	}
	return n;
}

void ifmove_forget(int jid)
{
	struct perr ignore = { 0 };
	_cleanup_close_ int dir = open_dir(false, &ignore);
	char name[16];

	snprintf(name, sizeof(name), "%d", jid);
	if (dir >= 0)
		unlinkat(dir, name, 0);
}

/* One interface in: what it is on the host, then its index in the jail's namespace. */
static int move_one(struct nl *host, struct nl *jail, int netns, const char *name, struct moved *ret,
		    struct perr *e)
{
	struct nl_link l;
	int r = nl_link_get(host, 0, name, &l, e);

	if (r <= 0)
		return r == 0 ? perr_setx(e, ENOENT, "vnet.interface: no interface \"%s\" on the host", name) : -1;
	/* A link into the host's own namespace is what a copy made inside cannot have. */
	*ret = (struct moved){ .ifindex = l.ifindex, .perm_len = l.perm_len, .link = l.link_nsid < 0 ? l.link : 0 };
	snprintf(ret->name, sizeof(ret->name), "%s", name);
	snprintf(ret->kind, sizeof(ret->kind), "%s", l.kind);
	memcpy(ret->perm, l.perm, l.perm_len);
	if (nl_link_move(host, l.ifindex, netns, NULL, e) < 0)
		return -1;
	/* The kernel keeps the index unless the namespace has it; nothing of the jail runs yet. */
	r = nl_link_get(jail, 0, name, &l, e);
	if (r <= 0)
		return r == 0 ? perr_setx(e, ENOENT, "vnet.interface: \"%s\" did not reach the jail", name) : -1;
	ret->ifindex = l.ifindex;
	return 0;
}

/*
 * Its name in the jail, by index, once it is recorded: the kernel renames
 * on a move only when the old name is taken there, and a rename refused
 * after the move would leave it in the jail unrecorded.
 */
static int rename_in(struct nl *jail, const struct moved *m, const char *inside, struct perr *e)
{
	int r = nl_ifindex(jail, inside, e);

	if (r < 0)
		return -1;
	if (r == m->ifindex)
		return 0;
	if (r > 0)
		return perr_setx(e, EEXIST, "vnet.interface: \"%s\": the jail has an interface \"%s\" already", m->name,
				 inside);
	return nl_link_rename(jail, m->ifindex, inside, e) < 0 ? perr_prefix(e, "vnet.interface: \"%s\"", m->name) : 0;
}

int ifmove_in(int jid, struct nl *host, int netns, const char *list, struct perr *e)
{
	_cleanup_nl_ struct nl *jail = nl_open(netns, e);
	struct moved m[IFMOVE_MAX] = { 0 };
	char buf[1024], *save_ptr = NULL;
	size_t n = 0;

	if (!jail)
		return -1;
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *t = strtok_r(buf, ",", &save_ptr); t; t = strtok_r(NULL, ",", &save_ptr)) {
		/* HOST, or HOST:INSIDE for the name it has in the jail. */
		char *inside = strchr(t, ':');
		if (inside)
			*inside++ = '\0';
		if (n == IFMOVE_MAX)
			return perr_setx(e, E2BIG, "vnet.interface: at most %d interfaces", IFMOVE_MAX);
		/* Recorded as soon as it is in, so that what went in comes back whatever fails next. */
		if (move_one(host, jail, netns, t, &m[n], e) < 0 || save(jid, m, n + 1, e) < 0)
			return -1;
		n++;
		if (inside && rename_in(jail, &m[n - 1], inside, e) < 0)
			return -1;
	}
	return 0;
}

/*
 * Is the link at m's index in the jail the one that went in?  Jail root
 * can give a link of its own any index, name and address, but not the
 * hardware's permanent address, nor a peer in the host's namespace.
 */
static int check_one(struct nl *jail, int hostns, const struct moved *m, struct perr *e)
{
	struct nl_link l;
	int r = nl_link_get(jail, m->ifindex, NULL, &l, e), host_nsid = -1;

	if (r < 0)
		return -1;
	if (r == 0)
		return perr_setx(e, ENODEV, "vnet.interface: \"%s\" (index %d) is no longer in the jail; not handed back",
				 m->name, m->ifindex);
	/* The id is there once the kernel has named the peer's namespace in the reply above. */
	if (m->link > 0 && l.link_nsid >= 0 && nl_nsid_of(jail, hostns, &host_nsid, e) < 0)
		return -1;
	bool tied = m->link == 0 || (l.link == m->link && l.link_nsid >= 0 && l.link_nsid == host_nsid);
	if (!tied || strcmp(l.kind, m->kind) != 0 || l.perm_len != m->perm_len ||
	    memcmp(l.perm, m->perm, m->perm_len) != 0)
		return perr_setx(e, EPERM,
				 "vnet.interface: interface %d of the jail is not the \"%s\" that went in; not handed back",
				 m->ifindex, m->name);
	return 0;
}

int ifmove_back(int jid, int netns, struct perr *e)
{
	struct moved m[IFMOVE_MAX] = { 0 };
	size_t n = load(jid, m, IFMOVE_MAX);
	_cleanup_close_ int hostns = -1;
	_cleanup_nl_ struct nl *jail = NULL;
	int r = 0;

	if (n == 0)
		return 0;
	hostns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (hostns < 0)
		return perr_set(e, errno, "/proc/self/ns/net");
	if (!(jail = nl_open(netns, e)))
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct perr one = { 0 };
		/* Under the name it had on the host, never one the jail gave it. */
		if (check_one(jail, hostns, &m[i], &one) < 0 || nl_link_move(jail, m[i].ifindex, hostns, m[i].name, &one) < 0) {
			if (r == 0)
				*e = one;
			r = -1;
		}
	}
	return r;
}
