/* Unit tests of the parameter table and command-line parameter words. */
#include "../../src/lib/param.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
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
		/* jail.conf's own words are no parameters to the command line or jls. */
		CHECK(param_lookup(param_table[i].name) == (param_table[i].flags & PF_CONFONLY ? -1 : i));
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
	CHECK(strstr(e.msg, "unknown boolean") != NULL);
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

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = calloc(1, 1 << 18);
	size_t n;

	if (!f || !text) {
		if (f)
			fclose(f);
		free(text);
		return NULL;
	}
	n = fread(text, 1, (1 << 18) - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

/*
 * The names of the items of jail(8)'s PARAMETERS list: ".It Va a , Va b"
 * lines of the list itself, not of the lists nested in its items.
 */
static size_t man_parameters(char *text, char names[][64], size_t max)
{
	char *sh = strstr(text, "\n.Sh PARAMETERS\n"), *save = NULL;
	int depth = 0;
	size_t n = 0;

	if (!sh)
		return 0;
	for (char *line = strtok_r(sh + 1, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, ".Sh ", 4) == 0 && line != sh + 1)
			break;
		depth += strncmp(line, ".Bl ", 4) == 0;
		depth -= strcmp(line, ".El") == 0;
		if (depth != 1 || strncmp(line, ".It Va ", 7) != 0)
			continue;
		for (char *p = strstr(line, "Va "); p && n < max; p = strstr(p, "Va ")) {
			p += 3;
			size_t len = strcspn(p, " ,");
			snprintf(names[n++], 64, "%.*s", (int)len, p);
		}
	}
	return n;
}

/* jail(8)'s PARAMETERS list is the user's list: it names every parameter of the table, and nothing else. */
static void test_man_page_lists_the_table(void)
{
	char *text = read_text("man/jail.8"), names[P__COUNT + 64][64];
	size_t n;

	CHECK(text != NULL);
	if (!text)
		return;
	n = man_parameters(text, names, P__COUNT + 64);
	CHECK(n > 0);
	for (int i = 0; i < P__COUNT; i++) {
		bool found = false;
		for (size_t k = 0; k < n && !found; k++)
			found = strcmp(names[k], param_table[i].name) == 0;
		/* jail.conf's own words are documented in jail.conf(5), not as parameters of a jail. */
		if (found == !!(param_table[i].flags & PF_CONFONLY))
			fprintf(stderr, "man/jail.8: %s %s\n", param_table[i].name,
				found ? "is listed, but is no parameter of a jail" : "is missing from PARAMETERS");
		CHECK(found == !(param_table[i].flags & PF_CONFONLY));
	}
	for (size_t k = 0; k < n; k++) {
		if (param_lookup(names[k]) < 0)
			fprintf(stderr, "man/jail.8: PARAMETERS lists %s, which is not in the table\n", names[k]);
		CHECK(param_lookup(names[k]) >= 0);
	}
	free(text);
}

/* jail.conf's own words (depend and the like) are in jail.conf(5). */
static void test_conf_page_lists_its_words(void)
{
	char *text = read_text("man/jail.conf.5");

	CHECK(text != NULL);
	for (int i = 0; text && i < P__COUNT; i++) {
		char item[80];
		if (!(param_table[i].flags & PF_CONFONLY))
			continue;
		snprintf(item, sizeof(item), ".Va %s", param_table[i].name);
		if (!strstr(text, item))
			fprintf(stderr, "man/jail.conf.5 does not name %s\n", param_table[i].name);
		CHECK(strstr(text, item) != NULL);
	}
	free(text);
}

/* jail.conf's words go through the table's row: refused, left out, renamed, a list, or a word. */
static void test_conf_words(void)
{
	struct paramset ps = { 0 };
	struct perr e = { 0 };
	char *two[] = { "echo a, b", "echo c" }, *dep[] = { "other" }, *addr[] = { "198.18.0.1", "198.18.0.2" };

	CHECK(param_parse_conf(&ps, "command", two, 2, &e) == 0);
	CHECK_STR(ps.v[P_EXEC_START].argv[0], "echo a, b");
	CHECK_STR(ps.v[P_EXEC_START].argv[1], "echo c");
	CHECK(!ps.v[P_COMMAND].set);
	CHECK(param_parse_conf(&ps, "depend", dep, 1, &e) == 0);
	CHECK(!ps.v[P_DEPEND].set);
	CHECK(param_parse_conf(&ps, "name", dep, 1, &e) == 0);
	CHECK(!ps.v[P_NAME].set);
	CHECK(param_parse_conf(&ps, "ip4.addr", addr, 2, &e) == 0);
	CHECK_STR(param_str(&ps, P_IP4_ADDR), "198.18.0.1,198.18.0.2");
	CHECK(param_parse_conf(&ps, "allow.nomount", NULL, 0, &e) == 0);
	CHECK_STR(param_str(&ps, P_ALLOW_MOUNT), "false");
	CHECK(param_parse_conf(&ps, "host.hostid", dep, 1, &e) < 0);
	CHECK_STR(e.msg, "host.hostid: non-integer value \"other\"");
	CHECK(e.err == EINVAL);
	CHECK(param_parse_conf(&ps, "exec.stop", NULL, 0, &e) < 0);
	CHECK_STR(e.msg, "exec.stop: missing value");
	CHECK(e.err == EINVAL);
	/* The command line does not know jail.conf's own words. */
	CHECK(parse(&ps, "depend", &e) < 0);
	CHECK_STR(e.msg, "unknown parameter: depend");
	/* exec.fib was one until it became a parameter. */
	CHECK(parse(&ps, "exec.fib=1", &e) == 0);
	CHECK(parse(&ps, "depend=x", &e) < 0);
	CHECK_STR(e.msg, "unknown parameter: depend");
	param_free(&ps);
}

/* FreeBSD 15's parameters: allow.sysvipc's older form, host's two values, meta's size. */
static void test_freebsd15(void)
{
	struct paramset ps = { 0 };
	struct perr e = { 0 };
	char big[PARAM_META_MAX + 16];

	CHECK(parse(&ps, "sysvshm=new", &e) == 0);
	CHECK(parse(&ps, "allow.sysvipc", &e) == 0);
	CHECK_STR(param_str(&ps, P_SYSVMSG), "inherit");
	CHECK_STR(param_str(&ps, P_SYSVSEM), "inherit");
	CHECK_STR(param_str(&ps, P_SYSVSHM), "new");
	CHECK_STR(param_str(&ps, P_ALLOW_SYSVIPC), "true");
	CHECK(parse(&ps, "allow.nosysvipc", &e) == 0);
	CHECK_STR(param_str(&ps, P_ALLOW_SYSVIPC), "false");
	CHECK(parse(&ps, "allow.sysvipc=maybe", &e) < 0);
	CHECK_STR(e.msg, "allow.sysvipc: unknown boolean value \"maybe\"");
	CHECK(parse(&ps, "host=inherit", &e) == 0);
	CHECK(parse(&ps, "host=disable", &e) < 0);
	CHECK_STR(e.msg, "host: unknown jailsys value \"disable\" (expected new or inherit)");
	CHECK(parse(&ps, "cpuset.id=1", &e) < 0);
	CHECK_STR(e.msg, "cpuset.id: parameter is read-only");
	CHECK(parse(&ps, "host.hostuuid=123456789012345678901234567890123456789012345678901234567890123", &e) == 0);
	CHECK(parse(&ps, "host.hostuuid=1234567890123456789012345678901234567890123456789012345678901234", &e) < 0);
	CHECK_STR(e.msg, "host.hostuuid: value too long (at most 63 bytes)");
	/* FreeBSD's bound counts the NUL: 4095 bytes of text, no more. */
	memcpy(big, "meta=", 5);
	memset(big + 5, 'x', PARAM_META_MAX - 1);
	big[5 + PARAM_META_MAX - 1] = '\0';
	CHECK(parse(&ps, big, &e) == 0);
	CHECK(strlen(param_str(&ps, P_META)) == PARAM_META_MAX - 1);
	strcat(big, "x");
	CHECK(parse(&ps, big, &e) < 0);
	CHECK_STR(e.msg, "meta: too large (at most 4095 bytes)");
	/* meta.KEY: the newest key first, an old line of the same key gone. */
	CHECK(parse(&ps, "meta=a=1", &e) == 0);
	CHECK(parse(&ps, "meta.b=2", &e) == 0);
	CHECK(parse(&ps, "meta.a==", &e) == 0);
	CHECK_STR(param_str(&ps, P_META), "a==\nb=2");
	CHECK(!ps.v[P_META].keyed);
	CHECK(parse(&ps, "env.X", &e) == 0);
	CHECK_STR(param_str(&ps, P_ENV), "X=");
	CHECK(ps.v[P_ENV].keyed);
	CHECK(param_table[P_OSRELDATE].flags & PF_CREATE);
	CHECK(!(param_table[P_HOST_HOSTUUID].flags & PF_CREATE));
	CHECK(!(param_table[P_ENV].flags & PF_CREATE));
	param_free(&ps);
}

UNIT_MAIN(test_freebsd15, test_table_is_consistent, test_man_page_lists_the_table, test_conf_page_lists_its_words, test_conf_words, test_name_value, test_booleans, test_defaults, test_errors,
	  test_command_takes_the_rest, test_format, test_copy)
