/*
 * jkill(8): send a signal to every process of one or more jails at once,
 * with kill(1)'s way of naming signals.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../include/prison.h"

struct opts {
	int sig;
	bool init, tree, verbose, list;
	char **jails;
	int njails;
};

static __attribute__((noreturn)) void usage(void)
{
	fprintf(stderr, "usage: jkill [-irv] [-s signal_name] jail ...\n"
			"       jkill [-irv] -signal_name jail ...\n"
			"       jkill [-irv] -signal_number jail ...\n"
			"       jkill -l [exit_status]\n");
	exit(2);
}

static __attribute__((noreturn)) void bad_signal(const char *s)
{
	fprintf(stderr, "jkill: unknown signal \"%s\"; jkill -l lists them\n", s);
	exit(2);
}

/* kill -l: the names, as many to a line as fit in 72 columns; kill -l N: the name of N (or of N - 128, an exit status). */
static int list_signals(const char *status)
{
	char name[16];
	size_t col = 0;

	if (status) {
		long n;
		if (!parse_long(status, 0, 255, &n))
			bad_signal(status);
		if (n > 128)
			n -= 128;
		if (!signal_name((int)n, name, sizeof(name)))
			bad_signal(status);
		printf("%s\n", name);
		return 0;
	}
	for (int i = 1; i < SIGRTMIN; i++) {
		if (!signal_name(i, name, sizeof(name)))
			continue;
		if (col && col + 1 + strlen(name) > 72) {
			printf("\n");
			col = 0;
		}
		col += (size_t)printf("%s%s", col ? " " : "", name);
	}
	printf("\n");
	return 0;
}

static void set_signal(struct opts *o, const char *s, bool *given)
{
	if (*given)
		usage();
	*given = true;
	o->sig = signal_parse(s);
	if (o->sig < 0)
		bad_signal(s);
}

/* kill(1)'s syntax does not fit getopt: -HUP and -1 are options too. */
static void parse(int argc, char **argv, struct opts *o)
{
	bool given = false;
	int i = 1;

	o->sig = SIGTERM;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i] + 1;
		if (strcmp(a, "-") == 0) {
			i++;
			break;
		}
		if (strcmp(a, "s") == 0) {
			if (++i == argc)
				usage();
			set_signal(o, argv[i], &given);
		} else if (strcmp(a, "l") == 0) {
			o->list = true;
		} else if (strspn(a, "irv") == strlen(a)) {
			o->init |= strchr(a, 'i') != NULL;
			o->tree |= strchr(a, 'r') != NULL;
			o->verbose |= strchr(a, 'v') != NULL;
		} else {
			set_signal(o, a, &given);
		}
	}
	o->jails = argv + i;
	o->njails = argc - i;
}

/*
 * jkill -i: the signal goes to jailinit too, which takes it as init(8)
 * does: SIGTERM (single user), SIGUSR1 (halt) and SIGUSR2 (power off) all
 * bring a jail down, so each stops it as jail -r does, exec.stop and all.
 */
static int stop_jails(const struct opts *o)
{
	int ret = 0;

	if (o->sig != SIGTERM && o->sig != SIGUSR1 && o->sig != SIGUSR2) {
		char name[16] = "0";
		signal_name(o->sig, name, sizeof(name));
		fprintf(stderr, "jkill: -i: jailinit takes TERM, USR1 and USR2 (each stops the jail as jail -r does), not %s\n",
			name);
		return 2;
	}
	for (int i = 0; i < o->njails; i++) {
		_cleanup_record_ struct jail_record rec = { 0 };
		struct perr e = { 0 };
		int r = jail_remove(o->jails[i], true, &rec, &e);
		if (r < 0 && e.err == ENOENT) {
			fprintf(stderr, "jkill: %s\n", e.msg);
			ret = 1;
			continue;
		}
		audit_event("remove", rec.name[0] ? rec.name : o->jails[i], rec.jid, NULL, NULL, r ? e.msg : NULL);
		if (r != 0) {
			fprintf(stderr, "jkill: %s: %s\n", rec.name[0] ? rec.name : o->jails[i], e.msg);
			ret = 1;
		}
	}
	return ret;
}

static int report(const struct opts *o, const struct jkill_report *r, const char *signame)
{
	char *run[] = { (char *)signame, NULL };
	int ret = 0;

	for (size_t i = 0; i < r->njails; i++) {
		const struct jkill_jail *j = &r->jails[i];
		if (j->err.err)
			fprintf(stderr, "jkill: %s\n", j->err.msg);
		if (o->sig)
			audit_event("kill", j->jid ? j->name : o->jails[i], j->jid, NULL, run, j->err.err ? j->err.msg : NULL);
		ret |= j->err.err != 0;
	}
	if (o->verbose)
		for (size_t i = 0; i < r->nsent; i++)
			printf("%d %d %d\n", r->sent[i].jid, (int)r->sent[i].pid, (int)r->sent[i].jpid);
	return ret;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct jkill_report r;
	struct perr e = { 0 };
	char name[24] = "SIG", *p = name + 3;
	int ret;

	if (ensure_std_fds() < 0) {
		fprintf(stderr, "jkill: cannot open /dev/null\n");
		return 1;
	}
	parse(argc, argv, &o);
	if (nest_inside()) {
		fprintf(stderr, "jkill: Operation not permitted inside a jail (jail -r stops a child jail)\n");
		return 1;
	}
	if (o.list) {
		if (o.njails > 1 || o.init || o.tree || o.verbose)
			usage();
		return list_signals(o.njails ? o.jails[0] : NULL);
	}
	if (o.njails == 0)
		usage();
	if (o.init)
		return stop_jails(&o);
	if (!signal_name(o.sig, p, sizeof(name) - 3))
		snprintf(name, sizeof(name), "%d", o.sig);
	if (jail_kill(o.jails, (size_t)o.njails, o.sig, o.tree ? JKILL_TREE : 0, &r, &e) < 0) {
		fprintf(stderr, "jkill: %s\n", e.msg);
		jkill_report_free(&r);
		return 1;
	}
	ret = report(&o, &r, name);
	jkill_report_free(&r);
	return ret;
}
