/*
 * Resource controllers of a jail's cgroups behind one interface with two
 * back ends: cgroup2 (pure v2 hosts, and any controller a hybrid host left
 * to its unified hierarchy) and cgroup v1 (the controllers a hybrid host
 * mounts on their own).  Each controller is served by whichever layout has
 * it.  Membership, cgroup.kill and BPF stay on the jail's cgroup2 cgroup
 * (cgroup.c); a v1 cgroup is made only when the jail uses that controller,
 * since each one costs kernel memory.
 */
#ifndef PRISON_CGLIMIT_H
#define PRISON_CGLIMIT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgpath.h"
#include "error.h"

enum cg_controller { CGC_MEMORY, CGC_PIDS, CGC_CPU, CGC_CPUSET, CGC_IO, CGC_HUGETLB, CGC__COUNT };

#define CG_UNLIMITED UINT64_MAX
#define CG_CPU_PERIOD_US 100000ULL
#define CG_WEIGHT_DEFAULT 100

#define CG_MAX_IODEV 16
#define CG_IOWEIGHT_MAX 1000
#define CG_MAX_HUGE 8
#define CG_MAX_UNIFIED 16
#define CG_UNIFIED_KEY_MAX 64
#define CG_UNIFIED_VALUE_MAX 256

/* The limits of one block device (io.device), over the jail-wide ones; CG_UNLIMITED or 0 where none. */
struct cg_iodev {
	unsigned major, minor;
	uint64_t rbps, wbps, riops, wiops;
	unsigned weight; /* 1..CG_IOWEIGHT_MAX, BFQ's scale; 0: none */
};

/* The jail's limit of one huge page size (hugetlb). */
struct cg_huge {
	uint64_t kb;  /* the page size in KiB, one of the host's */
	uint64_t max; /* bytes */
};

/* One cgroup.unified entry: a file of the jail's cgroup2 cgroup and what is written to it. */
struct cg_unified {
	char key[CG_UNIFIED_KEY_MAX];
	char value[CG_UNIFIED_VALUE_MAX];
};

/* What a jail's cgroups hold; CG_UNLIMITED where there is no limit. */
struct cg_limits {
	uint64_t memory_max, swap_max, pids_max;
	uint64_t memory_low; /* memory.low: kept from reclaim while others have more; 0 for none */
	uint64_t cpu_quota_us;  /* per CG_CPU_PERIOD_US */
	unsigned cpu_weight;    /* 1..10000, cgroup2's scale */
	unsigned cpu_shares;    /* 1..262144, cgroup v1's scale, as given (cpu.shares); 0: from cpu_weight */
	char cpus[256];         /* cpuset.cpus, "" for every CPU */
	char mems[256];         /* cpuset.mems, "" for every memory node */
	uint64_t rbps, wbps, riops, wiops; /* on every disk */
	struct cg_iodev dev[CG_MAX_IODEV]; /* io.device: per block device, the lower of its and the above */
	size_t ndev;
	unsigned io_weight; /* io.device's "default weight=N": every disk's, BFQ's scale; 0: none */
	struct cg_huge huge[CG_MAX_HUGE]; /* hugetlb.limit: sizes not listed have none */
	size_t nhuge;
	/* cgroup.unified: written after everything above, so an entry wins over a limit of prison's own. */
	struct cg_unified unified[CG_MAX_UNIFIED];
	size_t nunified;
};

/* Counters for rctl -u; CG_UNLIMITED where unknown. */
struct cg_usage {
	uint64_t memory, swap, cpu_usec, rbytes, wbytes, rios, wios;
};

struct cg_backend {
	const char *name;
	/* Does this layout have controller c on this host? */
	bool (*has)(enum cg_controller c);
	/* Make the jail's cgroup for c if need be and write the part of l that c enforces. */
	int (*apply)(const struct cg_path *cg, enum cg_controller c, const struct cg_limits *l, struct perr *e);
	/* Whether the jail already has a cgroup for c here. */
	bool (*in_use)(const struct cg_path *cg, enum cg_controller c);
	/* Add counters c keeps to u: the jail's cgroup, so its child jails' use too. */
	void (*usage)(const struct cg_path *cg, enum cg_controller c, struct cg_usage *u);
	/* A read-only fd of the jail's memory (or swap) counter file, -1 when it has none here. */
	int (*open_memory)(const struct cg_path *cg, bool swap);
	/* Put pid into every cgroup the jail has in this layout (v2: nothing to do, clone3 did it). */
	int (*join)(const struct cg_path *cg, pid_t pid, struct perr *e);
	/* Remove the jail's cgroups of this layout, and any below them; they must be empty. */
	void (*destroy)(const struct cg_path *cg);
	/* Root of the layout, for tests that point a back end at a scratch tree. */
	char root[256];
};

extern struct cg_backend cg_v1, cg_v2;

/* The back end that has c, or NULL when neither layout does. */
struct cg_backend *cg_backend_for(enum cg_controller c);
const char *cg_controller_name(enum cg_controller c);
/* Does l need controller c at all (cpu always: fair share)? */
bool cg_needs(const struct cg_limits *l, enum cg_controller c);
/*
 * The jail's CPU share in each layout's unit.  cpu.shares, when the jail
 * has it, is written as given to v1's cpu.shares and converted to cgroup2's
 * cpu.weight by the kernel's documented map of [2, 262144] onto [1, 10000];
 * without it, cpu.weight is cgroup2's value and 1024 / 100 of it v1's.
 */
unsigned cg_cpu_weight(const struct cg_limits *l);
unsigned cg_cpu_shares(const struct cg_limits *l);
void cg_limits_init(struct cg_limits *l);
/*
 * Apply l to every controller that needs it or already serves the jail,
 * and, in a v1 hierarchy, to every controller that serves its parent: v1
 * holds a process in one cgroup per hierarchy, so a child jail's processes
 * are bound by the parent's v1 limit only from a cgroup below the parent's.
 * cgroup2 has one tree, where a child jail is below its parent already.
 */
int cg_apply_all(const struct cg_path *cg, const struct cg_limits *l, struct perr *e);
/* Put pid into the jail's v1 cgroups (nothing on pure v2). */
int cg_join(const struct cg_path *cg, pid_t pid, struct perr *e);
/* All the counters both layouts keep for the jail, its child jails included. */
void cg_usage(const struct cg_path *cg, struct cg_usage *u);
/*
 * The jail's memory (swap: swap, or on v1 memory+swap) counter as a
 * read-only file, for jailinit's watcher; -1 when no memory cgroup serves
 * the jail.
 */
int cg_open_memory_counter(const struct cg_path *cg, bool swap);
/*
 * A running jail given its leaf in the v1 hierarchies where it has a
 * cgroup (cg has the leaf; cgroup2's processes already moved), and the
 * undo (cg without the leaf, cgroup2's processes moved back): cgleaf.h.
 */
int cg_v1_add_leaf(const struct cg_path *cg, struct perr *e);
void cg_v1_drop_leaf(const struct cg_path *cg);
/* Is there a process in a v1 cgroup of the jail's path, or below it?  where gets its path. */
bool cg_v1_populated(const struct cg_path *cg, char *where, size_t len);
/*
 * A process in any of the cgroups of the jail's path, cgroup2's or a v1
 * controller's, or below them; where gets the first such cgroup's path.
 */
bool cgroup_occupied(const struct cg_path *cg, char *where, size_t len);
/* Wait (up to timeout_ms) until the jail's cgroups are empty, then remove them in every layout. */
int cgroup_destroy(const struct cg_path *cg, int timeout_ms, struct perr *e);

/*
 * io.device: "MAJ:MIN key=N ..." for each device, devices separated by
 * commas; keys rbps, wbps, riops, wiops (bytes or operations a second) and
 * weight (1..1000).  Into l->dev; each device at most once.
 */
int cg_parse_iodev(const char *text, struct cg_limits *l, struct perr *e);
/*
 * The I/O limits device maj:min is to get: the lower of the jail-wide
 * ones and its io.device entry's, in v (rbps, wbps, riops, wiops); its
 * weight (0 for none) returned.
 */
unsigned cg_iodev_limits(const struct cg_limits *l, unsigned maj, unsigned min, uint64_t v[4]);
/*
 * The devices whose I/O limits a back end writes: every whole disk, every
 * device of io.device, and every device one of files (in the jail's cgroup
 * dir) lists already, so that a limit io.device no longer names is lifted.
 */
int cg_io_devices(int dir, const char *const *files, size_t nfiles, const struct cg_limits *l, char (*devs)[16],
		  int max);
/* "MAJ:MIN" as its numbers; false for anything else. */
bool cg_parse_dev(const char *dev, unsigned *ret_major, unsigned *ret_minor);
/* Does io.device name "MAJ:MIN" dev (so that the kernel's refusal of it is an error, not a skip)? */
bool cg_iodev_named(const struct cg_limits *l, const char *dev);
/* "MAJ:MIN" of every whole disk, for I/O limits; count returned, at most max. */
int cg_list_disks(char (*devs)[16], int max);
/*
 * A huge page size as runc takes one ("2MB", "1GB", "2048kB", "64KB"; k, M
 * or G, powers of 1024, the B optional and the case free) into KiB; false
 * for anything else.
 */
bool cg_parse_hugesize(const char *text, uint64_t *ret_kb);
/* The kernel's name of a huge page size in hugetlb's files: "2MB", "1GB", "64KB". */
void cg_huge_name(uint64_t kb, char *buf, size_t len);
/*
 * hugetlb.limit: "SIZE=AMOUNT" for each page size, separated by commas;
 * SIZE as cg_parse_hugesize takes it, AMOUNT bytes as rctl(8) writes them
 * (8388608 or 8M), 0 for no huge pages of that size.  Into l->huge; each
 * size at most once.  Pure: cg_check_hugetlb holds it to the host.
 */
int cg_parse_hugetlb(const char *text, struct cg_limits *l, struct perr *e);
/* The host's huge page sizes in KiB (/sys/kernel/mm/hugepages), count returned, at most max. */
int cg_huge_sizes(uint64_t *kb, int max);
/* Is every size of l->huge one the host has? */
int cg_check_hugetlb(const struct cg_limits *l, struct perr *e);
/*
 * Write l->huge in the jail's hugetlb cgroup dir, every size of the host's
 * (none where l names none, so that a size no longer named is lifted):
 * hugetlb.SIZE.<limit> and, where the kernel has it, hugetlb.SIZE.<rsvd>,
 * the reservation's, so that an mmap beyond the limit fails at once rather
 * than the process taking SIGBUS when it touches the page.
 */
int cg_apply_hugetlb(int dir, const struct cg_limits *l, const char *limit, const char *rsvd, const char *none,
		     struct perr *e);
/* Does any hugetlb.SIZE.<limit> of dir hold a limit (not none), which a change may have to lift? */
bool cg_hugetlb_limited(int dir, const char *limit, const char *none);
/*
 * cgroup.unified: entries "KEY=VALUE" into l->unified.  KEY is a file of
 * a controller, "controller.file" ([a-z0-9_] then a dot, then letters,
 * digits, '_' and '.'; no '/', no "..", no leading or trailing dot, at most
 * 63 bytes), or one of cgroup2's own limits cgroup.max.depth and
 * cgroup.max.descendants; every other cgroup.* file is prison's (its
 * processes, its controllers, freezing and killing the jail) and refused.
 * VALUE is one line of printable text, not empty.  Pure: whether the
 * controller is there is the back end's to say.
 */
int cg_parse_unified(char *const *entries, struct cg_limits *l, struct perr *e);
/*
 * Write l's cgroup.unified entries in the jail's cgroup2 cgroup, each
 * controller enabled down to it first; an entry of a controller that the
 * host gives cgroup v1 (or not at all) is refused, naming it.
 */
int cg_v2_apply_unified(const struct cg_path *cg, const struct cg_limits *l, struct perr *e);
/* Validate a CPU list such as "0-3,6" against the CPUs the host has. */
int cg_check_cpus(const char *list, struct perr *e);
/* The same for a list of memory nodes (cpuset.mems), against the nodes the machine may have. */
int cg_check_mems(const char *list, struct perr *e);

#endif
