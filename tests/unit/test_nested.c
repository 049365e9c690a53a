/*
 * Jails made inside a jail (nested.h): the requests' framing, the paths
 * and names as each side says them, and which parameters a jail may set
 * on its descendants.
 */
#include "unit.h"

#include <errno.h>
#include <string.h>

#include "../../src/lib/ctlmsg.h"
#include "../../src/lib/nestpath.h"
#include "../../src/lib/nestwords.h"
#include "../../src/lib/param.h"

static void test_requests_round_trip(void)
{
	const char *words[] = { "name=php", "path=/srv/php", "", "command=/bin/sh" };
	char buf[256];
	struct ctl_nest r;
	size_t n = ctl_nest_encode(CTL_NEST_CREATE, words, 4, buf, sizeof(buf));

	CHECK(n == sizeof("create") + strlen("name=php") + 1 + strlen("path=/srv/php") + 1 + 1 + strlen("command=/bin/sh") + 1);
	CHECK(ctl_nest_decode(buf, n, &r) == CTL_NEST_CREATE && r.nwords == 4);
	CHECK_STR(r.words[0], "name=php");
	CHECK_STR(r.words[2], "");
	CHECK_STR(r.words[3], "command=/bin/sh");
	n = ctl_nest_encode(CTL_NEST_LIST, NULL, 0, buf, sizeof(buf));
	CHECK(n == 5 && ctl_nest_decode(buf, n, &r) == CTL_NEST_LIST && r.nwords == 0);
	/* Too small a buffer, or an unknown verb: nothing. */
	CHECK(ctl_nest_encode(CTL_NEST_CREATE, words, 4, buf, 10) == 0);
	CHECK(ctl_nest_encode(CTL_NEST_BAD, words, 1, buf, sizeof(buf)) == 0);
}

static void test_malformed_requests_are_bad(void)
{
	static char big[CTL_NEST_MAX + 2];
	struct ctl_nest r;

	CHECK(ctl_nest_decode("create", 6, &r) == CTL_NEST_BAD);           /* no NUL at the end */
	CHECK(ctl_nest_decode("create\0name=x", 13, &r) == CTL_NEST_BAD);  /* the last word unended */
	CHECK(ctl_nest_decode("destroy\0", 8, &r) == CTL_NEST_BAD);
	CHECK(ctl_nest_decode("list\0x\0", 7, &r) == CTL_NEST_BAD && r.nwords == 0);
	CHECK(ctl_nest_decode("", 0, &r) == CTL_NEST_BAD);
	/* More words than the bound, and a packet over its size. */
	memset(big, 0, sizeof(big));
	memcpy(big, "exec", 4);
	CHECK(ctl_nest_decode(big, 5 + CTL_NEST_WORDS + 1, &r) == CTL_NEST_BAD && r.nwords == 0);
	CHECK(ctl_nest_decode(big, 5 + CTL_NEST_WORDS, &r) == CTL_NEST_EXEC && r.nwords == CTL_NEST_WORDS);
	CHECK(ctl_nest_decode(big, CTL_NEST_MAX + 1, &r) == CTL_NEST_BAD);
}

static void test_paths_are_canonical_or_refused(void)
{
	char out[64];
	struct perr e = { 0 };

	CHECK(nest_path_canonical("/", out, sizeof(out), &e) == 0);
	CHECK_STR(out, "/");
	CHECK(nest_path_canonical("//srv/./php//", out, sizeof(out), &e) == 0);
	CHECK_STR(out, "/srv/php");
	CHECK(nest_path_canonical("/srv/../etc", out, sizeof(out), &e) < 0 && e.err == EINVAL);
	CHECK(nest_path_canonical("/..", out, sizeof(out), &e) < 0);
	CHECK(nest_path_canonical("srv", out, sizeof(out), &e) < 0 && e.err == EINVAL);
	CHECK(nest_path_canonical("/srv/...", out, sizeof(out), &e) == 0);
	CHECK_STR(out, "/srv/...");
	CHECK(nest_path_canonical("/a/very/long/path/that/does/not/fit/into/sixty/four/bytes/at/all", out, sizeof(out),
				  &e) < 0 && e.err == ENAMETOOLONG);
}

static void test_names_are_relative_to_the_requester(void)
{
	char out[128];

	CHECK_STR(nest_relative("web", "web.php"), "php");
	CHECK_STR(nest_relative("web", "web.php.x"), "php.x");
	CHECK_STR(nest_relative("web", "web"), "web");
	CHECK_STR(nest_relative("web", "webby.php"), "webby.php");
	CHECK_STR(nest_relative("web", "web."), "web.");
	nest_rewrite("web", "jail \"web.php\" not found, the parent jail \"web\"'s", out, sizeof(out));
	CHECK_STR(out, "jail \"php\" not found, the parent jail \"web\"'s");
	nest_rewrite("web", "\"webby.x\" and \"web.a\"", out, 12);
	CHECK_STR(out, "\"webby.x\" a");
}

/* What names something of the host's (its files, commands, interfaces, ids, namespaces) is never the jail's to set. */
static void test_host_parameters_are_not_inner(void)
{
	static const int host[] = {
		P_JID, P_EXEC_PREPARE, P_EXEC_PRESTART, P_EXEC_CREATED, P_EXEC_POSTSTART, P_EXEC_PRESTOP,
		P_EXEC_POSTSTOP, P_EXEC_RELEASE, P_EXEC_SYSTEM_USER, P_EXEC_SYSTEM_JAIL_USER, P_EXEC_CONSOLELOG,
		P_MOUNT, P_MOUNT_FSTAB, P_MOUNT_HOSTTMP, P_INTERFACE, P_IP_HOSTNAME, P_VNET, P_VNET_INTERFACE,
		P_VNET_BRIDGE, P_IP4_NAT, P_IP6_NAT, P_EXPOSE, P_BASE, P_OCI_BUNDLE, P_NS_NET, P_NS_IPC, P_NS_UTS,
		P_IDMAP_BASE, P_HOST, P_SYSVMSG, P_SYSVSEM, P_SYSVSHM, P_PERSIST_IDLE, P_PARENT, P_CHILDREN_CUR, P_DYING,
	};

	for (size_t i = 0; i < sizeof(host) / sizeof(host[0]); i++)
		CHECK(!(param_table[host[i]].flags & PF_INNER));
	/* Read-only ones are nobody's to set. */
	for (int id = 0; id < P__COUNT; id++)
		CHECK(!((param_table[id].flags & PF_INNER) && (param_table[id].flags & PF_RDONLY)));
	CHECK(param_table[P_NAME].flags & PF_INNER);
	CHECK(param_table[P_PATH].flags & PF_INNER);
	CHECK(param_table[P_CHILDREN_MAX].flags & PF_INNER);
	CHECK(param_table[P_ALLOW_MOUNT].flags & PF_INNER);
}

/* A parameter set as request words: a list one word per entry, a keyed meta per key, oldest first, command last. */
static void test_parameters_become_words(void)
{
	static struct nest_words w;
	struct paramset ps = { 0 };
	struct perr e = { 0 };
	int used;
	char *cmd[] = { "/bin/echo", "a b", NULL };
	char *start[] = { "echo one", "echo two", NULL };

	CHECK(param_set(&ps, P_NAME, "php", &e) == 0);
	CHECK(param_set(&ps, P_PERSIST, "false", &e) == 0);
	CHECK(param_set_argv(&ps, P_EXEC_START, start, 2, &e) == 0);
	CHECK(param_parse_word(&ps, "meta.a=1", NULL, 0, &used, &e) == 0);
	CHECK(param_parse_word(&ps, "meta.b=2", NULL, 0, &used, &e) == 0);
	CHECK(param_set_argv(&ps, P_COMMAND, cmd, 2, &e) == 0);
	CHECK(nest_param_words(&ps, &w, &e) == 0);
	CHECK(w.n == 8);
	size_t i = 0;
	for (; i < w.n && strcmp(w.words[i], "exec.start=echo one") != 0; i++)
		;
	CHECK(i + 1 < w.n);
	CHECK_STR(w.words[i + 1], "exec.start=echo two");
	bool named = false, nopersist = false;
	int a = -1, b = -1;
	for (size_t k = 0; k < w.n; k++) {
		named |= strcmp(w.words[k], "name=php") == 0;
		nopersist |= strcmp(w.words[k], "nopersist") == 0;
		a = strcmp(w.words[k], "meta.a=1") == 0 ? (int)k : a;
		b = strcmp(w.words[k], "meta.b=2") == 0 ? (int)k : b;
	}
	CHECK(named && nopersist && a >= 0 && b > a);
	CHECK_STR(w.words[w.n - 2], "command=/bin/echo");
	CHECK_STR(w.words[w.n - 1], "a b");
	/* Parsed back, the same keys in the same order. */
	struct paramset back = { 0 };
	for (size_t k = 0; k < w.n; k++)
		if (strncmp(w.words[k], "meta.", 5) == 0)
			CHECK(param_parse_word(&back, w.words[k], NULL, 0, &used, &e) == 0);
	CHECK_STR(param_str(&back, P_META), param_str(&ps, P_META));
	param_free(&back);
	/* More words than a request holds: refused, not cut. */
	w.n = w.used = 0;
	for (int k = 0; k < CTL_NEST_WORDS; k++)
		CHECK(nest_word(&w, "x", &e) == 0);
	CHECK(nest_word(&w, "x", &e) < 0 && e.err == E2BIG);
	param_free(&ps);
}

UNIT_MAIN(test_requests_round_trip, test_parameters_become_words, test_malformed_requests_are_bad, test_paths_are_canonical_or_refused,
	  test_names_are_relative_to_the_requester, test_host_parameters_are_not_inner)
