/* jls(8): list jails. */
#include <getopt.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/jail.h"
#include "../lib/param.h"
#include "../lib/util.h"

enum xo { XO_TEXT, XO_JSON, XO_XML };

static bool opt_d, opt_h, opt_N, opt_n, opt_q, opt_s, opt_v;
static enum xo xo = XO_TEXT;

static void usage(void)
{
	fprintf(stderr, "usage: jls [-dhNnqsv] [-j jail] [param ...]\n"
			"       jls --libxo json|xml [-dhNnqsv] [-j jail] [param ...]\n");
	exit(1);
}

/* Which parameters one line shows: the listed ones, or all for -n / -s. */
static int selected(int *ids, char **names, int nnames)
{
	int n = 0;

	if (nnames) {
		for (int i = 0; i < nnames; i++) {
			int id = param_lookup(names[i]);
			if (id < 0) {
				fprintf(stderr, "jls: unknown parameter: %s\n", names[i]);
				exit(1);
			}
			ids[n++] = id;
		}
		return n;
	}
	for (int i = 0; i < P__COUNT; i++) {
		unsigned f = param_table[i].flags;
		if (f & PF_NOSTATE)
			continue;
		if (opt_s && (f & PF_RDONLY))
			continue;
		ids[n++] = i;
	}
	return n;
}

static void print_params(const struct jail_record *r, const int *ids, int n, bool named)
{
	char buf[4096];

	for (int i = 0; i < n; i++) {
		if (named)
			param_format(&r->params, ids[i], opt_q, buf, sizeof(buf));
		else
			param_format_value(&r->params, ids[i], opt_q, buf, sizeof(buf));
		printf("%s%s", i ? " " : "", buf);
	}
	printf("\n");
}

static const char *state_word(const struct jail_record *r)
{
	return r->state == JS_DYING ? "DYING" : "ACTIVE";
}

/* The i-th address of a comma-separated list, without an "iface|" part or a prefix. */
static bool nth_addr(const char *list, int i, char *buf, size_t len)
{
	const char *p = list;

	if (!p || !*p)
		return false;
	for (; i > 0; i--) {
		p = strchr(p, ',');
		if (!p)
			return false;
		p++;
	}
	while (*p == ' ')
		p++;
	const char *bar = strchr(p, '|'), *end = p + strcspn(p, ",/ ");
	if (bar && bar < end)
		p = bar + 1, end = p + strcspn(p, ",/ ");
	snprintf(buf, len, "%.*s", (int)(end - p), p);
	return buf[0] != '\0';
}

/* FreeBSD's IP Address column: the first IPv4 address, else the first IPv6 one. */
static const char *first_addr(const struct jail_record *r, char *buf, size_t len)
{
	if (nth_addr(param_str(&r->params, P_IP4_ADDR), 0, buf, len) ||
	    nth_addr(param_str(&r->params, P_IP6_ADDR), 0, buf, len))
		return buf;
	return "";
}

static json_object *addr_array(const struct jail_record *r, int id)
{
	json_object *a = json_object_new_array();
	char buf[64];

	for (int i = 0; nth_addr(param_str(&r->params, id), i, buf, sizeof(buf)); i++)
		json_object_array_add(a, json_object_new_string(buf));
	return a;
}

static void print_text(const struct jail_record *r)
{
	char id[300], addr[64];

	if (opt_N)
		snprintf(id, sizeof(id), "%s", r->name);
	else
		snprintf(id, sizeof(id), "%d", r->jid);
	if (opt_v) {
		printf("%6s  %-29.29s %.74s\n", id, param_str(&r->params, P_HOSTNAME), param_str(&r->params, P_PATH));
		printf("%6s  %-29.29s %.74s\n", "", r->name, state_word(r));
		printf("%6s  %-6d\n", "", r->jid);
		for (int k = 0; k < 2; k++)
			for (int i = 0; nth_addr(param_str(&r->params, k ? P_IP6_ADDR : P_IP4_ADDR), i, addr, sizeof(addr)); i++)
				printf("%6s  %s\n", "", addr);
		return;
	}
	printf("%6s  %-15.15s %-29.29s %.74s\n", id, first_addr(r, addr, sizeof(addr)), param_str(&r->params, P_HOSTNAME),
	       param_str(&r->params, P_PATH));
}

static json_object *param_json(const struct jail_record *r, int id)
{
	const char *s = param_str(&r->params, id);
	long v;

	if (!s)
		return json_object_new_string("");
	switch (param_table[id].type) {
	case PT_BOOL:
		return json_object_new_boolean(strcmp(s, "true") == 0);
	case PT_INT:
		if (parse_long(s, param_table[id].min, param_table[id].max, &v))
			return json_object_new_int64(v);
		break;
	default:
		break;
	}
	return json_object_new_string(s);
}

static json_object *jail_json(const struct jail_record *r, const int *ids, int n, bool params)
{
	json_object *o = json_object_new_object();

	if (params) {
		for (int i = 0; i < n; i++)
			json_object_object_add(o, param_table[ids[i]].name, param_json(r, ids[i]));
		return o;
	}
	json_object_object_add(o, "jid", json_object_new_int(r->jid));
	char addr[64];
	if (!opt_v)
		json_object_object_add(o, "ipv4", json_object_new_string(first_addr(r, addr, sizeof(addr))));
	json_object_object_add(o, "hostname", json_object_new_string(param_str(&r->params, P_HOSTNAME)));
	json_object_object_add(o, "path", json_object_new_string(param_str(&r->params, P_PATH)));
	if (opt_v) {
		json_object_object_add(o, "name", json_object_new_string(r->name));
		json_object_object_add(o, "state", json_object_new_string(state_word(r)));
		json_object_object_add(o, "cpusetid", json_object_new_int(r->jid));
		json_object_object_add(o, "ipv4_addrs", addr_array(r, P_IP4_ADDR));
		json_object_object_add(o, "ipv6_addrs", addr_array(r, P_IP6_ADDR));
	}
	return o;
}

static void xml_escaped(const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", stdout); break;
		case '>': fputs("&gt;", stdout); break;
		case '&': fputs("&amp;", stdout); break;
		case '"': fputs("&quot;", stdout); break;
		default: putchar(*s);
		}
	}
}

/* XML element names cannot hold dots: libxo turns them into underscores... keep names as they are but legal. */
static void xml_name(const char *s)
{
	for (; *s; s++)
		putchar(*s == '.' ? '_' : *s);
}

static void print_xml(json_object *jails)
{
	printf("<jail-information __version=\"2\">");
	for (size_t i = 0; i < json_object_array_length(jails); i++) {
		printf("<jail>");
		json_object_object_foreach(json_object_array_get_idx(jails, i), k, v) {
			if (json_object_is_type(v, json_type_array))
				continue;
			printf("<"), xml_name(k), printf(">");
			xml_escaped(json_object_get_string(v));
			printf("</"), xml_name(k), printf(">");
		}
		printf("</jail>");
	}
	printf("</jail-information>\n");
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	struct jail_record *list;
	size_t n;
	struct perr e = { 0 };
	int ids[P__COUNT + 64], nids, c;
	bool found = false, params;
	json_object *jails = NULL;

	if (ensure_std_fds() < 0) {
		fprintf(stderr, "jls: cannot open /dev/null\n");
		return 1;
	}

	/* libxo's option comes first, as --libxo json, --libxo=json or --libxo:json. */
	if (argc > 1 && strncmp(argv[1], "--libxo", 7) == 0) {
		const char *fmt = argv[1][7] ? argv[1] + 8 : (argc > 2 ? argv[2] : "");
		int shift = argv[1][7] ? 1 : 2;
		if (strncmp(fmt, "json", 4) == 0)
			xo = XO_JSON;
		else if (strncmp(fmt, "xml", 3) == 0)
			xo = XO_XML;
		else if (strncmp(fmt, "text", 4) != 0)
			usage();
		argv[shift] = argv[0];
		argv += shift;
		argc -= shift;
	}
	while ((c = getopt(argc, argv, "dhNnqsvj:")) != -1) {
		switch (c) {
		case 'd': opt_d = true; break;
		case 'h': opt_h = true; break;
		case 'N': opt_N = true; break;
		case 'n': opt_n = true; break;
		case 'q': opt_q = true; break;
		case 's': opt_s = opt_n = opt_q = true; break;
		case 'v': opt_v = true; break;
		case 'j': only = optarg; break;
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > (int)ARRAY_SIZE(ids))
		usage();
	params = opt_n || argc > 0;
	nids = params ? selected(ids, argv, argc) : 0;

	if (jail_list(&list, &n, &e) < 0) {
		fprintf(stderr, "jls: %s\n", e.msg);
		return 1;
	}
	if (xo != XO_TEXT)
		jails = json_object_new_array();
	else if (params && opt_h) {
		for (int i = 0; i < nids; i++)
			printf("%s%s", i ? " " : "", param_table[ids[i]].name);
		printf("\n");
	} else if (!params) {
		if (opt_v)
			printf("   JID  Hostname                      Path\n"
			       "        Name                          State\n"
			       "        CPUSetID\n"
			       "        IP Address(es)\n");
		else
			printf("   JID  IP Address      Hostname                      Path\n");
	}
	for (size_t i = 0; i < n; i++) {
		const struct jail_record *r = &list[i];
		if (r->state == JS_DYING && !opt_d)
			continue;
		if (only) {
			char num[16];
			snprintf(num, sizeof(num), "%d", r->jid);
			if (strcmp(only, num) != 0 && strcmp(only, r->name) != 0)
				continue;
		}
		found = true;
		if (jails)
			json_object_array_add(jails, jail_json(r, ids, nids, params));
		else if (params)
			print_params(r, ids, nids, opt_n);
		else
			print_text(r);
	}
	registry_free_list(list, n);
	if (jails) {
		if (xo == XO_JSON) {
			json_object *top = json_object_new_object(), *info = json_object_new_object();
			json_object_object_add(top, "__version", json_object_new_string("2"));
			json_object_object_add(info, "jail", json_object_get(jails));
			json_object_object_add(top, "jail-information", info);
			printf("%s\n", json_object_to_json_string_ext(top, JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
			json_object_put(top);
		} else {
			print_xml(jails);
		}
		json_object_put(jails);
	}
	if (only && !found) {
		fprintf(stderr, "jls: jail \"%s\" not found\n", only);
		return 1;
	}
	return 0;
}
