/* Huge page sizes and limits, and cgroup.unified's entries: the parsers alone. */
#include "../../src/lib/cglimit.h"

#include <stdio.h>
#include <string.h>

#include "unit.h"

static void test_page_sizes_as_runc_writes_them(void)
{
	uint64_t kb = 0;
	char name[32];

	CHECK(cg_parse_hugesize("2MB", &kb) && kb == 2048);
	CHECK(cg_parse_hugesize("2048kB", &kb) && kb == 2048);
	CHECK(cg_parse_hugesize("2048KB", &kb) && kb == 2048);
	CHECK(cg_parse_hugesize("2M", &kb) && kb == 2048);
	CHECK(cg_parse_hugesize("1GB", &kb) && kb == 1048576);
	CHECK(cg_parse_hugesize("1gb", &kb) && kb == 1048576);
	CHECK(cg_parse_hugesize("64KB", &kb) && kb == 64);
	CHECK(cg_parse_hugesize("16GB", &kb) && kb == 16ULL << 20);
	CHECK(!cg_parse_hugesize("", &kb));
	CHECK(!cg_parse_hugesize("MB", &kb));
	CHECK(!cg_parse_hugesize("0MB", &kb));
	CHECK(!cg_parse_hugesize("2", &kb));
	CHECK(!cg_parse_hugesize("2MiB", &kb));
	CHECK(!cg_parse_hugesize("2MBB", &kb));
	CHECK(!cg_parse_hugesize("-2MB", &kb));
	CHECK(!cg_parse_hugesize(" 2MB", &kb));
	CHECK(!cg_parse_hugesize("32GB", &kb));
	CHECK(!cg_parse_hugesize("99999999999999999999kB", &kb));
	cg_huge_name(2048, name, sizeof(name));
	CHECK_STR(name, "2MB");
	cg_huge_name(1048576, name, sizeof(name));
	CHECK_STR(name, "1GB");
	cg_huge_name(64, name, sizeof(name));
	CHECK_STR(name, "64KB");
	cg_huge_name(32768, name, sizeof(name));
	CHECK_STR(name, "32MB");
}

static void test_hugetlb_limit_parameter(void)
{
	struct perr e = { 0 };
	struct cg_limits l;

	cg_limits_init(&l);
	CHECK(!cg_needs(&l, CGC_HUGETLB));
	CHECK(cg_parse_hugetlb("2MB=8M, 1GB=0", &l, &e) == 0);
	CHECK(l.nhuge == 2 && l.huge[0].kb == 2048 && l.huge[0].max == 8 << 20 && l.huge[1].kb == 1048576 &&
	      l.huge[1].max == 0);
	CHECK(cg_needs(&l, CGC_HUGETLB));
	CHECK(cg_parse_hugetlb("", &l, &e) == 0 && l.nhuge == 0);
	CHECK(cg_parse_hugetlb("2MB=1, 2048kB=2", &l, &e) < 0);
	CHECK_STR(e.msg, "hugetlb.limit: 2MB: given twice");
	CHECK(cg_parse_hugetlb("2MB", &l, &e) < 0);
	CHECK_STR(e.msg, "hugetlb.limit: \"2MB\": expected SIZE=AMOUNT such as 2MB=8M");
	CHECK(cg_parse_hugetlb("3XB=1", &l, &e) < 0);
	CHECK_STR(e.msg, "hugetlb.limit: \"3XB\": not a huge page size such as 2MB or 1GB");
	CHECK(cg_parse_hugetlb("2MB=lots", &l, &e) < 0);
	CHECK_STR(e.msg, "hugetlb.limit: 2MB: \"lots\": not an amount such as 8388608 or 8M");
	CHECK(cg_parse_hugetlb("2MB=", &l, &e) < 0);
	CHECK(cg_parse_hugetlb("1KB=1,2KB=1,4KB=1,8KB=1,16KB=1,32KB=1,64KB=1,128KB=1,256KB=1", &l, &e) < 0);
	CHECK_STR(e.msg, "hugetlb.limit: more than 8 page sizes");
}

static void test_unified_keys(void)
{
	struct perr e = { 0 };
	struct cg_limits l;

	cg_limits_init(&l);
	CHECK(cg_parse_unified((char *[]){ "hugetlb.2MB.max=8388608", "io.max=8:0 rbps=1 wbps=2", "cpuset.cpus=0,2",
					   "cgroup.max.descendants=3", "memory.high=a=b", NULL },
			       &l, &e) == 0);
	CHECK(l.nunified == 5);
	CHECK_STR(l.unified[1].key, "io.max");
	CHECK_STR(l.unified[1].value, "8:0 rbps=1 wbps=2");
	CHECK_STR(l.unified[2].value, "0,2");
	CHECK_STR(l.unified[4].key, "memory.high");
	CHECK_STR(l.unified[4].value, "a=b");
	CHECK(cg_parse_unified(NULL, &l, &e) == 0 && l.nunified == 0);
	CHECK(cg_parse_unified((char *[]){ "", NULL }, &l, &e) == 0 && l.nunified == 0);
	static const char *const bad[] = { "../pids.max=1", "pids/../x.max=1", "pids..max=1", "pids.=1", ".max=1",
					   "pids.max.=1", "pids=1", "Pids.max=1", "pids.m/x=1", "pids.max", "=1",
					   "cgroup.procs=1", "cgroup.subtree_control=+memory", "cgroup.freeze=1",
					   "cgroup.kill=1", "pids.max=", "pids.max=1\n2", "pids.max=\t1" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(cg_parse_unified((char *[]){ (char *)bad[i], NULL }, &l, &e) < 0);
	CHECK(cg_parse_unified((char *[]){ "cgroup.procs=1", NULL }, &l, &e) < 0);
	CHECK_STR(e.msg, "cgroup.unified: \"cgroup.procs\": refused (the jail's cgroup.* files are prison's; only "
			 "cgroup.max.depth and cgroup.max.descendants may be set)");
	CHECK(cg_parse_unified((char *[]){ "pids.max=1", "pids.max=2", NULL }, &l, &e) < 0);
	CHECK_STR(e.msg, "cgroup.unified: \"pids.max\": given twice");
	CHECK(cg_parse_unified((char *[]){ "a.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=1", NULL }, &l,
			       &e) < 0);
}

UNIT_MAIN(test_page_sizes_as_runc_writes_them, test_hugetlb_limit_parameter, test_unified_keys)
