/*
 * Pins: what keeps an idle jail's namespaces (persist.idle) when it has no
 * process, without a mount per jail in the host's mount table.  One mount
 * namespace of prison's own, the pin namespace, holds them all: a tmpfs
 * with one directory per pinned jail and in it one nsfs bind mount per
 * namespace.  pin.c says how and why in full.
 */
#ifndef PRISON_PIN_H
#define PRISON_PIN_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/*
 * The namespaces a pin keeps, in the order a fresh jailinit joins them:
 * the network namespace while still host root, the jail's user namespace
 * last.  PIN_MNT is pinned as the jail's tree; pin_open gives a template
 * mount namespace made from it, owned by the host's user namespace, which
 * the jail's locked mount namespace is copied from (mntns.h, wake.h).
 */
enum pin_ns { PIN_NET, PIN_MNT, PIN_UTS, PIN_IPC, PIN_CGROUP, PIN_USER, PIN__COUNT };

struct pin_set {
	int fd[PIN__COUNT]; /* namespace descriptors, -1 where none */
};

/* At most this many pin namespaces, each of fs.mount-max mounts (pin.c). */
#define PIN_SHARDS 64

void pin_set_init(struct pin_set *s);
void pin_set_close(struct pin_set *s);
/* The CLONE_NEW* flag of each slot. */
int pin_nstype(enum pin_ns i);

/*
 * Whether a pin keeps slot i.  A cgroup namespace holds no state of its
 * own: one made at the wake by a process in the jail's cgroup sees what
 * the old one did, so it is not kept (a mount and two inodes less per idle
 * jail), and pin_open gives -1 there unless an older pin has one.
 */
bool pin_kept(int i);

/*
 * Make the first pin namespace if there is none yet, under the registry's
 * exclusive lock, so that a jail's creation fails early when none can be
 * made.  Further ones are made by pin_add as they are needed: only a mount
 * namespace's own nsfs file has an order rule (pin.c), and none is pinned.
 */
int pin_prepare(struct perr *e);
/* Pin jail jid's namespaces s (every slot set); after pin_prepare, under the registry's lock. */
int pin_add(int jid, const struct pin_set *s, struct perr *e);
/* The namespaces pinned for jid, each checked to be of its kind. */
int pin_open(int jid, struct pin_set *ret, struct perr *e);
/* Is jid pinned?  One stat of the host's view of the pins, no namespace entered. */
bool pin_exists(int jid);
/* Is jid pinned in the runtime context whose run directory is rundir (the ID ranges' test)? */
bool pin_exists_in(const char *rundir, int jid);
/*
 * fn run on the root of jid's pinned tree (O_PATH), in a short-lived child
 * in the pin namespace: what is changed there is in the tree every later
 * wake copies (wake.h).  fn's error comes back in e.
 */
typedef int (*pin_tree_fn)(int rootfd, void *arg, struct perr *e);
int pin_tree_do(int jid, pin_tree_fn fn, void *arg, struct perr *e);
/*
 * One slot of jid's pin: fd pinned there (an IPC namespace made at a wake,
 * ipcidle.h); dropped, so that the namespace goes once nothing else holds
 * it; and whether the slot is pinned (one stat, as pin_exists).
 */
int pin_put(int jid, enum pin_ns slot, int fd, struct perr *e);
/* The namespace pinned in that slot alone (no template is made, as pin_open makes one). */
int pin_open_slot(int jid, enum pin_ns slot, struct perr *e);
void pin_drop(int jid, enum pin_ns slot);
bool pin_has(int jid, enum pin_ns slot);
/* Unpin jid (nothing if it is not pinned): its namespaces go once nothing else holds them. */
void pin_remove(int jid);
/* The jids with a pin, for the full consistency pass; *ret is freed by the caller. */
int pin_list(int **ret, size_t *ret_n, struct perr *e);

#endif
