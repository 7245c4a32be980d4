/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * capture_header.c - type header: the functions a C header declares (read without a compiler,
 * cdecl.h), kept when the kernel has them. Syscall headers are served from BTF when the header
 * cannot be read (compute nodes seldom have kernel headers); for kprobes the message says to
 * use type btf with a regex instead.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "knames.h"
#include "probefile.h"

int capture_header(struct capture_ctx *c)
{
    struct dc_sources *s = c->src;
    struct dc_cdecls hd = {.arena = &s->arena};
    struct names l = {0};
    int readable, e, have_btf, have_ksyms, rc;

    readable = dc_cdecls_scan_file(&hd, c->cap->file) == 0;
    e = errno;
    have_btf = src_btf(s) == 0;
    if (c->cap->probe == DC_PF_SYSCALLS) {
        if (!have_btf) {
            dc_cdecls_free(&hd);
            return cap_fail(c, "%s; syscall captures need the kernel's BTF", s->btf_err);
        }
        if (!readable)
            dc_diag_info(c->d,
                         "capture %s: header %s not read (%s): the syscalls come from the "
                         "kernel's BTF",
                         c->cap->name, c->cap->file, strerror(e));
        snprintf(c->cat->source, sizeof(c->cat->source), "%s%s%s", dc_btf_path(s->btf),
                 readable ? " + " : " (header not read)", readable ? c->cap->file : "");
        rc = btf_syscalls(c, readable ? &hd : NULL, readable);
        dc_cdecls_free(&hd);
        return rc;
    }
    if (!readable) {
        dc_cdecls_free(&hd);
        return cap_fail(c,
                        "cannot read header %s: %s; kernel headers are not needed: use "
                        "'type: btf' with a 'regex' to take kernel functions from the running "
                        "kernel's BTF (or 'type: ksym')",
                        c->cap->file, strerror(e));
    }
    have_ksyms = src_kallsyms(s) == 0;
    if (!have_btf && !have_ksyms) {
        dc_cdecls_free(&hd);
        return cap_fail(c, "cannot tell which of the header's functions the kernel has: %s; %s",
                        s->btf_err, s->ksyms_err);
    }
    snprintf(c->cat->source, sizeof(c->cat->source), "%s", c->cap->file);
    c->cat->candidates = hd.n;
    for (size_t i = 0; i < hd.n; i++) {
        const char *name = hd.v[i].name;

        if (!cap_keep(c, name, NULL))
            continue;
        if ((have_btf && dc_btf_find(s->btf, name) < 0) ||
            (have_ksyms && !dc_kallsyms_has(&s->ksyms, name, strlen(name)))) {
            c->n_other++;
            continue;
        }
        if (names_push(&l, name) < 0) {
            free(l.v);
            dc_cdecls_free(&hd);
            return cap_fail(c, "out of memory");
        }
    }
    rc = names_add_sorted(c, &l, "k", sig_kernel, &hd);
    free(l.v);
    dc_cdecls_free(&hd);
    return rc;
}
