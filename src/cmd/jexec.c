/* jexec(8): run a command in a jail. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "../include/prison.h"

static __attribute__((noreturn)) void usage(void)
{
	fprintf(stderr, "usage: jexec [-l] [-d working-directory] [-u username | -U username] jail [command ...]\n");
	exit(1);
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
