/* jbase(8): build, list, update and remove the bases thin jails share. */
#include <getopt.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../include/prison.h"

static __attribute__((noreturn)) void usage(void)
{
	fprintf(stderr, "usage: jbase -c [-s] -d directory | -t tarball name\n"
			"       jbase -c -D suite [-a arch] [-i package,...] [-m mirror] name\n"
			"       jbase -u [-s] [-d directory | -t tarball | -D suite [-a arch] [-i package,...] [-m mirror]] name\n"
			"       jbase -r name ...\n"
			"       jbase [-l] [-q] [--libxo json] [name ...]\n");
	exit(1);
}

struct opts {
	char op; /* 'c', 'u', 'r' or 'l' */
	bool quiet, json, have_source;
	struct base_source src;
};

static void set_source(struct opts *o, enum base_kind kind, const char *from)
{
	if (o->have_source)
		usage();
	o->have_source = true;
	o->src.kind = kind;
	snprintf(o->src.from, sizeof(o->src.from), "%s", from);
}

static void set_op(struct opts *o, char op)
{
	if (o->op && o->op != op)
		usage();
	o->op = op;
}

static void copy_opt(char *buf, size_t len, const char *v)
{
	if (strlen(v) >= len)
		usage();
	snprintf(buf, len, "%s", v);
}

static void parse(int argc, char **argv, struct opts *o)
{
	static const struct option longs[] = { { "libxo", required_argument, NULL, 'X' }, { NULL, 0, NULL, 0 } };
	int c;

	while ((c = getopt_long(argc, argv, "cd:t:D:a:i:m:surlq", longs, NULL)) != -1) {
		switch (c) {
		case 'c': case 'u': case 'r': case 'l':
			set_op(o, (char)c);
			break;
		case 'd': set_source(o, BASE_DIRECTORY, optarg); break;
		case 't': set_source(o, BASE_TARBALL, optarg); break;
		case 'D': set_source(o, BASE_DEBIAN, optarg); break;
		case 'a': copy_opt(o->src.arch, sizeof(o->src.arch), optarg); break;
		case 'i': copy_opt(o->src.include, sizeof(o->src.include), optarg); break;
		case 'm': copy_opt(o->src.mirror, sizeof(o->src.mirror), optarg); break;
		case 's': o->src.keep_setuid = true; break;
		case 'q': o->quiet = true; break;
		case 'X':
			if (strcmp(optarg, "json") != 0)
				usage();
			o->json = true;
			break;
		default: usage();
		}
	}
	if (!o->op)
		o->op = 'l';
	if ((o->src.arch[0] || o->src.include[0] || o->src.mirror[0]) && o->src.kind != BASE_DEBIAN)
		usage();
	if ((o->op == 'c' && !o->have_source) || (o->op == 'u' && o->src.keep_setuid && !o->have_source) || (o->op != 'c' && o->op != 'u' && (o->have_source || o->src.keep_setuid)))
		usage();
}

static json_object *base_json(const struct base_info *b)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(b->name));
	json_object_object_add(o, "generation", json_object_new_int64(b->generation));
	json_object_object_add(o, "generations", json_object_new_int64(b->generations));
	json_object_object_add(o, "created", json_object_new_string(b->created));
	json_object_object_add(o, "source", json_object_new_string(b->source));
	json_object_object_add(o, "jails", json_object_new_int(b->jails));
	return o;
}

/* libxo's form, as jls has it: {"__version": "2", "base-information": {"base": [...]}}. */
static void print_json(const struct base_info *list, size_t n)
{
	json_object *top = json_object_new_object(), *info = json_object_new_object(), *arr = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(arr, base_json(&list[i]));
	json_object_object_add(top, "__version", json_object_new_string("2"));
	json_object_object_add(info, "base", arr);
	json_object_object_add(top, "base-information", info);
	printf("%s\n", json_object_to_json_string_ext(top, JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(top);
}

static void print_text(const struct base_info *list, size_t n, bool quiet)
{
	if (!quiet)
		printf("%-16s %5s %5s %-20s %s\n", "NAME", "GEN", "JAILS", "CREATED", "SOURCE");
	for (size_t i = 0; i < n; i++)
		printf("%-16s %5ld %5d %-20s %s\n", list[i].name, list[i].generation, list[i].jails, list[i].created,
		       list[i].source);
}

static int list(const struct opts *o, char **names, int nnames)
{
	struct base_info *l = NULL;
	size_t n = 0;
	struct perr e = { 0 };

	if (nnames == 0 && base_list(&l, &n, &e) < 0)
		goto fail;
	if (nnames > 0) {
		l = calloc((size_t)nnames, sizeof(*l));
		if (!l) {
			perr_set(&e, ENOMEM, "list");
			goto fail;
		}
		for (; n < (size_t)nnames; n++)
			if (base_info(names[n], &l[n], &e) < 0)
				goto fail;
	}
	if (o->json)
		print_json(l, n);
	else
		print_text(l, n, o->quiet);
	free(l);
	return 0;
fail:
	free(l);
	fprintf(stderr, "jbase: %s\n", e.msg);
	return 1;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct perr e = { 0 };
	int rc = 0;

	if (ensure_std_fds() < 0) {
		fprintf(stderr, "jbase: cannot open /dev/null\n");
		return 1;
	}
	parse(argc, argv, &o);
	argc -= optind;
	argv += optind;
	if (o.op == 'l')
		return list(&o, argv, argc);
	if ((o.op != 'r' && argc != 1) || argc < 1)
		usage();
	if ((o.op == 'c' && base_create(argv[0], &o.src, &e) < 0) ||
	    (o.op == 'u' && base_update(argv[0], o.have_source ? &o.src : NULL, &e) < 0))
		rc = 1;
	for (int i = 0; o.op == 'r' && i < argc; i++) {
		if (base_remove(argv[i], &e) < 0) {
			fprintf(stderr, "jbase: %s\n", e.msg);
			rc = 1;
		}
	}
	if (rc && o.op != 'r')
		fprintf(stderr, "jbase: %s\n", e.msg);
	return rc;
}
