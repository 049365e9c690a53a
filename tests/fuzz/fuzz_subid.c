/*
 * /etc/subuid and /etc/subgid lines (idrange.h), one per line of the
 * input: every span taken stays within 32 bits and is not empty, and a
 * range that meets a span is never one the allocator offers.
 */
#include "fuzz.h"

#include "../../src/lib/idrange.h"

static bool never(unsigned long base, void *arg)
{
	(void)base;
	(void)arg;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size), *p = text, *line;
	struct id_spans s = { 0 };
	unsigned long base;
	int lines = 0;

	/* A real file has a few lines; each costs the allocator a pass over the pool. */
	while (lines++ < 64 && (line = fuzz_line(&p)))
		FUZZ_ASSERT(id_spans_add_subid_line(&s, line) == 0);
	for (size_t i = 0; i < s.n; i++)
		FUZZ_ASSERT(s.v[i].count > 0 && s.v[i].first <= 0xffffffffUL &&
			    s.v[i].count - 1 <= 0xffffffffUL - s.v[i].first);
	base = idrange_pick(IDRANGE_POOL_FIRST, &s, never, NULL);
	if (base) {
		FUZZ_ASSERT(base >= IDRANGE_POOL_FIRST && base < IDRANGE_POOL_END && base % IDRANGE_SIZE == 0);
		FUZZ_ASSERT(!id_spans_overlap(&s, base));
		for (size_t i = 0; i < s.n; i++)
			FUZZ_ASSERT(s.v[i].first + s.v[i].count <= base || base + IDRANGE_SIZE <= s.v[i].first);
	}
	id_spans_free(&s);
	free(text);
	return 0;
}
