/* Hierarchical jails: full names and the cgroup path kept in a jail's record. */
#include "../../src/lib/cgpath.h"
#include "../../src/lib/jailname.h"

#include "unit.h"

static void test_a_dotted_name_names_its_parent(void)
{
	char buf[64];

	CHECK(!jail_name_parent("web", buf, sizeof(buf)));
	CHECK(jail_name_parent("web.php", buf, sizeof(buf)));
	CHECK_STR(buf, "web");
	CHECK(jail_name_parent("a.b.c", buf, sizeof(buf)));
	CHECK_STR(buf, "a.b");
}

static void test_names_are_checked_part_by_part(void)
{
	struct perr e = { 0 };

	CHECK(jail_check_name("web", 3, &e) == 0);
	CHECK(jail_check_name("web.php", 3, &e) == 0);
	CHECK(jail_check_name("web.3", 3, &e) == 0);
	CHECK(jail_check_name("web.4", 3, &e) < 0);
	CHECK_STR(e.msg, "name cannot be numeric (unless it is the jid)");
	CHECK(jail_check_name("web.", 3, &e) < 0);
	CHECK(jail_check_name(".web", 3, &e) < 0);
	CHECK(jail_check_name("a..b", 3, &e) < 0);
	CHECK_STR(e.msg, "name \"a..b\": an empty part before, after or between dots");
	CHECK(jail_check_name("a/b", 3, &e) < 0);
	CHECK(jail_check_name("a b", 3, &e) < 0);
	CHECK(jail_check_name("", 3, &e) < 0);
}

static void test_cgroup_paths_nest(void)
{
	struct perr e = { 0 };
	struct cg_path top, child, grand, up;
	char procs[160];

	CHECK(cg_path_make(&top, NULL, 3, true, &e) == 0);
	CHECK_STR(top.dir, "3");
	cg_path_procs(&top, procs, sizeof(procs));
	CHECK_STR(procs, "3/self");
	CHECK(!cg_path_parent(&top, &up));

	CHECK(cg_path_make(&child, &top, 12, false, &e) == 0);
	CHECK_STR(child.dir, "3/12");
	cg_path_procs(&child, procs, sizeof(procs));
	CHECK_STR(procs, "3/12");
	CHECK(cg_path_parent(&child, &up));
	CHECK_STR(up.dir, "3");
	CHECK(up.jid == 3 && up.leaf);

	CHECK(cg_path_make(&grand, &child, 40, true, &e) == 0);
	CHECK_STR(grand.dir, "3/12/40");
	CHECK(cg_path_parent(&grand, &up));
	CHECK_STR(up.dir, "3/12");
	CHECK(up.jid == 12);
}

static void test_cgroup_paths_are_parsed_strictly(void)
{
	struct cg_path p;

	CHECK(cg_path_parse("7", false, &p) == 0 && p.jid == 7);
	CHECK(cg_path_parse("3/12/40", true, &p) == 0 && p.jid == 40 && p.leaf);
	CHECK(cg_path_parse("", false, &p) < 0);
	CHECK(cg_path_parse("3/self", false, &p) < 0);
	CHECK(cg_path_parse("3/../4", false, &p) < 0);
	CHECK(cg_path_parse("/3", false, &p) < 0);
	CHECK(cg_path_parse("3/", false, &p) < 0);
	CHECK(cg_path_parse("3//4", false, &p) < 0);
	CHECK(cg_path_parse("03", false, &p) < 0);
}

static void test_too_deep_a_nesting_is_refused(void)
{
	struct perr e = { 0 };
	struct cg_path p, q;
	int r = 0;

	CHECK(cg_path_make(&p, NULL, 999999, true, &e) == 0);
	for (int i = 0; i < 40 && r == 0; i++) {
		r = cg_path_make(&q, &p, 999999, true, &e);
		p = q;
	}
	CHECK(r < 0);
	CHECK_STR(e.msg, "jail 999999: jails nested too deeply");
}

UNIT_MAIN(test_a_dotted_name_names_its_parent, test_names_are_checked_part_by_part, test_cgroup_paths_nest,
	  test_cgroup_paths_are_parsed_strictly, test_too_deep_a_nesting_is_refused)
