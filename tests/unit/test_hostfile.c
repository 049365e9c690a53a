/* Unit tests of the rule for host files a jail may influence (hostfile.h). */
#include "../../src/lib/hostfile.h"

#include <string.h>

#include "unit.h"

static struct stat dir(uid_t uid, gid_t gid, mode_t mode)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_uid = uid;
	st.st_gid = gid;
	st.st_mode = S_IFDIR | mode;
	return st;
}

static void test_trusted_directories(void)
{
	struct stat st;

	st = dir(0, 0, 0755);
	CHECK(hostfile_dir_trusted(&st));
	/* Group root's members are the host's administrators. */
	st = dir(0, 0, 0775);
	CHECK(hostfile_dir_trusted(&st));
	/* /tmp: others cannot rename nor remove root's entries in a sticky directory. */
	st = dir(0, 0, 01777);
	CHECK(hostfile_dir_trusted(&st));
}

static void test_untrusted_directories(void)
{
	struct stat st;

	/* Owned by anyone but root: a jail's uid, for one. */
	st = dir(1073741824, 0, 0755);
	CHECK(!hostfile_dir_trusted(&st));
	st = dir(1000, 1000, 0700);
	CHECK(!hostfile_dir_trusted(&st));
	st = dir(0, 0, 0777);
	CHECK(!hostfile_dir_trusted(&st));
	st = dir(0, 4, 0775);
	CHECK(!hostfile_dir_trusted(&st));
	st = dir(0, 0, 0757);
	CHECK(!hostfile_dir_trusted(&st));
}

static void test_paths_refused_before_anything_is_opened(void)
{
	struct perr e = { 0 };

	CHECK(hostfile_open_append("exec.consolelog", "var/log/x.log", NULL, &e) < 0);
	CHECK_STR(e.msg, "exec.consolelog \"var/log/x.log\": not an absolute path");
	CHECK(hostfile_open_append("exec.consolelog", "/../etc/x.log", NULL, &e) < 0);
	CHECK_STR(e.msg, "exec.consolelog \"/../etc/x.log\": a path with \".\" or \"..\" in it");
	CHECK(hostfile_open_append("exec.consolelog", "/", NULL, &e) < 0);
	CHECK_STR(e.msg, "exec.consolelog \"/\": not a file name");
}

UNIT_MAIN(test_trusted_directories, test_untrusted_directories, test_paths_refused_before_anything_is_opened)
