#include "regindex.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jailstate.h"
#include "util.h"

#define INDEX_FILE "index"
#define INDEX_TMP ".index.tmp"
#define MAX_JID 999999
/* Slots read at a time by the listing. */
#define CHUNK 128

static uint32_t fnv1a(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static uint32_t slot_sum(const struct regindex_slot *s)
{
	struct regindex_slot c = *s;

	c.sum = 0;
	return fnv1a(&c, sizeof(c));
}

static uint32_t head_sum(const struct regindex_head *h)
{
	struct regindex_head c = *h;

	c.sum = 0;
	return fnv1a(&c, sizeof(c));
}

/* Copy s into a field of size len; false when it does not fit whole. */
static bool put_field(char *field, size_t len, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n >= len)
		return false;
	memcpy(field, s ? s : "", n + 1);
	return true;
}

void regindex_encode(const struct jail_record *rec, struct regindex_slot *ret)
{
	bool fits;

	memset(ret, 0, sizeof(*ret));
	ret->magic = REGINDEX_MAGIC;
	ret->jid = rec->jid;
	ret->state = (uint8_t)rec->state;
	ret->init_pid = rec->init_pid;
	ret->creator_pid = rec->creator_pid;
	ret->init_start = rec->init_start;
	ret->creator_start = rec->creator_start;
	if (jail_may_idle(&rec->params))
		ret->flags |= RI_IDLE;
	fits = put_field(ret->name, sizeof(ret->name), rec->name);
	fits &= put_field(ret->hostname, sizeof(ret->hostname), param_str(&rec->params, P_HOSTNAME));
	fits &= put_field(ret->path, sizeof(ret->path), param_str(&rec->params, P_PATH));
	fits &= put_field(ret->ip4, sizeof(ret->ip4), param_str(&rec->params, P_IP4_ADDR));
	fits &= put_field(ret->ip6, sizeof(ret->ip6), param_str(&rec->params, P_IP6_ADDR));
	if (!fits) {
		/* All or nothing: a reader of a long slot takes every field from the record. */
		ret->flags |= RI_LONG;
		ret->name[0] = ret->hostname[0] = ret->path[0] = ret->ip4[0] = ret->ip6[0] = '\0';
	}
	ret->sum = slot_sum(ret);
}

static bool all_zero(const void *buf, size_t len)
{
	const unsigned char *p = buf;

	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

static bool terminated(const char *field, size_t len)
{
	return memchr(field, '\0', len) != NULL;
}

int regindex_check(const struct regindex_slot *s, int jid)
{
	if (s->magic == 0 && all_zero(s, sizeof(*s)))
		return 0;
	if (s->magic != REGINDEX_MAGIC || s->sum != slot_sum(s) || s->jid != jid || s->state > JS_DYING ||
	    (s->flags & ~(RI_LONG | RI_IDLE)) != 0)
		return -1;
	if (!terminated(s->name, sizeof(s->name)) || !terminated(s->hostname, sizeof(s->hostname)) ||
	    !terminated(s->path, sizeof(s->path)) || !terminated(s->ip4, sizeof(s->ip4)) ||
	    !terminated(s->ip6, sizeof(s->ip6)))
		return -1;
	return 1;
}

void regindex_head_make(struct regindex_head *ret, enum regindex_state state, uint32_t count)
{
	memset(ret, 0, sizeof(*ret));
	ret->magic = REGINDEX_MAGIC;
	ret->version = REGINDEX_VERSION;
	ret->slot_size = REGINDEX_SLOT;
	ret->state = state;
	ret->count = count;
	ret->sum = head_sum(ret);
}

bool regindex_head_ok(const struct regindex_head *h)
{
	return h->magic == REGINDEX_MAGIC && h->version == REGINDEX_VERSION && h->slot_size == REGINDEX_SLOT &&
	       h->sum == head_sum(h) && h->state >= RI_CLEAN && h->state <= RI_TAINTED && h->count <= MAX_JID;
}

/* ---- changes, under the registry's exclusive lock ---- */

static bool pwrite_whole(int fd, const void *buf, size_t len, off_t off)
{
	return pwrite(fd, buf, len, off) == (ssize_t)len;
}

static bool write_head(struct regindex_txn *t, enum regindex_state state)
{
	regindex_head_make(&t->head, state, t->head.count);
	return pwrite_whole(t->fd, &t->head, sizeof(t->head), 0);
}

void regindex_begin(struct registry *r, struct regindex_txn *t)
{
	t->on = false;
	/* A missing index is made by the next listing, from the records. */
	t->fd = openat(r->dirfd, INDEX_FILE, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (t->fd < 0)
		return;
	if (pread(t->fd, &t->head, sizeof(t->head), 0) != (ssize_t)sizeof(t->head) || !regindex_head_ok(&t->head) ||
	    t->head.state != RI_CLEAN)
		return;
	t->on = write_head(t, RI_BUSY);
}

/* Is jid's slot in use now?  A damaged one ends the change (the index stays busy). */
static int slot_used(struct regindex_txn *t, int jid)
{
	struct regindex_slot s;
	ssize_t n = pread(t->fd, &s, sizeof(s), (off_t)jid * REGINDEX_SLOT);
	int used;

	if (n == 0)
		return 0;
	used = n == (ssize_t)sizeof(s) ? regindex_check(&s, jid) : -1;
	if (used < 0)
		t->on = false;
	return used;
}

void regindex_put(struct regindex_txn *t, const struct jail_record *rec)
{
	struct regindex_slot s;
	int used;

	if (!t->on || rec->jid <= 0 || rec->jid > MAX_JID)
		return;
	used = slot_used(t, rec->jid);
	if (used < 0)
		return;
	regindex_encode(rec, &s);
	if (!pwrite_whole(t->fd, &s, sizeof(s), (off_t)rec->jid * REGINDEX_SLOT)) {
		t->on = false;
		return;
	}
	t->head.count += used ? 0 : 1;
}

void regindex_drop(struct regindex_txn *t, int jid)
{
	static const struct regindex_slot zero;
	int used;

	if (!t->on || jid <= 0 || jid > MAX_JID)
		return;
	used = slot_used(t, jid);
	if (used <= 0)
		return;
	/* A hole where the file system can make one, so a listing skips it; zeros otherwise. */
	if (fallocate(t->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)jid * REGINDEX_SLOT, REGINDEX_SLOT) < 0 &&
	    !pwrite_whole(t->fd, &zero, sizeof(zero), (off_t)jid * REGINDEX_SLOT)) {
		t->on = false;
		return;
	}
	t->head.count--;
}

void regindex_end(struct regindex_txn *t)
{
	if (t->on)
		(void)write_head(t, RI_CLEAN);
	t->on = false;
	closep(&t->fd);
}

void regindex_taint(struct registry *r)
{
	struct regindex_txn t;

	regindex_begin(r, &t);
	if (t.on)
		(void)write_head(&t, RI_TAINTED);
	t.on = false;
	closep(&t.fd);
}

/* ---- the listing ---- */

struct slots {
	struct regindex_slot *v;
	size_t n, cap;
};

/* The slots in use in [from, to) of the file: -1 for a damaged one. */
static int read_range(int fd, off_t from, off_t to, struct slots *out)
{
	struct regindex_slot buf[CHUNK];

	for (off_t off = from; off < to;) {
		size_t want = (size_t)(to - off) < sizeof(buf) ? (size_t)(to - off) : sizeof(buf);
		ssize_t got = pread(fd, buf, want, off);
		if (got <= 0 || got % REGINDEX_SLOT)
			return got == 0 ? 0 : -1;
		for (size_t i = 0; i < (size_t)got / REGINDEX_SLOT; i++) {
			int jid = (int)(off / REGINDEX_SLOT) + (int)i;
			int used = regindex_check(&buf[i], jid);
			if (used < 0)
				return -1;
			if (!used)
				continue;
			struct regindex_slot *nv = array_grow(out->v, out->n, &out->cap, sizeof(*out->v), 256);
			if (!nv)
				return -1;
			out->v = nv;
			out->v[out->n++] = buf[i];
		}
		off += got;
	}
	return 0;
}

/* Every slot in use, skipping the holes a sparse file has between far-apart jids. */
static int read_slots(int fd, off_t size, struct slots *out)
{
	off_t off = REGINDEX_SLOT;

	while (off < size) {
		off_t data = lseek(fd, off, SEEK_DATA), hole;
		if (data < 0)
			return errno == ENXIO ? 0 : -1;
		hole = lseek(fd, data, SEEK_HOLE);
		if (hole < 0)
			return -1;
		/* Extents are pages; slots start at multiples of the slot size. */
		data -= data % REGINDEX_SLOT;
		if (read_range(fd, data < off ? off : data, hole, out) < 0)
			return -1;
		off = hole;
	}
	return 0;
}

int regindex_load(struct registry *r, struct regindex_slot **ret, size_t *ret_n)
{
	_cleanup_close_ int fd = openat(r->dirfd, INDEX_FILE, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	struct regindex_head h;
	struct slots s = { 0 };
	struct stat st;

	*ret = NULL;
	*ret_n = 0;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size % REGINDEX_SLOT ||
	    st.st_size > (off_t)(MAX_JID + 1) * REGINDEX_SLOT)
		return -1;
	if (pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) || !regindex_head_ok(&h) || h.state != RI_CLEAN)
		return -1;
	if (read_slots(fd, st.st_size, &s) < 0 || s.n != h.count) {
		free(s.v);
		return -1;
	}
	*ret = s.v;
	*ret_n = s.n;
	return 0;
}

static int write_index(int fd, const struct jail_record *list, size_t n)
{
	struct regindex_head h;
	uint32_t count = 0;

	for (size_t i = 0; i < n; i++) {
		struct regindex_slot s;
		if (list[i].jid <= 0 || list[i].jid > MAX_JID)
			continue;
		regindex_encode(&list[i], &s);
		if (!pwrite_whole(fd, &s, sizeof(s), (off_t)list[i].jid * REGINDEX_SLOT))
			return -1;
		count++;
	}
	regindex_head_make(&h, RI_CLEAN, count);
	return pwrite_whole(fd, &h, sizeof(h), 0) ? 0 : -1;
}

int regindex_rebuild(struct registry *r, const struct jail_record *list, size_t n)
{
	int fd = openat(r->dirfd, INDEX_TMP, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
	int ret;

	if (fd < 0)
		return -1;
	ret = write_index(fd, list, n);
	if (close(fd) < 0)
		ret = -1;
	if (ret == 0 && renameat(r->dirfd, INDEX_TMP, r->dirfd, INDEX_FILE) < 0)
		ret = -1;
	if (ret < 0)
		unlinkat(r->dirfd, INDEX_TMP, 0);
	return ret;
}
