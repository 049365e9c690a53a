/*
 * libFuzzer harness for the jail.conf parser: any input must parse or fail
 * with a message, and resolving every jail must not read out of bounds,
 * leak, or loop; ASan and UBSan watch.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "../../src/lib/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf c = { .no_include = true };
	struct perr e = { 0 };
	const char **names;

	if (conf_parse_string(&c, (const char *)data, size, "fuzz.conf", &e) == 0) {
		size_t n = conf_jail_names(&c, &names);
		for (size_t i = 0; i < n; i++) {
			struct conf_jail j;
			if (conf_resolve(&c, names[i], &j, &e) == 0)
				conf_jail_free(&j);
		}
		free(names);
	}
	conf_free(&c);
	return 0;
}
