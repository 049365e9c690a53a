/* Unit tests of the jail.conf parser and of the resolution of a jail's parameters. */
#include "../../src/lib/conf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/lib/jailconf.h"
#include "confshow.h"
#include "unit.h"

static int parse(struct conf *c, const char *text, struct perr *e)
{
	memset(c, 0, sizeof(*c));
	return conf_parse_string(c, text, strlen(text), "t.conf", e);
}

static char *show(const char *text, const char *jail)
{
	return conf_show(text, jail, ',');
}

static void test_basic_section(void)
{
	CHECK_STR(show("www { path = /j/www; persist; host.hostname = \"w.example\"; }", "www"),
		  "path=/j/www persist host.hostname=w.example");
}

static void test_globals_wildcard_and_order(void)
{
	const char *t = "persist;\n"
			"securelevel = 1;\n"
			"* { securelevel = 2; path = \"/var/jail/$name\"; }\n"
			"a { securelevel = 3; }\n"
			"b { }\n";
	CHECK_STR(show(t, "a"), "persist securelevel=3 path=/var/jail/a");
	CHECK_STR(show(t, "b"), "persist securelevel=2 path=/var/jail/b");
}

static void test_append_and_lists(void)
{
	const char *t = "x { ip4.addr = 198.18.0.1, 198.18.0.2; ip4.addr += 198.18.0.3; }";
	CHECK_STR(show(t, "x"), "ip4.addr=198.18.0.1,198.18.0.2,198.18.0.3");
	CHECK_STR(show("x { a = 1; a = 2; }", "x"), "a=2");
}

static void test_variables(void)
{
	const char *t = "$base = /var/jail;\n"
			"$dom = example.org;\n"
			"x { $tmp = \"${base}/tmp\"; path = \"$base/$name\"; host.hostname = \"$name.$dom\"; mount.fstab = \"$tmp\"; }";
	CHECK_STR(show(t, "x"), "path=/var/jail/x host.hostname=x.example.org mount.fstab=/var/jail/tmp");
	/* A later assignment wins even where an earlier line refers to it. */
	CHECK_STR(show("$v = one; x { p = $v; } $v = two;", "x"), "p=two");
	/* ${param} of the same jail. */
	CHECK_STR(show("x { path = /j/x; exec.start = \"ls ${path}\"; }", "x"), "path=/j/x exec.start=ls /j/x");
	/* A variable called name hides the jail's name. */
	CHECK_STR(show("$name = other; x { p = $name; }", "x"), "p=other");
}

static void test_quoting(void)
{
	CHECK_STR(show("x { a = 'lit $x'; b = \"t\\tab\"; c = \"\"; d = pre\"mid\"'post'; e = \"\\$home\"; }", "x"),
		  "a=lit $x b=t\tab c= d=premidpost e=$home");
	CHECK_STR(show("x { a = \"one \\\ntwo\"; }", "x"), "a=one two");
}

static void test_comments(void)
{
	CHECK_STR(show("# hash\n// slashes\n/* block\n * more */ x { a = 1; /* inside */ b; # end\n }", "x"), "a=1 b");
	CHECK_STR(show("x { a = \"# not a comment\"; }", "x"), "a=# not a comment");
}

static void test_merged_sections(void)
{
	CHECK_STR(show("x { a = 1; } y { b = 2; } x { c = 3; }", "x"), "a=1 c=3");
}

static void test_errors_name_file_line_column(void)
{
	CHECK_STR(show("x {\n  path = \"/j;\n}\n", "x"), "ERROR t.conf:2:10: string not closed, expected \"");
	CHECK_STR(show("x {\n  path = /j\n}\n", "x"), "ERROR t.conf:3:1: expected ';' or ',', found '}'");
	CHECK_STR(show("x { path = ; }", "x"), "ERROR t.conf:1:12: expected a value, found ';'");
	CHECK_STR(show("}", "x"), "ERROR t.conf:1:1: '}' without a jail to close");
	CHECK_STR(show("x { y { a; } }", "x"),
		  "ERROR t.conf:1:5: nested jail \"y\" in \"x\": write the child's section as \"x.y\" instead");
	CHECK_STR(show("x {\n a = $nope;\n}", "x"), "ERROR t.conf:2:2: x: undefined variable \"nope\"");
	CHECK_STR(show("$a = $b; $b = $a; x { p = $a; }", "x"), "ERROR t.conf:1:1: variables refer to each other in a loop");
	CHECK_STR(show("x { \"quo$ted\" = 1; }", "x"), "ERROR t.conf:1:5: expected a parameter name, found \"quo${ted}\"");
	CHECK_STR(show("/* open", "x"), "ERROR t.conf:1:1: comment not closed, expected '*/'");
	CHECK_STR(show("x { a = 1;", "x"), "ERROR t.conf:1:11: expected '}' to close the jail \"x\"");
	CHECK_STR(show("x { a = 1; }", "y"), "ERROR jail \"y\" is not in the configuration");
	CHECK_STR(show("x { a = ${\n; }", "x"), "ERROR t.conf:1:9: expected a name and '}' after '${'");
	CHECK_STR(show("x { a = \"\\0\"; }", "x"), "ERROR t.conf:1:10: a value cannot hold a NUL character");
}

static void test_names(void)
{
	struct conf c;
	struct perr e = { 0 };
	const char **names;

	CHECK(parse(&c, "* { a; } b { } a { } b { }", &e) == 0);
	size_t n = conf_jail_names(&c, &names);
	CHECK(n == 2);
	CHECK_STR(names[0], "b");
	CHECK_STR(names[1], "a");
	free(names);
	conf_free(&c);
}

static void test_to_parameters(void)
{
	struct conf c;
	struct conf_jail j;
	struct paramset ps = { 0 };
	struct perr e = { 0 };

	CHECK(parse(&c, "x { path = /j; persist; allow.nomount; command = \"/bin/sh /etc/rc\"; }", &e) == 0);
	CHECK(conf_resolve(&c, "x", &j, &e) == 0);
	CHECK(jailconf_params(&j, &ps, &e) == 0);
	CHECK_STR(param_str(&ps, P_NAME), "x");
	CHECK_STR(param_str(&ps, P_PATH), "/j");
	CHECK(param_bool(&ps, P_PERSIST));
	CHECK(!param_bool(&ps, P_ALLOW_MOUNT));
	CHECK_STR(ps.v[P_EXEC_START].argv[0], "/bin/sh /etc/rc");
	CHECK(ps.v[P_EXEC_START].argv[1] == NULL);
	conf_jail_free(&j);
	param_free(&ps);
	conf_free(&c);

	/* A list of commands stays a list: commas inside a command are not separators. */
	CHECK(parse(&c, "x { exec.prestart = \"echo a, b\", \"true\"; exec.prestart += done; }", &e) == 0);
	CHECK(conf_resolve(&c, "x", &j, &e) == 0);
	CHECK(jailconf_params(&j, &ps, &e) == 0);
	CHECK_STR(ps.v[P_EXEC_PRESTART].argv[0], "echo a, b");
	CHECK_STR(ps.v[P_EXEC_PRESTART].argv[1], "true");
	CHECK_STR(ps.v[P_EXEC_PRESTART].argv[2], "done");
	conf_jail_free(&j);
	param_free(&ps);
	conf_free(&c);

	CHECK(parse(&c, "x { ip4.addr = 198.18.0.1, 198.18.0.2/24; exec.fib = 1; }", &e) == 0);
	CHECK(conf_resolve(&c, "x", &j, &e) == 0);
	/* FreeBSD 15's parameters that were refused once are parameters now. */
	CHECK(jailconf_params(&j, &ps, &e) == 0);
	CHECK_STR(param_str(&ps, P_EXEC_FIB), "1");
	conf_jail_free(&j);
	param_free(&ps);
	conf_free(&c);

	/* A list for a core parameter arrives as one comma-separated value. */
	CHECK(parse(&c, "x { ip4.addr = 198.18.0.1; ip4.addr += 198.18.0.2/24; vnet; }", &e) == 0);
	CHECK(conf_resolve(&c, "x", &j, &e) == 0);
	CHECK(jailconf_params(&j, &ps, &e) == 0);
	CHECK_STR(param_str(&ps, P_IP4_ADDR), "198.18.0.1,198.18.0.2/24");
	CHECK_STR(param_str(&ps, P_VNET), "new");
	conf_jail_free(&j);
	param_free(&ps);
	conf_free(&c);

	CHECK(parse(&c, "x { bogus = 1; }", &e) == 0);
	CHECK(conf_resolve(&c, "x", &j, &e) == 0);
	CHECK(jailconf_params(&j, &ps, &e) < 0);
	CHECK_STR(e.msg, "unknown parameter: bogus");
	conf_jail_free(&j);
	param_free(&ps);
	conf_free(&c);
}

static void test_binary_garbage_is_refused(void)
{
	struct conf c;
	struct perr e = { 0 };
	const char bin[] = { 'x', ' ', '{', '\0', '}' };

	memset(&c, 0, sizeof(c));
	CHECK(conf_parse_string(&c, bin, sizeof(bin), "bin.conf", &e) < 0);
	CHECK_STR(e.msg, "bin.conf: not a text file");
	conf_free(&c);
}

static char *order_of(const char *text, char **names, size_t n, bool for_remove)
{
	static char out[512];
	struct conf c;
	struct perr e = { 0 };
	const char **order;
	size_t norder, len = 0;

	out[0] = '\0';
	if (parse(&c, text, &e) < 0 || jailconf_order(&c, names, n, for_remove, &order, &norder, &e) < 0) {
		snprintf(out, sizeof(out), "ERROR %s", e.msg);
		conf_free(&c);
		return out;
	}
	for (size_t i = 0; i < norder; i++)
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s", i ? " " : "", order[i]);
	free(order);
	conf_free(&c);
	return out;
}

static void test_depend_order(void)
{
	const char *t = "web { depend = app; } app { depend = db, cache; } db { } cache { } lone { }";
	char *web[] = { "web" }, *db[] = { "db" }, *lone[] = { "lone" };

	CHECK_STR(order_of(t, web, 1, false), "db cache app web");
	CHECK_STR(order_of(t, NULL, 0, false), "db cache app web lone");
	CHECK_STR(order_of(t, db, 1, true), "web app db");
	CHECK_STR(order_of(t, lone, 1, true), "lone");
	CHECK_STR(order_of(t, NULL, 0, true), "lone web app cache db");
	CHECK_STR(order_of("a { depend = b; } b { depend = a; }", NULL, 0, false),
		  "ERROR a: depends on itself through depend");
	CHECK_STR(order_of("a { depend = z; }", NULL, 0, false), "ERROR a: depends on \"z\", which is not configured");
	char *nowhere[] = { "nowhere" };
	CHECK_STR(order_of(t, nowhere, 1, false), "ERROR nowhere: jail \"nowhere\" is not in the configuration");
}

/* A scratch directory of files for the tests that read them; removed by the caller with rm_scratch. */
static char scratch[64];

static int make_scratch(void)
{
	snprintf(scratch, sizeof(scratch), "/tmp/test_conf.XXXXXX");
	return mkdtemp(scratch) ? 0 : -1;
}

static void rm_scratch(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
	CHECK(system(cmd) == 0);
}

static int write_file(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", scratch, name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* A FIFO where a file is expected is refused at once (alarm: a hang fails the test), as jail.conf or as an include. */
static void test_fifo_is_refused(void)
{
	struct conf c = { 0 };
	struct perr e = { 0 };
	char path[128], inc[256], want[256];

	CHECK(make_scratch() == 0);
	snprintf(path, sizeof(path), "%s/fifo.conf", scratch);
	CHECK(mkfifo(path, 0600) == 0);
	alarm(10);
	CHECK(conf_parse_file(&c, path, &e) < 0);
	snprintf(want, sizeof(want), "%s: not a regular file", path);
	CHECK_STR(e.msg, want);
	CHECK(e.err == EINVAL);
	conf_free(&c);

	snprintf(inc, sizeof(inc), "a { persist; }\n.include \"%s\";\n", path);
	CHECK(write_file("main.conf", inc) == 0);
	snprintf(path, sizeof(path), "%s/main.conf", scratch);
	memset(&c, 0, sizeof(c));
	CHECK(conf_parse_file(&c, path, &e) < 0);
	CHECK_STR(e.msg, want);
	conf_free(&c);

	/* Through a glob, relative to the including file, inside a section: the same. */
	CHECK(write_file("glob.conf", "a { .include \"f*.conf\"; }\n") == 0);
	snprintf(path, sizeof(path), "%s/glob.conf", scratch);
	memset(&c, 0, sizeof(c));
	CHECK(conf_parse_file(&c, path, &e) < 0);
	CHECK_STR(e.msg, want);
	alarm(0);
	conf_free(&c);
	rm_scratch();
}

static void test_oversized_file_is_refused(void)
{
	struct conf c = { 0 };
	struct perr e = { 0 };
	char path[128], want[256];
	FILE *f;

	CHECK(make_scratch() == 0);
	snprintf(path, sizeof(path), "%s/big.conf", scratch);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	/* One byte over the cap, sparse: the size alone refuses it. */
	CHECK(fseek(f, 4 << 20, SEEK_SET) == 0);
	fputc('\n', f);
	fclose(f);
	CHECK(conf_parse_file(&c, path, &e) < 0);
	snprintf(want, sizeof(want), "%s: larger than %d bytes", path, 4 << 20);
	CHECK_STR(e.msg, want);
	CHECK(e.err == EFBIG);
	conf_free(&c);
	rm_scratch();
}

/*
 * A file that includes itself is read once; a chain of includes is
 * stopped by the depth; globs that fan out by the number of files.
 */
static void test_includes_are_bounded(void)
{
	struct conf c = { 0 };
	struct perr e = { 0 };
	char path[128], text[256];

	CHECK(make_scratch() == 0);
	snprintf(text, sizeof(text), ".include \"%s/self.conf\";\n", scratch);
	CHECK(write_file("self.conf", text) == 0);
	snprintf(path, sizeof(path), "%s/self.conf", scratch);
	CHECK(conf_parse_file(&c, path, &e) == 0);
	CHECK(c.nfiles == 1);
	conf_free(&c);

	/* c0 includes c1, which includes c2...: 17 levels are too deep. */
	for (int i = 0; i < 20; i++) {
		char name[32];
		snprintf(name, sizeof(name), "c%d.conf", i);
		snprintf(text, sizeof(text), ".include \"c%d.conf\";\n", i + 1);
		CHECK(write_file(name, text) == 0);
	}
	snprintf(path, sizeof(path), "%s/c0.conf", scratch);
	memset(&c, 0, sizeof(c));
	CHECK(conf_parse_file(&c, path, &e) < 0);
	CHECK(strstr(e.msg, ".include nested too deep") != NULL);
	conf_free(&c);

	/* More than 1024 files through one pattern. */
	CHECK(mkdir(strcat(strcpy(path, scratch), "/many"), 0700) == 0);
	for (int i = 0; i < 1030; i++) {
		char name[32];
		snprintf(name, sizeof(name), "many/%d.conf", i);
		CHECK(write_file(name, "persist;\n") == 0);
	}
	CHECK(write_file("all.conf", ".include \"many/*.conf\";\n") == 0);
	snprintf(path, sizeof(path), "%s/all.conf", scratch);
	memset(&c, 0, sizeof(c));
	CHECK(conf_parse_file(&c, path, &e) < 0);
	CHECK(strstr(e.msg, "more than 1024 files in the configuration") != NULL);
	CHECK(e.err == E2BIG);
	conf_free(&c);
	rm_scratch();
}

/* Variables that refer to each other many times over are stopped by what they may expand to. */
static void test_expansion_is_bounded(void)
{
	char text[8192];
	size_t n = 0;

	n += (size_t)snprintf(text + n, sizeof(text) - n, "$a = \"%01024d\";\n$b = \"", 0);
	for (int i = 0; i < 64; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "${a}");
	n += (size_t)snprintf(text + n, sizeof(text) - n, "\";\n$c = \"");
	for (int i = 0; i < 80; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "${b}");
	snprintf(text + n, sizeof(text) - n, "\";\nx { p = \"${c}\"; }\n");
	CHECK(strstr(show(text, "x"), "parameters longer than 4194304 bytes once variables are expanded") != NULL);

	n = (size_t)snprintf(text, sizeof(text), "$a = \"\";\n$b = \"");
	for (int i = 0; i < 300; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "${a}");
	n += (size_t)snprintf(text + n, sizeof(text) - n, "\";\n$c = \"");
	for (int i = 0; i < 300; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "${b}");
	snprintf(text + n, sizeof(text) - n, "\";\nx { p = \"${c}\"; }\n");
	CHECK(strstr(show(text, "x"), "x: more than 65536 variable references") != NULL);
}

UNIT_MAIN(test_depend_order, test_basic_section, test_globals_wildcard_and_order, test_append_and_lists, test_variables, test_quoting,
	  test_comments, test_merged_sections, test_errors_name_file_line_column, test_names, test_to_parameters,
	  test_binary_garbage_is_refused, test_fifo_is_refused, test_oversized_file_is_refused, test_includes_are_bounded,
	  test_expansion_is_bounded)
