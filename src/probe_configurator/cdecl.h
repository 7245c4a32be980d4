/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cdecl.h - find the function declarations of a C header, without a compiler.
 *
 * Header captures name kernel functions by the header that declares them (upstream used
 * libclang). We only need the names and, for syscalls, the parameter lists: comments, strings
 * and preprocessor lines are blanked, bodies are skipped, and every "TYPE name(PARAMS)" at file
 * scope followed by ';', '{', ',' or an attribute counts. Names that are not real functions
 * (macros that look like calls) are harmless: discovery keeps only names the kernel has.
 */
#ifndef DC_CDECL_H
#define DC_CDECL_H

#include <stddef.h>

#include "arena.h"
#include "argspec.h"
#include "strmap.h"

#define DC_CDECL_TEXT_MAX (8u << 20) /* bytes of header text */

struct dc_cdecl {
    const char *name;         /* in the arena */
    const struct dc_sig *sig; /* in the arena; NULL when the parameter list was not understood */
};

struct dc_cdecls {
    struct dc_cdecl *v;
    size_t n, cap;
    struct dc_strmap index; /* name -> position */
    struct dc_arena *arena; /* where names and signatures live (the caller's) */
};

/* Add the declarations of text (the first one of a name wins). Returns 0 or -1 (memory). */
int dc_cdecls_scan(struct dc_cdecls *d, const char *text, size_t len);
/* Read a header file (at most DC_CDECL_TEXT_MAX bytes) and scan it. Returns 0, or -1 with
 * errno set. */
int dc_cdecls_scan_file(struct dc_cdecls *d, const char *path);
const struct dc_cdecl *dc_cdecls_find(const struct dc_cdecls *d, const char *name);
void dc_cdecls_free(struct dc_cdecls *d);

#endif
