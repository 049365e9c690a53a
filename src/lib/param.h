/*
 * The one table of jail parameters.  Parsing, validation (the command
 * line's and jail.conf's), jail -m and jls output all come from
 * param_table[], and a unit test holds the man page's list to it: adding a
 * parameter is one enum value and one row.
 */
#ifndef PRISON_PARAM_H
#define PRISON_PARAM_H

#include <stdbool.h>
#include <stddef.h>

#include "api.h"
#include "error.h"

enum param_type {
	PT_BOOL,
	PT_INT,
	PT_STRING,
	PT_JAILSYS, /* new | inherit | disable */
	PT_ARGV,    /* a command: the rest of the command line */
	PT_LIST,    /* commands for /bin/sh, run in order (exec.*): a list in jail.conf */
};

enum param_flag {
	PF_RDONLY = 1 << 0,  /* reported, never set by the user */
	PF_CREATE = 1 << 1,  /* set at creation only; jail -m refuses it */
	PF_NOSTATE = 1 << 2, /* a parameter of jail(8), not of the jail: hidden from jls -n */
	PF_CONFONLY = 1 << 3, /* a word of jail.conf only: param_lookup, the command line and jls do not know it */
	PF_CONFSKIP = 1 << 4, /* in jail.conf, no value of the jail's (name is the section's; depend orders jails) */
	PF_INNER = 1 << 6,    /* a jail may set it on its own descendants: it names nothing of the host's (nested.h) */
};

enum param_id {
	P_JID,
	P_NAME,
	P_PATH,
	P_HOSTNAME,
	P_DOMAINNAME,
	P_PERSIST,
	P_PERSIST_IDLE,
	P_DYING,
	P_PARENT,
	P_CHILDREN_MAX,
	P_CHILDREN_CUR,
	P_SECURELEVEL,
	P_ENFORCE_STATFS,
	P_DEVFS_RULESET,
	P_SYSVMSG,
	P_SYSVSEM,
	P_SYSVSHM,
	P_ALLOW_SET_HOSTNAME,
	P_ALLOW_RESERVED_PORTS,
	P_ALLOW_UNPRIV_DEBUG,
	P_ALLOW_SUSER,
	P_ALLOW_RAW_SOCKETS,
	P_ALLOW_MOUNT,
	P_ALLOW_MLOCK,
	P_ALLOW_CHFLAGS,
	P_ALLOW_QUOTAS,
	P_ALLOW_SOCKET_AF,
	P_ALLOW_READ_MSGBUF,
	P_ALLOW_ABSTRACT_UNIX,
	P_OSRELEASE,
	P_COMMAND,
	P_EXEC_PREPARE,
	P_EXEC_PRESTART,
	P_EXEC_CREATED,
	P_EXEC_START,
	P_EXEC_POSTSTART,
	P_EXEC_PRESTOP,
	P_EXEC_STOP,
	P_EXEC_POSTSTOP,
	P_EXEC_RELEASE,
	P_EXEC_JAIL_USER,
	P_EXEC_SYSTEM_USER,
	P_EXEC_SYSTEM_JAIL_USER,
	P_EXEC_CLEAN,
	P_EXEC_TIMEOUT,
	P_EXEC_CONSOLELOG,
	P_MOUNT,
	P_MOUNT_FSTAB,
	P_MOUNT_DEVFS,
	P_MOUNT_PROCFS,
	P_MOUNT_FDESCFS,
	P_MOUNT_HOSTTMP,
	P_PATH_READONLY,
	P_PATH_PROPAGATION,
	P_STOP_TIMEOUT,
	P_RCTL,
	P_CPU_WEIGHT,
	P_CPU_SHARES,
	P_CPUSET_CPUS,
	P_CPUSET_MEMS,
	P_IO_DEVICE,
	P_MEMORY_LOW,
	P_HUGETLB_LIMIT,
	P_CGROUP_UNIFIED,
	P_IP4,
	P_IP4_ADDR,
	P_IP4_SADDRSEL,
	P_IP6,
	P_IP6_ADDR,
	P_IP6_SADDRSEL,
	P_INTERFACE,
	P_IP_HOSTNAME,
	P_VNET,
	P_VNET_INTERFACE,
	P_VNET_BRIDGE,
	P_VNET_IFNAME,
	P_VNET_DEFAULTROUTER,
	P_VNET_DEFAULTROUTER6,
	P_IP4_NAT,
	P_IP6_NAT,
	P_EXPOSE,
	P_BASE,
	P_BASE_GENERATION,
	P_BASE_TYPE,
	P_OCI_BUNDLE,
	P_NS_NET,
	P_NS_IPC,
	P_NS_UTS,
	P_IDMAP_BASE,
	P_DEPEND,
	P_EXEC_FIB,
	P_CPUSET_ID,
	P_HOST_HOSTUUID,
	P_HOST_HOSTID,
	/* FreeBSD 15's other parameters (jail(8) says what each means here). */
	P_OSRELDATE,
	P_HOST,
	P_ALLOW_SYSVIPC,
	P_ALLOW_MOUNT_DEVFS,
	P_ALLOW_MOUNT_FDESCFS,
	P_ALLOW_MOUNT_FUSEFS,
	P_ALLOW_MOUNT_NULLFS,
	P_ALLOW_MOUNT_PROCFS,
	P_ALLOW_MOUNT_TMPFS,
	P_ALLOW_MOUNT_ZFS,
	P_ALLOW_MOUNT_LINPROCFS,
	P_ALLOW_MOUNT_LINSYSFS,
	P_ALLOW_EXTATTR,
	P_ALLOW_ADJTIME,
	P_ALLOW_SETTIME,
	P_ALLOW_ROUTING,
	P_ALLOW_NFSD,
	P_ALLOW_SETAUDIT,
	P_ALLOW_UNPRIV_PARENT_TAMPERING,
	P_ALLOW_VMM,
	P_LINUX,
	P_LINUX_OSNAME,
	P_LINUX_OSRELEASE,
	P_LINUX_OSS_VERSION,
	P_META,
	P_ENV,
	P_ZFS_MOUNT_SNAPSHOT,
	P__COUNT
};

/* The longest meta or env, FreeBSD's security.jail.meta_maxbufsize. */
#define PARAM_META_MAX 4096

struct param_def {
	const char *name;
	enum param_type type;
	unsigned flags;
	const char *def; /* default as canonical text, NULL if none */
	long min, max;   /* PT_INT bounds */
	const char *conf_as; /* in jail.conf, the parameter this name stands for */
};

PRISON_API extern const struct param_def param_table[P__COUNT];

struct param_value {
	bool set;
	char *str;   /* canonical text: "true"/"false", decimal, word */
	char **argv; /* PT_ARGV and PT_LIST, NULL-terminated */
	bool keyed;  /* meta, env: only meta.KEY words were given, str holds those keys' lines (jailkv.h) */
};

struct paramset {
	struct param_value v[P__COUNT];
};

/* The row of a parameter name, -1 if none (PF_CONFONLY rows are none). */
PRISON_API int param_lookup(const char *name);
/*
 * Set one parameter as jail.conf gives it: its name and values (none for a
 * bare name), each value of a list one entry.  The table's row decides:
 * left out (PF_CONFSKIP), taken as another (conf_as),
 * a list, or else parsed as the command line's "name=v1,v2" would be.
 */
int param_parse_conf(struct paramset *ps, const char *name, char *const *values, size_t n, struct perr *e);
/*
 * Parse one "name=value", "name", "noname" or "a.noname" word into ps.
 * For PT_ARGV parameters, *argv_rest holds the words after it on the command
 * line and are consumed.  Returns 0 or -1 with e set.
 */
PRISON_API int param_parse_word(struct paramset *ps, const char *word, char **rest, int nrest, int *consumed,
				struct perr *e);
/* Set a parameter from text, validating its type. */
PRISON_API int param_set(struct paramset *ps, int id, const char *value, struct perr *e);
PRISON_API int param_set_argv(struct paramset *ps, int id, char *const *argv, int argc, struct perr *e);
/* Fill unset parameters with their defaults. */
void param_fill_defaults(struct paramset *ps);
PRISON_API const char *param_str(const struct paramset *ps, int id);
PRISON_API bool param_bool(const struct paramset *ps, int id);
PRISON_API long param_int(const struct paramset *ps, int id);
/* Render for jls -n: "name=value", "name"/"noname" for booleans. quote adds "" where needed. */
PRISON_API int param_format(const struct paramset *ps, int id, bool quote, char *buf, size_t len);
/* Render only the value (jls param lists). */
PRISON_API int param_format_value(const struct paramset *ps, int id, bool quote, char *buf, size_t len);
/* id as if never given. */
void param_unset(struct paramset *ps, int id);
PRISON_API void param_free(struct paramset *ps);
/* A parameter set freed when it goes out of scope (it must start zeroed). */
#define _cleanup_params_ __attribute__((cleanup(param_free)))
int param_copy(struct paramset *dst, const struct paramset *src);
/* Copy one parameter's value, a list as a list. */
PRISON_API int param_copy_one(struct paramset *dst, const struct paramset *src, int id, struct perr *e);

#endif
