/*
 * The "watch" message jailinit parses (initwatch.h): any text parses or is
 * refused with a reason; what parses holds only watched resources and
 * actions, and written out again in the same form parses to the same
 * list.
 */
#include "fuzz.h"

#include "../../src/cmd/initwatch.h"
#include "../../src/lib/rctl.h"

static size_t format(const struct watch_list *l, char *buf, size_t len)
{
	size_t used = (size_t)snprintf(buf, len, "watch %d %s\n", l->jid, l->name);

	for (size_t i = 0; i < l->n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%d %d %d %llu %s\n", l->rule[i].resource,
					 l->rule[i].action, l->rule[i].signal, (unsigned long long)l->rule[i].amount,
					 l->rule[i].text);
	return used;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct watch_list l, again;
	static char buf[2 * WATCH_MAX_MSG];
	char *msg = fuzz_string(data, size), err[128];

	if (watch_parse(msg, &l, err, sizeof(err)) < 0) {
		FUZZ_ASSERT(err[0] != '\0');
		free(msg);
		return 0;
	}
	FUZZ_ASSERT(l.n <= WATCH_MAX_RULES && l.jid > 0 && l.name[0] != '\0');
	for (size_t i = 0; i < l.n; i++) {
		const struct watch_rule *r = &l.rule[i];
		FUZZ_ASSERT(r->resource >= 0 && r->resource < R__COUNT);
		FUZZ_ASSERT(r->action == RA_LOG || r->action == RA_DEVCTL || (r->action == RA_SIGNAL && r->signal > 0));
		FUZZ_ASSERT(r->text[0] != '\0' && !strpbrk(r->text, " \n"));
	}
	FUZZ_ASSERT(format(&l, buf, sizeof(buf)) < sizeof(buf));
	FUZZ_ASSERT(watch_parse(buf, &again, err, sizeof(err)) == 0);
	FUZZ_ASSERT(again.jid == l.jid && strcmp(again.name, l.name) == 0 && again.n == l.n);
	for (size_t i = 0; i < l.n; i++)
		FUZZ_ASSERT(again.rule[i].resource == l.rule[i].resource && again.rule[i].action == l.rule[i].action &&
			    again.rule[i].signal == l.rule[i].signal && again.rule[i].amount == l.rule[i].amount &&
			    strcmp(again.rule[i].text, l.rule[i].text) == 0);
	free(msg);
	return 0;
}
