/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * usdt.c - SystemTap SDT notes (see usdt.h).
 *
 * A note of owner "stapsdt", type 3, holds three addresses of the file's word size (probe pc,
 * the link-time address of .stapsdt.base, the semaphore) and then three NUL-terminated strings:
 * provider, name, argument format. gelf_getnote() bounds the notes; the descriptor is raw bytes
 * in the file's byte order, bounded here.
 */
#include "usdt.h"

#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elfopen.h"

#define NT_STAPSDT   3
#define PROBES_MAX   (1u << 20)
#define SECTIONS_MAX (1u << 20)

static uint64_t get_addr(const unsigned char *p, size_t size, int msb)
{
    uint64_t v = 0;

    for (size_t i = 0; i < size; i++)
        v = msb ? (v << 8) | p[i] : v | (uint64_t)p[i] << (8 * i);
    return v;
}

static int push(struct dc_usdt *u, struct dc_arena *a, const char *prov, const char *name,
                uint64_t pc, uint64_t off, uint64_t sem)
{
    if (u->n == u->cap) {
        size_t cap = u->cap ? u->cap * 2 : 32;
        struct dc_usdt_probe *v;

        if (cap > PROBES_MAX)
            return -1;
        v = realloc(u->v, cap * sizeof(*v));
        if (!v)
            return -1;
        u->v = v;
        u->cap = cap;
    }
    u->v[u->n].provider = dc_arena_strdup(a, prov);
    u->v[u->n].name = dc_arena_strdup(a, name);
    if (!u->v[u->n].provider || !u->v[u->n].name)
        return -1;
    u->v[u->n].pc = pc;
    u->v[u->n].offset = off;
    u->v[u->n].semaphore = sem;
    u->n++;
    return 0;
}

/* A string of desc[pos..end) ending in a NUL inside it; pos is moved past it. */
static const char *take_string(const unsigned char *desc, size_t end, size_t *pos)
{
    const unsigned char *s = desc + *pos, *nul;

    if (*pos >= end)
        return NULL;
    nul = memchr(s, '\0', end - *pos);
    if (!nul)
        return NULL;
    *pos += (size_t)(nul - s) + 1;
    return (const char *)s;
}

static int printable(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f || *s == ':')
            return 0;
    return 1;
}

static int read_notes(Elf *e, uint64_t fsize, struct dc_arena *a, struct dc_usdt *u, char *err,
                      size_t errlen)
{
    GElf_Ehdr eh;
    size_t shnum, shstrndx, asize;
    uint64_t base_addr = 0;
    int have_base = 0, msb;
    GElf_Shdr *sh = NULL;
    const char *ident;
    size_t idlen;
    int rc = -1;

    if (elf_kind(e) != ELF_K_ELF) {
        snprintf(err, errlen, "not an ELF file");
        return -1;
    }
    ident = elf_getident(e, &idlen);
    if (!ident || idlen < EI_NIDENT ||
        (ident[EI_CLASS] != ELFCLASS32 && ident[EI_CLASS] != ELFCLASS64) ||
        (ident[EI_DATA] != ELFDATA2LSB && ident[EI_DATA] != ELFDATA2MSB) || !gelf_getehdr(e, &eh)) {
        snprintf(err, errlen, "bad ELF header");
        return -1;
    }
    asize = ident[EI_CLASS] == ELFCLASS64 ? 8 : 4;
    msb = ident[EI_DATA] == ELFDATA2MSB;
    if (elf_getshdrnum(e, &shnum) < 0 || elf_getshdrstrndx(e, &shstrndx) < 0 || shnum == 0 ||
        shnum > SECTIONS_MAX || shstrndx >= shnum) {
        snprintf(err, errlen, "bad section header table");
        return -1;
    }
    sh = calloc(shnum, sizeof(*sh));
    if (!sh) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < shnum; i++) {
        Elf_Scn *scn = elf_getscn(e, i);
        const char *name;

        if (!scn || !gelf_getshdr(scn, &sh[i])) {
            snprintf(err, errlen, "bad section header %zu", i);
            goto cleanup;
        }
        name = elf_strptr(e, shstrndx, sh[i].sh_name);
        if (name && !strcmp(name, ".stapsdt.base")) {
            base_addr = sh[i].sh_addr;
            have_base = 1;
        }
    }
    for (size_t i = 1; i < shnum; i++) {
        const char *secname = elf_strptr(e, shstrndx, sh[i].sh_name);
        Elf_Data *d;
        size_t off = 0, next, name_off, desc_off;
        GElf_Nhdr nh;

        if (sh[i].sh_type != SHT_NOTE || !secname || strcmp(secname, ".note.stapsdt") != 0)
            continue;
        if (sh[i].sh_offset > fsize || sh[i].sh_size > fsize - sh[i].sh_offset) {
            snprintf(err, errlen, ".note.stapsdt lies outside the file");
            goto cleanup;
        }
        d = elf_getdata(elf_getscn(e, i), NULL);
        if (!d || !d->d_buf)
            continue;
        while (off < d->d_size && (next = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
            const unsigned char *desc = (const unsigned char *)d->d_buf + desc_off;
            const char *prov, *pname, *args;
            uint64_t pc, base, sem, foff = 0;
            size_t pos = 3 * asize;

            off = next;
            if (nh.n_type != NT_STAPSDT || nh.n_namesz != 8 ||
                memcmp((const char *)d->d_buf + name_off, "stapsdt", 8) != 0)
                continue;
            if (desc_off > d->d_size || nh.n_descsz > d->d_size - desc_off ||
                nh.n_descsz < 3 * asize + 3) {
                u->skipped++;
                continue;
            }
            pc = get_addr(desc, asize, msb);
            base = get_addr(desc + asize, asize, msb);
            sem = get_addr(desc + 2 * asize, asize, msb);
            prov = take_string(desc, nh.n_descsz, &pos);
            pname = prov ? take_string(desc, nh.n_descsz, &pos) : NULL;
            args = pname ? take_string(desc, nh.n_descsz, &pos) : NULL;
            if (!args || !printable(prov) || !printable(pname)) {
                u->skipped++;
                continue;
            }
            if (have_base && base) /* prelink moved the file: move the probe with it */
                pc = pc - base + base_addr;
            for (size_t k = 1; k < shnum; k++) {
                if ((sh[k].sh_flags & SHF_ALLOC) && sh[k].sh_type != SHT_NOBITS &&
                    pc >= sh[k].sh_addr && pc - sh[k].sh_addr < sh[k].sh_size &&
                    sh[k].sh_offset <= fsize && sh[k].sh_size <= fsize - sh[k].sh_offset) {
                    foff = sh[k].sh_offset + (pc - sh[k].sh_addr);
                    break;
                }
            }
            if (push(u, a, prov, pname, pc, foff, sem) < 0) {
                snprintf(err, errlen, "out of memory or too many probes");
                goto cleanup;
            }
        }
    }
    rc = 0;
cleanup:
    free(sh);
    return rc;
}

/* Only the magic: the class and byte order are read_notes' to refuse. */
static int check_magic(const unsigned char *head, size_t len, char *err, size_t errlen)
{
    if (len < 4 || memcmp(head, ELFMAG, SELFMAG) != 0) {
        snprintf(err, errlen, "not an ELF file");
        return -1;
    }
    return 0;
}

static int init(struct dc_usdt *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    if (elf_version(EV_CURRENT) == EV_NONE) {
        snprintf(err, errlen, "libelf is too old");
        return -1;
    }
    return 0;
}

int dc_usdt_read_mem(void *buf, size_t len, struct dc_arena *a, struct dc_usdt *out, char *err,
                     size_t errlen)
{
    struct dc_elf_input in;
    int rc;

    if (init(out, err, errlen) < 0 || dc_elf_open_mem(buf, len, check_magic, &in, err, errlen) < 0)
        return -1;
    rc = read_notes(in.e, in.size, a, out, err, errlen);
    dc_elf_close(&in);
    return rc;
}

int dc_usdt_read_file(const char *path, struct dc_arena *a, struct dc_usdt *out, char *err,
                      size_t errlen)
{
    struct dc_elf_input in;
    int rc;

    if (init(out, err, errlen) < 0 || dc_elf_open_file(path, check_magic, &in, err, errlen) < 0)
        return -1;
    rc = read_notes(in.e, in.size, a, out, err, errlen);
    dc_elf_close(&in);
    return rc;
}

void dc_usdt_free(struct dc_usdt *u)
{
    free(u->v);
    memset(u, 0, sizeof(*u));
}
