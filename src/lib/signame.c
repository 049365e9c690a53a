#include "signame.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util.h"

static const struct {
	const char *name;
	int sig;
} aliases[] = {
	{ "IOT", SIGABRT },
	{ "CLD", SIGCHLD },
	{ "IO", SIGIO },
};

int signal_max(void)
{
	return SIGRTMAX;
}

/* RTMIN, RTMIN+N, RTMAX-N, RTMAX, as the C library numbers them (it keeps the first two for itself). */
static int realtime(const char *s)
{
	long off = 0;

	if (strncasecmp(s, "RTMIN", 5) == 0) {
		if (s[5] && (s[5] != '+' || !parse_long(s + 6, 0, SIGRTMAX - SIGRTMIN, &off)))
			return -1;
		return SIGRTMIN + (int)off;
	}
	if (strncasecmp(s, "RTMAX", 5) == 0) {
		if (s[5] && (s[5] != '-' || !parse_long(s + 6, 0, SIGRTMAX - SIGRTMIN, &off)))
			return -1;
		return SIGRTMAX - (int)off;
	}
	return -1;
}

int signal_parse(const char *s)
{
	long n;

	if (!s || !*s)
		return -1;
	if (parse_long(s, 0, SIGRTMAX, &n))
		return (int)n;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (int i = 1; i < SIGRTMIN; i++) {
		const char *name = sigabbrev_np(i);
		if (name && strcasecmp(s, name) == 0)
			return i;
	}
	for (size_t i = 0; i < ARRAY_SIZE(aliases); i++)
		if (strcasecmp(s, aliases[i].name) == 0)
			return aliases[i].sig;
	return realtime(s);
}

bool signal_name(int sig, char *buf, size_t len)
{
	const char *name = sig > 0 && sig < SIGRTMIN ? sigabbrev_np(sig) : NULL;
	int mid = SIGRTMIN + (SIGRTMAX - SIGRTMIN) / 2;

	if (len)
		buf[0] = '\0';
	if (name)
		snprintf(buf, len, "%s", name);
	else if (sig == SIGRTMIN)
		snprintf(buf, len, "RTMIN");
	else if (sig == SIGRTMAX)
		snprintf(buf, len, "RTMAX");
	/* Counted from the nearer end, as kill -l prints them. */
	else if (sig > SIGRTMIN && sig <= mid)
		snprintf(buf, len, "RTMIN+%d", sig - SIGRTMIN);
	else if (sig > mid && sig < SIGRTMAX)
		snprintf(buf, len, "RTMAX-%d", SIGRTMAX - sig);
	return len && buf[0] != '\0';
}
