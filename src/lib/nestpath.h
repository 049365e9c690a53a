/*
 * Names and paths as a jail and the host each say them (nested.h): pure,
 * so that they can be tested alone.
 */
#ifndef PRISON_NESTPATH_H
#define PRISON_NESTPATH_H

#include <stddef.h>

#include "error.h"

/*
 * A path given inside a jail, canonical: absolute, no empty or "." part,
 * and no ".." (which would make the string name something else than the
 * descriptor resolved from it).  "/" stays "/".
 */
int nest_path_canonical(const char *path, char *out, size_t len, struct perr *e);
/* full as jail parent names it: "web.php" is "php" to web; anything else is itself. */
const char *nest_relative(const char *parent, const char *full);
/* msg with every quoted name of parent's descendants relative to it ("\"web.php" becomes "\"php"). */
void nest_rewrite(const char *parent, const char *msg, char *out, size_t len);

#endif
