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

void ifname_jail_ether(const char *jail, const char *ifname, uint8_t ret[6])
{
	/* FNV-1a over "jail\0ifname": stable across versions and machines, which is all it needs to be. */
	uint64_t h = 0xcbf29ce484222325ULL;
	const char *parts[2] = { jail, ifname };

	for (int k = 0; k < 2; k++)
		for (const char *p = parts[k];; p++) {
			h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
			if (!*p)
				break;
		}
	for (int i = 0; i < 6; i++)
		ret[i] = (uint8_t)(h >> (8 * i));
	ret[0] = (uint8_t)((ret[0] & 0xfc) | 0x02); /* locally administered, unicast */
}
