/*
 * An OCI bundle's config.json (runtime-spec) mapped onto a jail: the
 * parameters of the jail the container is, and the process that is its
 * payload.  What maps is taken, what a runtime may leave out is left out
 * and documented, and anything else is refused with a message naming the
 * field; nothing here makes anything.
 */
#ifndef PRISON_OCICONFIG_H
#define PRISON_OCICONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "api.h"
#include "cred.h"
#include "error.h"
#include "param.h"
#include "priv.h"

#define OCI_MAX_RLIMITS 16
#define OCI_MAX_SYSCTL 64

struct oci_rlimit {
	int resource;
	struct rlimit lim;
};

/* Nodes linux.memoryPolicy can name: Linux's largest MAX_NUMNODES. */
#define OCI_MPOL_MAX_NODES 1024

struct oci_config {
	struct paramset params; /* the jail: name, path, oci.bundle, host name, limits, network */
	char **argv;            /* process.args */
	char **envp;            /* process.env */
	char *cwd;              /* process.cwd */
	struct jail_cred cred;  /* process.user, by number */
	bool terminal;          /* process.terminal */
	bool no_new_privs;      /* process.noNewPrivileges */
	bool caps_set;          /* process.capabilities given: caps is what the process keeps */
	unsigned long long caps;
	unsigned long long inheritable; /* process.capabilities.inheritable, only those caps has */
	unsigned long long ambient; /* process.capabilities.ambient, only those caps has, for any uid */
	struct oci_rlimit rlimits[OCI_MAX_RLIMITS];
	size_t nrlimits;
	bool umask_set;         /* process.user.umask */
	unsigned umask;
	bool oom_score_adj_set;
	int oom_score_adj;
	bool sched_set;         /* process.scheduler (ocisched.c): a policy that is not real-time, a nice value */
	int sched_policy, sched_nice;
	bool ioprio_set;        /* process.ioPriority, as ioprio_set(2) takes it */
	int ioprio;
	bool mempolicy_set;     /* linux.memoryPolicy (ocimempol.c): mode with its flags, nodes */
	bool mempolicy_has_nodes;
	int mempolicy_mode;
	unsigned long mempolicy_nodes[OCI_MPOL_MAX_NODES / (8 * sizeof(unsigned long))];
	char *annotations; /* the annotations object as JSON text, "{}" for none */
	struct jail_filter seccomp; /* linux.seccomp compiled (ociseccomp.c); len 0 for none */
	unsigned seccomp_flags;     /* linux.seccomp.flags, for seccomp(2) */
	bool own_net, own_ipc;      /* network and IPC namespaces of its own */
	char *sysctl[OCI_MAX_SYSCTL]; /* linux.sysctl to write (ocisysctl.c) */
	char *hooks;                /* the hooks object as JSON text, checked (ocihooks.c); NULL for none */
	size_t nsysctl;
	/*
	 * The rctl resources linux.resources lifts with -1 (runc's "no
	 * limit"), comma-separated: update removes their rules; create has
	 * none to remove.
	 */
	char lift[128];
};

/*
 * Read BUNDLE/config.json for container id and map it; *ret (zeroed by
 * this) is freed with oci_config_free() whatever the result.
 */
PRISON_API int oci_config_load(const char *bundle, const char *id, struct oci_config *ret, struct perr *e);
PRISON_API void oci_config_free(struct oci_config *c);
/*
 * prison-oci exec --process: the process object in file (runtime-spec's
 * process) in place of c's process; c keeps its parameters.
 */
PRISON_API int oci_process_load(const char *file, struct oci_config *c, struct perr *e);

/*
 * Hooks (ocihooks.c).  oci_hooks_run runs those of kind in hooks (the
 * config's JSON text, NULL for none) in their order, state on their
 * standard input: createContainer and startContainer as processes of the
 * jail rec, the others as children of this process.  The first failure
 * (exit status, signal, timeout) stops the rest and is returned; with warn,
 * each failure is given to warn instead and the rest still run
 * (runtime-spec's poststart and poststop), and 0 is returned.
 */
enum oci_hook {
	OCI_HOOK_CREATE_RUNTIME, /* prestart's too */
	OCI_HOOK_CREATE_CONTAINER,
	OCI_HOOK_START_CONTAINER,
	OCI_HOOK_POSTSTART,
	OCI_HOOK_POSTSTOP,
	OCI_HOOK__COUNT
};
struct jail_record;
typedef void oci_hook_warn_fn(const struct perr *e, void *arg);
PRISON_API int oci_hooks_run(const char *hooks, enum oci_hook kind, const struct jail_record *rec, const char *state,
			     oci_hook_warn_fn *warn, void *arg, struct perr *e);
PRISON_API const char *oci_hook_name(enum oci_hook kind);
/* The state JSON runtime-spec gives hooks (malloc'd; NULL when out of memory); pid <= 0 leaves it out. */
PRISON_API char *oci_hook_state(const char *id, const char *status, pid_t pid, const char *bundle,
				const char *annotations);

/*
 * prison-oci update: a runtime-spec linux.resources object (JSON text) as
 * the parameters it maps onto, as create maps it: rctl (its rules),
 * cpu.weight and cpuset.cpus, each set only when the object gives it;
 * in ret_lift (of len bytes) the rctl resources whose limit -1 lifts, as
 * oci_config's lift.  *ret is zeroed by this and freed with param_free()
 * whatever the result.
 */
PRISON_API int oci_resources_load(const char *text, struct paramset *ret, char *ret_lift, size_t len,
				  struct perr *e);

/* Pieces of the mapping, for ociconfig.c (ocilinux.c, ocimisc.c). */
struct json_object;
int oci_map_linux(struct json_object *linux_obj, struct oci_config *c, struct perr *e);
int oci_map_freebsd(struct json_object *freebsd_obj, struct oci_config *c, struct perr *e);
int oci_map_mounts(struct json_object *mounts, struct oci_config *c, struct perr *e);
int oci_map_caps(struct json_object *caps, struct oci_config *c, struct perr *e);
/*
 * Once the jail's parameters are mapped: an ambient capability the jail's
 * root does not hold is dropped for uid 0 (whose capabilities are the jail
 * root's anyway) and refused by name for any other uid, with the parameter
 * that gives it.
 */
int oci_check_caps(struct oci_config *c, struct perr *e);
int oci_map_rlimits(struct json_object *rlimits, struct oci_config *c, struct perr *e);
/* process.scheduler and process.ioPriority, the real-time ones refused (ocisched.c). */
int oci_map_sched(struct json_object *process, struct oci_config *c, struct perr *e);
/* Both on the calling process, for the container's process to inherit; nothing when neither is given. */
PRISON_API int oci_sched_apply(const struct oci_config *c, struct perr *e);
/* linux.memoryPolicy, checked by name (ocimempol.c); the kernel judges the combination when it is applied. */
int oci_map_mempolicy(struct json_object *mp, struct oci_config *c, struct perr *e);
/* The memory policy on the calling process, for the container's process to inherit; nothing when none. */
PRISON_API int oci_mempolicy_apply(const struct oci_config *c, struct perr *e);
/* linux.resources.devices and linux.devices against a jail's /dev (ocidevices.c). */
int oci_map_devices(struct json_object *rules, struct json_object *nodes, struct perr *e);
int oci_map_hooks(struct json_object *hooks, struct oci_config *c, struct perr *e);
int oci_map_sysctl(struct json_object *sysctl, struct oci_config *c, struct perr *e);
/*
 * linux.sysctl written in the namespaces of the container's process
 * (pidfd), as the jail's root (root_uid, its host uid); after jail_spawn.
 */
PRISON_API int oci_sysctl_apply(const struct oci_config *c, int pidfd, unsigned long root_uid, struct perr *e);
int oci_map_seccomp(struct json_object *seccomp, struct oci_config *c, struct perr *e);
/* linux.uidMappings and gidMappings onto idmap.base, or refused (ociidmap.c). */
int oci_map_idmaps(struct json_object *linux_obj, struct oci_config *c, struct perr *e);
/* linux.resources onto c's rctl, cpu.weight and cpuset.cpus (ocilinux.c). */
int oci_map_resources(struct json_object *res, struct oci_config *c, struct perr *e);
/* linux.resources.hugepageLimits and .unified (ocihuge.c): the jail's hugetlb.limit and cgroup.unified. */
int oci_map_cgroup_extra(struct json_object *res, struct oci_config *c, struct perr *e);
/* One fstab(5) line more in the jail's mount parameter (ocimisc.c). */
int oci_add_mount(struct oci_config *c, const char *line, struct perr *e);

/* JSON helpers (ocijson.c) */
struct json_object *oci_get(struct json_object *o, const char *key);
/* The string list at o (an array of strings) as a NULL-terminated copy; what names it in errors. */
int oci_strv(struct json_object *o, const char *what, char ***ret, struct perr *e);
PRISON_API void oci_strv_free(char **v);

#endif
