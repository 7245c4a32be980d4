/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * capture_binary.c - type binary: function symbols of an ELF file.
 *
 * uprobe: every function symbol at its file offset; the probe file names it "name:0xOFFSET"
 * (upstream forces include_offsets for uprobes; so do we, and the regex never sees the offset).
 * Two names at one offset (open and open64) are one probe point: the first name in sorted order
 * keeps it, so a call is not recorded twice. Symbols of the same name at different offsets (local
 * functions of different files) are all kept, as upstream.
 * kprobe (a kernel module): by name, which is how kprobes attach; a name defined twice is
 * ambiguous and kept once; names the running kernel does not list are left out, since the
 * signer refuses them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "discover_int.h"
#include "elfsyms.h"
#include "probefile.h"

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');

    return s ? s + 1 : path;
}

static int is_libc(const char *base)
{
    size_t n = strlen(base);

    return !strncmp(base, "libc.so", 7) ||
           (!strncmp(base, "libc-", 5) && n > 8 && !strcmp(base + n - 3, ".so"));
}

/* Upstream's default filter for Open MPI's library: only the MPI API, not its internals. */
static int is_libmpi(const char *base)
{
    return !strcmp(base, "libmpi.so") || !strncmp(base, "libmpi.so.", 10);
}

static int is_mpi_api(const char *name)
{
    return !strncmp(name, "MPI_", 4) || !strncmp(name, "PMPI_", 5) || !strncmp(name, "MPIX_", 5);
}

/* "fopen@GLIBC_2.1" -> its signature under "fopen". */
static const struct dc_sig *libc_sig(struct dc_sources *s, const char *name)
{
    char base[256];
    size_t n = strcspn(name, "@");
    const struct dc_cdecl *decl;

    if (n >= sizeof(base))
        return NULL;
    memcpy(base, name, n);
    base[n] = '\0';
    decl = dc_cdecls_find(&s->libc_table, base);
    return decl ? decl->sig : NULL;
}

static int uprobes(struct capture_ctx *c, const struct dc_elfsyms *syms, const struct stat *st)
{
    struct dc_category *cat = c->cat;
    const char *base = base_name(cat->binary_path);
    int mpi = is_libmpi(base) && (!c->cap->regex || !strcmp(c->cap->regex, ".*"));
    int libc = is_libc(base) && src_tables(c->src) == 0;
    char key[64];

    if (c->cap->include_offsets == 0)
        dc_diag_info(c->d,
                     "capture %s: include_offsets: false is ignored; uprobes are attached "
                     "by file offset",
                     c->cap->name);
    for (size_t i = 0; i < syms->n; i++) {
        const struct dc_elfsym *s = &syms->v[i];
        int n, rc;

        if (!cap_keep(c, s->name, NULL))
            continue;
        if (mpi && !is_mpi_api(s->name)) {
            c->n_regex++;
            continue;
        }
        n = snprintf(key, sizeof(key), "u:%llx:%llx:%llx", (unsigned long long)st->st_dev,
                     (unsigned long long)st->st_ino, (unsigned long long)s->offset);
        rc = cap_dedup(c, key, (size_t)n);
        if (rc < 0)
            return cap_fail(c, "out of memory");
        if (rc == 0)
            continue;
        if (dc_category_add(cat, s->name, s->offset, 1, libc ? libc_sig(c->src, s->name) : NULL))
            return cap_fail(c, "out of memory");
    }
    if (mpi)
        dc_diag_info(c->d,
                     "capture %s: %s: only MPI_, PMPI_ and MPIX_ functions are taken (no "
                     "regex given)",
                     c->cap->name, base);
    return 0;
}

/* "lustre.ko" -> "lustre"; "nfs-layout.ko" -> "nfs_layout" (the kernel's module name). */
static void module_name(const char *path, char *out, size_t len)
{
    const char *base = base_name(path);
    size_t n = strcspn(base, ".");

    if (n >= len)
        n = len - 1;
    memcpy(out, base, n);
    out[n] = '\0';
    for (char *p = out; *p; p++)
        if (*p == '-')
            *p = '_';
}

static int kprobes(struct capture_ctx *c, const struct dc_elfsyms *syms, const char *path)
{
    struct dc_category *cat = c->cat;
    struct dc_sources *src = c->src;
    struct dc_btf *mbtf = NULL;
    char mod[256], btfpath[512], err[512];
    size_t ambiguous = 0, absent = 0;
    int check = src_kallsyms(src) == 0, rc = 0;
    struct stat st;

    if (!check)
        dc_diag_warn(c->d,
                     "capture %s: cannot check the module's functions against the running "
                     "kernel: %s",
                     c->cap->name, src->ksyms_err);
    module_name(path, mod, sizeof(mod));
    snprintf(btfpath, sizeof(btfpath), "%s/%s", src->btf_dir ? src->btf_dir : "", mod);
    if (src->btf_dir && stat(btfpath, &st) == 0 && src_btf(src) == 0) {
        mbtf = dc_btf_open(btfpath, src->btf, &src->arena, err, sizeof(err));
        if (!mbtf)
            dc_diag_warn(c->d, "capture %s: no argument signatures: %s", c->cap->name, err);
    }
    for (size_t i = 0; i < syms->n; i++) {
        const char *name = syms->v[i].name;
        const struct dc_sig *sig = NULL;
        long pos;
        char key[DC_ELF_NAME_MAX + 8];
        int n, d;

        if (i + 1 < syms->n && !strcmp(syms->v[i + 1].name, name)) {
            ambiguous++;
            continue; /* the last of the run is taken below */
        }
        if (!cap_keep(c, name, NULL))
            continue;
        if (check && !dc_kallsyms_has(&src->ksyms, name, strlen(name))) {
            absent++;
            c->n_other++;
            continue;
        }
        n = snprintf(key, sizeof(key), "k:%s", name);
        d = cap_dedup(c, key, (size_t)n);
        if (d < 0) {
            rc = cap_fail(c, "out of memory");
            break;
        }
        if (d == 0)
            continue;
        if (mbtf && (pos = dc_btf_find(mbtf, name)) >= 0)
            sig = dc_btf_func_sig(mbtf, (size_t)pos);
        if (dc_category_add(cat, name, 0, 0, sig) < 0) {
            rc = cap_fail(c, "out of memory");
            break;
        }
    }
    if (ambiguous)
        dc_diag_info(c->d,
                     "capture %s: %zu names are defined more than once in %s; a kprobe "
                     "attaches by name, so each is taken once",
                     c->cap->name, ambiguous, path);
    if (absent)
        dc_diag_warn(c->d,
                     "capture %s: %zu functions of %s are not in %s (is module %s "
                     "loaded?); they were left out",
                     c->cap->name, absent, path, src->kallsyms_path, mod);
    dc_btf_close(mbtf);
    return rc;
}

int capture_binary(struct capture_ctx *c)
{
    struct dc_category *cat = c->cat;
    struct dc_elfsyms syms;
    char err[512];
    struct stat st;
    char *path;
    int rc;

    path = cap_binary_path(c, c->cap->file, "binary");
    if (!path)
        return -1;
    if (stat(path, &st) < 0) {
        rc = cap_fail(c, "binary %s: %s", path, strerror(errno));
        free(path);
        return rc;
    }
    if (dc_elfsyms_read_file(path, &c->src->arena, &syms, err, sizeof(err)) < 0) {
        rc = cap_fail(c, "cannot read %s: %s", path, err);
        free(path);
        return rc;
    }
    snprintf(cat->source, sizeof(cat->source), "%s (%s%s%s, ELF%u)", path,
             syms.info.have_dynsym ? ".dynsym" : "",
             syms.info.have_dynsym && syms.info.have_symtab ? "+" : "",
             syms.info.have_symtab ? ".symtab" : "", syms.info.elf_class);
    cat->candidates = syms.n;
    if (syms.n == 0) {
        rc = cap_fail(c, "%s has no function symbols%s", path,
                      syms.info.have_symtab || syms.info.have_dynsym ? "" : " (it is stripped)");
        dc_elfsyms_free(&syms);
        free(path);
        return rc;
    }
    if (syms.info.skipped_offset)
        dc_diag_info(c->d, "capture %s: %u symbols of %s point outside their section; skipped",
                     c->cap->name, syms.info.skipped_offset, path);
    if (c->cap->probe == DC_PF_UPROBE) {
        cat->binary_path = path;
        rc = uprobes(c, &syms, &st);
    } else {
        rc = kprobes(c, &syms, path);
        free(path);
    }
    dc_elfsyms_free(&syms);
    return rc;
}
