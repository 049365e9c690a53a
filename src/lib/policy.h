/*
 * A jail's policy (priv.h) kept in its record.  It is derived from the
 * parameters once, when the jail is made and when a change of its rules
 * alters it, and stored; every jexec and exec.* command reads it back
 * instead of deriving it again.
 */
#ifndef PRISON_POLICY_H
#define PRISON_POLICY_H

#include "error.h"
#include "priv.h"

struct json_object;

struct json_object *policy_to_json(const struct jail_policy *p);
/* 0 and *p filled, or -1 (EINVAL) for an object that is not one of ours. */
int policy_from_json(struct json_object *o, struct jail_policy *p, struct perr *e);

#endif
