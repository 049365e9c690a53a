/* A minimal unit test harness: CHECK records a failure and goes on. */
#ifndef PRISON_UNIT_H
#define PRISON_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_failed, unit_checks;

#define CHECK(cond)                                                                   \
	do {                                                                          \
		unit_checks++;                                                        \
		if (!(cond)) {                                                        \
			unit_failed++;                                                \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                     \
	} while (0)

static inline int unit_streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

#define CHECK_STR(a, b) CHECK(unit_streq((a), (b)))

/* Each test file ends with UNIT_MAIN(test1, test2, ...). */
#define UNIT_MAIN(...)                                                                      \
	int main(void)                                                                      \
	{                                                                                   \
		void (*tests[])(void) = { __VA_ARGS__ };                                    \
		int failed_tests = 0;                                                       \
		for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {             \
			int before = unit_failed;                                           \
			tests[i]();                                                         \
			failed_tests += unit_failed != before;                              \
		}                                                                           \
		printf("%zu %d\n", sizeof(tests) / sizeof(tests[0]) - (size_t)failed_tests, \
		       failed_tests);                                                       \
		return unit_failed != 0;                                                    \
	}

#endif
