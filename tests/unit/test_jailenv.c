/* Unit tests of the environment a jail's env parameter gives its commands. */
#include <string.h>

#include "../../src/lib/jailenv.h"
#include "unit.h"

static void test_lines_become_variables(void)
{
	char *base[] = { "PATH=/bin", "ROLE=old", NULL }, text[128], *out[8];
	char **env = jailenv_merge(base, "ROLE=web\nnot a variable\n1X=no\nTIER=2\n=x", text, sizeof(text), out, 8);

	CHECK_STR(env[0], "PATH=/bin");
	CHECK_STR(env[1], "ROLE=web");
	CHECK_STR(env[2], "TIER=2");
	CHECK(env[3] == NULL);
}

static void test_what_does_not_fit_is_left_out(void)
{
	char *base[] = { "A=1", NULL }, text[64], *out[3];
	char **env = jailenv_merge(base, "B=2\nC=3", text, sizeof(text), out, 3);

	CHECK_STR(env[0], "A=1");
	CHECK_STR(env[1], "B=2");
	CHECK(env[2] == NULL);
	env = jailenv_merge(NULL, NULL, text, sizeof(text), out, 3);
	CHECK(env[0] == NULL);
	env = jailenv_merge(base, "B=2", text, 3, out, 3);
	CHECK_STR(env[0], "A=1");
	CHECK(env[1] == NULL);
}

UNIT_MAIN(test_lines_become_variables, test_what_does_not_fit_is_left_out)
