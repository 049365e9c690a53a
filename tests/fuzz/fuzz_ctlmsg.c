/*
 * jailinit's control requests (ctlmsg.h): any packet decodes to one kind,
 * the arguments stay in their bounds, and the canonical form of what was
 * decoded decodes to the same request.
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
	case CTL_MSG_WATCH:
	case CTL_MSG_BAD:
		buf[0] = '\0';
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_msg m, again;
	char buf[64];

	switch (ctl_msg_decode((const char *)data, size, &m)) {
	case CTL_MSG_PERSIST:
		FUZZ_ASSERT(m.arg == 0 || m.arg == 1);
		break;
	case CTL_MSG_STOP:
		FUZZ_ASSERT(m.arg >= 0 && m.arg <= CTL_STOP_MAX);
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
