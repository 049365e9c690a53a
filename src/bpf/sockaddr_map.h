/*
 * The record that the sockaddr BPF programs read for one jail cgroup.  This
 * header is shared by the BPF object and the library, so it uses only the
 * kernel's UAPI types.  Addresses and masks are in network byte order.
 *
 * The map's name carries the layout's version: a change of struct sa_jail
 * or of the programs' meaning takes a new name (prison_sa_v2, ...), so that
 * a library never writes into a map of another layout.
 */
#ifndef PRISON_SOCKADDR_MAP_H
#define PRISON_SOCKADDR_MAP_H

#include <linux/types.h>

#define SA_MAP prison_sa_v2
#define SA_STR_(x) #x
#define SA_STR(x) SA_STR_(x)
#define SA_MAP_NAME SA_STR(SA_MAP)
/* The programs' names start with this, so a query can tell them apart. */
#define SA_PROG_PREFIX "prison_"

#define SA_MAX_ADDRS 16
/* Entries are allocated on use (BPF_F_NO_PREALLOC); this only bounds them. */
#define SA_MAX_JAILS 65536
/* Cgroup levels searched for a jail's record, from the root down. */
#define SA_MAX_LEVELS 24

enum sa_mode { SA_NEW = 0, SA_INHERIT = 1, SA_DISABLE = 2 };

enum sa_flag {
	SA_SADDRSEL4 = 1 << 0,
	SA_SADDRSEL6 = 1 << 1,
	SA_RESERVED_PORTS = 1 << 2,
};

struct sa_jail {
	__u8 mode4, mode6; /* enum sa_mode */
	__u8 flags;        /* enum sa_flag */
	__u8 n4, n6;       /* addresses in use; [0] is the primary one */
	__u8 pad[3];
	__u32 root_uid;    /* host uid of the jail's root */
	__u32 pad2;
	__u32 addr4[SA_MAX_ADDRS], mask4[SA_MAX_ADDRS];
	__u32 addr6[SA_MAX_ADDRS][4], mask6[SA_MAX_ADDRS][4];
};

#endif
