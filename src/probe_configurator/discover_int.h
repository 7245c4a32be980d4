/* SPDX-License-Identifier: BSD-3-Clause */
/* discover_int.h - what the discovery steps share; not used outside discovery. */
#ifndef DC_DISCOVER_INT_H
#define DC_DISCOVER_INT_H

#include <stddef.h>
#include <stdio.h>

#include "discover.h"
#include "regex.h"

struct capture_ctx {
    const struct dc_capture *cap;
    struct dc_sources *src;
    struct dc_diag *d;
    struct dc_regex *full;   /* the capture's regex, NULL when none */
    struct dc_regex *search; /* ksym's case-sensitive search pass */
    const struct dc_exclusions *ex;
    struct dc_strmap *dedup; /* keys of every function taken so far */
    struct dc_arena *arena;
    struct dc_category *cat; /* being filled */
    char why[1024];          /* why the capture is invalid, when it is */
    /* For the messages of a capture that matched nothing. */
    size_t n_regex, n_excluded, n_duplicate, n_other;
    int regex_gave_up;
};

/* Fail the capture: the reason becomes its entry in the invalid list. Returns -1. */
int cap_fail(struct capture_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * The filters every name goes through: 1 to keep, 0 to drop (counted). alt is a second name
 * the regex may match instead ("sys_read" for the syscall "read"), or NULL.
 */
int cap_keep(struct capture_ctx *c, const char *name, const char *alt);
/* 1 when key was not taken by an earlier function (and now is), 0 when it was, -1 memory. */
int cap_dedup(struct capture_ctx *c, const char *key, size_t len);

/* Sources shared by captures, loaded once: 0 or -1 with the reason in the sources. */
int src_kallsyms(struct dc_sources *s);
int src_btf(struct dc_sources *s);
int src_tables(struct dc_sources *s);

/* An absolute path without symbolic links; NULL (with cap_fail) when the file is missing. */
char *cap_realpath(struct capture_ctx *c, const char *path, const char *what);
/* The same for an ELF file, which may also be a bare library name ("libc.so.6") that is looked
 * up where the dynamic loader finds it (common/libpath.h). */
char *cap_binary_path(struct capture_ctx *c, const char *path, const char *what);

/* The source modules: fill c->cat->fns (and binary_path etc.), or cap_fail. */
int capture_binary(struct capture_ctx *c);
int capture_usdt(struct capture_ctx *c);
int capture_custom(struct capture_ctx *c);
int capture_ksym(struct capture_ctx *c);
int capture_btf(struct capture_ctx *c);
int capture_header(struct capture_ctx *c);
int capture_reuse(struct capture_ctx *c); /* 1 reused, 0 nothing to reuse, -1 failed */

/* The signature of syscall name (bare, "read"): header (may be NULL), BTF, built-in table. */
const struct dc_sig *syscall_sig(struct dc_sources *s, const struct dc_cdecls *header,
                                 const char *name);

#endif
