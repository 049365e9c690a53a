/* Who a process in a jail runs as: looked up in the jail's or the host's user database. */
#ifndef PRISON_CRED_H
#define PRISON_CRED_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

#define CRED_MAX_GROUPS 64
/* A jail's /etc/passwd or /etc/group larger than this is refused (jail root could make it endless). */
#define CRED_MAX_DB (16 << 20)

struct jail_cred {
	uid_t uid;
	gid_t gid;
	gid_t groups[CRED_MAX_GROUPS];
	int ngroups;
	char name[64];
	char home[256];
	char shell[256];
	/*
	 * An OCI process of a uid other than 0 with process.capabilities: jail
	 * root's permitted set is kept through setuid (PR_SET_KEEPCAPS), for
	 * priv_keep_only to cut the bounding set to the container's and raise
	 * the ambient ones; execve then leaves it only those ambient ones (and
	 * what a file's capabilities give, within the container's bounding set).
	 */
	bool keep_caps;
};

/* root of the jail, with the defaults of a missing passwd entry. */
void cred_root(struct jail_cred *c);
/*
 * Parse /etc/passwd and /etc/group under the current root by hand: the
 * jail's files are data, and NSS would load the jail's libraries into us.
 * Either must be a regular file of at most CRED_MAX_DB bytes (never a FIFO
 * to hang on); a missing one is an empty database.
 */
int cred_lookup_jail(const char *user, struct jail_cred *c, struct perr *e);
/*
 * The home of uid in the jail's passwd (under the current root, as above),
 * matched by number; "/" when the jail has no entry for it.
 */
int cred_jail_home(uid_t uid, char *home, size_t len, struct perr *e);
/* The host's user database (jail -u, jexec -u). */
int cred_lookup_host(const char *user, struct jail_cred *c, struct perr *e);
/* Parse one passwd line "name:x:uid:gid:gecos:home:shell"; 0 on a match of user (name or uid). */
int cred_parse_passwd_line(const char *line, const char *user, struct jail_cred *c);
/* Whether a group line lists user as a member; fills *gid. */
int cred_parse_group_line(const char *line, const char *user, gid_t *gid);

#endif
