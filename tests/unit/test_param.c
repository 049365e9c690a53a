/* Unit tests of the parameter table and command-line parameter words. */
#include "../../src/lib/param.h"

#include <stdbool.h>
#include <stdlib.h>

#include "unit.h"

static int parse(struct paramset *ps, const char *word, struct perr *e)
{
	int used;
	return param_parse_word(ps, word, NULL, 0, &used, e);
}

static void test_table_is_consistent(void)
{
	for (int i = 0; i < P__COUNT; i++) {
		CHECK(param_table[i].name != NULL);
		CHECK(param_lookup(param_table[i].name) == i);
		if (param_table[i].type == PT_INT && param_table[i].def) {
			struct paramset ps = { 0 };
			struct perr e;
			CHECK(param_set(&ps, i, param_table[i].def, &e) == 0);
			param_free(&ps);
		}
	}
}

static void test_name_value(void)
{
	struct paramset ps = { 0 };
	struct perr e;

	CHECK(parse(&ps, "host.hostname=web.example", &e) == 0);
	CHECK_STR(param_str(&ps, P_HOSTNAME), "web.example");
	CHECK(parse(&ps, "path=/jails/web", &e) == 0);
	CHECK_STR(param_str(&ps, P_PATH), "/jails/web");
	CHECK(parse(&ps, "host.hostname=", &e) == 0);
	CHECK_STR(param_str(&ps, P_HOSTNAME), "");
	param_free(&ps);
}

static void test_booleans(void)
{
	struct paramset ps = { 0 };
	struct perr e;

	CHECK(parse(&ps, "persist", &e) == 0);
	CHECK(param_bool(&ps, P_PERSIST));
	CHECK(parse(&ps, "nopersist", &e) == 0);
	CHECK(!param_bool(&ps, P_PERSIST));
	CHECK(parse(&ps, "persist=true", &e) == 0);
	CHECK(param_bool(&ps, P_PERSIST));
	CHECK(parse(&ps, "persist=0", &e) == 0);
	CHECK(!param_bool(&ps, P_PERSIST));
	CHECK(parse(&ps, "allow.noset_hostname", &e) == 0);
	CHECK(!param_bool(&ps, P_ALLOW_SET_HOSTNAME));
	CHECK(parse(&ps, "allow.mount", &e) == 0);
	CHECK(param_bool(&ps, P_ALLOW_MOUNT));
	CHECK(parse(&ps, "persist=maybe", &e) < 0);
	CHECK(strstr(e.msg, "invalid boolean") != NULL);
	param_free(&ps);
}

static void test_defaults(void)
{
	struct paramset ps = { 0 };

	CHECK(param_bool(&ps, P_ALLOW_SET_HOSTNAME));
	CHECK(param_bool(&ps, P_ALLOW_RESERVED_PORTS));
	CHECK(param_bool(&ps, P_ALLOW_UNPRIV_DEBUG));
	CHECK(param_bool(&ps, P_ALLOW_SUSER));
	CHECK(!param_bool(&ps, P_ALLOW_MOUNT));
	CHECK(!param_bool(&ps, P_ALLOW_RAW_SOCKETS));
	CHECK(param_int(&ps, P_ENFORCE_STATFS) == 2);
	CHECK(param_int(&ps, P_CHILDREN_MAX) == 0);
	CHECK(param_int(&ps, P_STOP_TIMEOUT) == 10);
	param_fill_defaults(&ps);
	CHECK_STR(param_str(&ps, P_SYSVSHM), "disable");
	param_free(&ps);
}

static void test_errors(void)
{
	struct paramset ps = { 0 };
	struct perr e;

	CHECK(parse(&ps, "bogus=1", &e) < 0);
	CHECK_STR(e.msg, "unknown parameter: bogus");
	CHECK(parse(&ps, "nobogus", &e) < 0);
	CHECK(parse(&ps, "dying=1", &e) < 0);
	CHECK(strstr(e.msg, "read-only") != NULL);
	CHECK(parse(&ps, "nodying", &e) < 0);
	CHECK(parse(&ps, "children.cur=3", &e) < 0);
	CHECK(parse(&ps, "enforce_statfs=3", &e) < 0);
	CHECK(strstr(e.msg, "invalid integer") != NULL);
	CHECK(parse(&ps, "securelevel=abc", &e) < 0);
	CHECK(parse(&ps, "jid=0", &e) < 0);
	CHECK(parse(&ps, "jid=-4", &e) < 0);
	CHECK(parse(&ps, "sysvmsg=shared", &e) < 0);
	CHECK(strstr(e.msg, "new, inherit or disable") != NULL);
	CHECK(parse(&ps, "path", &e) < 0);
	CHECK(strstr(e.msg, "missing value") != NULL);
	CHECK(parse(&ps, "=x", &e) < 0);
	CHECK(parse(&ps, "command=", &e) < 0);
	param_free(&ps);
}

static void test_command_takes_the_rest(void)
{
	struct paramset ps = { 0 };
	struct perr e;
	char *rest[] = { "-c", "echo 'hi there'", NULL };
	int used;

	CHECK(param_parse_word(&ps, "command=/bin/sh", rest, 2, &used, &e) == 0);
	CHECK(used == 2);
	CHECK_STR(ps.v[P_COMMAND].argv[0], "/bin/sh");
	CHECK_STR(ps.v[P_COMMAND].argv[2], "echo 'hi there'");
	CHECK(ps.v[P_COMMAND].argv[3] == NULL);
	CHECK_STR(param_str(&ps, P_COMMAND), "/bin/sh -c 'echo '\\''hi there'\\'''");
	param_free(&ps);
}

static void test_format(void)
{
	struct paramset ps = { 0 };
	struct perr e;
	char buf[256];

	param_fill_defaults(&ps);
	param_format(&ps, P_PERSIST, false, buf, sizeof(buf));
	CHECK_STR(buf, "nopersist");
	param_format(&ps, P_ALLOW_MOUNT, false, buf, sizeof(buf));
	CHECK_STR(buf, "allow.nomount");
	param_format(&ps, P_ALLOW_SET_HOSTNAME, false, buf, sizeof(buf));
	CHECK_STR(buf, "allow.set_hostname");
	CHECK(param_set(&ps, P_HOSTNAME, "my host", &e) == 0);
	param_format(&ps, P_HOSTNAME, true, buf, sizeof(buf));
	CHECK_STR(buf, "host.hostname=\"my host\"");
	param_format(&ps, P_HOSTNAME, false, buf, sizeof(buf));
	CHECK_STR(buf, "host.hostname=my host");
	param_format(&ps, P_DOMAINNAME, true, buf, sizeof(buf));
	CHECK_STR(buf, "host.domainname=\"\"");
	param_format_value(&ps, P_ENFORCE_STATFS, true, buf, sizeof(buf));
	CHECK_STR(buf, "2");
	param_free(&ps);
}

static void test_copy(void)
{
	struct paramset a = { 0 }, b = { 0 };
	struct perr e;
	char *argv[] = { "/bin/echo", "x", NULL };

	CHECK(param_set(&a, P_NAME, "web", &e) == 0);
	CHECK(param_set_argv(&a, P_COMMAND, argv, 2, &e) == 0);
	CHECK(param_copy(&b, &a) == 0);
	CHECK_STR(param_str(&b, P_NAME), "web");
	CHECK_STR(b.v[P_COMMAND].argv[1], "x");
	param_free(&a);
	param_free(&b);
}

/* The man page documents every row of the table, as ".It Va NAME" (several may share a line). */
static void test_man_page_lists_every_parameter(void)
{
	FILE *f = fopen("man/jail.8", "r");
	static char text[1 << 17];
	size_t n;

	CHECK(f != NULL);
	if (!f)
		return;
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	for (int i = 0; i < P__COUNT; i++) {
		char item[128];
		bool found = false;
		for (const char *line = text; line && !found; line = strchr(line, '\n')) {
			line += *line == '\n';
			if (strncmp(line, ".It Va ", 7) != 0)
				continue;
			const char *end = strchr(line, '\n');
			size_t len = end ? (size_t)(end - line) : strlen(line);
			snprintf(item, sizeof(item), "Va %s", param_table[i].name);
			for (const char *p = strstr(line, item); p && p < line + len && !found; p = strstr(p + 1, item)) {
				char after = p[strlen(item)];
				found = after == ' ' || after == '\n' || after == ',';
			}
		}
		if (!found)
			fprintf(stderr, "man/jail.8 does not document %s\n", param_table[i].name);
		CHECK(found);
	}
}

UNIT_MAIN(test_table_is_consistent, test_man_page_lists_every_parameter, test_name_value, test_booleans, test_defaults, test_errors,
	  test_command_takes_the_rest, test_format, test_copy)
