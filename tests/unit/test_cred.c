/* Unit tests of the passwd and group parsers used inside a jail. */
#include "../../src/lib/cred.h"

#include "../../src/lib/util.h"
#include "unit.h"

static void test_passwd_line(void)
{
	struct jail_cred c;

	CHECK(cred_parse_passwd_line("www:x:80:80:World Wide Web:/var/www:/usr/sbin/nologin\n", "www", &c) == 0);
	CHECK(c.uid == 80 && c.gid == 80);
	CHECK_STR(c.home, "/var/www");
	CHECK_STR(c.shell, "/usr/sbin/nologin");
	CHECK(cred_parse_passwd_line("www:x:80:80::/var/www:/bin/sh", "80", &c) == 0);
	CHECK_STR(c.name, "www");
	CHECK(cred_parse_passwd_line("www:x:80:80::/var/www:/bin/sh", "ww", &c) < 0);
	CHECK(cred_parse_passwd_line("bob:x:1000:1000:::", "bob", &c) == 0);
	CHECK_STR(c.home, "/");
	CHECK_STR(c.shell, "/bin/sh");
}

static void test_passwd_bad_lines(void)
{
	struct jail_cred c;

	CHECK(cred_parse_passwd_line("broken", "broken", &c) < 0);
	CHECK(cred_parse_passwd_line("a:x:notanumber:1::/:/bin/sh", "a", &c) < 0);
	/* A jail maps 65536 ids: a larger uid cannot be taken inside. */
	CHECK(cred_parse_passwd_line("a:x:70000:1::/:/bin/sh", "a", &c) < 0);
	CHECK(cred_parse_passwd_line("a:x:-1:1::/:/bin/sh", "a", &c) < 0);
	CHECK(cred_parse_passwd_line("", "", &c) < 0);
}

static void test_group_line(void)
{
	gid_t g = 0;

	CHECK(cred_parse_group_line("wheel:x:10:root,bob\n", "bob", &g) == 0);
	CHECK(g == 10);
	CHECK(cred_parse_group_line("wheel:x:10:root,bobby", "bob", &g) < 0);
	CHECK(cred_parse_group_line("wheel:x:10:", "bob", &g) < 0);
	CHECK(cred_parse_group_line("wheel:x:ten:bob", "bob", &g) < 0);
}

static void test_root_default(void)
{
	struct jail_cred c;

	cred_root(&c);
	CHECK(c.uid == 0 && c.gid == 0 && c.ngroups == 0);
	CHECK_STR(c.shell, "/bin/sh");
}

static void test_parse_long(void)
{
	long v;

	CHECK(parse_long("42", 0, 100, &v) && v == 42);
	CHECK(!parse_long("42x", 0, 100, &v));
	CHECK(!parse_long("", 0, 100, &v));
	CHECK(!parse_long("101", 0, 100, &v));
	CHECK(!parse_long("99999999999999999999", 0, 100, &v));
}

UNIT_MAIN(test_passwd_line, test_passwd_bad_lines, test_group_line, test_root_default, test_parse_long)
