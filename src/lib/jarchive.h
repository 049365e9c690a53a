/*
 * A jail on a base as one archive file (jexport(8), jimport(8)), in the
 * way of the FreeBSD jail managers' export and import: a pax archive,
 * gzip-compressed, holding
 *
 *   jail.json    the jail's own record (jailmeta.h): name, base, type,
 *                generation, parameters
 *   base.json    the identity of its base: name, generation, source, time
 *   layer/...    a thin jail's own layer (owners, modes, times, hard links,
 *                extended attributes, overlayfs's whiteouts and opaque
 *                directories) or a thick jail's whole root
 *
 * Export takes a stopped jail's directory STATEDIR/jails/NAME.  Import
 * treats the archive as hostile: the two records first, bounded and
 * checked; then every entry below layer/ checked before libarchive writes
 * it beneath a directory of the import's own, never through a link
 * (absolute names, "..", hard links out, device nodes other than a thin
 * layer's whiteouts, and entries larger than the free space refuse the
 * archive; FIFOs and sockets are left out; setuid and setgid bits,
 * file capabilities and extended attributes other than user.* and
 * overlayfs's own are dropped unless asked to stay).  Parameters that act
 * on the host (exec.* hooks run by the host, mounts of host directories,
 * host interfaces, the console log) are not imported but left as comments
 * in the jail.conf written beside the jail.  The jail's directory appears
 * by one rename once it is whole: a refused import leaves nothing.
 */
#ifndef PRISON_JARCHIVE_H
#define PRISON_JARCHIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "api.h"
#include "error.h"

struct import_opts {
	const char *name;   /* the jail's name, NULL for the archive's */
	bool keep_setuid;   /* keep setuid and setgid bits and file capabilities */
	bool any_generation; /* accept a base at another generation than the archive's */
};

/* Export the stopped jail name (its directory in STATEDIR/jails) to the new file path. */
PRISON_API int jail_export(const char *name, const char *path, struct perr *e);
/* Recreate a jail from the archive at path; its name in ret_name. */
PRISON_API int jail_import(const char *path, const struct import_opts *o, char *ret_name, size_t len,
			   struct perr *e);

#endif
