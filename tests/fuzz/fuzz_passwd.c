/*
 * A jail's /etc/passwd and /etc/group lines (cred.h), which jail root
 * writes and the host reads for jexec -U and exec.jail_user.  The input's
 * first line is the user looked up, each line after it tried as a passwd
 * and as a group line: a match is that user, with ids inside the jail's
 * 65536 and strings that fit.
 */
#include "fuzz.h"

#include <stdbool.h>

#include "../../src/lib/cred.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size), *p = text, *user = fuzz_line(&p), *line;
	struct jail_cred c;
	gid_t gid;

	if (!user) {
		free(text);
		return 0;
	}
	while ((line = fuzz_line(&p))) {
		memset(&c, 0, sizeof(c));
		if (cred_parse_passwd_line(line, user, &c) == 0) {
			FUZZ_ASSERT(c.uid <= 65535 && c.gid <= 65535);
			FUZZ_ASSERT(strncmp(line, c.name, strlen(c.name)) == 0 && line[strlen(c.name)] == ':');
			FUZZ_ASSERT(strcmp(c.name, user) == 0 ||
				    (strspn(user, "0123456789") == strlen(user) && strtol(user, NULL, 10) == (long)c.uid));
			FUZZ_ASSERT(c.home[0] != '\0' && c.shell[0] != '\0' && !strchr(c.home, ':'));
		}
		gid = (gid_t)-1;
		if (cred_parse_group_line(line, user, &gid) == 0)
			FUZZ_ASSERT(gid <= 65535);
	}
	free(text);
	return 0;
}
