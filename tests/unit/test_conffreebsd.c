/* Unit tests of the jail.conf rules that follow FreeBSD's parser (jaillex.l, jailparse.y, config.c). */
#include "../../src/lib/conf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confshow.h"
#include "unit.h"

static char *show(const char *text, const char *jail)
{
	return conf_show(text, jail, '|');
}

static void test_order_of_appearance(void)
{
	CHECK_STR(show("x { p = 1; } p = 2;", "x"), "p=2");
	CHECK_STR(show("p = 2; x { p = 1; }", "x"), "p=1");
	CHECK_STR(show("x { p = 1; } * { p = 3; } y { }", "x"), "p=3");
	CHECK_STR(show("allow.mount; x { a; } allow.nomount;", "x"), "allow.nomount a");
	CHECK_STR(show("x { allow.nomount; allow.mount; }", "x"), "allow.mount");
	CHECK_STR(show("x { persist; p = 1; nopersist; }", "x"), "nopersist p=1");
	/* A variable is not a boolean: $nox is not $x. */
	CHECK_STR(show("$x = 1; $nox = 2; x { p = \"$x$nox\"; }", "x"), "p=12");
}

static void test_dollar_without_name_is_literal(void)
{
	CHECK_STR(show("x { a = \"awk '{print $2}'\"; }", "x"), "a=awk '{print $2}'");
	CHECK_STR(show("x { a = \"$$ $(h) $\"; }", "x"), "a=$$ $(h) $");
	CHECK_STR(show("x { a = $; b = $$; c = a$; }", "x"), "a=$ b=$$ c=a$");
	CHECK_STR(show("$v = V; x { a = \\$v; b = \"\\${v}\"; c = '$v'; d = $v; }", "x"), "a=$v b=${v} c=$v d=V");
	CHECK_STR(show("$_1 = U; x { a = $_1; }", "x"), "a=U");
}

static void test_escapes(void)
{
	CHECK_STR(show("x { a = 'it\\'s\\tx'; }", "x"), "a=it's\tx");
	CHECK_STR(show("x { a = \"\\101\\x41\\x4a\\1010\\08\"; }", "x"), "ERROR t.conf:1:27: a value cannot hold a NUL character");
	CHECK_STR(show("x { a = \"\\101\\x41\\x4a\\1010\"; }", "x"), "a=AAJA0");
	CHECK_STR(show("x { a = \"\\a\\b\\f\\v\\q\"; }", "x"), "a=\a\b\f\vq");
	CHECK_STR(show("x { a = b\\x41r\\\nc; }", "x"), "a=bArc");
	CHECK_STR(show("x { a = 'no\\\nbreak'; }", "x"), "a=nobreak");
}

static void test_statement_forms(void)
{
	CHECK_STR(show(";; x { ;a;; b \"v w\"; c 1, 2; };;", "x"), "a b=v w c=1|2");
	CHECK_STR(show("\"x\" { \"p\" = 1; 'q'; }", "x"), "p=1 q");
	CHECK_STR(show("$v \"1\"; x { p = $v; }", "x"), "p=1");
}

static void test_lists_expand_to_lists(void)
{
	const char *t = "$l = a, b; $m = $l, c; $n = $m; x { p = $n; q = \"$l\"; r = \"<$l>\"; s += $l, $l; }";

	CHECK_STR(show(t, "x"), "p=a|b|c q=a|b r=<a,b> s=a|b|a|b");
	CHECK_STR(show("$a = $b, x; $b = $a; x { p = $a; }", "x"),
		  "ERROR t.conf:1:1: variables refer to each other in a loop");
}

static void test_long_chains_and_names(void)
{
	static char text[65536], want[512];
	size_t n = 0;

	n += (size_t)snprintf(text + n, sizeof(text) - n, "$v0 = end;\n");
	for (int i = 1; i <= 200; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "$v%d = \"${v%d}\";\n", i, i - 1);
	n += (size_t)snprintf(text + n, sizeof(text) - n, "$n%0300d = long;\n", 0);
	snprintf(text + n, sizeof(text) - n, "x { p = $v200; q = ${n%0300d}; }\n", 0);
	CHECK_STR(show(text, "x"), "p=end q=long");

	n = 0;
	for (int i = 1; i <= 1100; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "$v%d = \"${v%d}\";\n", i, i - 1);
	snprintf(text + n, sizeof(text) - n, "$v0 = end;\nx { p = $v1100; }\n");
	snprintf(want, sizeof(want), "x: variables nested more than 1024 deep");
	CHECK(strstr(show(text, "x"), want) != NULL);
}

/* Lists of lists of empty values cost no bytes: the number of values is bounded. */
static void test_list_bomb_is_bounded(void)
{
	static char text[65536];
	size_t n = 0;

	n += (size_t)snprintf(text + n, sizeof(text) - n, "$a = \"\"");
	for (int i = 0; i < 99; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, ", \"\"");
	for (char v = 'b'; v <= 'f'; v++) {
		n += (size_t)snprintf(text + n, sizeof(text) - n, ";\n$%c = $%c", v, v - 1);
		for (int i = 0; i < 99; i++)
			n += (size_t)snprintf(text + n, sizeof(text) - n, ", $%c", v - 1);
	}
	snprintf(text + n, sizeof(text) - n, ";\nx { p = $f; }\n");
	CHECK(strstr(show(text, "x"), "values once variables are expanded") != NULL ||
	      strstr(show(text, "x"), "variable references") != NULL);
}

static void test_numeric_section_is_a_jid(void)
{
	struct conf c = { 0 };
	struct conf_jail j;
	struct perr e = { 0 };
	const char *t = "5309 { name = basejail; h = \"${name}\"; } 5310 { h = \"${name}\"; } web { name = x; h = $name; }";

	CHECK(conf_parse_string(&c, t, strlen(t), "t.conf", &e) == 0);
	CHECK(conf_resolve(&c, "5309", &j, &e) == 0);
	CHECK(j.numeric);
	conf_jail_free(&j);
	CHECK(conf_resolve(&c, "web", &j, &e) == 0);
	CHECK(!j.numeric);
	conf_jail_free(&j);
	conf_free(&c);
	CHECK_STR(show(t, "5309"), "name=basejail h=basejail");
	CHECK_STR(show(t, "5310"), "h=5310");
	/* In a named section, ${name} is the section's name. */
	CHECK_STR(show(t, "web"), "name=x h=web");
}

static void test_dotted_sections(void)
{
	CHECK_STR(show("web.php { p = 1; } web { }", "web.php"), "p=1");
	CHECK_STR(show("'web.php' { p = 1; }", "web.php"), "p=1");
	CHECK_STR(show("web. { }", "web."), "ERROR t.conf:1:1: expected a jail name, found \"web.\"");
	CHECK_STR(show(".web { }", ".web"), "ERROR t.conf:1:1: expected a jail name, found \".web\"");
}

UNIT_MAIN(test_order_of_appearance, test_dollar_without_name_is_literal, test_escapes, test_statement_forms,
	  test_lists_expand_to_lists, test_long_chains_and_names, test_list_bomb_is_bounded, test_numeric_section_is_a_jid, test_dotted_sections)
