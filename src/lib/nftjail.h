/*
 * A jail's NAT and published ports in the host's nftables, through
 * libnftables in-process.  prison keeps its rules in a table of its own,
 * "inet <cgroup name>" ("inet prison"; a runtime context of its own has its
 * own table), in the network namespace of the command at work, as the rest
 * of a jail's host networking.  The table has four base chains (nat at
 * prerouting, output and postrouting; a filter at prerouting that drops
 * loopback sources arriving on any other interface) and two chains per
 * jail, jail<jid>_rdr and jail<jid>_nat (natrules.h), jumped to from the
 * base chains.  Every change is one nftables transaction; the table goes
 * with its last jail.  No other table is read or written: the host's own
 * firewall keeps working beside it.
 */
#ifndef PRISON_NFTJAIL_H
#define PRISON_NFTJAIL_H

#include <stddef.h>

#include "error.h"
#include "registry.h"

/* Check ip4.nat, ip6.nat and expose before anything exists. */
int nftjail_check(const struct paramset *ps, struct perr *e);
/* Make (or remake, for jail -m) the jail's chains from its parameters; with none wanted, they go. */
int nftjail_apply(const struct jail_record *rec, struct perr *e);
/* The jail's chains gone, if it has any; errors ignored, as in any teardown. */
void nftjail_remove(const struct jail_record *rec);
/* Chains of jails not among live[0..n) go, left by a jail that went without its teardown. */
void nftjail_sweep(const struct jail_record *live, size_t n);

#endif
