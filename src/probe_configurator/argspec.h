/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * argspec.h - argument signatures of probed functions ("function_arguments" in the probe file,
 * upstream reference 4.3): for each parameter its index, how many bytes the runtime captures,
 * whether it is a pointer, its name and its C type.
 */
#ifndef DC_ARGSPEC_H
#define DC_ARGSPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

#define DC_ARG_MAX           16 /* specs per function (the signer's limit) */
#define DC_ARG_CAPTURE_BYTES 64 /* bytes of a "char *" the runtime copies */
#define DC_ARG_TEXT_MAX      256

struct dc_arg {
    const char *label;  /* parameter name, or "argN" (1-based) */
    const char *c_type; /* normalised C type text */
    uint32_t num_bytes;
    bool is_pointer;
};

struct dc_sig {
    uint16_t nargs;
    struct dc_arg *args;
};

/*
 * Normalise C type text in place: whitespace runs become one space, no space at either end,
 * one space before a run of '*', none inside it nor after it ("char*" and "char  *" give
 * "char *", "char * *" gives "char **", "char * const" gives "char *const").
 */
void dc_ctype_normalise(char *s);

/* Bytes the runtime captures for a parameter of this (normalised) type. size is the type's size
 * when known (BTF), else 0 and the type text decides. */
uint32_t dc_arg_num_bytes(const char *c_type, bool is_pointer, uint64_t size);

/* A copy of sig in the arena (NULL when out of memory). */
struct dc_sig *dc_sig_copy(struct dc_arena *a, const struct dc_sig *sig);

#endif
