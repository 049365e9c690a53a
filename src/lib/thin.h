/*
 * Thin jails: a jail with base=NAME gets a root made of the base's current
 * generation, shared read-only, under a writable layer of its own
 * (overlayfs).  The jail's directory holds its layer:
 *
 *   DIR/root    path: where the jail's root stands (by default DIR is
 *               STATEDIR/jails/NAME); the host mounts nothing on it
 *   DIR/upper   what the jail wrote, owned on disk as the jail sees it
 *   DIR/work    overlayfs's own scratch directory
 *
 * The overlay is made on the host with the new mount API from idmapped
 * clones of the base's tree (read-only) and of DIR, each opened without
 * following a link and passed to overlayfs as a descriptor, then handed
 * to jailinit as the root tree; it exists only in the jail's own mount
 * namespace.  The jail's record keeps the generation it runs on
 * (base.generation); a new generation reaches it at its next start.
 */
#ifndef PRISON_THIN_H
#define PRISON_THIN_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "param.h"

/* A jail on a base: base set, and not empty. */
bool base_jail(const struct paramset *ps);
/* A thin jail: on a base, and base.type not thick (thick.h). */
bool thin_jail(const struct paramset *ps);

/*
 * At creation, before anything exists: base.generation, path's default,
 * the layer's directories (a thin jail) or the copy (a thick one), and the
 * jail's own record (jailmeta.h).
 */
int thin_prepare(struct paramset *ps, struct perr *e);
/* Host side, after the id maps are written (jail root is host uid_base): the overlay, a detached mount for the root. */
int thin_root(const struct paramset *ps, int userns_fd, unsigned long uid_base, struct perr *e);

/* Where the host has the thin jail's own files: DIR/upper. */
int thin_layer_path(const struct paramset *ps, char *buf, size_t len, struct perr *e);
/*
 * A directory of the thin jail's own, for a child jail's root (nested.h):
 * rel (canonical, nestpath.h) walked down the jail's layer with no link
 * followed and no mount crossed, and refused unless nothing of the base
 * shows through it (the base has nothing at its place, or the layer's
 * directory hides the base's as opaque).  Such a directory is, file for
 * file, what the jail sees there, on a file system that can be idmapped.
 * Its host path goes to host; returns a directory fd.
 */
int thin_own_dir(const struct paramset *ps, const char *rel, char *host, size_t len, struct perr *e);

#endif
