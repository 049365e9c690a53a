/*
 * jailinit's control requests and a jail's requests about its descendants
 * (ctlmsg.h): any packet decodes to one kind, the arguments stay in their
 * bounds, and the canonical form of what was decoded decodes to the same
 * request (a nested request's is the packet itself, byte for byte).
 */
#include "fuzz.h"

#include "../../src/lib/ctlmsg.h"

static void canonical(const struct ctl_msg *m, char *buf, size_t len)
{
	switch (m->kind) {
	case CTL_MSG_HOLD:
		snprintf(buf, len, "hold");
		break;
	case CTL_MSG_RELEASE:
		snprintf(buf, len, "release");
		break;
	case CTL_MSG_PERSIST:
		snprintf(buf, len, "persist %ld", m->arg);
		break;
	case CTL_MSG_STOP:
		snprintf(buf, len, "stop %ld", m->arg);
		break;
	case CTL_MSG_CHILDREN:
		snprintf(buf, len, "children %ld", m->arg);
		break;
	case CTL_MSG_WATCH:
	case CTL_MSG_BAD:
		buf[0] = '\0';
		break;
	}
}

static void nest(const uint8_t *data, size_t size)
{
	static struct ctl_nest r, again;
	static char buf[CTL_NEST_MAX];
	size_t n;

	if (ctl_nest_decode((const char *)data, size, &r) == CTL_NEST_BAD) {
		FUZZ_ASSERT(r.nwords == 0);
		return;
	}
	FUZZ_ASSERT(size <= CTL_NEST_MAX && r.nwords <= CTL_NEST_WORDS && data[size - 1] == '\0');
	for (size_t i = 0; i < r.nwords; i++)
		FUZZ_ASSERT(r.words[i] > (const char *)data && r.words[i] < (const char *)data + size);
	n = ctl_nest_encode(r.verb, r.words, r.nwords, buf, sizeof(buf));
	FUZZ_ASSERT(n == size && memcmp(buf, data, size) == 0);
	FUZZ_ASSERT(ctl_nest_decode(buf, n, &again) == r.verb && again.nwords == r.nwords);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_msg m, again;
	char buf[64];

	nest(data, size);

	switch (ctl_msg_decode((const char *)data, size, &m)) {
	case CTL_MSG_PERSIST:
		FUZZ_ASSERT(m.arg == 0 || m.arg == 1);
		break;
	case CTL_MSG_STOP:
		FUZZ_ASSERT(m.arg >= 0 && m.arg <= CTL_STOP_MAX);
		break;
	case CTL_MSG_CHILDREN:
		FUZZ_ASSERT(m.arg >= 0 && m.arg <= 999999);
		break;
	case CTL_MSG_WATCH:
		FUZZ_ASSERT(size >= 6 && memcmp(data, "watch ", 6) == 0);
		return 0;
	case CTL_MSG_BAD:
		FUZZ_ASSERT(m.arg == 0);
		return 0;
	default:
		break;
	}
	FUZZ_ASSERT(memchr(data, '\0', size) == NULL);
	canonical(&m, buf, sizeof(buf));
	FUZZ_ASSERT(ctl_msg_decode(buf, strlen(buf), &again) == m.kind && again.arg == m.arg);
	return 0;
}
