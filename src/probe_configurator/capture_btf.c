/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * capture_btf.c - type btf: the running kernel's BTF (or --kernel-btf). With probe syscalls,
 * its syscall entry points; with probe kprobe, its functions that /proc/kallsyms lists (a
 * function BTF describes but kallsyms does not was inlined or discarded: nothing to attach).
 * The argument signatures come from the same BTF.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "knames.h"
#include "probefile.h"

int capture_btf(struct capture_ctx *c)
{
    struct dc_sources *s = c->src;
    struct names l = {0};
    size_t w = 0;
    int check, rc;

    if (src_btf(s) < 0)
        return cap_fail(c, "%s; use type: ksym to choose kernel functions from %s instead",
                        s->btf_err, s->kallsyms_path);
    snprintf(c->cat->source, sizeof(c->cat->source), "%s", dc_btf_path(s->btf));
    if (c->cap->probe == DC_PF_SYSCALLS)
        return btf_syscalls(c, NULL, 0);
    c->cat->candidates = dc_btf_nfuncs(s->btf);
    /* Filters and signatures first: /proc/kallsyms is still being read meanwhile. */
    for (size_t i = 0; i < dc_btf_nfuncs(s->btf); i++) {
        const char *name = dc_btf_func_name(s->btf, i);

        if (!cap_keep(c, name, NULL))
            continue;
        if (names_push_sig(&l, name, dc_btf_func_sig(s->btf, i)) < 0) {
            free(l.v);
            return cap_fail(c, "out of memory");
        }
        l.v[l.n - 1].idx = i;
    }
    check = src_kallsyms(s) == 0;
    if (!check)
        dc_diag_warn(c->d,
                     "capture %s: the functions cannot be checked against the running "
                     "kernel: %s",
                     c->cap->name, s->ksyms_err);
    /*
     * A function BTF knows but kallsyms does not was inlined or discarded: no kprobe. Each
     * kallsyms name is looked up among the BTF functions (a smaller table than kallsyms).
     */
    if (check) {
        unsigned char *present = calloc(dc_btf_nfuncs(s->btf) + 1, 1);

        if (!present) {
            free(l.v);
            return cap_fail(c, "out of memory");
        }
        for (size_t k = 0; k < s->ksyms.n; k++) {
            long pos = dc_btf_find_len(s->btf, s->ksyms.v[k].name, s->ksyms.v[k].len);

            if (pos >= 0)
                present[pos] = 1;
        }
        for (size_t i = 0; i < l.n; i++) {
            if (present[l.v[i].idx])
                l.v[w++] = l.v[i];
            else
                c->n_other++;
        }
        l.n = w;
        free(present);
    }
    rc = names_add_sorted(c, &l, "k", NULL, NULL);
    free(l.v);
    return rc;
}
