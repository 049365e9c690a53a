/*
 * The cgroup2 back end against a scratch tree laid out like a pure v2 host
 * (this test machine's controllers sit in v1, so the real files are not there).
 */
#include "../../src/lib/cglimit.h"
#include "../../src/lib/cgpath.h"

#include <fcntl.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

static char root[64];
static const struct cg_path jail7 = { .jid = 7, .dir = "7" };

static void put(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static const char *get(const char *rel)
{
	static char buf[512];
	char path[256];
	FILE *f;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "r");
	buf[0] = '\0';
	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

static void setup(void)
{
	static const char *const knobs[] = { "memory.max", "memory.low", "memory.swap.max", "pids.max", "cpu.weight", "cpu.max",
					     "cpuset.cpus", "io.max" };
	char dir[128];

	snprintf(root, sizeof(root), "/tmp/prison-cgv2.XXXXXX");
	if (!mkdtemp(root))
		return;
	snprintf(cg_v2.root, sizeof(cg_v2.root), "%s", root);
	put("cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n");
	put("cgroup.subtree_control", "");
	snprintf(dir, sizeof(dir), "%s/prison", root);
	mkdir(dir, 0755);
	put("prison/cgroup.subtree_control", "");
	snprintf(dir, sizeof(dir), "%s/prison/7", root);
	mkdir(dir, 0755);
	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		char rel[64];
		snprintf(rel, sizeof(rel), "prison/7/%s", knobs[i]);
		put(rel, "");
	}
	put("prison/7/memory.current", "1048576\n");
	put("prison/7/cpu.stat", "usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n");
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", root);
	cg_v2.root[0] = '\0';
}

static void test_every_controller_goes_to_v2_when_it_has_it(void)
{
	setup();
	for (int c = 0; c < CGC__COUNT; c++)
		CHECK(cg_backend_for((enum cg_controller)c) == &cg_v2);
	teardown();
}

static void test_limits_are_written_to_the_jail_cgroup(void)
{
	struct perr e = { 0 };
	struct cg_limits l;

	setup();
	cg_limits_init(&l);
	l.memory_max = 64 << 20;
	l.pids_max = 50;
	l.cpu_quota_us = 25000;
	l.cpu_weight = 200;
	l.memory_low = 16 << 20;
	snprintf(l.cpus, sizeof(l.cpus), "0");
	CHECK(cg_apply_all(&jail7, &l, &e) == 0);
	CHECK_STR(get("prison/7/memory.max"), "67108864");
	CHECK_STR(get("prison/7/memory.low"), "16777216");
	CHECK_STR(get("prison/7/memory.swap.max"), "max");
	CHECK_STR(get("prison/7/pids.max"), "50");
	CHECK_STR(get("prison/7/cpu.weight"), "200");
	CHECK_STR(get("prison/7/cpu.max"), "25000 100000");
	CHECK_STR(get("prison/7/cpuset.cpus"), "0");
	/* Handed down from the root, then from prison/ (last write wins in a plain file). */
	CHECK(strstr(get("cgroup.subtree_control"), "+") != NULL);
	CHECK(strstr(get("prison/cgroup.subtree_control"), "+") != NULL);
	teardown();
}

/* A jail with no io limit, the io controller not enabled for it: nothing of io is written. */
static void test_no_io_limit_touches_no_io_knob(void)
{
	struct perr e = { 0 };
	struct cg_limits l;
	char path[256];

	setup();
	snprintf(path, sizeof(path), "%s/prison/7/io.max", root);
	CHECK(unlink(path) == 0);
	cg_limits_init(&l);
	CHECK(cg_apply_all(&jail7, &l, &e) == 0);
	/* Not created (the back end writes without O_CREAT, so a write would have failed) ... */
	CHECK(access(path, F_OK) != 0);
	/* ... and not handed down: io is the last controller, so "+io" would be the last write. */
	CHECK(strstr(get("cgroup.subtree_control"), "io") == NULL);
	CHECK(strstr(get("prison/cgroup.subtree_control"), "io") == NULL);
	/* The limits that are there still went in. */
	CHECK_STR(get("prison/7/cpu.max"), "max 100000");
	teardown();
}

/* io.max exists, so the controller is in use: a limit set before is lifted to max, not left. */
static void test_no_io_limit_lifts_an_io_limit_to_max(void)
{
	struct perr e = { 0 };
	struct cg_limits l;
	char devs[64][16], want[160];
	int n = cg_list_disks(devs, 64);

	setup();
	cg_limits_init(&l);
	put("prison/7/io.max", "254:0 rbps=1048576 wbps=max riops=max wiops=max");
	CHECK(cg_apply_all(&jail7, &l, &e) == 0);
	/* One line per disk of this host, written in turn. */
	if (n > 0)
		snprintf(want, sizeof(want), "%s rbps=max wbps=max riops=max wiops=max", devs[n - 1]);
	else
		snprintf(want, sizeof(want), "254:0 rbps=1048576 wbps=max riops=max wiops=max");
	/* Each write lands at the start of the plain file (no O_TRUNC, as in a cgroup): the last one leads. */
	CHECK(strncmp(get("prison/7/io.max"), want, strlen(want)) == 0);
	CHECK_STR(get("prison/7/cpu.max"), "max 100000");
	teardown();
}

/* io.device: parsed strictly, and each device gets the lower of its own limits and the jail-wide ones. */
static void test_iodev_parse_and_limits(void)
{
	struct perr e = { 0 };
	struct cg_limits l;
	uint64_t v[4];

	cg_limits_init(&l);
	CHECK(cg_parse_iodev("7:3 rbps=1048576 weight=300, 8:16 wiops=50", &l, &e) == 0);
	CHECK(l.ndev == 2 && l.dev[0].major == 7 && l.dev[0].minor == 3 && l.dev[0].weight == 300);
	CHECK(l.dev[1].wiops == 50 && l.dev[1].rbps == CG_UNLIMITED && l.dev[1].weight == 0);
	l.rbps = 4096;
	l.wbps = 2048;
	CHECK(cg_iodev_limits(&l, 7, 3, v) == 300);
	CHECK(v[0] == 4096 && v[1] == 2048 && v[2] == CG_UNLIMITED);
	CHECK(cg_iodev_limits(&l, 8, 16, v) == 0 && v[3] == 50 && v[0] == 4096);
	CHECK(cg_iodev_limits(&l, 1, 1, v) == 0 && v[0] == 4096 && v[3] == CG_UNLIMITED);
	CHECK(cg_parse_iodev("7:3 rbps=1, 7:3 wbps=2", &l, &e) < 0);
	CHECK_STR(e.msg, "io.device: 7:3: given twice");
	CHECK(cg_parse_iodev("7:3", &l, &e) < 0);
	CHECK_STR(e.msg, "io.device: 7:3: no limit given");
	CHECK(cg_parse_iodev("7:3 weight=1001", &l, &e) < 0);
	CHECK_STR(e.msg, "io.device: \"weight=1001\": a weight is 1 to 1000");
	CHECK(cg_parse_iodev("7:3 speed=1", &l, &e) < 0);
	CHECK_STR(e.msg, "io.device: \"speed=1\": expected rbps, wbps, riops, wiops or weight");
	CHECK(cg_parse_iodev("sda rbps=1", &l, &e) < 0);
	CHECK(cg_parse_iodev("", &l, &e) == 0 && l.ndev == 0);
	/* Every device's weight, in the kernel's own word for it. */
	CHECK(cg_parse_iodev("default weight=500, 7:3 weight=300", &l, &e) == 0);
	CHECK(l.io_weight == 500 && l.ndev == 1 && l.dev[0].weight == 300 && cg_needs(&l, CGC_IO));
	CHECK(cg_parse_iodev("7:3 rbps=1", &l, &e) == 0 && l.io_weight == 0);
	CHECK(cg_parse_iodev("default weight=5, default weight=6", &l, &e) < 0);
	CHECK_STR(e.msg, "io.device: default: given twice");
	CHECK(cg_parse_iodev("default rbps=1", &l, &e) < 0);
	CHECK_STR(e.msg, "io.device: default: only weight=N (every device's I/O weight)");
	CHECK(cg_parse_iodev("default", &l, &e) < 0);
	CHECK(cg_parse_iodev("default weight=0", &l, &e) < 0);
}

/* A device of io.device gets its line in io.max and its weight in BFQ's file. */
static void test_iodev_is_written(void)
{
	struct perr e = { 0 };
	struct cg_limits l;

	setup();
	cg_limits_init(&l);
	put("prison/7/io.max", "");
	put("prison/7/io.bfq.weight", "");
	CHECK(cg_parse_iodev("7:250 rbps=1048576 weight=300", &l, &e) == 0);
	CHECK(cg_apply_all(&jail7, &l, &e) == 0);
	CHECK_STR(get("prison/7/io.bfq.weight"), "7:250 300");
	CHECK(strstr(get("prison/7/io.max"), "7:250 rbps=1048576 wbps=max riops=max wiops=max") == get("prison/7/io.max"));
	teardown();
}

static void test_usage_reads_the_counters(void)
{
	struct cg_usage u;

	setup();
	cg_usage(&jail7, &u);
	CHECK(u.memory == 1048576);
	CHECK(u.cpu_usec == 2500000);
	teardown();
}

/* A child jail 9 of jail 7: its cgroup is prison/7/9, the controller handed down through 7. */
static void test_child_limits_go_below_the_parent(void)
{
	struct perr e = { 0 };
	struct cg_path child;
	struct cg_limits l;
	char dir[128];

	setup();
	snprintf(dir, sizeof(dir), "%s/prison/7/9", root);
	mkdir(dir, 0755);
	put("prison/7/cgroup.subtree_control", "");
	put("prison/7/9/pids.max", "");
	put("prison/7/9/cpu.weight", "");
	put("prison/7/9/cpu.max", "");
	CHECK(cg_path_make(&child, &jail7, 9, false, &e) == 0);
	cg_limits_init(&l);
	l.pids_max = 20;
	CHECK(cg_apply_all(&child, &l, &e) == 0);
	CHECK_STR(get("prison/7/9/pids.max"), "20");
	CHECK(strstr(get("prison/7/cgroup.subtree_control"), "+") != NULL);
	/* The parent's own limit is untouched by the child's. */
	CHECK_STR(get("prison/7/pids.max"), "");
	teardown();
}

/* hugetlb.limit: every size of the host's written, none where the jail names none; the reservation's too. */
static void test_hugetlb_is_written(void)
{
	struct perr e = { 0 };
	struct cg_limits l;
	uint64_t have[CG_MAX_HUGE];
	int n = cg_huge_sizes(have, CG_MAX_HUGE);

	/* The sizes are the host's own: without 2 MB pages there is nothing to see. */
	for (int k = 0; k < n; k++)
		if (have[k] == 2048)
			n = -1;
	if (n != -1)
		return;
	setup();
	n = cg_huge_sizes(have, CG_MAX_HUGE);
	for (int k = 0; k < n; k++) {
		char name[32], rel[96];
		cg_huge_name(have[k], name, sizeof(name));
		snprintf(rel, sizeof(rel), "prison/7/hugetlb.%s.max", name);
		put(rel, "max\n");
		snprintf(rel, sizeof(rel), "prison/7/hugetlb.%s.rsvd.max", name);
		put(rel, "max\n");
	}
	cg_limits_init(&l);
	CHECK(!cg_v2.in_use(&jail7, CGC_HUGETLB));
	CHECK(cg_parse_hugetlb("2MB=4M", &l, &e) == 0);
	CHECK(cg_apply_all(&jail7, &l, &e) == 0);
	CHECK_STR(get("prison/7/hugetlb.2MB.max"), "4194304");
	CHECK_STR(get("prison/7/hugetlb.2MB.rsvd.max"), "4194304");
	CHECK(cg_v2.in_use(&jail7, CGC_HUGETLB));
	/* A size no longer named is lifted. */
	cg_limits_init(&l);
	put("prison/7/hugetlb.2MB.max", "4194304\n");
	CHECK(cg_apply_all(&jail7, &l, &e) == 0);
	CHECK(strncmp(get("prison/7/hugetlb.2MB.max"), "max", 3) == 0);
	teardown();
}

/* cgroup.unified: written last (over prison's own limit), beneath the jail's directory, and refused by name. */
static void test_unified_is_written(void)
{
	struct perr e = { 0 };
	struct cg_limits l;
	char path[256], target[256];

	setup();
	cg_limits_init(&l);
	l.pids_max = 50;
	CHECK(cg_parse_unified((char *[]){ "pids.max=20", "cgroup.max.depth=2", NULL }, &l, &e) == 0);
	put("prison/7/cgroup.max.depth", "");
	CHECK(cg_apply_all(&jail7, &l, &e) == 0);
	CHECK_STR(get("prison/7/pids.max"), "20");
	CHECK_STR(get("prison/7/cgroup.max.depth"), "2");
	CHECK(strstr(get("prison/cgroup.subtree_control"), "+pids") != NULL);
	/* A controller cgroup2 does not have here. */
	cg_limits_init(&l);
	CHECK(cg_parse_unified((char *[]){ "nosuch.max=1", NULL }, &l, &e) == 0);
	CHECK(cg_apply_all(&jail7, &l, &e) < 0);
	CHECK_STR(e.msg, "cgroup.unified: \"nosuch.max\": the nosuch controller is not one cgroup2 has on this host");
	/* A file the jail's cgroup lacks, and one that is a link: neither is written, nor followed. */
	CHECK(cg_parse_unified((char *[]){ "misc.max=1", NULL }, &l, &e) == 0);
	CHECK(cg_apply_all(&jail7, &l, &e) < 0);
	CHECK_STR(e.msg, "cgroup.unified: \"misc.max\": the jail's cgroup has no such file");
	snprintf(target, sizeof(target), "%s/outside", root);
	put("outside", "");
	snprintf(path, sizeof(path), "%s/prison/7/misc.max", root);
	CHECK(symlink(target, path) == 0);
	CHECK(cg_apply_all(&jail7, &l, &e) < 0);
	CHECK(e.err == ELOOP);
	CHECK_STR(get("outside"), "");
	teardown();
}

/*
 * cpu.shares in each layout's unit: as given for v1, the kernel's map onto
 * cgroup2's weight; without it, cpu.weight's (v1: 1024 / 100 of it).
 */
static void test_cpu_shares_in_each_unit(void)
{
	static const unsigned shares[] = { 2, 512, 1024, 2048, 262144 }, weight[] = { 1, 20, 39, 79, 10000 };
	struct cg_limits l;

	cg_limits_init(&l);
	CHECK(cg_cpu_weight(&l) == 100);
	CHECK(cg_cpu_shares(&l) == 1024);
	l.cpu_weight = 300;
	CHECK(cg_cpu_shares(&l) == 3072);
	l.cpu_weight = 1;
	CHECK(cg_cpu_shares(&l) == 10);
	for (size_t i = 0; i < sizeof(shares) / sizeof(shares[0]); i++) {
		l.cpu_shares = shares[i];
		CHECK(cg_cpu_shares(&l) == shares[i]);
		CHECK(cg_cpu_weight(&l) == weight[i]);
	}
}

/* On cgroup2, a jail with cpu.shares gets their weight in cpu.weight. */
static void test_cpu_shares_become_the_weight(void)
{
	struct perr e = { 0 };
	struct cg_limits l;

	setup();
	cg_limits_init(&l);
	l.cpu_shares = 512;
	CHECK(cg_apply_all(&jail7, &l, &e) == 0);
	CHECK_STR(get("prison/7/cpu.weight"), "20");
	teardown();
}

UNIT_MAIN(test_cpu_shares_in_each_unit, test_cpu_shares_become_the_weight,
	  test_every_controller_goes_to_v2_when_it_has_it, test_limits_are_written_to_the_jail_cgroup,
	  test_no_io_limit_touches_no_io_knob, test_no_io_limit_lifts_an_io_limit_to_max, test_iodev_parse_and_limits, test_iodev_is_written,
	  test_usage_reads_the_counters, test_child_limits_go_below_the_parent, test_hugetlb_is_written,
	  test_unified_is_written)
