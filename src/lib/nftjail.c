#include "nftjail.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ifname.h"
#include "natrules.h"
#include "nftlib.h"
#include "runtime.h"
#include "util.h"

/* The jails that have chains in prison's table, and whether the table is there. */
struct chains {
	int *jid;
	size_t n;
	bool table;
};

/* "inet prison", or a runtime context's own: its cgroup name, in the characters nft takes. */
static void table_name(char *buf, size_t len)
{
	const char *cg = runtime_cgroup();
	size_t i;

	for (i = 0; cg[i] && i + 1 < len; i++) {
		unsigned char c = (unsigned char)cg[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
			  c == '-';
		buf[i] = cg[i];
		if (!ok)
			buf[i] = '_';
	}
	buf[i] = '\0';
	if (!(buf[0] >= 'a' && buf[0] <= 'z') && !(buf[0] >= 'A' && buf[0] <= 'Z'))
		buf[0] = 'p';
}

/*
 * RUNDIR/nftables exists while prison's table may: made before the first
 * chain, removed when the table goes (or a sweep finds none).  Without it a sweep
 * (every jls, every jail -c) costs no nftables call and loads no library.
 * Read and written only under the registry's exclusive lock.
 */
static void marker_path(char *buf, size_t len)
{
	snprintf(buf, len, "%s/nftables", runtime_rundir());
}

static bool table_marked(void)
{
	char path[PATH_MAX];

	marker_path(path, sizeof(path));
	return access(path, F_OK) == 0;
}

static int mark_table(struct perr *e)
{
	char path[PATH_MAX];
	int fd;

	marker_path(path, sizeof(path));
	fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return perr_set(e, errno, "nftables: %s", path);
	close(fd);
	return 0;
}

/*
 * The bridges whose route_localnet prison turned on (for 127.0.0.1 to a
 * vnet jail's published port) are lines of the marker.  The table's guard
 * chain drops loopback sources arriving from anywhere but lo; once the
 * table is gone nothing would, so route_localnet goes back off with it.
 */
static int note_localnet(const char *bridge, struct perr *e)
{
	char path[PATH_MAX];
	_cleanup_close_ int fd = -1;
	size_t len = strlen(bridge);

	marker_path(path, sizeof(path));
	fd = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || write(fd, bridge, len) != (ssize_t)len || write(fd, "\n", 1) != 1)
		return perr_set(e, errno, "nftables: %s", path);
	return 0;
}

static void unmark_table(void)
{
	char path[PATH_MAX], buf[16384], *line, *save = NULL;
	_cleanup_close_ int fd = -1;
	ssize_t n;

	marker_path(path, sizeof(path));
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct perr ignore = { 0 };
		char sysctl[128];
		_cleanup_close_ int s = -1;
		if (ifname_check(line, &ignore) < 0)
			continue;
		snprintf(sysctl, sizeof(sysctl), "/proc/sys/net/ipv4/conf/%s/route_localnet", line);
		s = open(sysctl, O_WRONLY | O_CLOEXEC);
		if (s >= 0)
			(void)!write(s, "0", 1);
	}
	(void)unlink(path);
}

static int chain_jid(const char *name)
{
	char num[16];
	const char *us;
	long jid;

	if (strncmp(name, "jail", 4) != 0 || !(us = strchr(name, '_')) || (size_t)(us - name - 4) >= sizeof(num) ||
	    (strcmp(us, "_rdr") != 0 && strcmp(us, "_nat") != 0))
		return 0;
	memcpy(num, name + 4, (size_t)(us - name - 4));
	num[us - name - 4] = '\0';
	return parse_long(num, 1, 999999, &jid) ? (int)jid : 0;
}

static void note_chain(struct chains *c, json_object *chain, const char *table)
{
	json_object *t, *name;
	int jid;

	if (!json_object_object_get_ex(chain, "table", &t) || strcmp(json_object_get_string(t), table) != 0 ||
	    !json_object_object_get_ex(chain, "name", &name))
		return;
	c->table = true;
	jid = chain_jid(json_object_get_string(name));
	for (size_t i = 0; jid && i < c->n; i++)
		if (c->jid[i] == jid)
			return;
	if (jid)
		c->jid[c->n++] = jid;
}

/* The chains of prison's table, read as JSON: only the table's own are looked at. */
static int list_chains(const char *table, struct chains *ret, struct perr *e)
{
	struct nft_ctx *ctx = nftlib_open(true, e);
	json_object *root = NULL, *items;
	size_t n;
	int r = -1;

	memset(ret, 0, sizeof(*ret));
	if (!ctx)
		return -1;
	if (nftlib_run(ctx, "list chains inet", e) < 0)
		goto out;
	root = json_tokener_parse(nftlib_output(ctx));
	if (!root || !json_object_object_get_ex(root, "nftables", &items) || !json_object_is_type(items, json_type_array)) {
		perr_setx(e, EPROTO, "nftables: cannot read the list of chains");
		goto out;
	}
	n = json_object_array_length(items);
	ret->jid = calloc(n ? n : 1, sizeof(int));
	if (!ret->jid) {
		perr_set(e, ENOMEM, "nftables");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		json_object *chain;
		if (json_object_object_get_ex(json_object_array_get_idx(items, i), "chain", &chain))
			note_chain(ret, chain, table);
	}
	r = 0;
out:
	json_object_put(root);
	nftlib_free(ctx);
	return r;
}

static void write_base(FILE *f, const char *t)
{
	fprintf(f, "add table inet %s\n", t);
	fprintf(f, "add chain inet %s rdr_pre { type nat hook prerouting priority dstnat; policy accept; }\n", t);
	fprintf(f, "add chain inet %s rdr_out { type nat hook output priority -100; policy accept; }\n", t);
	fprintf(f, "add chain inet %s nat_post { type nat hook postrouting priority srcnat; policy accept; }\n", t);
	fprintf(f, "add chain inet %s guard { type filter hook prerouting priority raw; policy accept; }\n", t);
	fprintf(f, "flush chain inet %s rdr_pre\nflush chain inet %s rdr_out\n", t, t);
	fprintf(f, "flush chain inet %s nat_post\nflush chain inet %s guard\n", t, t);
	/* What route_localnet lets in on a bridge, only the host's own loopback traffic may be. */
	fprintf(f, "add rule inet %s guard iifname != \"lo\" ip saddr 127.0.0.0/8 drop\n", t);
}

static void write_jumps(FILE *f, const char *t, int jid)
{
	fprintf(f, "add rule inet %s rdr_pre jump jail%d_rdr\n", t, jid);
	fprintf(f, "add rule inet %s rdr_out jump jail%d_rdr\n", t, jid);
	fprintf(f, "add rule inet %s nat_post jump jail%d_nat\n", t, jid);
}

static void write_drop(FILE *f, const char *t, int jid)
{
	fprintf(f, "flush chain inet %s jail%d_rdr\ndelete chain inet %s jail%d_rdr\n", t, jid, t, jid);
	fprintf(f, "flush chain inet %s jail%d_nat\ndelete chain inet %s jail%d_nat\n", t, jid, t, jid);
}

static bool has(const struct chains *c, int jid)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->jid[i] == jid)
			return true;
	return false;
}

/*
 * The table without the jails in gone[]: deleted with its last jail, else
 * the base chains rebuilt with a jump for each jail that stays.
 */
static size_t staying(const struct chains *c, const int *gone, size_t ngone)
{
	size_t stay = 0;

	for (size_t i = 0; i < c->n; i++) {
		bool g = false;
		for (size_t k = 0; k < ngone; k++)
			g = g || gone[k] == c->jid[i];
		stay += !g;
	}
	return stay;
}

static void write_without(FILE *f, const char *t, const struct chains *c, const int *gone, size_t ngone)
{
	if (!staying(c, gone, ngone)) {
		fprintf(f, "delete table inet %s\n", t);
		return;
	}
	write_base(f, t);
	for (size_t i = 0; i < c->n; i++) {
		bool g = false;
		for (size_t k = 0; k < ngone; k++)
			g = g || gone[k] == c->jid[i];
		if (!g)
			write_jumps(f, t, c->jid[i]);
	}
	for (size_t k = 0; k < ngone; k++)
		write_drop(f, t, gone[k]);
}

/* Run what write() puts in a buffer, as one transaction. */
static int run_batch(void (*write)(FILE *f, void *arg), void *arg, struct perr *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct nft_ctx *ctx;
	int r = -1;

	if (!f)
		return perr_set(e, errno, "nftables");
	write(f, arg);
	if (fclose(f) != 0) {
		free(buf);
		return perr_set(e, ENOMEM, "nftables");
	}
	ctx = nftlib_open(false, e);
	if (ctx) {
		r = nftlib_run(ctx, buf, e);
		nftlib_free(ctx);
	}
	free(buf);
	return r;
}

struct batch {
	const char *table;
	const struct chains *c;
	const int *gone;
	size_t ngone;
	const struct jail_record *rec; /* the jail made or remade, or NULL */
	struct perr *e;
	int r;
};

static void batch_without(FILE *f, void *arg)
{
	struct batch *b = arg;

	write_without(f, b->table, b->c, b->gone, b->ngone);
}

static void batch_apply(FILE *f, void *arg)
{
	struct batch *b = arg;
	const char *t = b->table;
	int jid = b->rec->jid;

	write_base(f, t);
	fprintf(f, "add chain inet %s jail%d_rdr\nflush chain inet %s jail%d_rdr\n", t, jid, t, jid);
	fprintf(f, "add chain inet %s jail%d_nat\nflush chain inet %s jail%d_nat\n", t, jid, t, jid);
	b->r = natrules_write(f, t, jid, &b->rec->params, b->e);
	for (size_t i = 0; i < b->c->n; i++)
		if (b->c->jid[i] != jid)
			write_jumps(f, t, b->c->jid[i]);
	write_jumps(f, t, jid);
}

static int read_sysctl(const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	char c = '0';

	if (fd < 0 || read(fd, &c, 1) != 1)
		return -1;
	return c - '0';
}

static int write_sysctl(const char *path, const char *v, struct perr *e)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, v, strlen(v)) != (ssize_t)strlen(v))
		return perr_set(e, errno, "%s", path);
	return 0;
}

/* A vnet jail's traffic crosses the host's routing: forwarding is the admin's to turn on, as gateway_enable is. */
static int check_host(const struct jail_record *rec, const struct natrules_need *need, struct perr *e)
{
	char path[128];

	if (need->forward4 && read_sysctl("/proc/sys/net/ipv4/ip_forward") != 1)
		return perr_setx(e, EINVAL, "%s: the host does not forward IPv4 (sysctl net.ipv4.ip_forward=1)",
				 param_str(&rec->params, P_IP4_NAT) ? "ip4.nat" : "expose");
	if (need->forward6 && read_sysctl("/proc/sys/net/ipv6/conf/all/forwarding") != 1)
		return perr_setx(e, EINVAL, "%s: the host does not forward IPv6 (sysctl net.ipv6.conf.all.forwarding=1)",
				 param_str(&rec->params, P_IP6_NAT) ? "ip6.nat" : "expose");
	if (!need->localnet)
		return 0;
	/* The bridge's name was checked (ifname_check) when the jail was made. */
	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/route_localnet", param_str(&rec->params, P_VNET_BRIDGE));
	if (read_sysctl(path) == 1)
		return 0;
	if (write_sysctl(path, "1", e) < 0)
		return -1;
	return note_localnet(param_str(&rec->params, P_VNET_BRIDGE), e);
}

int nftjail_check(const struct paramset *ps, struct perr *e)
{
	struct natrules_need need;

	return natrules_check(ps, &need, e);
}

static int drop_jail(const char *table, const struct chains *c, int jid, struct perr *e)
{
	struct batch b = { .table = table, .c = c, .gone = &jid, .ngone = 1 };

	if (!has(c, jid))
		return 0;
	if (run_batch(batch_without, &b, e) < 0)
		return -1;
	if (!staying(c, &jid, 1))
		unmark_table();
	return 0;
}

int nftjail_apply(const struct jail_record *rec, struct perr *e)
{
	struct natrules_need need;
	struct chains c;
	char table[128];
	int r;

	if (natrules_check(&rec->params, &need, e) < 0)
		return -1;
	table_name(table, sizeof(table));
	if (!need.any) {
		/* Nothing asked for: a jail that never had chains costs no nftables call. */
		if ((!param_str(&rec->params, P_EXPOSE) && !param_str(&rec->params, P_IP4_NAT) &&
		     !param_str(&rec->params, P_IP6_NAT)) || !table_marked())
			return 0;
		if (list_chains(table, &c, e) < 0)
			return -1;
		r = drop_jail(table, &c, rec->jid, e);
		free(c.jid);
		return r;
	}
	if (mark_table(e) < 0 || check_host(rec, &need, e) < 0 || list_chains(table, &c, e) < 0)
		return -1;
	struct batch b = { .table = table, .c = &c, .rec = rec, .e = e };
	r = run_batch(batch_apply, &b, e);
	free(c.jid);
	return r < 0 || b.r < 0 ? -1 : 0;
}

void nftjail_remove(const struct jail_record *rec)
{
	struct perr ignore = { 0 };
	struct chains c;
	char table[128];

	if ((!param_str(&rec->params, P_EXPOSE) && !param_str(&rec->params, P_IP4_NAT) &&
	     !param_str(&rec->params, P_IP6_NAT)) || !table_marked())
		return;
	table_name(table, sizeof(table));
	if (list_chains(table, &c, &ignore) < 0)
		return;
	(void)drop_jail(table, &c, rec->jid, &ignore);
	free(c.jid);
}

void nftjail_sweep(const struct jail_record *live, size_t n)
{
	struct perr ignore = { 0 };
	struct chains c;
	char table[128];
	size_t ngone = 0;

	if (!table_marked())
		return;
	table_name(table, sizeof(table));
	if (list_chains(table, &c, &ignore) < 0)
		return;
	if (!c.table) {
		unmark_table();
		free(c.jid);
		return;
	}
	for (size_t i = 0; i < c.n; i++)
		if (registry_find_jid(live, n, c.jid[i]) == n)
			c.jid[ngone++] = c.jid[i];
	/* A table with no jail's chain left is a leftover too. */
	if (ngone || (c.table && !c.n)) {
		struct chains all;
		if (list_chains(table, &all, &ignore) == 0) {
			struct batch b = { .table = table, .c = &all, .gone = c.jid, .ngone = ngone };
			if (run_batch(batch_without, &b, &ignore) == 0 && !staying(&all, c.jid, ngone))
				unmark_table();
			free(all.jid);
		}
	}
	free(c.jid);
}
