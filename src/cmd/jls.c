/* jls(8): list jails. */
#include <getopt.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../include/prison.h"
#include "jlsproc.h"

static bool opt_c, opt_d, opt_h, opt_N, opt_n, opt_p, opt_q, opt_s, opt_v;
static enum xo xo = XO_TEXT;

static __attribute__((noreturn)) void usage(void)
{
	fprintf(stderr, "usage: jls [-dhNnqsv] [-j jail] [parameter ...]\n"
			"       jls -c [-d] [-j jail]\n"
			"       jls --libxo json | xml [-dhNnqsv] [-j jail] [parameter ...]\n"
			"       jls [--libxo json | xml] -p [-dN] [-j jail]\n");
	exit(1);
}

/* For meta.KEY and env.KEY in the list, the KEY (NULL for a whole parameter), beside the ids. */
static const char *sel_keys[P__COUNT + 64];
static const char *sel_names[P__COUNT + 64];

/* Which parameters one line shows: the listed ones, or all for -n / -s; -1 for a name not in the table. */
static int selected(int *ids, char **names, int nnames)
{
	int n = 0;

	if (nnames) {
		for (int i = 0; i < nnames; i++) {
			int id = param_lookup(names[i]);
			sel_names[n] = names[i];
			if (id < 0 && (id = jail_kv_id(names[i], &sel_keys[n])) >= 0) {
				ids[n++] = id;
				continue;
			}
			if (id < 0) {
				fprintf(stderr, "jls: unknown parameter: %s\n", names[i]);
				return -1;
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

/* One key of meta or env: its value, "" when the jail has none, as FreeBSD's jls. */
static void print_key(const struct jail_record *r, const int *ids, int i, bool named)
{
	char buf[PARAM_META_MAX + 1];
	bool quote;

	jail_kv_get(param_str(&r->params, ids[i]), sel_keys[i], buf, sizeof(buf));
	quote = buf[0] && strpbrk(buf, " \t\n");
	if (i)
		putchar(' ');
	if (named)
		printf("%s=", sel_names[i]);
	if (!buf[0])
		printf("\"\"");
	else
		printf(quote ? "\"%s\"" : "%s", buf);
}

static void print_params(const struct jail_record *r, const int *ids, int n, bool named)
{
	/* meta and env, each character escaped at worst. */
	char buf[2 * PARAM_META_MAX + 256];

	for (int i = 0; i < n; i++) {
		if (sel_keys[i]) {
			print_key(r, ids, i, named);
			continue;
		}
		if (named)
			param_format(&r->params, ids[i], opt_q, buf, sizeof(buf));
		else
			param_format_value(&r->params, ids[i], opt_q, buf, sizeof(buf));
		printf("%s%s", i ? " " : "", buf);
	}
	printf("\n");
}

static const char *state_word(const struct jail_brief *b)
{
	return b->state == JS_DYING ? "DYING" : "ACTIVE";
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
static const char *first_addr(const struct jail_brief *b, char *buf, size_t len)
{
	if (nth_addr(b->ip4, 0, buf, len) || nth_addr(b->ip6, 0, buf, len))
		return buf;
	return "";
}

static json_object *addr_array(const char *list)
{
	json_object *a = json_object_new_array();
	char buf[64];

	for (int i = 0; nth_addr(list, i, buf, sizeof(buf)); i++)
		json_object_array_add(a, json_object_new_string(buf));
	return a;
}

static void print_text(const struct jail_brief *b)
{
	char id[300], addr[64];

	if (opt_N)
		snprintf(id, sizeof(id), "%s", b->name);
	else
		snprintf(id, sizeof(id), "%d", b->jid);
	if (opt_v) {
		printf("%6s  %-29.29s %.74s\n", id, b->hostname, b->path);
		printf("%6s  %-29.29s %.74s\n", "", b->name, state_word(b));
		printf("%6s  %-6d\n", "", b->jid);
		for (int k = 0; k < 2; k++)
			for (int i = 0; nth_addr(k ? b->ip6 : b->ip4, i, addr, sizeof(addr)); i++)
				printf("%6s  %s\n", "", addr);
		return;
	}
	printf("%6s  %-15.15s %-29.29s %.74s\n", id, first_addr(b, addr, sizeof(addr)), b->hostname, b->path);
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

static json_object *params_json(const struct jail_record *r, const int *ids, int n)
{
	json_object *o = json_object_new_object();

	for (int i = 0; i < n; i++) {
		if (sel_keys[i]) {
			char buf[PARAM_META_MAX + 1];
			jail_kv_get(param_str(&r->params, ids[i]), sel_keys[i], buf, sizeof(buf));
			json_object_object_add(o, sel_names[i], json_object_new_string(buf));
			continue;
		}
		json_object_object_add(o, param_table[ids[i]].name, param_json(r, ids[i]));
	}
	return o;
}

static json_object *brief_json(const struct jail_brief *b)
{
	json_object *o = json_object_new_object();
	char addr[64];

	json_object_object_add(o, "jid", json_object_new_int(b->jid));
	if (!opt_v)
		json_object_object_add(o, "ipv4", json_object_new_string(first_addr(b, addr, sizeof(addr))));
	json_object_object_add(o, "hostname", json_object_new_string(b->hostname));
	json_object_object_add(o, "path", json_object_new_string(b->path));
	if (opt_v) {
		json_object_object_add(o, "name", json_object_new_string(b->name));
		json_object_object_add(o, "state", json_object_new_string(state_word(b)));
		json_object_object_add(o, "cpusetid", json_object_new_int(b->jid));
		json_object_object_add(o, "ipv4_addrs", addr_array(b->ip4));
		json_object_object_add(o, "ipv6_addrs", addr_array(b->ip6));
	}
	return o;
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


/* What one run lists: the jail asked for with -j, and the parameters each line shows. */
struct listing {
	const char *only;
	int ids[P__COUNT + 64];
	int nids;
	bool params;   /* parameter lines (-n, -s or names given) instead of the table */
	const struct jail_record *recs;   /* the jails for parameter lines and -p, */
	const struct jail_brief *briefs;  /* or for the table and -c */
	size_t n;
	json_object *jails; /* --libxo json or xml: the jails gathered before they are printed */
	bool failed;        /* jls -p could not read a jail's processes */
};

/* libxo's format word: json or xml (with libxo's ",pretty" and the like after it), or text. */
static void take_format(const char *fmt)
{
	if (strncmp(fmt, "json", 4) == 0)
		xo = XO_JSON;
	else if (strncmp(fmt, "xml", 3) == 0)
		xo = XO_XML;
	else if (strncmp(fmt, "text", 4) != 0)
		usage();
}

/*
 * libxo's option, anywhere before "--" as libxo finds it: --libxo json,
 * --libxo=json or --libxo:json.  It is taken off argv.
 */
static void take_libxo(int *argc, char **argv)
{
	for (int i = 1; i < *argc && strcmp(argv[i], "--") != 0; i++) {
		if (strncmp(argv[i], "--libxo", 7) != 0 || (argv[i][7] && argv[i][7] != '=' && argv[i][7] != ':'))
			continue;
		int words = argv[i][7] ? 1 : 2;
		if (i + words > *argc)
			usage();
		take_format(argv[i][7] ? argv[i] + 8 : argv[i + 1]);
		memmove(argv + i, argv + i + words, (size_t)(*argc - i - words + 1) * sizeof(char *));
		*argc -= words;
		i--;
	}
}

static void take_flags(int argc, char **argv, struct listing *l)
{
	int c;

	while ((c = getopt(argc, argv, "cdhNnpqsvj:")) != -1) {
		switch (c) {
		case 'c': opt_c = true; break;
		case 'd': opt_d = true; break;
		case 'h': opt_h = true; break;
		case 'N': opt_N = true; break;
		case 'n': opt_n = true; break;
		case 'p': opt_p = true; break;
		case 'q': opt_q = true; break;
		case 's': opt_s = opt_n = opt_q = true; break;
		case 'v': opt_v = true; break;
		case 'j': l->only = optarg; break;
		default: usage();
		}
	}
}

/* The line above the jails, in text form only: parameter names for -h, the column titles for the table. */
static void print_header(const struct listing *l)
{
	if (xo != XO_TEXT)
		return;
	if (l->params && opt_h) {
		for (int i = 0; i < l->nids; i++)
			printf("%s%s", i ? " " : "", sel_keys[i] ? sel_names[i] : param_table[l->ids[i]].name);
		printf("\n");
	} else if (!l->params) {
		if (opt_v)
			printf("   JID  Hostname                      Path\n"
			       "        Name                          State\n"
			       "        CPUSetID\n"
			       "        IP Address(es)\n");
		else
			printf("   JID  IP Address      Hostname                      Path\n");
	}
}

/* Is a jail listed: alive (or dying with -d), and the jail of -j by jid or name if that was given? */
static bool listed(int jid, const char *name, enum jail_state state, const struct listing *l)
{
	char num[16];

	if (state == JS_DYING && !opt_d)
		return false;
	if (!l->only)
		return true;
	snprintf(num, sizeof(num), "%d", jid);
	return strcmp(l->only, num) == 0 || strcmp(l->only, name) == 0;
}

static bool record_listed(const struct jail_record *r, const struct listing *l)
{
	return listed(r->jid, r->name, r->state, l);
}

static bool brief_listed(const struct jail_brief *b, const struct listing *l)
{
	return listed(b->jid, b->name, b->state, l);
}

/* The i-th jail, printed (or gathered for --libxo) if it is listed; false if it is not. */
static bool print_jail(size_t i, struct listing *l)
{
	if (l->params) {
		const struct jail_record *r = &l->recs[i];
		if (!record_listed(r, l))
			return false;
		if (l->jails)
			json_object_array_add(l->jails, params_json(r, l->ids, l->nids));
		else
			print_params(r, l->ids, l->nids, opt_n);
		return true;
	}
	if (!brief_listed(&l->briefs[i], l))
		return false;
	if (l->jails)
		json_object_array_add(l->jails, brief_json(&l->briefs[i]));
	else
		print_text(&l->briefs[i]);
	return true;
}

/* libxo's JSON document: {"__version": "2", "jail-information": {"jail": [...]}}. */
static void print_json(json_object *jails)
{
	json_object *top = json_object_new_object(), *info = json_object_new_object();

	json_object_object_add(top, "__version", json_object_new_string("2"));
	json_object_object_add(info, "jail", json_object_get(jails));
	json_object_object_add(top, "jail-information", info);
	printf("%s\n", json_object_to_json_string_ext(top, JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(top);
}

/* Every listed jail; false when -j named a jail that is not there. */
static bool list_jails(struct listing *l)
{
	bool found = false;

	if (xo != XO_TEXT)
		l->jails = json_object_new_array();
	print_header(l);
	for (size_t i = 0; i < l->n; i++)
		found |= print_jail(i, l);
	if (l->jails) {
		if (xo == XO_JSON)
			print_json(l->jails);
		else
			print_xml(l->jails);
		json_object_put(l->jails);
		l->jails = NULL;
	}
	return found || !l->only;
}

/* jls -c: is there a jail (the one of -j, if given)?  Nothing is printed. */
static bool any_listed(const struct listing *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->recs ? record_listed(&l->recs[i], l) : brief_listed(&l->briefs[i], l))
			return true;
	return false;
}

/* jls -p: the processes of every listed jail; false when -j named a jail that is not there. */
static bool list_procs(struct listing *l)
{
	bool *show = calloc(l->n ? l->n : 1, sizeof(*show)), found = false;

	if (!show)
		return false;
	for (size_t i = 0; i < l->n; i++)
		found |= show[i] = record_listed(&l->recs[i], l);
	if (jls_print_procs(l->recs, show, l->n, opt_N, xo) != 0)
		l->failed = true;
	free(show);
	return found || !l->only;
}

/*
 * The jails: their records where parameters or processes are shown, else
 * the listing index's briefs (one file read, not a record parsed per jail).
 */
static int gather(struct listing *l, struct perr *e)
{
	struct jail_record *recs;
	struct jail_brief *briefs;

	if (l->params || opt_p) {
		if (jail_list(&recs, &l->n, e) < 0)
			return -1;
		l->recs = recs;
		return 0;
	}
	if (jail_list_brief(&briefs, &l->n, e) < 0)
		return -1;
	l->briefs = briefs;
	return 0;
}

int main(int argc, char **argv)
{
	struct listing l = { 0 };
	struct perr e = { 0 };
	bool found;

	if (ensure_std_fds() < 0) {
		fprintf(stderr, "jls: cannot open /dev/null\n");
		return 1;
	}
	take_libxo(&argc, argv);
	take_flags(argc, argv, &l);
	argc -= optind;
	argv += optind;
	if (argc > (int)ARRAY_SIZE(l.ids))
		usage();
	if (opt_p && (opt_n || opt_v || argc > 0))
		usage();
	l.params = opt_n || argc > 0;
	l.nids = l.params ? selected(l.ids, argv, argc) : 0;
	if (l.nids < 0)
		return 1;

	if (gather(&l, &e) < 0) {
		fprintf(stderr, "jls: %s\n", e.msg);
		return 1;
	}
	if (opt_c)
		found = any_listed(&l);
	else
		found = opt_p ? list_procs(&l) : list_jails(&l);
	if (l.recs)
		registry_free_list((struct jail_record *)l.recs, l.n);
	jail_brief_free((struct jail_brief *)l.briefs, l.n);
	if (opt_c)
		return !found;
	if (!found) {
		fprintf(stderr, "jls: jail \"%s\" not found\n", l.only);
		return 1;
	}
	return l.failed;
}
