#include "nftlib.h"

#include <dlfcn.h>
#include <errno.h>
#include <nftables/libnftables.h>
#include <string.h>

/* The soname Debian's libnftables1 ships, whose ABI the header describes. */
#define NFTLIB_SONAME "libnftables.so.1"

static struct {
	bool loaded;
	struct nft_ctx *(*ctx_new)(uint32_t flags);
	void (*ctx_free)(struct nft_ctx *ctx);
	int (*buffer_output)(struct nft_ctx *ctx);
	int (*buffer_error)(struct nft_ctx *ctx);
	void (*set_flags)(struct nft_ctx *ctx, unsigned int flags);
	int (*run)(struct nft_ctx *ctx, const char *buf);
	const char *(*output)(struct nft_ctx *ctx);
	const char *(*error)(struct nft_ctx *ctx);
} lib;

static bool bind(void *h, const char *name, void *ret)
{
	void *sym = dlsym(h, name);

	memcpy(ret, &sym, sizeof(sym));
	return sym != NULL;
}

static int load(struct perr *e)
{
	void *h;

	if (lib.loaded)
		return 0;
	h = dlopen(NFTLIB_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return perr_setx(e, ENOENT, "nftables: cannot load %s (Debian's libnftables1)", NFTLIB_SONAME);
	if (!bind(h, "nft_ctx_new", &lib.ctx_new) || !bind(h, "nft_ctx_free", &lib.ctx_free) ||
	    !bind(h, "nft_ctx_buffer_output", &lib.buffer_output) ||
	    !bind(h, "nft_ctx_buffer_error", &lib.buffer_error) ||
	    !bind(h, "nft_ctx_output_set_flags", &lib.set_flags) ||
	    !bind(h, "nft_run_cmd_from_buffer", &lib.run) ||
	    !bind(h, "nft_ctx_get_output_buffer", &lib.output) ||
	    !bind(h, "nft_ctx_get_error_buffer", &lib.error)) {
		dlclose(h);
		return perr_setx(e, ENOSYS, "nftables: %s lacks a function prison uses", NFTLIB_SONAME);
	}
	/* Kept open for the life of the command: the functions above point into it. */
	lib.loaded = true;
	return 0;
}

struct nft_ctx *nftlib_open(bool json, struct perr *e)
{
	struct nft_ctx *ctx;

	if (load(e) < 0)
		return NULL;
	ctx = lib.ctx_new(NFT_CTX_DEFAULT);
	if (!ctx) {
		perr_setx(e, ENOMEM, "nftables: cannot start libnftables");
		return NULL;
	}
	lib.buffer_output(ctx);
	lib.buffer_error(ctx);
	if (json)
		lib.set_flags(ctx, NFT_CTX_OUTPUT_JSON);
	return ctx;
}

int nftlib_run(struct nft_ctx *ctx, const char *cmds, struct perr *e)
{
	const char *msg, *nl;

	if (lib.run(ctx, cmds) == 0)
		return 0;
	msg = lib.error(ctx);
	if (!msg || !*msg)
		msg = "rejected";
	nl = strchr(msg, '\n');
	return perr_setx(e, EPROTO, "nftables: %.*s", nl ? (int)(nl - msg) : (int)strlen(msg), msg);
}

const char *nftlib_output(struct nft_ctx *ctx)
{
	return lib.output(ctx);
}

void nftlib_free(struct nft_ctx *ctx)
{
	if (ctx)
		lib.ctx_free(ctx);
}
