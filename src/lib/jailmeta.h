/*
 * What a jail on a base keeps in its own directory beside its layer, so
 * that it can be exported while stopped and recreated from an archive:
 *
 *   DIR/jail.json   {"format": 1, "name", "base", "type" ("thin" or
 *                   "thick"), "generation" (the base's, last taken),
 *                   "params": {"ip4.addr": ["198.18.0.10"], ...}}
 *
 * written by the host at every creation (the parameters the user gave,
 * without those that belong to one run: jid, path, command) and by
 * jimport(8).  Only root can reach it (STATEDIR/jails is root's only).
 */
#ifndef PRISON_JAILMETA_H
#define PRISON_JAILMETA_H

#include <stdbool.h>

#include "error.h"
#include "param.h"

#define JAILMETA_FILE "jail.json"
#define JAILMETA_MAX ((size_t)64 * 1024)

struct jailmeta {
	char name[256];
	char base[64];
	bool thick;
	long generation;
	struct paramset params; /* only the kept ones; free with param_free */
};

/* A parameter that belongs to one run, not to the jail (jid, path...): never kept. */
bool jailmeta_transient(int id);
/* ps, as jail.json's text (malloc'd), and written to dirfd. */
char *jailmeta_text(const struct paramset *ps, bool thick, long gen, struct perr *e);
int jailmeta_write(int dirfd, const struct paramset *ps, bool thick, long gen, struct perr *e);
/* Parse jail.json's text into m (zeroed first); every parameter checked by the table. */
int jailmeta_parse(const char *text, struct jailmeta *m, struct perr *e);
/* Read dirfd's jail.json; ENOENT if it has none. */
int jailmeta_read(int dirfd, struct jailmeta *m, struct perr *e);

#endif
