/*
 * Jails made from inside a jail: the design, not built yet.
 *
 * On FreeBSD, root in a jail whose children.max leaves room runs jail -c
 * and the kernel makes the child (kern_jail.c: PRIV_JAIL_SET works on
 * child jails).  On Linux, jail root is an unprivileged host uid: it can
 * make no cgroup, BPF program, id range or nftables rule on the host, and
 * prison has no daemon.  So a host-side component must do the work, and
 * it must trust nothing the jail controls.
 *
 * Who serves the request.  The jail's own jailinit already runs on the
 * host's side of the jail's namespaces with a control socket the host made
 * (ctl.c); it is not the server, since it runs as the jail's uids.  The
 * server is a one-shot "prison-nest" process that jailinit's socket wakes
 * the way a socket-activated service is woken: the host's systemd (or, with
 * no systemd, a listener the host's jail -c left bound) accepts on a
 * per-jail socket bound in a directory the jail cannot reach, and starts
 * the helper as host root for one request.  Inside the jail, jail(8), jls
 * and jexec see that socket mounted read-only at /run/prison.sock (the one
 * path the host opened beneath the jail's root fd, RESOLVE_IN_ROOT) and
 * speak ctlmsg (ctlmsg.c, bounded, fuzzed) over it instead of acting
 * themselves.
 *
 * How the requester is known.  Never by a name, jid, path or pid the jail
 * writes.  The helper takes SO_PEERCRED and SO_PEERPIDFD of the connection,
 * reads the peer's cgroup from the pidfd (/proc/self/fdinfo, pidfd_open)
 * and requires it to lie below exactly one live jail's cgroup in the
 * registry; it compares the peer's user and pid namespaces (opened from
 * /proc/PID/ns, then checked against the pidfd that the pid is still the
 * peer) with that jail's recorded ones, and that the peer's uid maps to
 * the jail's root.  A request from a grandchild resolves to the grandchild,
 * so a jail can only ever act on its own descendants.  The per-jail socket
 * already names the jail; the credentials must agree with it, or the
 * request is refused and audited.
 *
 * How the child is bounded by its parent.  The helper builds the child with
 * the same jail_start() the host uses, with the parent fixed to the
 * requesting jail, so every rule of jailsub.c and childmax.c holds: allow.*
 * a subset of the parent's, addresses a subset of the parent's (or
 * inherit), children.max below the parent's, the child's cgroup inside the
 * parent's (so the parent's rctl limits bind it), its id range carved from
 * the parent's own range, never from the host's pool, and its path resolved
 * beneath the parent's root fd.  Names are relative: "php" inside web is
 * web.php on the host; jls inside lists only the requester's descendants
 * (jail_list filtered by the resolved jid), and jexec php reaches web.php.
 * A jail cannot raise its own children.max, as no request names the
 * requester itself.
 *
 * What is missing for it.  The seccomp filter of a jail with children.max
 * above 0 already lets it make user namespaces; the helper, its socket
 * activation, the read-only socket mount, and ctlmsg verbs for create,
 * remove, list and exec.  Until then jail -c inside a jail fails: jail
 * root cannot make the host's cgroups.
 */
#ifndef PRISON_NESTED_H
#define PRISON_NESTED_H
#endif
