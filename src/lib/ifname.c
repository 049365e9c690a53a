#include "ifname.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int ifname_check(const char *name, struct perr *e)
{
	size_t len = strnlen(name, IFNAMSIZ);

	if (len == 0)
		return perr_setx(e, EINVAL, "interface name is empty");
	if (len >= IFNAMSIZ)
		return perr_setx(e, EOVERFLOW, "interface name \"%.*s...\": longer than %d bytes", IFNAMSIZ - 1, name,
				IFNAMSIZ - 1);
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return perr_setx(e, EINVAL, "interface name \"%s\": not a name", name);
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (*p <= ' ' || *p == 0x7f)
			return perr_setx(e, EINVAL, "interface name \"%s\": contains a blank or control character", name);
		if (*p == '/' || *p == ':' || *p == '%')
			return perr_setx(e, EINVAL, "interface name \"%s\": contains '%c'", name, *p);
	}
	return 0;
}

int ifname_jail_pair(long long jid, char ret_host[IFNAMSIZ], char ret_jail[IFNAMSIZ], struct perr *e)
{
	if (jid < 0 || jid > (long long)UINT32_MAX)
		return perr_setx(e, ERANGE, "jid %lld: out of range for an interface name", jid);
	snprintf(ret_host, IFNAMSIZ, "pj%llda", jid);
	snprintf(ret_jail, IFNAMSIZ, "pj%lldb", jid);
	return 0;
}
