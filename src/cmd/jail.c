/* jail(8): create, modify and remove jails. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/attach.h"
#include "../lib/audit.h"
#include "../lib/jail.h"
#include "../lib/jailconf.h"
#include "../lib/util.h"
#include "../lib/param.h"

static bool quiet, verbose, print_jid;
static const char *jid_file, *conf_file;

static void usage(void)
{
	fprintf(stderr, "usage: jail [-dilqv] [-J jid_file] [-u username | -U username]\n"
			"            -[cm] param=value ... [command=command ...]\n"
			"       jail [-dqv] [-f conf_file] -[cr] [jail ...]\n"
			"       jail [-qv] -[rR] ['*' | jail ...]\n"
			"       jail [-f conf_file] -e separator\n"
			"       jail [-dilqv] [-J jid_file] [-u username | -U username]\n"
			"            path hostname ip[,...] command ...\n");
	exit(1);
}

static void fail(const char *name, const struct perr *e)
{
	if (name)
		fprintf(stderr, "jail: %s: %s\n", name, e->msg);
	else
		fprintf(stderr, "jail: %s\n", e->msg);
}

static int write_jid_file(const struct jail_record *rec)
{
	FILE *f = fopen(jid_file, "we");
	const char *cmd = param_str(&rec->params, P_COMMAND);

	if (!f) {
		fprintf(stderr, "jail: %s: %s: %m\n", rec->name, jid_file);
		return -1;
	}
	fprintf(f, "%d\t%s\t%s\t%s\t%s\n", rec->jid, param_str(&rec->params, P_PATH),
		param_str(&rec->params, P_HOSTNAME), "", cmd ? cmd : "");
	return fclose(f) == 0 ? 0 : -1;
}

static int do_create(struct paramset *ps, struct jail_exec *x)
{
	struct jail_record rec;
	struct perr e = { 0 };
	int ret = 0;

	if (verbose)
		fprintf(stderr, "jail: %s: create\n", param_str(ps, P_NAME) ? param_str(ps, P_NAME) : "");
	if (jail_start(ps, x, &rec, &e) < 0) {
		fail(param_str(ps, P_NAME), &e);
		audit_event("create", param_str(ps, P_NAME), 0, ps, NULL, e.msg);
		return 1;
	}
	audit_event("create", rec.name, rec.jid, ps, NULL, NULL);
	if (verbose)
		fprintf(stderr, "jail: %s: jid %d, path %s\n", rec.name, rec.jid, param_str(&rec.params, P_PATH));
	if (jid_file && write_jid_file(&rec) < 0)
		ret = 1;
	if (print_jid)
		printf("%d\n", rec.jid);
	else if (!quiet)
		printf("%s: created\n", rec.name);
	record_free(&rec);
	return ret;
}

static int do_modify(const struct paramset *ps, const char *key)
{
	struct jail_record rec;
	struct perr e = { 0 };

	if (!key)
		key = param_str(ps, P_JID) ? param_str(ps, P_JID) : param_str(ps, P_NAME);

	if (!key) {
		fprintf(stderr, "jail: -m needs jid= or name= to say which jail\n");
		return 1;
	}
	/* With jid= given, name= is a rename. */
	if (jail_modify(key, ps, &rec, &e) < 0) {
		fail(key, &e);
		audit_event("modify", key, 0, ps, NULL, e.msg);
		return 1;
	}
	audit_event("modify", rec.name, rec.jid, ps, NULL, NULL);
	if (!quiet)
		printf("%s: updated\n", rec.name);
	record_free(&rec);
	return 0;
}

/* "NAME: removed", and a stop command's failure after it; returns the exit status. */
static int report_remove(const char *key, int r, struct jail_record *rec, const struct perr *e)
{
	if (r < 0) {
		fail(key, e);
		audit_event("remove", key, 0, NULL, NULL, e->msg);
		return 1;
	}
	audit_event("remove", rec->name, rec->jid, NULL, NULL, r > 0 ? e->msg : NULL);
	if (!quiet)
		printf("%s: removed\n", rec->name);
	if (r > 0)
		fail(rec->name, e);
	record_free(rec);
	return r > 0;
}

static bool jail_exists_now(const char *key)
{
	struct jail_record rec;
	struct perr e = { 0 };

	if (jail_find(key, &rec, &e) < 0)
		return false;
	record_free(&rec);
	return true;
}

static int do_remove(char **keys, int n, bool hooks)
{
	int ret = 0;
	struct jail_record *list = NULL;
	size_t nlist = 0;
	struct perr e = { 0 };

	if (n == 1 && strcmp(keys[0], "*") == 0) {
		if (jail_list(&list, &nlist, &e) < 0) {
			fail(NULL, &e);
			return 1;
		}
		/* Highest jid first, the reverse of creation. */
		for (size_t i = nlist; i-- > 0;) {
			char key[16];
			struct jail_record rec;
			snprintf(key, sizeof(key), "%d", list[i].jid);
			int r = jail_remove(key, hooks, &rec, &e);
			/* A child jail with a lower jid than its parent's went with the parent. */
			if (r < 0 && param_int(&list[i].params, P_PARENT) > 0 && !jail_exists_now(key))
				continue;
			ret |= report_remove(list[i].name, r, &rec, &e);
		}
		registry_free_list(list, nlist);
		return ret;
	}
	for (int i = 0; i < n; i++) {
		struct jail_record rec;
		ret |= report_remove(keys[i], jail_remove(keys[i], hooks, &rec, &e), &rec, &e);
	}
	return ret;
}

static int load_conf(struct conf *c)
{
	struct perr e = { 0 };

	if (jailconf_load(c, conf_file, &e) < 0) {
		fail(NULL, &e);
		conf_free(c);
		return -1;
	}
	return 0;
}

/* jail -e separator: every configured jail, one line each, as FreeBSD prints them. */
static int show_config(const char *sep)
{
	struct conf c = { 0 };
	struct perr e = { 0 };
	const char **names;
	size_t n;
	int ret = 0;

	if (load_conf(&c) < 0)
		return 1;
	n = conf_jail_names(&c, &names);
	for (size_t i = 0; i < n; i++) {
		struct conf_jail j;
		if (conf_resolve(&c, names[i], &j, &e) < 0) {
			fail(NULL, &e);
			ret = 1;
			continue;
		}
		printf("name=");
		jailconf_print_value(stdout, j.name);
		for (size_t k = 0; k < j.nparams; k++) {
			const struct conf_param *p = &j.params[k];
			if (strcmp(p->name, "name") == 0)
				continue;
			printf("%s%s", sep, p->name);
			for (size_t v = 0; v < p->nvalues; v++) {
				putchar(v ? ',' : '=');
				jailconf_print_value(stdout, p->values[v]);
			}
		}
		putchar('\n');
		conf_jail_free(&j);
	}
	free(names);
	conf_free(&c);
	return ret;
}

/*
 * jail -c|-r|-rc [jail ...] from jail.conf: no name means every configured
 * jail.  One jail's failure is reported and the others go on; the exit
 * status says whether any failed.
 */
/* The configuration and the jails to act on, in depend order; reports its own errors. */
static int load_ordered(struct conf *c, char **names, int n, bool for_remove, const char ***order, size_t *norder)
{
	struct perr e = { 0 };

	if (load_conf(c) < 0)
		return -1;
	if (jailconf_order(c, names, (size_t)n, for_remove, order, norder, &e) < 0) {
		fail(NULL, &e);
		conf_free(c);
		return -1;
	}
	return 0;
}

static bool named(char **names, int n, const char *name)
{
	if (n == 0)
		return true;
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

static bool running(const char *name)
{
	struct jail_record rec;
	struct perr e = { 0 };

	if (jail_find(name, &rec, &e) < 0)
		return false;
	record_free(&rec);
	return true;
}

/*
 * jail -c|-r|-rc [jail ...] from jail.conf: no name means every configured
 * jail, in the order depend gives (dependencies created first, removed
 * last; a jail depended on is started if it is not running).  One jail's
 * failure is reported and the others go on; the exit status says whether
 * any failed.
 */
static int from_config(char **names, int n, bool create, bool remove, bool hooks, struct jail_exec *x)
{
	struct conf c = { 0 };
	struct perr e = { 0 };
	const char **order = NULL;
	size_t norder;
	int ret = 0;

	if (load_ordered(&c, names, n, remove && !create, &order, &norder) < 0)
		return 1;
	for (size_t i = 0; i < norder; i++) {
		const char *name = order[i];
		bool asked = named(names, n, name);
		struct conf_jail j;
		struct paramset ps = { 0 };
		if (remove) {
			struct jail_record rec;
			/* A dependent that is not running, or a dependency of -rc, is left alone. */
			if (!asked && (create || !running(name)))
				continue;
			int r = jail_remove(name, hooks, &rec, &e);
			/* -rc of a jail that is not running just creates it. */
			if (r >= 0 || !create)
				ret |= report_remove(name, r, &rec, &e);
			if (r < 0 && !create)
				continue;
		}
		if (!create || (!asked && running(name)))
			continue;
		if (conf_resolve(&c, name, &j, &e) < 0 || jailconf_params(&j, &ps, &e) < 0) {
			fail(name, &e);
			if (j.name)
				conf_jail_free(&j);
			param_free(&ps);
			ret = 1;
			continue;
		}
		conf_jail_free(&j);
		struct jail_exec xj = *x;
		if (do_create(&ps, &xj) != 0)
			ret = 1;
		param_free(&ps);
	}
	free(order);
	conf_free(&c);
	return ret;
}

/*
 * jail -m [jail ...] from jail.conf: each running jail takes the values its
 * configuration now gives for what can change; a parameter fixed at
 * creation that the configuration now sets otherwise is an error.
 */
static int modify_from_config(char **names, int n)
{
	struct conf c = { 0 };
	struct perr e = { 0 };
	const char **order = NULL;
	size_t norder;
	int ret = 0;

	if (load_ordered(&c, names, n, false, &order, &norder) < 0)
		return 1;
	for (size_t i = 0; i < norder; i++) {
		const char *name = order[i];
		struct conf_jail j;
		struct jail_record now;
		struct paramset want = { 0 }, change = { 0 };
		bool asked = n > 0 && named(names, n, name);
		if (jail_find(name, &now, &e) < 0) {
			if (asked) {
				fail(name, &e);
				ret = 1;
			}
			continue;
		}
		if (conf_resolve(&c, name, &j, &e) < 0 || jailconf_params(&j, &want, &e) < 0)
			goto bad;
		for (int id = 0; id < P__COUNT; id++) {
			const char *v = param_str(&want, id), *cur = param_str(&now.params, id);
			if (!v || id == P_NAME || (cur && strcmp(v, cur) == 0))
				continue;
			if (param_table[id].flags & (PF_CREATE | PF_RDONLY)) {
				perr_set(&e, 0, "%s cannot be changed after creation", param_table[id].name);
				goto bad;
			}
			if (param_copy_one(&change, &want, id, &e) < 0)
				goto bad;
		}
		conf_jail_free(&j);
		record_free(&now);
		param_free(&want);
		ret |= do_modify(&change, name);
		param_free(&change);
		continue;
bad:
		fail(name, &e);
		if (j.name)
			conf_jail_free(&j);
		record_free(&now);
		param_free(&want);
		param_free(&change);
		ret = 1;
	}
	free(order);
	conf_free(&c);
	return ret;
}

/* The old form: jail path hostname ip command ... */
static int old_form(struct paramset *ps, char **argv, int argc, struct perr *e)
{
	if (argc < 4)
		return perr_set(e, 0, "the old form needs path hostname ip command");
	if (param_set(ps, P_PATH, argv[0], e) < 0 || param_set(ps, P_HOSTNAME, argv[1], e) < 0)
		return -1;
	if (argv[2][0] != '\0') {
		/* One list of both families: split by family, as FreeBSD does. */
		char v4[2048] = "", v6[2048] = "", buf[4096], *save = NULL;
		snprintf(buf, sizeof(buf), "%s", argv[2]);
		for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			char *list = strchr(t, ':') ? v6 : v4;
			size_t len = sizeof(v4);
			snprintf(list + strlen(list), len - strlen(list), "%s%s", *list ? "," : "", t);
		}
		if ((*v4 && param_set(ps, P_IP4_ADDR, v4, e) < 0) || (*v6 && param_set(ps, P_IP6_ADDR, v6, e) < 0))
			return -1;
	}
	return param_set_argv(ps, P_COMMAND, argv + 3, argc - 3, e);
}

int main(int argc, char **argv)
{
	struct paramset ps = { 0 };
	struct jail_exec x = { 0 };
	struct perr e = { 0 };
	bool create = false, modify = false, remove = false, hooks = true;
	const char *mod_key = NULL, *show_sep = NULL;
	int c, ret;

	if (ensure_std_fds() < 0) {
		fprintf(stderr, "jail: cannot open /dev/null\n");
		return 1;
	}
	/* Our lines and those of the exec.* commands must come out in the order they happen. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	while ((c = getopt(argc, argv, "+cmrRdhilqvJ:u:U:n:s:f:e:")) != -1) {
		switch (c) {
		case 'c': create = true; break;
		case 'm': modify = true; break;
		case 'r': remove = true; break;
		case 'R': remove = true; hooks = false; break;
		case 'd': break; /* dying jails are gone at once on Linux: nothing to allow */
		case 'i': print_jid = true; quiet = true; break;
		case 'l': x.login = true; break;
		case 'q': quiet = true; break;
		case 'v': verbose = true; break;
		case 'J': jid_file = optarg; break;
		case 'u': x.host_user = optarg; break;
		case 'U': x.jail_user = optarg; break;
		case 'n':
			if (param_set(&ps, P_NAME, optarg, &e) < 0)
				goto bad;
			break;
		case 's':
			if (param_set(&ps, P_SECURELEVEL, optarg, &e) < 0)
				goto bad;
			break;
		case 'h':
			if (param_set(&ps, P_IP_HOSTNAME, "true", &e) < 0)
				goto bad;
			break;
		case 'f': conf_file = optarg; break;
		case 'e': show_sep = optarg; break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (x.host_user && x.jail_user)
		usage();
	if (show_sep)
		return create || modify || remove || argc ? (usage(), 1) : show_config(show_sep);
	/* Names only (no param=value): the jails come from jail.conf. */
	bool named = true;
	for (int i = 0; i < argc; i++)
		named &= strchr(argv[i], '=') == NULL;
	if (modify && remove)
		usage();
	if (remove && create)
		return from_config(argv, argc, true, true, hooks, &x);
	if (remove) {
		if (argc == 0 || conf_file)
			return from_config(argv, argc, false, true, hooks, &x);
		return do_remove(argv, argc, hooks);
	}
	if (create && !modify && named)
		return from_config(argv, argc, true, false, hooks, &x);
	if (!create && !modify) {
		if (argc == 0 || strchr(argv[0], '='))
			usage();
		if (old_form(&ps, argv, argc, &e) < 0)
			goto bad;
		create = true;
	} else {
		if (modify && !create && (argc == 0 || named))
			return modify_from_config(argv, argc);
		/* jail -m NAME param=value ...: the jail named first, then what changes. */
		if (modify && !create && !strchr(argv[0], '=')) {
			mod_key = argv[0];
			argc--;
			argv++;
		}
		for (int i = 0; i < argc; i++) {
			int used;
			if (param_parse_word(&ps, argv[i], argv + i + 1, argc - i - 1, &used, &e) < 0)
				goto bad;
			i += used;
		}
	}
	if (create && modify) {
		/* -cm: modify the jail if it exists, create it if not. */
		struct jail_record rec;
		const char *key = param_str(&ps, P_JID) ? param_str(&ps, P_JID) : param_str(&ps, P_NAME);
		modify = key && jail_find(key, &rec, &e) == 0;
		if (modify)
			record_free(&rec);
		create = !modify;
	}
	ret = create ? do_create(&ps, &x) : do_modify(&ps, mod_key);
	param_free(&ps);
	return ret;
bad:
	fail(param_str(&ps, P_NAME), &e);
	param_free(&ps);
	return 1;
}
