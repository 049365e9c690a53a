/* Unit tests of the rule for host paths a jail may influence (hostpath.h). */
#include "../../src/lib/hostpath.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

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
	CHECK(hostpath_dir_trusted(&st));
	/* Group root's members are the host's administrators. */
	st = dir(0, 0, 0775);
	CHECK(hostpath_dir_trusted(&st));
	/* /tmp: others cannot rename nor remove root's entries in a sticky directory. */
	st = dir(0, 0, 01777);
	CHECK(hostpath_dir_trusted(&st));
}

static void test_untrusted_directories(void)
{
	struct stat st;

	/* Owned by anyone but root: a jail's uid, for one. */
	st = dir(1073741824, 0, 0755);
	CHECK(!hostpath_dir_trusted(&st));
	st = dir(1000, 1000, 0700);
	CHECK(!hostpath_dir_trusted(&st));
	st = dir(0, 0, 0777);
	CHECK(!hostpath_dir_trusted(&st));
	st = dir(0, 4, 0775);
	CHECK(!hostpath_dir_trusted(&st));
	st = dir(0, 0, 0757);
	CHECK(!hostpath_dir_trusted(&st));
}

static void test_paths_refused_before_anything_is_opened(void)
{
	struct perr e = { 0 };

	CHECK(hostpath_open("var/log/x.log", HOSTPATH_ROOT_CREATES, NULL, &e) < 0);
	CHECK_STR(e.msg, "not an absolute path");
	CHECK(hostpath_open("/../etc/x.log", HOSTPATH_ROOT_CREATES, NULL, &e) < 0);
	CHECK_STR(e.msg, "a path with \".\" or \"..\" in it");
	CHECK(hostpath_open("/srv/./x", HOSTPATH_HOST_READS, NULL, &e) < 0);
	CHECK_STR(e.msg, "a path with \".\" or \"..\" in it");
	CHECK(hostpath_open("/srv/..", HOSTPATH_HOST_READS, NULL, &e) < 0);
	CHECK_STR(e.msg, "a path with \".\" or \"..\" in it");
	CHECK(hostpath_open("/", HOSTPATH_ROOT_CREATES, NULL, &e) < 0);
	CHECK_STR(e.msg, "not a file name");
	CHECK(hostpath_open("/var/log/", HOSTPATH_ROOT_CREATES, NULL, &e) < 0);
	CHECK_STR(e.msg, "not a file name");
}

/* A tree is refused by identity, whatever path reaches it; the host's own / is no jail's tree. */
static void test_trees_refused_by_identity(void)
{
	struct hostpath_tree one;
	struct hostpath_trees t = { &one, 1 };
	struct stat st;
	struct perr e = { 0 };
	int fd;

	CHECK(stat("/usr", &st) == 0);
	one.dev = st.st_dev;
	one.ino = st.st_ino;
	snprintf(one.name, sizeof(one.name), "pt");
	CHECK(hostpath_open("/usr/", HOSTPATH_HOST_READS, &t, &e) < 0);
	CHECK_STR(e.msg, "is inside the tree of jail pt");
	CHECK(hostpath_open("//usr//lib", HOSTPATH_HOST_READS, &t, &e) < 0);
	CHECK_STR(e.msg, "is inside the tree of jail pt");
	fd = hostpath_open("/", HOSTPATH_HOST_READS, &t, &e);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
}

UNIT_MAIN(test_trusted_directories, test_untrusted_directories, test_paths_refused_before_anything_is_opened,
	  test_trees_refused_by_identity)
