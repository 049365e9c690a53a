#include "policy.h"

#include <errno.h>
#include <json-c/json.h>
#include <stddef.h>
#include <string.h>

/* The allow.* part, one bit each, in this order: adding one appends a row. */
static const size_t allow_bits[] = {
	offsetof(struct jail_policy, set_hostname), offsetof(struct jail_policy, reserved_ports),
	offsetof(struct jail_policy, unpriv_debug), offsetof(struct jail_policy, suser),
	offsetof(struct jail_policy, raw_sockets),  offsetof(struct jail_policy, mount),
	offsetof(struct jail_policy, mlock),        offsetof(struct jail_policy, chflags),
	offsetof(struct jail_policy, quotas),       offsetof(struct jail_policy, read_msgbuf),
	offsetof(struct jail_policy, new_userns),   offsetof(struct jail_policy, vnet),
	offsetof(struct jail_policy, socket_af),    offsetof(struct jail_policy, abstract_unix),
	offsetof(struct jail_policy, host_inherit), offsetof(struct jail_policy, mount_typed),
	offsetof(struct jail_policy, mount_bind),   offsetof(struct jail_policy, mount_newfs),
};
#define NBITS (sizeof(allow_bits) / sizeof(allow_bits[0]))

json_object *policy_to_json(const struct jail_policy *p)
{
	json_object *o = json_object_new_object(), *lim = json_object_new_array();
	int64_t bits = 0;

	for (size_t i = 0; i < NBITS; i++)
		if (*(const bool *)((const char *)p + allow_bits[i]))
			bits |= (int64_t)1 << i;
	json_object_object_add(o, "allow", json_object_new_int64(bits));
	json_object_object_add(o, "sysvmsg", json_object_new_int(p->sysvmsg));
	json_object_object_add(o, "sysvsem", json_object_new_int(p->sysvsem));
	json_object_object_add(o, "sysvshm", json_object_new_int(p->sysvshm));
	/* -1 for none: RLIM_INFINITY does not fit a JSON integer as such. */
	for (int i = 0; i < RLIMIT_NLIMITS; i++)
		json_object_array_add(lim, json_object_new_int64(p->rlimit[i] == RLIM_INFINITY ? -1 : (int64_t)p->rlimit[i]));
	json_object_object_add(o, "rlimit", lim);
	return o;
}

static int sys_of(json_object *o, const char *key, enum jail_sys *ret)
{
	json_object *v;
	int64_t n;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return -1;
	n = json_object_get_int64(v);
	if (n < JSYS_DISABLE || n > JSYS_INHERIT)
		return -1;
	*ret = (enum jail_sys)n;
	return 0;
}

int policy_from_json(json_object *o, struct jail_policy *p, struct perr *e)
{
	json_object *bits, *lim;
	int64_t b;

	memset(p, 0, sizeof(*p));
	if (!o || !json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, "allow", &bits) ||
	    !json_object_is_type(bits, json_type_int) || !json_object_object_get_ex(o, "rlimit", &lim) ||
	    !json_object_is_type(lim, json_type_array) || json_object_array_length(lim) != RLIMIT_NLIMITS ||
	    sys_of(o, "sysvmsg", &p->sysvmsg) < 0 || sys_of(o, "sysvsem", &p->sysvsem) < 0 ||
	    sys_of(o, "sysvshm", &p->sysvshm) < 0)
		return perr_setx(e, EINVAL, "record: bad policy");
	b = json_object_get_int64(bits);
	for (size_t i = 0; i < NBITS; i++)
		*(bool *)((char *)p + allow_bits[i]) = (b >> i) & 1;
	for (int i = 0; i < RLIMIT_NLIMITS; i++) {
		int64_t v = json_object_get_int64(json_object_array_get_idx(lim, (size_t)i));
		p->rlimit[i] = v < 0 ? RLIM_INFINITY : (rlim_t)v;
	}
	return 0;
}
