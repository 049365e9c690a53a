/*
 * The prison library's interface: what the front ends (src/cmd) and any
 * other program built on the library may use, and all they may use.  The
 * library is built with hidden visibility and exports what these headers
 * mark PRISON_API (src/lib/api.h); make lint checks that every front end
 * calls nothing else.
 *
 *   life cycle      jail_start, jail_create, jail_modify, jail_modify_rules,
 *                   jail_remove, jail_find, jail_list, jail_exec    (jail.h)
 *                   jail_list_brief: jls's listing from its index   (jaillist.h)
 *   parameters      the table and its values                        (param.h)
 *   jail.conf       parse, resolve, order, turn into parameters     (conf.h, jailconf.h)
 *   resource rules  rctl's syntax and a jail's rules and usage      (rctl.h, limits.h, usage.h)
 *   processes       a jail's processes, a signal to all of them, its counters,
 *                   the whole jail frozen and thawed  (jailps.h, jailstats.h, jkill.h, jfreeze.h, signame.h)
 *   bases           build, list, update, remove (jbase)             (base.h)
 *   archives        a jail exported and imported (jexport, jimport) (jarchive.h)
 *   OCI bundles     config.json onto a jail (prison-oci)            (ociconfig.h)
 *   the rest        errors, the runtime context, the audit trail, records
 */
#ifndef PRISON_H
#define PRISON_H

#include "../lib/api.h"
#include "../lib/audit.h"
#include "../lib/base.h"
#include "../lib/cgroup.h"
#include "../lib/conf.h"
#include "../lib/error.h"
#include "../lib/jarchive.h"
#include "../lib/jail.h"
#include "../lib/jailconf.h"
#include "../lib/jaillist.h"
#include "../lib/jailps.h"
#include "../lib/jailstats.h"
#include "../lib/jfreeze.h"
#include "../lib/jkill.h"
#include "../lib/ociconfig.h"
#include "../lib/ociproc.h"
#include "../lib/limits.h"
#include "../lib/nestcli.h"
#include "../lib/param.h"
#include "../lib/userns.h"
#include "../lib/rctl.h"
#include "../lib/registry.h"
#include "../lib/jailkv.h"
#include "../lib/runtime.h"
#include "../lib/signame.h"
#include "../lib/usage.h"
#include "../lib/util.h"

#endif
