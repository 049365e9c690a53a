/* jimport(8): a jail recreated from an archive of jexport(8)'s. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../include/prison.h"

static __attribute__((noreturn)) void usage(void)
{
	fprintf(stderr, "usage: jimport [-su] [-n name] file\n");
	exit(1);
}

int main(int argc, char **argv)
{
	struct import_opts o = { 0 };
	struct perr e = { 0 };
	char name[256];
	int c;

	if (ensure_std_fds() < 0) {
		fprintf(stderr, "jimport: cannot open /dev/null\n");
		return 1;
	}
	while ((c = getopt(argc, argv, "n:su")) != -1) {
		switch (c) {
		case 'n': o.name = optarg; break;
		case 's': o.keep_setuid = true; break;
		case 'u': o.any_generation = true; break;
		default: usage();
		}
	}
	if (argc - optind != 1)
		usage();
	if (jail_import(argv[optind], &o, name, sizeof(name), &e) < 0) {
		fprintf(stderr, "jimport: %s\n", e.msg);
		return 1;
	}
	return 0;
}
