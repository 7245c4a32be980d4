/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * access.h - may the caller read this file? Answered by the kernel, as the caller.
 */
#ifndef DC_SIGN_ACCESS_H
#define DC_SIGN_ACCESS_H

#include <stddef.h>

#include "peer.h"

enum dc_access {
    DC_ACCESS_OK = 1,      /* a regular file the caller can open for reading */
    DC_ACCESS_DENIED = 0,  /* missing, not readable, or not a regular file: reason in why */
    DC_ACCESS_FAILED = -1, /* the signer could not take the caller's identity */
};

/*
 * Open path for reading with the caller's filesystem identity (fsuid, fsgid, supplementary
 * groups) on the calling thread only, then require a regular file. Every permission rule the
 * kernel applies to the caller applies: directory search bits, ACLs, LSMs, root squash on
 * network file systems.
 */
enum dc_access dc_access_readable(const struct dc_peer *p, const char *path, char *why,
                                  size_t whylen);

#endif
