/* jexec(8): run a command in a jail. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../include/prison.h"

static __attribute__((noreturn)) void usage(void)
{
	fprintf(stderr, "usage: jexec [-l] [-d working-directory] [-u username | -U username] jail [command ...]\n");
	exit(1);
}

static void inner_line(char kind, const char *text, void *arg)
{
	(void)arg;
	if (kind == 'e')
		fprintf(stderr, "%s\n", text);
}

/*
 * jexec inside a jail: into one of its descendants, named relative to it,
 * through the host (nestcli.h); the command's status is jexec's.  -u names
 * a user of the host's, which is not the jail's to use.
 */
static int inner_exec(const struct jail_exec *x, int argc, char **argv)
{
	const char *words[CTL_NEST_WORDS];
	char dir[4096], user[300];
	struct perr e = { 0 };
	size_t n = 0;
	int r;

	if (x->host_user) {
		fprintf(stderr, "jexec: -u: inside a jail, name the user with -U\n");
		return 1;
	}
	if (x->login)
		words[n++] = "-l";
	if (x->workdir) {
		snprintf(dir, sizeof(dir), "-d%s", x->workdir);
		words[n++] = dir;
	}
	if (x->jail_user) {
		snprintf(user, sizeof(user), "-U%s", x->jail_user);
		words[n++] = user;
	}
	/* The command gets this environment, as jexec's on the host gets its caller's. */
	for (char **v = environ; *v && !x->login; v++) {
		if (n + argc + 1 >= CTL_NEST_WORDS) {
			fprintf(stderr, "jexec: more than %d words with the environment\n", CTL_NEST_WORDS);
			return 1;
		}
		char *word;
		if (asprintf(&word, "-e%s", *v) < 0) {
			fprintf(stderr, "jexec: out of memory\n");
			return 1;
		}
		/* Freed at exit: jexec ends with the request. */
		words[n++] = word;
	}
	words[n++] = "--";
	for (int i = 0; i < argc; i++) {
		if (n == CTL_NEST_WORDS) {
			fprintf(stderr, "jexec: more than %d words\n", CTL_NEST_WORDS);
			return 1;
		}
		words[n++] = argv[i];
	}
	r = nest_call(CTL_NEST_EXEC, words, n, inner_line, NULL, &e);
	if (r >= 0)
		return r;
	if (e.err == ENOENT)
		fprintf(stderr, "jexec: jail \"%s\" not found\n", argv[0]);
	else
		fprintf(stderr, "jexec: %s\n", e.msg);
	return 1;
}

int main(int argc, char **argv)
{
	struct jail_exec x = { 0 };
	struct jail_record rec;
	struct perr e = { 0 };
	int c, status = 0;

	if (ensure_std_fds() < 0) {
		fprintf(stderr, "jexec: cannot open /dev/null\n");
		return 1;
	}

	while ((c = getopt(argc, argv, "+d:lu:U:")) != -1) {
		switch (c) {
		case 'd': x.workdir = optarg; break;
		case 'l': x.login = true; break;
		case 'u': x.host_user = optarg; break;
		case 'U': x.jail_user = optarg; break;
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || (x.host_user && x.jail_user))
		usage();
	if (nest_inside())
		return inner_exec(&x, argc, argv);
	if (jail_find(argv[0], &rec, &e) < 0) {
		fprintf(stderr, "jexec: %s\n", e.msg);
		audit_event("jexec", argv[0], 0, NULL, argc > 1 ? argv + 1 : NULL, e.msg);
		return 1;
	}
	if (!x.host_user && !x.jail_user) {
		/* The jail's user for commands (exec.jail_user), but exec.clean is for exec.* alone. */
		bool login = x.login;
		jail_exec_defaults(&x, &rec.params);
		x.login = login;
	}
	x.argv = argc > 1 ? argv + 1 : NULL;
	/* Recorded once the command has ended, with whether it could be run. */
	if (jail_exec(&rec, &x, &status, &e) < 0) {
		fprintf(stderr, "jexec: %s: %s\n", rec.name, e.msg);
		audit_event("jexec", rec.name, rec.jid, NULL, x.argv, e.msg);
		record_free(&rec);
		/* A command not found is 127, one that could not be run 126, as in a shell. */
		return status ? status : 1;
	}
	audit_event("jexec", rec.name, rec.jid, NULL, x.argv, NULL);
	record_free(&rec);
	return status;
}
