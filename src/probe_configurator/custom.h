/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * custom.h - custom captures: a site's own BPF program, described by a JSON list of the
 * functions it handles (upstream reference 4.2): [{"functions": ["openat", ...]}, ...]. Other
 * keys of the objects are ignored, as upstream. Whether a custom probe may be signed is the
 * signer's decision (admin_group), not ours.
 */
#ifndef DC_CUSTOM_H
#define DC_CUSTOM_H

#include <stddef.h>

#include "arena.h"

#define DC_CUSTOM_SIZE_MAX (4u << 20)

/*
 * The functions of the probes file, in file order, duplicates removed. Returns 0 with *names
 * (malloc'ed array of arena strings) and *n, or -1 with the reason in err.
 */
int dc_custom_functions(const char *path, struct dc_arena *a, const char ***names, size_t *n,
                        char *err, size_t errlen);

#endif
