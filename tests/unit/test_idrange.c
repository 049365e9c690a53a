/* The choice of a jail's host ID range, against fake spans and allocations. */
#include "../../src/lib/hostids.h"
#include "../../src/lib/idrange.h"

#include "unit.h"

#include <stdio.h>
#include <string.h>

/* Ranges held by other jails: the bases in held_list. */
static unsigned long held_list[8];
static size_t nheld;

static bool held(unsigned long base, void *arg)
{
	(void)arg;
	for (size_t i = 0; i < nheld; i++)
		if (held_list[i] == base)
			return true;
	return false;
}

static bool none_held(unsigned long base, void *arg)
{
	(void)base;
	(void)arg;
	return false;
}

static bool all_held(unsigned long base, void *arg)
{
	(void)base;
	(void)arg;
	return true;
}

static void test_preferred_never_wraps(void)
{
	CHECK(idrange_preferred(1) == IDRANGE_POOL_FIRST + IDRANGE_SIZE);
	CHECK(idrange_preferred(0) == 0);
	/* jid 49152 once made jail root host uid 0: 2^30 + 49152 * 65536 = 2^32. */
	CHECK(idrange_preferred(49152) == 0);
	CHECK(idrange_preferred(49150) == IDRANGE_POOL_END - IDRANGE_SIZE);
	CHECK(idrange_preferred(49151) == 0);
	CHECK(idrange_preferred(65536 + 1) == 0);
	CHECK(idrange_preferred(999999) == 0);
}

/* Every range but free_base is held: the walk's wrap-around. */
static unsigned long free_base;

static bool all_but_one_held(unsigned long base, void *arg)
{
	(void)arg;
	return base != free_base;
}

/* Counts how often held is asked: a walk that reads every jail's entry is what the pick avoids. */
static unsigned long asked;

static bool counting_held(unsigned long base, void *arg)
{
	asked++;
	return held(base, arg);
}

static void test_pick_preferred_or_next_free(void)
{
	struct id_spans none = { 0 };

	CHECK(idrange_pick(idrange_preferred(3), &none, none_held, NULL) == IDRANGE_POOL_FIRST + 3 * IDRANGE_SIZE);
	nheld = 3;
	held_list[0] = IDRANGE_POOL_FIRST + 3 * IDRANGE_SIZE;
	held_list[1] = IDRANGE_POOL_FIRST;
	held_list[2] = IDRANGE_POOL_FIRST + 4 * IDRANGE_SIZE;
	/* The preferred range held: the first free after it, not the lowest. */
	CHECK(idrange_pick(idrange_preferred(3), &none, held, NULL) == IDRANGE_POOL_FIRST + 5 * IDRANGE_SIZE);
	/* No preference (a jid whose range would leave the pool): the lowest free one. */
	CHECK(idrange_pick(0, &none, held, NULL) == IDRANGE_POOL_FIRST + IDRANGE_SIZE);
	CHECK(idrange_pick(0, &none, all_held, NULL) == 0);
	/* Past the pool's last range the walk goes on from its first. */
	free_base = IDRANGE_POOL_FIRST + IDRANGE_SIZE;
	CHECK(idrange_pick(idrange_preferred(49150), &none, all_but_one_held, NULL) == free_base);
	free_base = IDRANGE_POOL_END - IDRANGE_SIZE;
	CHECK(idrange_pick(idrange_preferred(7), &none, all_but_one_held, NULL) == free_base);
	/* Three ranges held from the preferred one on: three asked, then the fourth taken. */
	nheld = 3;
	held_list[0] = IDRANGE_POOL_FIRST + 9000 * IDRANGE_SIZE;
	held_list[1] = IDRANGE_POOL_FIRST + 9001 * IDRANGE_SIZE;
	held_list[2] = IDRANGE_POOL_FIRST + 9002 * IDRANGE_SIZE;
	asked = 0;
	CHECK(idrange_pick(idrange_preferred(9000), &none, counting_held, NULL) == IDRANGE_POOL_FIRST + 9003 * IDRANGE_SIZE);
	CHECK(asked == 4);
	nheld = 0;
}

static void test_spans_are_avoided(void)
{
	struct id_spans s = { 0 };
	unsigned long b;

	/* A subuid entry that covers the preferred range and half of the next one. */
	CHECK(id_spans_add_subid_line(&s, "jdoe:1073872896:98304\n") == 0);
	CHECK(s.n == 1);
	CHECK(id_spans_overlap(&s, IDRANGE_POOL_FIRST + 2 * IDRANGE_SIZE));
	CHECK(id_spans_overlap(&s, IDRANGE_POOL_FIRST + 3 * IDRANGE_SIZE));
	CHECK(!id_spans_overlap(&s, IDRANGE_POOL_FIRST + 4 * IDRANGE_SIZE));
	CHECK(!id_spans_overlap(&s, IDRANGE_POOL_FIRST + IDRANGE_SIZE));
	b = idrange_pick(idrange_preferred(2), &s, none_held, NULL);
	CHECK(b == IDRANGE_POOL_FIRST + 4 * IDRANGE_SIZE);
	/* One user's uid inside a range makes all of it taken. */
	CHECK(id_spans_add(&s, IDRANGE_POOL_FIRST + 4 * IDRANGE_SIZE + 17, 1) == 0);
	CHECK(idrange_pick(idrange_preferred(2), &s, none_held, NULL) == IDRANGE_POOL_FIRST + 5 * IDRANGE_SIZE);
	/* A span running to the top of the 32 bits does not wrap round to meet the bottom. */
	CHECK(id_spans_add_subid_line(&s, "big:4294901760:999999999") == 0);
	CHECK(s.v[s.n - 1].count == 65536);
	CHECK(!id_spans_overlap(&s, IDRANGE_POOL_FIRST + 5 * IDRANGE_SIZE));
	CHECK(id_spans_overlap(&s, IDRANGE_POOL_END));
	id_spans_free(&s);
}

static void test_subid_lines(void)
{
	struct id_spans s = { 0 };
	static const char *const skipped[] = {
		"", "\n", "# comment:1:2", "name", "name:1", "name::5", "name:5:", "name:x:5", "name:5:0", "name:-1:5",
		"name:4294967296:5",
	};

	for (size_t i = 0; i < sizeof(skipped) / sizeof(skipped[0]); i++)
		CHECK(id_spans_add_subid_line(&s, skipped[i]) == 0);
	CHECK(s.n == 0);
	CHECK(id_spans_add_subid_line(&s, "1000:100000:65536") == 0);
	CHECK(s.n == 1 && s.v[0].first == 100000 && s.v[0].count == 65536);
	id_spans_free(&s);
}

/* Every range of the pool is taken by spans: nothing is picked. */
static void test_pool_exhausted_by_spans(void)
{
	struct id_spans s = { 0 };

	CHECK(id_spans_add(&s, IDRANGE_POOL_FIRST, IDRANGE_POOL_END - IDRANGE_POOL_FIRST) == 0);
	CHECK(idrange_pick(idrange_preferred(1), &s, none_held, NULL) == 0);
	id_spans_free(&s);
}

/* The kept enumeration is used only for the files it was made of, and only whole. */
static void test_hostids_cache(void)
{
	struct hostids ids = { 0 };
	struct id_spans s = { 0 };
	char fp[512], other[512];

	hostids_fingerprint(fp, sizeof(fp));
	CHECK(fp[0] != '\0' && strchr(fp, '\n') == NULL);
	snprintf(other, sizeof(other), "%s", fp);
	other[0] = other[0] == 'x' ? 'y' : 'x';
	{
		char text[600];
		snprintf(text, sizeof(text), "%s\n1073741825\n4294967295\n", fp);
		CHECK(hostids_parse(text, fp, &ids) == 0);
		CHECK(ids.n == 2 && ids.v[0] == 1073741825 && ids.v[1] == 4294967295UL);
		for (size_t i = 0; i < ids.n; i++)
			CHECK(id_spans_add(&s, ids.v[i], 1) == 0);
		CHECK(id_spans_overlap(&s, IDRANGE_POOL_FIRST));
		hostids_free(&ids);
		/* Another host's files: not used. */
		CHECK(hostids_parse(text, other, &ids) == -1 && ids.n == 0);
		/* No user in the pool: the fingerprint alone. */
		snprintf(text, sizeof(text), "%s\n", fp);
		CHECK(hostids_parse(text, fp, &ids) == 0 && ids.n == 0);
	}
	static const char *const broken[] = { "\n1\n", "1073741825\n", "x\n", "\n\n", "\n4294967296\n",
					      "\n12a\n", "\n-5\n", "\n123", "\n1073741825\nx\n" };
	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		char text[600];
		snprintf(text, sizeof(text), "%s%s", i < 2 ? "" : fp, broken[i]);
		CHECK(hostids_parse(text, fp, &ids) == -1 && ids.n == 0);
	}
	hostids_free(&ids);
	id_spans_free(&s);
}

/* A uidrange rule is prison's only when it is exactly one range of the pool (fibrule.h). */
static void test_base_of_rule_ranges(void)
{
	const unsigned long first = IDRANGE_POOL_FIRST, last = IDRANGE_POOL_END - IDRANGE_SIZE;

	CHECK(idrange_base_of(first, first + 65535) == first);
	CHECK(idrange_base_of(first + 65536, first + 131071) == first + 65536);
	CHECK(idrange_base_of(last, last + 65535) == last);
	CHECK(idrange_base_of(idrange_preferred(7), idrange_preferred(7) + 65535) == idrange_preferred(7));
	/* Too short, too long, off the grid, below or past the pool, backwards. */
	CHECK(idrange_base_of(first, first + 65534) == 0);
	CHECK(idrange_base_of(first, first + 65536) == 0);
	CHECK(idrange_base_of(first + 1, first + 65536) == 0);
	CHECK(idrange_base_of(first - 65536, first - 1) == 0);
	CHECK(idrange_base_of(IDRANGE_POOL_END, IDRANGE_POOL_END + 65535) == 0);
	CHECK(idrange_base_of(0, 65535) == 0);
	CHECK(idrange_base_of(1000, 1000) == 0);
	CHECK(idrange_base_of(first + 65535, first) == 0);
}

UNIT_MAIN(test_base_of_rule_ranges, test_hostids_cache, test_preferred_never_wraps, test_pick_preferred_or_next_free, test_spans_are_avoided, test_subid_lines,
	  test_pool_exhausted_by_spans)
