/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * discover.h - from the host file's captures to categories.
 *
 * Each capture runs through its source module (ELF symbols, USDT notes, kallsyms, BTF, a
 * header, a custom list), then the same steps in the same order, in config order, so the same
 * inputs always give the same categories, byte for byte: the regex (on the name, never the
 * offset), the MPI default filter, syscall name normalisation, exclusions, sorting (not for
 * custom), deduplication against the captures before it, argument signatures, validation.
 * A capture that fails (a missing or malformed file, nothing matched) is reported and left
 * out; the others go on.
 */
#ifndef DC_DISCOVER_H
#define DC_DISCOVER_H

#include <pthread.h>
#include <stddef.h>

#include "arena.h"
#include "btf.h"
#include "category.h"
#include "cdecl.h"
#include "diag.h"
#include "exclusions.h"
#include "hostconf.h"
#include "kallsyms.h"

/* Where discovery reads the system from; loaded on first use, at most once. */
struct dc_sources {
    const char *kallsyms_path; /* DC_KALLSYMS_PATH unless a test or --kallsyms says */
    const char *btf_path;      /* DC_BTF_VMLINUX unless --kernel-btf says */
    const char *btf_dir;       /* module BTF directory, NULL: do not look */
    const char *reuse_path;    /* the previous output, for enable_explorer: false */

    /* Filled in as needed. */
    struct dc_arena arena;
    struct dc_kallsyms ksyms;
    int ksyms_state; /* 0 not tried, 1 loaded, -1 failed (reason in ksyms_err) */
    char ksyms_err[512];
    pthread_t ksyms_thread; /* loading kallsyms ahead, while BTF is parsed */
    int ksyms_loading;
    int ksyms_result;
    struct dc_btf *btf;
    int btf_state;
    char btf_err[512];
    struct dc_cdecls sys_table, libc_table;
    int tables_state;
};

void dc_sources_init(struct dc_sources *s);
/*
 * Start reading /proc/kallsyms in a thread when a capture of hc will need it: the kernel takes
 * tens of milliseconds to produce it, time better spent parsing BTF meanwhile.
 */
void dc_sources_prefetch(struct dc_sources *s, const struct dc_hostconf *hc);
void dc_sources_free(struct dc_sources *s);

struct dc_invalid {
    size_t capture;
    unsigned line;
    const char *name; /* borrowed from the host config */
    char *why;
};

struct dc_discovery {
    struct dc_category *cats; /* valid categories, in capture order */
    size_t ncats;
    struct dc_invalid *invalid; /* captures left out, in capture order */
    size_t ninvalid;
    size_t total; /* functions the runtime attaches (custom categories excluded) */
};

typedef void (*dc_progress_fn)(void *ctx, size_t done, size_t total, const char *name);

enum dc_discover_status {
    DC_DISCOVER_OK = 0,
    DC_DISCOVER_CONFIG = -1, /* a regex or the exclusion file is invalid (nothing ran) */
    DC_DISCOVER_FAILED = -2, /* out of memory */
};

/*
 * Run every capture of hc. Captures that fail land in out->invalid with the reason (also
 * reported as an error into d). progress may be NULL.
 */
enum dc_discover_status dc_discover(const struct dc_hostconf *hc, struct dc_sources *src,
                                    struct dc_discovery *out, struct dc_diag *d,
                                    dc_progress_fn progress, void *progress_ctx);
void dc_discovery_free(struct dc_discovery *r);

#endif
