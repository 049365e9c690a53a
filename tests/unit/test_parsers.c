/*
 * What the fuzzers (tests/fuzz) found, one test per finding, each the
 * input that broke a parser, and jailinit's control requests.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/lib/cglimit.h"
#include "../../src/lib/cgpath.h"
#include "../../src/lib/conf.h"
#include "../../src/lib/cred.h"
#include "../../src/lib/ctlmsg.h"
#include "../../src/lib/fstab.h"
#include "../../src/lib/jailname.h"
#include "../../src/lib/rctl.h"
#include "../../src/lib/registry.h"

#include "unit.h"

/* An escaped dollar before a quoted brace made "${" with no "}" that expand() ran past (a SIGSEGV). */
static void test_escaped_dollar_is_a_literal(void)
{
	const char text[] = "j { host.hostname = \\$\"{\"x; }\n";
	struct conf c = { .no_include = true };
	struct conf_jail j;
	struct perr e = { 0 };

	CHECK(conf_parse_string(&c, text, strlen(text), "t.conf", &e) == 0);
	CHECK(conf_resolve(&c, "j", &j, &e) == 0);
	CHECK(j.nparams == 1 && j.params[0].nvalues == 1);
	if (j.nparams == 1 && j.params[0].nvalues == 1)
		CHECK_STR(j.params[0].values[0], "${x");
	conf_jail_free(&j);
	conf_free(&c);
	/* As a jail's name, an escaped dollar is one dollar too. */
	memset(&c, 0, sizeof(c));
	CHECK(conf_parse_string(&c, "a\\$b { persist; }", 17, "t.conf", &e) == 0);
	CHECK(conf_resolve(&c, "a$b", &j, &e) == 0);
	conf_jail_free(&j);
	conf_free(&c);
}

/* A record's parameter that is null, or a list holding a number, is refused, not passed on as NULL. */
static void test_record_values_must_be_strings(void)
{
	struct jail_record rec;
	struct perr e = { 0 };

	CHECK(registry_record_parse("{\"jid\":1,\"name\":\"a\",\"params\":{\"host.hostname\":null}}", "1.json", &rec,
				    &e) < 0);
	CHECK_STR(e.msg, "record: host.hostname: not a string or a list");
	CHECK(registry_record_parse("{\"jid\":1,\"name\":\"a\",\"params\":{\"exec.start\":[null,3]}}", "1.json", &rec,
				    &e) < 0);
	CHECK_STR(e.msg, "record: exec.start: a list item is not a string");
	CHECK(registry_record_parse("{\"jid\":1,\"name\":null}", "1.json", &rec, &e) < 0);
	CHECK(registry_record_parse("{\"jid\":1,\"name\":\"a\",\"params\":7}", "1.json", &rec, &e) < 0);
	CHECK(registry_record_parse("{\"jid\":1,\"name\":\"a\",\"state\":null,\"cgroup\":[]}", "1.json", &rec, &e) == 0);
	CHECK(rec.state == JS_DYING && strcmp(rec.cg.dir, "1") == 0);
	record_free(&rec);
}

/* Only the line that starts "0::/" is the cgroup2 line; a v1 path holding that text names no jail. */
static void test_cgroup2_line_is_found_at_a_line_start(void)
{
	int jids[4];

	CHECK(cg_path_jids_of("00::/prison/3/::/prison/3/7\n", "prison", jids, 4) == 0);
	CHECK(cg_path_jids_of("5:pids:/prison/9/x0::/prison/1\n0::/prison/9\n", "prison", jids, 4) == 1 && jids[0] == 9);
	CHECK(cg_path_jids_of("0::/prison/3/+7\n", "prison", jids, 4) == 1 && jids[0] == 3);
	CHECK(cg_path_jids_of("0::/prison/3/07\n", "prison", jids, 4) == 1);
	CHECK(cg_path_jids_of("0::/prison/3/7/self\n", "prison", jids, 4) == 2 && jids[1] == 7);
}

/* "0," is no list of CPUs (the kernel refuses it), nor is a sign or a blank strtol would skip. */
static void test_cpu_lists_have_no_empty_item(void)
{
	struct perr e = { 0 };

	CHECK(cg_check_cpus("0,", &e) < 0 && e.err == EINVAL);
	CHECK(cg_check_cpus(",0", &e) < 0);
	CHECK(cg_check_cpus("0,,0", &e) < 0);
	CHECK(cg_check_cpus("+0", &e) < 0);
	CHECK(cg_check_cpus(" 0", &e) < 0);
	CHECK(cg_check_cpus("0", &e) == 0);
}

/* A field longer than its buffer was cut short in silence: another path, or "ro" lost from the options. */
static void test_fstab_fields_are_never_cut(void)
{
	static char line[2200];
	struct fstab_entry f;
	struct perr e = { 0 };
	int n;

	n = snprintf(line, sizeof(line), "/data /jails/j/data nullfs ");
	for (int i = 0; i < 1030; i++)
		line[n++] = 'x';
	snprintf(line + n, sizeof(line) - (size_t)n, ",ro 0 0");
	CHECK(fstab_parse_line(line, &f, &e) < 0 && e.err == ENAMETOOLONG);
	memset(line, 0, sizeof(line));
	line[0] = '/';
	memset(line + 1, 'a', 1100);
	strcat(line, " /j/x nullfs ro");
	CHECK(fstab_parse_line(line, &f, &e) < 0 && e.err == ENAMETOOLONG);
}

/* Names with a form feed, a carriage return or an escape are refused like the other blanks. */
static void test_names_have_no_control_characters(void)
{
	struct perr e = { 0 };

	CHECK(jail_check_name("w\fm", 1, &e) < 0);
	CHECK(jail_check_name("w\rm", 1, &e) < 0);
	CHECK(jail_check_name("w\x1b[2Jm", 1, &e) < 0);
	CHECK(jail_check_name("w\x7fm", 1, &e) < 0);
	CHECK(jail_check_name("web.php", 1, &e) == 0);
}

/* A user name longer than struct jail_cred keeps was cut and matched a different user's groups. */
static void test_passwd_fields_are_never_cut(void)
{
	static char line[512];
	struct jail_cred c;
	char name[80];

	memset(name, 'a', 70);
	name[70] = '\0';
	snprintf(line, sizeof(line), "%s:x:1000:1000::/home/a:/bin/sh", name);
	CHECK(cred_parse_passwd_line(line, name, &c) < 0);
	CHECK(cred_parse_passwd_line(line, "1000", &c) < 0);
	snprintf(line, sizeof(line), "a:x:1000:1000::/home/a:/bin/sh");
	CHECK(cred_parse_passwd_line(line, "a", &c) == 0 && c.uid == 1000);
	/* A number is matched as a number: "00" was found only where the line wrote "00", and then as uid 0. */
	CHECK(cred_parse_passwd_line("root:x:0:0::/root:/bin/sh", "00", &c) == 0 && c.uid == 0);
	CHECK(cred_parse_passwd_line("a:x:1000:1000::/:/bin/sh", "01000", &c) == 0 && c.uid == 1000);
	CHECK(cred_parse_passwd_line("a:x:1000:1000::/:/bin/sh", "100", &c) < 0);
}

/* rctl -h rounded 1023.98K up to "1024K", which read back shows as "1M": the next unit it is. */
static void test_human_amounts_round_into_the_next_unit(void)
{
	char buf[32];

	rctl_format_amount(R_MEMORYUSE, 1023ULL * 1024 + 1000, true, buf, sizeof(buf));
	CHECK_STR(buf, "1.0M");
	rctl_format_amount(R_MEMORYUSE, 1023ULL * 1024, true, buf, sizeof(buf));
	CHECK_STR(buf, "1023K");
	rctl_format_amount(R_MEMORYUSE, 10ULL * 1024 * 1024 * 1024 + 400 * 1024 * 1024, true, buf, sizeof(buf));
	CHECK_STR(buf, "10G");
}

static void test_control_requests(void)
{
	struct ctl_msg m;

	CHECK(ctl_msg_decode("hold", 4, &m) == CTL_MSG_HOLD);
	CHECK(ctl_msg_decode("release", 7, &m) == CTL_MSG_RELEASE);
	CHECK(ctl_msg_decode("persist 1", 9, &m) == CTL_MSG_PERSIST && m.arg == 1);
	CHECK(ctl_msg_decode("persist 0", 9, &m) == CTL_MSG_PERSIST && m.arg == 0);
	CHECK(ctl_msg_decode("stop 10", 7, &m) == CTL_MSG_STOP && m.arg == 10);
	CHECK(ctl_msg_decode("watch 3 web\n", 12, &m) == CTL_MSG_WATCH);
	CHECK(ctl_msg_decode("children 0", 10, &m) == CTL_MSG_CHILDREN && m.arg == 0);
	CHECK(ctl_msg_decode("children 12", 11, &m) == CTL_MSG_CHILDREN && m.arg == 12);
	CHECK(ctl_msg_decode("children -1", 11, &m) == CTL_MSG_BAD);
	CHECK(ctl_msg_decode("children ", 9, &m) == CTL_MSG_BAD);
	CHECK(ctl_msg_decode("children 1000000", 16, &m) == CTL_MSG_BAD);
	/* Before, each of these meant something: stop now, persist off, a hold. */
	CHECK(ctl_msg_decode("stop x", 6, &m) == CTL_MSG_BAD && m.arg == 0);
	CHECK(ctl_msg_decode("stop -5", 7, &m) == CTL_MSG_BAD);
	CHECK(ctl_msg_decode("stop 86401", 10, &m) == CTL_MSG_BAD);
	CHECK(ctl_msg_decode("stop 99999999999999999999", 25, &m) == CTL_MSG_BAD);
	CHECK(ctl_msg_decode("persist yes", 11, &m) == CTL_MSG_BAD);
	CHECK(ctl_msg_decode("persist 10", 10, &m) == CTL_MSG_BAD);
	CHECK(ctl_msg_decode("hold\0x", 6, &m) == CTL_MSG_BAD);
	CHECK(ctl_msg_decode("holdx", 5, &m) == CTL_MSG_BAD);
	CHECK(ctl_msg_decode("", 0, &m) == CTL_MSG_BAD);
}

UNIT_MAIN(test_escaped_dollar_is_a_literal, test_record_values_must_be_strings, test_cgroup2_line_is_found_at_a_line_start,
	  test_cpu_lists_have_no_empty_item, test_fstab_fields_are_never_cut, test_names_have_no_control_characters,
	  test_passwd_fields_are_never_cut, test_human_amounts_round_into_the_next_unit, test_control_requests)
