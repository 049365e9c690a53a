/* Unit tests of the ip4.addr and ip6.addr forms. */
#include "../../src/lib/ipaddr.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include "unit.h"

static bool v4_is(const struct ipaddr *a, const char *text)
{
	struct in_addr x;

	return inet_pton(AF_INET, text, &x) == 1 && a->a.v4.s_addr == x.s_addr;
}

static bool v6_is(const struct ipaddr *a, const char *text)
{
	struct in6_addr x;

	return inet_pton(AF_INET6, text, &x) == 1 && memcmp(&a->a.v6, &x, sizeof(x)) == 0;
}

static void test_forms(void)
{
	struct ipaddr a;
	struct perr e = { 0 };

	CHECK(ipaddr_parse("198.18.0.1", AF_INET, &a, &e) == 0);
	CHECK(a.family == AF_INET && a.prefix == 32 && a.iface[0] == '\0' && v4_is(&a, "198.18.0.1"));
	CHECK(ipaddr_parse("198.18.5.7/24", AF_INET, &a, &e) == 0);
	CHECK(a.prefix == 24 && v4_is(&a, "198.18.5.7"));
	CHECK(ipaddr_parse("lagg0|198.18.50.10/16", AF_INET, &a, &e) == 0);
	CHECK_STR(a.iface, "lagg0");
	CHECK(a.prefix == 16 && v4_is(&a, "198.18.50.10"));
	CHECK(ipaddr_parse("em0|198.19.0.1", AF_INET, &a, &e) == 0);
	CHECK_STR(a.iface, "em0");
	CHECK(a.prefix == 32);
	CHECK(ipaddr_parse("10.1.2.3/255.255.255.0", AF_INET, &a, &e) == 0);
	CHECK(a.prefix == 24);
	CHECK(ipaddr_parse("10.1.2.3/0", AF_INET, &a, &e) == 0);
	CHECK(a.prefix == 0);
	CHECK(ipaddr_parse("fd00::1", AF_INET6, &a, &e) == 0);
	CHECK(a.family == AF_INET6 && a.prefix == 128 && v6_is(&a, "fd00::1"));
	CHECK(ipaddr_parse("bridge0|fd00:1::5/64", AF_INET6, &a, &e) == 0);
	CHECK_STR(a.iface, "bridge0");
	CHECK(a.prefix == 64 && v6_is(&a, "fd00:1::5"));
}

static void test_bad_forms(void)
{
	struct ipaddr a;
	struct perr e = { 0 };

	CHECK(ipaddr_parse("10.0.0.300", AF_INET, &a, &e) < 0);
	CHECK_STR(e.msg, "ip4.addr: \"10.0.0.300\" is not an IPv4 address");
	CHECK(ipaddr_parse("fd00::1", AF_INET, &a, &e) < 0);
	CHECK_STR(e.msg, "ip4.addr: \"fd00::1\" is not an IPv4 address");
	CHECK(ipaddr_parse("198.18.0.1", AF_INET6, &a, &e) < 0);
	CHECK_STR(e.msg, "ip6.addr: \"198.18.0.1\" is not an IPv6 address");
	CHECK(ipaddr_parse("10.0.0.1/33", AF_INET, &a, &e) < 0);
	CHECK_STR(e.msg, "ip4.addr: \"10.0.0.1/33\": prefix \"33\" is not a number from 0 to 32 or a netmask");
	CHECK(ipaddr_parse("fd00::1/129", AF_INET6, &a, &e) < 0);
	CHECK_STR(e.msg, "ip6.addr: \"fd00::1/129\": prefix \"129\" is not a number from 0 to 128");
	CHECK(ipaddr_parse("10.0.0.1/255.0.255.0", AF_INET, &a, &e) < 0);
	CHECK(ipaddr_parse("10.0.0.1/", AF_INET, &a, &e) < 0);
	CHECK(ipaddr_parse("|10.0.0.1", AF_INET, &a, &e) < 0);
	CHECK_STR(e.msg, "ip4.addr: \"|10.0.0.1\": \"\" is not an interface name");
	CHECK(ipaddr_parse("averyveryverylongifname|10.0.0.1", AF_INET, &a, &e) < 0);
	CHECK(ipaddr_parse("", AF_INET, &a, &e) < 0);
	CHECK(ipaddr_parse("10.0.0.1 ", AF_INET, &a, &e) < 0);
}

static void test_lists(void)
{
	struct ipaddr l[4];
	struct perr e = { 0 };

	CHECK(ipaddr_parse_list("198.18.0.1, lo1|198.18.1.1/24 ,198.18.2.1/16", AF_INET, l, 4, &e) == 3);
	CHECK(v4_is(&l[0], "198.18.0.1") && l[0].prefix == 32);
	CHECK_STR(l[1].iface, "lo1");
	CHECK(v4_is(&l[1], "198.18.1.1") && l[1].prefix == 24);
	CHECK(l[2].prefix == 16);
	CHECK(ipaddr_parse_list("", AF_INET, l, 4, &e) == 0);
	CHECK(ipaddr_parse_list("  ", AF_INET6, l, 4, &e) == 0);
	CHECK(ipaddr_parse_list("fd00::1,fd00:1::1/64", AF_INET6, l, 4, &e) == 2);
	CHECK(ipaddr_parse_list("1.1.1.1,2.2.2.2,3.3.3.3,4.4.4.4,5.5.5.5", AF_INET, l, 4, &e) < 0);
	CHECK_STR(e.msg, "ip4.addr: more than 4 addresses");
	CHECK(ipaddr_parse_list("1.1.1.1,,2.2.2.2", AF_INET, l, 4, &e) < 0);
	CHECK_STR(e.msg, "ip4.addr: \"1.1.1.1,,2.2.2.2\": empty address in the list");
	CHECK(ipaddr_parse_list("1.1.1.1,", AF_INET, l, 4, &e) < 0);
	CHECK(ipaddr_parse_list("1.1.1.1,1.1.1.256", AF_INET, l, 4, &e) < 0);
	CHECK_STR(e.msg, "ip4.addr: \"1.1.1.256\" is not an IPv4 address");
}

static void test_contains(void)
{
	struct ipaddr n;
	struct perr e = { 0 };
	struct in_addr a;
	struct in6_addr b;

	CHECK(ipaddr_parse("198.18.1.1/23", AF_INET, &n, &e) == 0);
	inet_pton(AF_INET, "198.18.0.200", &a);
	CHECK(ipaddr_contains(&n, &a));
	inet_pton(AF_INET, "198.18.2.1", &a);
	CHECK(!ipaddr_contains(&n, &a));
	CHECK(ipaddr_parse("fd00:1::1/64", AF_INET6, &n, &e) == 0);
	inet_pton(AF_INET6, "fd00:1::ffff:1", &b);
	CHECK(ipaddr_contains(&n, &b));
	inet_pton(AF_INET6, "fd00:2::1", &b);
	CHECK(!ipaddr_contains(&n, &b));
	CHECK(ipaddr_parse("fd00::1/0", AF_INET6, &n, &e) == 0);
	CHECK(ipaddr_contains(&n, &b));
}

UNIT_MAIN(test_forms, test_bad_forms, test_lists, test_contains)
