/*
 * The pin namespaces behind pin.h: one mount namespace of prison's own
 * per PIN_SHARDS share of the pins, and RUNDIR/pins, the host's view of
 * their one tmpfs (pin.c says what the kernel requires of them).  For
 * pin.c and the files that change one slot of a pin.
 */
#ifndef PRISON_PINNS_H
#define PRISON_PINNS_H

#include <stdbool.h>

#include "error.h"
#include "pin.h"

/* RUNDIR/pins, opened (O_DIRECTORY); with make, mounted first if it is not yet. */
int pins_dir(bool make, struct perr *e);
/* Pin namespace k's descriptor, -1 when RUNDIR has none. */
int pinns_open(int k);
/* Pin namespace k, made if there is none yet; the caller holds the registry lock. */
int pinns_get(int k, struct perr *e);

/* What a child does in a pin namespace; the descriptors it sends back ("F<slot>") arrive in ret. */
typedef int (*pin_task)(int jid, const void *in, int sock);
/* In such a child: the failure's errno and what, sent home; always -1. */
int pin_child_fail(int sock, const char *what);
/* task run in a child that has joined pin namespace nsfd; its first error comes back in e. */
int pinns_run(int nsfd, pin_task task, int jid, const void *in, struct pin_set *ret, struct perr *e);

/* Which pin namespace holds jid (its directory's "ns"; 0 where there is none). */
int pinns_shard_of(int pins, int jid);
/* Say that jid's pin is in namespace k. */
int pinns_note_shard(int pins, int jid, int k, struct perr *e);
/* A number kept in file name below pins (".last"); 0 when there is none. */
int pinns_read_shard(int pins, const char *name);
int pinns_write_shard(int pins, const char *name, int k);

#endif
