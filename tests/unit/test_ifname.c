/* Unit tests of interface name checks and the names of a jail's veth pair. */
#include "../../src/lib/ifname.h"

#include "unit.h"

static void test_good_names(void)
{
	struct perr e = { 0 };

	CHECK(ifname_check("eth0", &e) == 0);
	CHECK(ifname_check("a", &e) == 0);
	CHECK(ifname_check("br-jails.10", &e) == 0);
	CHECK(ifname_check("...", &e) == 0);
	CHECK(ifname_check("123456789012345", &e) == 0); /* IFNAMSIZ - 1 */
	CHECK(ifname_check("epair0b", &e) == 0);
}

static void test_bad_names(void)
{
	struct perr e = { 0 };

	CHECK(ifname_check("", &e) < 0);
	CHECK_STR(e.msg, "interface name is empty");
	CHECK(ifname_check("1234567890123456", &e) < 0);
	CHECK_STR(e.msg, "interface name \"123456789012345...\": longer than 15 bytes");
	CHECK(ifname_check(".", &e) < 0);
	CHECK_STR(e.msg, "interface name \".\": not a name");
	CHECK(ifname_check("..", &e) < 0);
	CHECK(ifname_check("a/b", &e) < 0);
	CHECK_STR(e.msg, "interface name \"a/b\": contains '/'");
	CHECK(ifname_check("eth0:1", &e) < 0);
	CHECK_STR(e.msg, "interface name \"eth0:1\": contains ':'");
	CHECK(ifname_check("eth%d", &e) < 0);
	CHECK(ifname_check("a b", &e) < 0);
	CHECK_STR(e.msg, "interface name \"a b\": contains a blank or control character");
	CHECK(ifname_check("tab\t", &e) < 0);
	CHECK(ifname_check("nl\n", &e) < 0);
	CHECK(ifname_check("del\x7f", &e) < 0);
	CHECK(ifname_check(" ", &e) < 0);
}

static void test_jail_pair(void)
{
	char host[IFNAMSIZ], jail[IFNAMSIZ];
	struct perr e = { 0 };

	CHECK(ifname_jail_pair(0, host, jail, &e) == 0);
	CHECK_STR(host, "pj0a");
	CHECK_STR(jail, "pj0b");
	CHECK(ifname_jail_pair(3, host, jail, &e) == 0);
	CHECK_STR(host, "pj3a");
	CHECK_STR(jail, "pj3b");
	CHECK(ifname_jail_pair(2147483647, host, jail, &e) == 0);
	CHECK_STR(host, "pj2147483647a");
	CHECK(ifname_jail_pair(2147483648LL, host, jail, &e) == 0);
	CHECK_STR(jail, "pj2147483648b");
	CHECK(ifname_check(jail, &e) == 0);
	CHECK(ifname_jail_pair(4294967295LL, host, jail, &e) == 0);
	CHECK_STR(host, "pj4294967295a");
	CHECK(ifname_check(host, &e) == 0);
	CHECK(ifname_jail_pair(-1, host, jail, &e) < 0);
	CHECK_STR(e.msg, "jid -1: out of range for an interface name");
	CHECK(ifname_jail_pair(4294967296LL, host, jail, &e) < 0);
}

UNIT_MAIN(test_good_names, test_bad_names, test_jail_pair)
