#include "landlock.h"

#include <errno.h>
#include <linux/landlock.h>
#include <linux/types.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

/*
 * Debian 12's kernel headers (Linux 6.1) stop at Landlock ABI 2: the
 * ruleset attribute's later fields and the scope flags are spelt out here,
 * in the kernel's layout, which only ever grows at the end.  Delete this
 * once the build headers are Linux 6.12 or newer.
 */
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#endif
struct ruleset_attr_v6 {
	__u64 handled_access_fs;
	__u64 handled_access_net;
	__u64 scoped;
};
#define LANDLOCK_ABI_SCOPE 6

int landlock_abi(void)
{
	return (int)syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
}

bool landlock_wanted(const struct jail_policy *p)
{
	/* A vnet jail's abstract sockets are its own network namespace's already. */
	return !p->vnet && !p->abstract_unix;
}

static int no_scope(int abi, struct perr *e)
{
	static const char hint[] = "a jail on the shared stack would reach the host's abstract unix sockets "
				   "(set vnet, or allow.abstract_unix to accept that)";

	if (abi < 0 && errno == EOPNOTSUPP)
		return perr_setx(e, EOPNOTSUPP, "Landlock is not enabled (add landlock to the lsm= boot parameter): %s",
				 hint);
	if (abi < 0)
		return perr_setx(e, ENOSYS, "the kernel has no Landlock (CONFIG_SECURITY_LANDLOCK): %s", hint);
	return perr_setx(e, EOPNOTSUPP,
			 "Landlock ABI %d has no abstract unix socket scope (ABI 6, Linux 6.12 or newer): %s", abi,
			 hint);
}

int landlock_confine(const struct jail_policy *p, struct perr *e)
{
	/*
	 * No file system or network access is handled: the mount namespace and
	 * the sock_addr programs do that.  The signal scope is left out on
	 * purpose.  Each process entering a jail gets a domain of its own
	 * (Landlock has no way to join an existing one), and the scope would
	 * then keep a jexec'd root from signalling the jail's services; the
	 * PID namespace already hides every process outside the jail.
	 */
	struct ruleset_attr_v6 attr = { .scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET };
	_cleanup_close_ int fd = -1;
	int abi;

	if (!landlock_wanted(p))
		return 0;
	abi = landlock_abi();
	if (abi < LANDLOCK_ABI_SCOPE)
		return no_scope(abi, e);
	fd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (fd < 0)
		return perr_set(e, errno, "Landlock ruleset");
	if (syscall(SYS_landlock_restrict_self, fd, 0) < 0)
		return perr_set(e, errno, "Landlock restrict_self");
	return 0;
}
