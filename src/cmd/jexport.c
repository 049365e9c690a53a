/* jexport(8): a stopped jail on a base, written as one archive file. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../include/prison.h"

static __attribute__((noreturn)) void usage(void)
{
	fprintf(stderr, "usage: jexport jail file\n");
	exit(1);
}

int main(int argc, char **argv)
{
	struct perr e = { 0 };

	if (ensure_std_fds() < 0) {
		fprintf(stderr, "jexport: cannot open /dev/null\n");
		return 1;
	}
	if (getopt(argc, argv, "") != -1 || argc - optind != 2)
		usage();
	if (jail_export(argv[optind], argv[optind + 1], &e) < 0) {
		fprintf(stderr, "jexport: %s\n", e.msg);
		return 1;
	}
	return 0;
}
