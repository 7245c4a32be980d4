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

#define DC_ARG_MAX 16 /* specs per function (the signer's limit) */
/* Bytes of a "char *" the runtime shows (num_bytes): by default, and at most (the reference
 * runtime's DC_STR_MAX, src/runtime/event.h; longer strings are cut there and marked). */
#define DC_ARG_CAPTURE_BYTES 255
#define DC_ARG_CAPTURE_MAX   255
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

/* 1 when a parameter of this (normalised) type is a string the runtime copies ("char *"). */
int dc_arg_is_string(const char *c_type, bool is_pointer);

/*
 * How many bytes of string arguments a capture shows (its string_bytes key,
 * datacrumbs-host.yaml(5)): fn "*" is every function, arg NULL every string argument of fn,
 * else the argument of that label or (decimal) index.
 */
struct dc_strbytes {
    char *fn;
    char *arg;
    unsigned bytes;
};

/* The bytes rules give argument index (label) of function fn (a symbol, perhaps versioned):
 * the most specific rule, else DC_ARG_CAPTURE_BYTES. */
unsigned dc_strbytes_for(const struct dc_strbytes *rules, size_t n, const char *fn, unsigned index,
                         const char *label);

/* A copy of sig in the arena (NULL when out of memory). */
struct dc_sig *dc_sig_copy(struct dc_arena *a, const struct dc_sig *sig);

#endif
