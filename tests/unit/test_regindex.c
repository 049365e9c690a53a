/* Unit tests of the listing index: the slot encoding, and an index in a scratch directory trusted only when intact. */
#include "../../src/lib/regindex.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

static void make_record(struct jail_record *rec, int jid, const char *name, const char *path)
{
	struct perr e = { 0 };

	memset(rec, 0, sizeof(*rec));
	rec->jid = jid;
	snprintf(rec->name, sizeof(rec->name), "%s", name);
	rec->state = JS_ACTIVE;
	rec->init_pid = 4242;
	rec->init_start = 123456789ULL;
	rec->creator_pid = 17;
	rec->creator_start = 99;
	CHECK(param_set(&rec->params, P_PATH, path, &e) == 0);
	CHECK(param_set(&rec->params, P_HOSTNAME, "www.example.org", &e) == 0);
	CHECK(param_set(&rec->params, P_IP4_ADDR, "198.18.0.1,198.18.0.2", &e) == 0);
}

static void test_slot_round_trip(void)
{
	_cleanup_record_ struct jail_record rec;
	struct regindex_slot s;

	make_record(&rec, 7, "www", "/jails/www");
	regindex_encode(&rec, &s);
	CHECK(regindex_check(&s, 7) == 1);
	CHECK(s.jid == 7 && s.state == JS_ACTIVE && s.flags == 0);
	CHECK(s.init_pid == 4242 && s.init_start == 123456789ULL);
	CHECK(s.creator_pid == 17 && s.creator_start == 99);
	CHECK_STR(s.name, "www");
	CHECK_STR(s.path, "/jails/www");
	CHECK_STR(s.hostname, "www.example.org");
	CHECK_STR(s.ip4, "198.18.0.1,198.18.0.2");
	CHECK_STR(s.ip6, "");
	/* The slot of another jid is not this jail's. */
	CHECK(regindex_check(&s, 8) == -1);
}

static void test_slot_damage_is_seen(void)
{
	_cleanup_record_ struct jail_record rec;
	struct regindex_slot s, zero = { 0 };
	unsigned char *p = (unsigned char *)&s;

	make_record(&rec, 3, "db", "/jails/db");
	CHECK(regindex_check(&zero, 3) == 0);
	for (size_t i = 0; i < sizeof(s); i += 37) {
		regindex_encode(&rec, &s);
		p[i] ^= 0x40;
		CHECK(regindex_check(&s, 3) == -1);
	}
	/* A field without its NUL is refused even with a right checksum. */
	regindex_encode(&rec, &s);
	memset(s.path, 'a', sizeof(s.path));
	s.sum = 0;
	CHECK(regindex_check(&s, 3) == -1);
}

/* A field too long for its slot: the slot says so and holds no field, the record has them. */
static void test_long_field(void)
{
	_cleanup_record_ struct jail_record rec;
	struct regindex_slot s;
	char path[300];

	memset(path, 'p', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	make_record(&rec, 5, "long", path);
	regindex_encode(&rec, &s);
	CHECK(regindex_check(&s, 5) == 1);
	CHECK(s.flags == RI_LONG);
	CHECK_STR(s.name, "");
	CHECK_STR(s.path, "");
	CHECK(s.init_pid == 4242);
}

static void test_head(void)
{
	struct regindex_head h;

	regindex_head_make(&h, RI_CLEAN, 12);
	CHECK(regindex_head_ok(&h));
	CHECK(h.state == RI_CLEAN && h.count == 12);
	h.count = 13;
	CHECK(!regindex_head_ok(&h));
	regindex_head_make(&h, RI_BUSY, 1);
	h.version = 2;
	CHECK(!regindex_head_ok(&h));
}

static char dir[64];

static struct registry scratch(void)
{
	struct registry r = { .dirfd = -1, .jailfd = -1, .namefd = -1, .pendfd = -1, .lockfd = -1 };

	snprintf(dir, sizeof(dir), "/tmp/test_regindex.XXXXXX");
	if (mkdtemp(dir))
		r.dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return r;
}

static void drop_scratch(struct registry *r)
{
	char cmd[128];

	close(r->dirfd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
}

static size_t loaded(struct registry *r, int *first_jid)
{
	struct regindex_slot *v;
	size_t n;

	if (regindex_load(r, &v, &n) < 0)
		return (size_t)-1;
	if (first_jid)
		*first_jid = n ? v[0].jid : 0;
	free(v);
	return n;
}

static void flip_byte(struct registry *r, off_t off)
{
	int fd = openat(r->dirfd, "index", O_RDWR | O_CLOEXEC);
	unsigned char c = 0;

	CHECK(fd >= 0);
	CHECK(pread(fd, &c, 1, off) == 1);
	c ^= 1;
	CHECK(pwrite(fd, &c, 1, off) == 1);
	close(fd);
}

/* The index cut after jid 2's slot, so the far jail's slot is gone. */
static bool truncateat_ok(struct registry *r)
{
	int fd = openat(r->dirfd, "index", O_RDWR | O_CLOEXEC);
	bool ok = fd >= 0 && ftruncate(fd, 3 * REGINDEX_SLOT) == 0;

	if (fd >= 0)
		close(fd);
	return ok;
}

static void test_index_file(void)
{
	struct registry r = scratch();
	struct jail_record recs[3];
	struct regindex_txn t;
	int first = 0;

	CHECK(r.dirfd >= 0);
	make_record(&recs[0], 1, "a", "/a");
	make_record(&recs[1], 2, "b", "/b");
	make_record(&recs[2], 900000, "far", "/far");
	/* None yet: the listing must make it. */
	CHECK(loaded(&r, NULL) == (size_t)-1);
	CHECK(regindex_rebuild(&r, recs, 3) == 0);
	CHECK(loaded(&r, &first) == 3 && first == 1);

	/* A change made in full keeps it clean; one abandoned half-way leaves it busy. */
	regindex_begin(&r, &t);
	CHECK(t.on);
	regindex_drop(&t, 2);
	regindex_end(&t);
	CHECK(loaded(&r, NULL) == 2);
	regindex_begin(&r, &t);
	regindex_put(&t, &recs[1]);
	close(t.fd);
	CHECK(loaded(&r, NULL) == (size_t)-1);
	/* Once busy, later changes do not make it look clean. */
	regindex_begin(&r, &t);
	CHECK(!t.on);
	regindex_end(&t);
	CHECK(loaded(&r, NULL) == (size_t)-1);

	CHECK(regindex_rebuild(&r, recs, 3) == 0);
	CHECK(loaded(&r, NULL) == 3);
	flip_byte(&r, 2 * REGINDEX_SLOT + 200);
	CHECK(loaded(&r, NULL) == (size_t)-1);

	/* A slot lost (a truncated file) is seen by the count. */
	CHECK(regindex_rebuild(&r, recs, 3) == 0);
	CHECK(truncateat_ok(&r));
	CHECK(loaded(&r, NULL) == (size_t)-1);

	CHECK(regindex_rebuild(&r, recs, 3) == 0);
	regindex_taint(&r);
	CHECK(loaded(&r, NULL) == (size_t)-1);
	for (int i = 0; i < 3; i++)
		record_free(&recs[i]);
	drop_scratch(&r);
}

UNIT_MAIN(test_slot_round_trip, test_slot_damage_is_seen, test_long_field, test_head, test_index_file)
