/* What jexport.c and jimport.c share: which extended attributes a jail's layer keeps. */
#ifndef PRISON_JEXPORT_H
#define PRISON_JEXPORT_H

#include <archive_entry.h>
#include <stdbool.h>

/* user.*, overlayfs's whiteouts, opaque directories and redirects; file capabilities if keep_caps. */
bool jarchive_xattr_kept(const char *name, bool keep_caps);
/* Drop every other extended attribute of ent. */
void jarchive_filter_xattrs(struct archive_entry *ent, bool keep_caps);

#endif
