/*
 * libnftables, loaded the first time prison needs it.  Only a jail with
 * NAT or published ports needs nftables; every other command (jexec, jls,
 * a jail without them) must not pay the dynamic loader for it and the
 * libraries it brings (libjansson, libgmp, libxtables...), so the library
 * is opened with dlopen(3) by its soname instead of being linked.
 */
#ifndef PRISON_NFTLIB_H
#define PRISON_NFTLIB_H

#include <stdbool.h>

#include "error.h"

struct nft_ctx;

/* A context whose output and errors go to buffers, its output as JSON when asked. */
struct nft_ctx *nftlib_open(bool json, struct perr *e);
/* One transaction: all of cmds or nothing.  The message is nft's first line. */
int nftlib_run(struct nft_ctx *ctx, const char *cmds, struct perr *e);
/* What the last command printed. */
const char *nftlib_output(struct nft_ctx *ctx);
void nftlib_free(struct nft_ctx *ctx);

#endif
