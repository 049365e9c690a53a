/* Unit tests of the registry's record reader: hostile records are refused, never waited on. */
#include "../../src/lib/registry.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

static char dir[64];

/* A registry whose record directory is a scratch directory; only jailfd is used by the reader. */
static struct registry scratch_registry(void)
{
	struct registry r = { .dirfd = -1, .jailfd = -1, .namefd = -1, .pendfd = -1, .lockfd = -1 };

	snprintf(dir, sizeof(dir), "/tmp/test_registry.XXXXXX");
	if (mkdtemp(dir))
		r.jailfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return r;
}

static void drop_scratch(struct registry *r)
{
	char cmd[128];

	close(r->jailfd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
}

static int put(int dirfd, const char *name, const char *text)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static void test_record_is_read(void)
{
	struct registry r = scratch_registry();
	_cleanup_record_ struct jail_record rec = { 0 };
	struct perr e = { 0 };

	CHECK(r.jailfd >= 0);
	CHECK(put(r.jailfd, "7.json",
		  "{\"jid\":7,\"name\":\"www\",\"state\":\"active\",\"init_pid\":42,"
		  "\"params\":{\"path\":\"/j/www\",\"persist\":\"true\",\"exec.start\":[\"a\",\"b, c\"]}}\n") == 0);
	CHECK(registry_read_checked(&r, 7, &rec, &e) == 1);
	CHECK(rec.jid == 7);
	CHECK_STR(rec.name, "www");
	CHECK(rec.state == JS_ACTIVE);
	CHECK(rec.init_pid == 42);
	CHECK_STR(param_str(&rec.params, P_PATH), "/j/www");
	CHECK(param_bool(&rec.params, P_PERSIST));
	CHECK_STR(rec.params.v[P_EXEC_START].argv[1], "b, c");
	CHECK(registry_read_checked(&r, 8, &rec, &e) == 0);
	CHECK(e.err == ENOENT);
	drop_scratch(&r);
}

/* A FIFO in a record's place would block open(2) and read(2): it is refused at once (alarm: a hang fails). */
static void test_fifo_record_is_refused(void)
{
	struct registry r = scratch_registry();
	struct jail_record rec;
	struct perr e = { 0 };
	struct jail_record *list = NULL;
	size_t n = 1;

	CHECK(r.jailfd >= 0);
	CHECK(mkfifoat(r.jailfd, "3.json", 0600) == 0);
	alarm(10);
	CHECK(registry_read_checked(&r, 3, &rec, &e) == -1);
	CHECK_STR(e.msg, "record 3.json: not a regular file");
	CHECK(e.err == EINVAL);
	CHECK(registry_read(&r, 3, &rec) == 0);
	/* Listing skips it as it skips a torn record. */
	CHECK(registry_list(&r, &list, &n, &e) == 0);
	CHECK(n == 0);
	alarm(0);
	registry_free_list(list, n);
	drop_scratch(&r);
}

static void test_oversized_record_is_refused(void)
{
	struct registry r = scratch_registry();
	struct jail_record rec;
	struct perr e = { 0 };
	int fd;

	CHECK(r.jailfd >= 0);
	fd = openat(r.jailfd, "5.json", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, (1 << 20) + 1) == 0);
	close(fd);
	CHECK(registry_read_checked(&r, 5, &rec, &e) == -1);
	CHECK_STR(e.msg, "record 5.json: larger than 1048576 bytes");
	CHECK(e.err == EFBIG);
	drop_scratch(&r);
}

static void test_torn_record_is_an_error(void)
{
	struct registry r = scratch_registry();
	struct jail_record rec;
	struct perr e = { 0 };

	CHECK(r.jailfd >= 0);
	CHECK(put(r.jailfd, "6.json", "{\"jid\":6,\"na") == 0);
	CHECK(registry_read_checked(&r, 6, &rec, &e) == -1);
	CHECK_STR(e.msg, "record 6.json: not JSON");
	CHECK(put(r.jailfd, "6.json", "{\"jid\":6}") == 0);
	CHECK(registry_read_checked(&r, 6, &rec, &e) == -1);
	CHECK_STR(e.msg, "record 6: no name");
	drop_scratch(&r);
}

UNIT_MAIN(test_record_is_read, test_fifo_record_is_refused, test_oversized_record_is_refused, test_torn_record_is_an_error)
