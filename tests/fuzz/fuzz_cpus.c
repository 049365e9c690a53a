/*
 * cpuset.cpus lists (cglimit.h): a list that passes is one the kernel's
 * cpuset.cpus takes, every CPU in it one this machine has.
 */
#include "fuzz.h"

#include <unistd.h>

#include "../../src/lib/cglimit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *list = fuzz_string(data, size);
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	struct perr e = { 0 };

	if (cg_check_cpus(list, &e) < 0) {
		FUZZ_ASSERT(e.msg[0] != '\0' && e.err != 0);
		free(list);
		return 0;
	}
	FUZZ_ASSERT(list[0] != '\0' && strspn(list, "0123456789,-") == strlen(list));
	for (const char *p = list; *p;) {
		char *end;
		long lo = strtol(p, &end, 10), hi = lo;
		FUZZ_ASSERT(end != p && lo >= 0 && lo < ncpu);
		if (*end == '-') {
			p = end + 1;
			hi = strtol(p, &end, 10);
			FUZZ_ASSERT(end != p && hi >= lo && hi < ncpu);
		}
		FUZZ_ASSERT(*end == ',' || *end == '\0');
		p = *end ? end + 1 : end;
		FUZZ_ASSERT(*p != '\0' || *end == '\0');
	}
	free(list);
	return 0;
}
