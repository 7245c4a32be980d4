/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * capture_custom.c - type custom: a site's own BPF program and the functions it handles, as
 * upstream: the three files must exist, the functions keep their file order. Deduplication is
 * per BPF program: a custom probe named like a syscall is not the syscall.
 */
#include <stdlib.h>
#include <string.h>

#include "custom.h"
#include "discover_int.h"
#include "probefile.h"

int capture_custom(struct capture_ctx *c)
{
    struct dc_category *cat = c->cat;
    const char **names = NULL;
    char err[512], *probes;
    size_t n;
    int rc = -1;

    cat->bpf_path = cap_realpath(c, c->cap->file, "custom BPF file");
    if (!cat->bpf_path)
        return -1;
    cat->process_header = cap_realpath(c, c->cap->process_header, "custom process header");
    if (!cat->process_header)
        return -1;
    probes = cap_realpath(c, c->cap->probes, "custom probe file");
    if (!probes)
        return -1;
    cat->start_event_id = c->cap->start_event_id;
    cat->event_type = c->cap->event_type;
    snprintf(cat->source, sizeof(cat->source), "%s", probes);
    if (dc_custom_functions(probes, &c->src->arena, &names, &n, err, sizeof(err)) < 0) {
        rc = cap_fail(c, "%s", err);
        goto cleanup;
    }
    cat->candidates = n;
    for (size_t i = 0; i < n; i++) {
        char key[4200 + 4096];
        int k, d;

        if (!cap_keep(c, names[i], NULL))
            continue;
        k = snprintf(key, sizeof(key), "c:%s:%s", cat->bpf_path, names[i]);
        if (k < 0 || (size_t)k >= sizeof(key))
            continue;
        d = cap_dedup(c, key, (size_t)k);
        if (d < 0 || (d && dc_category_add(cat, names[i], 0, 0, NULL) < 0)) {
            rc = cap_fail(c, "out of memory");
            goto cleanup;
        }
    }
    rc = 0;
cleanup:
    free(names);
    free(probes);
    return rc;
}
