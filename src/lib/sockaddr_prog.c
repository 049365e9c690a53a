/*
 * Attaching the sockaddr programs once, without a daemon or bpffs pins.
 *
 * The programs are attached with BPF_F_ALLOW_MULTI to PREFIX/prison, so
 * they run for every jail's cgroup below it and leave room for other
 * programs there.  The cgroup keeps them (and so their map) alive; a later
 * command finds them with BPF_PROG_QUERY and takes the map from the
 * program's map ids, trusting only a program of the expected name whose
 * map has this version's name.
 *
 * A first attachment, or the repair of one that a crash cut short, runs
 * under an flock on RUNDIR/bpf.lock (runtime.h), so that concurrent commands
 * attach one set.  A repair loads the programs again on the existing map
 * (its records stay) and attaches them where they are missing.
 *
 * Programs of another version (another map name) are left where they are:
 * with BPF_F_ALLOW_MULTI both sets run, and each acts only on cgroups that
 * have a record in its own map, so jails limited by the old version keep
 * their limits until they are removed, and new jails get this version.
 */
#include "sockaddr_prog.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "../bpf/sockaddr_map.h"
#include "cgroup.h"
#include "runtime.h"
#include "util.h"

/* The BPF object, embedded by sockaddr_obj.S. */
extern const unsigned char sockaddr_bpf_obj[];
extern const unsigned long sockaddr_bpf_obj_size;

static const struct {
	const char *prog;
	enum bpf_attach_type type;
} hooks[] = {
	{ "prison_sock", BPF_CGROUP_INET_SOCK_CREATE },
	{ "prison_bind4", BPF_CGROUP_INET4_BIND },
	{ "prison_bind6", BPF_CGROUP_INET6_BIND },
	{ "prison_connect4", BPF_CGROUP_INET4_CONNECT },
	{ "prison_connect6", BPF_CGROUP_INET6_CONNECT },
	{ "prison_sendmsg4", BPF_CGROUP_UDP4_SENDMSG },
	{ "prison_sendmsg6", BPF_CGROUP_UDP6_SENDMSG },
	{ "prison_ingress", BPF_CGROUP_INET_INGRESS },
};
#define NHOOKS ARRAY_SIZE(hooks)

static int open_parent(bool create, struct perr *e)
{
	const char *root = cgroup_unified_root(e);
	char path[512];
	int fd;

	if (!root)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", root, runtime_cgroup());
	if (create && mkdir(path, 0755) < 0 && errno != EEXIST)
		return perr_set(e, errno, "cgroup %s", path);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return perr_set(e, errno, "cgroup %s", path);
	return fd;
}

/*
 * The id of this version's map if prog_id is one of our programs named
 * name, else 0.  known, when not 0, is a map already found to be ours: a
 * program using it needs no look at its maps (each one a descriptor and
 * an info call), which made up most of a jail's BPF calls.
 */
static __u32 our_map_of(__u32 prog_id, const char *name, __u32 known)
{
	_cleanup_close_ int pfd = bpf_prog_get_fd_by_id(prog_id);
	struct bpf_prog_info info;
	__u32 len = sizeof(info), map_ids[8];

	if (pfd < 0)
		return 0;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = ARRAY_SIZE(map_ids);
	info.map_ids = (__u64)(unsigned long)map_ids;
	if (bpf_obj_get_info_by_fd(pfd, &info, &len) < 0 || strcmp(info.name, name) != 0)
		return 0;
	for (__u32 i = 0; known && i < info.nr_map_ids && i < ARRAY_SIZE(map_ids); i++)
		if (map_ids[i] == known)
			return known;
	for (__u32 i = 0; i < info.nr_map_ids && i < ARRAY_SIZE(map_ids); i++) {
		_cleanup_close_ int mfd = bpf_map_get_fd_by_id(map_ids[i]);
		struct bpf_map_info minfo;
		__u32 mlen = sizeof(minfo);

		memset(&minfo, 0, sizeof(minfo));
		if (mfd >= 0 && bpf_obj_get_info_by_fd(mfd, &minfo, &mlen) == 0 &&
		    strcmp(minfo.name, SA_MAP_NAME) == 0 && minfo.value_size == sizeof(struct sa_jail))
			return map_ids[i];
	}
	return 0;
}

/*
 * For each hook, the map id of our program attached there (0 if none);
 * with prog_ids set, also the program's id (for detaching).
 */
static int query(int cgfd, __u32 map_of[NHOOKS], __u32 *prog_ids, struct perr *e)
{
	__u32 known = 0;

	for (size_t h = 0; h < NHOOKS; h++) {
		__u32 ids[64], cnt = ARRAY_SIZE(ids), flags = 0;

		map_of[h] = 0;
		if (prog_ids)
			prog_ids[h] = 0;
		if (bpf_prog_query(cgfd, hooks[h].type, 0, &flags, ids, &cnt) < 0)
			return perr_set(e, errno, "query the BPF programs of the jails' cgroup");
		for (__u32 i = 0; i < cnt && i < ARRAY_SIZE(ids); i++) {
			__u32 m = our_map_of(ids[i], hooks[h].prog, known);
			if (m) {
				known = m;
				map_of[h] = m;
				if (prog_ids)
					prog_ids[h] = ids[i];
				break;
			}
		}
	}
	return 0;
}

/* The map every hook uses, or 0; *any gets the map of some hook (0 if none). */
static __u32 complete_map(const __u32 map_of[NHOOKS], __u32 *any)
{
	*any = 0;
	for (size_t h = 0; h < NHOOKS; h++)
		if (map_of[h] && !*any)
			*any = map_of[h];
	for (size_t h = 0; h < NHOOKS; h++)
		if (map_of[h] != *any)
			return 0;
	return *any;
}

static int map_fd_of(__u32 id, struct perr *e)
{
	int fd = bpf_map_get_fd_by_id(id);

	if (fd < 0)
		return perr_set(e, errno, "BPF map %u of the jails' cgroup", id);
	return fd;
}

/* libbpf's last message during one load, for its error (the verifier's verdict). */
struct bpf_log {
	char msg[512];
};

/*
 * libbpf's print callback takes no user data, so it reaches the log of the
 * load at work through this pointer: set for the length of one call of
 * load_and_attach to that call's own log, NULL otherwise.
 */
static struct bpf_log *current_log;

static int keep_libbpf_msg(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level != LIBBPF_DEBUG && current_log)
		vsnprintf(current_log->msg, sizeof(current_log->msg), fmt, ap);
	return 0;
}

static int hint(struct perr *e, int err, const char *what, struct bpf_log *log)
{
	const char *why = err == EPERM ? " (root with CAP_BPF and CAP_NET_ADMIN is needed)"
		: err == EINVAL ? " (the kernel needs CONFIG_CGROUP_BPF)" : "";

	log->msg[strcspn(log->msg, "\n")] = '\0';
	if (log->msg[0])
		return perr_set(e, err, "%s%s: libbpf: %s", what, why, log->msg);
	return perr_set(e, err, "%s%s", what, why);
}

/*
 * This version's map in the object, on the map reuse_map_id when non-zero
 * (its fd left in *reuse), and the read-only data the programs test.
 */
static struct bpf_map *prepare_maps(struct bpf_object *obj, __u32 reuse_map_id, int *reuse, struct bpf_log *log,
				    struct perr *e)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, SA_MAP_NAME);
	struct bpf_map *ro = bpf_object__find_map_by_name(obj, ".rodata.prison");
	__u32 have_retval;

	if (!map || !ro) {
		perr_setx(e, ENOENT, "the sockaddr BPF object has no map %s", map ? ".rodata.prison" : SA_MAP_NAME);
		return NULL;
	}
	have_retval = libbpf_probe_bpf_helper(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_FUNC_set_retval, NULL) == 1;
	if (bpf_map__set_initial_value(ro, &have_retval, sizeof(have_retval)) < 0) {
		hint(e, errno, "set up the sockaddr BPF object", log);
		return NULL;
	}
	if (!reuse_map_id)
		return map;
	if ((*reuse = map_fd_of(reuse_map_id, e)) < 0)
		return NULL;
	if (bpf_map__reuse_fd(map, *reuse) < 0) {
		hint(e, errno, "reuse the BPF map of the jails' cgroup", log);
		return NULL;
	}
	return map;
}

static void detach_attached(struct bpf_object *obj, int cgfd, const bool attached[NHOOKS])
{
	for (size_t h = 0; h < NHOOKS; h++)
		if (attached[h])
			bpf_prog_detach2(bpf_program__fd(bpf_object__find_program_by_name(obj, hooks[h].prog)), cgfd,
					 hooks[h].type);
}

/* Attach the loaded programs missing from map_of; on failure, none of those this call attached stays. */
static int attach_missing(struct bpf_object *obj, int cgfd, const __u32 map_of[NHOOKS], struct bpf_log *log,
			  struct perr *e)
{
	bool attached[NHOOKS] = { false };

	for (size_t h = 0; h < NHOOKS; h++) {
		struct bpf_program *p = bpf_object__find_program_by_name(obj, hooks[h].prog);

		if (map_of[h])
			continue;
		if (!p || bpf_prog_attach(bpf_program__fd(p), cgfd, hooks[h].type, BPF_F_ALLOW_MULTI) < 0) {
			hint(e, p ? errno : ENOENT, "attach the sockaddr BPF programs to the jails' cgroup", log);
			detach_attached(obj, cgfd, attached);
			return -1;
		}
		attached[h] = true;
	}
	return 0;
}

/* The opened object loaded and attached; an fd of its map. */
static int load_object(struct bpf_object *obj, int cgfd, const __u32 map_of[NHOOKS], __u32 reuse_map_id,
		       struct bpf_log *log, struct perr *e)
{
	_cleanup_close_ int reuse = -1;
	struct bpf_map *map = prepare_maps(obj, reuse_map_id, &reuse, log, e);
	int fd;

	if (!map)
		return -1;
	if (bpf_object__load(obj) < 0)
		return hint(e, errno, "load the sockaddr BPF programs", log);
	if (attach_missing(obj, cgfd, map_of, log, e) < 0)
		return -1;
	fd = fcntl(bpf_map__fd(map), F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return perr_set(e, errno, "BPF map of the jails' cgroup");
	return fd;
}

/*
 * Load the programs (on the map reuse_map_id when non-zero) and attach
 * those missing from map_of; an fd of their map.  A failed attach detaches
 * what this call attached.
 */
static int load_and_attach(int cgfd, const __u32 map_of[NHOOKS], __u32 reuse_map_id, struct perr *e)
{
	struct bpf_log log = { "" };
	struct bpf_object_open_opts opts;
	libbpf_print_fn_t old_print;
	struct bpf_object *obj;
	int ret;

	current_log = &log;
	old_print = libbpf_set_print(keep_libbpf_msg);
	memset(&opts, 0, sizeof(opts));
	opts.sz = sizeof(opts);
	opts.object_name = "prison_sockaddr";
	obj = bpf_object__open_mem(sockaddr_bpf_obj, sockaddr_bpf_obj_size, &opts);
	if (obj) {
		ret = load_object(obj, cgfd, map_of, reuse_map_id, &log, e);
		bpf_object__close(obj);
	} else {
		ret = hint(e, errno, "open the sockaddr BPF object", &log);
	}
	libbpf_set_print(old_print);
	current_log = NULL;
	return ret;
}

static int take_lock(struct perr *e)
{
	char path[256];
	_cleanup_close_ int fd = -1;

	if (mkdir(runtime_rundir(), 0700) < 0 && errno != EEXIST)
		return perr_set(e, errno, "%s", runtime_rundir());
	snprintf(path, sizeof(path), "%s/bpf.lock", runtime_rundir());
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return perr_set(e, errno, "%s", path);
	if (flock(fd, LOCK_EX) < 0)
		return perr_set(e, errno, "lock %s", path);
	return TAKE_FD(fd);
}

int sockaddr_prog_map(bool create, struct perr *e)
{
	_cleanup_close_ int cgfd = open_parent(create, e);
	_cleanup_close_ int lock = -1;
	__u32 map_of[NHOOKS] = { 0 }, any, id;

	if (cgfd < 0)
		return -1;
	if (query(cgfd, map_of, NULL, e) < 0)
		return -1;
	if ((id = complete_map(map_of, &any)))
		return map_fd_of(id, e);
	if (!create) {
		if (any)
			return map_fd_of(any, e);
		return perr_set(e, ENOENT, "no sockaddr BPF programs are attached");
	}
	/* Held until return: the cleanup closes it, which unlocks. */
	lock = take_lock(e);
	if (lock < 0)
		return -1;
	/* Another command may have attached them while we waited. */
	if (query(cgfd, map_of, NULL, e) < 0)
		return -1;
	if ((id = complete_map(map_of, &any)))
		return map_fd_of(id, e);
	/* A hook whose program has another map than the one reused is attached anew. */
	for (size_t h = 0; h < NHOOKS; h++)
		if (map_of[h] != any)
			map_of[h] = 0;
	return load_and_attach(cgfd, map_of, any, e);
}

int sockaddr_prog_detach(struct perr *e)
{
	_cleanup_close_ int cgfd = open_parent(false, e);
	__u32 map_of[NHOOKS] = { 0 }, prog_ids[NHOOKS] = { 0 };

	if (cgfd < 0)
		return e->err == ENOENT ? 0 : -1;
	/* Each round detaches one of ours per hook, until none is left (a race without the lock could leave two). */
	for (int round = 0; round < 64; round++) {
		bool any = false;

		if (query(cgfd, map_of, prog_ids, e) < 0)
			return -1;
		for (size_t h = 0; h < NHOOKS; h++) {
			_cleanup_close_ int pfd = -1;

			if (!prog_ids[h])
				continue;
			any = true;
			pfd = bpf_prog_get_fd_by_id(prog_ids[h]);
			if (pfd < 0 || bpf_prog_detach2(pfd, cgfd, hooks[h].type) < 0)
				return perr_set(e, errno, "detach BPF program %u from the jails' cgroup", prog_ids[h]);
		}
		if (!any)
			return 0;
	}
	return perr_set(e, EBUSY, "detach the sockaddr BPF programs: they keep coming back");
}
