/*
 * Bases: read-only root trees that thin jails share (jbase(8)).  A base
 * lives in the state directory (runtime.h), one directory per base:
 *
 *   STATEDIR/bases/NAME/current   the generation new jails get, replaced
 *                                 atomically (a new file renamed over it)
 *   STATEDIR/bases/NAME/G/        generation G's tree, never written after
 *                                 it is built (it is only ever mounted as
 *                                 a read-only overlay layer)
 *   STATEDIR/bases/NAME/G.json    generation G's identity: name, generation,
 *                                 source, time
 *
 * A generation is built beside the others (STATEDIR/bases/.build.*) and
 * renamed into place only once it is whole, so a failed build leaves
 * nothing.  Each tree carries its identity as /etc/prison-base, so a jail
 * can tell which base and generation it runs on.  An update builds
 * generation G+1 from the same source (or a new one) and switches current;
 * jails running on G keep it until their next start.  Generations that are
 * neither current nor used by a jail go at the next update or removal.
 */
#ifndef PRISON_BASE_H
#define PRISON_BASE_H

#include <stdbool.h>
#include <stddef.h>

#include "api.h"
#include "error.h"

enum base_kind { BASE_DIRECTORY, BASE_TARBALL, BASE_DEBIAN };

/* Where a generation comes from; kept in its identity so that an update can build the next one alike. */
struct base_source {
	enum base_kind kind;
	char from[1024];    /* the directory, the tarball, or the Debian suite */
	char arch[64];      /* Debian: the architecture, "" for the host's */
	char include[1024]; /* Debian: extra packages, comma-separated, or "" */
	char mirror[1024];  /* Debian: the mirror, "" for the host's apt sources */
	bool keep_setuid;   /* directory and tarball: keep setuid and setgid bits */
};

struct base_info {
	char name[64];
	long generation;     /* the current one */
	long generations;    /* how many are kept */
	char created[32];    /* of the current generation, ISO 8601 UTC */
	char source[1100];   /* "directory:/srv/root", "tarball:/x.tar.gz", "debian:bookworm" */
	int jails;           /* jails in the registry on any of its generations */
	struct base_source how;
};

/* A base name: letters, digits, '.', '_', '-', not starting with '.' or '-'; at most 63. */
PRISON_API int base_check_name(const char *name, struct perr *e);
/* Build generation 1 of a new base (EEXIST if there is one of that name). */
PRISON_API int base_create(const char *name, const struct base_source *src, struct perr *e);
/* Build the next generation, from src or (NULL) from the current one's source, and switch to it. */
PRISON_API int base_update(const char *name, const struct base_source *src, struct perr *e);
/* Remove a base and all its generations; EBUSY while a jail uses it. */
PRISON_API int base_remove(const char *name, struct perr *e);
/* One base (ENOENT if none), or all, sorted by name; free the list with free(). */
PRISON_API int base_info(const char *name, struct base_info *ret, struct perr *e);
PRISON_API int base_list(struct base_info **ret, size_t *ret_n, struct perr *e);

/* The identity of generation gen (kept while a jail uses it); ENOENT when gone. */
int base_generation_info(const char *name, long gen, struct base_info *ret, struct perr *e);
/* For thin jails: the current generation of a base (ENOENT: no such base). */
int base_current(const char *name, long *ret_gen, struct perr *e);
/* An O_PATH fd of generation gen's tree. */
int base_open_tree(const char *name, long gen, struct perr *e);
/* The state directory, made if missing, O_PATH; sub ("bases", "jails") below it too when not NULL. */
int base_statedir(const char *sub, struct perr *e);

#endif
