/*
 * fstab(5) lines for mount and mount.fstab: "source target type options
 * dump pass", blanks between fields, \040 for a blank inside one, # for a
 * comment.  nullfs (a bind mount, "ro" for read-only), tmpfs, procfs and
 * overlay are the types a jail may use.
 */
#ifndef PRISON_FSTAB_H
#define PRISON_FSTAB_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

enum fstab_kind { FS_BIND, FS_TMPFS, FS_PROC, FS_OVERLAY };

struct fstab_entry {
	char source[1024];
	char target[1024];
	char type[32];
	char options[1024];
	enum fstab_kind kind;
	bool readonly;
	unsigned long propagation; /* MS_PRIVATE (the default), MS_SLAVE or MS_UNBINDABLE: fstab_propagation */
};

/*
 * A propagation word of mount(8)'s (private, slave, unbindable, shared,
 * each also with an r for recursive; a jail's trees are always taken
 * whole): 1 with *ret its MS_ flag, 0 for any other word, -1 for shared
 * and rshared, which would make the jail's mounts the host's peers.
 */
int fstab_propagation(const char *word, unsigned long *ret);

/* 1 with *ret filled, 0 for a blank or comment line, -1 with e set. */
int fstab_parse_line(const char *line, struct fstab_entry *ret, struct perr *e);
/*
 * The target relative to the jail's root, for a target given as a host
 * path under jail_path (as FreeBSD writes them) or as a path inside.
 */
int fstab_relative_target(const char *jail_path, const char *target, char *ret, size_t len, struct perr *e);

#endif
