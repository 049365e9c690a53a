/* Unit tests of the expose syntax, the rules written for a jail and the stable MAC of a jail's interface. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../../src/lib/expose.h"
#include "../../src/lib/ifname.h"
#include "../../src/lib/natrules.h"

#include "unit.h"

static void roundtrip(const char *in, const char *want)
{
	struct expose_rule r;
	struct perr e = { 0 };
	char buf[96];

	CHECK(expose_parse(in, &r, &e) == 0);
	expose_format(&r, buf, sizeof(buf));
	CHECK_STR(buf, want);
}

static void test_good(void)
{
	roundtrip("tcp:8080:80", "tcp:8080:80");
	roundtrip("udp:5353", "udp:5353:5353");
	roundtrip("udp:5353-5360:5353-5360", "udp:5353-5360:5353-5360");
	roundtrip("tcp:198.18.0.1:8080:80", "tcp:198.18.0.1:8080:80");
	roundtrip("tcp:[fd00::1]:8080:80", "tcp:[fd00::1]:8080:80");
	roundtrip("tcp:8000-8009:80", "tcp:8000-8009:80");
}

static void test_bad(void)
{
	struct expose_rule r[4];
	struct perr e = { 0 };

	CHECK(expose_parse("sctp:80", r, &e) < 0);
	CHECK_STR(e.msg, "expose: \"sctp:80\": expected tcp|udp:[address:]hostport[-end]:jailport[-end]");
	CHECK(expose_parse("tcp:0:80", r, &e) < 0);
	CHECK(expose_parse("tcp:65536:80", r, &e) < 0);
	CHECK(expose_parse("tcp:90-80:80", r, &e) < 0);
	CHECK(expose_parse("tcp:fd00::1:80:80", r, &e) < 0);
	CHECK(expose_parse("tcp:[fd00::1:80:80", r, &e) < 0);
	CHECK(expose_parse("tcp:1.2.3:80:80", r, &e) < 0);
	CHECK(expose_parse("tcp:80-82:90-91", r, &e) < 0);
	CHECK_STR(e.msg, "expose: \"tcp:80-82:90-91\": the host and jail ranges differ in length");
	CHECK(expose_parse("tcp:1000-2000:3000-4000", r, &e) < 0);
	CHECK(expose_parse_list("tcp:80:80,tcp:79-81:79-81", r, 4, &e) < 0);
	CHECK_STR(e.msg, "expose: \"tcp:79-81:79-81\": overlaps another published port");
	CHECK(expose_parse_list("tcp:80:80, udp:80:80 tcp:198.18.0.1:80:80", r, 4, &e) == 3);
	CHECK(expose_parse_list("tcp:1,tcp:2,tcp:3,tcp:4,tcp:5", r, 4, &e) < 0);
}

static char *rules_of(const char *const *words, size_t n)
{
	struct paramset ps = { 0 };
	struct perr e = { 0 };
	char *buf = NULL;
	size_t len = 0;
	int used = 0;
	FILE *f = open_memstream(&buf, &len);

	for (size_t i = 0; i < n; i++)
		CHECK(param_parse_word(&ps, words[i], NULL, 0, &used, &e) == 0);
	CHECK(natrules_write(f, "prison", 7, &ps, &e) == 0);
	fclose(f);
	param_free(&ps);
	return buf;
}

static void test_rules(void)
{
	const char *shared[] = { "ip4.addr=198.19.0.2", "ip4.nat=auto", "expose=tcp:8080:80" };
	const char *vnet[] = { "vnet", "vnet.bridge=br0", "ip4.addr=198.19.1.2/24", "ip4.nat=eth0", "expose=tcp:8000-8001:9000-9001" };
	struct natrules_need need;
	struct perr e = { 0 };
	struct paramset ps = { 0 };
	int used = 0;
	char *t = rules_of(shared, 3);

	CHECK_STR(t, "add rule inet prison jail7_rdr meta nfproto ipv4 fib daddr type local tcp dport 8080 dnat ip to 198.19.0.2:80\n"
		     "add rule inet prison jail7_nat ip saddr 198.19.0.2 oifname != \"lo\" masquerade\n");
	free(t);
	t = rules_of(vnet, 5);
	CHECK(strstr(t, "tcp dport 8001 dnat ip to 198.19.1.2:9001\n") != NULL);
	CHECK(strstr(t, "ip saddr 198.19.1.2 oifname \"eth0\" masquerade\n") != NULL);
	CHECK(strstr(t, "ip saddr 127.0.0.0/8 ip daddr 198.19.1.2 ct status dnat masquerade\n") != NULL);
	free(t);
	CHECK(param_parse_word(&ps, "ip6.nat=auto", NULL, 0, &used, &e) == 0);
	CHECK(natrules_check(&ps, &need, &e) < 0);
	CHECK_STR(e.msg, "ip6.nat: the jail has no IPv6 address to masquerade");
	param_free(&ps);
}

static void test_mac(void)
{
	uint8_t a[6], b[6], c[6];

	ifname_jail_ether("www", "eth0", a);
	ifname_jail_ether("www", "eth0", b);
	ifname_jail_ether("www", "eth1", c);
	CHECK(memcmp(a, b, 6) == 0);
	CHECK(memcmp(a, c, 6) != 0);
	CHECK((a[0] & 0x03) == 0x02);
	CHECK((c[0] & 0x03) == 0x02);
}

UNIT_MAIN(test_good, test_bad, test_rules, test_mac)
