/*
 * rctl(8) rules and filters (rctl.h), one per line of the input: a rule
 * that parses prints back to text that parses to the same rule (human
 * output, which rounds, to one that prints the same), matches itself as a filter, and, when
 * jailinit watches it, goes through the "watch" message unchanged.
 */
#include "fuzz.h"

#include "../../src/cmd/initwatch.h"
#include "../../src/lib/rctl.h"

static bool same(const struct rctl_rule *a, const struct rctl_rule *b)
{
	return strcmp(a->jail, b->jail) == 0 && a->resource == b->resource && a->action == b->action &&
	       (a->action != RA_SIGNAL || a->signal == b->signal) && a->amount == b->amount &&
	       a->has_amount == b->has_amount;
}

static void reparse(const struct rctl_rule *r, bool human)
{
	struct rctl_rule again;
	struct perr e = { 0 };
	char text[1024];

	rctl_format(r, human, text, sizeof(text));
	if (human && strchr(text, '.'))
		return; /* 1.5K is rounded, on purpose */
	FUZZ_ASSERT(rctl_parse_rule(text, NULL, &again, &e) == 0);
	if (human) {
		/* Rounded like humanize_number(3) (10.4G shows as 10G): what it shows shows the same again. */
		char text2[1024];
		rctl_format(&again, true, text2, sizeof(text2));
		FUZZ_ASSERT(strcmp(text, text2) == 0);
		again.amount = r->amount;
	}
	FUZZ_ASSERT(same(r, &again));
}

static void through_watch(const struct rctl_rule *r)
{
	static struct watch_list l;
	static char msg[WATCH_MAX_MSG];
	struct perr e = { 0 };
	char err[128];

	if (!rctl_is_watched(r) || rctl_check(r, &e) < 0)
		return;
	FUZZ_ASSERT(rctl_format_watch(7, "j", r, 1, msg, sizeof(msg)) == 0);
	FUZZ_ASSERT(watch_parse(msg, &l, err, sizeof(err)) == 0);
	FUZZ_ASSERT(l.n == 1 && l.rule[0].resource == r->resource && l.rule[0].action == r->action &&
		    l.rule[0].amount == r->amount);
}

static void one(const char *line)
{
	struct rctl_rule r, f;
	struct perr e = { 0 };

	if (rctl_parse_rule(line, "j", &r, &e) == 0) {
		FUZZ_ASSERT(r.resource >= 0 && r.resource < R__COUNT && r.action >= 0 && r.action < RA__COUNT);
		FUZZ_ASSERT(r.jail[0] != '\0' && r.has_amount);
		reparse(&r, false);
		if (!strchr(r.jail, ':'))
			reparse(&r, true);
		FUZZ_ASSERT(rctl_match(&r, &r));
		(void)rctl_check(&r, &e);
		through_watch(&r);
	} else {
		FUZZ_ASSERT(e.msg[0] != '\0' && e.err != 0);
	}
	if (rctl_parse_filter(line, &f, &e) == 0) {
		FUZZ_ASSERT(f.resource >= -1 && f.resource < R__COUNT && f.action >= -1 && f.action < RA__COUNT);
		if (f.resource >= 0 && f.action >= 0 && f.jail[0] && f.has_amount)
			reparse(&f, false);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size), *p = text, *line;

	while ((line = fuzz_line(&p)))
		one(line);
	free(text);
	return 0;
}
