/*
 * What root in a jail may do: a capability bounding set and a seccomp
 * filter derived from the allow.* parameters.  The user namespace is the
 * first wall (jail root is an unprivileged uid on the host); these are the
 * second.
 */
#ifndef PRISON_PRIV_H
#define PRISON_PRIV_H

#include <linux/filter.h>
#include <stdbool.h>
#include <sys/resource.h>

#include "error.h"
#include "param.h"

enum jail_sys { JSYS_DISABLE, JSYS_NEW, JSYS_INHERIT };

struct jail_policy {
	bool set_hostname, reserved_ports, unpriv_debug, suser, raw_sockets, mount, mlock, chflags,
		quotas, read_msgbuf;
	bool socket_af;     /* every address family but AF_VSOCK */
	bool abstract_unix; /* no Landlock scope: abstract unix sockets outside the process's own tree */
	bool new_userns; /* children.max > 0 */
	bool vnet;       /* a network stack of its own, which jail root administers */
	bool host_inherit; /* host=inherit: the host's UTS namespace */
	/* allow.mount.*: with any of them, allow.mount opens only those kinds of mount. */
	bool mount_typed, mount_bind, mount_newfs;
	enum jail_sys sysvmsg, sysvsem, sysvshm;
	/* From the rctl rules; RLIM_INFINITY where none. */
	rlim_t rlimit[RLIMIT_NLIMITS];
};

void jail_policy_from_params(struct jail_policy *p, const struct paramset *ps);
/* Whether the jail needs an IPC namespace of its own (anything but inherit). */
bool jail_policy_private_ipc(const struct jail_policy *p);
/*
 * The seccomp filter of a policy, compiled once on the host side before a
 * process is cloned (libseccomp's compilation is the slow part; loading the
 * ready program in the child is cheap).  Built on first use and kept, one
 * per policy, until the process exits: *ret is the library's, valid for
 * that long, and never freed by the caller.
 */
struct jail_filter {
	struct sock_filter *insns;
	unsigned short len;
};

int priv_filter(const struct jail_policy *p, const struct jail_filter **ret, struct perr *e);

/*
 * Drop the bounding set, load the filter, set the securebits of
 * allow.nosuser.  Must run as root of the jail's user namespace, with every
 * capability still effective, before credentials change.
 */
int priv_restrict(const struct jail_policy *p, const struct jail_filter *f, struct perr *e);
/* After credentials changed: keep only the policy's capabilities. */
int priv_trim(const struct jail_policy *p, struct perr *e);
/*
 * The capabilities root of a jail of policy p holds (bit n for capability
 * n): a fixed set, and those its allow.* parameters and vnet give.
 */
unsigned long long priv_jail_caps(const struct jail_policy *p);
/*
 * After priv_trim: keep only the capabilities in keep (an OCI process's
 * set), in every set and the bounding set.  It only ever takes away; of
 * what is kept and permitted, those in inheritable stay inheritable, and
 * those in ambient are made inheritable and ambient, kept across execve
 * (for a uid other than 0 too, whose permitted set jail_make_process kept
 * through setuid when its credentials asked, cred.h, and which gets
 * CAP_SETPCAP effective again from it for the bounding set).
 */
int priv_keep_only(unsigned long long keep, unsigned long long inheritable, unsigned long long ambient,
		   struct perr *e);

#endif
