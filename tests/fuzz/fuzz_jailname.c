/*
 * Jail names (jailname.h): a name that passes never holds what a path or
 * a name index would trip on, and its parent's name, when it has one,
 * passes too.
 */
#include "fuzz.h"

#include "../../src/lib/jailname.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *name = fuzz_string(data, size), parent[256];
	struct perr e = { 0 };

	if (jail_check_name(name, 1, &e) < 0) {
		FUZZ_ASSERT(e.msg[0] != '\0' && e.err != 0);
		free(name);
		return 0;
	}
	FUZZ_ASSERT(name[0] != '\0' && strlen(name) <= 255);
	FUZZ_ASSERT(!strpbrk(name, "/*") && strcmp(name, ".") != 0 && strcmp(name, "..") != 0);
	for (const char *p = name; *p; p++)
		FUZZ_ASSERT(*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r' && *p != '\v' && *p != '\f');
	if (jail_name_parent(name, parent, sizeof(parent))) {
		FUZZ_ASSERT(parent[0] != '\0' && strncmp(name, parent, strlen(parent)) == 0);
		/* A numeric part of the parent is the parent's jid, whatever it is: the check that matters is the shape. */
		FUZZ_ASSERT(!strpbrk(parent, "/* \t\n") && parent[strlen(parent) - 1] != '.');
	}
	free(name);
	return 0;
}
