/*
 * jls's listing: every live jail with what jls shows by default and with
 * -v, read from the listing index (regindex.h) rather than from one JSON
 * record per jail.  A jail the index says is dead is torn down as the
 * sweep would; where the index cannot be trusted (missing, damaged, left
 * busy by a command killed mid-change, or tainted by a teardown that left
 * something behind) the full pass runs instead (jail_sweep) and makes it
 * again, so what jls shows is always what the records say.
 */
#ifndef PRISON_JAILLIST_H
#define PRISON_JAILLIST_H

#include <stddef.h>

#include "api.h"
#include "error.h"
#include "registry.h"

struct jail_brief {
	int jid;
	enum jail_state state;
	/* Never NULL; all in one allocation, buf, which the brief owns. */
	const char *name, *hostname, *path;
	const char *ip4, *ip6; /* ip4.addr and ip6.addr as the parameters hold them */
	char *buf;
};

/* Every live jail, sorted by jid, after clearing what dead ones left behind. */
PRISON_API int jail_list_brief(struct jail_brief **ret, size_t *ret_n, struct perr *e);
PRISON_API void jail_brief_free(struct jail_brief *list, size_t n);

#endif
