/*
 * Jails made from inside a jail: how it is built.
 *
 * On FreeBSD, root in a jail whose children.max leaves room runs jail -c
 * and the kernel makes the child (kern_jail.c: PRIV_JAIL_SET works on
 * child jails).  On Linux, jail root is an unprivileged host uid: it can
 * make no cgroup, BPF program, id range or nftables rule on the host, and
 * prison has no daemon.  So the host does the work, for one jail at a
 * time, and trusts nothing the jail controls.
 *
 * The socket (nestsock.c).  A jail created with children.max above 0 gets
 * a SOCK_SEQPACKET socket bound at RUNDIR/nest/JID.sock, in a directory of
 * host root's alone.  Before the jail's tree is built, a detached mount of
 * that socket file (open_tree) is bound read-only onto an empty file of the
 * jail's /dev, /dev/prison.sock: that /dev is a tmpfs prison makes for
 * every jail, so the host follows nothing of the jail's to put it there,
 * and the kernel locks the mount with the rest of the tree (mntns.h).  A
 * jail created with children.max=0 has no socket, until children.max is
 * raised on it (nestraise.h): its jail(8) says "prison limit exceeded" as
 * FreeBSD's does.
 *
 * The server (src/cmd/jailnest.c).  jail -c starts jailnest, host root,
 * not its child, in a session of its own, with /dev/null for 0-2, the
 * listening socket, the jail's user namespace (opened from the jailinit
 * jail -c has just made and not yet waited for) and the jail's root as jail
 * -c opened it.  It serves each connection in a process of its own (at most
 * 64 at once) and ends once its socket file is gone: the jail's removal,
 * and every other way a jail goes, unlinks it (jail_undo, jailstate.c),
 * and the server watches the directory with inotify.
 *
 * Who asks (nestpeer.c).  Never a name, jid, path or pid the request
 * carries: the peer's pidfd (SO_PEERPIDFD) gives its user namespace
 * (PIDFD_GET_USER_NAMESPACE, or /proc checked against the live pidfd),
 * which must be the jail's own, the one the server was started with: a
 * user namespace made inside the jail is refused, and so is any process of
 * the host.  Its cgroup, read while the pidfd shows the pid is still the
 * peer, must be the jail's own too, not a child jail's nor none.  SO_PEERCRED's uid must be jail root's host uid for anything
 * but a listing.  The jail's record must still be active with the range of
 * host IDs the server was started with, so a jid freed and taken again is
 * not the same jail.  Descriptors the request passes (the requester's 0, 1
 * and 2, which the worker takes as its own so that output goes where the
 * command's would) must be pipes, sockets, character devices or regular
 * files on no kernel interface file system.
 *
 * What it may ask (nestserve.c).  The request is ctlmsg.h's verb and
 * words, bounded and fuzzed (tests/fuzz/fuzz_ctlmsg.c); the words are
 * parsed by the command line's own parser (param_parse_word).  A jail
 * names its descendants relative to itself: "php" from web is web.php,
 * a jid counts only when it is a descendant's, so a jail can act neither on
 * itself (it cannot raise its own children.max) nor on its parent, a
 * sibling or anyone else's jails.  Only parameters marked PF_INNER in the
 * table may be set: none that names something of the host (mount,
 * mount.fstab, exec.prestart and the other host commands, exec.consolelog,
 * vnet.interface, NAT, ns.*, idmap.base, jid).  The child is made by
 * jail_start_at, the same start as the host's with the root opened by the
 * caller, so every rule of jailsub.c, childmax.c and idrange.c holds: allow.*
 * a subset of the parent's, addresses a subset (or inherit), children.max
 * below the parent's, the cgroup inside the parent's.  Its path is resolved
 * beneath the parent's root fd with RESOLVE_IN_ROOT, no symbolic link, no
 * magic link and no mount crossed (a host mount in the parent's tree is not
 * the parent's to hand on), and ".." refused so that the string recorded
 * (the parent's path joined with it) names what the fd is.  A parent with
 * path=/ sees the host's files with its own host uids, so its children get
 * path=/ only: a root of their own would be idmapped and give them what
 * their parent only sees.  A read-only parent root makes a read-only child
 * root.  A child's root is idmapped and an overlay cannot be: a thin
 * parent's (base=) child gets the directory of the parent's own layer,
 * where nothing of the base may show through (thin_own_dir).  Commands the child runs get a clean
 * environment; jexec's get the requester's.
 *
 * The asking side (nestcli.c, nestwords.c, src/cmd/jail.c).  jail(8) in
 * a jail parses its words or the jail's own jail.conf into a parameter
 * set as on the host, and sends the set as words: a list (exec.start +=
 * ...) one word per entry, which the server appends when the same list
 * comes again.  The commands FreeBSD runs in the system environment
 * (exec.prepare ... exec.release) are the parent's: jail(8) runs them
 * where it is, before and after the request, and never sends them; sent
 * by anything else, they are refused like every parameter not PF_INNER.  The listing
 * a jail gets shows its descendants with names and paths relative to it
 * and without what names the host's side of them.
 */
#ifndef PRISON_NESTED_H
#define PRISON_NESTED_H
#endif
