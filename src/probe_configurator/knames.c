/* SPDX-License-Identifier: BSD-3-Clause */
/* knames.c - candidate name lists and syscall names of the kernel captures (see knames.h). */
#include "knames.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probefile.h"

#define KEY_MAX 1100

static const char *const wrapper_prefixes[] = {
    "__x64_sys_", "__arm64_sys_", "__s390x_sys_", "__riscv_sys_", "__powerpc_sys_", "sys_",
};

static int cmp_name(const void *a, const void *b)
{
    return strcmp(((const struct name *)a)->name, ((const struct name *)b)->name);
}

int names_push_sig(struct names *l, const char *s, const struct dc_sig *sig)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        struct name *v = realloc(l->v, cap * sizeof(*v));

        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = (struct name){s, sig, 1, 0};
    return 0;
}

int names_push(struct names *l, const char *s)
{
    if (names_push_sig(l, s, NULL) < 0)
        return -1;
    l->v[l->n - 1].sig_done = 0;
    return 0;
}

/* Sort, drop repeats, deduplicate against earlier captures (prefix "k:" or "s:"), add. */
int names_add_sorted(struct capture_ctx *c, struct names *l, const char *kind, sig_fn sig,
                     void *arg)
{
    char key[KEY_MAX];
    size_t klen = strlen(kind);

    qsort(l->v, l->n, sizeof(*l->v), cmp_name);
    if (dc_strmap_reserve(c->dedup, c->dedup->n + l->n) < 0)
        return cap_fail(c, "out of memory");
    memcpy(key, kind, klen);
    key[klen++] = ':';
    for (size_t i = 0; i < l->n; i++) {
        const struct name *e = &l->v[i];
        size_t n = strlen(e->name);
        int d;

        if (i > 0 && !strcmp(e->name, l->v[i - 1].name))
            continue;
        if (klen + n >= sizeof(key)) {
            c->n_other++;
            continue;
        }
        memcpy(key + klen, e->name, n);
        d = cap_dedup(c, key, klen + n);
        if (d < 0)
            return cap_fail(c, "out of memory");
        if (d == 0)
            continue;
        if (dc_category_add(c->cat, e->name, 0, 0,
                            e->sig_done ? e->sig
                            : sig       ? sig(c, e->name, arg)
                                        : NULL) < 0)
            return cap_fail(c, "out of memory");
    }
    return 0;
}

/* The registers a syscall wrapper takes (SYSCALL_DEFINE0's "const struct pt_regs *"), not
 * the syscall's own arguments. */
static int wrapper_sig(const struct dc_sig *sig)
{
    for (uint16_t i = 0; sig && i < sig->nargs; i++)
        if (sig->args[i].c_type && strstr(sig->args[i].c_type, "struct pt_regs"))
            return 1;
    return 0;
}

const struct dc_sig *syscall_sig(struct dc_sources *s, const struct dc_cdecls *header,
                                 const char *name)
{
    static const char *const btf_forms[] = {"__do_sys_", "__se_sys_"};
    char buf[KEY_MAX];
    const struct dc_cdecl *decl;
    long pos;

    snprintf(buf, sizeof(buf), "sys_%s", name);
    if (header && (decl = dc_cdecls_find(header, buf)) && decl->sig)
        return decl->sig;
    for (size_t i = 0; s->btf && i < 2; i++) {
        snprintf(buf, sizeof(buf), "%s%s", btf_forms[i], name);
        if ((pos = dc_btf_find(s->btf, buf)) >= 0 &&
            !wrapper_sig(dc_btf_func_sig(s->btf, (size_t)pos)))
            return dc_btf_func_sig(s->btf, (size_t)pos);
    }
    snprintf(buf, sizeof(buf), "sys_%s", name);
    if (src_tables(s) == 0 && (decl = dc_cdecls_find(&s->sys_table, buf)) && decl->sig)
        return decl->sig;
    snprintf(buf, sizeof(buf), "ksys_%s", name);
    if (s->btf && (pos = dc_btf_find(s->btf, buf)) >= 0)
        return dc_btf_func_sig(s->btf, (size_t)pos);
    return NULL;
}

const struct dc_sig *sig_syscall(struct capture_ctx *c, const char *name, void *header)
{
    return syscall_sig(c->src, header, name);
}

const struct dc_sig *sig_kernel(struct capture_ctx *c, const char *name, void *header)
{
    long pos = c->src->btf ? dc_btf_find(c->src->btf, name) : -1;
    const struct dc_cdecl *decl;

    if (pos >= 0)
        return dc_btf_func_sig(c->src->btf, (size_t)pos);
    if (header && (decl = dc_cdecls_find(header, name)) && decl->sig)
        return decl->sig;
    return NULL;
}

/* "__x64_sys_read" -> "read"; NULL when the name is not a syscall entry point. */
const char *strip_syscall(const char *name)
{
    for (size_t i = 0; i < sizeof(wrapper_prefixes) / sizeof(wrapper_prefixes[0]); i++) {
        size_t n = strlen(wrapper_prefixes[i]);

        if (!strncmp(name, wrapper_prefixes[i], n) && name[n])
            return name + n;
    }
    return NULL;
}

/* One syscall entry point (bare name) for the capture, unless the filters drop it. 0, or -1
 * when out of memory. */
static int consider(struct capture_ctx *c, struct names *l, const char *bare,
                    const struct dc_cdecls *header, int only_header)
{
    char alt[KEY_MAX];

    if (!strcmp(bare, "ni_syscall"))
        return 0;
    c->cat->candidates++;
    snprintf(alt, sizeof(alt), "sys_%s", bare);
    if (only_header && !dc_cdecls_find(header, alt)) {
        c->n_other++;
        return 0;
    }
    if (!cap_keep(c, bare, alt))
        return 0;
    return names_push(l, bare);
}

/*
 * The kernel's syscalls, optionally only those header declares. BTF names the entry points and
 * their arguments; where /proc/kallsyms can be read, it decides which the running kernel has:
 * an entry point BTF describes and kallsyms does not is a stub of a feature built out (the
 * signer would refuse it). One that kallsyms lists and BTF does not describe (SYSCALL_DEFINE0:
 * sync, getpid) is left out: the signer under its unit sees BTF only (kallsyms is hidden there)
 * and would refuse the whole file over it.
 */
int btf_syscalls(struct capture_ctx *c, const struct dc_cdecls *header, int only_header)
{
    struct dc_sources *s = c->src;
    const char *prefix = dc_btf_syscall_prefix(s->btf);
    size_t plen = strlen(prefix), nb = dc_btf_nfuncs(s->btf);
    struct names l = {0};
    unsigned char *present = NULL;
    size_t listed = 0;
    int check = src_kallsyms(s) == 0, rc = -1;

    /* A kallsyms without any entry point of this prefix (another architecture's, a test's)
     * cannot tell. */
    for (size_t k = 0; check && k < s->ksyms.n && !listed; k++)
        listed = !s->ksyms.v[k].module && s->ksyms.v[k].len > plen &&
                 strncmp(s->ksyms.v[k].name, prefix, plen) == 0;
    check = check && listed;
    if (check && !(present = calloc(nb + 1, 1)))
        return cap_fail(c, "out of memory");
    for (size_t k = 0; check && k < s->ksyms.n; k++) {
        const struct dc_ksym *y = &s->ksyms.v[k];
        long pos;

        if (y->module || y->len <= plen || strncmp(y->name, prefix, plen) != 0)
            continue;
        if ((pos = dc_btf_find_len(s->btf, y->name, y->len)) >= 0)
            present[pos] = 1;
    }
    for (size_t i = 0; i < nb; i++) {
        const char *name = dc_btf_func_name(s->btf, i);

        if (strncmp(name, prefix, plen) != 0 || !name[plen])
            continue;
        if (check && !present[i]) {
            c->n_other++;
            continue;
        }
        if (consider(c, &l, name + plen, header, only_header) < 0)
            goto oom;
    }
    rc = names_add_sorted(c, &l, "s", sig_syscall, (void *)(uintptr_t)header);
    free(l.v);
    free(present);
    return rc;
oom:
    free(l.v);
    free(present);
    return cap_fail(c, "out of memory");
}
