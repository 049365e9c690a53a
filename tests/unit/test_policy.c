/* The policy kept in a jail's record: what goes in comes out, and a bad object is refused. */
#include <errno.h>
#include <json-c/json.h>
#include <string.h>

#include "../../src/lib/policy.h"
#include "unit.h"

static void test_policy_round_trip(void)
{
	struct jail_policy p = { 0 }, q;
	struct perr e = { 0 };

	p.raw_sockets = p.mount = p.vnet = p.abstract_unix = true;
	p.sysvmsg = JSYS_NEW;
	p.sysvsem = JSYS_INHERIT;
	p.sysvshm = JSYS_DISABLE;
	for (int i = 0; i < RLIMIT_NLIMITS; i++)
		p.rlimit[i] = RLIM_INFINITY;
	p.rlimit[RLIMIT_NOFILE] = 1000;
	p.rlimit[RLIMIT_NPROC] = 0;
	json_object *o = policy_to_json(&p);
	CHECK(policy_from_json(o, &q, &e) == 0);
	CHECK(q.raw_sockets && q.mount && q.vnet && !q.suser && !q.set_hostname);
	CHECK(q.abstract_unix && !q.socket_af);
	CHECK(q.sysvmsg == JSYS_NEW && q.sysvsem == JSYS_INHERIT && q.sysvshm == JSYS_DISABLE);
	CHECK(q.rlimit[RLIMIT_NOFILE] == 1000 && q.rlimit[RLIMIT_NPROC] == 0 && q.rlimit[RLIMIT_CORE] == RLIM_INFINITY);
	json_object_put(o);
}

static void test_policy_refuses_a_bad_object(void)
{
	struct jail_policy q;
	struct perr e = { 0 };
	json_object *o = json_tokener_parse("{\"allow\": 3, \"sysvmsg\": 7, \"sysvsem\": 0, \"sysvshm\": 0, \"rlimit\": []}");

	CHECK(policy_from_json(o, &q, &e) < 0 && e.err == EINVAL);
	CHECK(strcmp(e.msg, "record: bad policy") == 0);
	json_object_put(o);
	CHECK(policy_from_json(NULL, &q, &e) < 0);
}

UNIT_MAIN(test_policy_round_trip, test_policy_refuses_a_bad_object)
