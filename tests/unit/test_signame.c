/* Unit tests of the signal names of jkill(8) (signame.c). */
#include <signal.h>
#include <stdbool.h>

#include "../../src/lib/signame.h"

#include "unit.h"

static void test_names_and_numbers(void)
{
	CHECK(signal_parse("HUP") == SIGHUP);
	CHECK(signal_parse("SIGHUP") == SIGHUP);
	CHECK(signal_parse("hup") == SIGHUP);
	CHECK(signal_parse("sigterm") == SIGTERM);
	CHECK(signal_parse("1") == SIGHUP);
	CHECK(signal_parse("9") == SIGKILL);
	CHECK(signal_parse("0") == 0);
	CHECK(signal_parse("USR1") == SIGUSR1);
	CHECK(signal_parse("IOT") == SIGABRT);
	CHECK(signal_parse("CLD") == SIGCHLD);
	CHECK(signal_parse("IO") == SIGIO);
	CHECK(signal_parse("POLL") == SIGIO);
}

static void test_bad_signals(void)
{
	CHECK(signal_parse("") == -1);
	CHECK(signal_parse(NULL) == -1);
	CHECK(signal_parse("FOO") == -1);
	CHECK(signal_parse("SIG") == -1);
	CHECK(signal_parse("-1") == -1);
	CHECK(signal_parse("65") == -1);
	CHECK(signal_parse("1x") == -1);
	CHECK(signal_parse("RTMIN+99") == -1);
	CHECK(signal_parse("RTMIN-1") == -1);
	CHECK(signal_parse("RTMINX") == -1);
}

static void test_realtime(void)
{
	char buf[16];

	CHECK(signal_parse("RTMIN") == SIGRTMIN);
	CHECK(signal_parse("SIGRTMIN+2") == SIGRTMIN + 2);
	CHECK(signal_parse("RTMAX-1") == SIGRTMAX - 1);
	CHECK(signal_parse("rtmax") == SIGRTMAX);
	CHECK(signal_name(SIGRTMIN + 2, buf, sizeof(buf)));
	CHECK_STR(buf, "RTMIN+2");
	CHECK(signal_name(SIGRTMAX - 1, buf, sizeof(buf)));
	CHECK_STR(buf, "RTMAX-1");
	CHECK(signal_name(SIGRTMAX, buf, sizeof(buf)));
	CHECK_STR(buf, "RTMAX");
}

static void test_round_trip(void)
{
	char buf[16];

	CHECK(signal_name(SIGTERM, buf, sizeof(buf)));
	CHECK_STR(buf, "TERM");
	CHECK(!signal_name(0, buf, sizeof(buf)));
	CHECK(!signal_name(SIGRTMAX + 1, buf, sizeof(buf)));
	for (int i = 1; i <= signal_max(); i++) {
		bool named = signal_name(i, buf, sizeof(buf));
		/* 32 and 33 are the C library's own: no name, as kill -l shows. */
		CHECK(named == (i < 32 || i >= SIGRTMIN));
		if (named)
			CHECK(signal_parse(buf) == i);
	}
}

UNIT_MAIN(test_names_and_numbers, test_bad_signals, test_realtime, test_round_trip)
