/*
 * The listing index: RUNDIR/index, one fixed-size slot per jail at offset
 * jid * REGINDEX_SLOT, holding what jls shows by default and with -v and
 * what the sweep's liveness test needs (state, jailinit's and the
 * creator's pid and start time, name, hostname, path, addresses).  jls
 * reads this one file instead of parsing a JSON record per jail.
 *
 * The records stay the truth; the index is a cache of them, written under
 * the registry's exclusive lock wherever a record is written or removed,
 * one pwrite per slot.  Slot 0 (jid 0 is never a jail) is a header whose
 * state is "clean" only between two changes: a writer marks it busy
 * before it touches the record and clean again once the slot is written,
 * so a command killed in between leaves it busy.  A reader that finds the
 * file missing, busy, tainted, of another format, with a damaged slot (a
 * checksum per slot) or with a count of slots other than the header's
 * does not trust it and rebuilds it from the records.
 */
#ifndef PRISON_REGINDEX_H
#define PRISON_REGINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "registry.h"

#define REGINDEX_SLOT 512
#define REGINDEX_MAGIC 0x58444950u /* "PIDX" */
#define REGINDEX_VERSION 1u

enum regindex_state {
	RI_CLEAN = 1, /* every record has its slot, and no slot is stale */
	RI_BUSY,      /* a change is under way, or was abandoned */
	RI_TAINTED,   /* something the listing does not see needs the full pass */
};

/* A slot's flags. */
enum {
	RI_LONG = 1 << 0, /* a field did not fit: the listing reads this jail's record */
	RI_IDLE = 1 << 1, /* persistent with persist.idle: alive with no jailinit while pinned (pin.h) */
};

struct regindex_head {
	uint32_t magic, version, slot_size, state;
	uint32_t count; /* slots in use */
	uint32_t sum;
	uint8_t pad[REGINDEX_SLOT - 6 * sizeof(uint32_t)];
};

struct regindex_slot {
	uint32_t magic; /* 0 for a free slot, which is all zeros */
	uint32_t sum;   /* FNV-1a of the slot with sum 0 */
	int32_t jid;
	uint8_t state; /* enum jail_state */
	uint8_t flags;
	uint16_t pad;
	int32_t init_pid, creator_pid;
	uint64_t init_start, creator_start;
	char name[96];
	char hostname[112];
	char path[128];
	char ip4[56];
	char ip6[80];
};

_Static_assert(sizeof(struct regindex_slot) == REGINDEX_SLOT, "slot size");
_Static_assert(sizeof(struct regindex_head) == REGINDEX_SLOT, "header size");

/* The slot of rec. */
void regindex_encode(const struct jail_record *rec, struct regindex_slot *ret);
/* 1 for a slot of jail jid, 0 for a free one, -1 for a damaged one (or another jid's). */
int regindex_check(const struct regindex_slot *s, int jid);
/* A header with this state and count, and whether one is of this format and intact. */
void regindex_head_make(struct regindex_head *ret, enum regindex_state state, uint32_t count);
bool regindex_head_ok(const struct regindex_head *h);

/* One change of the index, made beside a change of the records. */
struct regindex_txn {
	int fd;
	bool on; /* the index was clean and this change keeps it so */
	struct regindex_head head;
};

/* Mark the index busy (when it is clean; otherwise it is rebuilt anyway and left as it is). */
void regindex_begin(struct registry *r, struct regindex_txn *t);
/* The slot of rec written, or jid's slot freed. */
void regindex_put(struct regindex_txn *t, const struct jail_record *rec);
void regindex_drop(struct regindex_txn *t, int jid);
/* Mark it clean again if the change was made in full. */
void regindex_end(struct regindex_txn *t);
/* Make the next listing do the full pass (something was left that only it clears). */
void regindex_taint(struct registry *r);

/*
 * The slots in use, by jid; -1 when the index cannot be trusted (missing,
 * busy, tainted, damaged) and must be rebuilt.  The caller frees *ret.
 */
int regindex_load(struct registry *r, struct regindex_slot **ret, size_t *ret_n);
/* A new index of these records (replacing the old one at once), clean. */
int regindex_rebuild(struct registry *r, const struct jail_record *list, size_t n);

#endif
