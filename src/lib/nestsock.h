/*
 * The host's side of a jail's socket for jails made from inside it
 * (nested.h): the listening socket, bound where only host root reaches,
 * the copy of it that the jail's /dev shows, and the server that answers
 * on it for as long as the socket file is there.
 */
#ifndef PRISON_NESTSOCK_H
#define PRISON_NESTSOCK_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "registry.h"

/* Where the jail sees its socket, in the /dev prison makes for every jail (mount.c). */
#define NEST_DEV_NAME "prison.sock"
#define NEST_SOCKET_PATH "/dev/" NEST_DEV_NAME
/* The server, in the directory of jailinit. */
#define NEST_SERVER "jailnest"

struct nest_sock {
	int listen; /* bound and listening, SOCK_SEQPACKET */
	int tree;   /* a detached mount of the socket file, for the jail's /dev */
	ino_t ino;  /* of the socket file, so the server knows its own */
};
#define NEST_SOCK_NONE ((struct nest_sock){ .listen = -1, .tree = -1 })

/* RUNDIR/nest/JID.sock. */
void nest_socket_path(int jid, char *buf, size_t len);
/* The socket of jid, bound afresh (a file left by a jail gone before is replaced). */
int nest_listen(int jid, struct nest_sock *ret, struct perr *e);
void nest_sock_close(struct nest_sock *s);
/*
 * Start the server of rec's socket: a process of its own (not this
 * command's child), given the listening socket, the jail's user namespace
 * (from its jailinit, this command's child) and rootfd, the jail's root as
 * the host opened it.  It ends once the socket file is removed.
 */
int nest_start(const struct jail_record *rec, const struct nest_sock *s, int rootfd, struct perr *e);
/* The same for a jail already running (nestraise.h): its user namespace given as usernsfd. */
int nest_start_with(const struct jail_record *rec, const struct nest_sock *s, int usernsfd, int rootfd,
		    struct perr *e);
/*
 * Does something listen on jid's socket: its server, alive?  Asked with a
 * connection the server closes unserved (a peer of the host's), and true
 * when that cannot be told.
 */
bool nest_listening(int jid);
/*
 * A socket whose server is gone, moved aside (RUNDIR/nest/JID.INODE.dead) so that
 * a new one can be bound: the jail's trees have the old one mounted, and
 * the kernel mounts nothing on a file that is unlinked.
 */
int nest_retire(int jid, struct perr *e);
/* The socket file goes, and with it its server; those retired stay, mounted where they are. */
void nest_unbind(int jid);
/* The jail is gone: its socket files go, and with them its server. */
void nest_remove(int jid);

#endif
