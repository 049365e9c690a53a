/*
 * A Debian base, built by mmdebstrap (Debian's tool for exactly this) as
 * --variant=minbase, from the host's own apt sources unless a mirror is
 * named.  Its messages are kept, and the last one becomes the error.
 */
#ifndef PRISON_BASEDEB_H
#define PRISON_BASEDEB_H

#include "error.h"

/* Build suite into the empty directory path; arch, include and mirror may be "". */
int basedeb_build(const char *path, const char *suite, const char *arch, const char *include, const char *mirror,
		  struct perr *e);

#endif
