/*
 * The registry: one JSON record per jail under /run/prison/jail, written
 * atomically (temporary file, fsync, rename), and one lock file that
 * serialises jid allocation and every change of a record.
 */
#ifndef PRISON_REGISTRY_H
#define PRISON_REGISTRY_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "param.h"

#define PRISON_RUNDIR "/run/prison"

enum jail_state {
	JS_CREATING, /* the creator holds the lock while it builds the jail */
	JS_ACTIVE,
	JS_DYING,    /* removal under way */
};

struct jail_record {
	int jid;
	char name[256];
	enum jail_state state;
	pid_t creator_pid;
	unsigned long long creator_start;
	pid_t init_pid;
	unsigned long long init_start;
	unsigned long uid_base;
	struct paramset params;
};

struct registry {
	int dirfd;  /* /run/prison */
	int jailfd; /* /run/prison/jail */
	int lockfd;
	bool locked;
};

/* Open (creating if needed) and take the lock, exclusive or shared. */
int registry_open(struct registry *r, bool exclusive, struct perr *e);
void registry_close(struct registry *r);
int registry_unlock(struct registry *r);
int registry_relock(struct registry *r, struct perr *e);

/* All records, sorted by jid.  Caller frees with registry_free_list. */
int registry_list(struct registry *r, struct jail_record **ret, size_t *ret_n, struct perr *e);
void registry_free_list(struct jail_record *list, size_t n);
/* Find by jid (all digits) or by name.  Returns 1 if found, 0 if not, -1 on error. */
int registry_find(struct registry *r, const char *key, struct jail_record *ret, struct perr *e);
int registry_write(struct registry *r, const struct jail_record *rec, struct perr *e);
int registry_remove(struct registry *r, int jid);
void record_free(struct jail_record *rec);
const char *jail_state_name(enum jail_state s);

/* Path of the control socket of a jail. */
void registry_ctl_path(int jid, char *buf, size_t len);

#endif
