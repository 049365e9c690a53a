/* jail(8): create, modify and remove jails. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../include/prison.h"
#include "jailinner.h"

static bool quiet, verbose, print_jid;
static const char *jid_file, *conf_file;
/* Run inside a jail: the host makes, changes and removes this jail's descendants (nested.h). */
static bool inner;

/* The command line, parsed: what to do, and the one parameter set it builds. */
struct cmdline {
	struct paramset ps;
	struct jail_exec x;
	bool create, modify, remove, hooks;
	const char *show_sep;
	char **args; /* the operands: jails, param=value words or the old form */
	int nargs;
};

static __attribute__((noreturn)) void usage(void)
{
	fprintf(stderr, "usage: jail [-dilqv] [-J jid_file] [-n jailname] [-s securelevel]\n"
			"            [-u username | -U username] -c [-m] param=value ... [command=command ...]\n"
			"       jail [-dqv] -m jail param=value ...\n"
			"       jail [-dqv] -m jid=jid | name=name param=value ...\n"
			"       jail [-dqv] -r | -R jail ...\n"
			"       jail [-dqv] -r | -R '*'\n"
			"       jail [-dqv] [-f conf_file] -c | -r | -rc [jail ...]\n"
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

static bool running(const char *key);

/*
 * The jail an operation names, missing or already there: FreeBSD's jail(8)
 * says so with the name quoted and nothing else ("web" not found, "web"
 * already exists).  Decided on the error's kind and a fresh look, never on
 * its text.
 */
static void fail_target(const char *key, const struct perr *e, bool creating)
{
	if (key && !creating && e->err == ENOENT && !running(key))
		fprintf(stderr, "jail: \"%s\" not found\n", key);
	else if (key && creating && e->err == EEXIST && running(key))
		fprintf(stderr, "jail: \"%s\" already exists\n", key);
	else
		fail(key, e);
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
	/* A full disk shows only when the buffer goes out: say so, as for a file that cannot be opened. */
	if (fclose(f) != 0) {
		fprintf(stderr, "jail: %s: %s: %m\n", rec->name, jid_file);
		return -1;
	}
	return 0;
}

static int do_create(const struct paramset *ps, const struct jail_exec *x)
{
	struct jail_record rec;
	struct perr e = { 0 };
	int ret = 0;

	if (verbose)
		fprintf(stderr, "jail: %s: create\n", param_str(ps, P_NAME) ? param_str(ps, P_NAME) : "");
	if (inner)
		return inner_create(ps, x);
	if (jail_start(ps, x, &rec, &e) < 0) {
		fail_target(param_str(ps, P_NAME), &e, true);
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
	if (inner)
		return inner_modify(ps, key == param_str(ps, P_JID) || key == param_str(ps, P_NAME) ? NULL : key);
	/* With jid= given, name= is a rename. */
	if (jail_modify(key, ps, &rec, &e) < 0) {
		fail_target(key, &e, false);
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
		fail_target(key, e, false);
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

static int find_jail(const char *key, struct jail_record *ret, struct perr *e)
{
	return inner ? nest_find(key, ret, e) : jail_find(key, ret, e);
}

static bool running(const char *key)
{
	struct jail_record rec;
	struct perr e = { 0 };

	if (find_jail(key, &rec, &e) < 0)
		return false;
	record_free(&rec);
	return true;
}

/* jail -r '*': every jail, highest jid first, the reverse of creation. */
static int remove_all(bool hooks)
{
	struct jail_record *list = NULL;
	size_t nlist = 0;
	struct perr e = { 0 };
	int ret = 0;

	if (jail_list(&list, &nlist, &e) < 0) {
		fail(NULL, &e);
		return 1;
	}
	for (size_t i = nlist; i-- > 0;) {
		struct jail_record rec;
		if (inner) {
			/* A descendant whose parent went first went with it. */
			if (param_int(&list[i].params, P_PARENT) == 0 || running(list[i].name))
				ret |= inner_remove_one(NULL, list[i].name, hooks);
			continue;
		}
		/*
		 * By name, which no other jail can have: a jid freed meanwhile
		 * may already belong to a jail made after the listing.
		 */
		int r = jail_remove(list[i].name, hooks, &rec, &e);
		/* A child jail with a lower jid than its parent's went with the parent (and is in its audit trail). */
		if (r < 0 && e.err == ENOENT && param_int(&list[i].params, P_PARENT) > 0)
			continue;
		ret |= report_remove(list[i].name, r, &rec, &e);
	}
	registry_free_list(list, nlist);
	return ret;
}

static int do_remove(char **keys, int n, bool hooks)
{
	struct perr e = { 0 };
	int ret = 0;

	if (n == 1 && strcmp(keys[0], "*") == 0)
		return remove_all(hooks);
	for (int i = 0; i < n; i++) {
		struct jail_record rec;
		if (inner) {
			ret |= inner_remove_one(NULL, keys[i], hooks);
			continue;
		}
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

/* One line of jail -e: name=NAME, then each parameter after sep. */
static void print_config_line(const struct conf_jail *j, const char *sep)
{
	/* A numeric section is the jail's jid; a name parameter in it names the jail. */
	printf(j->numeric ? "jid=" : "name=");
	jailconf_print_value(stdout, j->name);
	for (size_t k = 0; k < j->nparams; k++) {
		const struct conf_param *p = &j->params[k];
		if (strcmp(p->name, "name") == 0 && !j->numeric)
			continue;
		printf("%s%s", sep, p->name);
		for (size_t v = 0; v < p->nvalues; v++) {
			putchar(v ? ',' : '=');
			jailconf_print_value(stdout, p->values[v]);
		}
	}
	putchar('\n');
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
		print_config_line(&j, sep);
		conf_jail_free(&j);
	}
	free(names);
	conf_free(&c);
	return ret;
}

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

/* The parameters jail.conf gives one jail; reports its own errors. */
static int config_params(const struct conf *c, const char *name, struct paramset *ps)
{
	struct conf_jail j;
	struct perr e = { 0 };
	int r = conf_resolve(c, name, &j, &e);

	if (r == 0)
		r = jailconf_params(&j, ps, &e);
	/* conf_resolve leaves j empty or whole, so it can always be freed. */
	conf_jail_free(&j);
	if (r < 0)
		fail(name, &e);
	return r;
}

/* The removal half of -r and -rc for one configured jail; returns the exit status. */
static int config_remove(const struct conf *c, const char *name, bool create, bool hooks)
{
	struct jail_record rec;
	struct perr e = { 0 };
	int r;

	if (inner) {
		struct paramset ps _cleanup_params_ = { 0 };
		if (create && !running(name))
			return 0;
		return config_params(c, name, &ps) < 0 ? 1 : inner_remove_one(&ps, name, hooks);
	}
	r = jail_remove(name, hooks, &rec, &e);

	/* -rc of a jail that is not running just creates it. */
	if (r < 0 && create)
		return 0;
	return report_remove(name, r, &rec, &e);
}

static int config_create(const struct conf *c, const char *name, const struct jail_exec *x)
{
	struct paramset ps _cleanup_params_ = { 0 };

	if (config_params(c, name, &ps) < 0)
		return 1;
	return do_create(&ps, x);
}

/*
 * jail -c|-r|-rc [jail ...] from jail.conf: no name means every configured
 * jail, in the order depend gives (dependencies created first, removed
 * last; a jail depended on is started if it is not running).  One jail's
 * failure is reported and the others go on; the exit status says whether
 * any failed.
 */
static int from_config(char **names, int n, bool create, bool remove, bool hooks, const struct jail_exec *x)
{
	struct conf c = { 0 };
	const char **order = NULL;
	size_t norder;
	int ret = 0;

	if (load_ordered(&c, names, n, remove && !create, &order, &norder) < 0)
		return 1;
	for (size_t i = 0; i < norder; i++) {
		const char *name = order[i];
		bool asked = named(names, n, name);
		if (remove) {
			/* A dependent that is not running, or a dependency of -rc, is left alone. */
			if (!asked && (create || !running(name)))
				continue;
			ret |= config_remove(&c, name, create, hooks);
		}
		if (!create || (!asked && running(name)))
			continue;
		ret |= config_create(&c, name, x) != 0;
	}
	free(order);
	conf_free(&c);
	return ret;
}

/*
 * Into change, what want sets otherwise than the running jail has now; a
 * parameter fixed at creation among them is an error.
 */
static int config_changes(const struct paramset *want, const struct paramset *now, struct paramset *change,
			  struct perr *e)
{
	for (int id = 0; id < P__COUNT; id++) {
		const char *v = param_str(want, id), *cur = param_str(now, id);
		/* A value the jail was made without is its default. */
		if (!cur)
			cur = param_table[id].def;
		if (!v || id == P_NAME || (cur && strcmp(v, cur) == 0))
			continue;
		if ((param_table[id].flags & (PF_CREATE | PF_RDONLY)) && strncmp(param_table[id].name, "allow.", 6) == 0)
			return perr_setx(e, EINVAL, "%s cannot be changed on a running jail", param_table[id].name);
		if (param_table[id].flags & (PF_CREATE | PF_RDONLY))
			return perr_setx(e, EINVAL, "%s cannot be changed after creation", param_table[id].name);
		if (param_copy_one(change, want, id, e) < 0)
			return -1;
	}
	return 0;
}

/* jail -m of one configured jail that runs; returns the exit status. */
static int config_modify(const struct conf *c, const char *name, const struct jail_record *now)
{
	struct paramset want _cleanup_params_ = { 0 };
	struct paramset change _cleanup_params_ = { 0 };
	struct perr e = { 0 };

	if (config_params(c, name, &want) < 0)
		return 1;
	if (config_changes(&want, &now->params, &change, &e) < 0) {
		fail(name, &e);
		return 1;
	}
	return do_modify(&change, name);
}

/*
 * jail -m [jail ...] from jail.conf: each running jail takes the values its
 * configuration now gives for what can change; a parameter fixed at
 * creation that the configuration now sets otherwise is an error.  With
 * create (-cm), one that does not run is created as -c would create it,
 * and so is a dependency that does not run; only the jails named (all,
 * with none named) are modified.
 */
static int modify_from_config(char **names, int n, const struct jail_exec *create)
{
	struct conf c = { 0 };
	const char **order = NULL;
	size_t norder;
	int ret = 0;

	if (load_ordered(&c, names, n, false, &order, &norder) < 0)
		return 1;
	for (size_t i = 0; i < norder; i++) {
		const char *name = order[i];
		struct jail_record now;
		struct perr e = { 0 };
		if (find_jail(name, &now, &e) < 0) {
			if (create)
				ret |= config_create(&c, name, create) != 0;
			/* Only a jail named on the command line has to be running. */
			else if (n > 0 && named(names, n, name)) {
				fail(name, &e);
				ret = 1;
			}
			continue;
		}
		if (!create || named(names, n, name))
			ret |= config_modify(&c, name, &now);
		record_free(&now);
	}
	free(order);
	conf_free(&c);
	return ret;
}

/* One list of both families, as the old form's ip takes it: split by family, as FreeBSD does. */
static int old_form_addrs(struct paramset *ps, const char *addrs, struct perr *e)
{
	char v4[2048] = "", v6[2048] = "", buf[4096], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", addrs);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *list = strchr(t, ':') ? v6 : v4;
		size_t len = sizeof(v4);
		snprintf(list + strlen(list), len - strlen(list), "%s%s", *list ? "," : "", t);
	}
	if (*v4 && param_set(ps, P_IP4_ADDR, v4, e) < 0)
		return -1;
	if (*v6 && param_set(ps, P_IP6_ADDR, v6, e) < 0)
		return -1;
	return 0;
}

/* The old form: jail path hostname ip command ... */
static int old_form(struct paramset *ps, char **argv, int argc, struct perr *e)
{
	if (argc < 4)
		return perr_setx(e, EINVAL, "the old form needs path hostname ip command");
	if (param_set(ps, P_PATH, argv[0], e) < 0 || param_set(ps, P_HOSTNAME, argv[1], e) < 0)
		return -1;
	if (argv[2][0] != '\0' && old_form_addrs(ps, argv[2], e) < 0)
		return -1;
	return param_set_argv(ps, P_COMMAND, argv + 3, argc - 3, e);
}

/* param=value words into ps; the words after command= are its arguments. */
static int parse_words(struct paramset *ps, char **argv, int argc, struct perr *e)
{
	for (int i = 0; i < argc; i++) {
		int used;
		if (param_parse_word(ps, argv[i], argv + i + 1, argc - i - 1, &used, e) < 0)
			return -1;
		i += used;
	}
	return 0;
}

/* -cm: modify the jail if it exists, create it if not. */
static int create_or_modify(const struct paramset *ps, const struct jail_exec *x)
{
	const char *key = param_str(ps, P_JID) ? param_str(ps, P_JID) : param_str(ps, P_NAME);

	if (key && running(key))
		return do_modify(ps, NULL);
	return do_create(ps, x);
}

/* jail -c or -m with param=value words, and jail -m NAME param=value ... */
static int from_command_line(struct cmdline *cl, struct perr *e)
{
	const char *mod_key = NULL;
	char **args = cl->args;
	int nargs = cl->nargs;

	/* jail -m NAME param=value ...: the jail named first, then what changes. */
	if (!cl->create && !strchr(args[0], '=')) {
		mod_key = args[0];
		args++;
		nargs--;
	}
	if (parse_words(&cl->ps, args, nargs, e) < 0)
		return -1;
	if (cl->create && cl->modify)
		return create_or_modify(&cl->ps, &cl->x);
	return cl->create ? do_create(&cl->ps, &cl->x) : do_modify(&cl->ps, mod_key);
}

/*
 * jail -rc param=value ...: restart the jail the words name (jid= or
 * name=) without reading jail.conf: removed with its stop commands if it
 * runs, then created from the words.
 */
static int restart_from_command_line(struct cmdline *cl, struct perr *e)
{
	const char *key;
	int ret = 0;

	if (parse_words(&cl->ps, cl->args, cl->nargs, e) < 0)
		return -1;
	key = param_str(&cl->ps, P_NAME) ? param_str(&cl->ps, P_NAME) : param_str(&cl->ps, P_JID);
	if (!key)
		return perr_setx(e, EINVAL, "-rc needs jid= or name= to say which jail");
	if (running(key))
		ret = do_remove((char **)&key, 1, cl->hooks);
	return ret ? ret : do_create(&cl->ps, &cl->x);
}

/* A word the command line's parser takes as a parameter: name=value, or a boolean's name ("persist", "allow.nomount"). */
static bool param_word(char *word)
{
	struct paramset ps _cleanup_params_ = { 0 };
	struct perr e = { 0 };
	int used = 0;

	return strchr(word, '=') || param_parse_word(&ps, word, NULL, 0, &used, &e) == 0;
}

/*
 * Operands that are all jail names (no parameter among them) mean the
 * jails of jail.conf; jail -m NAME persist is a jail and a parameter.
 */
static bool names_only(char **args, int n)
{
	for (int i = 0; i < n; i++)
		if (param_word(args[i]))
			return false;
	return true;
}

/* -c, -m or -cm of jails by name: their sections of jail.conf. */
static int names_from_config(struct cmdline *cl)
{
	if (cl->create && !cl->modify)
		return from_config(cl->args, cl->nargs, true, false, cl->hooks, &cl->x);
	return modify_from_config(cl->args, cl->nargs, cl->create ? &cl->x : NULL);
}

/*
 * What the flags and operands ask for, in FreeBSD's order of precedence;
 * returns the exit status, or -1 with e set for a parameter that does not
 * parse.
 */
static int dispatch(struct cmdline *cl, struct perr *e)
{
	bool names = names_only(cl->args, cl->nargs);

	if (cl->x.host_user && cl->x.jail_user)
		usage();
	if (cl->show_sep) {
		if (cl->create || cl->modify || cl->remove || cl->nargs)
			usage();
		return show_config(cl->show_sep);
	}
	if (cl->modify && cl->remove)
		usage();
	if (cl->remove && cl->create && !names && !conf_file)
		return restart_from_command_line(cl, e);
	if (cl->remove && (cl->create || cl->nargs == 0 || conf_file))
		return from_config(cl->args, cl->nargs, cl->create, true, cl->hooks, &cl->x);
	if (cl->remove)
		return do_remove(cl->args, cl->nargs, cl->hooks);
	if (!cl->create && !cl->modify) {
		if (cl->nargs == 0 || strchr(cl->args[0], '='))
			usage();
		if (old_form(&cl->ps, cl->args, cl->nargs, e) < 0)
			return -1;
		return do_create(&cl->ps, &cl->x);
	}
	return names ? names_from_config(cl) : from_command_line(cl, e);
}

/* One flag into cl; -1 with e set for a flag's parameter that does not parse. */
static int take_flag(struct cmdline *cl, int c, struct perr *e)
{
	switch (c) {
	case 'c': cl->create = true; break;
	case 'm': cl->modify = true; break;
	case 'r': cl->remove = true; break;
	case 'R': cl->remove = true; cl->hooks = false; break;
	case 'd': break; /* dying jails are gone at once on Linux: nothing to allow */
	case 'i': print_jid = true; quiet = true; break;
	case 'l': cl->x.login = true; break;
	case 'q': quiet = true; break;
	case 'v': verbose = true; break;
	case 'J': jid_file = optarg; break;
	case 'u': cl->x.host_user = optarg; break;
	case 'U': cl->x.jail_user = optarg; break;
	case 'n': return param_set(&cl->ps, P_NAME, optarg, e);
	case 's': return param_set(&cl->ps, P_SECURELEVEL, optarg, e);
	case 'h': return param_set(&cl->ps, P_IP_HOSTNAME, "true", e);
	case 'f': conf_file = optarg; break;
	case 'e': cl->show_sep = optarg; break;
	default: usage();
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct cmdline cl = { .hooks = true };
	struct perr e = { 0 };
	int c, ret = 0;

	if (ensure_std_fds() < 0) {
		fprintf(stderr, "jail: cannot open /dev/null\n");
		return 1;
	}
	/* Our lines and those of the exec.* commands must come out in the order they happen. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	while (ret == 0 && (c = getopt(argc, argv, "+cmrRdhilqvJ:u:U:n:s:f:e:")) != -1)
		ret = take_flag(&cl, c, &e);
	if (ret == 0) {
		cl.args = argv + optind;
		cl.nargs = argc - optind;
		/* Root in a jail makes, changes and removes its own descendants through the host (nested.h). */
		inner = !cl.show_sep && nest_inside();
		if (inner)
			inner_setup(quiet, print_jid, jid_file);
		ret = dispatch(&cl, &e);
	}
	if (ret < 0) {
		fail(param_str(&cl.ps, P_NAME), &e);
		ret = 1;
	}
	param_free(&cl.ps);
	return ret;
}
