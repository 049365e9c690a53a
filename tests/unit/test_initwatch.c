/* jailinit's watcher: the "watch" message from the host, edge triggering, state across a resend. */
#include "../../src/cmd/initwatch.h"

#include <signal.h>

#include "../../src/lib/rctl.h"
#include "unit.h"

static int parse_rules(const char *const *texts, size_t n, struct watch_list *out)
{
	struct perr e = { 0 };
	struct rctl_rule rules[8];
	char msg[WATCH_MAX_MSG], err[160];

	for (size_t i = 0; i < n; i++)
		if (rctl_parse_rule(texts[i], "web", &rules[i], &e) < 0)
			return -1;
	if (rctl_format_watch(3, "web", rules, n, msg, sizeof(msg)) < 0)
		return -1;
	return watch_parse(msg, out, err, sizeof(err));
}

static void test_the_message_round_trips(void)
{
	static const char *const texts[] = { "memoryuse:devctl=32M", "maxproc:deny=10", "wallclock:sigterm=2",
					     "pcpu:log=50" };
	struct watch_list l;

	CHECK(parse_rules(texts, 4, &l) == 0);
	CHECK(l.jid == 3);
	CHECK_STR(l.name, "web");
	/* deny is the kernel's: only the three watched rules travel. */
	CHECK(l.n == 3);
	CHECK(l.rule[0].resource == R_MEMORYUSE && l.rule[0].action == RA_DEVCTL && l.rule[0].amount == 32ULL << 20);
	CHECK_STR(l.rule[0].text, "memoryuse:devctl=33554432");
	CHECK(l.rule[1].resource == R_WALLCLOCK && l.rule[1].action == RA_SIGNAL && l.rule[1].signal == SIGTERM);
	CHECK(l.rule[2].resource == R_PCPU && l.rule[2].action == RA_LOG && l.rule[2].amount == 50);
	CHECK(parse_rules(texts, 0, &l) == 0 && l.n == 0);
}

static void test_bad_messages_are_refused(void)
{
	struct watch_list l;
	char err[160];

	CHECK(watch_parse("watch", &l, err, sizeof(err)) < 0);
	CHECK(watch_parse("watch 3 web\nbogus\n", &l, err, sizeof(err)) < 0 && strstr(err, "bad rule"));
	CHECK(watch_parse("watch 3 web\n4 0 0 10 memoryuse:deny=10\n", &l, err, sizeof(err)) < 0 &&
	      strstr(err, "action not watched"));
	CHECK(watch_parse("watch 3 web\n14 1 0 10 nsem:log=10\n", &l, err, sizeof(err)) < 0 &&
	      strstr(err, "resource not watched"));
	CHECK(watch_parse("watch 3 web\n4 4 99 10 memoryuse:sig99=10\n", &l, err, sizeof(err)) < 0);
}

static void test_edges_fire_once_and_rearm(void)
{
	struct watch_rule r = { .amount = 10 };

	CHECK(!watch_edge(&r, 10, 1, false));   /* at the amount is not above it */
	CHECK(watch_edge(&r, 11, 1, false));    /* crossing above fires */
	CHECK(!watch_edge(&r, 50, 1, false));   /* staying above does not */
	CHECK(!watch_edge(&r, 9, 1, false));    /* dropping below re-arms */
	CHECK(watch_edge(&r, 12, 1, false));
	/* Once-only resources (cputime, wallclock) never re-arm. */
	struct watch_rule once = { .amount = 2 };
	CHECK(!watch_edge(&once, 1999999, 1000000, true));
	CHECK(watch_edge(&once, 2000001, 1000000, true));
	CHECK(!watch_edge(&once, 0, 1000000, true));
	CHECK(!watch_edge(&once, 3000000, 1000000, true));
	/* An amount too large to scale never fires. */
	struct watch_rule huge = { .amount = UINT64_MAX / 2 };
	CHECK(!watch_edge(&huge, UINT64_MAX - 1, 1000000, false));
}

static void test_a_resend_keeps_the_state(void)
{
	static const char *const before[] = { "memoryuse:devctl=32M", "maxproc:log=5" };
	static const char *const after[] = { "maxproc:log=5", "memoryuse:devctl=32M", "memoryuse:log=32M" };
	struct watch_list old, now;

	CHECK(parse_rules(before, 2, &old) == 0);
	old.rule[0].above = true;
	CHECK(parse_rules(after, 3, &now) == 0);
	watch_merge(&old, &now);
	CHECK(!now.rule[0].above);
	CHECK(now.rule[1].above);   /* the same rule: it does not fire again */
	CHECK(!now.rule[2].above);  /* a new action on the same resource is armed */
}

UNIT_MAIN(test_the_message_round_trips, test_bad_messages_are_refused, test_edges_fire_once_and_rearm,
	  test_a_resend_keeps_the_state)
