/* rctl(8) rules: FreeBSD's syntax, what Linux can honour, filters and output. */
#include "../../src/lib/rctl.h"

#include <signal.h>
#include <stdbool.h>

#include "unit.h"

static void test_full_rule(void)
{
	struct perr e = { 0 };
	struct rctl_rule r;
	char buf[256];

	CHECK(rctl_parse_rule("jail:web:memoryuse:deny=64M", NULL, &r, &e) == 0);
	CHECK_STR(r.jail, "web");
	CHECK(r.resource == R_MEMORYUSE && r.action == RA_DENY && r.amount == 64ULL << 20);
	CHECK(rctl_check(&r, &e) == 0);
	rctl_format(&r, false, buf, sizeof(buf));
	CHECK_STR(buf, "jail:web:memoryuse:deny=67108864");
	rctl_format(&r, true, buf, sizeof(buf));
	CHECK_STR(buf, "jail:web:memoryuse:deny=64M");
	rctl_format_short(&r, buf, sizeof(buf));
	CHECK_STR(buf, "memoryuse:deny=67108864");
	CHECK(rctl_parse_rule("jail:web:maxproc:deny=50/jail", NULL, &r, &e) == 0 && r.amount == 50);
	CHECK(rctl_parse_rule("jail:web:openfiles:deny=100/process", NULL, &r, &e) == 0);
	CHECK(rctl_parse_rule("jail:web:readbps:throttle=1m", NULL, &r, &e) == 0 && r.amount == 1048576);
	CHECK(rctl_check(&r, &e) == 0);
}

static void test_short_rule_takes_the_jail(void)
{
	struct perr e = { 0 };
	struct rctl_rule r;

	CHECK(rctl_parse_rule("pcpu:deny=25", "db", &r, &e) == 0);
	CHECK_STR(r.jail, "db");
	CHECK(r.resource == R_PCPU && r.amount == 25);
	CHECK(rctl_parse_rule("pcpu:deny=25", NULL, &r, &e) < 0);
}

static void test_bad_rules_say_why(void)
{
	struct perr e = { 0 };
	struct rctl_rule r;

	CHECK(rctl_parse_rule("jail:web:memoryuse", NULL, &r, &e) < 0);
	CHECK(rctl_parse_rule("jail:web:nosuch:deny=1", NULL, &r, &e) < 0 && strstr(e.msg, "unknown resource"));
	CHECK(rctl_parse_rule("jail:web:memoryuse:bite=1", NULL, &r, &e) < 0 && strstr(e.msg, "unknown action"));
	CHECK(rctl_parse_rule("jail:web:memoryuse:deny=", NULL, &r, &e) < 0 && strstr(e.msg, "invalid amount"));
	CHECK(rctl_parse_rule("jail:web:memoryuse:deny=99999999999e", NULL, &r, &e) < 0 && strstr(e.msg, "too large"));
	CHECK(rctl_parse_rule("user:root:maxproc:deny=1", NULL, &r, &e) < 0 && strstr(e.msg, "not supported"));
	CHECK(rctl_parse_rule("process:1:maxproc:deny=1", NULL, &r, &e) < 0 && strstr(e.msg, "jails only"));
	CHECK(rctl_parse_rule("jail::maxproc:deny=1", NULL, &r, &e) < 0 && strstr(e.msg, "no jail name"));
	CHECK(rctl_parse_rule("jail:web:memoryuse:deny=1/user", NULL, &r, &e) < 0);
	CHECK(rctl_parse_rule("jail:web:memoryuse:deny=1/process", NULL, &r, &e) < 0 && strstr(e.msg, "whole jail"));
}

static void test_what_linux_cannot_honour_is_refused(void)
{
	struct perr e = { 0 };
	struct rctl_rule r;

	CHECK(rctl_parse_rule("jail:a:readbps:deny=1m", NULL, &r, &e) == 0);
	CHECK(rctl_check(&r, &e) < 0 && strstr(e.msg, "throttle"));
	CHECK(rctl_parse_rule("jail:a:msgqqueued:deny=10", NULL, &r, &e) == 0);
	CHECK(rctl_check(&r, &e) < 0 && strstr(e.msg, "msgqsize"));
	CHECK(rctl_parse_rule("jail:a:cputime:deny=10", NULL, &r, &e) == 0);
	CHECK(rctl_check(&r, &e) < 0);
	CHECK(rctl_parse_rule("jail:a:memoryuse:throttle=10", NULL, &r, &e) == 0);
	CHECK(rctl_check(&r, &e) < 0);
	CHECK(rctl_parse_rule("jail:a:pcpu:deny=0", NULL, &r, &e) == 0);
	CHECK(rctl_check(&r, &e) < 0 && strstr(e.msg, "greater than 0"));
	/* Every resource honours at least one action, but msgqqueued. */
	for (int i = 0; i < R__COUNT; i++)
		CHECK((rctl_resources[i].actions != 0) == (i != R_MSGQQUEUED));
	CHECK(rctl_parse_rule("jail:a:wallclock:deny=10", NULL, &r, &e) == 0);
	CHECK(rctl_check(&r, &e) < 0 && strstr(e.msg, "cannot be refused"));
	CHECK(rctl_parse_rule("jail:a:nshm:log=10", NULL, &r, &e) == 0);
	CHECK(rctl_check(&r, &e) < 0);
	CHECK(rctl_parse_rule("jail:a:readbps:sigterm=10", NULL, &r, &e) == 0);
	CHECK(rctl_check(&r, &e) < 0);
	CHECK(rctl_parse_rule("jail:a:memoryuse:throttle=10", NULL, &r, &e) == 0);
	CHECK(rctl_check(&r, &e) < 0 && strstr(e.msg, "cannot slow"));
}

/* Exactly the pairs jailinit's watcher carries out are accepted. */
static void test_watched_actions(void)
{
	static const int watched[] = { R_MEMORYUSE, R_SWAPUSE, R_MAXPROC, R_NTHR, R_OPENFILES,
				       R_VMEMORYUSE, R_PCPU, R_CPUTIME, R_WALLCLOCK };
	static const char *const actions[] = { "log", "devctl", "sigterm", "sigkill", "sigxcpu" };
	struct perr e = { 0 };
	struct rctl_rule r;
	char text[128];

	for (int i = 0; i < R__COUNT; i++) {
		bool want = false;
		for (size_t k = 0; k < sizeof(watched) / sizeof(watched[0]); k++)
			want |= watched[k] == i;
		for (size_t k = 0; k < sizeof(actions) / sizeof(actions[0]); k++) {
			snprintf(text, sizeof(text), "jail:a:%s:%s=10", rctl_resources[i].name, actions[k]);
			CHECK(rctl_parse_rule(text, NULL, &r, &e) == 0);
			CHECK((rctl_check(&r, &e) == 0) == want);
			CHECK(rctl_is_watched(&r));
		}
	}
	CHECK(rctl_parse_rule("jail:a:openfiles:log=10/process", NULL, &r, &e) < 0 && strstr(e.msg, "whole jail"));
	CHECK(rctl_parse_rule("jail:a:openfiles:deny=10/process", NULL, &r, &e) == 0);
	CHECK(!rctl_is_watched(&r));
}

static void test_signals_by_name(void)
{
	struct perr e = { 0 };
	struct rctl_rule r;
	char act[32];

	CHECK(rctl_parse_rule("jail:a:cputime:sigxcpu=10", NULL, &r, &e) == 0);
	CHECK(r.action == RA_SIGNAL && r.signal == SIGXCPU);
	CHECK_STR(rctl_action_name(&r, act, sizeof(act)), "sigxcpu");
	CHECK(rctl_parse_rule("jail:a:cputime:SIGKILL=10", NULL, &r, &e) == 0 && r.signal == SIGKILL);
}

static void test_filters(void)
{
	struct perr e = { 0 };
	struct rctl_rule f, r;

	CHECK(rctl_parse_rule("jail:web:memoryuse:deny=1g", NULL, &r, &e) == 0);
	CHECK(rctl_parse_filter("jail:web", &f, &e) == 0 && rctl_match(&f, &r));
	CHECK(rctl_parse_filter("jail:db", &f, &e) == 0 && !rctl_match(&f, &r));
	CHECK(rctl_parse_filter("jail::memoryuse", &f, &e) == 0 && rctl_match(&f, &r));
	CHECK(rctl_parse_filter("::maxproc", &f, &e) == 0 && !rctl_match(&f, &r));
	CHECK(rctl_parse_filter("jail:web:memoryuse:deny", &f, &e) == 0 && rctl_match(&f, &r));
	CHECK(rctl_parse_filter("jail:web:memoryuse:log", &f, &e) == 0 && !rctl_match(&f, &r));
	CHECK(rctl_parse_filter("jail:web:memoryuse:deny=1g", &f, &e) == 0 && rctl_match(&f, &r));
	CHECK(rctl_parse_filter("jail:web:memoryuse:deny=2g", &f, &e) == 0 && !rctl_match(&f, &r));
	CHECK(rctl_parse_filter("jail:web:nosuch", &f, &e) < 0);
}

static void test_human_amounts(void)
{
	char buf[32];

	rctl_format_amount(R_MEMORYUSE, 1536, true, buf, sizeof(buf));
	CHECK_STR(buf, "1.5K");
	rctl_format_amount(R_MEMORYUSE, 1ULL << 30, true, buf, sizeof(buf));
	CHECK_STR(buf, "1G");
	rctl_format_amount(R_MEMORYUSE, 1000, true, buf, sizeof(buf));
	CHECK_STR(buf, "1000");
	rctl_format_amount(R_MAXPROC, 4096, true, buf, sizeof(buf));
	CHECK_STR(buf, "4096");
}

UNIT_MAIN(test_full_rule, test_short_rule_takes_the_jail, test_bad_rules_say_why,
	  test_what_linux_cannot_honour_is_refused, test_watched_actions, test_signals_by_name, test_filters, test_human_amounts)
