/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * elfsyms.c - function symbols of an ELF file with libelf (see elfsyms.h).
 *
 * libelf converts byte order and class for us (gelf_*), and gelf_getsym/gelf_getversym/
 * gelf_getverdef check record positions against the section data it returns; what it does not
 * check is ours: section ranges against the file size, entry sizes, sh_link targets, symbol
 * addresses against their section, string contents and version records that loop.
 */
#include "elfsyms.h"

#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elfopen.h"

#define SECTIONS_MAX (1u << 20)
#define VERSIONS_MAX 4096
#define SYMBOLS_MAX  (16u << 20)

struct version {
    unsigned ndx;
    const char *name; /* in the ELF's string table (libelf memory) */
};

struct reader {
    Elf *e;
    uint64_t fsize;
    GElf_Ehdr eh;
    GElf_Shdr *sh; /* every section header */
    size_t shnum;
    struct version ver[VERSIONS_MAX];
    size_t nver;
    struct dc_arena *arena;
    struct dc_elfsyms *out;
    char *err;
    size_t errlen;
};

static int fail(struct reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct reader *r, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(r->err, r->errlen, fmt, ap);
    va_end(ap);
    return -1;
}

const char *dc_elf_compression(const unsigned char *h, size_t len)
{
    if (len >= 6 && !memcmp(h,
                            "\xfd"
                            "7zXZ\0",
                            6))
        return "xz";
    if (len >= 4 && !memcmp(h, "\x28\xb5\x2f\xfd", 4))
        return "zstd";
    if (len >= 2 && h[0] == 0x1f && h[1] == 0x8b)
        return "gzip";
    return NULL;
}

/* The section's bytes lie inside the file (SHT_NOBITS has none). */
static int section_in_file(const struct reader *r, const GElf_Shdr *s)
{
    if (s->sh_type == SHT_NOBITS)
        return 1;
    return s->sh_offset <= r->fsize && s->sh_size <= r->fsize - s->sh_offset;
}

static int load_headers(struct reader *r)
{
    const char *ident;
    size_t n, i;

    if (elf_kind(r->e) == ELF_K_AR)
        return fail(r, "an ar archive (a static library), not a shared library or executable");
    if (elf_kind(r->e) != ELF_K_ELF)
        return fail(r, "not an ELF file");
    ident = elf_getident(r->e, &n);
    if (!ident || n < EI_NIDENT)
        return fail(r, "truncated ELF identification");
    if (ident[EI_CLASS] != ELFCLASS32 && ident[EI_CLASS] != ELFCLASS64)
        return fail(r, "unsupported ELF class %u", (unsigned)(unsigned char)ident[EI_CLASS]);
    if (ident[EI_DATA] != ELFDATA2LSB && ident[EI_DATA] != ELFDATA2MSB)
        return fail(r, "unsupported ELF byte order %u", (unsigned)(unsigned char)ident[EI_DATA]);
    if (!gelf_getehdr(r->e, &r->eh))
        return fail(r, "bad ELF header: %s", elf_errmsg(-1));
    r->out->info.elf_class = ident[EI_CLASS] == ELFCLASS32 ? 32 : 64;
    r->out->info.type = r->eh.e_type;
    r->out->info.machine = r->eh.e_machine;
    if (r->eh.e_type != ET_EXEC && r->eh.e_type != ET_DYN && r->eh.e_type != ET_REL)
        return fail(r, "ELF type %u is not an executable, a shared library or a kernel module",
                    (unsigned)r->eh.e_type);
    if (elf_getshdrnum(r->e, &r->shnum) < 0)
        return fail(r, "bad section header table: %s", elf_errmsg(-1));
    if (r->shnum == 0)
        return fail(r, "no section headers");
    if (r->shnum > SECTIONS_MAX)
        return fail(r, "%zu sections is more than this reader accepts", r->shnum);
    r->sh = calloc(r->shnum, sizeof(*r->sh));
    if (!r->sh)
        return fail(r, "out of memory");
    for (i = 0; i < r->shnum; i++) {
        Elf_Scn *scn = elf_getscn(r->e, i);

        if (!scn || !gelf_getshdr(scn, &r->sh[i]))
            return fail(r, "bad section header %zu: %s", i, elf_errmsg(-1));
    }
    return 0;
}

/* The data of a section that must be in the file. NULL (reported) otherwise. */
static Elf_Data *section_data(struct reader *r, size_t idx, const char *what)
{
    Elf_Scn *scn;
    Elf_Data *d;

    if (idx == 0 || idx >= r->shnum) {
        fail(r, "%s: section index %zu is out of range", what, idx);
        return NULL;
    }
    if (!section_in_file(r, &r->sh[idx])) {
        fail(r, "%s: section %zu lies outside the file", what, idx);
        return NULL;
    }
    scn = elf_getscn(r->e, idx);
    d = scn ? elf_getdata(scn, NULL) : NULL;
    if (!d || (!d->d_buf && d->d_size)) {
        fail(r, "%s: section %zu cannot be read: %s", what, idx, elf_errmsg(-1));
        return NULL;
    }
    return d;
}

/* A string of a SHT_STRTAB section, NUL-terminated inside it, or NULL. */
static const char *string_at(struct reader *r, size_t strndx, size_t off)
{
    if (strndx == 0 || strndx >= r->shnum || r->sh[strndx].sh_type != SHT_STRTAB ||
        !section_in_file(r, &r->sh[strndx]) || off >= r->sh[strndx].sh_size)
        return NULL;
    /* elf_strptr checks the offset against the data and that a NUL ends the string. */
    return elf_strptr(r->e, strndx, off);
}

/* Version definitions: index -> name. A bad table only loses the versions. */
static void load_versions(struct reader *r, size_t idx)
{
    Elf_Data *d = section_data(r, idx, ".gnu.version_d");
    size_t off = 0;

    r->err[0] = '\0';
    if (!d)
        return;
    for (unsigned k = 0; k < VERSIONS_MAX && k < r->sh[idx].sh_info; k++) {
        GElf_Verdef vd;
        GElf_Verdaux aux;
        const char *name;

        if (off > d->d_size || !gelf_getverdef(d, (int)off, &vd))
            break;
        if (vd.vd_cnt >= 1 && off + vd.vd_aux <= d->d_size && off + vd.vd_aux >= off &&
            gelf_getverdaux(d, (int)(off + vd.vd_aux), &aux) &&
            (name = string_at(r, r->sh[idx].sh_link, aux.vda_name)) != NULL &&
            r->nver < VERSIONS_MAX) {
            r->ver[r->nver].ndx = vd.vd_ndx & 0x7fff;
            r->ver[r->nver].name = name;
            r->nver++;
        }
        if (vd.vd_next == 0 || off + vd.vd_next <= off || off + vd.vd_next > d->d_size)
            break;
        off += vd.vd_next;
    }
    r->out->info.have_versions = r->nver > 0;
}

static const char *version_name(const struct reader *r, unsigned ndx)
{
    for (size_t i = 0; i < r->nver; i++)
        if (r->ver[i].ndx == ndx)
            return r->ver[i].name;
    return NULL;
}

static int printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f || *s == ':')
            return 0;
    return 1;
}

static int push(struct reader *r, const char *name, size_t nlen, uint64_t off, unsigned dynamic)
{
    struct dc_elfsyms *o = r->out;
    char *copy;

    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 256;
        struct dc_elfsym *v;

        if (cap > SYMBOLS_MAX)
            return fail(r, "more than %u function symbols", SYMBOLS_MAX);
        v = realloc(o->v, cap * sizeof(*v));
        if (!v)
            return fail(r, "out of memory");
        o->v = v;
        o->cap = cap;
    }
    copy = dc_arena_strndup(r->arena, name, nlen);
    if (!copy)
        return fail(r, "out of memory");
    o->v[o->n++] = (struct dc_elfsym){copy, off, dynamic};
    return 0;
}

static int read_table(struct reader *r, size_t idx, size_t versym_idx, size_t xndx_idx)
{
    const GElf_Shdr *s = &r->sh[idx];
    int dynamic = s->sh_type == SHT_DYNSYM;
    const char *what = dynamic ? ".dynsym" : ".symtab";
    size_t entsize = gelf_fsize(r->e, ELF_T_SYM, 1, EV_CURRENT), count, nversym = 0;
    Elf_Data *d, *vd = NULL, *xd = NULL;
    char display[DC_ELF_NAME_MAX + 256];

    if (s->sh_entsize != entsize)
        return fail(r, "%s: entry size %llu, expected %zu", what, (unsigned long long)s->sh_entsize,
                    entsize);
    if (!(d = section_data(r, idx, what)))
        return -1;
    if (s->sh_link == 0 || s->sh_link >= r->shnum || r->sh[s->sh_link].sh_type != SHT_STRTAB ||
        !section_in_file(r, &r->sh[s->sh_link]))
        return fail(r, "%s: its string table (section %u) is missing or invalid", what,
                    (unsigned)s->sh_link);
    count = d->d_size / entsize;
    if (versym_idx) {
        vd = section_data(r, versym_idx, ".gnu.version");
        nversym = vd ? vd->d_size / 2 : 0;
        if (nversym != count)
            vd = NULL; /* does not describe this table: names stay unversioned */
        r->err[0] = '\0';
    }
    if (xndx_idx) {
        xd = section_data(r, xndx_idx, ".symtab_shndx");
        r->err[0] = '\0';
    }
    for (size_t i = 1; i < count; i++) {
        GElf_Sym sym;
        Elf32_Word xndx = 0;
        const char *name;
        size_t shndx, nlen;
        uint64_t rel, off;
        const GElf_Shdr *sec;

        if (!gelf_getsymshndx(d, xd, (int)i, &sym, &xndx))
            break;
        if (GELF_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_shndx == SHN_UNDEF)
            continue;
        shndx = sym.st_shndx == SHN_XINDEX ? (xd ? xndx : 0) : sym.st_shndx;
        if (sym.st_shndx >= SHN_LORESERVE && sym.st_shndx != SHN_XINDEX)
            continue; /* absolute or common: no code in the file */
        name = string_at(r, s->sh_link, sym.st_name);
        nlen = name ? strlen(name) : 0;
        if (!name || nlen == 0 || nlen > DC_ELF_NAME_MAX || !printable(name)) {
            r->out->info.skipped_name++;
            continue;
        }
        /* Where the code is: inside its section, inside the file. */
        if (shndx == 0 || shndx >= r->shnum) {
            r->out->info.skipped_offset++;
            continue;
        }
        sec = &r->sh[shndx];
        if (sec->sh_type == SHT_NOBITS || !section_in_file(r, sec)) {
            r->out->info.skipped_offset++;
            continue;
        }
        if (r->eh.e_type == ET_REL) {
            rel = sym.st_value;
        } else {
            if (sym.st_value < sec->sh_addr) {
                r->out->info.skipped_offset++;
                continue;
            }
            rel = sym.st_value - sec->sh_addr;
        }
        if (rel >= sec->sh_size) {
            r->out->info.skipped_offset++;
            continue;
        }
        off = sec->sh_offset + rel;
        /* The display name: default versions bare, other versions "name@VERSION". */
        memcpy(display, name, nlen + 1);
        if (!dynamic) {
            char *at = strstr(display, "@@");

            if (at) {
                *at = '\0';
                nlen = (size_t)(at - display);
            }
        } else if (vd && !strchr(display, '@')) {
            GElf_Versym v;

            if (gelf_getversym(vd, (int)i, &v) && (v & 0x7fff) >= 2) {
                const char *vname = version_name(r, v & 0x7fff);

                if (!vname)
                    r->out->info.skipped_version++;
                else if ((v & 0x8000) && strlen(vname) < 250 && printable(vname))
                    nlen += (size_t)snprintf(display + nlen, sizeof(display) - nlen, "@%s", vname);
            }
        }
        if (nlen == 0 || !strcmp(display, "_init") || !strcmp(display, "_fini") ||
            !strcmp(display, "_start"))
            continue;
        if (push(r, display, nlen, off, dynamic) < 0)
            return -1;
    }
    return 0;
}

static int cmp_sym(const void *a, const void *b)
{
    const struct dc_elfsym *x = a, *y = b;
    int c = strcmp(x->name, y->name);

    if (c)
        return c;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static int read_elf(struct reader *r)
{
    size_t symtab = 0, dynsym = 0, versym = 0, verdef = 0, xndx = 0;
    struct dc_elfsyms *o = r->out;

    if (load_headers(r) < 0)
        return -1;
    for (size_t i = 1; i < r->shnum; i++) {
        switch (r->sh[i].sh_type) {
        case SHT_SYMTAB:
            if (!symtab)
                symtab = i;
            break;
        case SHT_DYNSYM:
            if (!dynsym)
                dynsym = i;
            break;
        case SHT_GNU_versym:
            if (!versym)
                versym = i;
            break;
        case SHT_GNU_verdef:
            if (!verdef)
                verdef = i;
            break;
        default: break;
        }
    }
    for (size_t i = 1; symtab && i < r->shnum; i++)
        if (r->sh[i].sh_type == SHT_SYMTAB_SHNDX && r->sh[i].sh_link == symtab && !xndx)
            xndx = i;
    o->info.have_symtab = symtab != 0;
    o->info.have_dynsym = dynsym != 0;
    if (verdef)
        load_versions(r, verdef);
    if (versym && r->sh[versym].sh_link != dynsym)
        versym = 0;
    if (dynsym && read_table(r, dynsym, versym, 0) < 0)
        return -1;
    if (symtab && read_table(r, symtab, 0, xndx) < 0)
        return -1;
    if (o->n) {
        size_t w = 1;

        qsort(o->v, o->n, sizeof(*o->v), cmp_sym);
        for (size_t i = 1; i < o->n; i++) {
            if (!strcmp(o->v[i].name, o->v[w - 1].name) && o->v[i].offset == o->v[w - 1].offset)
                o->v[w - 1].dynamic |= o->v[i].dynamic;
            else
                o->v[w++] = o->v[i];
        }
        o->n = w;
    }
    return 0;
}

/* The identification bytes, checked before libelf sees the file (it only says "not ELF"). */
static int check_ident(const unsigned char *h, size_t len, char *err, size_t errlen)
{
    const char *z;

    if (len < SELFMAG || memcmp(h, ELFMAG, SELFMAG) != 0) {
        z = dc_elf_compression(h, len);
        if (z)
            snprintf(err, errlen, "compressed with %s: decompress it first", z);
        else
            snprintf(err, errlen, "not an ELF file");
        return -1;
    }
    if (len < EI_NIDENT) {
        snprintf(err, errlen, "truncated ELF identification");
        return -1;
    }
    if (h[EI_CLASS] != ELFCLASS32 && h[EI_CLASS] != ELFCLASS64) {
        snprintf(err, errlen, "unsupported ELF class %u", (unsigned)h[EI_CLASS]);
        return -1;
    }
    if (h[EI_DATA] != ELFDATA2LSB && h[EI_DATA] != ELFDATA2MSB) {
        snprintf(err, errlen, "unsupported ELF byte order %u", (unsigned)h[EI_DATA]);
        return -1;
    }
    return 0;
}

static int run(const struct dc_elf_input *in, struct dc_arena *a, struct dc_elfsyms *out, char *err,
               size_t errlen)
{
    struct reader *r = calloc(1, sizeof(*r));
    int rc;

    if (!r) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    r->e = in->e;
    r->fsize = in->size;
    r->arena = a;
    r->out = out;
    r->err = err;
    r->errlen = errlen;
    err[0] = '\0';
    rc = read_elf(r);
    free(r->sh);
    free(r);
    return rc;
}

static int init_libelf(struct dc_elfsyms *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    if (elf_version(EV_CURRENT) == EV_NONE) {
        snprintf(err, errlen, "libelf is too old: %s", elf_errmsg(-1));
        return -1;
    }
    return 0;
}

int dc_elfsyms_read_mem(void *buf, size_t len, struct dc_arena *a, struct dc_elfsyms *out,
                        char *err, size_t errlen)
{
    struct dc_elf_input in;
    int rc;

    if (init_libelf(out, err, errlen) < 0 ||
        dc_elf_open_mem(buf, len, check_ident, &in, err, errlen) < 0)
        return -1;
    rc = run(&in, a, out, err, errlen);
    dc_elf_close(&in);
    return rc;
}

int dc_elfsyms_read_file(const char *path, struct dc_arena *a, struct dc_elfsyms *out, char *err,
                         size_t errlen)
{
    struct dc_elf_input in;
    int rc;

    if (init_libelf(out, err, errlen) < 0 ||
        dc_elf_open_file(path, check_ident, &in, err, errlen) < 0)
        return -1;
    rc = run(&in, a, out, err, errlen);
    dc_elf_close(&in);
    return rc;
}

void dc_elfsyms_free(struct dc_elfsyms *s)
{
    free(s->v);
    memset(s, 0, sizeof(*s));
}
