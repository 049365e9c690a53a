/*
 * vnet.interface: host interfaces moved into a vnet jail's network
 * namespace and handed back by what they are, not by name.  When one goes
 * in, its index, kind, permanent hardware address (where it has one) and
 * host name are recorded in the run directory (RUNDIR/vnet/JID).  When the
 * jail is removed, only the links recorded go back, found by index in the
 * jail's namespace and checked to be of the kind and hardware address that
 * went in, each under the name it had on the host; anything else in the
 * namespace (a link jail root made and named like the real one) stays and
 * goes with the namespace.  The caller hands them back after the jail's
 * processes are gone, holding the namespace open, so jail root cannot swap
 * links while it happens.
 */
#ifndef PRISON_IFMOVE_H
#define PRISON_IFMOVE_H

#include "error.h"
#include "netlink.h"

/*
 * Move each interface of list from host into netns, recording each: host
 * names, comma-separated, each as HOST or HOST:INSIDE (renamed INSIDE in
 * the jail; it goes back under HOST).
 */
int ifmove_in(int jid, struct nl *host, int netns, const char *list, struct perr *e);
/*
 * Hand every recorded interface of jail jid back from netns to the
 * caller's namespace: 0, or -1 with e naming the first that could not go
 * back (the others still go).
 */
int ifmove_back(int jid, int netns, struct perr *e);
/* Drop the record of jail jid. */
void ifmove_forget(int jid);

#endif
