/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * exclusions.h - functions never to probe, by category name: upstream's exclusion file
 * (a JSON array of {"name": CATEGORY, "functions": [NAME, ...]}, reference 4.4), named with
 * the host file's exclusion_file key. A later entry for the same category replaces the earlier
 * one, as upstream; names holding '/', '\' or a space are skipped with a warning.
 */
#ifndef DC_EXCLUSIONS_H
#define DC_EXCLUSIONS_H

#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "strmap.h"

#define DC_EXCLUSIONS_SIZE_MAX (4u << 20)

struct dc_exclusion_set {
    const char *category;
    struct dc_strmap names;
};

struct dc_exclusions {
    struct dc_exclusion_set *v;
    size_t n;
    struct dc_arena arena;
};

/* Returns 0, or -1 after reporting into d (unreadable or not the expected shape). */
int dc_exclusions_load(const char *path, struct dc_exclusions *ex, struct dc_diag *d);
/*
 * 1 when name, or its base (before '@' or ':'), is excluded from category, or is in the
 * capture's own list (extra, n_extra), else 0.
 */
int dc_exclusions_match(const struct dc_exclusions *ex, const char *category, char *const *extra,
                        size_t n_extra, const char *name);
void dc_exclusions_free(struct dc_exclusions *ex);

#endif
