/* Unit tests of the small helpers in util.c. */
#include "../../src/lib/util.h"

#include "unit.h"

static void test_csv_add_unique(void)
{
	char buf[32] = "";

	CHECK(csv_add_unique(buf, sizeof(buf), "10.0.0.10"));
	CHECK_STR(buf, "10.0.0.10");
	/* A prefix of an item already there is an item of its own. */
	CHECK(csv_add_unique(buf, sizeof(buf), "10.0.0.1"));
	CHECK_STR(buf, "10.0.0.10,10.0.0.1");
	CHECK(csv_add_unique(buf, sizeof(buf), "10.0.0.1"));
	CHECK(csv_add_unique(buf, sizeof(buf), "10.0.0.10"));
	CHECK_STR(buf, "10.0.0.10,10.0.0.1");
	CHECK(csv_add_unique(buf, sizeof(buf), "0.0.1"));
	CHECK_STR(buf, "10.0.0.10,10.0.0.1,0.0.1");
}

static void test_csv_add_unique_full(void)
{
	char buf[8] = "";

	CHECK(csv_add_unique(buf, sizeof(buf), "::1"));
	CHECK(csv_add_unique(buf, sizeof(buf), "::2"));
	CHECK_STR(buf, "::1,::2");
	CHECK(!csv_add_unique(buf, sizeof(buf), "::3"));
	CHECK_STR(buf, "::1,::2");
	CHECK(csv_add_unique(buf, sizeof(buf), "::2"));
}

static void test_keyed_u64(void)
{
	const char *events = "low 0\nhigh 0\noom 2\noom_kill 1\n";

	CHECK(keyed_u64(events, "oom") == 2);
	CHECK(keyed_u64(events, "oom_kill") == 1);
	/* A key is a whole word: "hi" is not "high". */
	CHECK(keyed_u64(events, "hi") == UINT64_MAX);
	CHECK(keyed_u64(events, "max") == UINT64_MAX);
	CHECK(keyed_u64("", "oom") == UINT64_MAX);
	CHECK(keyed_u64("usage_usec 12345", "usage_usec") == 12345);
}

UNIT_MAIN(test_csv_add_unique, test_csv_add_unique_full, test_keyed_u64)
