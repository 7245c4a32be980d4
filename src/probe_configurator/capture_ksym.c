/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * capture_ksym.c - type ksym: the kernel's text symbols in /proc/kallsyms that the regex finds.
 * As upstream, the regex first searches each name case-sensitively, then must match it whole
 * (case-insensitively, like every capture). With probe syscalls, entry points lose their
 * prefix ("__x64_sys_read" becomes "read") and other symbols are left out.
 */
#include <stdio.h>
#include <stdlib.h>

#include "knames.h"
#include "probefile.h"

int capture_ksym(struct capture_ctx *c)
{
    struct dc_sources *s = c->src;
    struct names l = {0};
    int syscalls = c->cap->probe == DC_PF_SYSCALLS, rc;

    if (src_kallsyms(s) < 0)
        return cap_fail(c, "cannot read the kernel's symbols: %s", s->ksyms_err);
    if (src_btf(s) < 0)
        dc_diag_info(c->d, "capture %s: no argument signatures: %s", c->cap->name, s->btf_err);
    snprintf(c->cat->source, sizeof(c->cat->source), "%s", s->kallsyms_path);
    c->cat->candidates = s->ksyms.n;
    for (size_t i = 0; i < s->ksyms.n; i++) {
        const char *name = s->ksyms.v[i].name;

        if (!cap_keep(c, name, NULL))
            continue;
        if (syscalls && !(name = strip_syscall(name))) {
            c->n_other++;
            continue;
        }
        if (names_push(&l, name) < 0) {
            free(l.v);
            return cap_fail(c, "out of memory");
        }
    }
    rc = names_add_sorted(c, &l, syscalls ? "s" : "k", syscalls ? sig_syscall : sig_kernel, NULL);
    free(l.v);
    return rc;
}
