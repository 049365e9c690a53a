/*
 * The nftables rules of one jail, as text for libnftables: its published
 * ports (expose) in its chain jail<jid>_rdr, jumped to from prison's
 * prerouting and output nat chains, and the masquerading of its addresses
 * (ip4.nat, ip6.nat) in jail<jid>_nat, jumped to from prison's postrouting
 * chain.  Pure: it reads the parameters and writes text, nothing else.
 */
#ifndef PRISON_NATRULES_H
#define PRISON_NATRULES_H

#include <stdbool.h>
#include <stdio.h>

#include "error.h"
#include "param.h"

/* What the jail asks of the host: nat, published ports, and in which families. */
struct natrules_need {
	bool any;
	bool forward4, forward6; /* a vnet jail's traffic the host has to forward */
	bool localnet;           /* 127.0.0.1 of the host forwarded to a vnet jail over its bridge */
};

/* Check ip4.nat, ip6.nat and expose against the jail's addresses; what they need in ret. */
int natrules_check(const struct paramset *ps, struct natrules_need *ret, struct perr *e);
/*
 * The "add rule" commands of the jail's two chains in table inet table
 * (the chains themselves are the caller's).
 */
int natrules_write(FILE *f, const char *table, int jid, const struct paramset *ps, struct perr *e);

#endif
