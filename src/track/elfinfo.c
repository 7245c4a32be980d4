/* SPDX-License-Identifier: BSD-3-Clause */
/* elfinfo.c - ELF inspection through the program headers (see elfinfo.h). */
#include "elfinfo.h"

#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef DF_1_PIE
#define DF_1_PIE 0x08000000
#endif

/* The pieces of PT_LOAD that address translation needs. */
struct load {
    uint64_t vaddr, offset, filesz;
};

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (!err || !errlen)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* File offset of [vaddr, vaddr+size) when one PT_LOAD maps it from the file; -1 otherwise. */
static int vaddr_to_offset(const struct load *loads, size_t n, uint64_t vaddr, uint64_t size,
                           uint64_t *off)
{
    for (size_t i = 0; i < n; i++) {
        const struct load *l = &loads[i];

        if (vaddr < l->vaddr)
            continue;
        if (vaddr - l->vaddr > l->filesz || size > l->filesz - (vaddr - l->vaddr))
            continue;
        *off = l->offset + (vaddr - l->vaddr);
        return 0;
    }
    return -1;
}

/* A NUL-terminated copy of the string at off in a table of size bytes; NULL if unterminated. */
static char *string_at(const char *table, uint64_t size, uint64_t off)
{
    const char *s, *nul;

    if (off >= size)
        return NULL;
    s = table + off;
    nul = memchr(s, '\0', (size_t)(size - off));
    return nul ? strndup(s, (size_t)(nul - s)) : NULL;
}

static int read_interp(Elf *elf, const GElf_Phdr *ph, struct elfinfo *info, char *err,
                       size_t errlen)
{
    Elf_Data *d;

    if (ph->p_filesz == 0 || ph->p_filesz > ELFINFO_INTERP_MAX) {
        set_err(err, errlen, "PT_INTERP has a bad size (%llu bytes)",
                (unsigned long long)ph->p_filesz);
        return -1;
    }
    d = elf_getdata_rawchunk(elf, (int64_t)ph->p_offset, (size_t)ph->p_filesz, ELF_T_BYTE);
    if (!d || !d->d_buf) {
        set_err(err, errlen, "PT_INTERP lies outside the file");
        return -1;
    }
    info->interp = string_at(d->d_buf, d->d_size, 0);
    if (!info->interp) {
        set_err(err, errlen, "PT_INTERP is not a terminated string");
        return -1;
    }
    return 0;
}

/* One dynamic entry, whatever the class (libelf has converted the byte order already). */
static void dyn_entry(const Elf_Data *d, int elf_class, size_t i, int64_t *tag, uint64_t *val)
{
    if (elf_class == ELFCLASS64) {
        const Elf64_Dyn *dyn = (const Elf64_Dyn *)d->d_buf + i;

        *tag = dyn->d_tag;
        *val = dyn->d_un.d_val;
    } else {
        const Elf32_Dyn *dyn = (const Elf32_Dyn *)d->d_buf + i;

        *tag = dyn->d_tag;
        *val = dyn->d_un.d_val;
    }
}

/*
 * Walk PT_DYNAMIC up to DT_NULL: collect DT_FLAGS_1 and the DT_NEEDED strings, which live in
 * DT_STRTAB (a virtual address, so it is translated through PT_LOAD like the loader does).
 */
static int read_dynamic(Elf *elf, const GElf_Phdr *ph, const struct load *loads, size_t nloads,
                        struct elfinfo *info, char *err, size_t errlen)
{
    size_t entsize = gelf_fsize(elf, ELF_T_DYN, 1, EV_CURRENT), count, n_needed = 0;
    uint64_t strtab = 0, strsz = 0, off, *needed_off = NULL, runpath = 0, rpath = 0;
    int have_strtab = 0, have_strsz = 0, have_runpath = 0, have_rpath = 0, ret = -1;
    Elf_Data *d, *strs;

    if (!entsize || ph->p_filesz < entsize || ph->p_filesz / entsize > ELFINFO_DYNAMIC_MAX) {
        set_err(err, errlen, "PT_DYNAMIC has a bad size (%llu bytes)",
                (unsigned long long)ph->p_filesz);
        return -1;
    }
    count = (size_t)(ph->p_filesz / entsize);
    d = elf_getdata_rawchunk(elf, (int64_t)ph->p_offset, count * entsize, ELF_T_DYN);
    if (!d || !d->d_buf ||
        d->d_size <
            count * (info->elf_class == ELFCLASS64 ? sizeof(Elf64_Dyn) : sizeof(Elf32_Dyn))) {
        set_err(err, errlen, "PT_DYNAMIC lies outside the file");
        return -1;
    }
    needed_off = calloc(count, sizeof(*needed_off));
    if (!needed_off) {
        set_err(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < count; i++) {
        int64_t tag;
        uint64_t val;

        dyn_entry(d, info->elf_class, i, &tag, &val);
        if (tag == DT_NULL)
            break;
        if (tag == DT_NEEDED)
            needed_off[n_needed++] = val;
        else if (tag == DT_STRTAB && !have_strtab)
            strtab = val, have_strtab = 1;
        else if (tag == DT_STRSZ && !have_strsz)
            strsz = val, have_strsz = 1;
        else if (tag == DT_FLAGS_1)
            info->flags_1 = val;
        else if (tag == DT_RUNPATH && !have_runpath)
            runpath = val, have_runpath = 1;
        else if (tag == DT_RPATH && !have_rpath)
            rpath = val, have_rpath = 1;
    }
    if (n_needed > ELFINFO_NEEDED_MAX) {
        set_err(err, errlen, "too many DT_NEEDED entries (%zu)", n_needed);
        goto out;
    }
    if (n_needed == 0 && !have_runpath && !have_rpath) {
        ret = 0;
        goto out;
    }
    if (!have_strtab || !have_strsz || strsz == 0 || strsz > ELFINFO_STRTAB_MAX) {
        set_err(err, errlen, "DT_NEEDED or DT_RUNPATH without a usable DT_STRTAB/DT_STRSZ");
        goto out;
    }
    if (vaddr_to_offset(loads, nloads, strtab, strsz, &off) < 0) {
        set_err(err, errlen, "DT_STRTAB is not mapped from the file by any PT_LOAD");
        goto out;
    }
    strs = elf_getdata_rawchunk(elf, (int64_t)off, (size_t)strsz, ELF_T_BYTE);
    if (!strs || !strs->d_buf) {
        set_err(err, errlen, "DT_STRTAB lies outside the file");
        goto out;
    }
    if ((have_runpath && !(info->runpath = string_at(strs->d_buf, strs->d_size, runpath))) ||
        (have_rpath && !(info->rpath = string_at(strs->d_buf, strs->d_size, rpath)))) {
        set_err(err, errlen, "DT_RUNPATH or DT_RPATH points outside DT_STRTAB");
        goto out;
    }
    info->needed = calloc(n_needed ? n_needed : 1, sizeof(char *));
    if (!info->needed) {
        set_err(err, errlen, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n_needed; i++) {
        info->needed[i] = string_at(strs->d_buf, strs->d_size, needed_off[i]);
        if (!info->needed[i]) {
            set_err(err, errlen, "DT_NEEDED entry %zu points outside DT_STRTAB", i);
            goto out;
        }
        info->n_needed = i + 1;
    }
    ret = 0;
out:
    free(needed_off);
    return ret;
}

static enum elfinfo_kind classify(const struct elfinfo *info)
{
    if (info->type != ET_EXEC && info->type != ET_DYN)
        return ELFINFO_OTHER;
    if (info->has_interp)
        return !info->has_dynamic      ? ELFINFO_NO_DYNAMIC
               : info->type == ET_EXEC ? ELFINFO_DYN_EXEC
                                       : ELFINFO_PIE;
    if (info->type == ET_EXEC)
        return ELFINFO_STATIC;
    return (info->flags_1 & DF_1_PIE) ? ELFINFO_STATIC_PIE : ELFINFO_SHARED_LIB;
}

static enum elfinfo_status read_elf(int fd, struct elfinfo *info, char *err, size_t errlen)
{
    enum elfinfo_status status = ELFINFO_MALFORMED;
    struct load *loads = NULL;
    size_t phnum = 0, nloads = 0;
    struct stat st;
    GElf_Ehdr eh;
    Elf *elf;

    elf = elf_begin(fd, ELF_C_READ, NULL);
    if (!elf) {
        set_err(err, errlen, "not a readable ELF file: %s", elf_errmsg(-1));
        return ELFINFO_MALFORMED;
    }
    if (elf_kind(elf) != ELF_K_ELF) {
        set_err(err, errlen, "not an ELF object");
        status = ELFINFO_NOT_ELF;
        goto out;
    }
    if (!gelf_getehdr(elf, &eh)) {
        set_err(err, errlen, "bad ELF header: %s", elf_errmsg(-1));
        goto out;
    }
    info->elf_class = eh.e_ident[EI_CLASS];
    info->data = eh.e_ident[EI_DATA];
    info->machine = eh.e_machine;
    info->type = eh.e_type;
    if (elf_getphdrnum(elf, &phnum) < 0 || phnum > 65535) {
        set_err(err, errlen, "bad program header table");
        goto out;
    }
    /* libelf quietly shortens a table that runs past the end of the file; the loader would
     * not, so a truncated table is damage, not "no segments". */
    if (fstat(fd, &st) < 0 || (eh.e_phnum != PN_XNUM && phnum != eh.e_phnum) ||
        (phnum && (eh.e_phoff >= (uint64_t)st.st_size ||
                   (uint64_t)phnum * eh.e_phentsize > (uint64_t)st.st_size - eh.e_phoff))) {
        set_err(err, errlen, "the program header table lies outside the file");
        goto out;
    }
    loads = calloc(phnum ? phnum : 1, sizeof(*loads));
    if (!loads) {
        set_err(err, errlen, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;

        if (!gelf_getphdr(elf, (int)i, &ph)) {
            set_err(err, errlen, "bad program header %zu: %s", i, elf_errmsg(-1));
            goto out;
        }
        if (ph.p_type == PT_LOAD)
            loads[nloads++] = (struct load){ph.p_vaddr, ph.p_offset, ph.p_filesz};
    }
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;

        gelf_getphdr(elf, (int)i, &ph);
        if (ph.p_type == PT_INTERP && !info->has_interp) {
            if (read_interp(elf, &ph, info, err, errlen) < 0)
                goto out;
            info->has_interp = 1;
        } else if (ph.p_type == PT_DYNAMIC && !info->has_dynamic) {
            if (read_dynamic(elf, &ph, loads, nloads, info, err, errlen) < 0)
                goto out;
            info->has_dynamic = 1;
        }
    }
    info->kind = classify(info);
    status = ELFINFO_OK;
out:
    free(loads);
    elf_end(elf);
    return status;
}

enum elfinfo_status elfinfo_read_fd(int fd, struct elfinfo *info, char *err, size_t errlen)
{
    unsigned char magic[SELFMAG];
    enum elfinfo_status st;
    ssize_t n;

    memset(info, 0, sizeof(*info));
    n = pread(fd, magic, sizeof(magic), 0);
    if (n < 0) {
        set_err(err, errlen, "cannot read: %s", strerror(errno));
        return ELFINFO_IOERR;
    }
    if (n < (ssize_t)sizeof(magic) || memcmp(magic, ELFMAG, SELFMAG) != 0) {
        set_err(err, errlen, "no ELF magic number");
        return ELFINFO_NOT_ELF;
    }
    if (elf_version(EV_CURRENT) == EV_NONE) {
        set_err(err, errlen, "libelf is too old: %s", elf_errmsg(-1));
        return ELFINFO_IOERR;
    }
    st = read_elf(fd, info, err, errlen);
    if (st != ELFINFO_OK)
        elfinfo_free(info);
    return st;
}

void elfinfo_free(struct elfinfo *info)
{
    for (size_t i = 0; i < info->n_needed; i++)
        free(info->needed[i]);
    free(info->needed);
    free(info->interp);
    free(info->runpath);
    free(info->rpath);
    info->needed = NULL;
    info->interp = NULL;
    info->runpath = info->rpath = NULL;
    info->n_needed = 0;
}

int elfinfo_searches(const struct elfinfo *info, const char *dir)
{
    const char *list = info->runpath ? info->runpath : info->rpath;
    size_t len = strlen(dir);

    for (const char *p = list; p && *p;) {
        const char *colon = strchr(p, ':');
        size_t n = colon ? (size_t)(colon - p) : strlen(p);

        if (n == len && strncmp(p, dir, len) == 0)
            return 1;
        p = colon ? colon + 1 : NULL;
    }
    return 0;
}

int elfinfo_is_dynamic_exec(const struct elfinfo *info)
{
    return info->kind == ELFINFO_DYN_EXEC || info->kind == ELFINFO_PIE;
}

const char *elfinfo_kind_str(enum elfinfo_kind kind)
{
    switch (kind) {
    case ELFINFO_DYN_EXEC: return "dynamically linked executable";
    case ELFINFO_PIE: return "dynamically linked PIE executable";
    case ELFINFO_STATIC: return "statically linked executable";
    case ELFINFO_STATIC_PIE: return "static-pie executable";
    case ELFINFO_SHARED_LIB: return "shared library";
    case ELFINFO_NO_DYNAMIC: return "executable without a dynamic section";
    case ELFINFO_OTHER: break;
    }
    return "ELF file that is not an executable (object file or core dump)";
}

const char *elfinfo_machine_str(int machine, char *buf, size_t len)
{
    switch (machine) {
    case EM_X86_64: return "x86-64";
    case EM_386: return "i386";
    case EM_AARCH64: return "AArch64";
    case EM_ARM: return "ARM";
    case EM_PPC64: return "PowerPC64";
    case EM_PPC: return "PowerPC";
    case EM_RISCV: return "RISC-V";
    case EM_S390: return "S/390";
    case EM_MIPS: return "MIPS";
    case EM_SPARCV9: return "SPARC V9";
    }
    snprintf(buf, len, "machine %d", machine);
    return buf;
}

const char *elfinfo_class_str(int elf_class)
{
    return elf_class == ELFCLASS64   ? "64-bit"
           : elf_class == ELFCLASS32 ? "32-bit"
                                     : "unknown-class";
}
