/*
 * Host paths a jail may influence: exec.consolelog, nullfs sources and
 * overlay layers.  One rule for all of them: the path is walked from the
 * host's / one component at a time (openat2 RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS), every directory checked through the descriptor
 * just opened before the next component is looked up in it, and what is
 * at the end is opened there once and passed on as a descriptor.  A jail
 * can neither redirect the walk (no link is followed, no ".." taken) nor
 * have chosen a directory on the way: none may be the root of any jail's
 * tree (whose files jail root writes as their on-disk owner, through its
 * idmapped root; for a thin jail, its layer), and each must pass the rule
 * of what the host does there.
 */
#ifndef PRISON_HOSTPATH_H
#define PRISON_HOSTPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "error.h"
#include "registry.h"

enum hostpath_rule {
	/*
	 * Host root creates or appends to a file there (exec.consolelog):
	 * every directory on the way root's alone, and the file a regular
	 * file of root's with no other hard link.
	 */
	HOSTPATH_ROOT_CREATES,
	/*
	 * The host reads or mounts what is there (mount sources): no
	 * directory on the way that a jail's ids can write, nor one everyone
	 * can write without the sticky bit.
	 */
	HOSTPATH_HOST_READS,
};

/* A jail's root, by identity: a path that reaches it another way (a bind mount of it) is still inside. */
struct hostpath_tree {
	dev_t dev;
	ino_t ino;
	char name[256];
};

struct hostpath_trees {
	struct hostpath_tree *t;
	size_t n;
};

/*
 * The trees off limits: those of the jails in reg (but path=/ ones, whose
 * tree is the host's) and own_pathfd (-1 for none), the root of own_name,
 * the jail the path is for.  Free with hostpath_trees_free.
 */
int hostpath_trees_list(struct hostpath_trees *t, struct registry *reg, int own_pathfd, const char *own_name,
			struct perr *e);
void hostpath_trees_free(struct hostpath_trees *t);
/*
 * Can only host root change the directory st: owned by root, and writable
 * by no one else (group root aside), or sticky, so that others cannot
 * rename or remove what root has there?
 */
bool hostpath_dir_trusted(const struct stat *st);
/*
 * Open path (absolute) under rule, none of its directories (nor, for
 * HOSTPATH_HOST_READS, itself) the root of a tree in t.  For
 * HOSTPATH_ROOT_CREATES the file is opened for appending, created 0640
 * when missing; for HOSTPATH_HOST_READS it is opened O_PATH.  Returns
 * the descriptor, or -1 with e set (the reason alone: the caller names
 * the path) and nothing created.
 */
int hostpath_open(const char *path, enum hostpath_rule rule, const struct hostpath_trees *t, struct perr *e);

#endif
