/*
 * The registry: one JSON record per jail under /run/prison/jail/JID.json,
 * written atomically (temporary file, rename), a name index of symbolic
 * links /run/prison/name/NAME -> JID, and one lock file that serialises jid
 * allocation and every change of a record.  Finding a jail by jid or name
 * reads one record, so the cost of a command does not grow with the number
 * of jails; only listing them all does.
 */
#ifndef PRISON_REGISTRY_H
#define PRISON_REGISTRY_H

#include <stdbool.h>
#include <sys/types.h>

#include "api.h"
#include "cgpath.h"
#include "error.h"
#include "param.h"
#include "priv.h"

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
	struct cg_path cg; /* where its cgroups are, in every hierarchy */
	struct paramset params;
	/* What its processes may do, derived from params when they change and kept (policy.h). */
	struct jail_policy policy;
	bool has_policy;   /* false only for a record an older prison wrote */
};

struct registry {
	int dirfd;  /* the run directory (runtime.h) */
	int jailfd; /* RUNDIR/jail */
	int namefd; /* RUNDIR/name */
	int pendfd; /* RUNDIR/pending */
	int lockfd;
	bool locked;
};

/* Open (creating if needed) and take the lock, exclusive or shared. */
int registry_open(struct registry *r, bool exclusive, struct perr *e);
void registry_close(struct registry *r);
/* Does this process hold a registry lock now (a second registry_open would wait for it forever)? */
bool registry_locked_here(void);
int registry_unlock(struct registry *r);
int registry_relock(struct registry *r, struct perr *e);

/* All records, sorted by jid.  Caller frees with registry_free_list. */
int registry_list(struct registry *r, struct jail_record **ret, size_t *ret_n, struct perr *e);
PRISON_API void registry_free_list(struct jail_record *list, size_t n);
/* The record of jid: 1 if found, 0 if not. */
int registry_read(struct registry *r, int jid, struct jail_record *ret);
/* The same, telling a record that cannot be read (-1, e says why: a FIFO, too large, torn) from none (0). */
int registry_read_checked(struct registry *r, int jid, struct jail_record *ret, struct perr *e);
/* The jid a name is indexed to, or -1. */
int registry_name_jid(struct registry *r, const char *name);
/*
 * The lowest jid from on with no record.  A hint file keeps where the search
 * starts (lowered when a jail is removed), so finding it costs a probe or
 * two, not a look at every record.
 */
int registry_free_jid(struct registry *r, int from);
/*
 * jids marked pending in /run/prison/pending: a creation or removal under
 * way, or abandoned by a command that was killed.  The directory is empty
 * but for those, so reading it costs nothing when all is well.
 */
int registry_pending(struct registry *r, int **ret, size_t *ret_n, struct perr *e);
/* Mark (or unmark) a jail as being created or removed. */
int registry_mark_pending(struct registry *r, int jid, bool on);
/* Write the record and index its name (dropping old_name's link if it was renamed). */
int registry_write(struct registry *r, const struct jail_record *rec, const char *old_name, struct perr *e);
/* The index of jid in list (sorted by jid, as registry_list returns it), or n. */
size_t registry_find_jid(const struct jail_record *list, size_t n, int jid);
/* Drop name links that point at no record of live (the full consistency pass). */
void registry_prune_names(struct registry *r, const struct jail_record *live, size_t n);
/* Remove the record and its name link: 1 if there was one, 0 if not, -1 on error. */
int registry_remove(struct registry *r, const struct jail_record *rec);
PRISON_API void record_free(struct jail_record *rec);
/* A record freed when it goes out of scope (it must start zeroed). */
#define _cleanup_record_ __attribute__((cleanup(record_free)))

/*
 * A record from its text, as registry_write stores it in file; -1 with e set.
 * The text is hostile input: anything it holds is checked as the
 * parameters of the command line are.
 */
int registry_record_parse(const char *text, const char *file, struct jail_record *rec, struct perr *e);
/* The text registry_write stores for rec (the caller frees it); NULL when out of memory. */
char *registry_record_text(const struct jail_record *rec);

struct json_object;
/* Parameters as a JSON object (lists as arrays): the record's and the audit trail's form. */
struct json_object *params_to_json(const struct paramset *ps);

/* Path of the control socket of a jail. */
void registry_ctl_path(int jid, char *buf, size_t len);

#endif
