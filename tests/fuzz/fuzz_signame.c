/*
 * kill(1)'s signal names and numbers (signame.h): what parses is a signal
 * number in range, and a signal's name parses back to the same number.
 */
#include "fuzz.h"

#include <signal.h>

#include "../../src/lib/signame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size), name[32];
	int sig = signal_parse(s);

	FUZZ_ASSERT(sig >= -1 && sig <= signal_max());
	if (sig > 0 && signal_name(sig, name, sizeof(name)))
		FUZZ_ASSERT(signal_parse(name) == sig);
	/* The number the input's first bytes make, named and parsed back. */
	if (size >= 2) {
		int n = (int)(signed char)data[0] * 256 + data[1];
		if (signal_name(n, name, sizeof(name)))
			FUZZ_ASSERT(n > 0 && n <= signal_max() && signal_parse(name) == n);
	}
	free(s);
	return 0;
}
