/*
 * config.json's linux.seccomp (runtime-spec config-linux.md) compiled with
 * libseccomp into a program of its own.  The container's process loads it
 * on top of the jail's filter (jail_make_process): the kernel runs both and
 * the stricter answer wins, so a profile can take system calls away from a
 * jail and never give one back.
 */
#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ociconfig.h"
#include "util.h"

/* An OCI action name with its errno or trace value (ret) as libseccomp's action; 0 when unknown. */
static int action_of(const char *name, unsigned ret, uint32_t *action, const char *what, struct perr *e)
{
	if (!name)
		return perr_setx(e, EINVAL, "%s: missing", what);
	if (strcmp(name, "SCMP_ACT_ALLOW") == 0)
		*action = SCMP_ACT_ALLOW;
	else if (strcmp(name, "SCMP_ACT_ERRNO") == 0)
		*action = SCMP_ACT_ERRNO(ret);
	else if (strcmp(name, "SCMP_ACT_KILL") == 0 || strcmp(name, "SCMP_ACT_KILL_THREAD") == 0)
		*action = SCMP_ACT_KILL_THREAD;
	else if (strcmp(name, "SCMP_ACT_KILL_PROCESS") == 0)
		*action = SCMP_ACT_KILL_PROCESS;
	else if (strcmp(name, "SCMP_ACT_TRAP") == 0)
		*action = SCMP_ACT_TRAP;
	else if (strcmp(name, "SCMP_ACT_TRACE") == 0)
		*action = SCMP_ACT_TRACE(ret);
	else if (strcmp(name, "SCMP_ACT_LOG") == 0)
		*action = SCMP_ACT_LOG;
	else if (strcmp(name, "SCMP_ACT_NOTIFY") == 0)
		return perr_setx(e, EINVAL, "%s: SCMP_ACT_NOTIFY: not supported (no listenerPath agent is run)", what);
	else
		return perr_setx(e, EINVAL, "%s: \"%s\": no such action", what, name);
	return 0;
}

static const char *string_of(struct json_object *o, const char *key)
{
	struct json_object *v = oci_get(o, key);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* errnoRet, or dflt where it is not given. */
static int errno_of(struct json_object *o, const char *key, unsigned dflt, unsigned *ret, const char *what,
		    struct perr *e)
{
	struct json_object *v = oci_get(o, key);
	int64_t n;

	*ret = dflt;
	if (!v)
		return 0;
	n = json_object_get_int64(v);
	if (!json_object_is_type(v, json_type_int) || n < 0 || n > 4095)
		return perr_setx(e, EINVAL, "%s.%s: not an errno (0 to 4095)", what, key);
	*ret = (unsigned)n;
	return 0;
}

static int add_archs(scmp_filter_ctx ctx, struct json_object *list, struct perr *e)
{
	for (size_t i = 0; list && i < json_object_array_length(list); i++) {
		const char *n = json_object_get_string(json_object_array_get_idx(list, i));
		char lower[32];
		uint32_t arch;
		int r;
		if (!n || strncmp(n, "SCMP_ARCH_", 10) != 0 || strlen(n + 10) >= sizeof(lower))
			return perr_setx(e, EINVAL, "linux.seccomp.architectures: \"%s\": no such architecture", n ? n : "");
		size_t k = 0;
		for (; n[10 + k]; k++)
			lower[k] = (char)tolower((unsigned char)n[10 + k]);
		lower[k] = '\0';
		arch = seccomp_arch_resolve_name(lower);
		if (arch == 0)
			return perr_setx(e, EINVAL, "linux.seccomp.architectures: \"%s\": no such architecture", n);
		r = seccomp_arch_add(ctx, arch);
		/* One this machine cannot run (the kernel refuses it) never reaches the filter: left out. */
		if (r < 0 && r != -EEXIST && r != -EINVAL)
			return perr_set(e, -r, "linux.seccomp.architectures: %s", n);
	}
	return 0;
}

static int arg_of(struct json_object *a, struct scmp_arg_cmp *ret, struct perr *e)
{
	static const struct {
		const char *name;
		enum scmp_compare op;
	} ops[] = {
		{ "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT }, { "SCMP_CMP_LE", SCMP_CMP_LE },
		{ "SCMP_CMP_EQ", SCMP_CMP_EQ }, { "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
		{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
	};
	const char *op = string_of(a, "op");
	int64_t index = json_object_get_int64(oci_get(a, "index"));

	if (index < 0 || index > 5)
		return perr_setx(e, EINVAL, "linux.seccomp.syscalls: args: index %lld: not 0 to 5", (long long)index);
	memset(ret, 0, sizeof(*ret));
	ret->arg = (unsigned)index;
	ret->datum_a = json_object_get_uint64(oci_get(a, "value"));
	ret->datum_b = json_object_get_uint64(oci_get(a, "valueTwo"));
	for (size_t i = 0; op && i < ARRAY_SIZE(ops); i++)
		if (strcmp(op, ops[i].name) == 0) {
			ret->op = ops[i].op;
			return 0;
		}
	return perr_setx(e, EINVAL, "linux.seccomp.syscalls: args: op \"%s\": no such comparison", op ? op : "");
}

/*
 * One rule for one system call.  Conditions on distinct arguments must all
 * hold (one rule); several on one argument are alternatives, one rule each,
 * as other runtimes read them.
 */
static int add_rule(scmp_filter_ctx ctx, uint32_t action, int nr, const struct scmp_arg_cmp *args, unsigned n,
		    const char *name, struct perr *e)
{
	bool same = false;
	int r = 0;

	for (unsigned i = 0; i < n; i++)
		for (unsigned j = i + 1; j < n; j++)
			same |= args[i].arg == args[j].arg;
	if (!same)
		r = seccomp_rule_add_array(ctx, action, nr, n, args);
	for (unsigned i = 0; same && i < n && r == 0; i++)
		r = seccomp_rule_add_array(ctx, action, nr, 1, &args[i]);
	if (r < 0)
		return perr_set(e, -r, "linux.seccomp.syscalls: %s", name);
	return 0;
}

static int add_syscalls(scmp_filter_ctx ctx, struct json_object *s, uint32_t dflt, struct perr *e)
{
	struct json_object *names = oci_get(s, "names"), *args = oci_get(s, "args");
	struct scmp_arg_cmp cmp[6];
	unsigned nargs = 0, ret;
	uint32_t action = 0;

	if (errno_of(s, "errnoRet", EPERM, &ret, "linux.seccomp.syscalls", e) < 0 ||
	    action_of(string_of(s, "action"), ret, &action, "linux.seccomp.syscalls: action", e) < 0)
		return -1;
	if (!names || !json_object_is_type(names, json_type_array))
		return perr_setx(e, EINVAL, "linux.seccomp.syscalls: names: not an array");
	if (args && (!json_object_is_type(args, json_type_array) || json_object_array_length(args) > 6))
		return perr_setx(e, EINVAL, "linux.seccomp.syscalls: args: not an array of at most 6");
	for (; args && nargs < json_object_array_length(args); nargs++)
		if (arg_of(json_object_array_get_idx(args, nargs), &cmp[nargs], e) < 0)
			return -1;
	/* What the default does already needs no rule (and libseccomp refuses one). */
	if (action == dflt)
		return 0;
	for (size_t i = 0; i < json_object_array_length(names); i++) {
		const char *name = json_object_get_string(json_object_array_get_idx(names, i));
		int nr = name ? seccomp_syscall_resolve_name(name) : __NR_SCMP_ERROR;
		/* A name this kernel and libseccomp do not know is no system call to filter: profiles list future ones. */
		if (nr == __NR_SCMP_ERROR)
			continue;
		if (add_rule(ctx, action, nr, cmp, nargs, name, e) < 0)
			return -1;
	}
	return 0;
}

static int map_flags(struct json_object *flags, struct oci_config *c, struct perr *e)
{
	static const struct {
		const char *name;
		unsigned flag;
	} known[] = {
		{ "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
		{ "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
		{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
	};

	for (size_t i = 0; flags && i < json_object_array_length(flags); i++) {
		const char *n = json_object_get_string(json_object_array_get_idx(flags, i));
		size_t k = 0;
		for (; n && k < ARRAY_SIZE(known) && strcmp(n, known[k].name) != 0; k++)
			;
		if (!n || k == ARRAY_SIZE(known))
			return perr_setx(e, EINVAL, "linux.seccomp.flags: \"%s\": not supported", n ? n : "");
		c->seccomp_flags |= known[k].flag;
	}
	return 0;
}

/* The program libseccomp made, read back from the memory file it was exported to. */
static int export_program(scmp_filter_ctx ctx, struct oci_config *c, struct perr *e)
{
	_cleanup_close_ int fd = memfd_create("oci-seccomp", MFD_CLOEXEC);
	struct stat st;
	int r;

	if (fd < 0)
		return perr_set(e, errno, "linux.seccomp");
	if ((r = seccomp_export_bpf(ctx, fd)) < 0)
		return perr_set(e, -r, "linux.seccomp: export");
	if (fstat(fd, &st) < 0)
		return perr_set(e, errno, "linux.seccomp");
	if (st.st_size <= 0 || st.st_size % (off_t)sizeof(struct sock_filter) ||
	    st.st_size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS)
		return perr_setx(e, E2BIG, "linux.seccomp: the program is longer than the kernel takes (%d instructions)",
				 BPF_MAXINSNS);
	c->seccomp.insns = malloc((size_t)st.st_size);
	if (!c->seccomp.insns)
		return perr_set(e, ENOMEM, "linux.seccomp");
	if (pread(fd, c->seccomp.insns, (size_t)st.st_size, 0) != st.st_size)
		return perr_set(e, errno ? errno : EIO, "linux.seccomp");
	c->seccomp.len = (unsigned short)(st.st_size / (off_t)sizeof(struct sock_filter));
	return 0;
}

static int build(scmp_filter_ctx ctx, struct json_object *sc, uint32_t dflt, struct oci_config *c, struct perr *e)
{
	struct json_object *list = oci_get(sc, "syscalls"), *archs = oci_get(sc, "architectures");

	if (archs && !json_object_is_type(archs, json_type_array))
		return perr_setx(e, EINVAL, "linux.seccomp.architectures: not an array");
	if (list && !json_object_is_type(list, json_type_array))
		return perr_setx(e, EINVAL, "linux.seccomp.syscalls: not an array");
	if (oci_get(sc, "listenerPath") && json_object_get_string_len(oci_get(sc, "listenerPath")) > 0)
		return perr_setx(e, EINVAL, "linux.seccomp.listenerPath: not supported");
	if (map_flags(oci_get(sc, "flags"), c, e) < 0 || add_archs(ctx, archs, e) < 0)
		return -1;
	for (size_t i = 0; list && i < json_object_array_length(list); i++)
		if (add_syscalls(ctx, json_object_array_get_idx(list, i), dflt, e) < 0)
			return -1;
	return export_program(ctx, c, e);
}

int oci_map_seccomp(struct json_object *sc, struct oci_config *c, struct perr *e)
{
	scmp_filter_ctx ctx;
	uint32_t dflt = 0;
	unsigned ret;
	int r;

	if (!sc)
		return 0;
	if (!json_object_is_type(sc, json_type_object))
		return perr_setx(e, EINVAL, "linux.seccomp: not an object");
	if (errno_of(sc, "defaultErrnoRet", EPERM, &ret, "linux.seccomp", e) < 0 ||
	    action_of(string_of(sc, "defaultAction"), ret, &dflt, "linux.seccomp.defaultAction", e) < 0)
		return -1;
	ctx = seccomp_init(dflt);
	if (!ctx)
		return perr_set(e, ENOMEM, "linux.seccomp");
	/* The program is loaded by jail root while it holds CAP_SYS_ADMIN: no no_new_privs of libseccomp's. */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	/* A binary tree of system call numbers: engines' profiles list hundreds (priv.c says why it pays). */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	r = build(ctx, sc, dflt, c, e);
	seccomp_release(ctx);
	return r;
}
